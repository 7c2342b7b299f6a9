//! Feeds into articles: RSS 0.9x/1.0/2.0 and Atom through `feed-rs`; JSON Feed and native stores
//! through Herald's own store reader.
//!
//! JSON goes through the store reader, not feed-rs, on purpose: Herald already reads JSON Feeds
//! as stores, and importing one must give the same articles as opening it (`content_text`
//! preferred over `content_html`, the `_herald` extension's `breaking`, `source` and `section`,
//! which feed-rs does not keep).

use std::collections::HashMap;

use feed_rs::model::{Entry, Feed, Text};

use super::{Imported, ImportedArticle, Overrides, fallback_id};
use crate::engine::store::{FileKind, Severity, parse_file};
use crate::text::blocks::{Block, BlockKind, Inline, plain_text_of, to_html};
use crate::text::{Published, sanitize_line, sanitize_text};

/// Parses RSS or Atom XML. `Err` says what is wrong with the input.
pub fn parse_xml_feed(bytes: &[u8], overrides: &Overrides) -> Result<Imported, String> {
    let parser = feed_rs::parser::Builder::new()
        // feed-rs invents a hash for items without an id; Herald's rule (link, else title and
        // date) gives ids a person can read, so leave them empty here and fill them below.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser
        .parse(bytes)
        .map_err(|e| format!("it is not a feed Herald can read ({e})"))?;
    Ok(from_feed(feed, overrides))
}

fn from_feed(feed: Feed, overrides: &Overrides) -> Imported {
    let name = feed.title.as_ref().map(line_of).filter(|t| !t.is_empty());
    let source = overrides.source.clone().or_else(|| name.clone());
    let mut imported = Imported {
        name,
        ..Imported::default()
    };
    for (number, entry) in feed.entries.into_iter().enumerate() {
        match from_entry(entry, source.as_deref(), overrides) {
            Some(article) => imported.articles.push(article),
            None => imported.warnings.push(format!(
                "item {} skipped: it has no title, summary or content",
                number + 1
            )),
        }
    }
    imported
}

fn is_html(text: &Text) -> bool {
    text.content_type.subty().as_str().contains("html")
}

/// A one-line field (title) from a feed text, HTML or not.
fn line_of(text: &Text) -> String {
    let plain = if is_html(text) {
        crate::text::html::to_plain_text(&text.content)
    } else {
        text.content.clone()
    };
    sanitize_line(&plain).trim().to_owned()
}

/// A multi-paragraph field (summary, body) from a feed text: its plain text and, when it was
/// HTML with more than plain paragraphs in it, that structure as clean HTML.
fn text_of(content: &str, html: bool) -> (String, Option<String>) {
    if !html {
        return (sanitize_text(content).trim().to_owned(), None);
    }
    let parsed = crate::text::html::parse(content);
    let plain = plain_text_of(&parsed.blocks);
    (
        sanitize_text(&plain).trim().to_owned(),
        structure_of(&parsed),
    )
}

/// HTML as the clean HTML a store keeps, when it has more than plain paragraphs in it.
fn structure_of(parsed: &crate::text::html::Parsed) -> Option<String> {
    parsed
        .blocks
        .iter()
        .any(has_structure)
        .then(|| to_html(&parsed.blocks, &parsed.links))
}

/// Whether a block says more than a plain paragraph of text would.
fn has_structure(block: &Block) -> bool {
    block.kind != BlockKind::Paragraph
        || block.quote > 0
        || block
            .spans
            .iter()
            .any(|s| s.style != Inline::Plain || s.text.contains('\n'))
}

fn from_entry(
    entry: Entry,
    source: Option<&str>,
    overrides: &Overrides,
) -> Option<ImportedArticle> {
    let content = entry.content.as_ref().and_then(|c| {
        let html = c.content_type.subty().as_str().contains("html");
        c.body.as_deref().map(|body| text_of(body, html))
    });
    let summary = entry
        .summary
        .as_ref()
        .map(|s| text_of(&s.content, is_html(s)));
    let content = content.filter(|(c, _)| !c.is_empty());
    let summary = summary.filter(|(s, _)| !s.is_empty());
    // Without content, the summary is the article; keeping it in both fields would show it twice.
    let (summary, (body, html)) = match content {
        Some((body, html)) => (summary.map(|(s, _)| s), (Some(body), html)),
        None => match summary {
            Some((summary, html)) => (None, (Some(summary), html)),
            None => (None, (None, None)),
        },
    };
    let title = entry
        .title
        .as_ref()
        .map(line_of)
        .filter(|t| !t.is_empty())
        .or_else(|| {
            let text = summary.as_deref().or(body.as_deref())?;
            Some(first_words(text))
        })?;
    let published = entry.published.or(entry.updated);
    let updated = entry.updated.filter(|u| Some(*u) != published);
    // RFC 3339 in UTC: feed-rs normalises every date to UTC, so the offset the feed wrote is
    // gone by here; the instant, which is what Herald sorts by, is exact.
    let published = published.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let updated = updated.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .map(|l| sanitize_line(l.href.trim()).into_owned())
        .filter(|u| !u.is_empty());
    let id = Some(sanitize_line(entry.id.trim()).into_owned())
        .filter(|id| !id.is_empty())
        .or_else(|| url.clone())
        .unwrap_or_else(|| fallback_id(None, published.as_deref(), &title));
    let tags: Vec<String> = entry
        .categories
        .iter()
        .map(|c| {
            sanitize_line(c.label.as_deref().unwrap_or(&c.term))
                .trim()
                .to_owned()
        })
        .filter(|t| !t.is_empty())
        .collect();
    let breaking = tags.iter().any(|t| t.eq_ignore_ascii_case("breaking"));
    let author = entry
        .authors
        .iter()
        .find_map(|a| a.name.as_deref().or(a.email.as_deref()))
        .map(|a| {
            let a = sanitize_line(a);
            // RSS writes `email (Name)`; feed-rs keeps the `(Name)` part as the name.
            let a = a.trim();
            a.strip_prefix('(')
                .and_then(|a| a.strip_suffix(')'))
                .unwrap_or(a)
                .trim()
                .to_owned()
        })
        .filter(|a| !a.is_empty());
    Some(ImportedArticle {
        id,
        title,
        published,
        updated,
        url,
        source: source.map(|s| sanitize_line(s).into_owned()),
        section: overrides
            .section
            .as_deref()
            .map(|s| sanitize_line(s).into_owned()),
        author,
        breaking,
        tags,
        summary,
        body,
        html,
    })
}

/// A headline for an item that has none: its first dozen words.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut title = words.iter().take(12).copied().collect::<Vec<_>>().join(" ");
    if words.len() > 12 {
        title.push('…');
    }
    title
}

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
        warnings: parsed.diagnostics.iter().map(ToString::to_string).collect(),
    };
    for article in parsed.articles {
        let written = dates.get(&article.id);
        // Keep the date as the feed wrote it (its offset decides the calendar day shown); the
        // parsed value confirms the text is the one the reader accepted.
        let as_written = |parsed: Option<Published>, pick: fn(&WrittenDates) -> &Option<String>| {
            let parsed = parsed?;
            written
                .and_then(|w| pick(w).clone())
                .filter(|text| Published::parse(text) == Some(parsed))
                .or_else(|| Some(parsed.iso_date()))
        };
        let detail = article.detail;
        imported.articles.push(ImportedArticle {
            published: as_written(article.published, |w| &w.published),
            updated: as_written(detail.updated, |w| &w.updated),
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
        });
    }
    Ok(imported)
}

#[derive(Debug, Default)]
struct WrittenDates {
    published: Option<String>,
    updated: Option<String>,
}

/// The date strings of each item as written, by id: the store reader keeps only the parsed
/// value. Native field names and JSON Feed names are both looked at.
fn written_dates(bytes: &[u8]) -> HashMap<String, WrittenDates> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return HashMap::new();
    };
    let items = value
        .get("items")
        .or_else(|| value.get("articles"))
        .unwrap_or(&value);
    let text = |item: &serde_json::Value, keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| item.get(*k).and_then(serde_json::Value::as_str))
            .map(str::to_owned)
    };
    let mut dates = HashMap::new();
    for item in items.as_array().into_iter().flatten() {
        let id = match item.get("id") {
            Some(serde_json::Value::String(s)) => sanitize_line(s).into_owned(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        dates.entry(id).or_insert_with(|| WrittenDates {
            published: text(item, ["published", "date_published"]),
            updated: text(item, ["updated", "date_modified"]),
        });
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(text: &str) -> Imported {
        parse_xml_feed(text.as_bytes(), &Overrides::default()).unwrap()
    }

    #[test]
    fn rss2_keeps_guid_turns_html_into_text_and_reads_dates() {
        let feed = xml(r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour &amp; Hills</title>
<item>
  <guid isPermaLink="false">hh-1</guid>
  <title>Ferry Returns</title>
  <link>https://example.org/ferry</link>
  <pubDate>Sun, 28 Jul 2002 09:30:00 +0200</pubDate>
  <category>Breaking</category>
  <author>desk@example.org (Mara Lind)</author>
  <description>&lt;p&gt;First &lt;b&gt;para&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;See &lt;a href="https://example.org/map"&gt;the map&lt;/a&gt;.&lt;/p&gt;</description>
</item>
<item><title>No guid</title><link>https://example.org/two</link></item>
</channel></rss>"#);
        assert_eq!(feed.name.as_deref(), Some("Harbour & Hills"));
        let a = &feed.articles[0];
        assert_eq!(a.id, "hh-1");
        assert_eq!(a.title, "Ferry Returns");
        assert_eq!(a.published.as_deref(), Some("2002-07-28T07:30:00Z"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/ferry"));
        assert_eq!(a.source.as_deref(), Some("Harbour & Hills"));
        assert!(a.breaking);
        assert_eq!(a.author.as_deref(), Some("Mara Lind"));
        // The body is the text, plain; the structure (the bold word, the link) is in `html`.
        assert_eq!(a.body.as_deref(), Some("First para.\n\nSee the map."));
        assert_eq!(
            a.html.as_deref(),
            Some(
                "<p>First <strong>para</strong>.</p><p>See <a \
                 href=\"https://example.org/map\">the map</a>.</p>"
            )
        );
        assert_eq!(
            a.summary, None,
            "a description alone is the body, not also a summary"
        );
        assert_eq!(
            feed.articles[1].id, "https://example.org/two",
            "link when no guid"
        );
    }

    #[test]
    fn atom_reads_html_content_and_keeps_summary_apart() {
        let feed = xml(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><id>tag:example.org,2024:1</id><title type="html">Snow &amp;amp; Ice</title>
<updated>2024-01-05T10:00:00+01:00</updated><published>2024-01-05T08:00:00Z</published>
<author><name>Ana Ruiz</name></author>
<summary>Short.</summary>
<content type="html">&lt;p&gt;One.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;two&lt;/li&gt;&lt;/ul&gt;</content></entry></feed>"#,
        );
        let a = &feed.articles[0];
        assert_eq!(a.id, "tag:example.org,2024:1");
        assert_eq!(a.title, "Snow & Ice");
        assert_eq!(a.published.as_deref(), Some("2024-01-05T08:00:00Z"));
        assert_eq!(a.updated.as_deref(), Some("2024-01-05T09:00:00Z"));
        assert_eq!(a.author.as_deref(), Some("Ana Ruiz"));
        assert_eq!(a.source.as_deref(), Some("Atom Desk"));
        assert_eq!(a.summary.as_deref(), Some("Short."));
        let body = a.body.as_deref().unwrap();
        assert!(body.contains("One.") && body.contains("two"), "{body:?}");
    }

    #[test]
    fn rss1_items_get_ids_from_links_and_titles_from_text() {
        let feed = xml(
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://example.org/"><title>Old Wire</title><link>https://example.org/</link></channel>
<item rdf:about="https://example.org/a"><title>Item A</title><link>https://example.org/a</link><description>Plain text.</description></item>
<item rdf:about="https://example.org/b"><link>https://example.org/b</link><description>A body with no title at all here.</description></item>
</rdf:RDF>"#,
        );
        assert_eq!(feed.name.as_deref(), Some("Old Wire"));
        assert_eq!(feed.articles.len(), 2);
        assert_eq!(feed.articles[0].id, "https://example.org/a");
        assert_eq!(feed.articles[0].body.as_deref(), Some("Plain text."));
        assert_eq!(feed.articles[1].title, "A body with no title at all here.");
    }

    #[test]
    fn items_with_no_id_and_no_link_get_a_date_and_title_id() {
        let feed = xml(r#"<rss version="2.0"><channel><title>T</title>
<item><title>Lone Item</title><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>
<item><description></description></item></channel></rss>"#);
        assert_eq!(feed.articles.len(), 1);
        assert_eq!(feed.articles[0].id, "2024-01-01-lone-item");
        assert_eq!(feed.warnings.len(), 1, "{:?}", feed.warnings);
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let feed = xml(
            "<rss version=\"2.0\"><channel><title>T\u{202E}x</title><item><guid>g</guid>\
            <title>Evil &#x1b;]52;c;aGk=&#x07; title</title><description>a&#x1b;[31mred</description>\
            </item></channel></rss>",
        );
        let a = &feed.articles[0];
        assert!(crate::text::is_inert(&a.title), "{:?}", a.title);
        assert!(crate::text::is_inert(a.body.as_deref().unwrap()));
        assert!(!a.title.contains("52;"), "{:?}", a.title);
        assert_eq!(feed.name.as_deref(), Some("Tx"));
    }

    #[test]
    fn malformed_xml_is_an_error() {
        let error = parse_xml_feed(
            b"<rss version=\"2.0\"><channel><item>",
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(error.contains("not a feed Herald can read"), "{error}");
    }

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
