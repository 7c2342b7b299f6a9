//! What a store holds once loaded. Headlines (what a list needs) are kept apart from the rest of
//! an article (what opening it needs), so a big store can keep only headlines in memory.

use crate::text::Published;

/// Index of a store in [`crate::engine::Library::stores`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(pub u32);

impl StoreId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A store as the reader sees it: a name and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreInfo {
    pub name: String,
    /// The files the store was read from, as given (or `embedded:NAME` for the bundled sample).
    pub origins: Vec<String>,
}

/// Everything needed to show an article in a list, search its title, and key its state. The
/// text is borrowed from the library, which packs every headline's text in one buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headline<'a> {
    pub store: StoreId,
    pub id: &'a str,
    pub title: &'a str,
    pub published: Option<Published>,
    pub breaking: bool,
    pub source: Option<&'a str>,
}

/// The rest of an article, needed only when it is opened or its body searched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleDetail {
    pub updated: Option<Published>,
    pub url: Option<String>,
    pub section: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    /// Plain text; paragraphs separated by a blank line.
    pub body: String,
    /// The same text with its structure (headings, quotes, lists, emphasis, links), as HTML:
    /// a native store's `html` or a JSON Feed's `content_html`. Sanitised when it is read.
    pub html: Option<String>,
    pub tags: Vec<String>,
    /// Files the article carries (a podcast's audio, a photo): a native store's `enclosures`,
    /// an RSS `<enclosure>`, an Atom `rel="enclosure"` link, a JSON Feed's `attachments`.
    pub enclosures: Vec<Enclosure>,
}

/// A file attached to an article. Its URL is shown and opened like the article's links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Enclosure {
    pub url: String,
    /// The MIME type the feed gave (`audio/mpeg`), if any.
    pub mime_type: Option<String>,
    /// The size in bytes the feed gave, if any (feeds often give 0 or nothing).
    pub length: Option<u64>,
    /// A title for it (JSON Feed attachments have one), if any.
    pub title: Option<String>,
}

/// An article as parsed from a store file, before it joins a library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedArticle {
    /// Where the article starts in its file, for messages about it.
    pub line: usize,
    pub id: String,
    pub title: String,
    pub published: Option<Published>,
    pub breaking: bool,
    pub source: Option<String>,
    pub detail: ArticleDetail,
}

/// One whole article from a library. The detail is borrowed when the library holds it and owned
/// when it had to be read from the store file, so large stores need not keep bodies in memory;
/// either way `article.detail.body` reads the same.
#[derive(Clone, Debug)]
pub struct Article<'a> {
    pub headline: Headline<'a>,
    pub detail: std::borrow::Cow<'a, ArticleDetail>,
    pub store: &'a StoreInfo,
}

impl Article<'_> {
    /// "date, source, section, author" for what is known, e.g. `2002-07-28 · VOA · Asia`.
    pub fn dateline_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(date) = self.headline.published {
            parts.push(date.iso_date());
        }
        if let Some(source) = self.headline.source {
            parts.push(source.to_owned());
        }
        if let Some(section) = &self.detail.section {
            parts.push(section.clone());
        }
        if let Some(author) = &self.detail.author {
            parts.push(format!("by {author}"));
        }
        parts
    }
}
