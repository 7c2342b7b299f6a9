//! Feeds as the real world writes them (tests/fixtures/feeds/, one small file per class of
//! problem seen in real feeds and feed-parser test suites), through the real `herald import`:
//! what each stores, and that `herald check` accepts every store an import writes.

use serde_json::Value;

use crate::common::Sandbox;
use crate::common::sandbox::Run;

/// Imports one fixture into a fresh store; the run and the store's articles.
fn import(name: &str) -> (Run, Vec<Value>) {
    let sandbox = Sandbox::new();
    let store = sandbox.path("news.json");
    let store = store.to_string_lossy();
    let file = format!("tests/fixtures/feeds/{name}");
    let run = sandbox.herald(&["import", &file, "--into", &store]);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    let check = sandbox.herald(&["check", &store]);
    assert_eq!(
        check.code, 0,
        "{name}: check rejects what import wrote: {}",
        check.stdout
    );
    let text = std::fs::read_to_string(&*store).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let articles = value["articles"].as_array().unwrap().clone();
    (run, articles)
}

fn field<'a>(article: &'a Value, name: &str) -> &'a str {
    article[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {article}"))
}

fn titles(articles: &[Value]) -> Vec<&str> {
    articles.iter().map(|a| field(a, "title")).collect()
}

#[test]
fn atom_0_3_is_read_with_its_modes_and_dates() {
    let (_, articles) = import("atom03.xml");
    assert_eq!(
        titles(&articles),
        ["Escaped Content", "Base64 Content", "Inline XML"]
    );
    let first = &articles[0];
    assert_eq!(field(first, "id"), "tag:example.org,2004:1");
    assert_eq!(field(first, "url"), "https://example.org/old-atom/1");
    assert_eq!(field(first, "published"), "2004-02-28T23:30:00-05:00");
    assert_eq!(field(first, "updated"), "2004-02-29T08:00:00Z");
    assert_eq!(
        field(first, "author"),
        "Feed Author",
        "the feed's author is inherited"
    );
    assert_eq!(
        field(first, "html"),
        "<p>First <em>escaped</em> paragraph.</p>"
    );
    assert_eq!(field(&articles[1], "body"), "Decoded from base64.");
    assert_eq!(field(&articles[2], "body"), "Inline XHTML body.");
    assert_eq!(field(&articles[2], "published"), "2004-02-26T10:00:00Z");
}

#[test]
fn rss_0_90_and_rdf_items_without_links_are_kept() {
    let (_, articles) = import("rss090.rdf");
    assert_eq!(titles(&articles), ["First Wire Story", "Second Wire Story"]);
    assert_eq!(field(&articles[1], "url"), "https://example.org/wire/2");
    assert_eq!(field(&articles[0], "source"), "Netscape Wire");

    let (_, articles) = import("rss1-no-link.rdf");
    assert_eq!(
        titles(&articles),
        ["A Note With Only An About", "A Note With Nothing"]
    );
    assert_eq!(field(&articles[0], "id"), "urn:example:note:1");
    assert_eq!(
        field(&articles[0], "published"),
        "2023-05-04T09:00:00+09:00"
    );
    assert!(articles[0].get("url").is_none());
    assert_eq!(field(&articles[1], "id"), "a-note-with-nothing");
    assert_eq!(
        field(&articles[1], "body"),
        "Item two has neither a link nor an about."
    );
}

#[test]
fn rss2_in_userlands_namespace_and_windows_1251() {
    let (_, articles) = import("rss2-userland-windows-1251.xml");
    assert_eq!(titles(&articles), ["Первая новость", "Вторая новость"]);
    assert_eq!(field(&articles[0], "source"), "Новости дня");
    assert_eq!(field(&articles[0], "body"), "Текст первой новости.");
    assert_eq!(
        field(&articles[0], "published"),
        "2022-11-16T00:38:15+03:00"
    );
}

#[test]
fn rss_without_a_version_or_with_rare_versions() {
    for (file, version) in [
        ("rss-no-version.xml", "without a version"),
        ("rss093.xml", "0.93"),
        ("rss094.xml", "0.94"),
        ("rss201.xml", "2.01"),
    ] {
        let (_, articles) = import(file);
        assert_eq!(
            titles(&articles),
            [format!("Story in RSS {version}")],
            "{file}"
        );
    }
}

#[test]
fn utf16_utf32_and_gzip_saved_feeds() {
    for file in [
        "utf16le-bom.xml",
        "utf16be-no-bom.xml",
        "utf32le-no-bom.xml",
        "utf32be-bom.xml",
    ] {
        let (_, articles) = import(file);
        let title = field(&articles[0], "title");
        assert!(
            title.starts_with("Café in UTF-") && title.ends_with("– 東京"),
            "{file}: {title}"
        );
    }
    let (_, gzipped) = import("rss2-saved-gzip.xml.gz");
    let (_, plain) = import("rss2.xml");
    assert_eq!(
        gzipped, plain,
        "a gzip-saved feed stores what the plain one does"
    );
}

#[test]
fn a_doctype_subset_defines_entities_and_html_entities_are_read() {
    let (_, articles) = import("doctype-internal-subset.xml");
    assert_eq!(titles(&articles), ["From the Harbour & Hills Desk"]);
    assert_eq!(
        field(&articles[0], "body"),
        "Written by the Harbour & Hills Desk."
    );

    let (_, articles) = import("html-entities.xml");
    assert_eq!(
        titles(&articles),
        ["Málaga\u{2019}s \u{201c}best\u{201d} tapas & more…"]
    );
    assert_eq!(field(&articles[0], "body"), "Crème brûlée \u{2013} 5€");
    assert_eq!(field(&articles[0], "source"), "Café Society");
}

#[test]
fn a_base64_text_construct_is_decoded_not_fatal() {
    let (_, articles) = import("atom-base64.xml");
    assert_eq!(titles(&articles), ["Plain Entry", "Base64 Entry"]);
    assert_eq!(field(&articles[1], "body"), "Decoded body.");
}

#[test]
fn ids_are_never_empty_and_stay_the_same() {
    let (run, first) = import("no-id.xml");
    assert_eq!(first.len(), 2);
    assert!(
        run.stderr
            .contains("item 3: it has no title, text, link or enclosure"),
        "{}",
        run.stderr
    );
    let ids: Vec<&str> = first.iter().map(|a| field(a, "id")).collect();
    assert!(ids.iter().all(|id| id.starts_with("item-")), "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    let (_, again) = import("no-id.xml");
    assert_eq!(first, again, "the same ids on every import");
}

#[test]
fn content_in_every_element_feeds_put_it_in() {
    let (_, articles) = import("content-elements.xml");
    let bodies: Vec<&str> = articles.iter().map(|a| field(a, "body")).collect();
    assert_eq!(
        bodies,
        [
            "The full text.\n\nSecond paragraph.",
            "Body in XHTML.",
            "Body element text.",
            "Fullitem text.",
            "Markup written straight in.\n\nTwo."
        ]
    );
    assert_eq!(field(&articles[0], "summary"), "Short summary.");
    assert_eq!(
        field(&articles[1], "html"),
        "<p>Body in <em>XHTML</em>.</p>"
    );
    assert!(field(&articles[4], "html").contains("<a href=\"https://example.org/x\">straight</a>"));
}

#[test]
fn relative_links_are_resolved_against_xml_base() {
    let (_, articles) = import("xml-base.xml");
    let entry = &articles[0];
    assert_eq!(
        field(entry, "url"),
        "https://example.org/blog/2024/first-post"
    );
    assert_eq!(
        field(entry, "html"),
        "<p>See <a href=\"https://example.org/blog/2024/notes/more\">more</a> and \
         <a href=\"https://example.org/about\">about</a>.</p>"
    );
    assert_eq!(
        entry["enclosures"],
        serde_json::json!([{"url": "https://example.org/blog/media/talk.mp3",
                            "type": "audio/mpeg", "length": 1_234_567}])
    );
}

#[test]
fn dublin_core_itunes_permalinks_and_enclosures() {
    let (_, articles) = import("fields.xml");
    let one = &articles[0];
    assert_eq!(
        field(one, "url"),
        "https://example.org/pod/1",
        "a permalink guid is the link"
    );
    assert_eq!(field(one, "author"), "Mara Lind");
    assert_eq!(field(one, "published"), "2022-11-16T00:38:15+01:00");
    assert_eq!(one["tags"], serde_json::json!(["Ferries"]));
    assert_eq!(field(one, "body"), "An episode about the night ferry.");
    assert_eq!(
        one["enclosures"],
        serde_json::json!([{"url": "https://example.org/pod/1.mp3", "type": "audio/mpeg",
                            "length": 24_986_239}])
    );
    let two = &articles[1];
    assert_eq!(field(two, "id"), "pod-2");
    assert!(two.get("url").is_none(), "isPermaLink=false is no link");
    assert_eq!(field(two, "author"), "Ana Ruiz");
    let urls: Vec<&str> = two["enclosures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| field(e, "url"))
        .collect();
    assert_eq!(
        urls,
        [
            "https://example.org/pod/2.m4a",
            "https://example.org/pod/2.mp3"
        ]
    );
}

#[test]
fn atom_content_src_is_the_articles_address() {
    let (_, articles) = import("atom-content-src.xml");
    assert_eq!(
        field(&articles[0], "url"),
        "https://example.org/src/article.html"
    );
    assert_eq!(field(&articles[0], "body"), "The article is at the src.");
    assert_eq!(field(&articles[0], "author"), "Feed Level Author");
}

#[test]
fn dates_keep_their_offset_and_unreadable_ones_are_reported() {
    let (run, articles) = import("dates.xml");
    let dates: Vec<Option<&str>> = articles.iter().map(|a| a["published"].as_str()).collect();
    assert_eq!(
        dates,
        [
            Some("2022-11-16T00:38:15+01:00"),
            Some("2024-03-15T23:10:00+02:00"),
            Some("2024-03-16T09:00:00Z"),
            Some("2024-03-17T23:59:59-05:00"),
            None
        ]
    );
    assert!(
        run.stderr.contains(
            "tests/fixtures/feeds/dates.xml:7:1: item 5: its date \"sometime last week\" is not \
             one Herald can read"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 item has a time without a time zone"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning: warning"), "{}", run.stderr);
}

#[test]
fn a_long_iso_8859_1_declaration() {
    let (_, articles) = import("latin1-long-declaration.xml");
    assert_eq!(titles(&articles), ["Café crème in Zürich"]);
}

#[test]
fn a_cut_off_feed_keeps_its_items_and_says_where() {
    let (run, articles) = import("malformed.xml");
    assert_eq!(titles(&articles), ["Never closed"]);
    assert!(
        run.stderr
            .contains("malformed.xml:7:1: the document ends inside <title>"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_of_mixed_inputs_is_reported_file_by_file() {
    let sandbox = Sandbox::new();
    let folder = sandbox.path("mixed");
    std::fs::create_dir(&folder).unwrap();
    for name in ["atom03.xml", "rss090.rdf", "no-id.xml"] {
        std::fs::copy(format!("tests/fixtures/feeds/{name}"), folder.join(name)).unwrap();
    }
    std::fs::write(folder.join("notes.txt"), "just some words\n").unwrap();
    std::fs::write(folder.join("page.html"), "<html><body>x</body></html>").unwrap();
    let store = folder.join("news.json");
    let (folder, store) = (folder.to_string_lossy(), store.to_string_lossy());
    let run = sandbox.herald(&["import", &folder, "--into", &store]);
    assert_eq!(run.code, 1, "some inputs were not feeds: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{folder}/atom03.xml: Imported 3 articles into {store}: 3 new, 0 updated."),
            format!("{folder}/no-id.xml: Imported 2 articles into {store}: 2 new, 0 updated."),
            format!("{folder}/rss090.rdf: Imported 2 articles into {store}: 2 new, 0 updated."),
        ]
    );
    assert!(
        run.stderr.contains(&format!(
            "cannot import {folder}/notes.txt: it is not a feed"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "cannot import {folder}/page.html: it is XML with root element <html>"
        )),
        "{}",
        run.stderr
    );
    // A second run finds the store in the folder and does not import it into itself.
    let again = sandbox.herald(&["import", &folder, "--into", &store]);
    assert!(
        !again
            .stdout
            .lines()
            .any(|l| l.starts_with(&format!("{store}:"))),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.herald(&["check", &store]).code, 0);
}

#[test]
fn json_feed_1_0_items_keep_their_dates_authors_links_and_attachments() {
    let (_, articles) = import("jsonfeed-v1.json");
    assert_eq!(
        titles(&articles),
        [
            "Ferry Returns to Port Callow",
            "Lighthouse Lamp Replaced",
            "Tide Tables for December",
            "Elsewhere: the Canal Reopens"
        ]
    );
    let ferry = &articles[0];
    assert_eq!(
        field(ferry, "id"),
        "https://example.org/harbour/ferry-returns"
    );
    assert_eq!(
        field(ferry, "published"),
        "2022-11-16T00:38:15+01:00",
        "as written"
    );
    assert_eq!(field(ferry, "author"), "Harbour Desk", "the feed's author");
    let lighthouse = &articles[1];
    assert_eq!(
        field(lighthouse, "published"),
        "2022-11-14T09:00:00Z",
        "date_modified"
    );
    assert_eq!(field(lighthouse, "author"), "Mara Lind");
    assert!(!field(&articles[2], "id").is_empty());
    assert_eq!(
        field(&articles[3], "url"),
        "https://elsewhere.example/canal"
    );

    let (_, radio) = import("jsonfeed-attachments.json");
    assert_eq!(field(&radio[0], "title"), "Morning Tide, Episode 12");
    assert_eq!(
        radio[0]["enclosures"],
        serde_json::json!([{"url": "https://example.org/radio/ep12.mp3", "type": "audio/mpeg",
                            "length": 24_000_000, "title": "Morning Tide, Episode 12"}])
    );
    assert_eq!(field(&radio[0], "published"), "2024-03-02T07:00:00+02:00");
}

#[test]
fn tables_code_empty_markup_long_links_and_files_survive_import_and_show() {
    let sandbox = Sandbox::new();
    let store = sandbox.path("news.json");
    let store = store.to_string_lossy();
    let run = sandbox.herald(&[
        "import",
        "tests/fixtures/feeds/html-structure.xml",
        "--into",
        &store,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&*store).unwrap()).unwrap();
    let article = &value["articles"][0];
    let body = field(article, "body");
    assert!(
        body.contains("    if tide > 2.5:\n        sail()"),
        "code kept: {body:?}"
    );
    assert!(
        !body.contains("**") && !body.contains("Monday 4 Tuesday"),
        "{body:?}"
    );
    let html = field(article, "html");
    assert!(
        html.contains("<table>") && html.contains("<th>Day</th>"),
        "{html}"
    );
    assert!(
        !html.contains("<strong></strong>") && !html.contains("<em> </em>"),
        "{html}"
    );

    let long = "https://example.org/harbour/timetables/winter-2024/ferries/eastmarsh-to-port-callow/full-schedule.html";
    let show = sandbox.herald(&["show", "structure-1", &store, "--width", "40"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.lines().any(|l| l.contains(long)),
        "the URL is whole on one line:\n{}",
        show.stdout
    );
    assert!(
        show.stdout.contains(
            "Audio (audio/mpeg, 12.3 MB): https://example.org/harbour/audio/timetable.mp3"
        ),
        "{}",
        show.stdout
    );
    let monday = show
        .stdout
        .lines()
        .find(|l| l.contains("Monday"))
        .unwrap_or_default();
    assert!(monday.contains('4'), "a row per line: {}", show.stdout);
}
