//! What the subscriptions say about the stores, as the presenter read it from `feeds.toml` and
//! the fetch schedule: each feed's store, tags and how its last fetch went. The app only
//! reads this (it may not touch a file); the presenter loads it at start and again after every
//! fetch, so the store list never shows a stale error.
//!
//! A feed is matched to a library store by path: the store file the feed is fetched into is
//! one of the files the store was read from (`StoreInfo::origins`, which hold paths as
//! `display_path` wrote them). A store named by a relative path does not spell its files as
//! the feed does, so when no path matches, a store with the feed's name (the fetcher writes
//! the feed's name into its store) read from a file of the same name is taken instead.

use crate::engine::Library;
use crate::engine::store::StoreId;
use crate::engine::store::model::StoreInfo;

/// One subscribed feed, as the store list needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedNote {
    /// The feed's name in feeds.toml (also the name its store gets).
    pub name: String,
    pub url: String,
    /// The feed's store file, in every spelling the presenter knows (as written, resolved),
    /// each as `display_path` makes it; the first is as written.
    pub paths: Vec<String>,
    pub tags: Vec<String>,
    /// Whether a fetch of it was ever tried.
    pub attempted: bool,
    /// What went wrong the last time, in words for the list (`last fetch failed: 404 Not
    /// Found`); None when it went well or was never tried.
    pub trouble: Option<String>,
}

/// Every subscribed feed whose store this reader reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedNotes {
    pub feeds: Vec<FeedNote>,
}

/// The notes sorted out against one library.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matched {
    /// For each store of the library (by index), the notes of the feeds fetched into it.
    pub by_store: Vec<Vec<usize>>,
    /// The notes of feeds whose store the library does not have (not fetched yet, or every
    /// fetch failed).
    pub unmatched: Vec<usize>,
}

/// The last part of a path as `display_path` spells it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn by_path(store: &StoreInfo, note: &FeedNote) -> bool {
    store
        .origins
        .iter()
        .any(|origin| note.paths.iter().any(|p| p == origin))
}

fn by_name_and_file(store: &StoreInfo, note: &FeedNote) -> bool {
    let Some(file) = note.paths.first().map(|p| file_name(p)) else {
        return false;
    };
    store.name == note.name && store.origins.iter().any(|o| file_name(o) == file)
}

impl FeedNotes {
    /// Which store each feed is fetched into. One pass over the stores per feed: a few
    /// hundred feeds and stores at most, and only when the store list is counted.
    pub fn matched(&self, library: &Library) -> Matched {
        let stores = library.stores();
        let mut matched = Matched {
            by_store: vec![Vec::new(); stores.len()],
            unmatched: Vec::new(),
        };
        for (n, note) in self.feeds.iter().enumerate() {
            let found = stores
                .iter()
                .position(|s| by_path(s, note))
                .or_else(|| stores.iter().position(|s| by_name_and_file(s, note)));
            match found {
                Some(store) => matched.by_store[store].push(n),
                None => matched.unmatched.push(n),
            }
        }
        matched
    }

    /// Every tag, once, in A to Z order (ignoring case).
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .feeds
            .iter()
            .flat_map(|f| f.tags.iter().cloned())
            .collect();
        tags.sort_by_key(|t| t.to_lowercase());
        tags.dedup();
        tags
    }

    /// The library's stores fed by a feed with `tag`, in store order.
    pub fn stores_tagged(&self, library: &Library, tag: &str) -> Vec<StoreId> {
        self.matched(library)
            .by_store
            .iter()
            .enumerate()
            .filter(|(_, notes)| {
                notes
                    .iter()
                    .any(|&n| self.feeds[n].tags.iter().any(|t| t == tag))
            })
            .map(|(i, _)| StoreId(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(name: &str, origins: &[&str]) -> StoreInfo {
        StoreInfo {
            name: name.to_owned(),
            origins: origins.iter().map(|&o| o.to_owned()).collect(),
        }
    }

    fn note(name: &str, paths: &[&str]) -> FeedNote {
        FeedNote {
            name: name.to_owned(),
            paths: paths.iter().map(|&p| p.to_owned()).collect(),
            ..FeedNote::default()
        }
    }

    #[test]
    fn a_feed_matches_its_store_by_path_then_by_name_and_file() {
        let cases = [
            // The default: the stores folder, files spelt as the folder's path joined.
            (
                store("Desk", &["/d/herald/stores/desk.json"]),
                note("Desk", &["/d/herald/stores/desk.json"]),
                true,
            ),
            // The config renamed the store: the path still says it is this feed's.
            (
                store("My desk", &["/d/herald/stores/desk.json"]),
                note("Desk", &["/d/herald/stores/desk.json"]),
                true,
            ),
            // Named on the command line by a relative path: the resolved spelling matches.
            (
                store("Desk", &["stores/desk.json"]),
                note("Desk", &["/home/u/stores/desk.json"]),
                true,
            ),
            (
                store("Desk", &["/real/desk.json"]),
                note("Desk", &["/link/desk.json", "/real/desk.json"]),
                true,
            ),
            // Same name, another file: another store.
            (
                store("Desk", &["/elsewhere/desk-archive.json"]),
                note("Desk", &["/d/herald/stores/desk.json"]),
                false,
            ),
            // Same file name, another name (another feed's copy): not matched by name.
            (
                store("Wire", &["other/desk.json"]),
                note("Desk", &["/d/herald/stores/desk.json"]),
                false,
            ),
        ];
        for (store, note, expected) in cases {
            let found = by_path(&store, &note) || by_name_and_file(&store, &note);
            assert_eq!(found, expected, "{store:?} and {note:?}");
        }
    }

    #[test]
    fn tags_are_listed_once_in_name_order() {
        let mut a = note("A", &["/a.json"]);
        a.tags = vec!["world".into(), "daily".into()];
        let mut b = note("B", &["/b.json"]);
        b.tags = vec!["world".into(), "Arts".into()];
        let notes = FeedNotes { feeds: vec![a, b] };
        assert_eq!(notes.tags(), ["Arts", "daily", "world"]);
    }
}
