//! OPML, the list format feed readers exchange subscriptions in: 1.0 and 2.0 read, 2.0
//! written. Read with quick-xml, which never expands entities (only XML's five and character
//! references); a DTD is refused outright, so no document can define any.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Feed, Subscriptions};
use crate::engine::store::Position;
use crate::text::sanitize_line;

/// Folders nested deeper than this are not a subscription list (and each level is a tag).
const MAX_DEPTH: usize = 64;

/// One outline with an `xmlUrl`: a feed to subscribe to.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Outline {
    pub url: String,
    /// Its `title`, else its `text`.
    pub name: Option<String>,
    /// The titles of the outlines it is in, outermost first, then its own `category` entries.
    pub tags: Vec<String>,
}

/// Where the reader is.
enum Frame {
    Opml,
    Body,
    /// An outline inside the body, with the tag it gives the feeds inside it.
    Outline(Option<String>),
    Other,
}

/// The feeds of an OPML document, in document order.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<Outline>, String> {
    let text = decode(bytes)?;
    let mut reader = Reader::from_str(&text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut seen_root = false;
    let mut outlines = Vec::new();
    loop {
        let event = reader.read_event().map_err(|error| {
            let offset = usize::try_from(reader.error_position()).unwrap_or(0);
            let at = Position::of_offset(&text, offset);
            format!(
                "it is not well-formed XML (line {}, column {}: {error})",
                at.line, at.column
            )
        })?;
        match event {
            Event::DocType(_) => {
                return Err(
                    "it has a DOCTYPE: Herald reads no DTDs (they can define entities \
                            that expand without end), so it does not read this file; remove \
                            the <!DOCTYPE ...> line and import it again"
                        .to_owned(),
                );
            }
            Event::Start(element) => {
                let frame = enter(&element, &stack, &mut seen_root, &mut outlines)?;
                stack.push(frame);
                if stack.len() > MAX_DEPTH {
                    return Err(format!(
                        "its elements nest more than {MAX_DEPTH} deep; that is no list of feeds"
                    ));
                }
            }
            Event::Empty(element) => {
                enter(&element, &stack, &mut seen_root, &mut outlines)?;
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            // Text, comments and processing instructions say nothing about subscriptions.
            _ => {}
        }
    }
    if !seen_root {
        return Err("it is not OPML: it has no <opml> element".to_owned());
    }
    Ok(outlines)
}

/// What an element opening means where it is: the frame it makes, and a feed when it is one.
fn enter(
    element: &BytesStart<'_>,
    stack: &[Frame],
    seen_root: &mut bool,
    outlines: &mut Vec<Outline>,
) -> Result<Frame, String> {
    let name = element.local_name();
    let name = name.as_ref();
    if stack.is_empty() {
        if name != "opml" {
            return Err(format!(
                "it is not OPML: its first element is <{}>, not <opml>{}",
                sanitize_line(name),
                if matches!(name, "rss" | "feed" | "RDF") {
                    "; it looks like a feed itself: `herald feeds add URL` subscribes to one"
                } else {
                    ""
                }
            ));
        }
        *seen_root = true;
        return Ok(Frame::Opml);
    }
    let inside = stack.last();
    match (inside, name) {
        (Some(Frame::Opml), "body") => Ok(Frame::Body),
        (Some(Frame::Body | Frame::Outline(_)), "outline") => {
            let attributes = Attributes::of(element)?;
            let label = attributes.title.clone().or(attributes.text.clone());
            let is_feed = attributes.url.is_some()
                && attributes.kind.as_deref().is_none_or(|kind| {
                    kind.eq_ignore_ascii_case("rss") || kind.eq_ignore_ascii_case("atom")
                });
            if is_feed && let Some(url) = attributes.url {
                let mut tags: Vec<String> = stack
                    .iter()
                    .filter_map(|frame| match frame {
                        Frame::Outline(Some(tag)) => Some(tag.as_str()),
                        _ => None,
                    })
                    .flat_map(|tag| tag.split(','))
                    .map(|tag| tag.trim().to_owned())
                    .collect();
                if let Some(category) = &attributes.category {
                    // OPML 2.0: comma-separated, a leading slash for a category path.
                    tags.extend(
                        category
                            .split(',')
                            .map(|c| c.trim().trim_start_matches('/').trim().to_owned()),
                    );
                }
                tags.retain(|t| !t.is_empty());
                let mut unique: Vec<String> = Vec::new();
                for tag in tags {
                    if !unique.contains(&tag) {
                        unique.push(tag);
                    }
                }
                outlines.push(Outline {
                    url,
                    name: label.clone(),
                    tags: unique,
                });
            }
            Ok(Frame::Outline(label))
        }
        _ => Ok(Frame::Other),
    }
}

/// The attributes of an outline that matter, trimmed and sanitised; empty ones are absent.
/// Names are matched without regard to case (`xmlurl` is seen in the wild).
#[derive(Default)]
struct Attributes {
    url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    kind: Option<String>,
    category: Option<String>,
}

impl Attributes {
    fn of(element: &BytesStart<'_>) -> Result<Self, String> {
        let mut found = Self::default();
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| format!("it is not well-formed XML ({e})"))?;
            let key = attribute.key.local_name();
            let slot = match key.as_ref().to_ascii_lowercase().as_str() {
                "xmlurl" => &mut found.url,
                "title" => &mut found.title,
                "text" => &mut found.text,
                "type" => &mut found.kind,
                "category" => &mut found.category,
                _ => continue,
            };
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| {
                    format!(
                        "it has an attribute Herald cannot read ({e}); only XML's own entities \
                         (&amp; &lt; &gt; &quot; &apos;) and character references are read"
                    )
                })?;
            let value = sanitize_line(value.trim()).into_owned();
            if !value.is_empty() {
                *slot = Some(value);
            }
        }
        Ok(found)
    }
}

/// The document as UTF-8: by its byte-order mark, else the encoding its XML declaration
/// names (older exports are ISO-8859-1 or windows-1252), else UTF-8. Decoded whole before
/// parsing, so the parser only ever sees valid UTF-8.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let (encoding, skip) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, length)) => (encoding, length),
        None => (
            crate::produce::import::xml::decode::declared(bytes).unwrap_or(encoding_rs::UTF_8),
            0,
        ),
    };
    let rest = bytes.get(skip..).unwrap_or_default();
    encoding
        .decode_without_bom_handling_and_without_replacement(rest)
        .map(std::borrow::Cow::into_owned)
        .ok_or_else(|| format!("it is not valid {} text", encoding.name()))
}

/// The subscriptions as OPML 2.0: feeds without tags at the top, the others in one outline
/// per first tag (the folders newsboat, newsraft and most readers make tags or folders of),
/// any further tags in `category`, so that importing the export gives the same url, name and
/// tags back. Groups come in the order their first feed has in feeds.toml.
pub fn export_opml(subscriptions: &Subscriptions) -> String {
    let mut groups: Vec<(Option<&str>, Vec<&Feed>)> = Vec::new();
    for feed in &subscriptions.feeds {
        match feed.tags.first() {
            None => groups.push((None, vec![feed])),
            Some(tag) => match groups.iter_mut().find(|(t, _)| *t == Some(tag.as_str())) {
                Some((_, feeds)) => feeds.push(feed),
                None => groups.push((Some(tag), vec![feed])),
            },
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    \
         <title>Herald subscriptions</title>\n  </head>\n  <body>\n",
    );
    for (tag, feeds) in groups {
        match tag {
            None => feeds.iter().for_each(|f| outline(&mut out, f, "    ")),
            Some(tag) => {
                let tag = escaped(tag);
                out.push_str(&format!("    <outline text=\"{tag}\" title=\"{tag}\">\n"));
                feeds.iter().for_each(|f| outline(&mut out, f, "      "));
                out.push_str("    </outline>\n");
            }
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn outline(out: &mut String, feed: &Feed, indent: &str) {
    let name = escaped(&feed.name);
    out.push_str(&format!(
        "{indent}<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\"",
        escaped(&feed.url)
    ));
    if feed.tags.len() > 1 {
        out.push_str(&format!(
            " category=\"{}\"",
            escaped(&feed.tags[1..].join(","))
        ));
    }
    out.push_str("/>\n");
}

/// `text` for a double-quoted XML attribute: markup characters as references, tabs and line
/// breaks as character references (a parser would turn them into spaces otherwise), and
/// characters XML 1.0 cannot hold at all left out.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}' => {
                out.push(c);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::Duration;

    fn outline(url: &str, name: Option<&str>, tags: &[&str]) -> Outline {
        Outline {
            url: url.to_owned(),
            name: name.map(str::to_owned),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn opml_1_with_folders_gives_tags_from_the_folders() {
        let doc = br#"<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0">
  <head><title>mySubscriptions</title></head>
  <body>
    <outline text="News">
      <outline text="World" >
        <outline text="BBC World" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
      </outline>
      <outline text="Le Monde &amp; Cie" type="rss" xmlUrl="https://www.lemonde.fr/rss/une.xml"></outline>
    </outline>
    <outline text="Scripting News" type="rss" xmlUrl="http://scripting.com/rss.xml"/>
    <outline text="A web page" type="link" url="http://example.com/"/>
    <outline text="No feed here"/>
  </body>
</opml>"#;
        assert_eq!(
            read(doc).unwrap(),
            [
                outline(
                    "https://feeds.bbci.co.uk/news/world/rss.xml",
                    Some("BBC World"),
                    &["News", "World"]
                ),
                outline(
                    "https://www.lemonde.fr/rss/une.xml",
                    Some("Le Monde & Cie"),
                    &["News"]
                ),
                outline("http://scripting.com/rss.xml", Some("Scripting News"), &[]),
            ]
        );
    }

    #[test]
    fn opml_2_titles_categories_and_atom() {
        let doc = "<opml version=\"2.0\"><body>\
            <outline title=\"Tech, Science\" text=\"ignored\">\
              <outline type=\"atom\" title=\"Réseau\" text=\"t\" xmlUrl=\" https://a.example/atom \" \
                       category=\"/Harvard/Berkman,/Politics, daily\"/>\
              <outline type=\"RSS\" text=\"Only text\" xmlurl=\"https://b.example/rss\"/>\
              <outline type=\"include\" xmlUrl=\"https://c.example/other.opml\"/>\
            </outline></body></opml>";
        assert_eq!(
            read(doc.as_bytes()).unwrap(),
            [
                outline(
                    "https://a.example/atom",
                    Some("Réseau"),
                    &["Tech", "Science", "Harvard/Berkman", "Politics", "daily"]
                ),
                outline(
                    "https://b.example/rss",
                    Some("Only text"),
                    &["Tech", "Science"]
                ),
            ]
        );
    }

    #[test]
    fn latin_1_is_decoded_by_its_declaration() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<opml><body>\
            <outline text=\"Z"
            .to_vec();
        doc.push(0xFC); // ü in ISO-8859-1
        doc.extend_from_slice(b"rich\" xmlUrl=\"https://z.example/rss\"/></body></opml>");
        assert_eq!(read(&doc).unwrap()[0].name.as_deref(), Some("Zürich"));
        // The same byte in a file that says nothing is not UTF-8.
        let bare = &doc[doc.iter().position(|&b| b == b'\n').unwrap() + 1..];
        assert!(read(bare).unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn dtds_and_entities_are_refused_without_being_expanded() {
        let laughs = br#"<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<opml><body><outline text="&lol2;" xmlUrl="https://a.example/rss"/></body></opml>"#;
        assert!(read(laughs).unwrap_err().contains("DOCTYPE"));
        let undefined =
            br#"<opml><body><outline text="&lol;" xmlUrl="https://a.example/rss"/></body></opml>"#;
        assert!(
            read(undefined)
                .unwrap_err()
                .contains("only XML's own entities")
        );
        let external = br#"<opml><body><outline text="&#x26;amp;" xmlUrl="https://a.example/rss"/></body></opml>"#;
        assert_eq!(read(external).unwrap()[0].name.as_deref(), Some("&amp;"));
    }

    #[test]
    fn what_is_not_opml_says_so() {
        let cases: [(&[u8], &str); 5] = [
            (
                b"<rss version=\"2.0\"><channel/></rss>",
                "looks like a feed itself",
            ),
            (b"not xml at all", "no <opml> element"),
            (
                b"<opml><body><outline></body></opml>",
                "not well-formed XML (line 1",
            ),
            (b"", "no <opml> element"),
            (b"<opml><body>\xff</body></opml>", "UTF-8"),
        ];
        for (doc, says) in cases {
            let error = read(doc).unwrap_err();
            assert!(
                error.contains(says),
                "{:?}: {error}",
                String::from_utf8_lossy(doc)
            );
        }
        let deep = format!(
            "<opml><body>{}</body></opml>",
            "<outline text=\"x\">".repeat(100)
        );
        assert!(
            read(deep.as_bytes())
                .unwrap_err()
                .contains("nest more than")
        );
    }

    fn feed(url: &str, name: &str, tags: &[&str]) -> Feed {
        Feed {
            url: url.to_owned(),
            name: name.to_owned(),
            store: PathBuf::from("/s.json"),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            every: Duration::from_secs(3600),
            keep: 1000,
            line: 1,
            breaking: Vec::new(),
        }
    }

    #[test]
    fn export_groups_by_first_tag_and_escapes() {
        let subscriptions = Subscriptions {
            path: PathBuf::from("/feeds.toml"),
            feeds: vec![
                feed(
                    "https://a.example/rss?x=1&y=2",
                    "A <&> \"B\"",
                    &["news", "daily", "a/b"],
                ),
                feed("https://b.example/rss", "Plain", &[]),
                feed("https://c.example/rss", "C", &["news"]),
                feed("https://d.example/rss", "D", &["tech"]),
            ],
            problems: vec![],
        };
        assert_eq!(
            export_opml(&subscriptions),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<opml version=\"2.0\">
  <head>
    <title>Herald subscriptions</title>
  </head>
  <body>
    <outline text=\"news\" title=\"news\">
      <outline type=\"rss\" text=\"A &lt;&amp;&gt; &quot;B&quot;\" title=\"A &lt;&amp;&gt; &quot;B&quot;\" xmlUrl=\"https://a.example/rss?x=1&amp;y=2\" category=\"daily,a/b\"/>
      <outline type=\"rss\" text=\"C\" title=\"C\" xmlUrl=\"https://c.example/rss\"/>
    </outline>
    <outline type=\"rss\" text=\"Plain\" title=\"Plain\" xmlUrl=\"https://b.example/rss\"/>
    <outline text=\"tech\" title=\"tech\">
      <outline type=\"rss\" text=\"D\" title=\"D\" xmlUrl=\"https://d.example/rss\"/>
    </outline>
  </body>
</opml>
"
        );
        let back = read(export_opml(&subscriptions).as_bytes()).unwrap();
        let mut expected: Vec<Outline> = subscriptions
            .feeds
            .iter()
            .map(|f| Outline {
                url: f.url.clone(),
                name: Some(f.name.clone()),
                tags: f.tags.clone(),
            })
            .collect();
        expected.sort_by(|a, b| a.url.cmp(&b.url));
        let mut back = back;
        back.sort_by(|a, b| a.url.cmp(&b.url));
        assert_eq!(back, expected);
        assert_eq!(escaped("a\tb\nc\u{1}\u{FFFE}d"), "a&#9;b&#10;cd");
    }
}
