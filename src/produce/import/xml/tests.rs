//! RSS and Atom as real feeds write them.

use super::*;

fn xml(text: &str) -> Imported {
    parse_xml_feed("feed.xml", text.as_bytes(), &Overrides::default()).unwrap()
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
    assert_eq!(a.published.as_deref(), Some("2002-07-28T09:30:00+02:00"));
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
    assert_eq!(a.updated.as_deref(), Some("2024-01-05T10:00:00+01:00"));
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
        "feed.xml",
        b"\n  <rss version=\"2.0>",
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(error.contains("line 2, column"), "{error}");
}

#[test]
fn an_atom_id_that_is_a_url_is_the_link_and_media_title_is_a_title() {
    let feed = xml(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>https://example.org/e/1</id>\
         <title>Only An Id</title></entry></feed>",
    );
    assert_eq!(
        feed.articles[0].url.as_deref(),
        Some("https://example.org/e/1")
    );
    let feed = xml(
        "<rss xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><item>\
         <media:title>From Media</media:title><guid>m1</guid></item></channel></rss>",
    );
    assert_eq!(feed.articles[0].title, "From Media");
}

#[test]
fn a_fetched_feeds_url_is_the_base_of_its_relative_links() {
    let feed = parse_xml_feed(
        "https://example.org/news/feed.xml",
        b"<rss><channel><item><title>T</title><link>2024/story</link></item></channel></rss>",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(
        feed.articles[0].url.as_deref(),
        Some("https://example.org/news/2024/story")
    );
    // A file's name is no URL: the link stays as written.
    let saved =
        xml("<rss><channel><item><title>T</title><link>2024/story</link></item></channel></rss>");
    assert_eq!(saved.articles[0].url.as_deref(), Some("2024/story"));
}

#[test]
fn a_document_cut_short_before_any_item_is_an_error_not_an_empty_feed() {
    let error = parse_xml_feed(
        "feed.xml",
        b"<rss version=\"2.0\"><channel>\n<title>Broken",
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        error.starts_with("it is not a whole feed (line 2, column"),
        "{error}"
    );
    assert!(error.contains("ends inside <title>"), "{error}");
    // A whole feed with no items is just that.
    assert!(
        xml("<rss version=\"2.0\"><channel><title>Quiet</title></channel></rss>")
            .articles
            .is_empty()
    );
}

#[test]
fn a_decoding_warning_names_the_document() {
    let feed = parse_xml_feed(
        "saved.xml",
        b"<rss><channel><item><title>\x93Quoted\x94</title><guid>q</guid></item></channel></rss>",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(feed.articles[0].title, "\u{201c}Quoted\u{201d}");
    assert!(
        feed.warnings[0].starts_with("saved.xml: it declares no encoding"),
        "{:?}",
        feed.warnings
    );
}
