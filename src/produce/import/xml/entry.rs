//! One RSS item or Atom entry into an article. RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 are read by
//! the same code, element by element, the way feedparser reads them: each element means the
//! same thing wherever it appears, so a feed that mixes vocabularies (RSS with Atom links,
//! Dublin Core, iTunes, Media RSS, content:encoded) is read whole.

use url::Url;

use super::super::body::{first_words, line_of, text_of};
use super::super::date;
use super::super::{ImportedArticle, ImportedEnclosure, Overrides, fallback_id};
use super::text::{self, Content};
use super::tree::{Element, Ns};
use crate::text::sanitize_line;

/// What the feed itself says that its items inherit.
#[derive(Debug, Default)]
pub struct Inherited {
    pub source: Option<String>,
    /// The feed's author, for items that name none (Atom says they inherit it).
    pub author: Option<String>,
}

/// What reading an item found worth telling.
#[derive(Debug, Default)]
pub struct Notes {
    pub problems: Vec<String>,
    /// The item's dates had a time but no zone (read as UTC).
    pub assumed_utc: bool,
}

/// The item's namespace family: the elements RSS and Atom define are looked for in these.
pub fn is_core(ns: &Ns) -> bool {
    matches!(
        ns,
        Ns::None | Ns::Rss10 | Ns::Rss090 | Ns::Atom10 | Ns::Atom03
    )
}

/// The address `xml:base` (or, above it, the document's own URL) makes of `element`'s
/// links.
pub fn base_of(element: &Element, parent: Option<&Url>) -> Option<Url> {
    match element.attribute_in(&Ns::Xml, "base") {
        Some(base) => match parent {
            Some(parent) => parent.join(base.trim()).ok(),
            None => Url::parse(base.trim()).ok(),
        }
        .or_else(|| parent.cloned()),
        None => parent.cloned(),
    }
}

/// A link made absolute against `base`, sanitised; relative as written when there is no
/// base to resolve it against.
pub fn resolve(base: Option<&Url>, link: &str) -> String {
    let link = link.trim();
    let resolved = base
        .and_then(|b| b.join(link).ok())
        .map_or_else(|| link.to_owned(), String::from);
    sanitize_line(&resolved).into_owned()
}

/// Reads `item` into an article; `None` when it holds nothing a reader could use (the reason
/// is in `notes`).
pub fn read(
    item: &Element,
    base: Option<&Url>,
    inherited: &Inherited,
    overrides: &Overrides,
    notes: &mut Notes,
) -> Option<ImportedArticle> {
    let base = base_of(item, base);
    let base = base.as_ref();
    let children: Vec<&Element> = item.elements().collect();
    let find = |test: &dyn Fn(&Element) -> bool| children.iter().copied().find(|e| test(e));
    let core = |name: &'static str| move |e: &Element| is_core(&e.ns) && e.name == name;
    let content_of = |element: &Element, default: text::Default, notes: &mut Notes| match text::read(
        element, default,
    ) {
        Ok(content) => Some(content),
        Err(problem) => {
            notes.problems.push(format!(
                "its <{}> was left out: {problem}",
                clean(&element.name)
            ));
            None
        }
    };

    // Body and summary.
    let element_base = |e: &Element| base_of(e, base);
    let text_field = |element: &Element, content: Content| {
        let base = element_base(element);
        let resolve_link = |link: &str| resolve(base.as_ref(), link);
        let (plain, html) = text_of(&content.content, content.html, &resolve_link);
        (!plain.is_empty()).then_some((plain, html))
    };
    let mut content = None;
    let mut content_src = None;
    for element in &children {
        let default = match (&element.ns, element.name.as_str()) {
            (Ns::Content, "encoded") | (Ns::Xhtml, "body") => text::Default::Html,
            (ns, "body" | "fullitem") if is_core(ns) => text::Default::Html,
            (Ns::Atom10 | Ns::Atom03, "content") => {
                if let Some(src) = element.attribute("src") {
                    content_src = Some((resolve(element_base(element).as_ref(), src), element));
                    continue;
                }
                text::Default::Text
            }
            _ => continue,
        };
        if let Some(read) = content_of(element, default, notes).and_then(|c| text_field(element, c))
        {
            content = Some(read);
            break;
        }
    }
    let mut summary = None;
    for element in &children {
        let default = match (&element.ns, element.name.as_str()) {
            (ns, "description") if is_core(ns) => text::Default::Html,
            (Ns::Atom10 | Ns::Atom03, "summary") => text::Default::Text,
            (Ns::Itunes, "summary" | "subtitle") | (Ns::DublinCore, "description") => {
                text::Default::Sniff
            }
            (Ns::Media, "description") => text::Default::Sniff,
            _ => continue,
        };
        if let Some(read) = content_of(element, default, notes).and_then(|c| text_field(element, c))
        {
            summary = Some(read);
            break;
        }
    }
    // Without content, the summary is the article; keeping it in both would show it twice.
    let (summary, body, html) = match (content, summary) {
        (Some((body, html)), summary) => (
            summary.map(|(s, _)| s).filter(|s| *s != body),
            Some(body),
            html,
        ),
        (None, Some((summary, html))) => (None, Some(summary), html),
        (None, None) => (None, None, None),
    };

    // Links and enclosures.
    let mut url = None;
    let mut enclosures: Vec<ImportedEnclosure> = Vec::new();
    for element in &children {
        if !(is_core(&element.ns) && element.name == "link") {
            continue;
        }
        let own_base = element_base(element);
        match element.attribute("href") {
            Some(href) => {
                let rel = element.attribute("rel").unwrap_or("alternate").trim();
                let href = resolve(own_base.as_ref(), href);
                if href.is_empty() {
                    continue;
                }
                match rel {
                    "alternate" if url.is_none() => url = Some(href),
                    "enclosure" => enclosures.push(ImportedEnclosure {
                        url: href,
                        mime_type: element.attribute("type").map(clean),
                        length: element.attribute("length").and_then(length),
                        title: element.attribute("title").map(clean),
                    }),
                    _ => {}
                }
            }
            None => {
                let text = element.text();
                if url.is_none() && !text.trim().is_empty() {
                    url = Some(resolve(own_base.as_ref(), &text));
                }
            }
        }
    }
    for element in &children {
        let (url_attribute, length_attribute) = match (&element.ns, element.name.as_str()) {
            (ns, "enclosure") if is_core(ns) => ("url", "length"),
            (Ns::Media, "content") => ("url", "fileSize"),
            _ => continue,
        };
        if let Some(href) = element.attribute(url_attribute) {
            push_enclosure(
                &mut enclosures,
                element,
                resolve(element_base(element).as_ref(), href),
                length_attribute,
            );
        }
    }
    for group in children.iter().filter(|e| e.is(&Ns::Media, "group")) {
        for element in group.elements().filter(|e| e.is(&Ns::Media, "content")) {
            if let Some(href) = element.attribute("url") {
                push_enclosure(
                    &mut enclosures,
                    element,
                    resolve(element_base(element).as_ref(), href),
                    "fileSize",
                );
            }
        }
    }
    let guid = find(&core("guid"));
    let guid_text = guid.map(|g| sanitize_line(g.text().trim()).into_owned());
    // An RSS guid is a permalink unless it says otherwise.
    if url.is_none()
        && let (Some(guid), Some(text)) = (guid, &guid_text)
        && guid
            .attribute("isPermaLink")
            .is_none_or(|p| !p.trim().eq_ignore_ascii_case("false"))
        && (text.starts_with("http://") || text.starts_with("https://"))
    {
        url = Some(resolve(base, text));
    }
    if let Some((src, element)) = content_src {
        // Atom's out-of-line content: the article is at `src`.
        if url.is_none() {
            url = Some(src);
        } else {
            enclosures.push(ImportedEnclosure {
                url: src,
                mime_type: element.attribute("type").map(clean),
                length: None,
                title: None,
            });
        }
    }
    // An entry whose only address is its id (`<id>https://...</id>`): that is its link, as
    // feedparser reads it.
    if url.is_none()
        && let Some(id) = find(&core("id")).map(|e| e.text())
        && (id.trim().starts_with("http://") || id.trim().starts_with("https://"))
    {
        url = Some(resolve(base, &id));
    }
    let url = url.filter(|u| !u.is_empty());

    // Title.
    let title = find(&core("title"))
        .and_then(|t| content_of(t, text::Default::for_title(t), notes))
        .map(|c| line_of(&c.content, c.html))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            children
                .iter()
                .find(|e| {
                    e.is(&Ns::DublinCore, "title")
                        || e.is(&Ns::Itunes, "title")
                        || e.is(&Ns::Media, "title")
                })
                .map(|e| line_of(&e.text(), text::looks_like_html(&e.text())))
                .filter(|t| !t.is_empty())
        });

    // Dates.
    let date_of = |names: &[(&Ns, &str)], notes: &mut Notes| -> Option<String> {
        let element = names
            .iter()
            .find_map(|(ns, name)| children.iter().find(|e| e.ns == **ns && e.name == *name))?;
        let raw = element.text();
        match date::parse(&raw) {
            Some(parsed) => {
                notes.assumed_utc |= parsed.assumed_utc;
                Some(parsed.text)
            }
            None => {
                notes.problems.push(format!(
                    "its date \"{}\" is not one Herald can read, so it was kept undated",
                    // A message line, however long the feed's text.
                    sanitize_line(raw.trim())
                        .chars()
                        .take(80)
                        .collect::<String>()
                ));
                None
            }
        }
    };
    let published = date_of(
        &[
            (&Ns::None, "pubDate"),
            (&Ns::Atom10, "published"),
            (&Ns::Atom03, "issued"),
            (&Ns::Atom03, "created"),
            (&Ns::DublinCore, "date"),
            (&Ns::DcTerms, "issued"),
            (&Ns::DcTerms, "created"),
            (&Ns::DcTerms, "date"),
        ],
        notes,
    );
    let updated = date_of(
        &[
            (&Ns::Atom10, "updated"),
            (&Ns::Atom03, "modified"),
            (&Ns::DcTerms, "modified"),
        ],
        notes,
    );
    let (published, updated) = match (published, updated) {
        (None, updated) => (updated, None),
        (published, updated) => {
            let same = updated.is_some() && updated == published;
            (published, updated.filter(|_| !same))
        }
    };

    // Nothing to read: no title, no text, no link, no file.
    if title.is_none() && body.is_none() && url.is_none() && enclosures.is_empty() {
        notes
            .problems
            .push("it has no title, text, link or enclosure, so it was skipped".to_owned());
        return None;
    }
    let title = title
        .or_else(|| body.as_deref().or(summary.as_deref()).map(first_words))
        .or_else(|| enclosures.iter().find_map(|e| e.title.clone()))
        .or_else(|| enclosures.first().map(|e| file_name(&e.url)))
        .or_else(|| url.clone())
        .unwrap_or_default();

    // Id: the feed's own, else the link, else a file's address, else date and title.
    let id = guid_text
        .filter(|g| !g.is_empty())
        .or_else(|| {
            find(&core("id"))
                .map(|e| sanitize_line(e.text().trim()).into_owned())
                .filter(|id| !id.is_empty())
        })
        .or_else(|| {
            item.attribute_in(&Ns::Rdf, "about")
                .map(|about| sanitize_line(about.trim()).into_owned())
                .filter(|id| !id.is_empty())
        })
        .or_else(|| url.clone())
        .or_else(|| enclosures.first().map(|e| e.url.clone()))
        .unwrap_or_else(|| {
            fallback_id(
                None,
                published.as_deref(),
                &title,
                body.as_deref().unwrap_or_default(),
            )
        });

    let tags = tags_of(&children);
    let breaking = tags.iter().any(|t| t.eq_ignore_ascii_case("breaking"));
    let author = author_of(&children).or_else(|| inherited.author.clone());
    Some(ImportedArticle {
        id,
        title,
        published,
        updated,
        url,
        source: inherited
            .source
            .as_deref()
            .map(|s| sanitize_line(s).into_owned()),
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
        enclosures,
    })
}

fn push_enclosure(
    enclosures: &mut Vec<ImportedEnclosure>,
    element: &Element,
    url: String,
    length_attribute: &str,
) {
    if url.is_empty() || enclosures.iter().any(|e| e.url == url) {
        return;
    }
    enclosures.push(ImportedEnclosure {
        url,
        mime_type: element
            .attribute("type")
            .map(clean)
            .filter(|t| !t.is_empty()),
        length: element.attribute(length_attribute).and_then(length),
        title: element
            .attribute("title")
            .map(clean)
            .filter(|t| !t.is_empty()),
    });
}

fn clean(text: &str) -> String {
    sanitize_line(text.trim()).into_owned()
}

/// A length in bytes; feeds write 0 or nothing when they do not know.
fn length(text: &str) -> Option<u64> {
    text.trim().parse().ok().filter(|n| *n > 0)
}

/// `https://example.org/audio/ep1.mp3?x=1` -> `ep1.mp3`.
fn file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(url)
        .to_owned()
}

/// Categories: RSS `category` text, Atom `term`/`label`, Dublin Core `subject`.
fn tags_of(children: &[&Element]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for element in children {
        let tag = if is_core(&element.ns) && element.name == "category" {
            element
                .attribute("label")
                .or(element.attribute("term"))
                .map(str::to_owned)
                .unwrap_or_else(|| element.text())
        } else if element.is(&Ns::DublinCore, "subject") {
            element.text()
        } else {
            continue;
        };
        let tag = clean(&tag);
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// The item's author: RSS `author` (`email (Name)`), Atom's `author`, Dublin Core `creator`,
/// iTunes `author`, in that order.
pub fn author_of(children: &[&Element]) -> Option<String> {
    for element in children {
        let name = match (&element.ns, element.name.as_str()) {
            (ns, "author") if is_core(ns) && element.has_elements() => person(element),
            (ns, "author") if is_core(ns) => Some(rss_author(&element.text())),
            (Ns::DublinCore, "creator") | (Ns::Itunes, "author") => Some(element.text()),
            _ => continue,
        };
        if let Some(name) = name.map(|n| clean(&n)).filter(|n| !n.is_empty()) {
            return Some(name);
        }
    }
    None
}

/// An Atom person construct's name, else email.
fn person(element: &Element) -> Option<String> {
    let field = |name: &str| {
        element
            .elements()
            .find(|e| e.name == name)
            .map(|e| e.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    field("name").or_else(|| field("email"))
}

/// RSS writes `desk@example.org (Mara Lind)`: the name is the part in parentheses.
fn rss_author(text: &str) -> String {
    let text = text.trim();
    match (text.find('('), text.rfind(')')) {
        (Some(open), Some(close)) if open < close => text[open + 1..close].trim().to_owned(),
        _ => text.to_owned(),
    }
}
