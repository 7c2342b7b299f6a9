//! Finding the articles that share a section, an author or a tag with one article. Those
//! fields are not headline fields: a big store keeps them on disk with the body, so this reads
//! them where they are, like a search, off the input thread (see `runtime`). Each store file
//! is read once, in file order; an article whose raw JSON cannot hold the wanted text is
//! skipped without being parsed.

use std::io::{BufReader, Read};

use aho_corasick::AhoCorasick;
use memchr::memmem;

use super::library::{ArticleIndex, Library};
use super::store::ArticleDetail;
use super::store::parse::article_only;

/// Which field of an article a scope compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Section,
    Author,
    /// Any of the article's tags.
    Tag,
}

impl Field {
    /// The word for it: `author`, `section`, `tag`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Section => "section",
            Field::Author => "author",
            Field::Tag => "tag",
        }
    }

    /// What `detail` has in this field (a section and an author are one value; tags, any
    /// number), blank ones left out.
    pub fn values(self, detail: &ArticleDetail) -> Vec<String> {
        let values: Vec<String> = match self {
            Field::Section => detail.section.iter().cloned().collect(),
            Field::Author => detail.author.iter().cloned().collect(),
            Field::Tag => detail.tags.clone(),
        };
        let mut kept: Vec<String> = Vec::new();
        for value in values {
            let value = value.trim().to_owned();
            if !value.is_empty() && !kept.iter().any(|k| same(k, &value)) {
                kept.push(value);
            }
        }
        kept
    }
}

/// Two values are the same ignoring case and surrounding space (`Asia` and `asia`).
fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Whether `detail` has one of `values` (lower-cased) in `field`.
fn has(field: Field, detail: &ArticleDetail, values: &[String]) -> bool {
    let one = |v: &str| {
        let v = v.trim().to_lowercase();
        values.contains(&v)
    };
    match field {
        Field::Section => detail.section.as_deref().is_some_and(one),
        Field::Author => detail.author.as_deref().is_some_and(one),
        Field::Tag => detail.tags.iter().any(|t| one(t)),
    }
}

/// The text an article's raw JSON must hold to have one of the values: every value is plain
/// ASCII (no quote, no backslash) and escapes cannot spell it, or None (then every article is
/// parsed). A JSON writer may escape any character as `\u00XX`, so a raw span holding `\u` is
/// parsed whatever the values are.
fn prefilter(values: &[String]) -> Option<AhoCorasick> {
    let plain = values.iter().all(|v| {
        v.bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' && b != b'/')
    });
    if !plain {
        return None;
    }
    // Each value's longest word: loading cleans text (spaces, invisible characters), so the
    // raw JSON may differ from the value between its words, never inside a plain ASCII word.
    let needles: Vec<&str> = values
        .iter()
        .filter_map(|v| v.split_whitespace().max_by_key(|w| w.len()))
        .collect();
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(needles)
        .ok()
}

/// For each article, whether it shares `field` with `values` (compared ignoring case). An
/// article whose detail cannot be read does not match.
pub fn matches(library: &Library, field: Field, values: &[String]) -> Vec<bool> {
    let wanted: Vec<String> = values.iter().map(|v| v.trim().to_lowercase()).collect();
    let mut result = vec![false; library.len()];
    if wanted.is_empty() {
        return result;
    }
    for (index, found) in result.iter_mut().enumerate() {
        if let Some(detail) = library.detail_in_memory(index) {
            *found = has(field, detail, &wanted);
        }
    }
    let finder = prefilter(&wanted);
    for file in library.disk_files() {
        let Ok(handle) = crate::files::open_regular(&file.path) else {
            continue;
        };
        let mut reader = BufReader::with_capacity(1 << 20, handle);
        let mut at: u64 = 0;
        let mut bytes = Vec::new();
        for &(index, span, _) in &file.spans {
            let ok = span
                .start
                .checked_sub(at)
                .and_then(|skip| i64::try_from(skip).ok())
                .is_some_and(|skip| reader.seek_relative(skip).is_ok());
            if !ok {
                break;
            }
            bytes.resize(span.len as usize, 0);
            if reader.read_exact(&mut bytes).is_err() {
                break;
            }
            at = span.start + u64::from(span.len);
            if let Some(finder) = &finder
                && !finder.is_match(&bytes)
                && memmem::find(&bytes, b"\\u").is_none()
            {
                continue;
            }
            let Ok(json) = std::str::from_utf8(&bytes) else {
                continue;
            };
            // The id checks that the file is still the one indexed (as opening does).
            if let Some(article) = article_only(json, file.format)
                && article.id == library.headline(index).id
            {
                result[index] = has(field, &article.detail, &wanted);
            }
        }
    }
    result
}

/// What article `index` has in `field`, read from its store when it is not in memory.
pub fn values_of(library: &Library, index: ArticleIndex, field: Field) -> Vec<String> {
    field.values(&super::article::read::article(library, index).detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_trimmed_and_said_once_whatever_their_case() {
        let detail = ArticleDetail {
            author: Some("  Jane Doe ".into()),
            tags: vec!["Asia".into(), "asia".into(), " ".into(), "Politics".into()],
            ..ArticleDetail::default()
        };
        assert_eq!(Field::Author.values(&detail), ["Jane Doe"]);
        assert_eq!(Field::Tag.values(&detail), ["Asia", "Politics"]);
        assert!(Field::Section.values(&detail).is_empty());
        let wanted = ["politics".to_owned()];
        assert!(has(Field::Tag, &detail, &wanted));
        assert!(!has(Field::Author, &detail, &wanted));
        assert!(has(Field::Author, &detail, &["jane doe".to_owned()]));
    }

    #[test]
    fn only_plain_ascii_values_skip_parsing() {
        assert!(prefilter(&["jane doe".to_owned()]).is_some());
        assert!(prefilter(&["zoë".to_owned()]).is_none());
        assert!(prefilter(&["a/b".to_owned()]).is_none());
    }
}
