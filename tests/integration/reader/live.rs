//! Live stores: a fresh load taken in while the reader runs (pure, through `App`), and the
//! real binary in a pty picking up an append to a `.jsonl` store.

use std::io::Write;
use std::path::{Path, PathBuf};

use herald::app::{Action, App, Focus, MessageKind};
use herald::engine::runtime::Context;
use herald::engine::state::Marks;
use herald::engine::store::StoreSource;
use herald::engine::{Library, Stores};

use crate::reader::support::{act_with, inline, options, sample_dir, typed};

/// A copy of the sample data in a temp folder, which tests may change.
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("stores");
    std::fs::create_dir(&copy).expect("mkdir");
    for entry in std::fs::read_dir(sample_dir()).expect("sample") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, copy.join(path.file_name().expect("name"))).expect("copy");
    }
    (dir, copy)
}

pub fn breaking_line(id: &str, title: &str) -> String {
    format!(
        "{{\"id\": \"{id}\", \"title\": \"{title}\", \"published\": \"2030-01-01\", \
         \"breaking\": true, \"body\": \"It happened.\"}}\n"
    )
}

pub fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open for append");
    file.write_all(text.as_bytes()).expect("append");
}

fn stores(dir: &Path) -> Stores {
    Stores::new(vec![StoreSource::Path(dir.to_path_buf())]).with_cache(None)
}

fn load(dir: &Path) -> Library {
    stores(dir).open()
}

/// Applies `action` with the runtime's work done at once over the stores in `dir`.
fn act(dir: &Path, app: &mut App, action: Action) -> Vec<herald::app::Effect> {
    act_with(&mut inline(stores(dir)), app, action)
}

fn app_on(dir: &Path, size: (u16, u16)) -> App {
    App::new(load(dir), Marks::default(), options(), size, Vec::new())
}

fn selected_key(app: &App) -> (String, String) {
    let key = app.key_of(app.selected_article().expect("a selection"));
    (key.store, key.id)
}

#[test]
fn an_appended_breaking_article_appears_is_announced_and_moves_nothing() {
    let (_tmp, dir) = sample_copy();
    let mut app = app_on(&dir, (100, 30));
    // Select the seed, open it, scroll it a little, go back to the list.
    for input in typed("/Ivanov\n\njj\t") {
        let herald::present::reader::term::Input::Key(key) = input else {
            unreachable!()
        };
        let action = app.keymap().resolve(app.input_mode(), key).expect("bound");
        act(&dir, &mut app, action);
    }
    let before = selected_key(&app);
    let row_before = app.selected().unwrap() - app.list_offset();
    let scroll_before = app.article().expect("open").scroll;
    assert_eq!(scroll_before, 2);
    let count = app.library().len();

    append(
        &dir.join("30-wire.jsonl"),
        &breaking_line("wire-new", "Dam Bursts Upstream"),
    );
    let effects = act(&dir, &mut app, Action::StoresChanged);
    assert!(!effects.is_empty(), "a reload is asked for");

    assert_eq!(app.library().len(), count + 1);
    assert_eq!(
        selected_key(&app),
        before,
        "the selection stays on the same article"
    );
    assert_eq!(
        app.selected().unwrap() - app.list_offset(),
        row_before,
        "and on the same screen row"
    );
    let article = app.article().expect("the article stays open");
    assert_eq!(
        app.key_of(article.index).id,
        "voa-2002-07-28-ivanov-pyongyang"
    );
    assert_eq!(article.scroll, scroll_before);
    let message = app.message().expect("announced");
    assert_eq!(message.kind, MessageKind::Info);
    assert_eq!(message.text, "Breaking news: Dam Bursts Upstream");
    assert!(
        app.visible()
            .iter()
            .any(|&i| app.library().headline(i).title == "Dam Bursts Upstream")
    );

    // B goes to the announced article, not merely the next breaking one.
    act(&dir, &mut app, Action::NextBreaking);
    assert_eq!(selected_key(&app).1, "wire-new");
    assert_eq!(app.focus(), Focus::List);
}

#[test]
fn a_store_that_becomes_malformed_keeps_its_last_good_contents_and_says_so() {
    let (_tmp, dir) = sample_copy();
    let mut app = app_on(&dir, (100, 30));
    let count = app.library().len();
    let voa = dir.join("00-voa.json");
    let text = std::fs::read_to_string(&voa).unwrap();
    std::fs::write(&voa, &text[..text.len() / 2]).unwrap();
    act(&dir, &mut app, Action::StoresChanged);
    assert_eq!(app.library().len(), count, "nothing vanished");
    assert!(
        app.library()
            .find("VOA", "voa-2002-07-28-ivanov-pyongyang")
            .is_some()
    );
    let message = app.message().expect("the error is shown");
    assert_eq!(message.kind, MessageKind::Error);
    assert!(message.text.contains("00-voa.json"), "{}", message.text);
    assert!(
        message.text.contains("last good contents"),
        "{}",
        message.text
    );

    // Fixed again: the new contents are taken in.
    std::fs::write(
        &voa,
        text.replace("Russian Foreign Minister Arrives", "Envoy Arrives"),
    )
    .unwrap();
    // With no key pressed between, the error still stands, until the reload replaces it:
    // an error shown for a file that reads again must not stay as if it still held.
    act(&dir, &mut app, Action::StoresChanged);
    let message = app.message().expect("the change is said");
    assert_eq!(message.kind, MessageKind::Info);
    assert_eq!(message.text, herald::app::PROBLEMS_CLEARED);
    assert!(
        app.library()
            .headlines()
            .any(|h| h.title.starts_with("Envoy Arrives"))
    );
}

#[test]
fn a_removed_store_goes_and_filters_follow_stores_by_name() {
    let (_tmp, dir) = sample_copy();
    let mut app = app_on(&dir, (100, 30));
    // Show only the third store (Open Source Weekly), then remove the first file.
    act(&dir, &mut app, Action::NextStore);
    act(&dir, &mut app, Action::NextStore);
    act(&dir, &mut app, Action::NextStore);
    let name = app
        .library()
        .store(app.filter().store.unwrap())
        .name
        .clone();
    let selected = selected_key(&app);
    std::fs::remove_file(dir.join("00-voa.json")).unwrap();
    act(&dir, &mut app, Action::StoresChanged);
    assert!(
        app.library()
            .find("VOA", "voa-2002-07-28-ivanov-pyongyang")
            .is_none()
    );
    assert_eq!(app.library().store(app.filter().store.unwrap()).name, name);
    assert_eq!(selected_key(&app), selected);
}

#[test]
fn plain_mode_announces_breaking_news_at_the_next_command() {
    let (_tmp, dir) = sample_copy();
    let layout = herald::present::plain::Layout {
        width: 200,
        page: 5,
        screen: None,
    };
    let app = App::new(load(&dir), Marks::default(), options(), (0, 0), Vec::new())
        .on_lines(layout.width);
    let mut driver = herald::present::plain::Driver::inline(Context {
        reloads: std::sync::Arc::new(stores(&dir)),
        state: None,
        history: None,
        opener: Vec::new(),
    });
    let mut calls = 0;
    let wire = dir.join("30-wire.jsonl");
    let mut changed = || {
        calls += 1;
        // The writer appends while the reader reads the first article.
        let now = calls == 2;
        if now {
            append(
                &wire,
                &breaking_line("wire-plain", "Ferry Service Suspended"),
            );
        }
        now
    };
    let mut out = Vec::new();
    herald::present::plain::run(
        app,
        &mut driver,
        layout,
        &[],
        "1\nl\nlast page\nq\n".as_bytes(),
        &mut out,
        &mut changed,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Numbered after the 47 the reader knows, so that no number they have heard changes.
    let at = lines
        .iter()
        .position(|l| *l == "Breaking news: Ferry Service Suspended. Number 48.")
        .unwrap_or_else(|| panic!("no announcement:\n{text}"));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("Ferry Service Suspended"))
            .count(),
        2,
        "{text}"
    );
    // Announced once, before the answer to `l`, which lists the new article last.
    assert!(
        lines[at..]
            .iter()
            .any(|l| l.starts_with("All articles: 48.")),
        "{text}"
    );
    assert!(
        lines[at..]
            .iter()
            .any(|l| l.starts_with("48. Breaking. Unread. Ferry Service Suspended.")),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
}

/// The store list's counts update live: a breaking article appended while the list is open is
/// counted once the stores reload, and the same store stays selected.
#[test]
fn the_store_list_counts_an_arrival_while_it_is_open() {
    let (_tmp, dir) = sample_copy();
    let mut app = app_on(&dir, (80, 24));
    act(&dir, &mut app, Action::StoreList);
    // The store the wire file is read into, whatever the copy's folder is called.
    let wire = app
        .visible()
        .iter()
        .map(|&i| app.library().headline(i))
        .find(|h| h.id.starts_with("wire-"))
        .map(|h| app.library().store(h.store).name.clone())
        .expect("a wire article");
    let row = |app: &App| {
        app.store_rows()
            .iter()
            .find(|c| c.name == wire)
            .cloned()
            .expect("the store")
    };
    let before = row(&app);
    let others: Vec<_> = app
        .store_rows()
        .iter()
        .filter(|c| c.name != wire)
        .cloned()
        .collect();
    act(&dir, &mut app, Action::Down);
    let herald::app::Mode::Stores { selected, .. } = *app.mode() else {
        panic!("the store list is open")
    };
    let selected_name = app.store_rows()[selected].name.clone();
    append(
        &dir.join("30-wire.jsonl"),
        &breaking_line("wire-new", "Dam Bursts Upstream"),
    );
    act(&dir, &mut app, Action::StoresChanged);
    let after = row(&app);
    assert_eq!(after.articles, before.articles + 1);
    assert_eq!(after.unread, before.unread + 1);
    assert_eq!(after.breaking, before.breaking + 1);
    let others_after: Vec<_> = app
        .store_rows()
        .iter()
        .filter(|c| c.name != wire)
        .cloned()
        .collect();
    assert_eq!(others_after.len(), others.len());
    for (a, b) in others.iter().zip(&others_after) {
        assert_eq!((a.articles, a.unread), (b.articles, b.unread), "{}", a.name);
    }
    let herald::app::Mode::Stores { selected, .. } = *app.mode() else {
        panic!("still open")
    };
    assert_eq!(app.store_rows()[selected].name, selected_name);
}
