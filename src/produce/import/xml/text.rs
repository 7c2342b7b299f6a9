//! What a feed element's text is: plain text, escaped HTML, inline XHTML, or base64, as Atom's
//! `type` and `mode` say, or as RSS leaves a reader to tell.

use base64::Engine as _;
use quick_xml::escape::escape;

use super::tree::{Element, Node, Ns};

/// An element's content, read: `html` says whether `content` is HTML to be parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Content {
    pub content: String,
    pub html: bool,
}

/// How to read an element whose format does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    /// RSS descriptions and `content:encoded`: HTML, escaped or not.
    Html,
    /// RSS titles and names: plain text, unless it plainly holds markup or entities.
    Sniff,
    /// Atom's text constructs without a `type`: plain text.
    Text,
}

impl Default {
    /// A `<title>`: Atom says what it is (plain unless typed); RSS leaves it to be told.
    pub fn for_title(title: &Element) -> Self {
        if matches!(title.ns, Ns::Atom10 | Ns::Atom03) {
            Self::Text
        } else {
            Self::Sniff
        }
    }
}

/// Reads a text construct: Atom 1.0 `type` (`text`, `html`, `xhtml`, a MIME type), Atom 0.3
/// `mode` (`xml`, `escaped`, `base64`), markup written straight into an RSS element, or text.
/// `Err` names what could not be read (a base64 payload that is not text).
pub fn read(element: &Element, default: Default) -> Result<Content, String> {
    let kind = element
        .attribute("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mode = element
        .attribute("mode")
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let is_html_type = kind == "html" || kind.contains("html");
    let is_mime = kind.contains('/');
    let is_xml_mime = is_mime && (kind.ends_with("+xml") || kind.ends_with("/xml"));
    if mode == "base64" || (is_mime && !kind.starts_with("text/") && !is_xml_mime) {
        return base64_text(&element.text(), &kind).map(|content| Content {
            // A binary MIME type that turns out to be text: HTML if it looks like it.
            html: is_html_type || (!kind.starts_with("text/") && looks_like_html(&content)),
            content,
        });
    }
    if kind == "xhtml" || is_xml_mime || element.has_elements() {
        return Ok(Content {
            content: markup_of(element),
            html: true,
        });
    }
    let text = element.text();
    let html = match kind.as_str() {
        "text" | "text/plain" => false,
        _ if is_html_type || mode == "escaped" => true,
        _ => match default {
            Default::Html => true,
            Default::Text => false,
            Default::Sniff => looks_like_html(&text),
        },
    };
    Ok(Content {
        content: text,
        html,
    })
}

/// Base64 content, when it is text (Atom allows any MIME type; an image is no article text).
fn base64_text(encoded: &str, kind: &str) -> Result<String, String> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
        .map_err(|e| format!("its base64 content cannot be decoded ({e})"))?;
    let is_text = kind.is_empty() || kind.starts_with("text/") || kind.contains("html");
    match String::from_utf8(bytes) {
        Ok(text) if is_text || !text.contains('\0') => Ok(text),
        _ => {
            // The type is the feed's text: neutralised, and cut short, before it is shown.
            let kind: String = crate::text::sanitize_line(kind).chars().take(64).collect();
            Err(format!(
                "its content is {} data, not text",
                if kind.is_empty() { "binary" } else { &kind }
            ))
        }
    }
}

/// Whether text in an element that should be plain holds HTML anyway (`<b>`, `&amp;`): RSS
/// titles often do, and feedparser reads them as HTML too.
pub fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
        || bytes.iter().enumerate().any(|(i, &b)| {
            b == b'&'
                && bytes[i + 1..]
                    .iter()
                    .take(10)
                    .position(|&c| c == b';')
                    .is_some_and(|end| {
                        end > 0
                            && bytes[i + 1..i + 1 + end]
                                .iter()
                                .all(|c| c.is_ascii_alphanumeric() || *c == b'#')
                    })
        })
}

/// An element's children written back as HTML, for inline XHTML and for markup written
/// unescaped into RSS (`<description><p>Hi</p></description>`). Element names lose their
/// prefix (`xhtml:p` is `p`); Atom's wrapping XHTML `div` is left out.
pub fn markup_of(element: &Element) -> String {
    let mut html = String::new();
    let mut children: Vec<&Node> = element.children.iter().collect();
    let only_div = {
        let elements: Vec<&Element> = element.elements().collect();
        let text_outside = element
            .children
            .iter()
            .any(|n| matches!(n, Node::Text(t) if !t.trim().is_empty()));
        match elements.as_slice() {
            [div] if div.name == "div" && div.ns == Ns::Xhtml && !text_outside => Some(*div),
            _ => None,
        }
    };
    if let Some(div) = only_div {
        children = div.children.iter().collect();
    }
    for child in children {
        write_node(child, &mut html);
    }
    html
}

fn write_node(node: &Node, html: &mut String) {
    match node {
        Node::Text(text) => html.push_str(&escape(text)),
        Node::Element(element) => {
            html.push('<');
            html.push_str(&element.name);
            for attribute in &element.attributes {
                html.push(' ');
                html.push_str(&attribute.name);
                html.push_str("=\"");
                html.push_str(&escape(&attribute.value));
                html.push('"');
            }
            html.push('>');
            if is_void(&element.name) {
                return;
            }
            for child in &element.children {
                write_node(child, html);
            }
            html.push_str("</");
            html.push_str(&element.name);
            html.push('>');
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr"
            | "img"
            | "input"
            | "meta"
            | "link"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "source"
            | "track"
            | "wbr"
    )
}

#[cfg(test)]
mod tests {
    use super::super::tree;
    use super::*;

    fn first(xml: &str) -> Content {
        let doc = tree::parse(xml).unwrap();
        let element = doc.root.elements().next().unwrap();
        read(element, Default::Sniff).unwrap()
    }

    #[test]
    fn atom_types_and_modes() {
        assert_eq!(
            first("<f><t type=\"html\">&lt;b&gt;x&lt;/b&gt;</t></f>"),
            Content {
                content: "<b>x</b>".into(),
                html: true
            }
        );
        assert_eq!(
            first("<f><t type=\"text\">&lt;b&gt; is a tag</t></f>"),
            Content {
                content: "<b> is a tag".into(),
                html: false
            }
        );
        let xhtml = first(
            "<f xmlns:x=\"http://www.w3.org/1999/xhtml\"><t type=\"xhtml\"><x:div>A <x:b>bold</x:b> \
             &amp; <x:a href=\"/a?b&amp;c\">link</x:a></x:div></t></f>",
        );
        assert_eq!(
            xhtml.content,
            "A <b>bold</b> &amp; <a href=\"/a?b&amp;c\">link</a>"
        );
        assert!(xhtml.html);
        // "<p>Hi</p>" in base64, as Atom 0.3's mode and as Atom 1.0 with a MIME type.
        assert_eq!(
            first("<f><t type=\"text/html\" mode=\"base64\">PHA+SGk8L3A+</t></f>"),
            Content {
                content: "<p>Hi</p>".into(),
                html: true
            }
        );
        assert_eq!(
            first("<f><t type=\"application/octet-stream\">PHA+SGk8\nL3A+</t></f>").content,
            "<p>Hi</p>"
        );
        let image =
            tree::parse("<f><t type=\"image/png\">iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB</t></f>")
                .unwrap();
        let error = read(image.root.elements().next().unwrap(), Default::Text).unwrap_err();
        assert!(error.contains("image/png"), "{error}");
        // Found by the fuzzer: the type was put in the message as the feed wrote it.
        let hostile = tree::parse("<f><t type=\"a/\u{1b}[2J\">AAAA</t></f>").unwrap();
        let error = read(hostile.root.elements().next().unwrap(), Default::Text).unwrap_err();
        assert!(crate::text::is_inert(&error), "{error:?}");
    }

    #[test]
    fn unescaped_markup_in_rss_is_html() {
        let content = first("<i><description>Read <b>this</b><br/>now</description></i>");
        assert_eq!(content.content, "Read <b>this</b><br>now");
        assert!(content.html);
    }

    #[test]
    fn sniffing_plain_fields() {
        assert!(looks_like_html("Snow &amp; Ice"));
        assert!(looks_like_html("a <em>b</em>"));
        assert!(!looks_like_html("AT&T: 3 < 4 & more"));
    }
}
