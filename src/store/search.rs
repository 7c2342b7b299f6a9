//! Searching article text. Titles are in memory. Bodies kept on disk are found by reading each
//! store file in large blocks and looking for the words in the raw JSON of each article: ASCII
//! letters are never escaped in JSON, so an ASCII word that is in the text is in the bytes (found
//! ignoring ASCII case with aho-corasick, which scans with SIMD and copies nothing), and
//! an article whose bytes lack it is rejected without parsing. Only the remaining candidates
//! have their body parsed, to confirm the word is in the body and not some other field. Words
//! with non-ASCII letters (which JSON may escape, and whose case ASCII folding cannot ignore)
//! are looked for in both cases, and any article with a `\u` escape is confirmed by parsing.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use aho_corasick::AhoCorasick;

use super::index::Span;
use super::library::{ArticleIndex, DiskArticles, Library};
use super::parse::{body_only, body_raw_range};

/// Bytes read per step.
const BLOCK: usize = 4 << 20;

/// One query word, prepared for searching raw bytes without copying them.
struct Word {
    text: String,
    /// Finds the word ignoring ASCII case; a non-ASCII word is also looked for in its upper-case
    /// form, since ASCII case folding leaves `Ü` alone.
    finder: AhoCorasick,
    ascii: bool,
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
            ascii: text.is_ascii(),
        })
    }

    fn is_in(&self, raw: &[u8]) -> bool {
        self.finder.is_match(raw)
    }

    /// False only when the word cannot be in the body of the article with these raw bytes.
    fn may_be_in(&self, raw: &[u8]) -> bool {
        self.is_in(raw) || (!self.ascii && memchr::memmem::find(raw, b"\\u").is_some())
    }
}

/// For each article, whether its title or body contains every word (words already lower-case).
pub(crate) fn matches(library: &Library, words: &[String]) -> Vec<bool> {
    let mut result = vec![false; library.len()];
    let titles: Vec<String> = library
        .headlines()
        .iter()
        .map(|h| h.title.to_lowercase())
        .collect();
    for (index, title) in titles.iter().enumerate() {
        if let Some(detail) = library.detail_in_memory(index) {
            result[index] = all_words_in(words, title, || detail.body.clone());
        }
    }
    let Some(prepared) = words
        .iter()
        .map(|w| Word::new(w))
        .collect::<Option<Vec<Word>>>()
    else {
        return result;
    };
    for file in library.disk_files() {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let per_thread = file.spans.len().div_ceil(threads).max(1);
        let found: Vec<(ArticleIndex, bool)> = std::thread::scope(|scope| {
            let handles: Vec<_> = file
                .spans
                .chunks(per_thread)
                .map(|spans| {
                    let (file, prepared, titles) = (&file, &prepared, &titles);
                    scope.spawn(move || scan(file, spans, prepared, titles))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for (index, matched) in found {
            result[index] = matched;
        }
    }
    result
}

/// True when every word is in the title or (lower-cased) in the body, which is computed only
/// if the title alone does not answer.
fn all_words_in(words: &[String], title: &str, body: impl FnOnce() -> String) -> bool {
    let mut lowered: Option<String> = None;
    let mut body = Some(body);
    words.iter().all(|word| {
        title.contains(word.as_str())
            || lowered
                .get_or_insert_with(|| body.take().map(|f| f().to_lowercase()).unwrap_or_default())
                .contains(word.as_str())
    })
}

/// Scans one run of articles (contiguous in the file). An article that cannot be read matches
/// on its title only.
fn scan(
    file: &DiskArticles,
    spans: &[(ArticleIndex, Span)],
    words: &[Word],
    titles: &[String],
) -> Vec<(ArticleIndex, bool)> {
    let mut reader = match Blocks::open(file, spans) {
        Ok(reader) => reader,
        Err(_) => {
            let plain: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
            return spans
                .iter()
                .map(|&(i, _)| (i, plain.iter().all(|w| titles[i].contains(w.as_str()))))
                .collect();
        }
    };
    spans
        .iter()
        .map(|&(index, span)| {
            let title = &titles[index];
            let Some(raw) = reader.get(span) else {
                return (index, words.iter().all(|w| title.contains(w.text.as_str())));
            };
            let missing: Vec<&Word> = words
                .iter()
                .filter(|w| !title.contains(w.text.as_str()))
                .collect();
            if missing.is_empty() {
                return (index, true);
            }
            if !missing.iter().all(|w| w.may_be_in(raw)) {
                return (index, false);
            }
            let text = String::from_utf8_lossy(raw);
            // ASCII words can be confirmed in the body's raw JSON in place (ASCII letters are
            // never escaped); others need the body decoded.
            if missing.iter().all(|w| w.ascii)
                && let Some(range) = body_raw_range(&text, file.format)
            {
                let body = range.and_then(|r| raw.get(r)).unwrap_or_default();
                return (index, missing.iter().all(|w| w.is_in(body)));
            }
            let body = body_only(&text, file.format)
                .unwrap_or_default()
                .to_lowercase();
            (
                index,
                missing.iter().all(|w| body.contains(w.text.as_str())),
            )
        })
        .collect()
}

/// Reads a file forward in large blocks and hands out the bytes of each span in turn.
struct Blocks {
    file: File,
    raw: Vec<u8>,
    /// File offset of `raw[0]`.
    base: u64,
    block: Vec<u8>,
    at_end: bool,
}

impl Blocks {
    fn open(file: &DiskArticles, spans: &[(ArticleIndex, Span)]) -> std::io::Result<Self> {
        let mut handle = File::open(&file.path)?;
        let base = spans.first().map_or(0, |(_, span)| span.start);
        handle.seek(SeekFrom::Start(base))?;
        Ok(Self {
            file: handle,
            raw: Vec::new(),
            base,
            block: vec![0; BLOCK],
            at_end: false,
        })
    }

    /// The bytes of `span` (which must not start before the previous span did).
    fn get(&mut self, span: Span) -> Option<&[u8]> {
        let end = span.start + u64::from(span.len);
        while self.base + (self.raw.len() as u64) < end && !self.at_end {
            // Forget what earlier spans used before reading on, so the buffer stays about one
            // block long; moving bytes only here keeps the cost per block, not per span.
            let used = usize::try_from(span.start.saturating_sub(self.base))
                .ok()?
                .min(self.raw.len());
            self.raw.drain(..used);
            self.base += used as u64;
            let read = self.file.read(&mut self.block).ok()?;
            self.at_end = read == 0;
            self.raw.extend_from_slice(&self.block[..read]);
        }
        let from = usize::try_from(span.start.checked_sub(self.base)?).ok()?;
        let to = usize::try_from(end - self.base).ok()?;
        self.raw.get(from..to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreSource;

    fn store(dir: &tempfile::TempDir, name: &str, text: &str) -> StoreSource {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        StoreSource::Path(path)
    }

    fn found(library: &Library, query: &str) -> Vec<String> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let matched = library.body_or_title_matches(&words);
        let mut ids: Vec<String> = (0..library.len())
            .filter(|&i| matched[i])
            .map(|i| library.headlines()[i].id.clone())
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
        let on_disk = Library::load(&[store(&dir, "news.jsonl", &text)]);
        assert!(
            on_disk.detail_in_memory(0).is_none(),
            "the fast path keeps bodies on disk"
        );
        let in_memory = Library::load_thorough(&[store(&dir, "copy.jsonl", &text)]);
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
}
