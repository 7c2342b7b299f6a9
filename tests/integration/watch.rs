//! `herald watch`, the real binary with its output on a pipe (and on a pty for `--notify`):
//! only arrivals print, one line each; `--all`, `--json`; hostile titles come out inert;
//! SIGTERM, SIGHUP, SIGINT and a closed pipe end it with status 0; `--fetch` lands a feed
//! from a server on 127.0.0.1.
//!
//! "Nothing" and "exactly one" are never checked after a sleep: watch says on standard error
//! once it watches, and after the article under test another one is appended and waited for;
//! the output is in order, so whatever the first was going to print is printed by then.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::common::http::{Reply, Server};
use crate::common::{HERALD, Launch, Pty, Sandbox, deadline, wait_until};
use crate::reader::live::append;
use crate::reader::notify::{article_line, count};

/// `herald watch ARGS` running in a sandbox, its output gathered as it comes.
struct Watching {
    child: Child,
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
}

/// Reads `from` to its end into a shared buffer, on a thread of its own.
pub fn gather(mut from: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let into = Arc::new(Mutex::new(Vec::new()));
    let buffer = into.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = from.read(&mut chunk) {
            if n == 0 {
                break;
            }
            buffer.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    into
}

/// Starts watch; with `read_out` false its standard output is left to the test (see
/// [`Watching::take_stdout`]). Returns once watch says it is watching.
fn start(sandbox: &Sandbox, args: &[&str], read_out: bool) -> (Watching, Option<ChildStdout>) {
    let mut child = sandbox
        .command(HERALD)
        .arg("watch")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start herald watch");
    let stdout = child.stdout.take().expect("stdout");
    let (out, stdout) = if read_out {
        (gather(stdout), None)
    } else {
        (Arc::new(Mutex::new(Vec::new())), Some(stdout))
    };
    let err = gather(child.stderr.take().expect("stderr"));
    let watching = Watching { child, out, err };
    watching.wait_err("herald: watching");
    (watching, stdout)
}

impl Watching {
    fn out(&self) -> String {
        String::from_utf8(self.out.lock().unwrap().clone()).expect("UTF-8 output")
    }

    fn err(&self) -> String {
        String::from_utf8_lossy(&self.err.lock().unwrap()).into_owned()
    }

    fn lines(&self) -> Vec<String> {
        self.out().lines().map(str::to_owned).collect()
    }

    fn wait_err(&self, text: &str) {
        if let Err(error) = wait_until(text, || self.err().contains(text)) {
            panic!("{error}; stderr: {:?}", self.err());
        }
    }

    /// Waits until a line of the output contains `text`.
    fn wait_line(&self, text: &str) {
        if let Err(error) = wait_until(text, || self.lines().iter().any(|l| l.contains(text))) {
            panic!(
                "{error}; output: {:?}; stderr: {:?}",
                self.out(),
                self.err()
            );
        }
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(i32::try_from(self.child.id()).unwrap()).unwrap()
    }

    /// Waits for the process to end by itself; its exit code (None: killed by a signal).
    fn wait_exit(&mut self) -> Option<i32> {
        let end = Instant::now() + deadline();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                panic!("herald watch did not end; stderr: {:?}", self.err());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn stop(&mut self, signal: Signal) -> Option<i32> {
        kill_process(self.pid(), signal).expect("kill");
        self.wait_exit()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        // A test that failed half-way leaves no process behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder `news` in the sandbox holding `wire.jsonl` with these lines; its path and the
/// file's.
fn store(sandbox: &Sandbox, lines: &[String]) -> (PathBuf, PathBuf) {
    let dir = sandbox.path("news");
    std::fs::create_dir_all(&dir).unwrap();
    let wire = dir.join("wire.jsonl");
    std::fs::write(&wire, lines.concat()).unwrap();
    (dir, wire)
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn old_news() -> Vec<String> {
    vec![
        article_line("old-1", "Old Alarm", true, 600),
        article_line("old-2", "Old Calm", false, 500),
    ]
}

/// A breaking article appended after the one under test, and waited for: by then watch has
/// printed whatever the one before was going to give.
fn settle(watching: &Watching, wire: &Path) {
    append(wire, &article_line("marker", "Marker Story", true, 0));
    watching.wait_line("Marker Story");
}

#[test]
fn only_a_breaking_arrival_prints_one_line_and_nothing_from_the_start() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, _) = start(&sandbox, &[arg(&dir)], true);
    append(
        &wire,
        &article_line("calm", "Tide Tables Printed", false, 20),
    );
    append(&wire, &article_line("dam", "Dam Bursts Upstream", true, 10));
    watching.wait_line("Dam Bursts Upstream");
    settle(&watching, &wire);
    let lines = watching.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    // `BREAKING YYYY-MM-DD HH:MM news: Dam Bursts Upstream` (no source: the store's name,
    // which is its folder's).
    assert!(lines[0].starts_with("BREAKING 20"), "{lines:?}");
    assert!(
        lines[0].ends_with(" news: Dam Bursts Upstream"),
        "{lines:?}"
    );
    assert_eq!(
        lines[0].len(),
        "BREAKING 2026-12-03 14:05 news: Dam Bursts Upstream".len()
    );
    assert!(lines[1].ends_with("news: Marker Story"), "{lines:?}");
    assert_eq!(watching.stop(Signal::TERM), Some(0), "{}", watching.err());
}

#[test]
fn with_all_an_ordinary_arrival_prints_without_the_breaking_word() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, _) = start(&sandbox, &["--all", arg(&dir)], true);
    append(
        &wire,
        &article_line("calm", "Tide Tables Printed", false, 20),
    );
    watching.wait_line("Tide Tables Printed");
    settle(&watching, &wire);
    let lines = watching.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(!lines[0].contains("BREAKING"), "{lines:?}");
    assert!(
        lines[0].ends_with(" news: Tide Tables Printed"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("BREAKING "), "{lines:?}");
    assert_eq!(watching.stop(Signal::HUP), Some(0), "{}", watching.err());
}

#[test]
fn json_lines_parse_and_carry_the_list_fields() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, _) = start(&sandbox, &["--json", "--all", arg(&dir)], true);
    append(&wire, &article_line("dam", "Dam Bursts", true, 10));
    append(&wire, &article_line("calm", "Tide Tables", false, 5));
    watching.wait_line("Tide Tables");
    let lines = watching.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let records: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    for record in &records {
        for key in [
            "id",
            "title",
            "published",
            "breaking",
            "store",
            "source",
            "url",
        ] {
            assert!(record.get(key).is_some(), "{key} missing: {record}");
        }
    }
    assert_eq!(records[0]["id"], "dam");
    assert_eq!(records[0]["breaking"], true);
    assert_eq!(records[0]["store"], "news");
    assert_eq!(records[1]["title"], "Tide Tables");
    assert_eq!(records[1]["breaking"], false);
    assert_eq!(watching.stop(Signal::INT), Some(0), "{}", watching.err());
}

#[test]
fn a_hostile_title_comes_out_with_no_escape_bytes() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, _) = start(&sandbox, &[arg(&dir)], true);
    // CSI (7-bit and 8-bit), OSC with BEL and ST ends, a bare BEL, a line break, bidi.
    let hostile = "Dam \u{1b}[2J\u{1b}]0;owned\u{7}Bursts\u{9b}31m \u{1b}]8;;http://x\u{1b}\\\
                   Up\u{7}stream\n\u{202e}Now";
    append(&wire, &article_line("dam", hostile, true, 10));
    watching.wait_line("Dam");
    settle(&watching, &wire);
    let bytes = watching.out.lock().unwrap().clone();
    for byte in [0x1b_u8, 0x07, 0x9b, 0x9c] {
        assert!(!bytes.contains(&byte), "byte {byte:#x} in {bytes:?}");
    }
    let out = watching.out();
    assert!(out.chars().all(|c| c == '\n' || !c.is_control()), "{out:?}");
    assert!(!out.contains('\u{202e}'), "{out:?}");
    assert_eq!(watching.lines().len(), 2, "one line each: {out:?}");
    assert_eq!(watching.stop(Signal::TERM), Some(0));
}

#[test]
fn a_stale_breaking_story_is_not_breaking_news() {
    // With a [breaking] section, a flag holds only while the story is fresh.
    let sandbox = Sandbox::new();
    sandbox.write_config("[breaking]\nfresh_for = \"1h\"\n");
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, _) = start(&sandbox, &[arg(&dir)], true);
    append(
        &wire,
        &article_line("late", "Yesterday's Alarm", true, 2 * 86_400),
    );
    settle(&watching, &wire);
    assert_eq!(watching.lines().len(), 1, "{:?}", watching.lines());
    assert_eq!(watching.stop(Signal::TERM), Some(0));
}

#[test]
fn a_bad_line_is_reported_with_its_place_and_watch_goes_on() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, _) = start(&sandbox, &[arg(&dir)], true);
    append(&wire, "{not json\n");
    watching.wait_err("wire.jsonl:3:");
    settle(&watching, &wire);
    assert_eq!(watching.lines().len(), 1, "{:?}", watching.lines());
    assert_eq!(watching.stop(Signal::TERM), Some(0));
}

#[test]
fn a_closed_pipe_ends_it_with_status_0() {
    // `herald watch | head -1`: the reader takes one line and goes.
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let (mut watching, stdout) = start(&sandbox, &[arg(&dir)], false);
    let mut reader = std::io::BufReader::new(stdout.expect("the output pipe"));
    append(&wire, &article_line("dam", "Dam Bursts", true, 10));
    let mut line = String::new();
    reader.read_line(&mut line).expect("a line");
    assert!(line.ends_with("news: Dam Bursts\n"), "{line:?}");
    drop(reader);
    // Nothing more is written, and still it ends: it heard the pipe close.
    assert_eq!(watching.wait_exit(), Some(0), "{}", watching.err());
}

#[test]
fn a_closed_pipe_ends_it_in_a_shell_pipeline_too() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let mut child = sandbox
        .command("sh")
        .args([
            "-c",
            &format!("{HERALD} watch {} | head -1; echo ended", arg(&dir)),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh");
    let out = gather(child.stdout.take().unwrap());
    let err = gather(child.stderr.take().unwrap());
    let said = |what: &str| String::from_utf8_lossy(&err.lock().unwrap()).contains(what);
    wait_until("watch to start", || said("herald: watching")).unwrap();
    append(&wire, &article_line("dam", "Dam Bursts", true, 10));
    let printed = || String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
    if let Err(error) = wait_until("the pipeline to end", || printed().contains("ended")) {
        let _ = child.kill();
        panic!("{error}: {:?}", printed());
    }
    assert!(child.wait().unwrap().success());
    let printed = printed();
    assert!(
        printed.ends_with("news: Dam Bursts\nended\n"),
        "{printed:?}"
    );
}

#[test]
fn notify_writes_one_osc_9_to_the_terminal() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let mut pty = Pty::launch_in(
        sandbox,
        Launch {
            args: &["watch", "--notify", "--all", arg(&dir)],
            ..Launch::default()
        },
    );
    pty.wait_for_text("herald: watching");
    append(
        &wire,
        &article_line("dam", "Dam \u{1b}]9;x\u{7}Bursts", true, 10),
    );
    pty.wait_for_text("news: Dam Bursts");
    let sent = || count(&pty.bytes_since(0), b"\x1b]9;");
    wait_until("a notification", || sent() >= 1).unwrap();
    // An ordinary arrival after it: printed, and no notification.
    append(&wire, &article_line("calm", "Tide Tables", false, 0));
    pty.wait_for_text("news: Tide Tables");
    kill_process(Pid::from_raw(pty.pid()).unwrap(), Signal::TERM).unwrap();
    assert_eq!(pty.wait_exit(), 0);
    let bytes = pty.bytes_since(0);
    assert_eq!(
        count(&bytes, b"\x1b]9;"),
        1,
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(count(&bytes, b"\x1b]9;Breaking: Dam Bursts\x07"), 1);
}

#[test]
fn notify_gathers_three_quick_arrivals_into_one_notification() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    let mut pty = Pty::launch_in(
        sandbox,
        Launch {
            args: &["watch", "--notify", arg(&dir)],
            ..Launch::default()
        },
    );
    pty.wait_for_text("herald: watching");
    append(&wire, &article_line("a", "First Alarm", true, 3));
    append(&wire, &article_line("b", "Second Alarm", true, 2));
    append(&wire, &article_line("c", "Third Alarm", true, 1));
    pty.wait_for_text("news: Third Alarm");
    let sent = || count(&pty.bytes_since(0), b"\x1b]9;");
    wait_until("a notification", || sent() >= 1).unwrap();
    // One more, after it: held for a minute (at most one a minute), so nothing yet.
    append(&wire, &article_line("d", "Fourth Alarm", true, 0));
    pty.wait_for_text("news: Fourth Alarm");
    kill_process(Pid::from_raw(pty.pid()).unwrap(), Signal::TERM).unwrap();
    assert_eq!(pty.wait_exit(), 0);
    let bytes = pty.bytes_since(0);
    assert_eq!(
        count(
            &bytes,
            b"\x1b]9;3 breaking stories: Third Alarm, Second Alarm, First Alarm\x07"
        ),
        1,
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(count(&bytes, b"\x1b]9;"), 1);
}

#[test]
fn notify_without_a_terminal_says_so_once_and_goes_on() {
    let sandbox = Sandbox::new();
    let (dir, wire) = store(&sandbox, &old_news());
    // setsid: no controlling terminal, so /dev/tty cannot be opened.
    let mut child = sandbox
        .command("setsid")
        .args([HERALD, "watch", "--notify", arg(&dir)])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("setsid");
    let out = gather(child.stdout.take().unwrap());
    let err = gather(child.stderr.take().unwrap());
    let said = || String::from_utf8_lossy(&err.lock().unwrap()).into_owned();
    wait_until("watch to start", || said().contains("herald: watching")).unwrap();
    append(&wire, &article_line("dam", "Dam Bursts", true, 10));
    let printed = || String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
    wait_until("the line", || printed().contains("Dam Bursts")).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        said().matches("no desktop notifications").count(),
        1,
        "{}",
        said()
    );
    assert!(said().contains("/dev/tty"), "{}", said());
}

/// An RSS feed of `items` items titled `{tag} story {n}`.
fn rss(tag: &str, items: usize) -> String {
    let items: String = (0..items)
        .map(|n| {
            format!(
                "<item><title>{tag} story {n}</title><link>http://example.org/{tag}/{n}</link>\
                 <guid>{tag}-{n}</guid><pubDate>Mon, 01 Jun 2026 1{n}:00:00 GMT</pubDate>\
                 <description>Text {n}.</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk</title>\
         <link>http://example.org/</link><description>d</description>{items}</channel></rss>"
    )
}

#[test]
fn fetch_lands_a_feed_and_prints_its_articles() {
    let server = Server::start(|_| Reply::ok(rss("Fetched", 2)));
    let sandbox = Sandbox::new();
    let folder = sandbox.config().join("herald");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("feeds.toml"),
        format!(
            "[[feed]]\nname = \"Desk\"\nurl = \"{}\"\n",
            server.url("/feed.xml")
        ),
    )
    .unwrap();
    let (mut watching, _) = start(&sandbox, &["--fetch", "--all"], true);
    assert!(
        watching.err().contains("fetching 1 feed when due"),
        "{}",
        watching.err()
    );
    watching.wait_line("Fetched story 1");
    watching.wait_line("Fetched story 0");
    let lines = watching.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("2026-06-01 10:00"),
        "oldest first: {lines:?}"
    );
    assert!(lines[0].ends_with("Desk: Fetched story 0"), "{lines:?}");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(watching.stop(Signal::TERM), Some(0), "{}", watching.err());
    assert!(!watching.err().contains("fetch:"), "{}", watching.err());
}

#[test]
fn fetch_asks_only_for_the_feeds_their_schedule_says_are_due() {
    let server = Server::start(|request| match request.path.as_str() {
        "/due.xml" => Reply::ok(rss("Due", 1)),
        _ => Reply::ok(rss("Early", 1)),
    });
    let sandbox = Sandbox::new();
    let folder = sandbox.config().join("herald");
    std::fs::create_dir_all(&folder).unwrap();
    let early = server.url("/early.xml");
    std::fs::write(
        folder.join("feeds.toml"),
        format!(
            "[[feed]]\nname = \"Early\"\nurl = \"{early}\"\n\n[[feed]]\nname = \"Due\"\nurl = \"{}\"\n",
            server.url("/due.xml")
        ),
    )
    .unwrap();
    // Fetched a moment ago: not due for an hour.
    let data = sandbox.data().join("herald");
    std::fs::create_dir_all(&data).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    std::fs::write(
        data.join("fetch.json"),
        serde_json::json!({"feeds": {early: {"next_due": now + 3600, "last_ok": true}}})
            .to_string(),
    )
    .unwrap();
    let (mut watching, _) = start(&sandbox, &["--fetch", "--all"], true);
    watching.wait_line("Due story 0");
    assert_eq!(watching.stop(Signal::TERM), Some(0), "{}", watching.err());
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(asked, ["/due.xml"]);
    assert_eq!(watching.lines().len(), 1, "{:?}", watching.lines());
}

#[test]
fn with_nothing_to_watch_it_says_so_and_ends() {
    // No stores named, configured or subscribed: only the sample, which never changes.
    let run = Sandbox::new().herald(&["watch"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nothing to watch"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}
