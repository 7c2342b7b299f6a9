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
