//! Searching article text. Titles are in memory. Bodies kept on disk are found by reading each
//! store file in blocks, on every core, and looking for the words in the raw JSON of each
//! article's body, whose place in the article the index recorded: an ASCII word stands in the raw
//! JSON exactly as in the text (found ignoring ASCII case with aho-corasick, which scans with
//! SIMD and copies nothing), so most articles are answered without parsing anything. Only where
//! escapes could change the answer (a `\u` escape of an ASCII character, an escaped `/`, a match
//! right after a backslash) or the word is not ASCII is the body decoded to confirm.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};

use aho_corasick::AhoCorasick;
use memchr::memmem;

use super::library::{ArticleIndex, DiskArticles, Library};
use super::store::parse::{Format, body_only};
use super::store::place::{BodyAt, Span};

/// Bytes read per step: small enough to stay in the CPU's cache while it is scanned.
const BLOCK: usize = 128 << 10;

/// One query word, prepared for searching raw bytes without copying them.
struct Word {
    /// Lower-case.
    text: String,
    /// Finds the word ignoring ASCII case; a non-ASCII word is also looked for in its upper-case
    /// form, since ASCII case folding leaves `Ü` alone.
    finder: AhoCorasick,
    /// Printable ASCII other than `"` and `\`: the word's bytes in raw JSON are the word itself.
    plain: bool,
}

impl Word {
    fn new(text: &str) -> Option<Self> {
        let mut forms = vec![text.to_owned()];
        if !text.is_ascii() {
            forms.push(text.to_uppercase());
        }
        let finder = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&forms)
            .ok()?;
        Some(Self {
            text: text.to_owned(),
            finder,
            plain: text
                .bytes()
                .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\'),
        })
    }

    /// Whether a title (plain text, not JSON) holds the word, ignoring case.
    fn in_title(&self, title: &str) -> bool {
        // An ASCII word is in the lower-cased title exactly when it is in the title ignoring
        // ASCII case, unless the title has one of the two characters whose lower case is
        // (partly) ASCII: the Kelvin sign and the capital I with a dot.
        if self.text.is_ascii() && (title.is_ascii() || !title.contains(['\u{212a}', '\u{130}'])) {
            self.finder.is_match(title)
        } else {
            title.to_lowercase().contains(self.text.as_str())
        }
    }

    /// What the raw JSON string of a body says about the word: `Some(answer)` when the bytes
    /// settle it, `None` when only the decoded text can.
    fn in_raw_body(&self, raw: &[u8]) -> Option<bool> {
        if !self.plain {
            let may_be = self.finder.is_match(raw) || memmem::find(raw, b"\\u").is_some();
            return if may_be { None } else { Some(false) };
        }
        match self.finder.find(raw) {
            // Up to six bytes before a match could be an escape that ends inside it.
            Some(found) => {
                let before = &raw[found.start().saturating_sub(6)..found.start()];
                if memchr::memchr(b'\\', before).is_some() {
                    None
                } else {
                    Some(true)
                }
            }
            None if may_hide_ascii(raw, &self.text) => None,
            None => Some(false),
        }
    }
}

/// Whether a raw JSON string could spell ASCII text of `word` with escapes: a `\u00XX` escape
/// of a printable ASCII character (writers that escape all non-ASCII text write `\u00e9`, which
/// this leaves out) or an escaped `/`.
fn may_hide_ascii(raw: &[u8], word: &str) -> bool {
    memmem::find_iter(raw, b"\\u00").any(|at| {
        raw.get(at + 4)
            .is_some_and(|digit| (b'2'..=b'7').contains(digit))
    }) || (word.contains('/') && memmem::find(raw, b"\\/").is_some())
}

/// For each article, whether its title or body contains every word (words already lower-case).
pub fn matches(library: &Library, words: &[String]) -> Vec<bool> {
    let never = AtomicBool::new(false);
    matches_unless(library, words, &never, Threads::All).unwrap_or_default()
}

/// How many threads a search may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    /// Every core: nothing else is waiting (a one-shot command).
    All,
    /// All but one core, which stays free for the keys (a search behind the reader).
    Background,
}

impl Threads {
    fn count(self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let count = match self {
            Threads::All => cores,
            Threads::Background => cores.saturating_sub(1),
        };
        count.clamp(1, 8)
    }
}

/// Articles looked at between two checks of the cancel flag.
const CHECK_EVERY: usize = 512;

/// [`matches`], giving up (None) soon after `cancelled` is set: a new search or Esc stops the
/// running one within a few hundred articles.
pub fn matches_unless(
    library: &Library,
    words: &[String],
    cancelled: &AtomicBool,
    threads: Threads,
) -> Option<Vec<bool>> {
    let mut result = vec![false; library.len()];
    let Some(prepared) = words
        .iter()
        .map(|w| Word::new(w))
        .collect::<Option<Vec<Word>>>()
    else {
        return Some(result);
    };
    for (index, found) in result.iter_mut().enumerate() {
        if index % CHECK_EVERY == 0 && cancelled.load(Ordering::Relaxed) {
            return None;
        }
        if let Some(detail) = library.detail_in_memory(index) {
            let title = library.headline(index).title;
            let mut body: Option<String> = None;
            *found = prepared.iter().all(|word| {
                word.in_title(title)
                    || body
                        .get_or_insert_with(|| detail.body.to_lowercase())
                        .contains(word.text.as_str())
            });
        }
    }
    let threads = threads.count();
    for file in library.disk_files() {
        let per_thread = file.spans.len().div_ceil(threads).max(1);
        let found: Vec<Option<Vec<(ArticleIndex, bool)>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = file
                .spans
                .chunks(per_thread)
                .map(|spans| {
                    let (file, prepared) = (&file, &prepared);
                    scope.spawn(move || scan(library, file, spans, prepared, cancelled))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for part in found {
            for (index, matched) in part? {
                result[index] = matched;
            }
        }
    }
    (!cancelled.load(Ordering::Relaxed)).then_some(result)
}

/// Scans one run of articles (contiguous in the file). An article that cannot be read matches
/// on its title only. None when cancelled.
fn scan(
    library: &Library,
    file: &DiskArticles,
    spans: &[(ArticleIndex, Span, BodyAt)],
    words: &[Word],
    cancelled: &AtomicBool,
) -> Option<Vec<(ArticleIndex, bool)>> {
    let mut scanner = Scanner {
        library,
        format: file.format,
        reader: Blocks::open(file, spans).ok(),
        words,
        missing: Vec::with_capacity(words.len()),
    };
    let mut found = Vec::with_capacity(spans.len());
    for (n, &(index, span, body)) in spans.iter().enumerate() {
        if n % CHECK_EVERY == 0 && cancelled.load(Ordering::Relaxed) {
            return None;
        }
        found.push((index, scanner.matches(index, span, body)));
    }
    Some(found)
}

/// Answers for the articles of one run of a file, in file order.
struct Scanner<'a> {
    library: &'a Library,
    format: Format,
    reader: Option<Blocks>,
    words: &'a [Word],
    /// The words the title of the article at hand lacks.
    missing: Vec<&'a Word>,
}

impl Scanner<'_> {
    fn matches(&mut self, index: ArticleIndex, span: Span, body: BodyAt) -> bool {
        let title = self.library.headline(index).title;
        self.missing.clear();
        self.missing
            .extend(self.words.iter().filter(|w| !w.in_title(title)));
        if self.missing.is_empty() {
            return true;
        }
        let Some(raw) = self.reader.as_mut().and_then(|r| r.get(span)) else {
            return false;
        };
        let raw_body = match body {
            BodyAt::None => return false,
            BodyAt::Raw { start, len } => raw.get(start as usize..(start + len) as usize),
            BodyAt::Decode => None,
        };
        if let Some(raw_body) = raw_body {
            let mut unsure = false;
            for word in &self.missing {
                match word.in_raw_body(raw_body) {
                    Some(false) => return false,
                    Some(true) => {}
                    None => unsure = true,
                }
            }
            if !unsure {
                return true;
            }
        }
        let body = body_only(&String::from_utf8_lossy(raw), self.format)
            .unwrap_or_default()
            .to_lowercase();
        self.missing.iter().all(|w| body.contains(w.text.as_str()))
    }
}

/// Reads a file forward in blocks and hands out the bytes of each span in turn.
pub(crate) struct Blocks {
    file: File,
    /// `buffer[..filled]` holds the file from offset `base` on.
    buffer: Vec<u8>,
    filled: usize,
    base: u64,
    at_end: bool,
}

impl Blocks {
    pub(crate) fn open(
        file: &DiskArticles,
        spans: &[(ArticleIndex, Span, BodyAt)],
    ) -> std::io::Result<Self> {
        let mut handle = crate::files::open_regular(&file.path)?;
        let base = spans.first().map_or(0, |(_, span, _)| span.start);
        handle.seek(SeekFrom::Start(base))?;
        Ok(Self {
            file: handle,
            buffer: vec![0; BLOCK],
            filled: 0,
            base,
            at_end: false,
        })
    }

    /// The bytes of `span` (which must not start before the previous span did).
    pub(crate) fn get(&mut self, span: Span) -> Option<&[u8]> {
        let end = span.start + u64::from(span.len);
        while self.base + (self.filled as u64) < end && !self.at_end {
            // Keep only what this span needs, at the front; grow for a span longer than the
            // buffer. Bytes move once per block, not once per span.
            let used = usize::try_from(span.start.saturating_sub(self.base))
                .ok()?
                .min(self.filled);
            self.buffer.copy_within(used..self.filled, 0);
            self.filled -= used;
            self.base += used as u64;
            if self.filled == self.buffer.len() {
                self.buffer.resize(self.buffer.len() * 2, 0);
            }
            let read = self.file.read(&mut self.buffer[self.filled..]).ok()?;
            self.at_end = read == 0;
            self.filled += read;
        }
        let from = usize::try_from(span.start.checked_sub(self.base)?).ok()?;
        let to = usize::try_from(end - self.base).ok()?;
        self.buffer[..self.filled].get(from..to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::StoreSource;
    use crate::engine::{LoadMode, Progress, Stores};

    fn store(dir: &tempfile::TempDir, name: &str, text: &str) -> StoreSource {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        StoreSource::Path(path)
    }

    fn found(library: &Library, query: &str) -> Vec<String> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let matched = matches(library, &words);
        let mut ids: Vec<String> = (0..library.len())
            .filter(|&i| matched[i])
            .map(|i| library.headline(i).id.to_owned())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn bodies_on_disk_are_searched_like_bodies_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            r#"{"id": "a", "title": "Harbour news", "body": "The ferry to Zürich was late."}"#,
            r#"{"id": "b", "title": "Other", "body": "ZÜRICH in capitals, and a harbour."}"#,
            r#"{"id": "c", "title": "Escaped", "body": "Z\u00fcrich written with an escape."}"#,
            r#"{"id": "d", "title": "Only the url says harbour", "url": "https://example.org/zurich", "body": "Nothing."}"#,
            r#"{"id": "e", "title": "Hidden", "url": "https://example.org/harbour-zürich", "body": "No match here."}"#,
        ];
        let text = lines.join("\n") + "\n";
        let on_disk = Stores::new(vec![store(&dir, "news.jsonl", &text)]).open();
        assert!(
            on_disk.detail_in_memory(0).is_none(),
            "the fast path keeps bodies on disk"
        );
        let in_memory = Stores::new(vec![store(&dir, "copy.jsonl", &text)])
            .load(LoadMode::Thorough, &Progress::default());
        assert!(in_memory.detail_in_memory(0).is_some());
        for (query, expected) in [
            ("harbour", vec!["a", "b", "d"]),
            ("zürich", vec!["a", "b", "c"]),
            ("HARBOUR zürich", vec!["a", "b"]),
            ("ferry", vec!["a"]),
            ("url", vec!["d"]),
            ("nowhere", vec![]),
        ] {
            assert_eq!(found(&on_disk, query), expected, "on disk: {query}");
            assert_eq!(found(&in_memory, query), expected, "in memory: {query}");
        }
    }

    #[test]
    fn escapes_in_raw_json_neither_hide_nor_invent_matches() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            // `\n` followed by "ews": the raw bytes hold "news", the text does not.
            r#"{"id": "a", "title": "One", "body": "Line one\news at ten"}"#,
            // An escaped slash and an escaped ASCII letter still spell the words.
            r#"{"id": "b", "title": "Two", "body": "See https:\/\/example.org and \u0046erry times"}"#,
            // Escapes of non-ASCII text (as Python writes it) do not make ASCII words unsure.
            r#"{"id": "c", "title": "Three", "body": "Caf\u00e9 by the ferry"}"#,
            r#"{"id": "d", "title": "Four", "feed": "ferry", "body": "Nothing here"}"#,
            r#"{"id": "e", "title": "Five"}"#,
        ];
        let text = lines.join("\n") + "\n";
        let on_disk = Stores::new(vec![store(&dir, "escapes.jsonl", &text)]).open();
        assert!(on_disk.detail_in_memory(0).is_none());
        let in_memory = Stores::new(vec![store(&dir, "copy.jsonl", &text)])
            .load(LoadMode::Thorough, &Progress::default());
        for (query, expected) in [
            ("news", vec![]),
            ("ews", vec!["a"]),
            ("https://example.org", vec!["b"]),
            ("ferry", vec!["b", "c"]),
            ("café", vec!["c"]),
            ("five", vec!["e"]),
            ("five ferry", vec![]),
        ] {
            assert_eq!(found(&on_disk, query), expected, "on disk: {query}");
            assert_eq!(found(&in_memory, query), expected, "in memory: {query}");
        }
    }
}
