//! The breaking-news banner over the list: which story it names, how many more it counts, the
//! key that jumps to it and the one that dismisses it, and freshness, judged at a given time.
//! Stores are written by each test with their own dates, so nothing depends on today.

use std::path::Path;
use std::sync::Arc;

use herald::app::{Action, App};
use herald::engine::breaking::Policy;
use herald::engine::state::Marks;
use herald::engine::store::StoreSource;
use herald::engine::{LoadMode, Progress, Stores};

use crate::reader::live::append;
use crate::reader::render::screen_text_of;
use crate::reader::support::{act_with, inline, options};

/// 2026-12-01T12:00:00Z.
const NOON: i64 = 1_796_126_400;

fn story(id: &str, title: &str, published: &str, breaking: bool) -> String {
    format!(
        "{{\"id\": \"{id}\", \"title\": \"{title}\", \"published\": \"{published}\", \
         \"breaking\": {breaking}, \"body\": \"Text of {id}.\"}}\n"
    )
}

/// Three breaking stories (newest "Dam Bursts") among ordinary ones, in one `.jsonl` store.
fn wire(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("wire.jsonl");
    let lines = [
        story("1", "Quiet Council Meeting", "2026-12-01T11:30:00Z", false),
        story("2", "Storm Warning Issued", "2026-12-01T09:00:00Z", true),
        story("3", "Dam Bursts Upstream", "2026-12-01T11:00:00Z", true),
        story("4", "Bakery Opens", "2026-12-01T08:00:00Z", false),
        story("5", "Roads Closed", "2026-12-01T07:00:00Z", true),
    ];
    std::fs::write(&path, lines.concat()).expect("write store");
    path
}

fn stores(dir: &Path, policy: Policy) -> Stores {
    Stores::new(vec![StoreSource::Path(dir.to_path_buf())])
        .with_cache(None)
        .with_breaking(Arc::new(policy))
}

fn app_at(stores: &Stores, now: i64) -> App {
    let library = stores.load_at(LoadMode::Fast, &Progress::default(), now);
    App::new(library, Marks::default(), options(), (100, 20), Vec::new())
}

fn title_at(app: &App, index: usize) -> String {
    app.library().headline(index).title.to_owned()
}

#[test]
fn the_banner_names_the_newest_unread_breaking_story_counts_the_rest_and_sits_above_the_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    wire(dir.path());
    let stores = stores(dir.path(), Policy::stores_only());
    let mut app = app_at(&stores, NOON);
    assert_eq!(
        app.banner_text().as_deref(),
        Some("BREAKING: Dam Bursts Upstream (2 more)")
    );
    let screen = screen_text_of(&app);
    let banner_row = screen
        .iter()
        .position(|row| row.contains("BREAKING: Dam Bursts Upstream (2 more)"))
        .expect("the banner is drawn");
    let first_headline = screen
        .iter()
        .position(|row| row.contains("Quiet Council Meeting"))
        .expect("the newest headline is drawn");
    assert_eq!(first_headline, banner_row + 1, "{screen:#?}");

    // Reading the story the banner names moves the banner on to the next one.
    let mut runtime = inline(stores.clone());
    act_with(&mut runtime, &mut app, Action::NextBreaking);
    assert_eq!(
        title_at(&app, app.selected_article().expect("selected")),
        "Dam Bursts Upstream"
    );
    act_with(&mut runtime, &mut app, Action::ToggleRead);
    assert_eq!(
        app.banner_text().as_deref(),
        Some("BREAKING: Storm Warning Issued (1 more)")
    );
}

#[test]
fn b_jumps_to_the_banner_story_and_x_dismisses_it_until_more_breaking_news_comes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = wire(dir.path());
    let stores = stores(dir.path(), Policy::stores_only());
    let mut app = app_at(&stores, NOON);
    let mut runtime = inline(stores.clone());
    act_with(&mut runtime, &mut app, Action::Bottom);
    act_with(&mut runtime, &mut app, Action::NextBreaking);
    assert_eq!(
        title_at(&app, app.selected_article().expect("selected")),
        "Dam Bursts Upstream",
        "B goes to the banner's story, not the next breaking row below"
    );

    act_with(&mut runtime, &mut app, Action::DismissBanner);
    assert_eq!(app.banner_text(), None);
    assert!(
        app.message()
            .expect("a message")
            .text
            .contains("3 breaking stories stay"),
        "{:?}",
        app.message()
    );
    assert!(
        !screen_text_of(&app)
            .iter()
            .any(|row| row.contains("BREAKING:")),
        "the dismissed banner is gone from the screen"
    );

    // New breaking news brings the banner back, for the new story only.
    append(
        &path,
        &story("6", "Bridge Collapses", "2026-12-01T11:50:00Z", true),
    );
    act_with(&mut runtime, &mut app, Action::StoresChanged);
    assert_eq!(
        app.banner_text().as_deref(),
        Some("BREAKING: Bridge Collapses")
    );

    // And an ordinary arrival does not.
    act_with(&mut runtime, &mut app, Action::DismissBanner);
    append(
        &path,
        &story("7", "Park Reopens", "2026-12-01T11:55:00Z", false),
    );
    act_with(&mut runtime, &mut app, Action::StoresChanged);
    assert_eq!(app.banner_text(), None);
    act_with(&mut runtime, &mut app, Action::DismissBanner);
    assert_eq!(
        app.message().expect("a message").text,
        "No breaking-news banner to dismiss."
    );
}

#[test]
fn a_story_past_fresh_for_raises_no_banner() {
    let dir = tempfile::tempdir().expect("temp dir");
    wire(dir.path());
    // With the default 12 hours: at noon all three are fresh; by 20:00 the 07:00 story has gone
    // stale; the next day none is breaking.
    let stores = stores(dir.path(), Policy::default());
    assert_eq!(
        app_at(&stores, NOON).banner_text().as_deref(),
        Some("BREAKING: Dam Bursts Upstream (2 more)")
    );
    assert_eq!(
        app_at(&stores, NOON + 8 * 3600).banner_text().as_deref(),
        Some("BREAKING: Dam Bursts Upstream (1 more)")
    );
    let next_day = app_at(&stores, NOON + 24 * 3600);
    assert_eq!(next_day.banner_text(), None);
    assert!(
        !screen_text_of(&next_day)
            .iter()
            .any(|row| row.contains("BREAKING")),
        "stale stories read as ordinary rows"
    );
}
