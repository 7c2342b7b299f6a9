//! `ssh host COMMAND`: the few read-only commands a server runs, printed as the local
//! commands print them. Everything else is refused with a line that says what is allowed.

use std::io::{self, Write};

use crate::engine::Library;
use crate::engine::state::{Marks, Timestamp};
use crate::present::commands::{self, ShowAs};

/// Article text width: an exec request has no terminal to measure.
const WIDTH: usize = 80;

/// A command the server runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exec {
    List { ids: bool, json: bool, new: bool },
    Show { id: String, json: bool },
    Brief,
    Help,
}

/// What is allowed, as `help` prints it and as a refusal repeats it.
pub const HELP: &str = "\
This server runs Herald, a news reader. Connect with `ssh -t` for the full-screen reader, or
with `ssh -T` (or from a TERM=dumb terminal) for plain mode (one command per line, for screen
readers). These commands run on their own:
  list [--ids] [--json] [--new]   every headline, newest first
  show ID [--json]                one article (ids as `list --ids` shows them)
  brief                           what is new, breaking news first
  help                            this text
";

/// The command in an exec request, or why it is refused.
pub fn parse(command: &[u8]) -> Result<Exec, String> {
    let text = std::str::from_utf8(command).map_err(|_| "the command is not UTF-8".to_owned())?;
    let words =
        shell_words::split(text).map_err(|error| format!("cannot read the command: {error}"))?;
    let mut words = words.iter().map(String::as_str);
    let name = words.next().unwrap_or("help");
    // Only as many characters as a line can hold: the command came from outside.
    let shown = crate::text::sanitize_line(&name.chars().take(40).collect::<String>()).into_owned();
    let rest: Vec<&str> = words.collect();
    let flag = |name: &str| rest.contains(&name);
    let unknown = |allowed: &[&str]| {
        rest.iter()
            .find(|word| word.starts_with('-') && !allowed.contains(word))
            .map(|word| {
                format!(
                    "`{shown}` takes no {}",
                    crate::text::sanitize_line(&word.chars().take(40).collect::<String>())
                )
            })
    };
    match name {
        "list" => {
            if let Some(problem) = unknown(&["--ids", "--json", "--new"]) {
                return Err(problem);
            }
            if rest.iter().any(|w| !w.starts_with('-')) {
                return Err(
                    "`list` lists the stores this server reads, and takes no store".to_owned(),
                );
            }
            Ok(Exec::List {
                ids: flag("--ids"),
                json: flag("--json"),
                new: flag("--new"),
            })
        }
        "show" => {
            if let Some(problem) = unknown(&["--json"]) {
                return Err(problem);
            }
            let ids: Vec<&str> = rest
                .iter()
                .copied()
                .filter(|w| !w.starts_with('-'))
                .collect();
            match ids.as_slice() {
                [id] => Ok(Exec::Show {
                    id: (*id).to_owned(),
                    json: flag("--json"),
                }),
                _ => Err("`show` takes one article id (`list --ids` shows them)".to_owned()),
            }
        }
        "brief" if rest.is_empty() => Ok(Exec::Brief),
        "help" | "--help" | "-h" => Ok(Exec::Help),
        _ => Err(format!("`{shown}` is not a command this server runs")),
    }
}

/// Runs `exec` on the shared library with the reader's marks: its output, what goes to
/// standard error, and the exit status (as the local command's).
pub fn run(
    exec: &Exec,
    library: &Library,
    marks: &Marks,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<u32> {
    match exec {
        Exec::List { ids, json, new } => {
            let which = if *new {
                crate::present::brief::new_articles(library, marks)
            } else {
                library.newest_first().to_vec()
            };
            if *json {
                crate::present::json::list(library, marks, &which, out)?;
            } else {
                commands::list(library, &which, *ids, out)?;
            }
            Ok(0)
        }
        Exec::Show { id, json } => {
            let how = if *json {
                ShowAs::Json { marks }
            } else {
                ShowAs::Text { width: WIDTH }
            };
            let found = commands::show(library, id, None, how, out, err)?;
            Ok(if found { 0 } else { 1 })
        }
        Exec::Brief => {
            let lines = crate::present::brief::briefing(
                library,
                marks,
                Timestamp::now(),
                "`ssh ... list` lists them all",
            );
            for line in lines {
                for part in crate::text::wrap::wrap_paragraph_keeping_urls(&line, WIDTH) {
                    writeln!(out, "{part}")?;
                }
            }
            Ok(0)
        }
        Exec::Help => {
            out.write_all(HELP.as_bytes())?;
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_only_commands_parse_and_everything_else_is_refused_by_name() {
        let cases: &[(&str, Result<Exec, &str>)] = &[
            (
                "list",
                Ok(Exec::List {
                    ids: false,
                    json: false,
                    new: false,
                }),
            ),
            (
                "list --ids --new",
                Ok(Exec::List {
                    ids: true,
                    json: false,
                    new: true,
                }),
            ),
            (
                "list --json",
                Ok(Exec::List {
                    ids: false,
                    json: true,
                    new: false,
                }),
            ),
            (
                "show voa-1",
                Ok(Exec::Show {
                    id: "voa-1".into(),
                    json: false,
                }),
            ),
            (
                "show 'an id' --json",
                Ok(Exec::Show {
                    id: "an id".into(),
                    json: true,
                }),
            ),
            ("brief", Ok(Exec::Brief)),
            ("help", Ok(Exec::Help)),
            ("", Ok(Exec::Help)),
            ("sh", Err("`sh` is not a command this server runs")),
            (
                "sh -c 'cat /etc/passwd'",
                Err("`sh` is not a command this server runs"),
            ),
            (
                "list /etc",
                Err("`list` lists the stores this server reads, and takes no store"),
            ),
            ("list --delete", Err("`list` takes no --delete")),
            (
                "show",
                Err("`show` takes one article id (`list --ids` shows them)"),
            ),
            (
                "show a b",
                Err("`show` takes one article id (`list --ids` shows them)"),
            ),
            (
                "mark-read",
                Err("`mark-read` is not a command this server runs"),
            ),
            (
                "brief now",
                Err("`brief` is not a command this server runs"),
            ),
        ];
        for (command, expected) in cases {
            let expected = expected.clone().map_err(str::to_owned);
            assert_eq!(parse(command.as_bytes()), expected, "{command:?}");
        }
        assert!(parse(b"\xff").is_err());
        // A name with escape bytes is shown without them.
        let refusal = parse(b"\x1b[2Jrm").unwrap_err();
        assert!(!refusal.contains('\x1b'), "{refusal:?}");
    }
}
