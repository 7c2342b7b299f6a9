//! RSS (0.90, 0.91-0.94, 1.0, 2.0 in any namespace or version) and Atom (0.3, 1.0) into
//! articles.
//!
//! Herald reads feeds itself, on quick-xml, rather than through feed-rs: on real feeds feed-rs
//! refused whole documents for an unknown `version`, Atom 0.3, an HTML entity or a DOCTYPE,
//! and normalised every date to UTC, so the feed's own calendar day was lost. Split by job:
//! [`decode`] turns bytes into text, [`tree`] reads the XML leniently, [`text`] reads a text
//! construct, and [`entry`] reads one item.

pub mod decode;
pub mod entry;
pub mod text;
pub mod tree;

use url::Url;

use super::body::line_of;
use super::{Imported, Overrides};
use crate::engine::store::Position;
use entry::Inherited;
use tree::{Element, Ns};

/// Parses RSS or Atom. `input` names the document in messages and, when it is an `http(s)`
/// URL (a fetched feed), is the base its relative links are resolved against. `Err` says why
/// nothing could be read, with the line and column where that is known.
pub fn parse_xml_feed(
    input: &str,
    bytes: &[u8],
    overrides: &Overrides,
) -> Result<Imported, String> {
    let decoded = decode::decode_xml(bytes);
    let document = tree::parse(&decoded.text)?;
    let mut imported = Imported::default();
    // Every warning names the document, as the README promises; a decoding one has no line.
    imported
        .warnings
        .extend(decoded.warnings.iter().map(|w| format!("{input}: {w}")));
    let mut locator = crate::engine::store::Locator::new(&decoded.text);
    let mut at = |offset: usize| {
        let position: Position = locator.locate(offset);
        format!("{input}:{}:{}", position.line, position.column)
    };
    imported.warnings.extend(
        document.warnings.iter().map(|(offset, cause)| {
            format!("{}: {cause}; the items before it were read", at(*offset))
        }),
    );
    let root = &document.root;
    let document_url = Url::parse(input)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let root_base = entry::base_of(root, document_url.as_ref());
    let channel = root
        .elements()
        .find(|e| e.name == "channel" && !matches!(e.ns, Ns::Other(_)));
    let feed_element = channel.unwrap_or(root);
    imported.name = feed_element
        .elements()
        .find(|e| e.name == "title" && entry::is_core(&e.ns))
        .and_then(|t| text::read(t, text::Default::for_title(t)).ok())
        .map(|c| line_of(&c.content, c.html))
        .filter(|t| !t.is_empty());
    let feed_children: Vec<&Element> = feed_element.elements().collect();
    let inherited = Inherited {
        source: overrides.source.clone().or_else(|| imported.name.clone()),
        author: matches!(root.ns, Ns::Atom10 | Ns::Atom03)
            .then(|| entry::author_of(&feed_children))
            .flatten(),
    };
    let items = items_of(root);
    // Cut short before its first item (a transfer that broke off, a server error page ending
    // mid-tag): that is no feed with nothing in it, and must not pass for one, or a fetch
    // would call a broken answer "new 0".
    if items.is_empty()
        && let Some((offset, problem)) = document.warnings.first()
    {
        let position = Position::of_offset(&decoded.text, *offset);
        return Err(format!(
            "it is not a whole feed (line {}, column {}: {problem}, before any item)",
            position.line, position.column
        ));
    }
    let mut undated_zones = 0;
    for (number, (item, parent)) in items.iter().enumerate() {
        let base = if std::ptr::eq(*parent, root) {
            root_base.clone()
        } else {
            entry::base_of(parent, root_base.as_ref())
        };
        let mut notes = entry::Notes::default();
        let article = entry::read(item, base.as_ref(), &inherited, overrides, &mut notes);
        if notes.assumed_utc {
            undated_zones += 1;
        }
        if !notes.problems.is_empty() {
            let at = at(item.offset);
            for problem in notes.problems {
                imported
                    .warnings
                    .push(format!("{at}: item {}: {problem}", number + 1));
            }
        }
        imported.articles.extend(article);
    }
    if undated_zones > 0 {
        imported.warnings.push(format!(
            "{input}: {undated_zones} item{} a time without a time zone; read as UTC",
            if undated_zones == 1 { " has" } else { "s have" }
        ));
    }
    if items.is_empty() && !is_feed_root(root) {
        return Err(format!(
            "it is XML with root element <{}>, not a feed (expected <rss>, <rdf:RDF> or <feed>)",
            crate::text::sanitize_line(&root.name)
        ));
    }
    Ok(imported)
}

fn is_feed_root(root: &Element) -> bool {
    matches!(root.name.as_str(), "rss" | "RDF" | "feed" | "channel")
}

/// The feed's items with the element they sit in: RSS `channel/item` (and `item` beside the
/// channel, as RSS 0.90 and 1.0 put them), Atom `feed/entry`.
fn items_of(root: &Element) -> Vec<(&Element, &Element)> {
    let is_item = |e: &Element| {
        entry::is_core(&e.ns) && (e.name == "item" || (e.name == "entry" && e.ns != Ns::None))
            || (e.name == "entry" && root.name == "feed")
    };
    let mut items = Vec::new();
    for child in root.elements() {
        if is_item(child) {
            items.push((child, root));
        } else if child.name == "channel" {
            items.extend(child.elements().filter(|e| is_item(e)).map(|e| (e, child)));
        }
    }
    items
}

#[cfg(test)]
mod tests;
