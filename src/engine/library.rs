//! A library: every store the reader opened, their headlines, where each article's full text
//! is, every problem found on the way, the articles newest first, and an index from
//! (store, id) to article. Plain data: building one is [`super::load`]'s job, reading an
//! article's text back is [`super::article::read`]'s, and nothing here touches a file.
//!
//! Headlines are always in memory. An article's detail (body, links...) is in memory for small
//! or unusual files (parsed whole), and otherwise stays in its store file, read back when the
//! article is opened or searched; so a store of a million articles costs its headlines only.

use std::hash::BuildHasher;
use std::ops::Range;
use std::path::PathBuf;

use hashbrown::{DefaultHashBuilder, HashTable};

use super::store::diagnostic::{Diagnostic, Severity};
use super::store::index::Fingerprint;
use super::store::model::{ArticleDetail, Headline, StoreId, StoreInfo};
use super::store::parse::Format;
use super::store::place::{BodyAt, Place, Span};
use super::store::table::HeadlineTable;
use crate::text::Published;

/// How thoroughly to read stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadMode {
    /// Index files in bounded memory and keep bodies on disk; problems with fields an index does
    /// not read (a mistyped `url`) are found when the article is opened. For reading.
    Fast,
    /// Parse every field of every article and report every problem, keeping every article
    /// whole in memory.
    Thorough,
    /// Like `Thorough`, but the long texts are checked, not kept: `herald check`, which wants
    /// the problems and the counts, not the articles.
    Check,
}

/// `Place::file` of an article whose detail is in memory; its `start` is then the detail's
/// index in `Library::in_memory`.
pub(crate) const IN_MEMORY: u32 = u32::MAX;

/// Index of an article in a library, stable for the library's lifetime.
pub type ArticleIndex = usize;

/// A store file whose articles' details are read on demand.
#[derive(Clone, Debug)]
pub(crate) struct DiskFile {
    pub path: PathBuf,
    /// How messages name the file.
    pub display: String,
    pub format: Format,
    /// The version of the file the library's places describe.
    pub fingerprint: Fingerprint,
}

/// How a load came by a file's articles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Read (indexed or parsed) whole.
    Whole,
    /// Unchanged since the last load: taken over without reading it.
    Kept,
    /// A JSON Lines file that only grew: its old articles taken over, these new ones read.
    Grown { new: usize },
    /// It could not be read again: its last good articles were kept.
    KeptDespite,
    /// It gave no articles (it could not be read).
    Failed,
}

/// What one input file gave the library, so a reload can keep what did not change.
#[derive(Clone, Debug)]
pub(crate) struct FileRecord {
    /// How this load came by its articles.
    pub reading: Reading,
    /// How the file is named in messages; with `path`, what a reload matches it by.
    pub display: String,
    pub path: Option<PathBuf>,
    /// The version of the file that was read (None: it could not be read).
    pub fingerprint: Option<Fingerprint>,
    pub store: Option<StoreId>,
    /// The articles it holds in the library (a contiguous run).
    pub rows: Range<usize>,
    /// The problems of the contents it holds, in `Library::diagnostics`.
    pub diagnostics: Range<usize>,
    /// Why reading it again failed, when its last good contents are kept (after
    /// `diagnostics`).
    pub failure: Range<usize>,
    /// Its articles newest first, as positions in `rows`.
    pub newest_first: Vec<u32>,
    /// Whether reading it gave no contents worth keeping (an error, not just warnings).
    pub failed: bool,
}

/// Finds an article by store and id without a copy of any id: the table holds article
/// indices, hashed by (store, id) and compared against the headline table.
#[derive(Clone, Default)]
pub(crate) struct IdIndex {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdIndex({} ids)", self.table.len())
    }
}

impl IdIndex {
    fn hash(&self, store: StoreId, id: &str) -> u64 {
        self.hasher.hash_one((store.0, id))
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            table: HashTable::with_capacity(capacity),
            hasher: DefaultHashBuilder::default(),
        }
    }

    pub fn find(&self, headlines: &HeadlineTable, store: StoreId, id: &str) -> Option<usize> {
        let rows = headlines.rows();
        self.table
            .find(self.hash(store, id), |&i| {
                let i = i as usize;
                rows[i].store == store && headlines.id(i) == id
            })
            .map(|&i| i as usize)
    }

    /// Records article `index` of `headlines`; false (and nothing recorded) when its store
    /// already has an article with its id.
    pub fn insert(&mut self, headlines: &HeadlineTable, index: usize) -> bool {
        let headline = headlines.get(index);
        let hash = self.hash(headline.store, headline.id);
        let rows = headlines.rows();
        let hasher = &self.hasher;
        let entry = self.table.entry(
            hash,
            |&i| {
                let i = i as usize;
                rows[i].store == headline.store && headlines.id(i) == headline.id
            },
            |&i| {
                let i = i as usize;
                hasher.hash_one((rows[i].store.0, headlines.id(i)))
            },
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(vacant) => {
                vacant.insert(u32::try_from(index).unwrap_or(u32::MAX));
                true
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Library {
    pub(crate) stores: Vec<StoreInfo>,
    pub(crate) headlines: HeadlineTable,
    /// Parallel to `headlines`: where each article's detail is.
    pub(crate) places: Vec<Place>,
    /// Details of articles parsed whole (small or unusual files).
    pub(crate) in_memory: Vec<ArticleDetail>,
    pub(crate) files: Vec<DiskFile>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// What each input file gave, in load order.
    pub(crate) records: Vec<FileRecord>,
    /// Every article, newest first; undated last, each group in store order.
    pub(crate) order: Vec<ArticleIndex>,
    /// `rank[index]` is the position of article `index` in `order`.
    pub(crate) rank: Vec<u32>,
    pub(crate) ids: IdIndex,
    /// How long a breaking flag holds, and when this library was judged.
    pub(crate) freshness: Freshness,
    /// When the next breaking article goes stale (seconds since 1970), if any will.
    pub(crate) stale_at: Option<i64>,
    /// The breaking articles (flagged and fresh), newest first: the banner's candidates,
    /// worked out once per load so a keypress never walks the whole library.
    pub(crate) breaking: Vec<ArticleIndex>,
}

/// How long breaking news stays breaking, and the time a library was judged at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Freshness {
    /// None: a flag never goes stale.
    pub fresh_for: Option<std::time::Duration>,
    /// Seconds since 1970.
    pub judged_at: i64,
}

impl Freshness {
    /// When a story published at `published` stops being breaking; None: never (no expiry,
    /// or undated, whose age is unknown).
    fn stale_at(self, published: Option<Published>) -> Option<i64> {
        let fresh_for = i64::try_from(self.fresh_for?.as_secs()).unwrap_or(i64::MAX);
        Some(published?.instant.saturating_add(fresh_for))
    }

    fn is_fresh(self, published: Option<Published>) -> bool {
        self.stale_at(published)
            .is_none_or(|stale| stale > self.judged_at)
    }
}

impl Library {
    /// Judges every breaking flag as of `freshness`, and notes when the next one goes stale.
    pub(crate) fn set_freshness(&mut self, freshness: Freshness) {
        self.freshness = freshness;
        self.stale_at = self
            .headlines
            .rows()
            .iter()
            .filter(|row| row.breaking)
            .filter_map(|row| freshness.stale_at(row.published()))
            .filter(|&stale| stale > freshness.judged_at)
            .min();
        let rows = self.headlines.rows();
        self.breaking = self
            .order
            .iter()
            .copied()
            .filter(|&index| {
                rows.get(index)
                    .is_some_and(|row| row.breaking && freshness.is_fresh(row.published()))
            })
            .collect();
    }

    /// The breaking articles, flagged and fresh, newest first.
    pub fn breaking_now(&self) -> &[ArticleIndex] {
        &self.breaking
    }

    /// When the next breaking story stops being breaking (seconds since 1970), if one will.
    pub fn stale_at(&self) -> Option<i64> {
        self.stale_at
    }

    fn judged<'a>(&self, mut headline: Headline<'a>) -> Headline<'a> {
        headline.breaking = headline.breaking && self.freshness.is_fresh(headline.published);
        headline
    }

    pub fn stores(&self) -> &[StoreInfo] {
        &self.stores
    }

    pub fn store(&self, id: StoreId) -> &StoreInfo {
        &self.stores[id.index()]
    }

    /// The store of this name.
    pub fn store_id(&self, name: &str) -> Option<StoreId> {
        let position = self.stores.iter().position(|s| s.name == name)?;
        u32::try_from(position).ok().map(StoreId)
    }

    /// Every headline, in library order.
    pub fn headlines(&self) -> impl ExactSizeIterator<Item = Headline<'_>> + '_ {
        self.headlines
            .iter()
            .map(move |headline| self.judged(headline))
    }

    /// Article `index`'s headline; `breaking` only while the story is fresh.
    pub fn headline(&self, index: ArticleIndex) -> Headline<'_> {
        self.judged(self.headlines.get(index))
    }

    pub fn len(&self) -> usize {
        self.headlines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.headlines.is_empty()
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// True when anything went wrong at all (warnings included): what `herald check` reports.
    pub fn has_problems(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    /// True when a whole file or store could not be read.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Every article, newest first; undated articles last, each group in store order.
    pub fn newest_first(&self) -> &[ArticleIndex] {
        &self.order
    }

    /// Where article `index` comes in [`Self::newest_first`].
    pub fn rank(&self, index: ArticleIndex) -> usize {
        self.rank.get(index).map_or(usize::MAX, |&r| r as usize)
    }

    /// Articles with this id, in any store (ids are unique only within a store).
    pub fn find_id(&self, id: &str) -> Vec<ArticleIndex> {
        (0..self.stores.len())
            .filter_map(|store| {
                let store = StoreId(u32::try_from(store).ok()?);
                self.ids.find(&self.headlines, store, id)
            })
            .collect()
    }

    /// Looks an article up by store name and id, the key under which reader state is kept.
    pub fn find(&self, store: &str, id: &str) -> Option<ArticleIndex> {
        self.ids.find(&self.headlines, self.store_id(store)?, id)
    }

    /// How each file was read by the load that made this library, by the name messages use.
    pub fn readings(&self) -> impl Iterator<Item = (&str, Reading)> + '_ {
        self.records.iter().map(|r| (r.display.as_str(), r.reading))
    }

    /// How many articles each store holds, in store order.
    pub fn counts_by_store(&self) -> Vec<usize> {
        let mut counts = vec![0; self.stores.len()];
        for row in self.headlines.rows() {
            if let Some(count) = counts.get_mut(row.store.index()) {
                *count += 1;
            }
        }
        counts
    }

    /// Where article `index` is.
    pub(crate) fn place(&self, index: ArticleIndex) -> &Place {
        &self.places[index]
    }

    /// Store file `file` (a [`Place::file`]), when the article's detail is on disk.
    pub(crate) fn disk_file(&self, file: u32) -> Option<&DiskFile> {
        self.files.get(file as usize)
    }

    pub(crate) fn detail_in_memory(&self, index: ArticleIndex) -> Option<&ArticleDetail> {
        let place = &self.places[index];
        (place.file == IN_MEMORY)
            .then(|| self.in_memory.get(place.start as usize))
            .flatten()
    }

    /// For each store file read on demand, its articles with their spans, in file order.
    pub(crate) fn disk_files(&self) -> Vec<DiskArticles> {
        let mut per_file: Vec<Vec<(ArticleIndex, Span, BodyAt)>> =
            vec![Vec::new(); self.files.len()];
        for (index, place) in self.places.iter().enumerate() {
            if let Some(articles) = per_file.get_mut(place.file as usize) {
                articles.push((index, place.span(), place.body()));
            }
        }
        self.files
            .iter()
            .zip(per_file)
            .map(|(file, mut spans)| {
                spans.sort_by_key(|(_, span, _)| span.start);
                DiskArticles {
                    path: file.path.clone(),
                    format: file.format,
                    spans,
                }
            })
            .collect()
    }
}

/// The articles of one store file whose details stay on disk.
pub(crate) struct DiskArticles {
    pub path: PathBuf,
    pub format: Format,
    /// In file order, with where each body is in its span.
    pub spans: Vec<(ArticleIndex, Span, BodyAt)>,
}
