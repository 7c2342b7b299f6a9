//! The store list's notes from feeds.toml and the fetch schedule: a store's last fetch error,
//! feeds not fetched yet, and tag rows whose Enter lists all the tag's stores. The notes are
//! made here as a presenter would make them, against the sample stores' own files.

use std::sync::Arc;

use herald::app::view::Listed;
use herald::app::{Action, App, Effect, FeedNote, FeedNotes, Mode};
use herald::engine::runtime::Context;
use herald::engine::state::Marks;
use herald::present::plain::{Driver, Layout};

use crate::reader::render::render;
use crate::reader::support::{act, app, options, sample_library, sample_stores};

const FAILED: &str = "last fetch failed: 404 Not Found";

/// A feed fetched into the sample store called `store`, matched by the store's file.
fn feed(app: &App, store: &str, tags: &[&str], trouble: Option<&str>) -> FeedNote {
    let id = app.library().store_id(store).expect("a sample store");
    FeedNote {
        name: store.to_owned(),
        url: format!("http://127.0.0.1:9/{}", id.0),
        paths: app.library().store(id).origins.clone(),
        tags: tags.iter().map(|&t| t.to_owned()).collect(),
        attempted: true,
        trouble: trouble.map(str::to_owned),
    }
}

/// VOA and Science Desk tagged `world`, Open Source Weekly failing, and one feed of `world`
/// never fetched.
fn notes(app: &App, failing: bool) -> Arc<FeedNotes> {
    let night = FeedNote {
        name: "Night Desk".into(),
        url: "http://127.0.0.1:9/night".into(),
        paths: vec!["/nowhere/night-desk.json".into()],
        tags: vec!["world".into()],
        attempted: false,
        trouble: None,
    };
    Arc::new(FeedNotes {
        feeds: vec![
            feed(app, "VOA", &["world"], None),
            feed(app, "Science Desk", &["world", "science"], None),
            feed(
                app,
                "Open Source Weekly",
                &["tech"],
                failing.then_some("last fetch failed: 404 Not Found"),
            ),
            night,
        ],
    })
}

fn noted(width: u16, height: u16) -> App {
    let app = app(width, height);
    let notes = notes(&app, true);
    app.with_notes(notes)
}

fn message(app: &App) -> String {
    app.message().map(|m| m.text.clone()).unwrap_or_default()
}

/// Moves the store list's selection to the row standing for `listed`.
fn select_row(app: &mut App, listed: &Listed) {
    act(app, Action::Top);
    while app.store_rows().get(selected(app)).map(|c| &c.listed) != Some(listed) {
        let before = selected(app);
        act(app, Action::Down);
        assert_ne!(selected(app), before, "no row {listed:?}");
    }
}

fn selected(app: &App) -> usize {
    match app.mode() {
        Mode::Stores { selected, .. } => *selected,
        other => panic!("the store list is not open: {other:?}"),
    }
}

fn tag(name: &str) -> Listed {
    Listed::Tag(name.to_owned())
}

#[test]
fn the_store_list_says_a_stores_fetch_error_and_lists_tags_after_the_stores() {
    let mut app = noted(80, 24);
    act(&mut app, Action::StoreList);
    assert!(
        message(&app).starts_with("Stores: 5, tags: 3. "),
        "{}",
        message(&app)
    );
    let rows = app.store_rows().to_vec();
    let names: Vec<&str> = rows.iter().map(|c| c.name.as_str()).collect();
    // The stores (and the feed not fetched yet, last: it has no newest article), then tags.
    assert_eq!(
        names[4..],
        ["Night Desk", "science", "tech", "world"],
        "{names:?}"
    );
    let weekly = rows
        .iter()
        .find(|c| c.name == "Open Source Weekly")
        .expect("the row");
    assert_eq!(weekly.fetch.as_deref(), Some(FAILED));
    let id = weekly.id().expect("a store");
    select_row(&mut app, &Listed::Store(id));
    let said = message(&app);
    assert!(
        said.starts_with(&format!(
            "Open Source Weekly: {} articles, {} unread, ",
            weekly.articles, weekly.unread
        )) && said.ends_with(&format!(", {FAILED}.")),
        "{said}"
    );
    // The tag gathers its stores' counts, the feed not fetched yet among its stores.
    let world = rows.iter().find(|c| c.listed == tag("world")).expect("tag");
    let voa = rows.iter().find(|c| c.name == "VOA").expect("VOA");
    let desk = rows
        .iter()
        .find(|c| c.name == "Science Desk")
        .expect("desk");
    assert_eq!(world.stores, 3);
    assert_eq!(world.articles, voa.articles + desk.articles);
    assert_eq!(world.unread, voa.unread + desk.unread);
    select_row(&mut app, &tag("tech"));
    let said = message(&app);
    assert!(
        said.starts_with(&format!(
            "Tag tech: 1 store, {} articles, {} unread, ",
            weekly.articles, weekly.unread
        )) && said.ends_with(", last fetch failed for 1 store."),
        "{said}"
    );
    select_row(&mut app, &Listed::Unfetched("Night Desk".into()));
    assert_eq!(
        message(&app),
        "Night Desk: no articles yet, not fetched yet."
    );
    // Enter on it lists nothing: the list stays, and says why.
    act(&mut app, Action::Open);
    assert!(matches!(app.mode(), Mode::Stores { .. }));
    assert_eq!(
        message(&app),
        "No articles from Night Desk yet: not fetched yet."
    );
}

#[test]
fn enter_on_a_tag_lists_its_stores_and_mark_all_marks_only_them() {
    let mut app = noted(80, 24);
    let store_of = |app: &App, index| {
        app.library()
            .store(app.library().headline(index).store)
            .name
            .clone()
    };
    act(&mut app, Action::StoreList);
    select_row(&mut app, &tag("world"));
    act(&mut app, Action::Open);
    assert_eq!(app.mode(), &Mode::Browse);
    assert_eq!(
        app.filter().tag.as_ref().map(|t| t.name.as_str()),
        Some("world")
    );
    let listed: Vec<String> = app.visible().iter().map(|&i| store_of(&app, i)).collect();
    assert!(!listed.is_empty());
    assert!(
        listed.iter().all(|s| s == "VOA" || s == "Science Desk"),
        "{listed:?}"
    );
    assert!(listed.iter().any(|s| s == "VOA") && listed.iter().any(|s| s == "Science Desk"));
    assert!(
        message(&app).starts_with("Tag world: "),
        "{}",
        message(&app)
    );
    let rendered = render(&app);
    let header: String = (0..80)
        .map(|x| rendered.backend().buffer()[(x, 0)].symbol().to_owned())
        .collect();
    assert!(header.starts_with("Tag world | "), "{header:?}");

    // `A` marks the list as shown: only the tag's stores.
    let unread_elsewhere = |app: &App| {
        app.library()
            .newest_first()
            .iter()
            .filter(|&&i| {
                let store = store_of(app, i);
                store != "VOA" && store != "Science Desk" && !app.is_read(i)
            })
            .count()
    };
    let before = unread_elsewhere(&app);
    act(&mut app, Action::MarkAllRead);
    assert!(app.visible().iter().all(|&i| app.is_read(i)));
    assert_eq!(unread_elsewhere(&app), before);

    // `]` goes through the tag's stores, then back to the whole tag; never out of it.
    act(&mut app, Action::NextStore);
    let first = app.filter().store.expect("a store");
    assert_eq!(app.library().store(first).name, "VOA");
    assert!(
        message(&app).starts_with("Tag world, VOA: "),
        "{}",
        message(&app)
    );
    act(&mut app, Action::NextStore);
    let second = app.filter().store.expect("a store");
    assert_eq!(app.library().store(second).name, "Science Desk");
    act(&mut app, Action::NextStore);
    assert_eq!(app.filter().store, None);
    assert!(app.filter().tag.is_some());
    act(&mut app, Action::PreviousStore);
    assert_eq!(app.filter().store, Some(second));

    // Back in the store list, the tag's counts say what the mark-all did, live.
    act(&mut app, Action::NextStore);
    act(&mut app, Action::StoreList);
    let row = &app.store_rows()[selected(&app)];
    assert_eq!(row.listed, tag("world"));
    assert_eq!(row.unread, 0);
    // Enter on a store leaves the tag.
    select_row(&mut app, &Listed::Store(first));
    act(&mut app, Action::Open);
    assert_eq!(app.filter().tag, None);
    assert_eq!(app.filter().store, Some(first));
}

#[test]
fn fresh_notes_after_a_fetch_replace_the_old_error_while_the_list_is_open() {
    let mut app = noted(80, 24);
    act(&mut app, Action::StoreList);
    let weekly = |app: &App| {
        app.store_rows()
            .iter()
            .find(|c| c.name == "Open Source Weekly")
            .cloned()
            .expect("the row")
    };
    let id = weekly(&app).id().expect("a store");
    select_row(&mut app, &Listed::Store(id));
    assert!(weekly(&app).failed);
    let fresh = notes(&app, false);
    let effects = act(&mut app, Action::NotesChanged(fresh));
    assert_eq!(effects, vec![Effect::Redraw]);
    assert_eq!(weekly(&app).fetch, None);
    assert!(!weekly(&app).failed);
    // The same row stays selected.
    assert_eq!(app.store_rows()[selected(&app)].name, "Open Source Weekly");
    let tech = app
        .store_rows()
        .iter()
        .find(|c| c.listed == tag("tech"))
        .cloned()
        .expect("tag");
    assert_eq!(tech.failing, 0);
}

#[test]
fn the_store_list_draws_the_error_and_the_tag_rows_in_words() {
    let mut app = noted(100, 24);
    act(&mut app, Action::StoreList);
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    let rows: Vec<String> = (0..24)
        .map(|y| {
            (0..100)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect()
        })
        .collect();
    assert!(rows[0].starts_with("8 stores"), "{:?}", rows[0]);
    let weekly = rows
        .iter()
        .find(|r| r.starts_with("Open Source Weekly "))
        .expect("its row");
    assert!(weekly.contains(&format!(", {FAILED}")), "{weekly:?}");
    let world = rows
        .iter()
        .find(|r| r.starts_with("Tag world "))
        .expect("the tag row");
    assert!(world.contains("  3 stores, "), "{world:?}");
    let night = rows
        .iter()
        .find(|r| r.starts_with("Night Desk "))
        .expect("the unfetched row");
    assert!(
        night.contains("no articles yet, not fetched yet"),
        "{night:?}"
    );
}

#[test]
fn plain_stores_lists_the_error_and_the_tags_numbered_and_store_n_opens_a_tag() {
    // Wide, so no sentence is wrapped in the middle of what is looked for.
    let layout = Layout {
        width: 200,
        page: 100,
        screen: None,
    };
    let app = App::new(
        sample_library(),
        Marks::default(),
        options(),
        (0, 0),
        Vec::new(),
    )
    .on_lines(layout.width);
    let notes = notes(&app, true);
    let app = app.with_notes(notes);
    let mut driver = Driver::inline(Context {
        reloads: std::sync::Arc::new(sample_stores()),
        state: None,
        history: None,
        opener: Vec::new(),
    });
    let mut out = Vec::new();
    herald::present::plain::run(
        app,
        &mut driver,
        layout,
        &[],
        "stores\nstore 8\nq\n".as_bytes(),
        &mut out,
        &mut || false,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(
            "5 stores, newest first, then 3 tags. Type store and a number to read one; a tag's \
             number reads all its stores."
        ),
        "{text}"
    );
    let weekly = text
        .lines()
        .find(|l| l.contains("Open Source Weekly: "))
        .expect("its line");
    assert!(weekly.ends_with(&format!(", {FAILED}.")), "{weekly}");
    assert!(text.contains("Store 8. Tag world: 3 stores, "), "{text}");
    // Only the tag's stores are listed.
    let (_, listed) = text.split_once("\nTag world: ").expect("the tag's list");
    assert!(listed.contains(" VOA, "), "{listed}");
    assert!(!listed.contains("Open Source Weekly, "), "{listed}");
}
