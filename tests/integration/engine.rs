//! The engine on its own: stores opened and reloaded through the one `Stores` value, a reload
//! that reads only what changed, and loads that stay linear in what they are given.

use std::io::Write;
use std::path::Path;

use herald::app::App;
use herald::engine::runtime::Context;
use herald::engine::state;
use herald::engine::store::StoreSource;
use herald::engine::{Progress, Reading, Stores};
use herald::present::plain::{Driver, Layout};

use crate::reader::support::options;

fn line(id: &str, title: &str, date: &str, breaking: bool) -> String {
    format!(
        "{{\"id\": \"{id}\", \"title\": \"{title}\", \"published\": \"{date}\", \"breaking\": {breaking}, \"body\": \"Text of {id}.\"}}\n"
    )
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open for append");
    file.write_all(text.as_bytes()).expect("append");
}

fn stores(path: &Path) -> Stores {
    Stores::new(vec![StoreSource::Path(path.to_path_buf())]).with_cache(None)
}

/// A JSON Lines store of `n` articles, every `breaking_every`-th breaking.
fn jsonl(path: &Path, n: usize, breaking_every: usize) {
    let mut text = String::with_capacity(n * 110);
    for i in 0..n {
        let date = format!("20{:02}-{:02}-{:02}", 10 + i % 15, 1 + i % 12, 1 + i % 28);
        text.push_str(&line(
            &format!("a{i}"),
            &format!("Headline {i}"),
            &date,
            i % breaking_every == 0,
        ));
    }
    std::fs::write(path, text).expect("write store");
}

#[test]
fn a_grown_json_lines_file_is_read_from_where_it_ended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wire.jsonl");
    jsonl(&path, 1_000, 10);
    let stores = stores(&path);
    let first = stores.open();
    assert_eq!(first.len(), 1_000);
    append(&path, &line("new", "Levee Breaks", "2031-01-01", true));
    let reload = stores.reload(&first, &Progress::default());
    let readings: Vec<Reading> = reload.library.readings().map(|(_, r)| r).collect();
    assert_eq!(
        readings,
        [Reading::Grown { new: 1 }],
        "only the new line is read"
    );
    assert_eq!(reload.library.len(), 1_001);
    let newest = reload.library.newest_first()[0];
    assert_eq!(reload.library.headline(newest).id, "new");
    assert_eq!(reload.arrivals, [newest]);
    // The taken-over articles still open from the file.
    let old = reload.library.find("wire", "a7").expect("an old article");
    let text = herald::engine::article::read::text(&reload.library, old);
    assert_eq!(text.plain_text(), "Text of a7.");
    // Nothing changed since: the file is taken over whole, unread.
    let again = stores.reload(&reload.library, &Progress::default());
    let readings: Vec<Reading> = again.library.readings().map(|(_, r)| r).collect();
    assert_eq!(readings, [Reading::Kept]);
    assert!(again.arrivals.is_empty());
    // Rewritten (not appended to): read whole again, and the new article is there.
    let rewritten = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Headline 7\"", "Headline seven\"");
    std::fs::write(&path, rewritten).unwrap();
    let whole = stores.reload(&again.library, &Progress::default());
    let readings: Vec<Reading> = whole.library.readings().map(|(_, r)| r).collect();
    assert_eq!(readings, [Reading::Whole]);
    let seven = whole.library.find("wire", "a7").expect("a7");
    assert_eq!(whole.library.headline(seven).title, "Headline seven");
}

#[test]
fn a_broken_file_keeps_its_articles_and_the_other_stores_still_change() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("news");
    std::fs::create_dir(&folder).unwrap();
    let desk = folder.join("desk.json");
    std::fs::write(
        &desk,
        r#"{"name": "Desk", "articles": [{"id": "d1", "title": "Desk One"}]}"#,
    )
    .unwrap();
    let wire = folder.join("wire.jsonl");
    jsonl(&wire, 3, 100);
    let stores = stores(&folder);
    let first = stores.open();
    assert_eq!(first.len(), 4);
    // The desk file is caught half-written; the wire gains a story at the same time.
    std::fs::write(&desk, r#"{"name": "Desk", "articles": [{"id": "d1", "ti"#).unwrap();
    append(&wire, &line("w-new", "Wire News", "2031-01-01", false));
    let reload = stores.reload(&first, &Progress::default());
    let library = &reload.library;
    assert!(
        library.find("Desk", "d1").is_some(),
        "the desk keeps its last good article"
    );
    assert!(
        library.find("news", "w-new").is_some(),
        "and the wire's change shows"
    );
    assert_eq!(library.len(), 5);
    assert_eq!(reload.problems.len(), 1, "{:?}", reload.problems);
    assert!(
        reload.problems[0].contains("desk.json") && reload.problems[0].contains("last good"),
        "{:?}",
        reload.problems
    );
    // Still broken at the next change: still kept, and not said again.
    append(&wire, &line("w-two", "Wire Two", "2031-01-02", false));
    let next = stores.reload(&reload.library, &Progress::default());
    assert!(next.library.find("Desk", "d1").is_some());
    assert!(next.library.find("news", "w-two").is_some());
    assert!(next.problems.is_empty(), "{:?}", next.problems);
    // Fixed: read again, and its error is gone.
    std::fs::write(
        &desk,
        r#"{"name": "Desk", "articles": [{"id": "d2", "title": "Desk Two"}]}"#,
    )
    .unwrap();
    let fixed = stores.reload(&next.library, &Progress::default());
    assert!(fixed.library.find("Desk", "d1").is_none());
    assert!(fixed.library.find("Desk", "d2").is_some());
    assert!(
        !fixed.library.has_errors(),
        "{:?}",
        fixed.library.diagnostics()
    );
}

/// Announcing what a reload brought took a linear search of the library per breaking article
/// (100k articles, 10% breaking: 0.9 s; 200k: 2.2 s; on the thread that answers keys). Each is
/// one lookup now: with a hundred thousand breaking articles, the old way would not end.
#[test]
fn arrivals_are_found_with_one_lookup_each() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.jsonl");
    jsonl(&path, 100_000, 1);
    let stores = stores(&path);
    let first = stores.open();
    append(&path, &line("alert-new", "New Alert", "2031-06-01", true));
    let reload = stores.reload(&first, &Progress::default());
    let arrivals: Vec<&str> = reload
        .arrivals
        .iter()
        .map(|&i| reload.library.headline(i).id)
        .collect();
    assert_eq!(arrivals, ["alert-new"]);
}

/// Loading was quadratic in the problems it reported: 100k articles sharing one id took 83 s.
#[test]
fn many_duplicate_ids_load_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.json");
    let articles: Vec<String> = (0..50_000)
        .map(|i| format!(r#"{{"id": "same", "title": "Copy {i}"}}"#))
        .collect();
    std::fs::write(&path, format!("[{}]", articles.join(",\n"))).unwrap();
    let library = stores(&path).open();
    assert_eq!(library.len(), 1);
    assert_eq!(library.diagnostics().len(), 49_999);
    let last = library.diagnostics().last().unwrap().to_string();
    assert!(
        last.contains(":50000:") && last.contains("duplicate id"),
        "{last}"
    );
}

/// `[[store]] name = ...` in the config names a store whatever its file says. Plain mode
/// reloaded its stores without those names, so marks made after a change went under the
/// file's own name and split from the ones made before.
#[test]
fn plain_mode_keeps_the_configured_store_names_across_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.jsonl");
    jsonl(&path, 3, 100);
    let names = [(path.clone(), "My Desk".to_owned())].into_iter().collect();
    let stores = stores(&path).with_names(names);
    let state_path = dir.path().join("state.json");
    let (marks, file, _) = state::open(state_path.clone());
    let layout = Layout {
        width: 120,
        page: 10,
        screen: None,
    };
    let app = App::new(stores.open(), marks, options(), (0, 0), Vec::new()).on_lines(120);
    let mut driver = Driver::inline(Context {
        reloads: std::sync::Arc::new(stores.clone()),
        state: Some(file),
        history: None,
        opener: Vec::new(),
    });
    let mut calls = 0;
    let mut changed = || {
        calls += 1;
        if calls == 2 {
            append(&path, &line("late", "Late Story", "2031-01-01", false));
        }
        calls == 2
    };
    let mut out = Vec::new();
    herald::present::plain::run(
        app,
        &mut driver,
        layout,
        &[],
        "1\n1\ns\nq\n".as_bytes(),
        &mut out,
        &mut changed,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("New article 4. Unread. Late Story. My Desk, 1 January 2031."),
        "{text}"
    );
    let (marks, _, problems) = state::open(state_path);
    assert!(problems.is_empty(), "{problems:?}");
    // `1` read the newest article (a2); after the reload the late story is numbered 4, so `1`
    // is a2 still, and `s` starred it: one article, its marks all under the configured name.
    assert!(marks.is_read("My Desk", "a2"), "{marks:?}");
    assert!(marks.is_starred("My Desk", "a2"), "{marks:?}");
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert!(marks.mark("desk", "a2").is_none(), "{marks:?}");
}

/// An article that leaves the stores keeps its number, which then says it is gone; the others
/// keep theirs, and what came with the same change is numbered after them.
#[test]
fn plain_mode_keeps_a_gone_articles_number_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.jsonl");
    jsonl(&path, 4, 100);
    let stores = stores(&path);
    let layout = Layout {
        width: 120,
        page: 10,
        screen: None,
    };
    let app = App::new(
        stores.open(),
        state::Marks::in_memory(),
        options(),
        (0, 0),
        Vec::new(),
    )
    .on_lines(120);
    let mut driver = Driver::inline(Context {
        reloads: std::sync::Arc::new(stores.clone()),
        state: None,
        history: None,
        opener: Vec::new(),
    });
    let mut calls = 0;
    let mut changed = || {
        calls += 1;
        if calls == 2 {
            // a2 (number 2) goes; a late story comes.
            let kept: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.contains("\"a2\""))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(
                &path,
                kept + &line("late", "Late Story", "2031-01-01", false),
            )
            .unwrap();
        }
        calls == 2
    };
    let mut out = Vec::new();
    herald::present::plain::run(
        app,
        &mut driver,
        layout,
        &[],
        "1\n2\n3\nn\n5\nl\nq\n".as_bytes(),
        &mut out,
        &mut changed,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    for said in [
        "New article 5. Unread. Late Story. desk, 1 January 2031.",
        "Gone from the stores: article 2. The other numbers are unchanged.",
        "Article 2 is no longer in the stores.",
        "Text of a1.\nEnd of article 3 of 5.",
        "Text of a0.\nEnd of article 4 of 5.",
        "Late Story\n1 January 2031\n\nText of late.\nEnd of article 5 of 5.",
        "All articles: 4.\n1. Headline 3. desk, 4 April 2013.\n3. Headline 1. desk, 2 February 2011.",
    ] {
        assert!(text.contains(said), "no {said:?} in:\n{text}");
    }
}
