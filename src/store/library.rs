//! A library: every store the reader opened, their headlines and article details, and every
//! problem found on the way. One bad file or article never hides the good ones.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use super::diagnostic::{Diagnostic, Severity};
use super::model::{Article, ArticleDetail, Headline, ParsedArticle, StoreId, StoreInfo};
use super::parse::{ParsedFile, parse_file};
use super::source::{FileInput, StoreSource, read_source};

#[derive(Debug, Default)]
pub struct Library {
    stores: Vec<StoreInfo>,
    headlines: Vec<Headline>,
    /// Parallel to `headlines`.
    details: Vec<ArticleDetail>,
    diagnostics: Vec<Diagnostic>,
}

/// Index of an article in a library, stable for the library's lifetime.
pub type ArticleIndex = usize;

impl Library {
    /// Reads and parses every source. Files are parsed on all cores; the result does not depend
    /// on their timing.
    pub fn load(sources: &[StoreSource]) -> Self {
        Self::load_named(sources, &BTreeMap::new())
    }

    /// Like [`Self::load`], but every article read from a path in `names` (as the source names
    /// it) goes into the store of that name, whatever its file says (`[[store]] name` in the
    /// config file).
    pub fn load_named(sources: &[StoreSource], names: &BTreeMap<PathBuf, String>) -> Self {
        let mut inputs = Vec::new();
        let mut renames = Vec::new();
        let mut diagnostics = Vec::new();
        for source in sources {
            let (files, problems) = read_source(source);
            let rename = match source {
                StoreSource::Path(path) => names.get(path).cloned(),
                StoreSource::Embedded => None,
            };
            renames.extend(std::iter::repeat_n(rename, files.len()));
            inputs.extend(files);
            diagnostics.extend(problems);
        }
        let parsed = parse_all(&inputs);
        let mut library = Self {
            diagnostics,
            ..Self::default()
        };
        for ((input, file), rename) in inputs.iter().zip(parsed).zip(renames) {
            library.add_file(input, file, rename);
        }
        library
    }

    fn add_file(&mut self, input: &FileInput, file: ParsedFile, rename: Option<String>) {
        self.diagnostics.extend(file.diagnostics);
        if file.format.is_none() {
            return;
        }
        let name = rename
            .or(file.name)
            .unwrap_or_else(|| crate::text::sanitize_line(&input.fallback_name).into_owned());
        let store = self.store_named(&name, &input.display);
        let mut seen: HashSet<String> = self
            .headlines
            .iter()
            .filter(|h| h.store == store)
            .map(|h| h.id.clone())
            .collect();
        for article in file.articles {
            if !seen.insert(article.id.clone()) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        &input.display,
                        format!(
                            "duplicate id {:?} in store {:?}: kept the first, skipped {:?}",
                            article.id, name, article.title
                        ),
                    )
                    .at_line(article.line),
                );
                continue;
            }
            self.push(store, article);
        }
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

    fn push(&mut self, store: StoreId, article: ParsedArticle) {
        self.headlines.push(Headline {
            store,
            id: article.id,
            title: article.title,
            published: article.published,
            breaking: article.breaking,
            source: article.source,
        });
        self.details.push(article.detail);
    }

    pub fn stores(&self) -> &[StoreInfo] {
        &self.stores
    }

    pub fn store(&self, id: StoreId) -> &StoreInfo {
        &self.stores[id.index()]
    }

    pub fn headlines(&self) -> &[Headline] {
        &self.headlines
    }

    pub fn len(&self) -> usize {
        self.headlines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.headlines.is_empty()
    }

    pub fn article(&self, index: ArticleIndex) -> Article<'_> {
        let headline = &self.headlines[index];
        Article {
            headline,
            detail: std::borrow::Cow::Borrowed(&self.details[index]),
            store: self.store(headline.store),
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
        let mut order: Vec<ArticleIndex> = (0..self.headlines.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.headlines[i].published.map(|d| d.instant)));
        order
    }

    /// Articles with this id, in any store (ids are unique only within a store).
    pub fn find_id(&self, id: &str) -> Vec<ArticleIndex> {
        (0..self.headlines.len())
            .filter(|&i| self.headlines[i].id == id)
            .collect()
    }

    /// Looks an article up by store name and id, the key under which reader state is kept.
    pub fn find(&self, store: &str, id: &str) -> Option<ArticleIndex> {
        self.headlines
            .iter()
            .position(|h| h.id == id && self.stores[h.store.index()].name == store)
    }

    /// How many articles each store holds, in store order.
    pub fn counts_by_store(&self) -> Vec<usize> {
        let mut counts: HashMap<StoreId, usize> = HashMap::new();
        for headline in &self.headlines {
            *counts.entry(headline.store).or_default() += 1;
        }
        (0..self.stores.len())
            .map(|i| {
                counts
                    .get(&StoreId(u32::try_from(i).unwrap_or(u32::MAX)))
                    .copied()
                    .unwrap_or(0)
            })
            .collect()
    }
}

/// Parses files on up to as many threads as the machine has cores, keeping input order.
fn parse_all(inputs: &[FileInput]) -> Vec<ParsedFile> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(inputs.len().max(1));
    if threads <= 1 {
        return inputs.iter().map(parse_input).collect();
    }
    let chunk = inputs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|files| scope.spawn(move || files.iter().map(parse_input).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(parsed) => parsed,
                // Parsing does not panic; if it ever did, re-raise rather than lose files silently.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

fn parse_input(input: &FileInput) -> ParsedFile {
    parse_file(&input.display, &input.bytes, input.kind)
}
