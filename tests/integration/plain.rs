//! Plain mode end to end: the real binary, piped input, the sample stores, a temporary home.
//!
//! Golden transcripts live in `tests/golden/NAME.out` (stdout, byte for byte). When output
//! changes on purpose, rewrite them with `HERALD_BLESS=1 cargo test --test integration plain` and review
//! the diff. Every transcript is also checked for bytes a screen reader or braille display
//! should never get: ESC, `\r`, box drawing and block elements (U+2500-U+259F) and braille
//! patterns (U+2800-U+28FF).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{HERALD, Sandbox as Home, root};

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// Bytes that have no place in plain mode's output.
fn assert_plain_bytes(name: &str, out: &str) {
    assert!(!out.contains('\u{1b}'), "{name}: ESC byte in output");
    assert!(!out.contains('\r'), "{name}: carriage return in output");
    for c in out.chars() {
        assert!(
            !('\u{2500}'..='\u{259F}').contains(&c),
            "{name}: box drawing or block character {c:?}"
        );
        assert!(
            !('\u{2800}'..='\u{28FF}').contains(&c),
            "{name}: braille pattern {c:?}"
        );
        assert!(
            c == '\n' || !c.is_control(),
            "{name}: control character {c:?}"
        );
    }
}

/// Compares `actual` with `tests/golden/NAME.out`, or rewrites it under `HERALD_BLESS=1`.
fn assert_golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(format!("{name}.out"));
    if std::env::var_os("HERALD_BLESS").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; run with HERALD_BLESS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name}: output differs from {} at line {}\nexpected: {:?}\nactual:   {:?}\n\
             (HERALD_BLESS=1 rewrites golden files)",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
        );
    }
}

/// Sessions replayed against the sample stores: (golden name, arguments, input).
const TRANSCRIPTS: &[(&str, &[&str], &str)] = &[
    ("seed", &["--plain", "sample-data"], "/Ivanov\n1\nq\n"),
    (
        "tour",
        &["--plain", "sample-data"],
        "h\nm\nm\nm\nm\nl\nb\n2\ns\nn\np\np\nu\n/zebra\nsearch lichen\n1\n\nzz\n99\na\nq\n",
    ),
    (
        "narrow",
        &["--plain", "--width", "40", "sample-data"],
        "/Ivanov\n1\n",
    ),
    ("empty-input", &["--plain", "sample-data"], ""),
];

#[test]
fn golden_transcripts() {
    for (name, args, input) in TRANSCRIPTS {
        let home = Home::new();
        let output = home.output(args, &[("TERM", "xterm-256color")], input.as_bytes());
        assert!(output.status.success(), "{name}: {output:?}");
        assert!(output.stderr.is_empty(), "{name}: {}", text(&output.stderr));
        let out = text(&output.stdout);
        assert_plain_bytes(name, &out);
        assert_golden(name, &out);
    }
}

#[test]
fn the_seed_article_is_printed_whole_with_its_banner() {
    let home = Home::new();
    let output = home.output(
        &["--plain", "sample-data"],
        &[],
        "/Ivanov\n1\nq\n".as_bytes(),
    );
    assert!(output.status.success());
    assert!(!output.stdout.contains(&0x1b));
    let out = text(&output.stdout);
    let start = out.find("Breaking news.\n").expect("banner");
    let article = &out[start..];
    let end = article.find("End of article 1 of 1.\n").expect("end line");
    let body = article[..end]
        .split_once("\n\n")
        .map(|(_, body)| body)
        .expect("a blank line after the dateline");
    let paragraphs = body.split("\n\n").filter(|p| !p.trim().is_empty()).count();
    assert_eq!(paragraphs, 9, "{body}");
    assert!(
        article.starts_with("Breaking news.\nRussian Foreign Minister Arrives in North Korea\n")
    );
}

#[test]
fn hints_are_printed_once_and_again_only_on_help() {
    let home = Home::new();
    let input = "2\nn\np\nm\nl\nb\nu\na\n/korea\ns\nh\nq\n";
    let out = text(
        &home
            .output(&["--plain", "sample-data"], &[], input.as_bytes())
            .stdout,
    );
    let hints = out
        .lines()
        .filter(|l| l.contains("h for help") || l.starts_with("Help."))
        .count();
    assert_eq!(hints, 2, "{out}");
}

#[test]
fn reading_and_starring_are_kept_for_the_next_session() {
    let home = Home::new();
    let wide = ["--plain", "--width", "120", "sample-data"];
    let first = home.output(&wide, &[], "/Ivanov\n1\ns\nq\n".as_bytes());
    assert!(first.status.success());
    let second = text(&home.output(&wide, &[], "/Ivanov\nq\n".as_bytes()).stdout);
    assert!(
        second.contains(
            "1. Breaking. Starred. Russian Foreign Minister Arrives in North Korea. VOA, 28 July 2002.\n"
        ),
        "{second}"
    );
    assert!(
        second.starts_with("47 articles in 4 stores, 46 unread, "),
        "{second}"
    );
}

#[test]
fn the_config_file_can_ask_for_plain_mode() {
    let home = Home::new();
    let config = home.home().join("config/herald");
    std::fs::create_dir_all(&config).expect("config folder");
    std::fs::write(config.join("config.toml"), "plain = true\n").expect("config file");
    let output = home.output(&["sample-data"], &[], "q\n".as_bytes());
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("Type a number to read"));
}

#[test]
fn plain_output_is_the_same_through_a_pipe_and_without_a_flag() {
    // Piped stdin and stdout choose plain mode by themselves (P1, P8).
    let home = Home::new();
    let flagged = home.output(
        &["--plain", "sample-data"],
        &[],
        "/Ivanov\n1\nq\n".as_bytes(),
    );
    let home = Home::new();
    let piped = home.output(
        &["sample-data"],
        &[("TERM", "xterm")],
        "/Ivanov\n1\nq\n".as_bytes(),
    );
    assert_eq!(text(&flagged.stdout), text(&piped.stdout));
}

/// Runs `shell` in a pseudo-terminal with `script` (util-linux), so stdin and stdout are a
/// terminal unless the command itself pipes them. Returns None when `script` is missing.
fn in_terminal(home: &Home, shell: &str, env: &[(&str, &str)], input: &str) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let mut command = Command::new(script);
    command
        .args(["-q", "-e", "-c", shell, "/dev/null"])
        .current_dir(root())
        .env_clear()
        .envs(home.environment())
        .env("PATH", "/usr/bin:/bin")
        .env("HERALD", HERALD)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().ok()?;
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

const HINT: &str = "Type a number to read, h for help, q to quit.";

#[test]
fn each_trigger_selects_plain_mode_in_a_real_terminal() {
    let home = Home::new();
    let xterm = ("TERM", "xterm-256color");
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        ("--plain", "\"$HERALD\" --plain sample-data", &[xterm]),
        (
            "HERALD_PLAIN=1",
            "\"$HERALD\" sample-data",
            &[xterm, ("HERALD_PLAIN", "1")],
        ),
        (
            "ACCESSIBLE=1",
            "\"$HERALD\" sample-data",
            &[xterm, ("ACCESSIBLE", "1")],
        ),
        ("TERM=dumb", "\"$HERALD\" sample-data", &[("TERM", "dumb")]),
        ("TERM unset", "\"$HERALD\" sample-data", &[]),
        (
            "piped stdin",
            "printf 'q\\n' | \"$HERALD\" sample-data",
            &[xterm],
        ),
        ("piped stdout", "\"$HERALD\" sample-data | cat", &[xterm]),
    ];
    for (name, shell, env) in cases {
        let Some(out) = in_terminal(&home, shell, env, "q\n") else {
            eprintln!("skipped: `script` (util-linux) is not installed");
            return;
        };
        assert!(out.contains(HINT), "{name}: not plain mode:\n{out}");
        assert!(!out.contains('\u{1b}'), "{name}: ESC byte in plain output");
    }
}

#[test]
fn a_real_terminal_with_no_trigger_is_not_plain_mode() {
    // The control case: proves the trigger test above can fail.
    let home = Home::new();
    let shell = "exec timeout 10 \"$HERALD\" sample-data";
    let Some(out) = in_terminal(&home, shell, &[("TERM", "xterm-256color")], "q") else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    assert!(!out.contains(HINT), "plain mode without a trigger:\n{out}");
}

#[test]
fn hostile_stores_cannot_put_control_bytes_into_plain_output() {
    let home = Home::new();
    let mut input = String::from("h\n");
    for number in 1..=30 {
        input.push_str(&format!("{number}\nm\nm\n"));
    }
    input.push_str("b\nu\na\nl\nm\nm\nq\n");
    let output = home.output(
        &["--plain", "tests/fixtures/hostile"],
        &[],
        input.as_bytes(),
    );
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("End of article 1 of "), "{out}");
    assert!(!out.contains('\u{1b}'), "ESC byte in plain output");
    assert!(!out.contains('\r'), "carriage return in plain output");
    assert!(
        out.chars().all(|c| c == '\n' || !c.is_control()),
        "control character in plain output"
    );
}

/// Plain mode's commands are the reader's actions, so it can do what the reader does: mark an
/// article unread again, show starred articles only, go from store to store.
#[test]
fn plain_mode_marks_unread_filters_starred_and_cycles_stores() {
    let home = Home::new();
    let input = "/Ivanov\n1\nr\nl\ns\nS\n]\n]\n[\nq\n";
    let output = home.output(
        &["--plain", "--width", "200", "sample-data"],
        &[],
        input.as_bytes(),
    );
    assert!(output.status.success(), "{output:?}");
    let out = text(&output.stdout);
    let title = "Russian Foreign Minister Arrives in North Korea";
    assert!(out.contains(&format!("Marked unread: {title}.")), "{out}");
    // Listed again after `r`: unread once more.
    assert!(
        out.contains(&format!("1. Breaking. Unread. {title}. VOA, 28 July 2002.")),
        "{out}"
    );
    assert!(out.contains(&format!("Starred: {title}.")), "{out}");
    assert!(out.contains("Starred only: 1 article."), "{out}");
    assert!(
        out.contains(&format!("1. Breaking. Unread. Starred. {title}.")),
        "{out}"
    );
    // `]` twice from all stores: the first store, then the second; `[` back to the first.
    let stores: Vec<&str> = out.lines().filter(|l| l.starts_with("Store ")).collect();
    assert_eq!(stores.len(), 3, "{out}");
    assert_eq!(stores[0], stores[2], "{out}");
    assert_ne!(stores[0], stores[1], "{out}");
    assert_plain_bytes("parity", &out);
}

/// Real feeds' text read aloud: empty markup leaves nothing, code keeps its lines and spaces,
/// a table is a line per row with each cell named by its column, and a URL is never cut
/// (its line runs past the width instead, so it can be copied whole).
#[test]
fn code_tables_and_long_urls_in_plain_mode() {
    use crate::reader::text::{LONG_URL, store};
    let home = Home::new();
    let (dir, _stores) = store();
    let path = dir.path().join("harbour.json");
    let run = home.herald_with(
        &["--plain", "--width", "40", &path.to_string_lossy()],
        &[],
        Some(b"1\nq\n".as_slice()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_plain_bytes("code_tables_and_long_urls", &run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == "Spring Timetable")
        .expect("the article");
    let end = lines
        .iter()
        .position(|l| l.starts_with("End of article"))
        .expect("its end");
    assert_eq!(
        lines[start..end],
        [
            "Spring Timetable",
            "2 March 2024",
            "",
            "The harbour office published the new",
            "timetable.",
            "",
            "  departs  arrives",
            "  06:10    07:45",
            "",
            "Table, 2 rows, 2 columns:",
            "Day: Monday; Sailings: 4",
            "Day: Saturday; Sailings: 2 (night)",
            "",
            "Details:",
            LONG_URL,
            "(link 1)",
            "",
            &format!("Link 1: {LONG_URL}"),
        ]
    );
}

/// A plain-mode session of the real binary with its input and output as pipes, which a test
/// can write to and read from while it runs.
struct Live {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Live {
    fn start(home: &Home, args: &[&str]) -> Self {
        let mut child = home
            .command(HERALD)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start herald");
        let input = child.stdin.take().expect("stdin");
        let mut stdout = child.stdout.take().expect("stdout");
        let output = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let shared = output.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buffer) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                shared.lock().expect("lock").push_str(&text);
            }
        });
        Self {
            child,
            input,
            output,
        }
    }

    fn send(&mut self, line: &str) {
        self.input.write_all(line.as_bytes()).expect("write");
        self.input.flush().expect("flush");
    }

    fn text(&self) -> String {
        self.output.lock().expect("lock").clone()
    }

    /// Waits until the output, from byte `from` on, holds `wanted`; the output after it.
    fn wait_for(&self, from: usize, wanted: &str) -> String {
        crate::common::wait_until(wanted, || self.text()[from..].contains(wanted))
            .unwrap_or_else(|e| panic!("{e}:\n{}", self.text()));
        self.text()[from..].to_owned()
    }

    fn finish(mut self) -> String {
        self.send("q\n");
        let status = self.child.wait().expect("exit");
        assert!(status.success(), "{status}");
        self.text()
    }
}

/// Numbers a reader has heard keep meaning the same article when a store changes under them:
/// the new article is announced with a new number at the end of the list, and `n` and `3`
/// still open the article that was 3.
#[test]
fn a_breaking_arrival_is_numbered_after_the_list_and_renumbers_nothing() {
    let (_tmp, dir) = crate::reader::live::sample_copy();
    let home = Home::new();
    let path = dir.to_string_lossy().into_owned();
    let mut live = Live::start(&home, &["--plain", "--width", "200", &path]);
    live.wait_for(0, HINT);
    live.send("2\n");
    live.wait_for(0, "End of article 2 of 47.");
    crate::reader::live::append(
        &dir.join("30-wire.jsonl"),
        &crate::reader::live::breaking_line("wire-late", "Levee Breaks North of Town"),
    );
    // The change is taken in between commands: blank lines until it has been.
    let mut asked: Option<std::time::Instant> = None;
    let announced = "Breaking news: Levee Breaks North of Town. Number 48.";
    crate::common::wait_until("the arrival announced", || {
        if asked.is_none_or(|at| at.elapsed() > std::time::Duration::from_millis(100)) {
            live.send("\n");
            asked = Some(std::time::Instant::now());
        }
        live.text().contains(announced)
    })
    .unwrap_or_else(|e| panic!("{e}:\n{}", live.text()));
    let third = "Package Registry Crateyard Pauses Uploads After Token Leak";
    let from = live.text().len();
    live.send("n\n");
    let next = live.wait_for(from, "End of article 3 of 48.");
    assert!(next.contains(third), "{next}");
    assert!(!next.contains("Levee"), "{next}");
    let from = live.text().len();
    live.send("3\n");
    let again = live.wait_for(from, "End of article 3 of 48.");
    assert!(again.contains(third), "{again}");
    let from = live.text().len();
    live.send("l\n");
    let listed = live.wait_for(from, "Type m for more.");
    assert!(listed.starts_with("All articles: 48.\n"), "{listed}");
    assert!(
        listed.contains(&format!("\n3. Breaking. {third}.")),
        "{listed}"
    );
    let out = live.finish();
    assert_eq!(
        out.matches("Levee Breaks North of Town").count(),
        1,
        "{out}"
    );
    assert_plain_bytes("renumbering", &out);
}

/// 47 headlines, 20 to a page when piped: `page 3`, `back`, `top` and `last` go straight
/// there, each saying which page it is.
#[test]
fn pages_of_the_list_can_be_gone_back_to_and_jumped_to() {
    let home = Home::new();
    let input = "m\nback\nback\npage 3\nback\nlast\ntop\npage 9\nq\n";
    let run = home.herald_with(
        &["--plain", "--width", "200", "sample-data"],
        &[],
        Some(input.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout;
    // The headings, in order, and the first headline after each.
    let headings: Vec<(&str, &str)> = out
        .lines()
        .zip(out.lines().skip(1))
        .filter(|(l, _)| l.starts_with("Page ") || l.starts_with("This is the first page"))
        .map(|(l, next)| (l, next.split(". ").next().unwrap_or("")))
        .collect();
    assert_eq!(
        headings,
        [
            ("Page 1 of 3.", "1"),
            (
                "This is the first page. Type m for the next one, or l to list from the top.",
                "Page 3 of 3."
            ),
            ("Page 3 of 3.", "41"),
            ("Page 2 of 3.", "21"),
            ("Page 3 of 3.", "41"),
            ("Page 1 of 3.", "1"),
        ],
        "{out}"
    );
    assert!(
        out.contains("There is no page 9: the list has 3 pages, of 20 headlines each."),
        "{out}"
    );
    assert!(out.contains("\n47. "), "{out}");
    assert_plain_bytes("pages", &out);
}

/// An open article read paragraph by paragraph: each answer is the paragraph, then where it
/// is; `where` says the same without moving.
#[test]
fn an_article_can_be_read_by_paragraph() {
    let home = Home::new();
    let input = "/Ivanov\n1\nwhere\nnp\nnp\nnp\npp\nwhere\nq\n";
    let run = home.herald_with(
        &["--plain", "--width", "60", "sample-data"],
        &[],
        Some(input.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout;
    let places: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("Article 1 of 1"))
        .collect();
    assert_eq!(places.len(), 6, "{out}");
    assert!(places[0].contains("shown lines 1 to "), "{out}");
    assert!(
        places[1].starts_with("Article 1 of 1: paragraph 1 of "),
        "{out}"
    );
    assert!(
        places[2].starts_with("Article 1 of 1: paragraph 2 of "),
        "{out}"
    );
    assert!(
        places[3].starts_with("Article 1 of 1: paragraph 3 of "),
        "{out}"
    );
    assert_eq!(places[4], places[2], "pp goes back to paragraph 2: {out}");
    assert_eq!(places[5], places[4], "where does not move: {out}");
    // The first paragraph is the headline block; the second is the article's first paragraph,
    // wrapped, printed just before its place.
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == places[2])
        .expect("paragraph 2");
    let before = lines[..at]
        .iter()
        .rev()
        .take_while(|l| !l.starts_with("Article 1 of 1"));
    assert!(
        before
            .clone()
            .all(|l| !l.is_empty() && l.chars().count() <= 60),
        "{out}"
    );
    assert!(before.count() >= 1, "{out}");
}

/// The note said on standard error at start (here: no stores given, so the sample data) is
/// wrapped between words to a narrow terminal, the path in it whole on its line, where the
/// terminal itself would cut `/hom` from `e/...`.
#[test]
fn the_start_notice_wraps_between_words_on_a_narrow_terminal() {
    let home = Home::new();
    let shell = "stty cols 40 rows 12; \"$HERALD\" --plain </dev/null >/dev/null";
    let Some(out) = in_terminal(&home, shell, &[("TERM", "xterm")], "") else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    let out = out.replace("\r\n", "\n");
    let stores = format!("{}/herald/stores,", home.data().display());
    assert!(out.starts_with("herald: No stores given:"), "{out:?}");
    for line in out.lines() {
        assert!(
            line.chars().count() <= 40 || line == stores,
            "{line:?} in\n{out}"
        );
    }
    assert!(out.lines().any(|l| l.starts_with(&stores)), "{out}");
    // The control case: piped, the note stays one line.
    let piped = home.herald_with(&["--plain"], &[], Some(b""));
    assert_eq!(piped.stderr.lines().count(), 1, "{}", piped.stderr);
}

/// `herald brief`: with no record of a last session, every unread story, breaking first; once
/// a session has ended, what was published since it; a crafted record is no record, and costs
/// nothing else.
#[test]
fn herald_brief_says_what_is_new_since_the_last_session() {
    let home = Home::new();
    let wide = ["brief", "sample-data"];
    let first = home.herald(&wide);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let lines: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(lines[0], "47 unread, 7 breaking.", "{}", first.stdout);
    assert!(
        lines[1].starts_with("Breaking. Security Release: Quillpress 4.2.1 Fixes Remote Code"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("20 January 2026. The maintainers of Quillpress"),
        "{}",
        first.stdout.replace('\n', " ")
    );
    assert!(
        first
            .stdout
            .ends_with("And 37 more: herald list lists them all.\n"),
        "{}",
        first.stdout
    );
    assert_plain_bytes("brief", &first.stdout);
    assert!(
        lines.iter().all(|l| l.chars().count() <= 80),
        "{}",
        first.stdout
    );

    // A session ends: the state file records when.
    let session = home.herald_with(&["--plain", "sample-data"], &[], Some(b"1\nq\n"));
    assert_eq!(session.code, 0, "{}", session.stderr);
    let state_path = home.data().join("herald/state.json");
    let state = std::fs::read_to_string(&state_path).expect("the state file");
    assert!(state.contains("\"session_ended\": "), "{state}");

    // As if it had ended on 15 December 2025: two stories are newer, one read already.
    let ended = "1765756800000";
    let set = |value: &str| {
        let text = std::fs::read_to_string(&state_path).expect("the state file");
        let (head, tail) = text.split_once("\"session_ended\": ").expect("the record");
        let rest = tail.split_once('\n').map_or("", |(_, rest)| rest);
        std::fs::write(
            &state_path,
            format!("{head}\"session_ended\": {value}\n{rest}"),
        )
        .expect("write state");
    };
    set(ended);
    let since = home.herald(&wide);
    let lines: Vec<&str> = since.stdout.lines().collect();
    assert_eq!(
        lines[0], "1 new since 15 December 2025, 1 breaking.",
        "{}",
        since.stdout
    );
    assert!(
        lines[1].starts_with("Breaking. Security Release"),
        "{}",
        since.stdout
    );
    // The plain-mode command says the same.
    let plain = home.herald_with(&["--plain", "sample-data"], &[], Some(b"brief\nq\n"));
    assert!(
        plain
            .stdout
            .contains("\n1 new since 15 December 2025, 1 breaking.\nBreaking. Security Release"),
        "{}",
        plain.stdout
    );

    for crafted in ["\"tuesday\"", "-5", "1e400", "99999999999999999999", "{}"] {
        set(ended);
        set(crafted);
        let run = home.herald(&wide);
        assert_eq!(run.code, 0, "{crafted}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{crafted}: {}", run.stderr);
        assert!(
            run.stdout.starts_with("46 unread, 7 breaking.\n"),
            "{crafted}: {}",
            run.stdout
        );
    }
}

/// The morning moves in plain mode: `stores` lists the stores numbered with their counts,
/// `store N` reads one, `mark all read` marks that list read and says how many, `undo` takes
/// it back, `nu` opens the next unread article.
#[test]
fn stores_mark_all_read_undo_and_next_unread_in_plain_mode() {
    let home = Home::new();
    let input = "stores\nstore 1\nmark all read\nundo\nnu\nstore 9\nq\n";
    let output = home.output(
        &["--plain", "--width", "200", "sample-data"],
        &[],
        input.as_bytes(),
    );
    assert!(output.status.success(), "{output:?}");
    let text = text(&output.stdout);
    assert!(
        text.contains("4 stores, newest first. Type store and a number to read one."),
        "{text}"
    );
    assert!(text.contains("Store 1. "), "{text}");
    let first = text
        .lines()
        .find_map(|l| l.strip_prefix("Store 1. "))
        .and_then(|l| l.split(':').next())
        .expect("store 1")
        .to_owned();
    assert!(
        text.contains(&format!("Store 1 of 4: {first}")) || text.contains(&first),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Marked ") && l.ends_with(" read (z undoes it).")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Undone: ") && l.ends_with("unread again.")),
        "{text}"
    );
    assert!(
        text.contains("End of article 1 of"),
        "nu opened the first unread: {text}"
    );
    assert!(
        text.contains("There is no store 9: type stores to list them."),
        "{text}"
    );
}

/// Issue 16: an article's links by number in plain mode: `links` lists them, `open 2` hands
/// link 2 to the opener, `copy 1` says link 1 whole (plain mode writes no OSC 52), and a
/// number the article lacks says which it has.
#[test]
fn links_are_listed_opened_and_copied_by_number() {
    let home = Home::new();
    let (opener, record) = crate::common::url_opener(home.home());
    home.write_config(&format!("opener = \"{}\"\n", opener.display()));
    let store = root().join("tests/fixtures/links/links.json");
    let store = store.to_str().unwrap();
    let output = home.output(
        &["--plain", "--width", "200", store],
        &[],
        b"links\n1\nlinks\nopen 2\ncopy 1\nopen 9\nq\n",
    );
    assert!(output.status.success(), "{output:?}");
    let out = text(&output.stdout);
    assert!(
        out.contains("No article is open. Type its number first, then links."),
        "{out}"
    );
    assert!(
        out.contains("3 links. Type open and a number to open one, copy and a number to copy one."),
        "{out}"
    );
    assert!(
        out.contains("Link 1: https://example.org/gazette/ferry-times."),
        "{out}"
    );
    assert!(
        out.contains("Link 3: The article's own page, https://example.org/gazette/2024/03/ferry"),
        "{out}"
    );
    assert!(out.contains("Opening https://port.example/red"), "{out}");
    assert!(
        out.contains(
            "cannot reach the clipboard. The link is https://example.org/gazette/ferry-times"
        ),
        "{out}"
    );
    assert!(
        out.contains("This article has no link 9: its links are 1 to 3."),
        "{out}"
    );
    // The opener ran (the run loop waits for nothing it starts): wait for its record.
    crate::common::wait_for_opened(&record, "https://port.example/red");
    assert_plain_bytes("links", &out);
}

/// `history` numbers the past searches newest first, `/!N` searches for one again, and the
/// history is the full-screen reader's file, kept for the next session.
#[test]
fn history_lists_past_searches_and_slash_bang_n_repeats_one() {
    let home = Home::new();
    let args = ["--plain", "--width", "120", "sample-data"];
    let first = home.output(
        &args,
        &[],
        "history\n/!1\n/Ivanov\n/lichen\nhistory\n/!2\n/!9\nq\n".as_bytes(),
    );
    assert!(first.status.success(), "{first:?}");
    let out = text(&first.stdout);
    assert_plain_bytes("history", &out);
    assert!(
        out.contains(
            "No past searches yet. Type / and words to search, for example /north korea.\n\
             No past searches yet."
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Past searches, newest first: 2. To search again for one, type /! and its \
             number.\n1. lichen\n2. Ivanov\n"
        ),
        "{out}"
    );
    let again = out.rsplit_once("2. Ivanov\n").expect("the list").1;
    assert!(
        again.starts_with("Search for Ivanov: 1 article.\n"),
        "{again}"
    );
    // The numbers are the ones heard: 9 is none of them.
    assert!(
        again.contains("No search numbered 9: there are 2. Type history to list them.\n"),
        "{again}"
    );
    let file = home.data().join("herald").join("search-history");
    assert_eq!(
        std::fs::read_to_string(&file).expect("the history file"),
        "lichen\nIvanov\n",
        "a search made again is the newest, and kept once"
    );
    let second = text(
        &home
            .output(&args, &[], "history\n/!2\nq\n".as_bytes())
            .stdout,
    );
    assert!(second.contains("1. Ivanov\n2. lichen\n"), "{second}");
    assert!(second.contains("Search for lichen: "), "{second}");
}

/// `sort title` makes a new list, A to Z, numbered from 1 and printed again, and says so;
/// `sort` alone says the order and the choices.
#[test]
fn plain_mode_sorts_by_title_and_numbers_the_list_again() {
    let home = Home::new();
    let input = "sort title\nsort\nsort colour\n1\nq\n";
    let output = home.output(
        &["--plain", "--width", "200", "sample-data"],
        &[],
        input.as_bytes(),
    );
    assert!(output.status.success(), "{output:?}");
    let out = text(&output.stdout);
    let sorted = out
        .split("Sorted by title, A to Z.\nAll articles: 47.\n")
        .nth(1)
        .unwrap_or_else(|| panic!("the sort said and the list printed again: {out}"));
    let titles: Vec<String> = sorted
        .lines()
        .take_while(|l| !l.starts_with("Shown "))
        // A long headline wraps: its next lines start with no number.
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|l| l.to_lowercase())
        .collect();
    assert!(titles.len() > 5, "{out}");
    assert!(titles[0].starts_with("1. "), "{out}");
    let bare: Vec<String> = titles
        .iter()
        .map(|l| {
            // `3. Breaking. Unread. Title. Store, date.`: the title is after the state words.
            l.split(". ")
                .skip(1)
                .find(|w| !matches!(*w, "breaking" | "unread" | "starred"))
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(bare.is_sorted(), "{bare:?}");
    let help = "Type sort date, sort unread, sort store or sort title.";
    assert!(
        out.contains(&format!("The list is sorted by title. {help}")),
        "{out}"
    );
    assert_eq!(out.matches(help).count(), 2, "{out}");
}

/// `same author` from the open article: only that author's articles, numbered from 1 and
/// said with their count; with nothing open it says what to do; `a` shows all again.
#[test]
fn plain_mode_same_author_lists_only_that_authors_articles() {
    let home = Home::new();
    let store = home.path("wire.jsonl");
    let lines: Vec<String> = [
        ("a1", Some("Jane Doe"), 1),
        ("b1", Some("John Roe"), 2),
        ("a2", Some("Jane Doe"), 3),
        ("c1", None, 4),
    ]
    .iter()
    .map(|(id, author, day)| {
        let author = author.map_or(String::new(), |a| format!(r#","author":"{a}""#));
        format!(r#"{{"id":"{id}","title":"Story {id}","published":"2026-01-0{day}"{author}}}"#)
    })
    .collect();
    std::fs::write(&store, lines.join("\n") + "\n").expect("store");
    let store = store.to_string_lossy().into_owned();
    let input = "same author\n2\nsame author\n1\na\n1\nsame author\nq\n";
    let output = home.output(
        &["--plain", "--width", "200", &store],
        &[],
        input.as_bytes(),
    );
    assert!(output.status.success(), "{output:?}");
    let out = text(&output.stdout);
    assert!(
        out.contains("No article is open. Type its number first, then same author."),
        "{out}"
    );
    // 2 is a2 (newest first: c1, a2, b1, a1).
    assert!(
        out.contains(
            "Same author, Jane Doe: 2 of 4 headlines.\nSame author, Jane Doe: 2 articles.\n\
             1. Story a2. wire, 3 January 2026.\n2. Unread. Story a1. wire, 1 January 2026.\n"
        ),
        "{out}"
    );
    assert!(out.contains("End of article 1 of 2."), "{out}");
    assert!(out.contains("All articles: 4."), "{out}");
    assert!(
        out.contains(
            "This article has no author, so there is none to match. The list is unchanged."
        ),
        "{out}"
    );
}
