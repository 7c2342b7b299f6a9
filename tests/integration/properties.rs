//! Properties that must hold for any input, not just the cases we thought of.

use herald::engine::store::{FileKind, parse_file};
use herald::text::{
    display_width, is_inert, sanitize_line, sanitize_text, truncate_to_width, wrap::wrap_paragraph,
};
use proptest::prelude::*;

/// Strings biased towards what breaks terminals: escapes, C0/C1, bidi, wide and zero-width.
fn nasty_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 .,]{0,12}",
        Just("\u{1b}".to_owned()),
        Just("\u{1b}[".to_owned()),
        Just("\u{1b}]8;;".to_owned()),
        Just("\u{1b}\\".to_owned()),
        Just("\u{7}".to_owned()),
        Just("\u{9b}".to_owned()),
        Just("\u{9d}".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{2067}".to_owned()),
        Just("\u{200d}".to_owned()),
        Just("東京".to_owned()),
        Just("📰".to_owned()),
        Just("مرحبا".to_owned()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        nasty_string().prop_map(serde_json::Value::String),
        prop::sample::select(vec![
            "id",
            "title",
            "body",
            "published",
            "2002-07-28",
            "breaking",
            "tags"
        ])
        .prop_map(|s| serde_json::Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop::sample::select(vec![
            "id",
            "title",
            "body",
            "published",
            "updated",
            "tags",
            "breaking",
            "url",
            "source",
            "name",
            "articles",
            "version",
            "items",
            "content_html",
            "content_text",
            "_herald",
            "authors",
            "other",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.prop_map(str::to_owned), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn sanitised_text_is_inert(input in nasty_string()) {
        let text = sanitize_text(&input);
        prop_assert!(is_inert(&text), "{:?} -> {:?}", input, text);
        let line = sanitize_line(&input);
        prop_assert!(is_inert(&line) && !line.contains('\n'), "{:?} -> {:?}", input, line);
    }

    #[test]
    fn sanitising_twice_changes_nothing(input in nasty_string()) {
        let once = sanitize_text(&input).into_owned();
        prop_assert_eq!(sanitize_text(&once), once.as_str());
    }

    #[test]
    fn wrapping_never_exceeds_the_width(input in nasty_string(), width in herald::text::wrap::MIN_WRAP_WIDTH..120) {
        let text = sanitize_line(&input);
        for line in wrap_paragraph(&text, width) {
            prop_assert!(display_width(&line) <= width, "{:?} wider than {}", line, width);
        }
        prop_assert!(display_width(&truncate_to_width(&text, width)) <= width);
    }

    #[test]
    fn the_loader_returns_articles_or_errors_and_never_panics(value in json_value()) {
        let text = value.to_string();
        for kind in [FileKind::Json, FileKind::JsonLines] {
            let file = parse_file("prop.json", text.as_bytes(), kind);
            for article in &file.articles {
                prop_assert!(!article.id.is_empty() && !article.title.is_empty());
                prop_assert!(is_inert(&article.title) && is_inert(&article.detail.body));
            }
        }
    }

    #[test]
    fn the_loader_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for kind in [FileKind::Json, FileKind::JsonLines] {
            let _ = parse_file("bytes.json", &bytes, kind);
        }
    }
}

/// HTML as feeds send it, and as they break it: the tags Herald keeps, ones it drops, unclosed
/// and stray ones, attributes, entities and nasty text between them.
fn feed_html() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        nasty_string(),
        prop::sample::select(vec![
            "<p>",
            "</p>",
            "<h2>",
            "</h2>",
            "<em>",
            "</em>",
            "<b>",
            "</b>",
            "<strong>",
            "</strong>",
            "<code>",
            "</code>",
            "<ul>",
            "</ul>",
            "<ol start=\"3\">",
            "</ol>",
            "<li>",
            "</li>",
            "<blockquote>",
            "</blockquote>",
            "<pre>",
            "</pre>",
            "<br>",
            "<div>",
            "</div>",
            "<span>",
            "</span>",
            "<script>x</script>",
            "<style>p{}</style>",
            "<img src=x>",
            "&amp;",
            "&lt;",
            "&nbsp;",
            "&#27;",
            "&#x9b;",
            "<",
            ">",
            "<a href=\"https://a.example/?a=1&amp;b=2\">",
            "<a href=\"javascript:x\">",
            "<a href=\"\u{1b}]8;;x\">",
            "</a>",
            "\n",
            "  ",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    // Fewer cases than above: each is up to 40 pieces, and generating them is most of the time.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn html_becomes_inert_blocks_that_read_back_the_same(html in feed_html()) {
        use herald::text::{blocks::to_html, html::parse};
        let parsed = parse(&html);
        for block in &parsed.blocks {
            for span in &block.spans {
                prop_assert!(is_inert(&span.text), "{:?} from {:?}", span.text, html);
            }
        }
        for link in &parsed.links {
            prop_assert!(is_inert(&link.url), "{:?} from {:?}", link.url, html);
        }
        // What import writes to a store's `html` is what the reader reads back.
        let again = parse(&to_html(&parsed.blocks, &parsed.links));
        prop_assert_eq!(&again, &parsed, "from {:?}", html);
    }
}

/// One RSS or Atom item's worth of optional fields, written with whatever text (escaped as XML
/// would need it), for the import property below.
fn feed_item() -> impl Strategy<Value = String> {
    let text = || prop::option::of(nasty_string());
    let date = prop::option::of(prop_oneof![
        Just("Sun, 28 Jul 2002 09:30:00 +0200".to_owned()),
        Just("mer, 16 nov 2022 00:38:15 +0100".to_owned()),
        Just("2024-02-30T10:00:00Z".to_owned()),
        Just("2024-01-05T10:00:00.5-05:00".to_owned()),
        Just("yesterday".to_owned()),
        nasty_string(),
    ]);
    (text(), text(), text(), text(), date, any::<bool>()).prop_map(
        |(title, guid, link, description, date, atom)| {
            let field = |name: &str, value: &Option<String>| {
                value.as_ref().map_or(String::new(), |v| {
                    format!("<{name}>{}</{name}>", quick_escape(v))
                })
            };
            if atom {
                format!(
                    "<entry>{}{}{}{}</entry>",
                    field("title", &title),
                    field("id", &guid),
                    link.as_ref().map_or(String::new(), |l| format!(
                        "<link href=\"{}\"/>",
                        quick_escape(l)
                    )),
                    field("updated", &date) + &field("summary", &description)
                )
            } else {
                format!(
                    "<item>{}{}{}{}{}</item>",
                    field("title", &title),
                    field("guid", &guid),
                    field("link", &link),
                    field("pubDate", &date),
                    field("description", &description)
                )
            }
        },
    )
}

/// Escapes XML's markup characters and drops what XML 1.0 cannot carry at all.
fn quick_escape(text: &str) -> String {
    text.chars()
        .filter(|c| {
            matches!(c, '\t' | '\n' | '\r') || (*c >= ' ' && *c != '\u{FFFE}' && *c != '\u{FFFF}')
        })
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No import writes an article that the store reader (and so `herald check`) rejects:
    /// ids and titles are never empty, dates are ones the reader accepts, text is inert, and
    /// the store made of them reads back whole, without a single diagnostic.
    #[test]
    fn what_import_writes_the_reader_accepts(items in prop::collection::vec(feed_item(), 0..6), atom in any::<bool>()) {
        let body: String = items.concat();
        let xml = if atom {
            format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>P</title>{body}</feed>")
        } else {
            format!("<rss version=\"2.0\"><channel><title>P</title>{body}</channel></rss>")
        };
        let imported = herald::produce::import::parse_input("p.xml", xml.as_bytes(), &Default::default())
            .expect("a well-formed feed is read");
        let mut seen = std::collections::HashSet::new();
        let mut unique = Vec::new();
        for article in &imported.articles {
            prop_assert!(!article.id.is_empty() && !article.title.is_empty(), "{article:?}");
            prop_assert!(is_inert(&article.title) && is_inert(&article.id));
            if seen.insert(article.id.clone()) {
                unique.push(article);
            }
        }
        let store = serde_json::json!({"name": "P", "articles": unique});
        let bytes = serde_json::to_vec(&store).unwrap();
        let parsed = parse_file("p.json", &bytes, FileKind::Json);
        let problems: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
        prop_assert!(problems.is_empty(), "{problems:?}\n{xml}");
        prop_assert_eq!(parsed.articles.len(), unique.len());
    }
}
