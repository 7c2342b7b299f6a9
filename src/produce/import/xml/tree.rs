//! A feed's XML as a small tree of elements, read leniently the way feed readers must.
//!
//! Feeds in the wild are often not well-formed XML: HTML entities (`&aacute;`) that XML does
//! not define, a bare `&`, end tags that do not match, and character references to
//! windows-1252 punctuation (`&#146;`). A strict parser refuses the whole feed for any of
//! these; this one reads on, like feedparser and newsboat do, and keeps what it can. What it
//! still cannot read (markup cut off mid-tag) ends the document there: the items before the
//! break are kept and the break is reported with its line and column.
//!
//! Entities: XML's five, character references, those a DOCTYPE's internal subset declares
//! (expanded once, never recursively, so no "billion laughs"), and HTML's named entities.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::engine::store::Position;

/// Elements nested deeper than this are read as if they were at this depth; no feed needs
/// more, and a crafted one must not exhaust the stack of whoever walks the tree.
const MAX_DEPTH: usize = 128;

/// The longest replacement text an internal-subset entity may have.
const MAX_ENTITY_LENGTH: usize = 4096;

/// The namespaces feeds use, told apart by their URI (or, when a feed forgets to declare a
/// prefix, by the prefix everyone uses for them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ns {
    /// No namespace: RSS 0.9x and 2.0, and unknown elements of feeds that declare none.
    None,
    Atom10,
    Atom03,
    /// RSS 1.0 (`http://purl.org/rss/1.0/`).
    Rss10,
    /// RSS 0.90 (`http://my.netscape.com/rdf/simple/0.9/`).
    Rss090,
    /// RDF's syntax namespace, RSS 1.0's root (`rdf:RDF`) and `rdf:about`.
    Rdf,
    DublinCore,
    DcTerms,
    Content,
    Itunes,
    Media,
    Xhtml,
    Xml,
    Other(String),
}

impl Ns {
    fn of_uri(uri: &str) -> Self {
        let uri = uri.trim();
        let bare = uri.trim_end_matches(['/', '#']);
        match bare {
            "http://www.w3.org/2005/Atom" => Self::Atom10,
            "http://purl.org/atom/ns" => Self::Atom03,
            "http://purl.org/rss/1.0" => Self::Rss10,
            "http://my.netscape.com/rdf/simple/0.9" => Self::Rss090,
            // RSS 2.0 in the namespace UserLand once gave it, and the 0.91/0.92 ones some
            // generators declare: the elements are RSS 2.0's own.
            "http://backend.userland.com/rss2"
            | "http://backend.userland.com/rss"
            | "http://blogs.law.harvard.edu/tech/rss" => Self::None,
            "http://www.w3.org/1999/02/22-rdf-syntax-ns" => Self::Rdf,
            "http://purl.org/dc/elements/1.1" => Self::DublinCore,
            "http://purl.org/dc/terms" => Self::DcTerms,
            "http://purl.org/rss/1.0/modules/content" => Self::Content,
            "http://www.itunes.com/dtds/podcast-1.0.dtd"
            | "http://www.itunes.com/DTDs/Podcast-1.0.dtd" => Self::Itunes,
            "http://search.yahoo.com/mrss" | "http://search.yahoo.com/rss" => Self::Media,
            "http://www.w3.org/1999/xhtml" => Self::Xhtml,
            "http://www.w3.org/XML/1998/namespace" => Self::Xml,
            "" => Self::None,
            // Drafts and misspellings of the feed namespaces (`...atom/ns#draft-ietf-...`,
            // `.../2005/Atom/`) mean the same elements.
            _ if bare.starts_with("http://www.w3.org/2005/Atom") => Self::Atom10,
            _ if bare.starts_with("http://purl.org/atom/ns") => Self::Atom03,
            _ if bare.starts_with("http://purl.org/rss/1.0") && !bare.contains("modules") => {
                Self::Rss10
            }
            _ => Self::Other(uri.to_owned()),
        }
    }

    /// The namespace an undeclared prefix almost certainly means.
    fn of_conventional_prefix(prefix: &str) -> Self {
        match prefix {
            "atom" => Self::Atom10,
            "rdf" => Self::Rdf,
            "dc" => Self::DublinCore,
            "dcterms" => Self::DcTerms,
            "content" => Self::Content,
            "itunes" => Self::Itunes,
            "media" => Self::Media,
            "xhtml" | "html" => Self::Xhtml,
            "xml" => Self::Xml,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One element: its namespace and local name, attributes, and what it holds.
#[derive(Debug)]
pub struct Element {
    pub ns: Ns,
    pub name: String,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
    /// Byte offset of its start tag in the document, for messages about it.
    pub offset: usize,
}

#[derive(Debug)]
pub struct Attribute {
    pub ns: Ns,
    pub name: String,
    pub value: String,
}

#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn is(&self, ns: &Ns, name: &str) -> bool {
        self.ns == *ns && self.name == name
    }

    /// An attribute without a namespace (or with the given one), by local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name && matches!(a.ns, Ns::None))
            .map(|a| a.value.as_str())
    }

    pub fn attribute_in(&self, ns: &Ns, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name && a.ns == *ns)
            .map(|a| a.value.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this namespace and name.
    pub fn child(&self, ns: &Ns, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// All the text inside, elements' text included, in document order.
    pub fn text(&self) -> String {
        let mut text = String::new();
        self.collect_text(&mut text);
        text
    }

    fn collect_text(&self, into: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(t) => into.push_str(t),
                Node::Element(e) => e.collect_text(into),
            }
        }
    }

    pub fn has_elements(&self) -> bool {
        self.elements().next().is_some()
    }
}

/// A parsed document: its root element, and what was wrong with it but read anyway.
#[derive(Debug)]
pub struct Document {
    pub root: Element,
    /// Where the document was cut short, and why (worded as a cause: the caller says what
    /// that meant), with the byte offset it is about.
    pub warnings: Vec<(usize, String)>,
}

/// Reads `text` (already decoded to UTF-8). `Err` says why nothing could be read, with the
/// line and column.
pub fn parse(text: &str) -> Result<Document, String> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.allow_unmatched_ends = true;
    config.check_end_names = false;
    config.allow_dangling_amp = true;
    config.check_comments = false;

    let mut entities: HashMap<String, String> = HashMap::new();
    let mut scopes: Vec<Vec<(String, Ns)>> = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    // Elements past MAX_DEPTH are not kept as elements; their text joins their ancestor's.
    let mut too_deep = 0usize;
    let mut root: Option<Element> = None;
    let mut warnings = Vec::new();
    let mut stack_cut = false;
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let error_at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                let error = crate::text::sanitize_line(&error.to_string()).into_owned();
                if stack.is_empty() && root.is_none() {
                    let position = Position::of_offset(text, error_at);
                    return Err(format!(
                        "it is not XML Herald can read (line {}, column {}: {error})",
                        position.line, position.column
                    ));
                }
                warnings.push((error_at, format!("the XML is broken here ({error})")));
                stack_cut = true;
                break;
            }
        };
        match event {
            Event::DocType(doctype) => {
                declared_entities(&doctype.xml10_content(), &mut entities);
            }
            // A second root element: not XML, but the first one is the feed.
            Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => break,
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    too_deep += 1;
                    continue;
                }
                let element = open(&start, offset, &mut scopes, &entities);
                stack.push(element);
            }
            Event::Empty(start) => {
                if stack.len() >= MAX_DEPTH {
                    continue;
                }
                let element = open(&start, offset, &mut scopes, &entities);
                scopes.pop();
                close_into(element, &mut stack, &mut root);
            }
            Event::End(end) => {
                if too_deep > 0 {
                    too_deep -= 1;
                    continue;
                }
                // An end tag closes the innermost open element of that name; one that
                // matches nothing open is ignored (`<p>a</b></p>`).
                let local = end.local_name();
                let name: &str = local.as_ref();
                let Some(depth) = stack.iter().rposition(|e| e.name == name) else {
                    continue;
                };
                while stack.len() > depth {
                    let Some(element) = stack.pop() else { break };
                    scopes.pop();
                    close_into(element, &mut stack, &mut root);
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(reference) => {
                let name = reference.xml10_content();
                let text = resolve(&name, &entities).unwrap_or_else(|| format!("&{name};"));
                push_text(&mut stack, &text);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    // Whatever is still open at the end was cut off: keep it (a feed truncated mid-item
    // still has its earlier items).
    if !stack_cut && let Some(open) = stack.last() {
        warnings.push((
            text.len(),
            format!(
                "the document ends inside <{}>, which was never closed: it was cut short",
                crate::text::sanitize_line(&open.name)
            ),
        ));
    }
    while let Some(element) = stack.pop() {
        close_into(element, &mut stack, &mut root);
    }
    match root {
        Some(root) => Ok(Document { root, warnings }),
        None => Err("it is XML with no root element".to_owned()),
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(last)) = parent.children.last_mut() {
            last.push_str(text);
        } else {
            parent.children.push(Node::Text(text.to_owned()));
        }
    }
}

fn close_into(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => {
            if root.is_none() {
                *root = Some(element);
            }
        }
    }
}

/// Builds an element from its start tag, opening its namespace scope.
fn open(
    start: &BytesStart<'_>,
    offset: usize,
    scopes: &mut Vec<Vec<(String, Ns)>>,
    entities: &HashMap<String, String>,
) -> Element {
    let mut declared = Vec::new();
    let mut raw = Vec::new();
    for attribute in start.attributes().with_checks(false).flatten() {
        let key: &str = attribute.key.as_ref();
        let key = key.to_owned();
        let value = unescape(&attribute.value, entities);
        if key == "xmlns" {
            declared.push((String::new(), Ns::of_uri(&value)));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            declared.push((prefix.to_owned(), Ns::of_uri(&value)));
        } else {
            raw.push((key, value));
        }
    }
    scopes.push(declared);
    let lookup = |prefix: &str| -> Ns {
        scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(p, _)| p == prefix)
            .map(|(_, ns)| ns.clone())
            .unwrap_or_else(|| {
                if prefix.is_empty() {
                    Ns::None
                } else {
                    Ns::of_conventional_prefix(prefix)
                }
            })
    };
    let qualified = start.name();
    let (prefix, name) = split_name(qualified.as_ref());
    let ns = lookup(prefix);
    let attributes = raw
        .into_iter()
        .map(|(key, value)| {
            let (prefix, name) = split_name(&key);
            // Unprefixed attributes are in no namespace, whatever the default one is.
            let ns = if prefix.is_empty() {
                Ns::None
            } else {
                lookup(prefix)
            };
            Attribute {
                ns,
                name: name.to_owned(),
                value,
            }
        })
        .collect();
    Element {
        ns,
        name: name.to_owned(),
        attributes,
        children: Vec::new(),
        offset,
    }
}

fn split_name(qualified: &str) -> (&str, &str) {
    match qualified.split_once(':') {
        Some((prefix, name)) => (prefix, name),
        None => ("", qualified),
    }
}

/// The text an entity reference (`amp`, `#146`, `eacute`) stands for, if Herald knows it.
fn resolve(name: &str, entities: &HashMap<String, String>) -> Option<String> {
    if let Some(number) = name.strip_prefix('#') {
        return character_reference(number).map(String::from);
    }
    let predefined = match name {
        "amp" => Some("&"),
        "lt" => Some("<"),
        "gt" => Some(">"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        _ => None,
    };
    if let Some(text) = predefined {
        return Some(text.to_owned());
    }
    if let Some(text) = entities.get(name) {
        return Some(text.clone());
    }
    html_entity(name)
}

/// HTML's named entities (`eacute`, `nbsp`, `hellip`), which RSS feeds use as if XML had them.
fn html_entity(name: &str) -> Option<String> {
    let key = format!("{name};");
    let &(first, second) = markup5ever::data::NAMED_ENTITIES.get(key.as_str())?;
    let mut text = String::new();
    text.push(char::from_u32(first)?);
    if second != 0 {
        text.push(char::from_u32(second)?);
    }
    Some(text)
}

/// `#233`, `#xE9`. References to 128-159 mean windows-1252's punctuation (`&#146;` is the
/// right single quote), as browsers and feedparser read them: in Unicode they are invisible
/// control characters no feed means.
fn character_reference(number: &str) -> Option<char> {
    let value = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    if (0x80..=0x9F).contains(&value) {
        let byte = u8::try_from(value).ok()?;
        let bytes = [byte];
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
        return text.chars().next();
    }
    char::from_u32(value).filter(|c| *c != '\0')
}

/// Replaces the references in an attribute value or entity text.
fn unescape(raw: &str, entities: &HashMap<String, String>) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .find(';')
            .filter(|&end| end <= 32 && !after[..end].contains(['&', ' ', '<']));
        match end.and_then(|end| resolve(&after[..end], entities).map(|t| (end, t))) {
            Some((end, text)) => {
                out.push_str(&text);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads `<!ENTITY name "value">` declarations from a DOCTYPE's internal subset. Parameter
/// entities and external ones (`SYSTEM`, `PUBLIC`) are ignored: Herald fetches nothing a
/// document names. Values are expanded once, with the entities known so far.
fn declared_entities(doctype: &str, entities: &mut HashMap<String, String>) {
    let Some(subset) = doctype.find('[').map(|i| &doctype[i + 1..]) else {
        return;
    };
    let mut rest = subset;
    while let Some(start) = rest.find("<!ENTITY") {
        rest = &rest[start + "<!ENTITY".len()..];
        let declaration = rest.trim_start();
        if declaration.starts_with('%') {
            continue;
        }
        let name_end = declaration
            .find(|c: char| c.is_whitespace())
            .unwrap_or(declaration.len());
        let name = &declaration[..name_end];
        let value = declaration[name_end..].trim_start();
        let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        let Some(length) = value[1..].find(quote) else {
            break;
        };
        let literal = &value[1..1 + length];
        if name.is_empty() || literal.len() > MAX_ENTITY_LENGTH || entities.len() > 1024 {
            continue;
        }
        let text = unescape(literal, entities);
        entities.entry(name.to_owned()).or_insert(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Element {
        parse(text).unwrap().root
    }

    #[test]
    fn html_entities_and_windows_1252_references_are_read() {
        let doc = root("<rss><t>Caf&eacute; &#146;n&#x92; &amp; &hellip; &nope; AT&T</t></rss>");
        let t = doc.child(&Ns::None, "t").unwrap();
        assert_eq!(t.text(), "Café \u{2019}n\u{2019} & … &nope; AT&T");
    }

    #[test]
    fn internal_subset_entities_expand_once() {
        let doc = root(
            "<!DOCTYPE rss [<!ENTITY who \"Mara &amp; Co\"><!ENTITY twice \"&who;&who;\">\
             <!ENTITY ext SYSTEM \"file:///etc/passwd\">]><rss>&who;|&twice;|&ext;</rss>",
        );
        assert_eq!(doc.text(), "Mara & Co|Mara & CoMara & Co|&ext;");
    }

    #[test]
    fn namespaces_by_uri_and_by_conventional_prefix() {
        let doc = root(
            "<rss xmlns:c=\"http://purl.org/rss/1.0/modules/content/\"><c:encoded>x</c:encoded>\
             <dc:creator>Ana</dc:creator></rss>",
        );
        assert!(doc.child(&Ns::Content, "encoded").is_some());
        assert_eq!(doc.child(&Ns::DublinCore, "creator").unwrap().text(), "Ana");
        let userland = root("<rss xmlns=\"http://backend.userland.com/rss2\"><channel/></rss>");
        assert_eq!(userland.ns, Ns::None);
    }

    #[test]
    fn mismatched_end_tags_and_truncation_keep_what_came_before() {
        let doc = parse("<rss><item><title>One</b></title></item><item><title>Two").unwrap();
        let items: Vec<String> = doc.root.elements().map(Element::text).collect();
        assert_eq!(items, ["One", "Two"]);
        let broken = parse("<rss><item><title>One</title></item><item <<").unwrap();
        assert_eq!(broken.root.elements().count(), 1);
        assert!(
            broken.warnings[0].1.contains("broken"),
            "{:?}",
            broken.warnings
        );
        assert_eq!(broken.warnings[0].0, 36, "the start of the broken tag");
        let cut = parse("<rss><item><title>One</title></item><item><title>Tw").unwrap();
        assert!(
            cut.warnings[0].1.contains("ends inside <title>"),
            "{:?}",
            cut.warnings
        );
    }

    #[test]
    fn nothing_readable_is_an_error_with_a_position() {
        let error = parse("\n\n  <rss a=\"1").unwrap_err();
        assert!(error.contains("line 3"), "{error}");
        assert!(parse("just text").is_err());
    }

    #[test]
    fn deep_nesting_is_flattened_not_recursed() {
        let deep = format!(
            "<rss>{}x{}</rss>",
            "<d>".repeat(10_000),
            "</d>".repeat(10_000)
        );
        let doc = root(&deep);
        assert_eq!(doc.text(), "x");
    }
}
