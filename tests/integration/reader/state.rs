//! The reader state under faults and maintenance: a writer killed mid-save loses no
//! acknowledged mark, and `herald state compact` forgets only what it should.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use herald::engine::state::{self, Marks, StateFile, Timestamp};

/// Saves what `marks` changed to `file`, as the runtime's saver does.
fn save(marks: &mut Marks, file: &mut StateFile) {
    if let Some(changes) = marks.take_changes() {
        let outside = file.save(&changes).expect("save");
        marks.adopt(outside);
    }
}

const CHILD_ENV: &str = "HERALD_TEST_STATE_WRITER";

/// Not a test on its own: the body of the child process that the kill test starts. It marks
/// one more article read, saves, and prints `ack N` once the save returned, forever.
#[test]
fn state_writer_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let (mut marks, mut file, problems) = state::open(path.into());
    assert!(problems.is_empty(), "{problems:?}");
    for n in 0.. {
        let now = Timestamp::now();
        marks.set_read("Kill", &format!("a{n}"), true, now);
        marks.set_starred("Kill", &format!("a{n}"), n % 3 == 0, now);
        save(&mut marks, &mut file);
        println!("ack {n}");
    }
}

#[test]
fn a_writer_killed_mid_save_loses_no_acknowledged_mark() {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(7, |d| d.subsec_nanos());
    for round in 0..3u32 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald").join("state.json");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "reader::state::state_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill after a varying number of acknowledgements (20..120), mid-stream.
        let kill_after = 20 + (seed.wrapping_add(round * 7919) % 100) as usize;
        let mut acked = Vec::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ack ") {
                acked.push(n.parse::<usize>().unwrap());
                if acked.len() == kill_after {
                    child.kill().unwrap(); // SIGKILL
                    break;
                }
            }
        }
        // Acknowledgements already printed before the kill count too.
        for line in lines {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("ack ") {
                acked.push(n.parse().unwrap());
            }
        }
        child.wait().unwrap();
        assert!(acked.len() >= kill_after, "round {round}: {acked:?}");

        let (state, _, problems) = state::open(path.clone());
        assert!(
            problems.is_empty(),
            "round {round}: state unusable: {problems:?}"
        );
        for n in &acked {
            let id = format!("a{n}");
            assert!(
                state.is_read("Kill", &id),
                "round {round}: lost read mark {id}"
            );
            assert_eq!(state.is_starred("Kill", &id), n % 3 == 0, "{id}");
        }
        // No temp files left that a later start would trip over is not required, but the
        // folder must hold the state and nothing that looks like it was set aside.
        let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("corrupt")), "{names:?}");
    }
}

fn herald(data: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let output = crate::common::Sandbox::new()
        .command(crate::common::HERALD)
        .args(args)
        .env("XDG_DATA_HOME", data)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn compact_forgets_marks_of_gone_articles_in_open_stores_only() {
    let (_tmp, stores) = crate::reader::live::sample_copy();
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("herald").join("state.json");
    let (mut marks, mut file, _) = state::open(path.clone());
    let now = Timestamp::now();
    marks.set_read("VOA", "voa-2002-07-28-ivanov-pyongyang", true, now);
    marks.set_read("VOA", "voa-gone-article", true, now);
    marks.set_starred("Elsewhere", "not-open", true, now);
    save(&mut marks, &mut file);

    let (code, out) = herald(data.path(), &["state", "compact", stores.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out,
        "Removed 1 mark of articles no longer in the stores; kept 2.\n"
    );
    let (state, _, problems) = state::open(path.clone());
    assert!(problems.is_empty());
    assert!(state.is_read("VOA", "voa-2002-07-28-ivanov-pyongyang"));
    assert!(!state.is_read("VOA", "voa-gone-article"));
    assert!(
        state.is_starred("Elsewhere", "not-open"),
        "a store not open keeps its marks"
    );

    // A store that cannot be read is never compacted: it would look empty.
    let voa = stores.join("00-voa.json");
    std::fs::write(&voa, "{ \"articles\": [").unwrap();
    let (mut again, mut file, _) = state::open(path.clone());
    again.set_read("VOA", "another-gone", true, Timestamp::now());
    save(&mut again, &mut file);
    let (code, out) = herald(data.path(), &["state", "compact", stores.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not compacting"), "{out}");
    assert!(state::open(path).0.is_read("VOA", "another-gone"));
}

/// `state compact` with no store named used to compact against the built-in sample, and so
/// deleted every mark of the user's own stores named like a sample store (VOA, Science
/// Desk...), such as the one README's import example makes.
#[test]
fn compact_never_runs_against_the_built_in_sample() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("herald").join("state.json");
    let (mut marks, mut file, _) = state::open(path.clone());
    marks.set_read("VOA", "my-own-voa-article", true, Timestamp::now());
    save(&mut marks, &mut file);
    let (code, out) = herald(data.path(), &["state", "compact"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not compacting against the sample"), "{out}");
    assert!(state::open(path).0.is_read("VOA", "my-own-voa-article"));
}

/// A JSON Lines store caught mid-rewrite (cut in the middle of a line) reads with a warning,
/// not an error; compacting against it deleted the marks of every article past the cut.
/// Compaction runs only against stores that read completely and cleanly, and `--dry-run`
/// says what it would remove.
#[test]
fn compact_refuses_a_store_that_did_not_read_cleanly_and_a_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("wire.jsonl");
    let line = |n: usize| format!("{{\"id\": \"w{n}\", \"title\": \"Wire story {n}\"}}\n");
    let whole: String = (0..10).map(line).collect();
    std::fs::write(&store, &whole).unwrap();
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("herald").join("state.json");
    let (mut marks, mut file, _) = state::open(path.clone());
    for n in [2, 8] {
        marks.set_read("wire", &format!("w{n}"), true, Timestamp::now());
    }
    marks.set_read("wire", "w-gone", true, Timestamp::now());
    save(&mut marks, &mut file);
    let store_arg = store.to_str().unwrap();

    // Cut mid-line after article 5, as a writer rewriting the file in place leaves it.
    let cut = whole.find("\"w6\"").unwrap() + 3;
    std::fs::write(&store, &whole[..cut]).unwrap();
    let (code, out) = herald(data.path(), &["state", "compact", store_arg]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not compacting"), "{out}");
    let (kept, _, _) = state::open(path.clone());
    assert!(kept.is_read("wire", "w8") && kept.is_read("wire", "w-gone"));

    // Whole again: a dry run lists the one mark that would go, and removes nothing.
    std::fs::write(&store, &whole).unwrap();
    let before = std::fs::read(&path).unwrap();
    let (code, out) = herald(data.path(), &["state", "compact", "--dry-run", store_arg]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out,
        "wire\tw-gone\nWould remove 1 mark of articles no longer in the store; would keep 2. \
         Nothing was changed.\n"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let (code, out) = herald(data.path(), &["state", "compact", store_arg]);
    assert_eq!(code, Some(0), "{out}");
    let (after, _, _) = state::open(path);
    assert!(!after.is_read("wire", "w-gone"));
    assert!(after.is_read("wire", "w2") && after.is_read("wire", "w8"));
}

/// Another process holding the state's lock (an instance stopped with ^Z mid-save, or any
/// program) used to freeze the reader's saves and `q` for good. The wait is bounded: `q`
/// ends Herald within seconds, and the lost save is said on the terminal and in the status.
#[test]
fn a_lock_held_elsewhere_never_freezes_quit_and_the_failed_save_is_said() {
    use crate::common::{Launch, Pty, Sandbox};
    let sandbox = Sandbox::new();
    let folder = sandbox.data().join("herald");
    std::fs::create_dir_all(&folder).unwrap();
    let lock = folder.join("state.json.lock");
    std::fs::write(&lock, "").unwrap();
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sleep", "600"])
        .spawn()
        .expect("flock");
    let probe = std::fs::File::open(&lock).unwrap();
    // A probe that gets the lock lets go at once, or it would be the one holding it.
    crate::common::wait_until("the lock to be held", || match probe.try_lock() {
        Ok(()) => probe.unlock().is_err(),
        Err(_) => true,
    })
    .unwrap();

    let mut pty = Pty::launch_in(sandbox, Launch::default());
    pty.wait_for_text("headlines");
    pty.send("s");
    pty.wait_for_text("Starred");
    pty.send("q");
    let code = pty.wait_exit();
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(code, 1, "screen:\n{}", pty.screen_text());
    let screen = pty.screen_text();
    assert!(
        screen.contains("could not save read marks") && screen.contains("lock"),
        "{screen}"
    );
}

/// A data folder that cannot be written: a mark made just before `q` (under the 300 ms
/// pause that starts a save) must not be lost without a word. The final save fails, and
/// Herald says so on the terminal and exits 1. The folder is really read-only: a read-only
/// bind mount in a mount namespace of the test's own when run as root (root ignores mode
/// bits), its mode bits otherwise.
#[test]
fn a_final_save_into_a_read_only_folder_is_said_and_fails_the_exit_status() {
    use crate::common::{HERALD, Pty, Sandbox};
    let sandbox = Sandbox::new();
    let data = sandbox.data();
    std::fs::create_dir_all(data.join("herald")).unwrap();
    let root = rustix::process::geteuid().is_root();
    let line = if root {
        format!(
            "mount --bind -o ro {d} {d} && exec {HERALD} sample-data",
            d = data.display()
        )
    } else {
        use std::os::unix::fs::PermissionsExt;
        for folder in [data.join("herald"), data.clone()] {
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        format!("exec {HERALD} sample-data")
    };
    let mut cmd = portable_pty::CommandBuilder::new(if root { "unshare" } else { "sh" });
    if root {
        cmd.args(["-m", "sh", "-c", &line]);
    } else {
        cmd.args(["-c", &line]);
    }
    cmd.env_clear();
    for (name, value) in sandbox.environment() {
        cmd.env(name, value);
    }
    cmd.env("TERM", "xterm-256color");
    let mut pty = Pty::spawn(cmd, (100, 30));
    pty.wait_for_text("headlines");
    // Star, and quit at once: the save that the pause would start has not begun.
    pty.send("sq");
    let code = pty.wait_exit();
    let screen = pty.screen_text();
    assert_eq!(code, 1, "screen:\n{screen}");
    assert!(screen.contains("could not save read marks"), "{screen}");
    assert!(!data.join("herald").join("state.json").exists());
    if !root {
        use std::os::unix::fs::PermissionsExt;
        for folder in [data.clone(), data.join("herald")] {
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}
