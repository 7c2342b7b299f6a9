//! A library: every store the reader opened, their headlines, where each article's full text
//! is, and every problem found on the way. One bad file or article never hides the good ones.
//!
//! Headlines are always in memory. An article's detail (body, links...) is in memory for small
//! or unusual files (parsed whole), and otherwise stays in its store file, read back when the
//! article is opened or searched; so a store of a million articles costs its headlines only.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use super::store::Progress;
use super::store::diagnostic::{Diagnostic, Severity};
use super::store::index::{Fingerprint, IndexedFile, NotIndexed, index_file};
use super::store::model::{Article, ArticleDetail, Headline, ParsedArticle, StoreId, StoreInfo};
use super::store::parse::{Format, ParsedFile, article_only, parse_file};
use super::store::place::{BodyAt, Place, Span};
use super::store::source::{Content, FileInput, StoreSource, read_source};
use super::store::table::HeadlineTable;

/// How thoroughly to read stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadMode {
    /// Index files in bounded memory and keep bodies on disk; problems with fields an index does
    /// not read (a mistyped `url`) are found when the article is opened. For reading.
    Fast,
    /// Parse every field of every article and report every problem. For `herald check`.
    Thorough,
}

/// `Place::file` of an article whose detail is in memory; its `start` is then the detail's
/// index in `Library::in_memory`.
const IN_MEMORY: u32 = u32::MAX;

/// A store file whose articles' details are read on demand.
#[derive(Debug)]
struct DiskFile {
    path: PathBuf,
    display: String,
    format: Format,
    fingerprint: Fingerprint,
}

#[derive(Debug, Default)]
pub struct Library {
    stores: Vec<StoreInfo>,
    headlines: HeadlineTable,
    /// Parallel to `headlines`: where each article's detail is.
    places: Vec<Place>,
    /// Details of articles parsed whole (small or unusual files).
    in_memory: Vec<ArticleDetail>,
    files: Vec<DiskFile>,
    diagnostics: Vec<Diagnostic>,
    /// Every article once, in runs that are each newest first when a file's index knew its
    /// order: sorting this is a merge of the runs.
    presorted: Vec<ArticleIndex>,
}

/// Ids already in each store while a library loads, for finding duplicates across a store's
/// files. A store's set is built only when its second file comes, so a store of one file (the
/// usual big one) never hashes its ids, and a folder of many files builds it once.
#[derive(Default)]
struct SeenIds {
    /// Stores that already have a file.
    filled: HashSet<StoreId>,
    sets: std::collections::HashMap<StoreId, HashSet<String>>,
}

/// Index of an article in a library, stable for the library's lifetime.
pub type ArticleIndex = usize;

/// What loading one file produced.
enum Loaded {
    Parsed(ParsedFile),
    Indexed(IndexedFile, PathBuf, Fingerprint),
    Failed(Diagnostic),
}

impl Library {
    /// Reads every source for reading: fast, bodies on disk.
    pub fn load(sources: &[StoreSource]) -> Self {
        Self::load_with(sources, LoadMode::Fast)
    }

    /// Like [`Self::load`], but every article read from a path in `names` (as the source names
    /// it) goes into the store of that name, whatever its file says (`[[store]] name` in the
    /// config file).
    pub fn load_named(sources: &[StoreSource], names: &BTreeMap<PathBuf, String>) -> Self {
        Self::load_full(
            sources,
            LoadMode::Fast,
            crate::paths::cache_dir().as_deref(),
            names,
        )
    }

    /// Reads every source and checks every field of every article.
    pub fn load_thorough(sources: &[StoreSource]) -> Self {
        Self::load_with(sources, LoadMode::Thorough)
    }

    /// Reads every source, using the index cache in Herald's cache directory.
    pub fn load_with(sources: &[StoreSource], mode: LoadMode) -> Self {
        Self::load_cached(sources, mode, crate::paths::cache_dir().as_deref())
    }

    /// Reads every source; with a cache directory, big store files are indexed once and their
    /// index reused while the file stays the same.
    pub fn load_cached(
        sources: &[StoreSource],
        mode: LoadMode,
        cache: Option<&std::path::Path>,
    ) -> Self {
        Self::load_full(sources, mode, cache, &BTreeMap::new())
    }

    /// Everything `load` can be asked: how thoroughly, which cache, which store names to force.
    pub fn load_full(
        sources: &[StoreSource],
        mode: LoadMode,
        cache: Option<&std::path::Path>,
        names: &BTreeMap<PathBuf, String>,
    ) -> Self {
        Self::load_counted(sources, mode, cache, names, &Progress::default())
    }

    /// [`Self::load_full`], counting the articles read in `progress` as it goes, so another
    /// thread can say how far a long load is.
    pub fn load_counted(
        sources: &[StoreSource],
        mode: LoadMode,
        cache: Option<&std::path::Path>,
        names: &BTreeMap<PathBuf, String>,
        progress: &Progress,
    ) -> Self {
        let mut inputs = Vec::new();
        let mut diagnostics = Vec::new();
        for source in sources {
            let (mut files, problems) = read_source(source);
            if let StoreSource::Path(path) = source
                && let Some(name) = names.get(path)
            {
                for file in &mut files {
                    file.store_name = Some(name.clone());
                }
            }
            inputs.extend(files);
            diagnostics.extend(problems);
        }
        let loaded = load_all(&inputs, mode, cache, progress);
        let mut library = Self {
            diagnostics,
            ..Self::default()
        };
        let mut seen = SeenIds::default();
        for (input, file) in inputs.iter().zip(loaded) {
            match file {
                Loaded::Parsed(parsed) => library.add_parsed(input, parsed, &mut seen),
                Loaded::Indexed(indexed, path, fingerprint) => {
                    library.add_indexed(input, indexed, path, fingerprint, &mut seen)
                }
                Loaded::Failed(diagnostic) => library.diagnostics.push(diagnostic),
            }
        }
        library
    }

    fn add_parsed(&mut self, input: &FileInput, file: ParsedFile, seen: &mut SeenIds) {
        self.diagnostics.extend(file.diagnostics);
        if file.format.is_none() {
            return;
        }
        let store = self.store_for(input, file.name);
        seen.filled.insert(store);
        let seen = seen.sets.entry(store).or_insert_with(|| self.ids_in(store));
        for ParsedArticle {
            line,
            id,
            title,
            published,
            breaking,
            source,
            detail,
        } in file.articles
        {
            let headline = Headline {
                store,
                id: &id,
                title: &title,
                published,
                breaking,
                source: source.as_deref(),
            };
            if self.is_new(seen, headline, input, line) {
                if self.headlines.push(headline).is_err() {
                    self.too_big(input);
                    return;
                }
                self.presorted.push(self.places.len());
                let mut place = Place::new(
                    Span {
                        start: self.in_memory.len() as u64,
                        len: 0,
                    },
                    BodyAt::Decode,
                );
                place.file = IN_MEMORY;
                self.places.push(place);
                self.in_memory.push(detail);
            }
        }
    }

    fn too_big(&mut self, input: &FileInput) {
        self.diagnostics.push(Diagnostic::error(
            &input.display,
            "not opened: the library already holds 4 GiB of headlines, as much as Herald can",
        ));
    }

    fn add_indexed(
        &mut self,
        input: &FileInput,
        file: IndexedFile,
        path: PathBuf,
        fingerprint: Fingerprint,
        seen: &mut SeenIds,
    ) {
        let store = self.store_for(input, file.name);
        let file_number = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(DiskFile {
            path,
            display: input.display.clone(),
            format: file.format,
            fingerprint,
        });
        let IndexedFile {
            mut headlines,
            mut places,
            lines,
            newest_first,
            ..
        } = file;
        headlines.set_store(store);
        for place in &mut places {
            place.file = file_number;
        }
        let base = self.places.len();
        // An index holds no duplicate ids (the fast path gives up on them), so a store seen for
        // the first time needs no per-article check: that saves a hash and a copy of every id,
        // and the index's buffers can be taken over whole.
        if seen.filled.insert(store) {
            if self.headlines.append(headlines, |_| true).is_err() {
                return self.too_big(input);
            }
            self.presorted.extend(
                newest_first
                    .iter()
                    .map(|&position| base + position as usize),
            );
            if self.places.is_empty() {
                self.places = places;
            } else {
                self.places.extend(places);
            }
            return;
        }
        // Later files of a store are checked against the ids it already has; the set is built
        // once, when the second file comes, and kept for the files after it.
        let seen = seen.sets.entry(store).or_insert_with(|| self.ids_in(store));
        let keep: Vec<bool> = (0..places.len())
            .map(|i| {
                let line = lines.get(i).map_or(0, |&line| line as usize);
                self.is_new(seen, headlines.get(i), input, line)
            })
            .collect();
        if self.headlines.append(headlines, |i| keep[i]).is_err() {
            return self.too_big(input);
        }
        // Where each kept article lands in the library.
        let mut landing = Vec::with_capacity(keep.len());
        let mut next = base;
        for &kept in &keep {
            landing.push(next);
            next += usize::from(kept);
        }
        self.presorted.extend(
            newest_first
                .iter()
                .map(|&position| position as usize)
                .filter(|&position| keep[position])
                .map(|position| landing[position]),
        );
        self.places.extend(
            places
                .iter()
                .zip(&keep)
                .filter(|(_, kept)| **kept)
                .map(|(place, _)| *place),
        );
    }

    fn store_for(&mut self, input: &FileInput, name: Option<String>) -> StoreId {
        let name = input
            .store_name
            .clone()
            .or(name)
            .unwrap_or_else(|| crate::text::sanitize_line(&input.fallback_name).into_owned());
        self.store_named(&name, &input.display)
    }

    /// Ids already in `store` (from earlier files of the same store).
    fn ids_in(&self, store: StoreId) -> HashSet<String> {
        self.headlines
            .iter()
            .filter(|h| h.store == store)
            .map(|h| h.id.to_owned())
            .collect()
    }

    /// Records the id; a duplicate is reported and must be skipped.
    fn is_new(
        &mut self,
        seen: &mut HashSet<String>,
        headline: Headline<'_>,
        input: &FileInput,
        line: usize,
    ) -> bool {
        if seen.insert(headline.id.to_owned()) {
            return true;
        }
        let mut warning = Diagnostic::warning(
            &input.display,
            format!(
                "duplicate id {:?} in store {:?}: kept the first, skipped {:?}",
                headline.id,
                self.store(headline.store).name,
                headline.title
            ),
        );
        if line > 0 {
            warning = warning.at_line(line);
        }
        self.diagnostics.push(warning);
        false
    }

    fn store_named(&mut self, name: &str, origin: &str) -> StoreId {
        let position = self
            .stores
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| {
                self.stores.push(StoreInfo {
                    name: name.to_owned(),
                    origins: Vec::new(),
                });
                self.stores.len() - 1
            });
        self.stores[position].origins.push(origin.to_owned());
        StoreId(u32::try_from(position).unwrap_or(u32::MAX))
    }

    pub fn stores(&self) -> &[StoreInfo] {
        &self.stores
    }

    pub fn store(&self, id: StoreId) -> &StoreInfo {
        &self.stores[id.index()]
    }

    /// Every headline, in library order.
    pub fn headlines(&self) -> impl ExactSizeIterator<Item = Headline<'_>> + '_ {
        self.headlines.iter()
    }

    pub fn headline(&self, index: ArticleIndex) -> Headline<'_> {
        self.headlines.get(index)
    }

    pub fn len(&self) -> usize {
        self.headlines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.headlines.is_empty()
    }

    /// The whole article. Its detail may be read from the store file; if that file changed or
    /// vanished since it was loaded, the detail says so instead of showing something else.
    pub fn article(&self, index: ArticleIndex) -> Article<'_> {
        let headline = self.headlines.get(index);
        let detail = match self.detail_in_memory(index) {
            Some(detail) => Cow::Borrowed(detail),
            None => {
                let place = &self.places[index];
                Cow::Owned(self.read_detail(place.file, place.span(), headline.id))
            }
        };
        Article {
            headline,
            detail,
            store: self.store(headline.store),
        }
    }

    fn read_detail(&self, file: u32, span: Span, id: &str) -> ArticleDetail {
        let file = &self.files[file as usize];
        match read_span(file, span).and_then(|json| {
            article_only(&json, file.format)
                .filter(|article| article.id == id)
                .ok_or_else(|| {
                    std::io::Error::other(
                        "the file changed since Herald loaded it; reload to see it as it is now",
                    )
                })
        }) {
            Ok(article) => article.detail,
            Err(error) => ArticleDetail {
                body: format!(
                    "Herald could not read this article from {}: {error}.",
                    file.display
                ),
                ..ArticleDetail::default()
            },
        }
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
    pub fn newest_first(&self) -> Vec<ArticleIndex> {
        // The index breaks ties, so equal dates keep store order. The sort is the stable one
        // because it finds runs already in order (each indexed file's, as its index sorted it)
        // and merges them instead of sorting them again.
        let rows = self.headlines.rows();
        let mut keyed: Vec<(std::cmp::Reverse<Option<i64>>, ArticleIndex)> = self
            .presorted
            .iter()
            .map(|&i| (std::cmp::Reverse(rows[i].published().map(|d| d.instant)), i))
            .collect();
        keyed.sort();
        keyed.into_iter().map(|(_, i)| i).collect()
    }

    /// Articles with this id, in any store (ids are unique only within a store).
    pub fn find_id(&self, id: &str) -> Vec<ArticleIndex> {
        (0..self.headlines.len())
            .filter(|&i| self.headlines.id(i) == id)
            .collect()
    }

    /// Looks an article up by store name and id, the key under which reader state is kept.
    pub fn find(&self, store: &str, id: &str) -> Option<ArticleIndex> {
        let store = self.stores.iter().position(|s| s.name == store)?;
        (0..self.headlines.len()).find(|&i| {
            self.headlines.id(i) == id && self.headlines.rows()[i].store.index() == store
        })
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

/// Reads one article's JSON from its file, checking first that the file is the one indexed.
fn read_span(file: &DiskFile, span: Span) -> std::io::Result<String> {
    if Fingerprint::of(&file.path)? != file.fingerprint {
        return Err(std::io::Error::other(
            "the file changed since Herald loaded it; reload to see it as it is now",
        ));
    }
    let mut handle = std::fs::File::open(&file.path)?;
    handle.seek(SeekFrom::Start(span.start))?;
    let mut bytes = vec![0; span.len as usize];
    handle.read_exact(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Loads files on up to as many threads as the machine has cores, keeping input order.
fn load_all(
    inputs: &[FileInput],
    mode: LoadMode,
    cache: Option<&std::path::Path>,
    progress: &Progress,
) -> Vec<Loaded> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(inputs.len().max(1));
    if threads <= 1 {
        return inputs
            .iter()
            .map(|input| load_one(input, mode, cache, progress))
            .collect();
    }
    let chunk = inputs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|files| {
                scope.spawn(move || {
                    files
                        .iter()
                        .map(|input| load_one(input, mode, cache, progress))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(loaded) => loaded,
                // Loading does not panic; if it ever did, re-raise rather than lose files silently.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

fn load_one(
    input: &FileInput,
    mode: LoadMode,
    cache: Option<&std::path::Path>,
    progress: &Progress,
) -> Loaded {
    if let (Content::Disk(path), LoadMode::Fast) = (&input.content, mode) {
        let fingerprint = Fingerprint::of(path);
        let cache = cache.filter(|_| {
            fingerprint
                .as_ref()
                .is_ok_and(|f| f.len >= super::store::cache::MIN_FILE_SIZE)
        });
        if let (Some(dir), Ok(fingerprint)) = (cache, &fingerprint)
            && let Some(indexed) = super::store::cache::load(dir, path, *fingerprint)
        {
            progress.add(indexed.places.len());
            return Loaded::Indexed(indexed, path.clone(), *fingerprint);
        }
        match index_file(path, input.kind, progress) {
            Ok((indexed, fingerprint)) => {
                if let Some(dir) = cache {
                    super::store::cache::save(dir, path, fingerprint, &indexed);
                }
                return Loaded::Indexed(indexed, path.clone(), fingerprint);
            }
            Err(NotIndexed::Io(error)) => return Loaded::Failed(input.read_error(&error)),
            Err(NotIndexed::Fallback) => {}
        }
    }
    match input.read_all() {
        Ok(bytes) => {
            let parsed = parse_file(&input.display, &bytes, input.kind);
            progress.add(parsed.articles.len());
            Loaded::Parsed(parsed)
        }
        Err(diagnostic) => Loaded::Failed(diagnostic),
    }
}
