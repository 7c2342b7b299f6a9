//! Breaking news by the reader's rules and `fresh_for`, through the one `Stores` value, with
//! the clock given (`load_at`, `reload_at`) so that freshness is tested without waiting.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use herald::engine::breaking::Policy;
use herald::engine::store::StoreSource;
use herald::engine::{Library, LoadMode, Progress, Stores};

/// 2026-12-01T12:00:00Z.
const NOON: i64 = 1_796_126_400;
const HOUR: i64 = 3600;

fn rfc3339(secs: i64) -> String {
    let (year, month, day) = herald::text::date::civil_from_days(secs.div_euclid(86_400));
    let rest = secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

fn article(id: &str, title: &str, published: i64, extra: &str) -> String {
    format!(
        "{{\"id\": \"{id}\", \"title\": \"{title}\", \"published\": \"{}\", \"body\": \"Text of {id}.\"{extra}}}\n",
        rfc3339(published)
    )
}

fn policy(config: &str) -> Policy {
    let loaded = herald::config::parse(config, "config.toml", Path::new("/c/config.toml"));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.config.breaking.expect("a [breaking] section")
}

fn stores(path: &Path, policy: Policy) -> Stores {
    Stores::new(vec![StoreSource::Path(path.to_path_buf())])
        .with_cache(None)
        .with_breaking(Arc::new(policy))
}

fn breaking_titles(library: &Library) -> Vec<String> {
    library
        .newest_first()
        .iter()
        .map(|&i| library.headline(i))
        .filter(|headline| headline.breaking)
        .map(|headline| headline.title.to_owned())
        .collect()
}

fn store_file(dir: &tempfile::TempDir, lines: &[String]) -> PathBuf {
    let path = dir.path().join("wire.jsonl");
    std::fs::write(&path, lines.concat()).unwrap();
    path
}

#[test]
fn rules_flag_by_title_body_source_and_tag_on_disk_and_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_file(
        &dir,
        &[
            article("1", "Earthquake hits the coast", NOON - HOUR, ""),
            // The words are in the body only: read from the file, as the index keeps bodies there.
            article(
                "2",
                "Coast news",
                NOON - HOUR,
                ", \"summary\": \"s\", \"tags\": [\"local\"]",
            )
            .replace("Text of 2.", "A tsunami  warning was issued."),
            article(
                "3",
                "Election called",
                NOON - 2 * HOUR,
                ", \"source\": \"Wire\"",
            ),
            article(
                "4",
                "Election called again",
                NOON - 2 * HOUR,
                ", \"source\": \"Desk\"",
            ),
            article(
                "5",
                "Road closed",
                NOON - 3 * HOUR,
                ", \"tags\": [\"Urgent\"]",
            ),
            article("6", "Nothing much", NOON - 3 * HOUR, ""),
        ],
    );
    let policy = policy(
        "[[breaking.rule]]\nwords = [\"earthquake\", \"tsunami warning\"]\n\
         [[breaking.rule]]\nwords = [\"election\"]\nsources = [\"wire\"]\n\
         [[breaking.rule]]\ntags = [\"urgent\"]\n",
    );
    for mode in [LoadMode::Fast, LoadMode::Thorough] {
        let library = stores(&path, policy.clone()).load_at(mode, &Progress::default(), NOON);
        assert_eq!(
            breaking_titles(&library),
            [
                "Earthquake hits the coast",
                "Coast news",
                "Election called",
                "Road closed"
            ],
            "{mode:?}"
        );
    }
}

#[test]
fn a_story_is_breaking_only_while_fresh_and_the_library_says_when_it_goes_stale() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_file(
        &dir,
        &[
            article("new", "Fresh flag", NOON - HOUR, ", \"breaking\": true"),
            article("old", "Old flag", NOON - 13 * HOUR, ", \"breaking\": true"),
            "{\"id\": \"undated\", \"title\": \"Undated flag\", \"breaking\": true, \"body\": \"x\"}\n"
                .to_owned(),
        ],
    );
    let stores = stores(&path, Policy::default());
    let library = stores.load_at(LoadMode::Fast, &Progress::default(), NOON);
    assert_eq!(breaking_titles(&library), ["Fresh flag", "Undated flag"]);
    // Twelve hours after it was published, the fresh one goes stale.
    assert_eq!(library.stale_at(), Some(NOON - HOUR + 12 * HOUR));
    let later = stores.reload_at(&library, &Progress::default(), NOON + 11 * HOUR);
    assert_eq!(breaking_titles(&later.library), ["Undated flag"]);
    assert_eq!(later.library.stale_at(), None);
    assert!(later.arrivals.is_empty());

    let forever = policy("[breaking]\nfresh_for = \"forever\"\n");
    let library = self::stores(&path, forever).load_at(LoadMode::Fast, &Progress::default(), NOON);
    assert_eq!(breaking_titles(&library).len(), 3);
}

#[test]
fn a_reload_judges_new_lines_by_the_rules_and_only_fresh_ones_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_file(&dir, &[article("1", "Calm day", NOON - HOUR, "")]);
    let stores = stores(
        &path,
        policy("[breaking]\nfresh_for = \"2h\"\n[[breaking.rule]]\nwords = [\"flood\"]\n"),
    );
    let library = stores.load_at(LoadMode::Fast, &Progress::default(), NOON);
    assert!(breaking_titles(&library).is_empty());
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(article("2", "Flood warning now", NOON, "").as_bytes())
        .unwrap();
    file.write_all(article("3", "Flood of last week", NOON - 100 * HOUR, "").as_bytes())
        .unwrap();
    drop(file);
    let reloaded = stores.reload_at(&library, &Progress::default(), NOON);
    let titles: Vec<&str> = reloaded
        .arrivals
        .iter()
        .map(|&i| reloaded.library.headline(i).title)
        .collect();
    assert_eq!(titles, ["Flood warning now"]);
}

#[test]
fn feed_rules_apply_to_their_own_store_only() {
    let dir = tempfile::tempdir().unwrap();
    // A feed is fetched into a native store: one JSON document.
    let native = |title: &str| format!("{{\"articles\": [{}]}}", article("1", title, NOON, ""));
    let wire = dir.path().join("wire.json");
    let desk = dir.path().join("desk.json");
    std::fs::write(&wire, native("Evacuation ordered")).unwrap();
    std::fs::write(&desk, native("Evacuation drill")).unwrap();
    let feeds = dir.path().join("feeds.toml");
    std::fs::write(
        &feeds,
        format!(
            "[[feed]]\nurl = \"https://example.com/wire.xml\"\nstore = \"{}\"\nbreaking = {{ words = [\"evacuation\"] }}\n",
            wire.display()
        ),
    )
    .unwrap();
    let subscriptions = herald::produce::feeds::load(&feeds);
    assert!(
        subscriptions.problems.is_empty(),
        "{:?}",
        subscriptions.problems
    );
    let policy = Policy {
        rules: subscriptions
            .feeds
            .into_iter()
            .flat_map(|f| f.breaking)
            .collect(),
        ..Policy::default()
    };
    let library = Stores::new(vec![
        StoreSource::Path(wire.clone()),
        StoreSource::Path(desk.clone()),
    ])
    .with_cache(None)
    .with_breaking(Arc::new(policy))
    .load_at(LoadMode::Fast, &Progress::default(), NOON);
    assert_eq!(breaking_titles(&library), ["Evacuation ordered"]);
}

#[test]
fn a_bad_rule_in_feeds_toml_is_placed_and_the_feed_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds.toml");
    std::fs::write(
        &feeds,
        "[[feed]]\nurl = \"https://example.com/a.xml\"\nbreaking = { patterns = [\"(x\"] }\n",
    )
    .unwrap();
    let subscriptions = herald::produce::feeds::load(&feeds);
    assert_eq!(subscriptions.feeds.len(), 1);
    assert!(subscriptions.feeds[0].breaking.is_empty());
    assert_eq!(
        subscriptions.problems.len(),
        1,
        "{:?}",
        subscriptions.problems
    );
    let problem = &subscriptions.problems[0];
    assert!(
        problem.contains("feeds.toml:3:26: pattern \"(x\" is not a regular expression"),
        "{problem}"
    );
}
