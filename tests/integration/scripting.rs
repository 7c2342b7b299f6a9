//! The scripting commands of issue 16, through the real binary: `list --json`, `show --json`,
//! `mark-read` and `list --new`, with the reader state written by a real reader session, by
//! `mark-read` itself, or crafted.

use std::collections::BTreeSet;

use herald::engine::state::{self, Timestamp};
use serde_json::Value;

use crate::common::Sandbox;

const SEED_ID: &str = "voa-2002-07-28-ivanov-pyongyang";

/// Every line of `stdout` as JSON; fails on a line that is not one JSON object.
fn records(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let value: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
            assert!(value.is_object(), "not an object: {line}");
            value
        })
        .collect()
}

fn text<'a>(record: &'a Value, key: &str) -> &'a str {
    record[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not text in {record}"))
}

/// `list --json` of `stores` in `home`, checked clean.
fn listed(home: &Sandbox, stores: &[&str]) -> Vec<Value> {
    let args: Vec<&str> = ["list", "--json"].iter().chain(stores).copied().collect();
    let run = home.herald(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    records(&run.stdout)
}

/// The ids whose record has `key` true.
fn ids_with(records: &[Value], key: &str) -> BTreeSet<String> {
    records
        .iter()
        .filter(|r| r[key] == Value::Bool(true))
        .map(|r| text(r, "id").to_owned())
        .collect()
}

fn all_ids(records: &[Value]) -> BTreeSet<String> {
    records.iter().map(|r| text(r, "id").to_owned()).collect()
}

#[test]
fn list_json_is_one_object_per_line_saying_what_list_says() {
    let home = Sandbox::new();
    let plain = home.herald(&["list", "--ids", "sample-data"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let json = listed(&home, &["sample-data"]);
    assert_eq!(json.len(), 47);
    let width = json
        .iter()
        .map(|r| text(r, "store").chars().count())
        .max()
        .unwrap();
    // Each record rebuilt as `herald list --ids` prints it is that line, in the same order.
    let rebuilt: Vec<String> = json
        .iter()
        .map(|r| {
            let date = r["published"].as_str().unwrap_or("----------");
            let flag = if r["breaking"] == Value::Bool(true) {
                "BREAKING"
            } else {
                "        "
            };
            format!(
                "{}\t{date}  {flag}  {:<width$}  {}",
                text(r, "id"),
                text(r, "store"),
                text(r, "title")
            )
        })
        .collect();
    assert_eq!(rebuilt, plain.stdout.lines().collect::<Vec<_>>());
    let stores: BTreeSet<&str> = json.iter().map(|r| text(r, "store")).collect();
    assert_eq!(
        stores,
        BTreeSet::from(["Open Source Weekly", "Science Desk", "VOA", "sample-data"])
    );
    for record in &json {
        for key in ["source", "url", "author", "section"] {
            assert!(
                record[key].is_null() || record[key].is_string(),
                "{key}: {record}"
            );
        }
        assert!(record["tags"].is_array(), "{record}");
        assert_eq!(record["read"], Value::Bool(false));
        assert_eq!(record["starred"], Value::Bool(false));
    }
    let seed = json.iter().find(|r| r["id"] == SEED_ID).unwrap();
    assert_eq!(seed["section"], "Asia");
    assert_eq!(seed["source"], "VOA");
    assert_eq!(seed["published"], "2002-07-28");
    assert_eq!(seed["breaking"], true);
}

#[test]
fn show_json_adds_the_article_text_to_what_list_json_says() {
    let home = Sandbox::new();
    let run = home.herald(&["show", SEED_ID, "--json", "sample-data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = records(&run.stdout);
    assert_eq!(shown.len(), 1);
    let shown = &shown[0];
    let body = text(shown, "body");
    assert_eq!(body.split("\n\n").count(), 9, "{body}");
    assert!(body.starts_with("Russian Foreign Minister Igor Ivanov has arrived"));
    let listed = listed(&home, &["sample-data"]);
    let listed = listed.iter().find(|r| r["id"] == SEED_ID).unwrap();
    for (key, value) in listed.as_object().unwrap() {
        assert_eq!(&shown[key], value, "{key}");
    }

    // Every text field a store can have, from a store made for it.
    let store = home.path("harbour.json");
    let article = serde_json::json!({
        "id": "ferry", "title": "Night ferry returns", "published": "2024-05-12T23:30:00+02:00",
        "updated": "2024-05-13", "url": "https://example.org/ferry", "source": "Harbour Desk",
        "section": "Transport", "author": "Ana Ruiz", "summary": "It is back.",
        "body": "First.\n\nSecond.", "html": "<p>First.</p><p><b>Second.</b></p>",
        "tags": ["ferries", "night"],
        "enclosures": [{"url": "https://example.org/ferry.mp3", "type": "audio/mpeg",
                        "length": 1200, "title": "Listen"}]
    });
    let file = serde_json::json!({"name": "Harbour", "articles": [article]});
    std::fs::write(&store, file.to_string()).unwrap();
    let run = home.herald(&["show", "ferry", "--json", store.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = records(&run.stdout);
    let expected = serde_json::json!({
        "id": "ferry", "title": "Night ferry returns", "published": "2024-05-12",
        "breaking": false, "store": "Harbour", "source": "Harbour Desk",
        "url": "https://example.org/ferry", "author": "Ana Ruiz", "section": "Transport",
        "tags": ["ferries", "night"], "read": false, "starred": false,
        "updated": "2024-05-13", "summary": "It is back.", "body": "First.\n\nSecond.",
        "html": "<p>First.</p><p><b>Second.</b></p>",
        "enclosures": [{"url": "https://example.org/ferry.mp3", "type": "audio/mpeg",
                        "length": 1200, "title": "Listen"}]
    });
    assert_eq!(shown, vec![expected]);
    let missing = home.herald(&["show", "nope", "--json", store.to_str().unwrap()]);
    assert_eq!(missing.code, 1);
    assert!(missing.stdout.is_empty(), "{}", missing.stdout);
}

#[test]
fn read_and_starred_are_what_a_real_reader_session_left() {
    let home = Sandbox::new();
    // Plain mode (stdin is not a terminal): open the newest article, star it, quit.
    let session = home.herald_with(&["--plain", "sample-data"], &[], Some(b"1\ns\nq\n"));
    assert_eq!(session.code, 0, "{}", session.stderr);
    let json = listed(&home, &["sample-data"]);
    let newest = text(&json[0], "id").to_owned();
    assert_eq!(ids_with(&json, "read"), BTreeSet::from([newest.clone()]));
    assert_eq!(ids_with(&json, "starred"), BTreeSet::from([newest.clone()]));
    let shown = home.herald(&["show", &newest, "--json", "sample-data"]);
    let shown = records(&shown.stdout);
    assert_eq!(shown[0]["read"], true);
    assert_eq!(shown[0]["starred"], true);
}

#[test]
fn mark_read_marks_the_named_stores_or_all_and_list_json_shows_it() {
    let (_tmp, stores) = crate::reader::live::sample_copy();
    let voa = stores.join("00-voa.json");
    let science = stores.join("10-science-desk.json");
    let all = stores.to_str().unwrap();
    let home = Sandbox::new();

    let run = home.herald(&[
        "mark-read",
        voa.to_str().unwrap(),
        science.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Marked 23 articles read in 2 stores.\n");
    let json = listed(&home, &[all]);
    let expected: BTreeSet<String> = json
        .iter()
        .filter(|r| matches!(text(r, "store"), "VOA" | "Science Desk"))
        .map(|r| text(r, "id").to_owned())
        .collect();
    assert_eq!(expected.len(), 23);
    assert_eq!(ids_with(&json, "read"), expected);
    assert!(ids_with(&json, "starred").is_empty());

    let run = home.herald(&["mark-read", all]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Marked 24 articles read in 2 stores; 23 were read already.\n"
    );
    let json = listed(&home, &[all]);
    assert_eq!(ids_with(&json, "read"), all_ids(&json));

    // No store named: the stores Herald opens by default (here the built-in sample).
    let fresh = Sandbox::new();
    let run = fresh.herald(&["mark-read"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Marked 47 articles read in 4 stores.\n");
    let json = listed(&fresh, &[]);
    assert_eq!(ids_with(&json, "read"), all_ids(&json));
}

#[test]
fn mark_read_before_a_day_marks_only_older_articles() {
    let (_tmp, stores) = crate::reader::live::sample_copy();
    let all = stores.to_str().unwrap();
    let home = Sandbox::new();
    let run = home.herald(&["mark-read", "--before", "2016-01-12", all]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = listed(&home, &[all]);
    // `published` is YYYY-MM-DD, so text order is day order; undated articles stay unread.
    let older: BTreeSet<String> = json
        .iter()
        .filter(|r| r["published"].as_str().is_some_and(|d| d < "2016-01-12"))
        .map(|r| text(r, "id").to_owned())
        .collect();
    assert!(!older.is_empty() && older.len() < json.len());
    assert_eq!(ids_with(&json, "read"), older);
    assert!(
        run.stdout
            .starts_with(&format!("Marked {} articles read in ", older.len())),
        "{}",
        run.stdout
    );
}

#[test]
fn mark_read_refuses_a_bad_day_naming_the_argument() {
    let home = Sandbox::new();
    for bad in ["2024-02-30", "12/05/2024", "2024-5-1"] {
        let run = home.herald(&["mark-read", "--before", bad, "sample-data"]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("--before") && run.stderr.contains(bad),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
    }
    assert!(!home.data().join("herald").join("state.json").exists());
}

#[test]
fn mark_read_keeps_marks_another_process_made_earlier() {
    let home = Sandbox::new();
    let path = home.data().join("herald").join("state.json");
    let (mut marks, mut file, problems) = state::open(path.clone());
    assert!(problems.is_empty(), "{problems:?}");
    let now = Timestamp::now();
    marks.set_starred("VOA", SEED_ID, true, now);
    marks.set_read("Elsewhere", "not-open", true, now);
    let changes = marks.take_changes().unwrap();
    file.save(&changes).unwrap();

    let run = home.herald(&["mark-read", "sample-data/00-voa.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Marked 11 articles read in 1 store.\n");
    let (after, _, problems) = state::open(path);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(after.is_read("VOA", SEED_ID) && after.is_starred("VOA", SEED_ID));
    assert!(after.is_read("Elsewhere", "not-open"));
}

/// Another process holding the state's lock (a reader mid-save, or stopped with ^Z): the
/// marks wait for it as long as a reader's save would, then fail with a word on the lock, and
/// nothing is half-written. Once it lets go, the same command works.
#[test]
fn mark_read_under_a_lock_held_elsewhere_fails_cleanly_and_then_works() {
    let home = Sandbox::new();
    let folder = home.data().join("herald");
    std::fs::create_dir_all(&folder).unwrap();
    // Held by this process, as another Herald's save holds it: an flock on the lock file.
    let lock = folder.join("state.json.lock");
    let holder = std::fs::File::create(&lock).unwrap();
    holder.try_lock().unwrap();
    let run = home.herald(&["mark-read", "sample-data/00-voa.json"]);
    holder.unlock().unwrap();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("lock") && run.stderr.contains("no article was marked read"),
        "{}",
        run.stderr
    );
    assert!(!folder.join("state.json").exists());

    let run = home.herald(&["mark-read", "sample-data/00-voa.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Marked 11 articles read in 1 store.\n");
}

/// 2020-01-01T00:00:00Z: no sample article is within a day of it, so the instant and the
/// calendar day agree on which side each is.
const SESSION_END: u64 = 1_577_836_800_000;

fn write_state(home: &Sandbox, state: &Value) {
    let folder = home.data().join("herald");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("state.json"), state.to_string()).unwrap();
}

#[test]
fn list_new_is_what_brief_calls_new() {
    let home = Sandbox::new();
    let read_one = "wire-2026-02-03-lakeview-clock-tower";
    write_state(
        &home,
        &serde_json::json!({
            "version": 1,
            "marks": [{"store": "sample-data", "id": read_one, "read": true, "starred": false,
                       "changed": 1}],
            "session_ended": SESSION_END,
        }),
    );
    let all = listed(&home, &["sample-data"]);
    let expected: Vec<&Value> = all
        .iter()
        .filter(|r| r["published"].as_str().is_some_and(|d| d >= "2020-01-01"))
        .filter(|r| r["id"] != read_one)
        .collect();
    assert!(expected.len() > 5, "{}", expected.len());

    let run = home.herald(&["list", "--new", "--json", "sample-data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let new = records(&run.stdout);
    assert_eq!(new.iter().collect::<Vec<_>>(), expected);

    // The text form prints the same articles as `herald list` prints them.
    let plain = home.herald(&["list", "sample-data"]);
    let text = home.herald(&["list", "--new", "sample-data"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    let titles: Vec<&str> = new.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(lines.len(), titles.len());
    for (line, title) in lines.iter().zip(&titles) {
        assert!(line.ends_with(title), "{line}");
        assert!(plain.stdout.lines().any(|l| l == *line), "{line}");
    }
    let brief = home.herald(&["brief", "sample-data"]);
    assert!(
        brief
            .stdout
            .starts_with(&format!("{} new since ", new.len())),
        "{}",
        brief.stdout
    );
}

#[test]
fn list_new_without_an_earlier_session_lists_every_unread_and_says_so() {
    let home = Sandbox::new();
    let read_one = "wire-2026-02-03-lakeview-clock-tower";
    write_state(
        &home,
        &serde_json::json!({
            "version": 1,
            "marks": [{"store": "sample-data", "id": read_one, "read": true, "changed": 1}],
        }),
    );
    let run = home.herald(&["list", "--new", "--json", "sample-data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "herald: no earlier session recorded; listing every unread article\n"
    );
    let new = records(&run.stdout);
    assert_eq!(new.len(), 46);
    assert!(
        new.iter()
            .all(|r| r["id"] != read_one && r["read"] == false)
    );
}
