//! Real-world JSON Feeds and enclosures through the real binary: a 1.0 feed with an `http`
//! version, items without ids, dated only by `date_modified`, a feed-level author, podcast
//! items that are nothing but an attachment, and a native store's bad enclosure.

use crate::common::sandbox::herald;
use crate::common::{Sandbox, fixture};

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn a_json_feed_1_0_lists_every_item_with_an_id_that_never_changes() {
    let feed = fixture("feeds/jsonfeed-v1.json");
    let run = herald(&["list", "--ids", &feed]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "the feed reads cleanly");
    assert_eq!(
        lines(&run.stdout),
        [
            // No id: its url is its id. The day is the day as written (+01:00), not UTC's.
            "https://example.org/harbour/ferry-returns\t2022-11-16            Harbour Notes  Ferry Returns to Port Callow",
            // Only `date_modified`: dated by it, not sunk to the end as undated.
            "harbour-lighthouse\t2022-11-14            Harbour Notes  Lighthouse Lamp Replaced",
            // Neither id nor url: date and title.
            "2022-11-10-tide-tables-for-december\t2022-11-10            Harbour Notes  Tide Tables for December",
            "harbour-linked\t2022-11-09            Harbour Notes  Elsewhere: the Canal Reopens",
        ]
    );
    assert_eq!(
        herald(&["list", "--ids", &feed]).stdout,
        run.stdout,
        "ids are the same at every reading"
    );
    let check = herald(&["check", &feed]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn show_gives_items_the_feeds_author_and_keeps_the_external_link() {
    let feed = fixture("feeds/jsonfeed-v1.json");
    let run = herald(&["show", "https://example.org/harbour/ferry-returns", &feed]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        lines(&run.stdout)[..2],
        [
            "Ferry Returns to Port Callow",
            "2022-11-16, by Harbour Desk"
        ]
    );
    // An item's own author wins over the feed's.
    let own = herald(&["show", "harbour-lighthouse", &feed]);
    assert_eq!(lines(&own.stdout)[1], "2022-11-14, by Mara Lind");
    // With no `url`, `external_url` is the article's link.
    let linked = herald(&["show", "harbour-linked", &feed]);
    assert!(
        linked
            .stdout
            .ends_with("Link: https://elsewhere.example/canal\n"),
        "{}",
        linked.stdout
    );
}

#[test]
fn attachment_only_items_are_listed_by_their_attachment() {
    let feed = fixture("feeds/jsonfeed-attachments.json");
    let run = herald(&["list", "--ids", &feed]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(
        lines(&run.stdout),
        [
            "radio-ep-12\t2024-03-02            Harbour Radio  Morning Tide, Episode 12",
            "radio-ep-11\t2024-02-24            Harbour Radio  Episode 11.ogg",
            "radio-show-notes\t2024-02-20            Harbour Radio  Show Notes",
        ]
    );
    let show = herald(&["show", "radio-ep-12", &feed]);
    assert_eq!(
        lines(&show.stdout)[..2],
        ["Morning Tide, Episode 12", "2024-03-02, by Radio Desk"]
    );
}

#[test]
fn a_bad_enclosure_is_a_warning_at_its_article_which_is_kept() {
    let sandbox = Sandbox::new();
    let store = sandbox.path("radio.json");
    std::fs::write(
        &store,
        r#"{"name": "Radio", "articles": [
  {"id": "ep1", "title": "Episode 1",
   "enclosures": [{"url": "https://example.org/ep1.mp3", "type": "audio/mpeg", "length": 1200},
                  {"type": "audio/ogg"}, {"url": "https://example.org/ep1.ogg", "length": "big"}]}
]}
"#,
    )
    .unwrap();
    let path = store.to_string_lossy().into_owned();
    let check = sandbox.herald(&["check", &path]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    for expected in [
        format!(
            "{path}:2:3: warning: article 1 (id \"ep1\"): `enclosures` entry 2 left out: it has no `url`"
        ),
        format!(
            "{path}:2:3: warning: article 1 (id \"ep1\"): `enclosures` entry 3: `length` must be a whole number of bytes, not a string"
        ),
    ] {
        assert!(
            check.stdout.contains(&expected),
            "{expected}\n{}",
            check.stdout
        );
    }
    let list = sandbox.herald(&["list", &path]);
    assert!(list.stdout.contains("Episode 1"), "{}", list.stdout);
}

#[test]
fn the_schema_describes_enclosures_attachments_and_both_feed_versions() {
    let text =
        std::fs::read_to_string(crate::common::root().join("docs/store.schema.json")).unwrap();
    let schema = jsonschema::draft202012::new(&serde_json::from_str(&text).unwrap()).unwrap();
    let feed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate::common::root().join(fixture("feeds/jsonfeed-attachments.json")),
        )
        .unwrap(),
    )
    .unwrap();
    let errors: Vec<String> = schema.iter_errors(&feed).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let store = |enclosure: serde_json::Value| serde_json::json!({"articles": [{"id": "a", "title": "T", "enclosures": [enclosure]}]});
    assert!(schema.is_valid(&store(serde_json::json!(
        {"url": "https://example.org/a.mp3", "type": "audio/mpeg", "length": 12345, "title": "A"}
    ))));
    for bad in [
        serde_json::json!({"type": "audio/mpeg"}),
        serde_json::json!({"url": "https://example.org/a.mp3", "length": -1}),
        serde_json::json!({"url": "https://example.org/a.mp3", "length": "12 KB"}),
        serde_json::json!("https://example.org/a.mp3"),
    ] {
        assert!(
            !schema.is_valid(&store(bad.clone())),
            "schema accepted {bad}"
        );
    }
    let http =
        serde_json::json!({"version": "http://jsonfeed.org/version/1", "items": [{"id": "a"}]});
    assert!(schema.is_valid(&http));
    // Read as a feed, so not a native store that lacks `articles`.
    let http_native =
        serde_json::json!({"version": "http://jsonfeed.org/version/1", "articles": []});
    assert!(!schema.is_valid(&http_native));
}
