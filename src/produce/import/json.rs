//! JSON Feeds and native stores into articles, through Herald's own store reader: importing
//! one must give the same articles as opening it (`content_text` preferred over
//! `content_html`, the `_herald` extension's `breaking`, `source` and `section`).

use std::collections::HashMap;

use super::body::structure_of;
use super::{Imported, ImportedArticle, ImportedEnclosure, Overrides};
use crate::engine::store::{FileKind, Severity, parse_file};
use crate::text::{Published, sanitize_line};

/// Parses a JSON Feed or a native store with Herald's own store reader.
pub fn parse_herald_json(
    input: &str,
    bytes: &[u8],
    overrides: &Overrides,
) -> Result<Imported, String> {
    let parsed = parse_file(input, bytes, FileKind::Json);
    if let Some(error) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(error.message.clone());
    }
    let dates = written_dates(bytes);
    let mut imported = Imported {
        name: parsed.name,
        articles: Vec::new(),
        // Worded without the diagnostic's own `warning:` label: the command adds its own.
        warnings: parsed
            .diagnostics
            .iter()
            .map(|d| {
                let at = match (d.line, d.column) {
                    (Some(line), Some(column)) => format!(":{line}:{column}"),
                    (Some(line), None) => format!(":{line}"),
                    _ => String::new(),
                };
                format!("{}{at}: {}", d.path, d.message)
            })
            .collect(),
    };
    for article in parsed.articles {
        // Keep the date as the feed wrote it (its offset decides the calendar day shown),
        // found by the value the reader parsed from it.
        let as_written = |parsed: Option<Published>| {
            let parsed = parsed?;
            dates
                .get(&key_of(parsed))
                .cloned()
                .or_else(|| Some(parsed.iso_date()))
        };
        let detail = article.detail;
        imported.articles.push(ImportedArticle {
            published: as_written(article.published),
            updated: as_written(detail.updated),
            id: article.id,
            title: article.title,
            url: detail.url,
            // As for RSS and Atom, the feed's title is the source unless the item names one.
            source: overrides
                .source
                .as_deref()
                .map(|s| sanitize_line(s).into_owned())
                .or(article.source)
                .or_else(|| imported.name.clone()),
            section: overrides
                .section
                .as_deref()
                .map(|s| sanitize_line(s).into_owned())
                .or(detail.section),
            author: detail.author,
            breaking: article.breaking,
            tags: detail.tags,
            summary: detail.summary,
            body: Some(detail.body).filter(|b| !b.is_empty()),
            // A JSON Feed's `content_html` is kept as clean HTML, never as it came.
            html: detail
                .html
                .as_deref()
                .and_then(|html| structure_of(&crate::text::html::parse(html))),
            enclosures: detail
                .enclosures
                .into_iter()
                .map(|e| ImportedEnclosure {
                    url: e.url,
                    mime_type: e.mime_type,
                    length: e.length,
                    title: e.title,
                })
                .collect(),
        });
    }
    Ok(imported)
}

/// A parsed date as a map key: the calendar day written and the instant.
type DateKey = (i32, u8, u8, i64);

fn key_of(date: Published) -> DateKey {
    (date.year, date.month, date.day, date.instant)
}

/// Every date string of the items as written, by the value the store reader parses from it
/// (which keeps only that value): native and JSON Feed field names alike. Looked up by value,
/// not by id, because an item's id may be made by the reader (from its url, date and title).
fn written_dates(bytes: &[u8]) -> HashMap<DateKey, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return HashMap::new();
    };
    let items = value
        .get("items")
        .or_else(|| value.get("articles"))
        .unwrap_or(&value);
    let mut dates = HashMap::new();
    for item in items.as_array().into_iter().flatten() {
        for key in ["published", "date_published", "updated", "date_modified"] {
            if let Some(text) = item.get(key).and_then(serde_json::Value::as_str)
                && let Some(parsed) = Published::parse(text)
            {
                dates
                    .entry(key_of(parsed))
                    .or_insert_with(|| sanitize_line(text.trim()).into_owned());
            }
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_feed_matches_what_the_store_reader_shows() {
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JF",
            "items": [{"id": 7, "title": "Seven", "content_text": "Text.", "content_html": "<p>HTML</p>",
              "date_published": "2024-05-12T23:30:00+02:00", "tags": ["breaking"],
              "_herald": {"section": "Night"}}]}"#;
        let overrides = Overrides {
            source: Some("Desk".to_owned()),
            ..Overrides::default()
        };
        let feed = parse_herald_json("f.json", json.as_bytes(), &overrides).unwrap();
        assert_eq!(feed.name.as_deref(), Some("JF"));
        let a = &feed.articles[0];
        assert_eq!(a.id, "7");
        assert_eq!(a.body.as_deref(), Some("Text."));
        assert_eq!(a.published.as_deref(), Some("2024-05-12T23:30:00+02:00"));
        assert!(a.breaking);
        assert_eq!(a.section.as_deref(), Some("Night"));
        assert_eq!(a.source.as_deref(), Some("Desk"));
    }
}
