//! The stores a reader opened, as one value: where they are, the names the config gives
//! them, and the index cache. Every presenter (the reader, plain mode, `list`/`show`/`check`,
//! `state compact`) loads and reloads through it, so they all see the same stores by the
//! same names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use std::sync::Arc;

use super::breaking::Policy;
use super::library::{ArticleIndex, Library, LoadMode};
use super::store::Progress;
use super::store::diagnostic::{Diagnostic, Severity};
use super::store::source::{FileInput, StoreSource, read_source};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stores {
    sources: Vec<StoreSource>,
    /// Store names from the config file (`[[store]] name`), by the path given there: every
    /// article read from that path is in the store of that name.
    names: BTreeMap<PathBuf, String>,
    /// Where big files' indexes are kept between runs (None: not kept).
    cache: Option<PathBuf>,
    /// Sources that may well not exist yet: the stores of subscribed feeds not fetched yet
    /// (and the default folder they go in). Their absence is not a problem to report.
    pending: BTreeSet<PathBuf>,
    /// What makes an article breaking news, and for how long.
    breaking: Arc<Policy>,
}

/// A fresh load of the same stores, and what changed since the last one.
#[derive(Debug)]
pub struct Reloaded {
    pub library: Library,
    /// Errors that were not there before, worded for the user.
    pub problems: Vec<String>,
    /// Breaking articles the previous library did not have, newest first.
    pub arrivals: Vec<ArticleIndex>,
}

/// Which stores to open, and a note for the user when Herald fell back to its sample.
pub struct Chosen {
    pub stores: Stores,
    pub note: Option<String>,
}

impl Stores {
    /// `sources`, with the index cache in Herald's cache folder and no names given.
    pub fn new(sources: Vec<StoreSource>) -> Self {
        Self {
            sources,
            names: BTreeMap::new(),
            cache: crate::paths::cache_dir(),
            pending: BTreeSet::new(),
            breaking: Arc::new(Policy::stores_only()),
        }
    }

    /// The sample data built into Herald.
    pub fn sample() -> Self {
        Self::new(vec![StoreSource::Embedded])
    }

    #[must_use]
    pub fn with_names(mut self, names: BTreeMap<PathBuf, String>) -> Self {
        self.names = names;
        self
    }

    /// Breaking news judged by `policy` (the config's rules and `fresh_for`); without it a
    /// store's own flags hold forever.
    #[must_use]
    pub fn with_breaking(mut self, policy: Arc<Policy>) -> Self {
        self.breaking = policy;
        self
    }

    #[must_use]
    pub fn with_cache(mut self, cache: Option<PathBuf>) -> Self {
        self.cache = cache;
        self
    }

    /// Stores named on the command line win; then the config file's list (with its names);
    /// then, when feeds are subscribed (`subscribed`: their stores), the `stores/` folder in
    /// the data directory and every feed store outside it, fetched or not yet; then that
    /// folder when it exists; then the sample data built into the binary, with a note saying
    /// so.
    pub fn choose(
        named: &[PathBuf],
        configured: &[PathBuf],
        names: &BTreeMap<PathBuf, String>,
        subscribed: &[PathBuf],
    ) -> Chosen {
        let paths = |paths: &[PathBuf]| paths.iter().cloned().map(StoreSource::Path).collect();
        if !named.is_empty() {
            return Chosen {
                stores: Self::new(paths(named)),
                note: None,
            };
        }
        if !configured.is_empty() {
            return Chosen {
                stores: Self::new(paths(configured)).with_names(names.clone()),
                note: None,
            };
        }
        let stores_dir = crate::paths::default_stores_dir();
        if let Some(dir) = stores_dir.as_ref().filter(|_| !subscribed.is_empty()) {
            // Made now, so it can be watched: the first fetch fills it while the reader runs.
            let _ = std::fs::create_dir_all(dir);
            let mut sources = vec![StoreSource::Path(dir.clone())];
            let mut pending: BTreeSet<PathBuf> = [dir.clone()].into();
            for store in subscribed {
                if !store.starts_with(dir) {
                    sources.push(StoreSource::Path(store.clone()));
                }
                pending.insert(store.clone());
            }
            let mut stores = Self::new(sources);
            stores.pending = pending;
            return Chosen { stores, note: None };
        }
        if let Some(dir) = stores_dir.as_ref().filter(|d| d.is_dir()) {
            return Chosen {
                stores: Self::new(vec![StoreSource::Path(dir.clone())]),
                note: None,
            };
        }
        let where_ = stores_dir.map_or_else(
            || "the stores/ folder of Herald's data directory".to_owned(),
            |d| super::store::source::display_path(&d),
        );
        Chosen {
            stores: Self::sample(),
            note: Some(format!(
                "No stores given: showing the sample data built into Herald. To read your own, \
                 name them (herald PATH...), put .json or .jsonl files in {where_}, \
                 or list them as `stores = [...]` in the config file."
            )),
        }
    }

    pub fn sources(&self) -> &[StoreSource] {
        &self.sources
    }

    /// Whether these are only the sample built into Herald.
    pub fn is_sample(&self) -> bool {
        self.sources.iter().all(|s| *s == StoreSource::Embedded)
    }

    /// Every file of every source, named as the config says, and the sources' own problems.
    fn inputs(&self) -> (Vec<FileInput>, Vec<Diagnostic>) {
        let mut inputs = Vec::new();
        let mut problems = Vec::new();
        for source in &self.sources {
            let (mut files, mut trouble) = read_source(source);
            if let StoreSource::Path(path) = source
                && self.pending.contains(path)
                && files.is_empty()
            {
                // Not fetched yet: nothing is wrong.
                trouble.clear();
            }
            if let StoreSource::Path(path) = source
                && let Some(name) = self.names.get(path)
            {
                for file in &mut files {
                    file.store_name = Some(name.clone());
                }
            }
            inputs.extend(files);
            problems.extend(trouble);
        }
        (inputs, problems)
    }

    /// Reads every store, counting the articles read in `progress` as it goes (another thread
    /// can say how far a long load is).
    pub fn load(&self, mode: LoadMode, progress: &Progress) -> Library {
        self.load_at(mode, progress, unix_now())
    }

    /// [`Self::load`], breaking news judged fresh or stale as of `now` (seconds since 1970).
    pub fn load_at(&self, mode: LoadMode, progress: &Progress, now: i64) -> Library {
        let (inputs, problems) = self.inputs();
        let judge = self.judge(now);
        super::load::load(
            &inputs,
            problems,
            mode,
            self.cache.as_deref(),
            progress,
            judge,
        )
    }

    fn judge(&self, now: i64) -> super::load::Judge<'_> {
        super::load::Judge {
            policy: &self.breaking,
            now,
        }
    }

    /// Reads every store for reading, with no one watching the count.
    pub fn open(&self) -> Library {
        self.load(LoadMode::Fast, &Progress::default())
    }

    /// Reads the stores again after a change, keeping what did not change from `previous`.
    pub fn reload(&self, previous: &Library, progress: &Progress) -> Reloaded {
        self.reload_at(previous, progress, unix_now())
    }

    /// [`Self::reload`], breaking news judged as of `now` (seconds since 1970). A story that
    /// went stale since `previous` is no arrival; one that a rule or a store flagged is.
    pub fn reload_at(&self, previous: &Library, progress: &Progress, now: i64) -> Reloaded {
        let (inputs, problems) = self.inputs();
        let library = super::load::reload(
            previous,
            &inputs,
            problems,
            self.cache.as_deref(),
            progress,
            self.judge(now),
        );
        let known: std::collections::HashSet<String> =
            errors(previous).map(ToString::to_string).collect();
        let problems = errors(&library)
            .map(ToString::to_string)
            .filter(|error| !known.contains(error))
            .collect();
        let arrivals = arrivals(previous, &library);
        Reloaded {
            library,
            problems,
            arrivals,
        }
    }
}

/// Now, in seconds since 1970, by the system clock: loads run off the key path, so reading
/// the clock there is theirs to do.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn errors(library: &Library) -> impl Iterator<Item = &Diagnostic> {
    library
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
}

/// Breaking articles of `new` that `old` did not have, newest first: one lookup each.
pub fn arrivals(old: &Library, new: &Library) -> Vec<ArticleIndex> {
    new.newest_first()
        .iter()
        .copied()
        .filter(|&i| {
            let headline = new.headline(i);
            headline.breaking
                && old
                    .find(&new.store(headline.store).name, headline.id)
                    .is_none()
        })
        .collect()
}
