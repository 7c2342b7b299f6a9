//! `--json` output of `herald list` and `herald show`: one JSON object per line (JSON Lines),
//! its fields named as in the store format (docs/store-format.md), plus the article's `store`
//! and the reader's `read` and `starred` marks.
//!
//! serde_json does all the escaping. Store text was sanitised when it loaded; on top of that,
//! serde_json writes every control character below U+0020 as `\u00XX`, so no raw ESC (or
//! newline) from a store can reach the output: each record is exactly one line.
//!
//! Every record has every key: a field the article lacks is `null` (tags and enclosures are
//! empty arrays), so a script can read any key of any line.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::article::read;
use crate::engine::state::Marks;
use crate::engine::store::Article;
use crate::engine::store::model::Enclosure;
use crate::engine::{ArticleIndex, Library};

/// What `herald list --json` prints for each article.
#[derive(Debug, Serialize)]
pub struct Listed<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The calendar day as the store wrote it, `YYYY-MM-DD` (as `herald list` shows it).
    pub published: Option<String>,
    pub breaking: bool,
    /// The store's name (what marks are kept under, with the id).
    pub store: &'a str,
    pub source: Option<&'a str>,
    pub url: Option<&'a str>,
    pub author: Option<&'a str>,
    pub section: Option<&'a str>,
    pub tags: &'a [String],
    pub read: bool,
    pub starred: bool,
}

/// What `herald show --json` prints: the listed fields and the article's text.
#[derive(Debug, Serialize)]
pub struct Shown<'a> {
    #[serde(flatten)]
    pub listed: Listed<'a>,
    pub updated: Option<String>,
    pub summary: Option<&'a str>,
    /// Plain text, paragraphs separated by a blank line.
    pub body: &'a str,
    /// The text with its structure, as the store gave it (sanitised), if it has any.
    pub html: Option<&'a str>,
    pub enclosures: Vec<ShownEnclosure<'a>>,
}

/// An enclosure, named as a native store names its fields.
#[derive(Debug, Serialize)]
pub struct ShownEnclosure<'a> {
    pub url: &'a str,
    #[serde(rename = "type")]
    pub mime_type: Option<&'a str>,
    pub length: Option<u64>,
    pub title: Option<&'a str>,
}

impl<'a> Listed<'a> {
    pub fn new(article: &'a Article<'a>, marks: &Marks) -> Self {
        let headline = &article.headline;
        let store = article.store.name.as_str();
        let detail = article.detail.as_ref();
        Self {
            id: headline.id,
            title: headline.title,
            published: headline.published.map(|d| d.iso_date()),
            breaking: headline.breaking,
            store,
            source: headline.source,
            url: detail.url.as_deref(),
            author: detail.author.as_deref(),
            section: detail.section.as_deref(),
            tags: &detail.tags,
            read: marks.is_read(store, headline.id),
            starred: marks.is_starred(store, headline.id),
        }
    }
}

impl<'a> Shown<'a> {
    pub fn new(article: &'a Article<'a>, marks: &Marks) -> Self {
        let detail = article.detail.as_ref();
        Self {
            listed: Listed::new(article, marks),
            updated: detail.updated.map(|d| d.iso_date()),
            summary: detail.summary.as_deref(),
            body: &detail.body,
            html: detail.html.as_deref(),
            enclosures: detail.enclosures.iter().map(ShownEnclosure::new).collect(),
        }
    }
}

impl<'a> ShownEnclosure<'a> {
    fn new(enclosure: &'a Enclosure) -> Self {
        Self {
            url: &enclosure.url,
            mime_type: enclosure.mime_type.as_deref(),
            length: enclosure.length,
            title: enclosure.title.as_deref(),
        }
    }
}

/// Writes `record` as one line of JSON.
pub fn write_line(out: &mut impl Write, record: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// `herald list --json`: one [`Listed`] line per article of `which`, in that order.
pub fn list(
    library: &Library,
    marks: &Marks,
    which: &[ArticleIndex],
    out: &mut impl Write,
) -> io::Result<()> {
    for &index in which {
        let article = read::article(library, index);
        write_line(out, &Listed::new(&article, marks))?;
    }
    Ok(())
}

/// `herald show --json`: one [`Shown`] line.
pub fn show(
    library: &Library,
    marks: &Marks,
    index: ArticleIndex,
    out: &mut impl Write,
) -> io::Result<()> {
    let article = read::article(library, index);
    write_line(out, &Shown::new(&article, marks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stores;
    use crate::engine::state::Timestamp;

    #[test]
    fn every_line_is_one_json_object_with_every_key() -> Result<(), Box<dyn std::error::Error>> {
        let library = Stores::sample().open();
        let mut marks = Marks::in_memory();
        let first = library.newest_first()[0];
        let headline = library.headline(first);
        let store = library.store(headline.store).name.clone();
        marks.set_starred(&store, headline.id, true, Timestamp(1));
        let mut out = Vec::new();
        list(&library, &marks, library.newest_first(), &mut out)?;
        let text = String::from_utf8(out)?;
        assert_eq!(text.lines().count(), library.len());
        for (n, line) in text.lines().enumerate() {
            let value: serde_json::Value = serde_json::from_str(line)?;
            let object = value.as_object().ok_or("not an object")?;
            for key in [
                "id",
                "title",
                "published",
                "breaking",
                "store",
                "source",
                "url",
                "author",
                "section",
                "tags",
                "read",
                "starred",
            ] {
                assert!(object.contains_key(key), "line {n} lacks {key}: {line}");
            }
            assert_eq!(value["starred"], serde_json::json!(n == 0), "{line}");
        }
        Ok(())
    }

    #[test]
    fn control_characters_are_escaped_not_written() -> Result<(), Box<dyn std::error::Error>> {
        #[derive(Serialize)]
        struct Text<'a> {
            body: &'a str,
        }
        let mut out = Vec::new();
        write_line(
            &mut out,
            &Text {
                body: "a\u{1b}[2Jb\nc\u{7}",
            },
        )?;
        assert!(!out.contains(&0x1b) && !out.contains(&0x07));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(
            String::from_utf8(out)?,
            "{\"body\":\"a\\u001b[2Jb\\nc\\u0007\"}\n"
        );
        Ok(())
    }
}
