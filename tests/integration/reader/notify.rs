//! Desktop notifications for breaking news that arrives while the reader runs: the effect a
//! reload gives (pure, through `App`), the run loop writing it between frames (scripted), and
//! the real binary in a pty writing OSC 9, OSC 777 or tmux's passthrough of it, once.
//!
//! "Exactly one" and "none" are never checked after a sleep: something else observable
//! happens after (an ordinary article shows on screen, Herald quits) and then the sequences
//! are counted.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use herald::app::{Action, App, Effect, Exit};
use herald::engine::Stores;
use herald::engine::runtime::{Done, Job};
use herald::engine::state::Marks;
use herald::engine::store::StoreSource;
use herald::present::notify::{Notifier, Plan, Protocol, Wrap};
use herald::present::reader::term::Input;
use herald::present::reader::{Host, Script, run_loop};
use ratatui::Terminal;

use crate::common::{Launch, Pty, wait_until};
use crate::reader::flow::{Counting, TestHost};
use crate::reader::live::append;
use crate::reader::support::{act_with, inline, options};

/// `seconds_ago` before now in RFC 3339 (UTC): breaking news is only breaking while fresh.
pub fn rfc3339_ago(seconds_ago: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        - seconds_ago;
    let days = i64::try_from(now / 86_400).expect("days");
    let (year, month, day) = herald::text::date::civil_from_days(days);
    let seconds = now % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// One JSON Lines article published `seconds_ago`, its title JSON-escaped (so a hostile one
/// carries its control characters into the store as `\u001b` and the like).
pub fn article_line(id: &str, title: &str, breaking: bool, seconds_ago: u64) -> String {
    let article = serde_json::json!({
        "id": id,
        "title": title,
        "published": rfc3339_ago(seconds_ago),
        "breaking": breaking,
        "body": "It happened.",
    });
    format!("{article}\n")
}

/// A folder holding `wire.jsonl` with these lines.
fn store_with(lines: &[String]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("news");
    std::fs::create_dir(&store).expect("mkdir");
    std::fs::write(store.join("wire.jsonl"), lines.concat()).expect("write the store");
    (dir, store)
}

fn stores(dir: &Path) -> Stores {
    Stores::new(vec![StoreSource::Path(dir.to_path_buf())]).with_cache(None)
}

fn app_on(dir: &Path) -> App {
    App::new(
        stores(dir).open(),
        Marks::default(),
        options(),
        (100, 30),
        Vec::new(),
    )
}

fn notified(effects: &[Effect]) -> Vec<Vec<String>> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Notify(titles) => Some(titles.clone()),
            _ => None,
        })
        .collect()
}

/// Every effect of `action` and of the answers to its jobs (a reload's come with its answer).
fn act_all(dir: &Path, app: &mut App, action: Action) -> Vec<Effect> {
    let mut runtime = inline(stores(dir));
    let mut effects = herald::app::update(app, action, crate::reader::support::T0);
    let mut all = effects.clone();
    while !effects.is_empty() {
        let mut next = Vec::new();
        for effect in effects {
            if let Effect::Job(job) = effect
                && let Some(done) = runtime.run(job)
            {
                next.extend(herald::app::update(
                    app,
                    Action::Done(done),
                    crate::reader::support::T0,
                ));
            }
        }
        all.extend(next.iter().cloned());
        effects = next;
    }
    all
}

#[test]
fn a_reload_asks_to_notify_only_of_breaking_articles_it_did_not_have() {
    let (_tmp, dir) = store_with(&[
        article_line("old-1", "Old Breaking Story", true, 600),
        article_line("old-2", "Old Ordinary Story", false, 600),
    ]);
    let mut app = app_on(&dir);
    // A reload that finds nothing new (as a watcher's first, spurious event would).
    let effects = act_all(&dir, &mut app, Action::StoresChanged);
    assert!(effects.iter().any(|e| matches!(e, Effect::Job(_))));
    assert_eq!(notified(&effects), Vec::<Vec<String>>::new());

    let wire = dir.join("wire.jsonl");
    append(
        &wire,
        &article_line("calm", "Quiet Harbour Reopens", false, 30),
    );
    let effects = act_all(&dir, &mut app, Action::StoresChanged);
    assert_eq!(notified(&effects), Vec::<Vec<String>>::new());

    append(
        &wire,
        &[
            article_line("b-1", "First Alarm", true, 20),
            article_line("b-2", "Second Alarm", true, 10),
            article_line("calm-2", "Tide Tables", false, 5),
        ]
        .concat(),
    );
    let effects = act_all(&dir, &mut app, Action::StoresChanged);
    assert_eq!(
        notified(&effects),
        [vec!["Second Alarm".to_owned(), "First Alarm".to_owned()]],
        "one effect, newest first, ordinary ones left out"
    );
    // The reader's own effects from keys never notify.
    let effects = act_with(&mut inline(stores(&dir)), &mut app, Action::Down);
    assert_eq!(notified(&effects), Vec::<Vec<String>>::new());
}

/// A host with a notifier, over `dir`'s stores.
struct Notifying {
    inner: TestHost,
    notifier: Option<Notifier<Instant>>,
}

impl Host for Notifying {
    fn submit(&mut self, job: Job) -> Option<Done> {
        self.inner.submit(job)
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        self.inner.flush_saves()
    }
    fn suspend(&mut self) -> std::io::Result<()> {
        self.inner.suspend()
    }
    fn reenter(&mut self) -> std::io::Result<()> {
        self.inner.reenter()
    }
    fn write_terminal(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.inner.write_terminal(bytes)
    }
    fn notifier(&mut self) -> Option<&mut Notifier<Instant>> {
        self.notifier.as_mut()
    }
}

fn osc9() -> Plan {
    Plan {
        protocol: Protocol::Osc9,
        wrap: Wrap::None,
        bell: false,
    }
}

/// The run loop over `dir` with `inputs`, the app made before `change` is done to the store
/// (a scripted pause counts as any deadline come); the bytes Herald wrote itself.
fn run_notifying(
    notifier: Option<Notifier<Instant>>,
    old: &[String],
    new: Option<String>,
    inputs: Vec<Input>,
) -> Vec<u8> {
    let (_tmp, dir) = store_with(old);
    let mut app = app_on(&dir);
    if let Some(line) = new {
        append(&dir.join("wire.jsonl"), &line);
    }
    let mut host = Notifying {
        inner: TestHost::over(stores(&dir)),
        notifier,
    };
    let mut terminal = Terminal::new(Counting::new(100, 30)).expect("backend");
    let finished = run_loop(&mut terminal, &mut app, &mut Script::new(inputs), &mut host);
    assert_eq!(finished.exit, Exit::Quit);
    host.inner.written
}

#[test]
fn the_run_loop_writes_the_notification_when_it_is_due() {
    let old = [article_line("old", "Old Story", true, 600)];
    let new = || Some(article_line("new", "Dam Bursts", true, 1));
    let inputs = || {
        vec![
            Input::StoresChanged,
            Input::Key(herald::app::Key::char('q')),
        ]
    };
    let written = run_notifying(Some(Notifier::new(osc9())), &old, new(), inputs());
    assert_eq!(written, b"\x1b]9;Breaking: Dam Bursts\x07");
    // Off: nothing at all.
    assert_eq!(run_notifying(None, &old, new(), inputs()), b"");
    // On, but nothing new: nothing either.
    let written = run_notifying(Some(Notifier::new(osc9())), &old, None, inputs());
    assert_eq!(written, b"");
    // An ordinary arrival: nothing.
    let ordinary = Some(article_line("calm", "Tide Tables", false, 1));
    let written = run_notifying(Some(Notifier::new(osc9())), &old, ordinary, inputs());
    assert_eq!(written, b"");
}

// End to end.

/// The payload of every OSC 9 in `bytes` (up to its BEL or ST).
fn osc9_payloads(bytes: &[u8]) -> Vec<String> {
    payloads(bytes, b"\x1b]9;")
}

fn payloads(bytes: &[u8], start: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = find(&bytes[at..], start) {
        let from = at + offset + start.len();
        let end = bytes[from..]
            .iter()
            .position(|&b| b == 0x07 || b == 0x1b)
            .map_or(bytes.len(), |n| from + n);
        found.push(String::from_utf8_lossy(&bytes[from..end]).into_owned());
        at = end;
    }
    found
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Herald on `dir` with `config`, `env` on top of the sandbox's, its first screen drawn.
fn reader(dir: &Path, config: &str, env: &[(&str, &str)]) -> Pty {
    let path = dir.to_str().expect("utf-8 path");
    let pty = Pty::launch(Launch {
        args: &[path],
        env,
        config: Some(config),
        ..Launch::default()
    });
    pty.wait_for_text("headlines");
    pty
}

/// Waits until the raw output holds `needle` at least `n` times.
fn wait_for_bytes(pty: &Pty, what: &str, needle: &[u8], n: usize) {
    if let Err(error) = wait_until(what, || count(&pty.bytes_since(0), needle) >= n) {
        panic!(
            "{error}; output: {:?}",
            String::from_utf8_lossy(&pty.bytes_since(0))
        );
    }
}

/// Something else happens after (an ordinary article is appended and shows), then Herald
/// quits: whatever it was going to write by then, it has written.
fn settle_and_quit(mut pty: Pty, wire: &Path, marker: &str) -> Vec<u8> {
    append(wire, &article_line(marker, marker, false, 0));
    pty.wait_for_text(marker);
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0, "{}", pty.screen_text());
    pty.bytes_since(0)
}

#[test]
fn a_breaking_arrival_sends_one_osc_9_with_its_title_cleaned() {
    let (_tmp, dir) = store_with(&[article_line("old", "Old Ordinary Story", false, 600)]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(&dir, "notify = \"on\"\n", &[]);
    // Every way to end or split the sequence early: its own OSC, BEL, ST in both forms.
    let hostile = "Dam \u{1b}]9;fake\u{7}\u{7} Bursts \u{1b}\\ Upstream\u{9c}\n\u{7}";
    append(&wire, &article_line("dam", hostile, true, 1));
    pty.wait_for_text("Breaking news: Dam Bursts Upstream");
    wait_for_bytes(&pty, "a notification", b"\x1b]9;", 1);
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    assert_eq!(
        osc9_payloads(&bytes),
        ["Breaking: Dam Bursts Upstream"],
        "exactly one notification, cleaned"
    );
    assert_eq!(
        count(&bytes, b"\x1b]9;Breaking: Dam Bursts Upstream\x07"),
        1,
        "ended by its own BEL"
    );
    assert_eq!(count(&bytes, b"fake"), 0);
}

#[test]
fn osc_777_when_the_config_says_so() {
    let (_tmp, dir) = store_with(&[article_line("old", "Old Ordinary Story", false, 600)]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(&dir, "notify = \"on\"\nnotify_via = \"osc777\"\n", &[]);
    append(
        &wire,
        &article_line("levee", "Levee Holds; For Now", true, 1),
    );
    wait_for_bytes(&pty, "an OSC 777 notification", b"\x1b]777;", 1);
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    assert_eq!(
        count(&bytes, b"\x1b]777;notify;Breaking;Levee Holds, For Now\x07"),
        1,
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(count(&bytes, b"\x1b]777;"), 1);
    assert_eq!(count(&bytes, b"\x1b]9;"), 0);
}

#[test]
fn inside_tmux_it_is_wrapped_for_passthrough_with_the_bell_outside() {
    let (_tmp, dir) = store_with(&[article_line("old", "Old Ordinary Story", false, 600)]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(
        &dir,
        "notify = \"on\"\nnotify_bell = true\n",
        &[("TMUX", "/tmp/tmux-1000/default,4242,0")],
    );
    append(&wire, &article_line("dam", "Dam Bursts", true, 1));
    wait_for_bytes(&pty, "a tmux passthrough", b"\x1bPtmux;", 1);
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    assert_eq!(
        count(
            &bytes,
            b"\x1bPtmux;\x1b\x1b]9;Breaking: Dam Bursts\x07\x1b\\\x07"
        ),
        1,
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(count(&bytes, b"\x1bPtmux;"), 1);
}

#[test]
fn nothing_for_breaking_news_there_at_start_nor_for_an_ordinary_arrival() {
    let (_tmp, dir) = store_with(&[
        article_line("old-1", "Old Alarm One", true, 600),
        article_line("old-2", "Old Alarm Two", true, 300),
    ]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(&dir, "notify = \"on\"\n", &[]);
    pty.wait_for_text("Old Alarm Two");
    append(
        &wire,
        &article_line("calm", "Quiet Harbour Reopens", false, 1),
    );
    pty.wait_for_text("Quiet Harbour Reopens");
    // Had the start-up or the ordinary article asked for one, this one would be gathered with
    // it, or follow it.
    append(&wire, &article_line("bridge", "Bridge Closed", true, 0));
    wait_for_bytes(&pty, "a notification", b"\x1b]9;", 1);
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    assert_eq!(osc9_payloads(&bytes), ["Breaking: Bridge Closed"]);
}

#[test]
fn with_notify_auto_an_unknown_terminal_gets_none() {
    let (_tmp, dir) = store_with(&[article_line("old", "Old Ordinary Story", false, 600)]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(&dir, "", &[]);
    append(&wire, &article_line("dam", "Dam Bursts", true, 1));
    pty.wait_for_text("Breaking news: Dam Bursts");
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    assert_eq!(osc9_payloads(&bytes), Vec::<String>::new());
    assert_eq!(count(&bytes, b"\x1bP"), 0);
}

#[test]
fn three_breaking_articles_in_one_write_are_one_notification() {
    let (_tmp, dir) = store_with(&[article_line("old", "Old Ordinary Story", false, 600)]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(&dir, "notify = \"on\"\n", &[]);
    append(
        &wire,
        &[
            article_line("a", "First Alarm", true, 3),
            article_line("b", "Second Alarm", true, 2),
            article_line("c", "Third Alarm", true, 1),
        ]
        .concat(),
    );
    wait_for_bytes(&pty, "a notification", b"\x1b]9;", 1);
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    assert_eq!(
        osc9_payloads(&bytes),
        ["3 breaking stories: Third Alarm, Second Alarm, First Alarm"]
    );
}

#[test]
fn three_quick_appends_are_one_notification() {
    let (_tmp, dir) = store_with(&[article_line("old", "Old Ordinary Story", false, 600)]);
    let wire = dir.join("wire.jsonl");
    let pty = reader(&dir, "notify = \"on\"\n", &[]);
    // Three writes, each maybe its own reload: the first waits a moment for the others.
    append(&wire, &article_line("a", "First Alarm", true, 3));
    append(&wire, &article_line("b", "Second Alarm", true, 2));
    append(&wire, &article_line("c", "Third Alarm", true, 1));
    wait_for_bytes(&pty, "a notification", b"\x1b]9;", 1);
    let bytes = settle_and_quit(pty, &wire, "Tide Tables Printed");
    let sent = osc9_payloads(&bytes);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0], "3 breaking stories: Third Alarm, Second Alarm, First Alarm",
        "{sent:?}"
    );
}

/// The counting in these tests can fail: it sees a sequence that is there, twice.
#[test]
fn the_notification_count_can_fail() {
    let bytes = b"x\x1b]9;Breaking: A\x07y\x1b]9;Breaking: B\x1b\\";
    assert_eq!(osc9_payloads(bytes), ["Breaking: A", "Breaking: B"]);
    assert_eq!(count(bytes, b"\x1b]9;"), 2);
    assert_eq!(osc9_payloads(b"nothing here"), Vec::<String>::new());
}
