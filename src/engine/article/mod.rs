//! An article as structured text, the one value every presenter formats: the reader with styles
//! and markers that need no colour, plain mode in words, `herald show` as clean text.
//!
//! A store's `body` is plain text (paragraphs separated by a blank line); its `html` (and a JSON
//! Feed's `content_html`) keeps headings, quotes, lists, preformatted text, emphasis and links.
//! Both become the same [`ArticleText`]: blocks of inline spans and a numbered list of links,
//! the article's files (enclosures) numbered after them.
//! HTML is never turned into Markdown punctuation: `<b>bold</b>` is a strong span, not
//! `**bold**`, and empty markup is nothing at all.
//!
//! - [`crate::text::html`] reads HTML into blocks, in one pass and bounded depth.
//! - [`layout`] lays an article out in lines for a width and a [`layout::Flavor`].
//! - [`read`] is the only part that does I/O: it reads an article's detail from its store.

mod body;
pub mod layout;
pub mod read;

use crate::engine::store::model::Enclosure;
use crate::engine::store::{Article, ArticleDetail};
use crate::text::blocks::plain_text_of;
use crate::text::html;
use crate::text::{Published, sanitize_line};

pub use crate::text::blocks::{Block, BlockKind, Inline, Link, ListMarker, Span};
pub use layout::{Flavor, Line, LineKind, Lines, StyleSpan};

/// Heads the numbered list of links at the end of an article.
pub const LINKS_HEADING: &str = "Links:";

/// The whole article, ready to be laid out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleText {
    /// Shown as the Breaking News banner.
    pub breaking: bool,
    pub title: String,
    pub dateline: Dateline,
    pub blocks: Vec<Block>,
    /// The links the text refers to, in increasing number: `Inline::Link(n)` is the one
    /// numbered `n`.
    pub links: Vec<Link>,
    /// The files the article carries, numbered after the links, in increasing number.
    pub attachments: Vec<Attachment>,
    /// The article's own link, listed after the others.
    pub url: Option<String>,
}

/// How the link list names the article's own link.
pub const ARTICLE_PAGE: &str = "The article's own page";

/// One link of an article as the link list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedLink {
    pub number: u32,
    /// The words the link was on, or what the file is; None for a link on no words.
    pub label: Option<String>,
    pub url: String,
}

impl ListedLink {
    /// `Link 3: Ivanov's statement, https://example.org/statement`.
    pub fn sentence(&self) -> String {
        match &self.label {
            Some(label) => format!("Link {}: {label}, {}", self.number, self.url),
            None => format!("Link {}: {}", self.number, self.url),
        }
    }
}

/// A file the article carries (an enclosure: a podcast's audio, a photo), listed and opened
/// like a link, under its own number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub number: u32,
    pub url: String,
    pub mime_type: Option<String>,
    /// In bytes; never 0 (feeds write 0 for "unknown").
    pub length: Option<u64>,
    pub title: Option<String>,
}

/// What kind of file an attachment is, for its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Audio,
    Video,
    Image,
    Pdf,
    Text,
    File,
}

impl FileKind {
    /// As written in a list: `Audio`.
    pub fn written(self) -> &'static str {
        match self {
            FileKind::Audio => "Audio",
            FileKind::Video => "Video",
            FileKind::Image => "Image",
            FileKind::Pdf => "PDF",
            FileKind::Text => "Text",
            FileKind::File => "File",
        }
    }

    /// As said in a sentence: `audio`.
    pub fn spoken(self) -> &'static str {
        match self {
            FileKind::Audio => "audio",
            FileKind::Video => "video",
            FileKind::Image => "image",
            FileKind::Pdf => "PDF",
            FileKind::Text => "text",
            FileKind::File => "file",
        }
    }
}

impl Attachment {
    /// The kind of file: by its MIME type, else by its name's extension (many feeds give no
    /// type, or `application/octet-stream`).
    pub fn kind(&self) -> FileKind {
        let mime = self.mime_type.as_deref().unwrap_or("").to_ascii_lowercase();
        let by_type = match mime.split('/').next().unwrap_or("") {
            "audio" => Some(FileKind::Audio),
            "video" => Some(FileKind::Video),
            "image" => Some(FileKind::Image),
            "text" => Some(FileKind::Text),
            _ if mime == "application/pdf" => Some(FileKind::Pdf),
            _ => None,
        };
        by_type.unwrap_or_else(|| {
            let path = self.url.split(['?', '#']).next().unwrap_or("");
            let name = path.rsplit('/').next().unwrap_or("");
            let extension = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            match extension.as_str() {
                "mp3" | "m4a" | "aac" | "ogg" | "oga" | "opus" | "wav" | "flac" => FileKind::Audio,
                "mp4" | "m4v" | "webm" | "mov" | "mkv" => FileKind::Video,
                "jpg" | "jpeg" | "png" | "gif" | "webp" | "avif" => FileKind::Image,
                "pdf" => FileKind::Pdf,
                "txt" => FileKind::Text,
                _ => FileKind::File,
            }
        })
    }
}

/// What the line under the title says, by field, so each presenter words it its own way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dateline {
    pub published: Option<Published>,
    pub updated: Option<Published>,
    pub source: Option<String>,
    pub section: Option<String>,
    pub author: Option<String>,
}

impl ArticleText {
    /// The article as the store holds it: its `html` when it has one (the structure), else its
    /// plain `body`, else its summary.
    pub fn from_article(article: &Article<'_>) -> Self {
        let headline = &article.headline;
        let detail: &ArticleDetail = &article.detail;
        let mut text = Self {
            breaking: headline.breaking,
            title: headline.title.to_owned(),
            dateline: Dateline {
                published: headline.published,
                updated: detail.updated,
                source: headline.source.map(str::to_owned),
                section: detail.section.clone(),
                author: detail.author.clone(),
            },
            url: detail.url.clone(),
            ..Self::default()
        };
        let from_html = detail
            .html
            .as_deref()
            .map(html::parse)
            .filter(|parsed| !parsed.blocks.is_empty());
        match from_html {
            Some(parsed) => {
                text.blocks = parsed.blocks;
                text.links = parsed.links;
            }
            None if !detail.body.trim().is_empty() => {
                let (blocks, links) = body::parse(&detail.body);
                text.blocks = blocks;
                text.links = links;
            }
            None => {
                if let Some(summary) = detail.summary.as_deref().filter(|s| !s.trim().is_empty()) {
                    text.blocks = body::parse(summary).0;
                }
            }
        }
        text.attachments = attachments(&detail.enclosures, text.url_number());
        text
    }

    /// The text of the blocks as plain text: paragraphs separated by a blank line, list items
    /// and quotes as lines of their own, no markup. What a store's `body` holds.
    pub fn plain_text(&self) -> String {
        plain_text_of(&self.blocks)
    }

    /// The target of link number `n`: one of the text's links, or of its files.
    pub fn link(&self, number: u32) -> Option<&str> {
        if let Ok(i) = self.links.binary_search_by_key(&number, |link| link.number) {
            return Some(self.links[i].url.as_str());
        }
        self.attachments
            .binary_search_by_key(&number, |file| file.number)
            .ok()
            .map(|i| self.attachments[i].url.as_str())
    }

    /// Every link a reader can pick by number, in number order: the text's links (named by
    /// the words they were on), its files, and its own page last. What the link list shows and
    /// plain mode's `links` says.
    pub fn listed_links(&self) -> Vec<ListedLink> {
        let mut words: std::collections::BTreeMap<u32, String> = Default::default();
        for span in self.blocks.iter().flat_map(|block| &block.spans) {
            if let Inline::Link(number) = span.style {
                let entry = words.entry(number).or_default();
                entry.push(' ');
                entry.push_str(&span.text);
            }
        }
        let name = |text: &str| {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            (!joined.is_empty()).then_some(joined)
        };
        let mut listed: Vec<ListedLink> = self
            .links
            .iter()
            .map(|link| ListedLink {
                number: link.number,
                label: words.get(&link.number).and_then(|w| name(w)),
                url: link.url.clone(),
            })
            .collect();
        listed.extend(self.attachments.iter().map(|file| {
            let mut label = file.kind().written().to_owned();
            if let Some(title) = &file.title {
                label.push_str(", ");
                label.push_str(title);
            }
            ListedLink {
                number: file.number,
                label: Some(label),
                url: file.url.clone(),
            }
        }));
        if let Some(url) = &self.url {
            listed.push(ListedLink {
                number: self.url_number(),
                label: Some(ARTICLE_PAGE.to_owned()),
                url: url.clone(),
            });
        }
        listed
    }

    /// The target of link number `n` as the reader sees it numbered: one of the text's links
    /// or files, or the article's own link.
    pub fn numbered_link(&self, number: u32) -> Option<&str> {
        self.link(number)
            .or_else(|| self.url.as_deref().filter(|_| number == self.url_number()))
    }

    /// The number the article's own link is listed under: after every other link and file.
    pub fn url_number(&self) -> u32 {
        self.attachments
            .last()
            .map(|file| file.number)
            .or(self.links.last().map(|link| link.number))
            .map_or(1, |number| number.saturating_add(1))
    }
}

/// The article's files, numbered from `first`. Their fields are sanitised again here (the
/// store reader cleans them too): each ends up on a line of its own, beside a URL a click
/// would open.
fn attachments(enclosures: &[Enclosure], first: u32) -> Vec<Attachment> {
    let clean = |text: &Option<String>| {
        text.as_deref()
            .map(|t| sanitize_line(t.trim()).into_owned())
            .filter(|t| !t.is_empty())
    };
    let mut number = first;
    let mut files = Vec::new();
    for enclosure in enclosures {
        let url = sanitize_line(enclosure.url.trim()).into_owned();
        if url.is_empty() {
            continue;
        }
        files.push(Attachment {
            number,
            url,
            mime_type: clean(&enclosure.mime_type),
            length: enclosure.length.filter(|&bytes| bytes > 0),
            title: clean(&enclosure.title),
        });
        number = number.saturating_add(1);
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::{Headline, StoreId, StoreInfo};

    #[test]
    fn enclosures_become_files_numbered_after_the_links_and_before_the_article() {
        let store = StoreInfo {
            name: "Pods".to_owned(),
            origins: Vec::new(),
        };
        let enclosure = |url: &str, mime: Option<&str>, length, title: Option<&str>| Enclosure {
            url: url.to_owned(),
            mime_type: mime.map(str::to_owned),
            length,
            title: title.map(str::to_owned),
        };
        let detail = ArticleDetail {
            url: Some("https://pods.example/ep1".to_owned()),
            html: Some("<p>Notes on <a href=\"https://a.example\">the guest</a>.</p>".to_owned()),
            enclosures: vec![
                enclosure(
                    "https://cdn.example/ep1.mp3",
                    Some("audio/mpeg"),
                    Some(0),
                    Some("Episode \u{1b}[31m1"),
                ),
                enclosure("  ", Some("audio/mpeg"), Some(5), None),
                enclosure("https://cdn.example/ep1.pdf", Some(" "), Some(2_000), None),
            ],
            ..ArticleDetail::default()
        };
        let article = Article {
            headline: Headline {
                store: StoreId(0),
                id: "ep1",
                title: "Episode 1",
                published: None,
                breaking: false,
                source: None,
            },
            detail: std::borrow::Cow::Owned(detail),
            store: &store,
        };
        let text = ArticleText::from_article(&article);
        assert_eq!(
            text.attachments,
            [
                Attachment {
                    number: 2,
                    url: "https://cdn.example/ep1.mp3".to_owned(),
                    mime_type: Some("audio/mpeg".to_owned()),
                    // A feed's 0 is "unknown".
                    length: None,
                    title: Some("Episode 1".to_owned()),
                },
                Attachment {
                    number: 3,
                    url: "https://cdn.example/ep1.pdf".to_owned(),
                    mime_type: None,
                    length: Some(2_000),
                    title: None,
                },
            ]
        );
        assert_eq!(text.link(1), Some("https://a.example"));
        assert_eq!(text.link(3), Some("https://cdn.example/ep1.pdf"));
        assert_eq!(text.link(4), None);
        assert_eq!(text.url_number(), 4);
        assert_eq!(text.attachments[0].kind(), FileKind::Audio);
        assert_eq!(text.attachments[1].kind(), FileKind::Pdf);
        // The link list names each by its words, its kind, or as the article's page.
        let sentences: Vec<String> = text.listed_links().iter().map(|l| l.sentence()).collect();
        assert_eq!(
            sentences,
            [
                "Link 1: the guest, https://a.example",
                "Link 2: Audio, Episode 1, https://cdn.example/ep1.mp3",
                "Link 3: PDF, https://cdn.example/ep1.pdf",
                "Link 4: The article's own page, https://pods.example/ep1",
            ]
        );
    }

    #[test]
    fn a_file_without_a_type_is_told_by_its_extension() {
        let file = |url: &str, mime: Option<&str>| Attachment {
            number: 1,
            url: url.to_owned(),
            mime_type: mime.map(str::to_owned),
            length: None,
            title: None,
        };
        for (url, mime, kind) in [
            ("https://a.example/x.MP3?t=1", None, FileKind::Audio),
            (
                "https://a.example/x.bin",
                Some("video/mp4"),
                FileKind::Video,
            ),
            (
                "https://a.example/p.webp#f",
                Some("application/octet-stream"),
                FileKind::Image,
            ),
            ("https://a.example/download", None, FileKind::File),
            ("https://a.example/notes.txt", None, FileKind::Text),
        ] {
            assert_eq!(file(url, mime).kind(), kind, "{url}");
        }
    }
}
