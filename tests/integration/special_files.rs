//! What is at a path is not always what was expected: a FIFO or a device where a store should
//! be, a crafted sparse cache entry, a file-size limit below a cache entry, a pipe closed
//! early. Each is a run of the real binary that must end, promptly and with a clear word, and
//! show every good article it can.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::common::{HERALD, Sandbox, deadline};

/// A finished run: its exit code and what it printed.
struct Ended {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `command` to its end, or kills it at the deadline and fails: a hang is the defect.
fn run_within(mut command: Command, what: &str) -> Ended {
    let mut child: Child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let end = Instant::now() + deadline();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            break;
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running at the deadline");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let output = child.wait_with_output().expect("output");
    Ended {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn herald(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut command = sandbox.command(HERALD);
    command.args(args);
    command
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

const GOOD: &str = r#"{"store": "Good", "articles": [{"id": "g1", "title": "A good headline"}]}"#;

#[test]
fn a_fifo_named_as_a_store_is_refused_at_once() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path("news.json");
    mkfifo(&fifo);
    for command in ["list", "check"] {
        let run = run_within(herald(&sandbox, &[command, text(&fifo)]), command);
        // `check` reports on standard output, `list` on standard error.
        let said = run.stdout + &run.stderr;
        assert_eq!(run.code, Some(1), "{command}: {said}");
        assert!(
            said.contains("news.json") && said.contains("FIFO"),
            "{command}: {said}"
        );
    }
}

#[test]
fn a_device_named_as_a_store_is_refused_and_the_other_stores_still_load() {
    let sandbox = Sandbox::new();
    let good = sandbox.path("good.json");
    std::fs::write(&good, GOOD).unwrap();
    // /dev/zero never ends: reading it took every byte of memory there was.
    let run = run_within(
        herald(&sandbox, &["list", "/dev/zero", text(&good)]),
        "list /dev/zero",
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("character device"), "{}", run.stderr);
    assert!(run.stdout.contains("A good headline"), "{}", run.stdout);
}

#[test]
fn a_fifo_swapped_in_for_a_store_is_reported_on_reload() {
    use herald::engine::store::StoreSource;
    use herald::engine::{LoadMode, Progress, Stores};
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.json");
    std::fs::write(&store, GOOD).unwrap();
    let stores = Stores::new(vec![StoreSource::Path(store.clone())]).with_cache(None);
    let library = stores.load(LoadMode::Fast, &Progress::default());
    assert_eq!(library.len(), 1);
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    std::fs::rename(&fifo, &store).unwrap();
    // A reload that blocked on the FIFO would never return; the test's own deadline is the
    // harness's, so the reload runs on a thread that must answer in time.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let reloaded = stores.reload(&library, &Progress::default());
        let _ = tx.send(reloaded.library.diagnostics().to_vec());
    });
    let diagnostics = rx.recv_timeout(deadline()).expect("the reload returns");
    assert!(
        diagnostics.iter().any(|d| d.to_string().contains("FIFO")),
        "{diagnostics:?}"
    );
}

/// A JSON Lines store big enough for the index cache, its titles tagged with `tag`.
fn big_store(path: &Path, tag: &str) {
    let body = "Words enough to make the store worth caching. ".repeat(60);
    let mut text = String::new();
    for i in 0..150 {
        text.push_str(&format!(
            "{{\"id\": \"a{i:03}\", \"title\": \"{tag} headline {i:03}\", \"body\": \"{body}\"}}\n"
        ));
    }
    std::fs::write(path, text).unwrap();
    assert!(std::fs::metadata(path).unwrap().len() >= herald::engine::store::cache::MIN_FILE_SIZE);
}

/// Every cache entry under the sandbox's cache folder.
fn cache_entries(sandbox: &Sandbox) -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "idx") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&sandbox.cache(), &mut found);
    found
}

#[test]
fn a_crafted_sparse_cache_entry_never_aborts_a_start() {
    let sandbox = Sandbox::new();
    let store = sandbox.path("big.jsonl");
    big_store(&store, "real");
    let first = run_within(herald(&sandbox, &["list", text(&store)]), "first list");
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let entries = cache_entries(&sandbox);
    assert_eq!(entries.len(), 1, "the first run writes one entry");
    let entry = &entries[0];
    // Keep the preamble and header, but state three billion rows, with the header's count
    // to match, and make the file as long as that says (sparse: a few KB on disk).
    let bytes = std::fs::read(entry).unwrap();
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let text_len = u64::from_le_bytes(bytes[24..32].try_into().unwrap());
    let count: u64 = 3_000_000_000;
    let rows_len = count * 65;
    let mut crafted = bytes[..32 + header_len].to_vec();
    crafted[16..24].copy_from_slice(&rows_len.to_le_bytes());
    let count_at = 32 + header_len - 8;
    crafted[count_at..count_at + 8].copy_from_slice(&count.to_le_bytes());
    std::fs::write(entry, &crafted).unwrap();
    let total = 32 + header_len as u64 + rows_len + count * 4 + text_len + 8;
    std::fs::OpenOptions::new()
        .write(true)
        .open(entry)
        .unwrap()
        .set_len(total)
        .unwrap();
    let again = run_within(herald(&sandbox, &["list", text(&store)]), "list");
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(
        again.stdout.contains("real headline 149"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_store_rewritten_with_the_same_size_and_time_shows_its_new_titles() {
    let sandbox = Sandbox::new();
    let store = sandbox.path("big.jsonl");
    big_store(&store, "first");
    let modified = std::fs::metadata(&store).unwrap().modified().unwrap();
    let listed = run_within(herald(&sandbox, &["list", text(&store)]), "list");
    assert!(
        listed.stdout.contains("first headline 007"),
        "{}",
        listed.stdout
    );
    assert_eq!(cache_entries(&sandbox).len(), 1);
    // Same length of text, so the same size; then the old modification time put back, as a
    // writer that preserves times (rsync -t, cp -p, tar) does.
    big_store(&store, "fifth");
    std::fs::File::options()
        .write(true)
        .open(&store)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let listed = run_within(herald(&sandbox, &["list", text(&store)]), "list again");
    assert!(
        listed.stdout.contains("fifth headline 007"),
        "{}",
        listed.stdout
    );
    assert!(
        !listed.stdout.contains("first headline"),
        "{}",
        listed.stdout
    );
    let shown = run_within(herald(&sandbox, &["show", "a007", text(&store)]), "show");
    assert!(
        shown.stdout.contains("fifth headline 007"),
        "{}",
        shown.stdout
    );
}

#[test]
fn a_file_size_limit_below_a_cache_entry_costs_only_the_cache() {
    let sandbox = Sandbox::new();
    let store = sandbox.path("big.jsonl");
    big_store(&store, "limited");
    // `ulimit -f 1`: no file may grow past 512 bytes. Writing the cache entry used to raise
    // SIGXFSZ, which killed `herald list` (exit 153) before it printed a line.
    let mut command = sandbox.command("sh");
    command.args([
        "-c",
        &format!("ulimit -f 1 && exec {HERALD} list {}", text(&store)),
    ]);
    let run = run_within(command, "list under ulimit -f");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("limited headline 149"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let sandbox = Sandbox::new();
    for args in [
        &["completions", "bash"][..],
        &["man"][..],
        &["config", "--default"][..],
        &["list", "sample-data"][..],
        &["show", "--help"][..],
    ] {
        // The reading end is closed before Herald starts, so its first write fails with
        // EPIPE, as `herald completions bash | head -1` does once head has its line.
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let mut command = herald(&sandbox, args);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        drop(command);
        let end = Instant::now() + deadline();
        while child.try_wait().expect("try_wait").is_none() {
            assert!(Instant::now() < end, "{args:?}: still running");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let output = child.wait_with_output().expect("output");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
