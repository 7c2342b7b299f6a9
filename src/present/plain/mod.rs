//! Plain mode: Herald for screen readers and braille displays. Line-oriented and append-only:
//! it prints whole sentences and reads one command per line. No alternate screen, no cursor
//! movement, no colour, no carriage-return overwrites, no decorative glyphs, no escape byte at
//! all, so everything it says stays in the terminal's own scrollback and is read once.
//!
//! It uses the same stores, reader state ([`crate::engine::state`]) and filters and search
//! ([`crate::app::view`]) as the full-screen reader; only the presentation differs.
//!
//! - [`command`] turns a line of input into a [`Command`] (pure).
//! - [`render`] makes the sentences (pure).
//! - [`session`] keeps the list and the open article and answers commands (pure).
//! - This module reads input, prints answers, saves state, and decides when plain mode is on.

pub mod command;
pub mod render;
pub mod session;

use std::io::{self, BufRead, IsTerminal, Write};

pub use command::{Command, parse};
pub use session::{Layout, Reply, Session};

use crate::engine::Library;
use crate::engine::state::ReaderState;

/// Article text width when the output is not a terminal (and no `--width`).
pub const DEFAULT_WIDTH: usize = 80;
/// Headlines per page when the output is not a terminal.
pub const DEFAULT_PAGE: usize = 20;
/// Lines of a terminal kept free of headlines: the "more" line, the reader's command and its
/// echo, so a page never scrolls its first headline out of sight.
const PAGE_MARGIN: u16 = 4;

/// Everything that can turn plain mode on, gathered from the command line, config and
/// environment so the decision itself ([`Triggers::plain`]) is a pure function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Triggers {
    /// `--plain`.
    pub flag: bool,
    /// `plain = true|false` in the config file.
    pub config: Option<bool>,
    /// `HERALD_PLAIN`.
    pub herald_plain: Option<String>,
    /// `ACCESSIBLE`, the generic opt-in some other terminal programs honour.
    pub accessible: Option<String>,
    /// `TERM`.
    pub term: Option<String>,
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
}

impl Triggers {
    /// Reads the environment and whether stdin and stdout are terminals.
    pub fn from_environment(flag: bool, config: Option<bool>) -> Self {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Self {
            flag,
            config,
            herald_plain: var("HERALD_PLAIN"),
            accessible: var("ACCESSIBLE"),
            term: var("TERM"),
            stdin_is_terminal: io::stdin().is_terminal(),
            stdout_is_terminal: io::stdout().is_terminal(),
        }
    }

    /// True when Herald should read in plain mode.
    ///
    /// Plain mode is forced when the full-screen reader cannot work: `TERM` unset, empty or
    /// `dumb`, or stdin or stdout not a terminal. Otherwise the most specific choice wins:
    /// `--plain`, then `HERALD_PLAIN` (`0`, `false`, `no` or `off` turn it off; any other
    /// non-empty value on), then `plain` in the config file, then `ACCESSIBLE` (non-empty).
    /// Screen readers are never detected: nothing reliable says one is running, least of all
    /// over SSH.
    pub fn plain(&self) -> bool {
        let dumb = self
            .term
            .as_deref()
            .is_none_or(|term| term.is_empty() || term == "dumb");
        if dumb || !self.stdin_is_terminal || !self.stdout_is_terminal || self.flag {
            return true;
        }
        if let Some(choice) = self.herald_plain.as_deref().and_then(env_choice) {
            return choice;
        }
        if let Some(choice) = self.config {
            return choice;
        }
        self.accessible.as_deref().is_some_and(|v| !v.is_empty())
    }
}

/// `HERALD_PLAIN`'s value as a choice; empty counts as unset (as with `NO_COLOR`).
fn env_choice(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "0" | "false" | "no" | "off" => Some(false),
        _ => Some(true),
    }
}

/// True when `herald` (with no subcommand) should run in plain mode: `--plain`, config `plain`,
/// the environment, or a terminal that cannot show the full-screen reader.
pub fn wants_plain(flag: bool, config: Option<bool>) -> bool {
    Triggers::from_environment(flag, config).plain()
}

/// Width and page size from the terminal, or the defaults when output is not a terminal.
/// Reads the size from the kernel (no query is written to the terminal).
pub fn detect_layout(width: Option<u16>) -> Layout {
    // A pseudo-terminal nobody sized reports 0 x 0: that is "unknown", not "tiny".
    let size = if io::stdout().is_terminal() {
        ratatui::crossterm::terminal::size()
            .ok()
            .filter(|&(columns, rows)| columns > 0 && rows > 0)
    } else {
        None
    };
    let screen = size.map(|(_, rows)| usize::from(rows.saturating_sub(PAGE_MARGIN).max(5)));
    let width = width
        .map(usize::from)
        .unwrap_or_else(|| size.map_or(DEFAULT_WIDTH, |(columns, _)| usize::from(columns.max(20))));
    Layout {
        width,
        page: screen.unwrap_or(DEFAULT_PAGE),
        screen,
    }
}

/// Opens the reader state where the full-screen reader keeps it, or keeps it in memory (and
/// says so) when there is no data directory.
pub fn open_state() -> (ReaderState, Vec<String>) {
    match ReaderState::default_path() {
        Some(path) => ReaderState::open(path),
        None => (
            ReaderState::in_memory(),
            vec!["there is no data folder, so read and starred marks are not kept".to_owned()],
        ),
    }
}

/// Runs plain mode on stdin and `out` with the user's reader state. The stores behind
/// `sources` are watched: changes are taken in at the next command.
pub fn run_stdio(
    library: &Library,
    sources: &[crate::engine::store::StoreSource],
    width: Option<u16>,
    out: &mut impl Write,
) -> io::Result<()> {
    let (mut state, problems) = open_state();
    let mut notes: Vec<String> = problems
        .iter()
        .map(|p| format!("Problem: {}", render::sentence(p)))
        .collect();
    let (notifier, changes) = crate::engine::watch::channel_notifier();
    let _live = match crate::engine::watch::watch(sources, notifier) {
        Ok((live, problems)) => {
            notes.extend(
                problems
                    .iter()
                    .map(|p| format!("Problem: {}", render::sentence(p))),
            );
            Some(live)
        }
        Err(_) => None,
    };
    let mut reload = || {
        // Every notification since the last command is one reload.
        let mut changed = false;
        while changes.try_recv().is_ok() {
            changed = true;
        }
        changed.then(|| Library::load(sources))
    };
    run(
        library,
        &mut state,
        detect_layout(width),
        &notes,
        io::stdin().lock(),
        out,
        &mut reload,
    )
}

/// The session loop: prints `notes` and the start, then answers one command per line until `q`
/// or the end of input. Output is flushed after every answer, so it is spoken as soon as it is
/// complete. A failed save is reported once; later saves keep trying quietly.
///
/// Before each command `reload` is asked for a fresh load of the stores (None: nothing
/// changed). A new load is taken in before the command is answered, and each breaking article
/// it brings is announced on one line, `Breaking news: <title>`. Plain mode never prints
/// unasked: a screen reader would speak it over whatever the reader is doing.
pub fn run(
    library: &Library,
    state: &mut ReaderState,
    layout: Layout,
    notes: &[String],
    mut input: impl BufRead,
    out: &mut impl Write,
    reload: &mut dyn FnMut() -> Option<Library>,
) -> io::Result<()> {
    let mut owned: Option<Library> = None;
    let mut pending: Option<String> = None;
    let mut save_reported = false;
    let mut first = true;
    loop {
        let current = owned.as_ref().unwrap_or(library);
        let mut session = Session::new(current, state, layout);
        if first {
            print(out, notes)?;
            print(out, &session.start(state))?;
            first = false;
        }
        let mut line = Vec::new();
        let next = loop {
            let text = match pending.take() {
                Some(text) => text,
                None => {
                    line.clear();
                    if input.read_until(b'\n', &mut line)? == 0 {
                        return Ok(());
                    }
                    String::from_utf8_lossy(&line).into_owned()
                }
            };
            if let Some(loaded) = reload() {
                let (outcome, problems) = crate::app::reload::reconcile(current, loaded);
                let lines: Vec<String> = problems
                    .iter()
                    .map(|p| format!("Problem: {}", render::sentence(p)))
                    .collect();
                print(out, &lines)?;
                if let crate::app::reload::Outcome::Replace(new) = outcome {
                    let breaking = crate::app::reload::new_breaking(current, &new);
                    let mut lines: Vec<String> = breaking
                        .iter()
                        .map(|&i| format!("Breaking news: {}", new.headline(i).title))
                        .collect();
                    if new.len() != current.len() {
                        lines.push(format!(
                            "The stores changed: {} articles now. Type l to list them.",
                            new.len()
                        ));
                    }
                    print(out, &lines)?;
                    pending = Some(text);
                    break new;
                }
            }
            let reply = session.handle(state, parse(&text));
            print(out, &reply.lines)?;
            if reply.state_changed
                && let Err(error) = state.save()
                && !save_reported
            {
                save_reported = true;
                print(
                    out,
                    &[format!(
                        "Problem: could not save read and starred marks: {error}."
                    )],
                )?;
            }
            if reply.quit {
                return Ok(());
            }
        };
        owned = Some(next);
    }
}

fn print(out: &mut impl Write, lines: &[String]) -> io::Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terminal() -> Triggers {
        Triggers {
            term: Some("xterm-256color".into()),
            stdin_is_terminal: true,
            stdout_is_terminal: true,
            ..Triggers::default()
        }
    }

    #[test]
    fn a_real_terminal_with_no_choice_is_not_plain() {
        assert!(!terminal().plain());
    }

    #[test]
    fn each_trigger_turns_plain_mode_on() {
        let cases = [
            (
                "--plain",
                Triggers {
                    flag: true,
                    ..terminal()
                },
            ),
            (
                "config plain = true",
                Triggers {
                    config: Some(true),
                    ..terminal()
                },
            ),
            (
                "HERALD_PLAIN=1",
                Triggers {
                    herald_plain: Some("1".into()),
                    ..terminal()
                },
            ),
            (
                "HERALD_PLAIN=yes",
                Triggers {
                    herald_plain: Some("yes".into()),
                    ..terminal()
                },
            ),
            (
                "ACCESSIBLE=1",
                Triggers {
                    accessible: Some("1".into()),
                    ..terminal()
                },
            ),
            (
                "TERM=dumb",
                Triggers {
                    term: Some("dumb".into()),
                    ..terminal()
                },
            ),
            (
                "TERM unset",
                Triggers {
                    term: None,
                    ..terminal()
                },
            ),
            (
                "TERM empty",
                Triggers {
                    term: Some(String::new()),
                    ..terminal()
                },
            ),
            (
                "stdin piped",
                Triggers {
                    stdin_is_terminal: false,
                    ..terminal()
                },
            ),
            (
                "stdout piped",
                Triggers {
                    stdout_is_terminal: false,
                    ..terminal()
                },
            ),
        ];
        for (name, triggers) in cases {
            assert!(triggers.plain(), "{name} should select plain mode");
        }
    }

    #[test]
    fn the_most_specific_choice_wins_but_a_dumb_terminal_always_gets_plain() {
        let off = |t: Triggers| !t.plain();
        assert!(off(Triggers {
            accessible: Some(String::new()),
            ..terminal()
        }));
        assert!(off(Triggers {
            herald_plain: Some(String::new()),
            ..terminal()
        }));
        assert!(off(Triggers {
            config: Some(false),
            accessible: Some("1".into()),
            ..terminal()
        }));
        assert!(off(Triggers {
            herald_plain: Some("0".into()),
            config: Some(true),
            ..terminal()
        }));
        assert!(off(Triggers {
            herald_plain: Some("off".into()),
            accessible: Some("1".into()),
            ..terminal()
        }));
        assert!(
            Triggers {
                flag: true,
                herald_plain: Some("0".into()),
                ..terminal()
            }
            .plain()
        );
        assert!(
            Triggers {
                term: Some("dumb".into()),
                herald_plain: Some("0".into()),
                ..terminal()
            }
            .plain()
        );
        assert!(
            Triggers {
                stdin_is_terminal: false,
                config: Some(false),
                ..terminal()
            }
            .plain()
        );
    }
}
