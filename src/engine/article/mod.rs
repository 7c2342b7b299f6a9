//! An article as structured text, the one value every presenter formats: the reader with styles
//! and markers that need no colour, plain mode in words, `herald show` as clean text.
//!
//! A store's `body` is plain text (paragraphs separated by a blank line); its `html` (and a JSON
//! Feed's `content_html`) keeps headings, quotes, lists, preformatted text, emphasis and links.
//! Both become the same [`ArticleText`]: blocks of inline spans and a numbered list of links.
//! HTML is never turned into Markdown punctuation: `<b>bold</b>` is a strong span, not
//! `**bold**`, and empty markup is nothing at all.
//!
//! - [`crate::text::html`] reads HTML into blocks, in one pass and bounded depth.
//! - [`layout`] lays an article out in lines for a width and a [`layout::Flavor`].
//! - [`read`] is the only part that does I/O: it reads an article's detail from its store.

mod body;
pub mod layout;
pub mod read;

use crate::engine::store::{Article, ArticleDetail};
use crate::text::Published;
use crate::text::blocks::plain_text_of;
use crate::text::html;

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
    /// The article's own link, listed after the others.
    pub url: Option<String>,
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
        text
    }

    /// The text of the blocks as plain text: paragraphs separated by a blank line, list items
    /// and quotes as lines of their own, no markup. What a store's `body` holds.
    pub fn plain_text(&self) -> String {
        plain_text_of(&self.blocks)
    }

    /// The target of link number `n`.
    pub fn link(&self, number: u32) -> Option<&str> {
        self.links
            .binary_search_by_key(&number, |link| link.number)
            .ok()
            .map(|i| self.links[i].url.as_str())
    }

    /// The number the article's own link is listed under: after every other link.
    pub fn url_number(&self) -> u32 {
        self.links
            .last()
            .map_or(1, |link| link.number.saturating_add(1))
    }
}
