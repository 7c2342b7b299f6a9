//! Reading what the store list says of the subscriptions: `feeds.toml` for each feed's store and
//! tags, the fetch schedule for how its last fetch went. Both presenters load it at start and
//! after each fetch they run, and hand it to the app ([`crate::app::FeedNotes`]), which does no
//! I/O of its own. Never fails: a file that cannot be used means no notes from it, and a
//! problem to report.

use std::path::{Path, PathBuf};

use crate::app::{FeedNote, FeedNotes};
use crate::engine::store::StoreSource;
use crate::engine::store::source::display_path;
use crate::produce::fetch::schedule::{FeedState, Schedule};

/// The notes for the feeds whose stores `sources` read (a feed fetched into a store this reader
/// does not open has no row to go in), and the problems the two files had, worded for the
/// user. Missing files are no problem: no subscriptions, or nothing fetched yet.
pub fn load(
    feeds: &Path,
    schedule: Option<&Path>,
    sources: &[StoreSource],
) -> (FeedNotes, Vec<String>) {
    let subscriptions = crate::produce::feeds::load(feeds);
    let mut problems = Vec::new();
    match subscriptions.problems.as_slice() {
        [] => {}
        [only] => problems.push(only.clone()),
        [first, rest @ ..] => problems.push(format!(
            "{first}; and {} more in feeds.toml (herald feeds list names them)",
            rest.len()
        )),
    }
    if subscriptions.feeds.is_empty() {
        return (FeedNotes::default(), problems);
    }
    let (schedule, problem) = Schedule::load(schedule.map(Path::to_path_buf));
    problems.extend(problem);
    let read: Vec<Vec<PathBuf>> = sources
        .iter()
        .filter_map(|s| match s {
            StoreSource::Path(path) => Some(spellings(path)),
            StoreSource::Embedded => None,
        })
        .collect();
    let feeds = subscriptions
        .feeds
        .iter()
        .filter_map(|feed| {
            let paths = spellings(&feed.store);
            let covered = read.iter().flatten().any(|source| {
                paths
                    .iter()
                    .any(|p| p == source || p.parent() == Some(source.as_path()))
            });
            covered.then(|| {
                let state = schedule.feeds.get(&feed.url);
                let clean = |text: &str| crate::text::sanitize_line(text).into_owned();
                FeedNote {
                    name: feed.name.clone(),
                    url: clean(&feed.url),
                    paths: paths.iter().map(|p| display_path(p)).collect(),
                    tags: feed.tags.iter().map(|t| clean(t)).collect(),
                    attempted: state.is_some_and(|s| s.last_attempt.is_some()),
                    trouble: state.and_then(trouble).map(|t| clean(&t)),
                }
            })
        })
        .collect();
    (FeedNotes { feeds }, problems)
}

/// `path` as written (with `.` and `..` worked out), and as the file system resolves it when
/// it exists: a store named through a link or a relative path is the same file.
fn spellings(path: &Path) -> Vec<PathBuf> {
    let mut paths = vec![lexically_normal(path)];
    if let Ok(real) = path.canonicalize()
        && !paths.contains(&real)
    {
        paths.push(real);
    }
    paths
}

fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What the store list says of a feed's last fetch when it went wrong.
fn trouble(state: &FeedState) -> Option<String> {
    let result = state.last_result.as_deref()?;
    if !state.last_ok {
        let reason = result.strip_prefix("error: ").unwrap_or(result);
        return Some(format!("last fetch failed: {reason}"));
    }
    // The server asked to wait (429 or 503 with Retry-After): not the feed's fault, but why
    // nothing new comes from it.
    (state.failures > 0 && result.starts_with("waiting")).then(|| format!("last fetch: {result}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_fetch_is_worded_and_a_good_one_says_nothing() {
        let failed = FeedState {
            last_result: Some("error: 404 Not Found".into()),
            last_ok: false,
            failures: 1,
            ..FeedState::default()
        };
        assert_eq!(
            trouble(&failed).as_deref(),
            Some("last fetch failed: 404 Not Found")
        );
        let good = FeedState {
            last_result: Some("new 3".into()),
            last_ok: true,
            ..FeedState::default()
        };
        assert_eq!(trouble(&good), None);
        let waiting = FeedState {
            last_result: Some("waiting until 14:05 UTC (the server asked)".into()),
            last_ok: true,
            failures: 1,
            ..FeedState::default()
        };
        assert_eq!(
            trouble(&waiting).as_deref(),
            Some("last fetch: waiting until 14:05 UTC (the server asked)")
        );
        assert_eq!(trouble(&FeedState::default()), None);
    }

    #[test]
    fn bad_or_missing_files_give_no_notes_and_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let stores = dir.path().join("stores");
        let sources = [StoreSource::Path(stores.clone())];
        let feeds = dir.path().join("feeds.toml");
        let schedule = dir.path().join("fetch.json");
        // Neither file: nothing to say, nothing wrong.
        let (notes, problems) = load(&feeds, Some(&schedule), &sources);
        assert!(notes.feeds.is_empty() && problems.is_empty());

        std::fs::write(&feeds, "[[feed\nnot toml").unwrap();
        let (notes, problems) = load(&feeds, Some(&schedule), &sources);
        assert!(notes.feeds.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");

        let store = stores.join("desk.json");
        std::fs::write(
            &feeds,
            format!(
                "[[feed]]\nurl = \"http://127.0.0.1:9/desk.xml\"\nname = \"Desk\"\n\
                 store = \"{}\"\ntags = [\"world\"]\n\n\
                 [[feed]]\nurl = \"http://127.0.0.1:9/other.xml\"\nname = \"Other\"\n\
                 store = \"{}\"\n",
                store.display(),
                dir.path().join("elsewhere/other.json").display()
            ),
        )
        .unwrap();
        std::fs::write(&schedule, "{ not json").unwrap();
        let (notes, problems) = load(&feeds, Some(&schedule), &sources);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("starting afresh"), "{problems:?}");
        // Only the feed whose store this reader reads.
        assert_eq!(notes.feeds.len(), 1);
        assert_eq!(notes.feeds[0].name, "Desk");
        assert_eq!(notes.feeds[0].tags, ["world"]);
        assert_eq!(notes.feeds[0].paths[0], display_path(&store));
        assert_eq!(notes.feeds[0].trouble, None);
        assert!(!notes.feeds[0].attempted);
    }
}
