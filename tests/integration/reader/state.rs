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
