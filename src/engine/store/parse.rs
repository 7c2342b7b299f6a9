//! Parsing one store file (native JSON, JSON Feed, or JSON Lines) into articles and
//! diagnostics. Pure: bytes in, articles and problems out; no file system access.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::cores::on_all_cores;
use super::diagnostic::{Diagnostic, Locator, Position};
use super::fields::{self, Raw, RawArticle, kind_of, without_position};
use super::model::{ArticleDetail, ParsedArticle};
use super::place::BodyAt;
use crate::text::html::to_plain_text;
use crate::text::sanitize_line;

/// How a file's content is laid out, chosen by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// One JSON document: a native store, an array of articles, or a JSON Feed.
    Json,
    /// One article object per line.
    JsonLines,
}

/// The format a file turned out to have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Native,
    JsonFeed,
    JsonLines,
}

/// Everything one file yielded. A file that could not be read at all has no format and at least
/// one error.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub format: Option<Format>,
    /// The store name the file gives itself, if any (native `name`, JSON Feed `title`).
    pub name: Option<String>,
    pub articles: Vec<ParsedArticle>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a parse keeps of each article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Everything: the article as the reader shows it.
    Everything,
    /// Every field checked and every problem reported, but the long texts (body, summary,
    /// html) not kept, nor cleaned for showing: what `herald check` needs. A body is most of
    /// a store, and keeping them doubled the memory and time of checking one.
    Problems,
    /// Only the file's format and what makes it unreadable as a whole (malformed JSON, not a
    /// store); no article is looked into: what a merge needs, which keeps every article as the
    /// text it is. JSON Lines, where each line is its own document, are read as for
    /// [`Keep::Problems`].
    Format,
}

/// Parses a store file. `path` is only used in messages.
pub fn parse_file(path: &str, bytes: &[u8], kind: FileKind) -> ParsedFile {
    parse_file_keeping(path, bytes, kind, Keep::Everything)
}

/// [`parse_file`], keeping only what `keep` says.
pub fn parse_file_keeping(path: &str, bytes: &[u8], kind: FileKind, keep: Keep) -> ParsedFile {
    let mut result = ParsedFile::default();
    let text = decode(path, bytes, &mut result.diagnostics);
    match kind {
        FileKind::Json => parse_json_document(path, &text, keep, &mut result),
        FileKind::JsonLines => parse_json_lines(path, &text, keep, &mut result),
    }
    result
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes UTF-8, dropping a byte-order mark. Invalid bytes become U+FFFD with a warning, so a
/// file with one bad byte still shows every article.
fn decode<'a>(
    path: &str,
    bytes: &'a [u8],
    diagnostics: &mut Vec<Diagnostic>,
) -> std::borrow::Cow<'a, str> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    // simdutf8 first: std's check crawls over accented and CJK text; on failure std's error
    // says where.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(text);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let prefix = String::from_utf8_lossy(valid);
            let bad_byte = bytes.get(error.valid_up_to()).copied().unwrap_or(0);
            diagnostics.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "invalid UTF-8 (byte 0x{bad_byte:02X}); bad bytes are shown as \u{FFFD}. \
                         Save the file as UTF-8 to fix this"
                    ),
                )
                .at(Position::of_offset(&prefix, prefix.len())),
            );
            String::from_utf8_lossy(bytes)
        }
    }
}

/// The top-level object of a `.json` file, fields kept raw until the format is known.
#[derive(Deserialize)]
struct TopObject<'a> {
    #[serde(borrow, default)]
    version: Raw<'a>,
    #[serde(borrow, default)]
    name: Raw<'a>,
    #[serde(borrow, default)]
    title: Raw<'a>,
    #[serde(borrow, default)]
    articles: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

/// How a JSON Feed's `version` starts: `https://jsonfeed.org/version/1.1` and
/// `https://jsonfeed.org/version/1` as the specs write them, and `http://jsonfeed.org/version/1`,
/// which many 1.0 feeds and feed tools write, and which readers that took only `https` turned
/// away as not a store at all.
const JSON_FEED_PREFIXES: [&str; 2] = [
    "https://jsonfeed.org/version/1",
    "http://jsonfeed.org/version/1",
];

/// Whether a top-level `version` makes a `.json` file a JSON Feed. The indexer asks too, so
/// both readers take the same files for feeds.
pub(crate) fn is_json_feed_version(version: &str) -> bool {
    JSON_FEED_PREFIXES
        .iter()
        .any(|prefix| version.starts_with(prefix))
}

fn json_error(path: &str, error: &serde_json::Error) -> Diagnostic {
    let diagnostic =
        Diagnostic::error(path, format!("malformed JSON: {}", without_position(error)));
    if error.line() == 0 {
        diagnostic
    } else {
        diagnostic.at(Position {
            line: error.line(),
            column: error.column(),
        })
    }
}

fn parse_json_document(path: &str, text: &str, keep: Keep, result: &mut ParsedFile) {
    let start = text.trim_start();
    match start.as_bytes().first() {
        None => {
            result.diagnostics.push(Diagnostic::error(
                path,
                "the file is empty; a store is a JSON object with an \"articles\" array, \
                 an array of articles, or a JSON Feed",
            ));
        }
        Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => {
                result.format = Some(Format::Native);
                add_native_articles(path, text, &items, keep, result);
            }
            Err(error) => result.diagnostics.push(json_error(path, &error)),
        },
        Some(b'{') => match serde_json::from_str::<TopObject<'_>>(text) {
            Ok(top) => parse_top_object(path, text, &top, keep, result),
            Err(error) => result.diagnostics.push(json_error(path, &error)),
        },
        Some(_) => {
            // Let serde_json say what is wrong and where; if the text happens to be valid JSON
            // (a bare string or number), say that it is not a store.
            let diagnostic = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Err(error) => json_error(path, &error),
                Ok(_) => Diagnostic::error(
                    path,
                    "not a store: expected a JSON object or array at the top level",
                )
                .at(Position::of_offset(text, text.len() - start.len())),
            };
            result.diagnostics.push(diagnostic);
        }
    }
}

fn parse_top_object(
    path: &str,
    text: &str,
    top: &TopObject<'_>,
    keep: Keep,
    result: &mut ParsedFile,
) {
    let version = fields::raw_string(top.version, "version").ok().flatten();
    if version.as_deref().is_some_and(is_json_feed_version) {
        result.format = Some(Format::JsonFeed);
        result.name = fields::line_field(top.title, "title").ok().flatten();
        match &top.items {
            Some(items) => add_feed_items(path, text, items, keep, result),
            None => result
                .diagnostics
                .push(Diagnostic::error(path, "JSON Feed has no \"items\" array")),
        }
        return;
    }
    let Some(articles) = &top.articles else {
        result.diagnostics.push(Diagnostic::error(
            path,
            "not a store: the object has no \"articles\" array (native store) and no JSON Feed \
             \"version\"",
        ));
        return;
    };
    result.format = Some(Format::Native);
    match fields::line_field(top.name, "name") {
        Ok(name) => result.name = name,
        Err(problem) => result.diagnostics.push(Diagnostic::warning(path, problem)),
    }
    add_native_articles(path, text, articles, keep, result);
}

/// Byte offset of a raw value inside the text it was borrowed from.
fn offset_in(text: &str, raw: &RawValue) -> usize {
    (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

fn add_native_articles(
    path: &str,
    text: &str,
    items: &[&RawValue],
    keep: Keep,
    result: &mut ParsedFile,
) {
    if keep == Keep::Format {
        return;
    }
    // Items come in file order, so one locator finds every position in one pass.
    let mut locator = Locator::new(text);
    let positions: Vec<Position> = items
        .iter()
        .map(|raw| locator.locate(offset_in(text, raw)))
        .collect();
    let parsed = on_all_cores(items, |raw| parse_native_article(raw.get(), keep));
    for (index, (position, parsed)) in positions.into_iter().zip(parsed).enumerate() {
        let label = format!("article {}", index + 1);
        report_article(path, position, &label, parsed, result);
    }
}

fn parse_json_lines(path: &str, text: &str, keep: Keep, result: &mut ParsedFile) {
    result.format = Some(Format::JsonLines);
    let keep = match keep {
        Keep::Format => Keep::Problems,
        other => other,
    };
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let parsed = on_all_cores(&lines, |(_, line)| parse_native_article(line, keep));
    for (&(line_number, line), parsed) in lines.iter().zip(parsed) {
        let position = Position {
            line: line_number,
            column: 1 + line.len() - line.trim_start().len(),
        };
        let parsed = parsed.map_err(|problem| match problem {
            ArticleProblem::Json(error) => ArticleProblem::Located(
                format!("malformed JSON: {}", without_position(&error)),
                Position {
                    line: line_number,
                    column: error.column(),
                },
            ),
            other => other,
        });
        report_article(
            path,
            position,
            &format!("line {line_number}"),
            parsed,
            result,
        );
    }
    if result.articles.is_empty() && result.diagnostics.is_empty() {
        result
            .diagnostics
            .push(Diagnostic::warning(path, "the file has no articles"));
    }
}

/// Why an article was skipped.
enum ArticleProblem {
    /// The article's JSON itself is malformed (only possible for JSON Lines).
    Json(serde_json::Error),
    /// Malformed JSON with a known position.
    Located(String, Position),
    /// The JSON is fine but a required field is missing or mistyped.
    Invalid { message: String, id: Option<String> },
}

/// Problems with optional fields: each leaves its field out and the article in.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Warnings {
    /// The field's value, or `None` with the problem noted.
    fn keep<T>(&mut self, value: Result<Option<T>, String>) -> Option<T> {
        value.unwrap_or_else(|problem| {
            self.0.push(problem);
            None
        })
    }
}

/// An article, plus warnings about optional fields that were left out.
struct Accepted {
    article: ParsedArticle,
    warnings: Vec<String>,
}

fn report_article(
    path: &str,
    position: Position,
    label: &str,
    parsed: Result<Accepted, ArticleProblem>,
    result: &mut ParsedFile,
) {
    match parsed {
        Ok(Accepted {
            mut article,
            warnings,
        }) => {
            article.line = position.line;
            for warning in warnings {
                result.diagnostics.push(
                    Diagnostic::warning(path, format!("{label} (id {:?}): {warning}", article.id))
                        .at(position),
                );
            }
            result.articles.push(article);
        }
        Err(ArticleProblem::Json(error)) => {
            result.diagnostics.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "{label} skipped: malformed JSON: {}",
                        without_position(&error)
                    ),
                )
                .at(position),
            );
        }
        Err(ArticleProblem::Located(message, at)) => {
            result
                .diagnostics
                .push(Diagnostic::warning(path, format!("{label} skipped: {message}")).at(at));
        }
        Err(ArticleProblem::Invalid { message, id }) => {
            let id = id.map(|id| format!(" (id {id:?})")).unwrap_or_default();
            result.diagnostics.push(
                Diagnostic::warning(path, format!("{label}{id} skipped: {message}")).at(position),
            );
        }
    }
}

fn raw_object<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, ArticleProblem> {
    let trimmed = json.trim_start();
    if !trimmed.starts_with('{') {
        // Parse anyway so malformed JSON is reported as such; valid JSON of the wrong kind is
        // reported by kind.
        return match serde_json::from_str::<&RawValue>(json) {
            Ok(raw) => Err(ArticleProblem::Invalid {
                message: format!("an article must be an object, not {}", kind_of(raw)),
                id: None,
            }),
            Err(error) => Err(ArticleProblem::Json(error)),
        };
    }
    serde_json::from_str::<T>(json).map_err(|error| {
        if error.is_data() {
            // Valid JSON, but e.g. a duplicated field.
            ArticleProblem::Invalid {
                message: without_position(&error),
                id: None,
            }
        } else {
            ArticleProblem::Json(error)
        }
    })
}

/// The fields of an article that a headline needs. Parsing only these is what makes indexing a
/// big store fast: the body is validated as JSON but never copied or cleaned.
pub(crate) struct HeadlineFields {
    pub id: String,
    pub title: String,
    pub published: Option<crate::text::Published>,
    pub breaking: bool,
    pub source: Option<String>,
    pub tags: Vec<String>,
}

impl HeadlineFields {
    /// The whole article: these headline fields with `detail`, whose tags are the headline's.
    fn with_detail(self, detail: ArticleDetail) -> ParsedArticle {
        ParsedArticle {
            line: 0,
            id: self.id,
            title: self.title,
            published: self.published,
            breaking: self.breaking,
            source: self.source,
            detail: ArticleDetail {
                tags: self.tags,
                ..detail
            },
        }
    }
}

fn native_headline(
    raw: &RawArticle<'_>,
    warnings: &mut Warnings,
) -> Result<HeadlineFields, ArticleProblem> {
    let id = fields::required_line(raw.id, "id");
    let title = fields::required_line(raw.title, "title");
    let (id, title) = match (id, title) {
        (Ok(id), Ok(title)) => (id, title),
        (Err(message), _) => return Err(ArticleProblem::Invalid { message, id: None }),
        (Ok(id), Err(message)) => {
            return Err(ArticleProblem::Invalid {
                message,
                id: Some(id),
            });
        }
    };
    let source = warnings.keep(fields::line_field(raw.source, "source"));
    let published = warnings.keep(fields::date_field(raw.published, "published"));
    let (tags, tag_problem) = fields::tags_field(raw.tags, "tags");
    warnings.0.extend(tag_problem);
    let flagged = warnings.keep(fields::bool_field(raw.breaking, "breaking"));
    let breaking = flagged.unwrap_or(false) || fields::has_breaking_tag(&tags);
    Ok(HeadlineFields {
        id,
        title,
        published,
        breaking,
        source,
        tags,
    })
}

fn parse_native_article(json: &str, keep: Keep) -> Result<Accepted, ArticleProblem> {
    let raw: RawArticle<'_> = raw_object(json)?;
    let mut warnings = Warnings::default();
    let headline = native_headline(&raw, &mut warnings)?;
    let mut text = |raw, field| warnings.keep(long_text(raw, field, keep));
    let (summary, body, html) = (
        text(raw.summary, "summary"),
        text(raw.body, "body").unwrap_or_default(),
        text(raw.html, "html"),
    );
    let (enclosures, problems) =
        fields::enclosures_field(raw.enclosures, fields::NATIVE_ENCLOSURES);
    warnings.0.extend(problems);
    let detail = ArticleDetail {
        updated: warnings.keep(fields::date_field(raw.updated, "updated")),
        url: warnings.keep(fields::line_field(raw.url, "url")),
        section: warnings.keep(fields::line_field(raw.section, "section")),
        author: warnings.keep(fields::line_field(raw.author, "author")),
        summary,
        body,
        html,
        tags: Vec::new(),
        enclosures,
    };
    Ok(Accepted {
        article: headline.with_detail(detail),
        warnings: warnings.0,
    })
}

/// A long text field as `keep` asks: the cleaned text, or only its problems (an empty string
/// stands for a good one).
fn long_text(raw: Raw<'_>, field: &str, keep: Keep) -> Result<Option<String>, String> {
    match keep {
        Keep::Everything => fields::text_field(raw, field),
        Keep::Problems | Keep::Format => fields::checked_text(raw, field).map(|()| None),
    }
}

/// The headline of one article, parsed from its own JSON, and where its body is in that JSON;
/// or `None` when anything about it would need a message (the caller then uses the exact
/// whole-file parser, which words it).
pub(crate) fn headline_only(json: &str, format: Format) -> Option<(HeadlineFields, BodyAt)> {
    let mut warnings = Warnings::default();
    let (headline, body) = match format {
        Format::Native | Format::JsonLines => {
            let (raw, body) = match headline_fields(json) {
                Some(found) => found,
                // Whatever the quick reader leaves alone, serde_json decides.
                None => {
                    let raw: RawArticle<'_> = raw_object(json).ok()?;
                    let body = body_at(json, raw.body)?;
                    (raw, body)
                }
            };
            (native_headline(&raw, &mut warnings).ok()?, body)
        }
        Format::JsonFeed => {
            let raw: RawFeedItem<'_> = raw_object(json).ok()?;
            // HTML must be turned into text before it can be searched: its markup could hold
            // the word.
            let body = match raw.content_text {
                _ if raw.content_html.is_some() && raw.content_text.is_none() => BodyAt::Decode,
                text => body_at(json, text)?,
            };
            let (headline, _) = feed_headline(&raw, &mut warnings).ok()?;
            (headline, body)
        }
    };
    warnings.0.is_empty().then_some((headline, body))
}

/// The fields of a native article that its headline needs, and where its body is, read with
/// [`super::object::fields`], which crosses the body without parsing it. Gives what serde_json
/// would (`RawArticle` takes `null` as absent and refuses a field given twice), or `None`.
fn headline_fields(json: &str) -> Option<(RawArticle<'_>, BodyAt)> {
    let mut raw = RawArticle::default();
    let mut body = BodyAt::None;
    let mut seen = 0u16;
    super::object::fields(json, |key, start, end| {
        let value = &json[start..end];
        let (bit, slot) = match key {
            "id" => (1, Some(&mut raw.id)),
            "title" => (1 << 1, Some(&mut raw.title)),
            "published" => (1 << 2, Some(&mut raw.published)),
            "source" => (1 << 3, Some(&mut raw.source)),
            "tags" => (1 << 4, Some(&mut raw.tags)),
            "breaking" => (1 << 5, Some(&mut raw.breaking)),
            "body" => (1 << 6, None),
            "updated" => (1 << 7, None),
            "url" => (1 << 8, None),
            "section" => (1 << 9, None),
            "author" => (1 << 10, None),
            "summary" => (1 << 11, None),
            "html" => (1 << 12, None),
            "enclosures" => (1 << 13, None),
            _ => return Some(()),
        };
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        if value == "null" {
            return Some(());
        }
        match slot {
            Some(slot) => *slot = Some(serde_json::from_str::<&RawValue>(value).ok()?),
            None if key == "body" => {
                body = match value.starts_with('"') {
                    true => BodyAt::Raw {
                        start: u32::try_from(start).ok()?,
                        len: u32::try_from(end - start).ok()?,
                    },
                    // Not a string: the article's own parse words the problem when it is opened.
                    false => BodyAt::Decode,
                }
            }
            None => {}
        }
        Some(())
    })?;
    Some((raw, body))
}

/// Where the raw JSON of a body field is inside `json`, the article it was parsed from.
fn body_at(json: &str, body: Raw<'_>) -> Option<BodyAt> {
    let Some(body) = body else {
        return Some(BodyAt::None);
    };
    if !body.get().starts_with('"') {
        // Not a string: the article's own parse words the problem when it is opened.
        return Some(BodyAt::Decode);
    }
    let start = (body.get().as_ptr() as usize).checked_sub(json.as_ptr() as usize)?;
    Some(BodyAt::Raw {
        start: u32::try_from(start).ok()?,
        len: u32::try_from(body.get().len()).ok()?,
    })
}

/// Just the body of one article (sanitised, HTML turned to text), for confirming a search
/// match without building the rest of the article.
pub(crate) fn body_only(json: &str, format: Format) -> Option<String> {
    let mut warnings = Warnings::default();
    match format {
        Format::Native | Format::JsonLines => {
            let raw: RawArticle<'_> = raw_object(json).ok()?;
            Some(
                warnings
                    .keep(fields::text_field(raw.body, "body"))
                    .unwrap_or_default(),
            )
        }
        Format::JsonFeed => {
            let raw: RawFeedItem<'_> = raw_object(json).ok()?;
            Some(feed_text(&raw, &mut warnings).body)
        }
    }
}

/// One whole article parsed from its own JSON, for reading an article on demand. Problems with
/// optional fields leave those fields out, as when the whole file is loaded.
pub(crate) fn article_only(json: &str, format: Format) -> Option<ParsedArticle> {
    let accepted = match format {
        Format::Native | Format::JsonLines => parse_native_article(json, Keep::Everything),
        Format::JsonFeed => parse_feed_item(json, Keep::Everything),
    };
    accepted.ok().map(|a| a.article)
}

// ---- JSON Feed -------------------------------------------------------------------------------

#[derive(Deserialize)]
struct RawFeedItem<'a> {
    #[serde(borrow, default)]
    id: Raw<'a>,
    #[serde(borrow, default)]
    title: Raw<'a>,
    #[serde(borrow, default)]
    content_text: Raw<'a>,
    #[serde(borrow, default)]
    content_html: Raw<'a>,
    #[serde(borrow, default)]
    summary: Raw<'a>,
    #[serde(borrow, default)]
    date_published: Raw<'a>,
    #[serde(borrow, default)]
    date_modified: Raw<'a>,
    #[serde(borrow, default)]
    url: Raw<'a>,
    #[serde(borrow, default)]
    external_url: Raw<'a>,
    #[serde(borrow, default)]
    tags: Raw<'a>,
    #[serde(borrow, default)]
    authors: Raw<'a>,
    /// JSON Feed 1.0's single author.
    #[serde(borrow, default)]
    author: Raw<'a>,
    #[serde(borrow, default, rename = "_herald")]
    herald: Raw<'a>,
}

#[derive(Deserialize, Default)]
struct RawHeraldExtension<'a> {
    #[serde(borrow, default)]
    breaking: Raw<'a>,
    #[serde(borrow, default)]
    source: Raw<'a>,
    #[serde(borrow, default)]
    section: Raw<'a>,
}

#[derive(Deserialize, Default)]
struct RawAuthor<'a> {
    #[serde(borrow, default)]
    name: Raw<'a>,
}

/// Feed items without a title (micro-posts) are titled by their first words, this wide.
const DERIVED_TITLE_WIDTH: usize = 80;

fn add_feed_items(
    path: &str,
    text: &str,
    items: &[&RawValue],
    keep: Keep,
    result: &mut ParsedFile,
) {
    if keep == Keep::Format {
        return;
    }
    let mut locator = Locator::new(text);
    let positions: Vec<Position> = items
        .iter()
        .map(|raw| locator.locate(offset_in(text, raw)))
        .collect();
    let parsed = on_all_cores(items, |raw| parse_feed_item(raw.get(), keep));
    for (index, (position, parsed)) in positions.into_iter().zip(parsed).enumerate() {
        report_article(
            path,
            position,
            &format!("item {}", index + 1),
            parsed,
            result,
        );
    }
}

/// JSON Feed says a reader must coerce a non-string id to a string.
fn feed_id(raw: Raw<'_>) -> Result<String, String> {
    match raw.filter(|r| r.get().trim() != "null") {
        Some(r)
            if r.get()
                .trim_start()
                .starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) =>
        {
            Ok(r.get().trim().to_owned())
        }
        other => fields::required_line(other, "id"),
    }
}

/// A feed item's text (summary and body), worked out only when needed: for the title of an item
/// that has none, or for the whole article.
struct FeedText {
    summary: Option<String>,
    body: String,
    html: Option<String>,
}

fn feed_text(raw: &RawFeedItem<'_>, warnings: &mut Warnings) -> FeedText {
    let summary = warnings.keep(fields::text_field(raw.summary, "summary"));
    let html = warnings.keep(fields::text_field(raw.content_html, "content_html"));
    let body = match warnings.keep(fields::text_field(raw.content_text, "content_text")) {
        Some(text) => text,
        None => html.as_deref().map(to_plain_text).unwrap_or_default(),
    };
    FeedText {
        summary,
        body,
        html,
    }
}

fn feed_extension<'a>(raw: &RawFeedItem<'a>, warnings: &mut Warnings) -> RawHeraldExtension<'a> {
    match raw.herald {
        Some(ext) => serde_json::from_str(ext.get()).unwrap_or_else(|_| {
            warnings
                .0
                .push(format!("`_herald` must be an object, not {}", kind_of(ext)));
            RawHeraldExtension::default()
        }),
        None => RawHeraldExtension::default(),
    }
}

/// A feed item's headline, and its text when that had to be read to title the item.
fn feed_headline(
    raw: &RawFeedItem<'_>,
    warnings: &mut Warnings,
) -> Result<(HeadlineFields, Option<FeedText>), ArticleProblem> {
    let id = feed_id(raw.id).map_err(|message| ArticleProblem::Invalid { message, id: None })?;
    let title = warnings.keep(fields::line_field(raw.title, "title"));
    let extension = feed_extension(raw, warnings);
    let source = warnings.keep(fields::line_field(extension.source, "_herald.source"));
    let published = warnings.keep(fields::date_field(raw.date_published, "date_published"));
    let (tags, tag_problem) = fields::tags_field(raw.tags, "tags");
    warnings.0.extend(tag_problem);
    let flagged = warnings.keep(fields::bool_field(extension.breaking, "_herald.breaking"));
    let breaking = flagged.unwrap_or(false) || fields::has_breaking_tag(&tags);
    let (title, text) = match title {
        Some(title) => (title, None),
        None => {
            let text = feed_text(raw, warnings);
            let title = text
                .summary
                .as_deref()
                .map(first_words)
                .or_else(|| (!text.body.is_empty()).then(|| first_words(&text.body)))
                .ok_or_else(|| ArticleProblem::Invalid {
                    message: "the item has no title, summary or content to show".to_owned(),
                    id: Some(id.clone()),
                })?;
            (title, Some(text))
        }
    };
    Ok((
        HeadlineFields {
            id,
            title,
            published,
            breaking,
            source,
            tags,
        },
        text,
    ))
}

fn parse_feed_item(json: &str, keep: Keep) -> Result<Accepted, ArticleProblem> {
    let raw: RawFeedItem<'_> = raw_object(json)?;
    let mut warnings = Warnings::default();
    let (headline, text) = feed_headline(&raw, &mut warnings)?;
    let FeedText {
        summary,
        body,
        html,
    } = match (text, keep) {
        (Some(text), _) => text,
        (None, Keep::Everything) => feed_text(&raw, &mut warnings),
        (None, Keep::Problems | Keep::Format) => {
            for (raw, field) in [
                (raw.summary, "summary"),
                (raw.content_text, "content_text"),
                (raw.content_html, "content_html"),
            ] {
                warnings.keep(fields::checked_text(raw, field).map(Some));
            }
            FeedText {
                summary: None,
                body: String::new(),
                html: None,
            }
        }
    };
    let url = warnings
        .keep(fields::line_field(raw.url, "url"))
        .or_else(|| warnings.keep(fields::line_field(raw.external_url, "external_url")));
    let author = first_author_name(&raw, &mut warnings);
    let extension = feed_extension(&raw, &mut Warnings::default());
    let section = warnings.keep(fields::line_field(extension.section, "_herald.section"));
    let updated = warnings.keep(fields::date_field(raw.date_modified, "date_modified"));
    let detail = ArticleDetail {
        updated,
        url,
        section,
        author,
        summary,
        body,
        html,
        tags: Vec::new(),
        enclosures: Vec::new(),
    };
    Ok(Accepted {
        article: headline.with_detail(detail),
        warnings: warnings.0,
    })
}

fn first_words(text: &str) -> String {
    let first_line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    crate::text::truncate_to_width(&sanitize_line(first_line), DERIVED_TITLE_WIDTH)
}

fn first_author_name(raw: &RawFeedItem<'_>, warnings: &mut Warnings) -> Option<String> {
    let author_name = |value: &RawValue| -> Option<String> {
        let author: RawAuthor<'_> = serde_json::from_str(value.get()).ok()?;
        fields::line_field(author.name, "authors.name")
            .ok()
            .flatten()
    };
    if let Some(authors) = raw.authors {
        match serde_json::from_str::<Vec<&RawValue>>(authors.get()) {
            Ok(list) => return list.first().and_then(|first| author_name(first)),
            Err(_) => warnings.0.push(format!(
                "`authors` must be an array, not {}",
                kind_of(authors)
            )),
        }
    }
    raw.author.and_then(author_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::model::Enclosure;

    /// `headline_only` reads native articles with its own quick reader; it must give exactly
    /// what serde_json gives, or give up.
    #[test]
    fn the_quick_headline_reader_agrees_with_serde_json() {
        let mut cases: Vec<String> = [
            r#"{"id": "a", "title": "T", "body": "B"}"#,
            r#"{"id": "a", "title": "T", "body": null, "source": null, "tags": null}"#,
            r#"{"id": "a", "title": "T", "body": 5}"#,
            r#"{"id": "a", "title": "T", "id": "b"}"#,
            r#"{"id": "a", "title": "T", "body": "x", "body": "y"}"#,
            r#"{"id": "a", "title": "T", "extra": 1, "extra": 2}"#,
            r#"{"id": "a", "title": "T", "published": "2002-07-28", "breaking": true, "tags": ["Breaking"]}"#,
            r#"{"id": "a", "title": "T", "published": "yesterday"}"#,
            r#"{"id": "a", "title": "T", "breaking": "yes"}"#,
            r#"{"id": 7, "title": "T"}"#,
            r#"{"title": "T"}"#,
            r#"{"id": "a", "title": "  "}"#,
            r#"{"id": "a", "ti\u0074le": "T"}"#,
            r#"{"id": "a", "title": "T\u001b[31m", "source": "S\u202e"}"#,
            r#"{"id": "a", "title": "T", "body": "\ud83d\ude00 \ud800"}"#,
            r#"{"id": "a", "title": "T", "nested": {"body": [1, {"x": null}]}, "body": "ok"}"#,
            r#" {"id": "a", "title": "T"} "#,
            r#"{"id": "a", "title": "T"} trailing"#,
            r#"["not", "an", "object"]"#,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for dir in [
            "tests/fixtures/hostile",
            "tests/fixtures/good",
            "tests/fixtures/bad",
        ] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(dir).unwrap() {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes);
                cases.extend(text.lines().map(str::to_owned));
                if let Ok(serde_json::Value::Object(store)) = serde_json::from_str(&text)
                    && let Some(serde_json::Value::Array(articles)) = store.get("articles")
                {
                    cases.extend(articles.iter().map(|a| a.to_string()));
                }
            }
        }
        for json in &cases {
            let reference = raw_object::<RawArticle<'_>>(json).ok().and_then(|raw| {
                let mut warnings = Warnings::default();
                let headline = native_headline(&raw, &mut warnings).ok()?;
                let body = body_at(json, raw.body)?;
                warnings.0.is_empty().then_some((headline, body))
            });
            let quick = headline_only(json, Format::JsonLines);
            let key = |found: &Option<(HeadlineFields, BodyAt)>| {
                found.as_ref().map(|(h, body)| {
                    let fields = (h.id.clone(), h.title.clone(), h.source.clone());
                    (fields, h.published, h.breaking, *body)
                })
            };
            assert_eq!(key(&quick), key(&reference), "{json}");
        }
    }

    fn parse(text: &str, kind: FileKind) -> ParsedFile {
        parse_file("test.json", text.as_bytes(), kind)
    }

    fn messages(file: &ParsedFile) -> Vec<String> {
        file.diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_big_file_is_located_in_one_pass_whatever_its_format() {
        // `herald check` of 20k articles took 7.8 s when each article's position was counted
        // from the start of the file; one pass over it must do.
        let article = |n: usize| {
            format!(
                r#"{{"id": "a{n}", "title": "Title {n} ü", "body": "Body text of some length."}}"#
            )
        };
        let items: Vec<String> = (0..20_000).map(article).collect();
        let native = format!(
            "{{\"name\": \"S\", \"articles\": [\n{}\n]}}",
            items.join(",\n")
        );
        let feed = format!(
            "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [\n{}\n]}}",
            items.join(",\n")
        );
        for text in [native, feed] {
            let before = super::super::diagnostic::bytes_scanned();
            let parsed = parse(&text, FileKind::Json);
            assert_eq!(parsed.articles.len(), 20_000);
            assert_eq!(parsed.articles[19_999].line, 20_001);
            let scanned = super::super::diagnostic::bytes_scanned() - before;
            assert!(
                scanned <= text.len(),
                "{scanned} bytes looked at for {}",
                text.len()
            );
        }
    }

    #[test]
    fn native_object_with_name() {
        let file = parse(
            r#"{"name": "Desk", "articles": [
                {"id": "a", "title": "First", "published": "2002-07-28", "breaking": true,
                 "body": "One.\n\nTwo.", "source": "VOA", "extra": {"ignored": [1, 2]}},
                {"id": "b", "title": "Second", "tags": ["x", "Breaking"]}
            ]}"#,
            FileKind::Json,
        );
        assert_eq!(messages(&file), Vec::<String>::new());
        assert_eq!(file.format, Some(Format::Native));
        assert_eq!(file.name.as_deref(), Some("Desk"));
        assert_eq!(file.articles.len(), 2);
        let first = &file.articles[0];
        assert_eq!((first.id.as_str(), first.title.as_str()), ("a", "First"));
        assert!(first.breaking);
        assert_eq!(
            first.published.map(|d| d.iso_date()).as_deref(),
            Some("2002-07-28")
        );
        assert_eq!(first.detail.body, "One.\n\nTwo.");
        assert!(file.articles[1].breaking, "a `breaking` tag counts");
    }

    #[test]
    fn bare_array_has_no_name() {
        let file = parse(r#"[{"id": "a", "title": "T"}]"#, FileKind::Json);
        assert_eq!(file.format, Some(Format::Native));
        assert_eq!(file.name, None);
        assert_eq!(file.articles.len(), 1);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let file = parse(
            "{\"articles\": [\n  {\"id\": \"a\", \"title\": \"T\"},\n  {\"id\": \n]}",
            FileKind::Json,
        );
        assert!(file.articles.is_empty());
        assert_eq!(file.format, None);
        let message = messages(&file).join("\n");
        assert!(
            message.starts_with("test.json:4:1: error: malformed JSON: "),
            "{message}"
        );
    }

    #[test]
    fn bad_articles_are_skipped_and_the_rest_load() {
        let file = parse(
            r#"{"articles": [
  {"id": "ok1", "title": "Fine"},
  {"title": "No id"},
  {"id": "no-title"},
  {"id": 7, "title": "Numeric id"},
  {"id": "t", "title": ["not", "text"]},
  "just a string",
  {"id": "ok2", "title": "Also fine", "published": "last week", "url": 5, "tags": ["a", 3]}
]}"#,
            FileKind::Json,
        );
        let ids: Vec<_> = file.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["ok1", "ok2"]);
        let m = messages(&file);
        assert_eq!(
            m[0],
            "test.json:3:3: warning: article 2 skipped: missing required field `id`"
        );
        assert_eq!(
            m[1],
            "test.json:4:3: warning: article 3 (id \"no-title\") skipped: missing required field `title`"
        );
        assert_eq!(
            m[2],
            "test.json:5:3: warning: article 4 skipped: `id` must be a string, not a number"
        );
        assert_eq!(
            m[3],
            "test.json:6:3: warning: article 5 (id \"t\") skipped: `title` must be a string, not an array"
        );
        assert_eq!(
            m[4],
            "test.json:7:3: warning: article 6 skipped: an article must be an object, not a string"
        );
        for expected in [
            "test.json:8:3: warning: article 7 (id \"ok2\"): `url` must be a string, not a number",
            "test.json:8:3: warning: article 7 (id \"ok2\"): `published` is not a date (\"last week\")",
            "test.json:8:3: warning: article 7 (id \"ok2\"): `tags`: 1 item(s) that are not strings were left out",
        ] {
            assert!(
                m[5..].iter().any(|w| w.starts_with(expected)),
                "{expected} not in {m:?}"
            );
        }
        assert_eq!(m.len(), 8);
    }

    #[test]
    fn json_lines_skip_bad_lines_with_their_line_numbers() {
        let text = "{\"id\": \"a\", \"title\": \"A\"}\n\n{\"id\": \"b\", \"title\": }\r\n{\"id\": \"c\", \"title\": \"C\"}\n";
        let file = parse(text, FileKind::JsonLines);
        assert_eq!(file.format, Some(Format::JsonLines));
        let ids: Vec<_> = file.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        let m = messages(&file);
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("test.json:3:22: warning: line 3 skipped: malformed JSON: "),
            "{}",
            m[0]
        );
    }

    #[test]
    fn json_feed_items_become_articles() {
        let file = parse(
            r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Feed",
                "items": [
                  {"id": "1", "title": "Text", "content_text": "Body.", "date_published": "2020-01-02T03:04:05Z",
                   "tags": ["breaking"], "authors": [{"name": "Ann"}], "url": "https://example.org/1"},
                  {"id": 2, "content_html": "<p>Hello &amp; welcome.</p><p>Second.</p>",
                   "_herald": {"breaking": true, "source": "Wire", "section": "Tech"}},
                  {"id": "3", "title": "Plain"}
                ]}"#,
            FileKind::Json,
        );
        assert_eq!(messages(&file), Vec::<String>::new());
        assert_eq!(file.format, Some(Format::JsonFeed));
        assert_eq!(file.name.as_deref(), Some("Feed"));
        let [one, two, three] = &file.articles[..] else {
            panic!("three articles expected")
        };
        assert!(one.breaking);
        assert_eq!(one.detail.author.as_deref(), Some("Ann"));
        assert_eq!(one.detail.url.as_deref(), Some("https://example.org/1"));
        assert_eq!(two.id, "2");
        assert!(two.breaking);
        assert_eq!(two.title, "Hello & welcome.");
        assert_eq!(two.detail.body, "Hello & welcome.\n\nSecond.");
        assert_eq!(two.source.as_deref(), Some("Wire"));
        assert_eq!(two.detail.section.as_deref(), Some("Tech"));
        assert!(!three.breaking);
    }

    #[test]
    fn json_feed_1_0_is_accepted() {
        let file = parse(
            r#"{"version": "https://jsonfeed.org/version/1", "title": "Old", "items": [
                {"id": "x", "title": "T", "author": {"name": "Bo"}}]}"#,
            FileKind::Json,
        );
        assert_eq!(file.format, Some(Format::JsonFeed));
        assert_eq!(file.articles[0].detail.author.as_deref(), Some("Bo"));
    }

    #[test]
    fn json_feed_versions_with_http_or_https_are_feeds() {
        for version in [
            "https://jsonfeed.org/version/1.1",
            "https://jsonfeed.org/version/1",
            "http://jsonfeed.org/version/1",
            "http://jsonfeed.org/version/1.1",
        ] {
            let file = parse(
                &format!(
                    r#"{{"version": "{version}", "title": "F", "items": [{{"id": "x", "title": "T"}}]}}"#
                ),
                FileKind::Json,
            );
            assert_eq!(messages(&file), Vec::<String>::new(), "{version}");
            assert_eq!(file.format, Some(Format::JsonFeed), "{version}");
            assert_eq!(file.name.as_deref(), Some("F"), "{version}");
            assert_eq!(file.articles[0].id, "x", "{version}");
        }
        let not_a_feed = parse(
            r#"{"version": "ftp://jsonfeed.org/version/1", "items": []}"#,
            FileKind::Json,
        );
        assert_eq!(not_a_feed.format, None);
    }

    fn ids(file: &ParsedFile) -> Vec<&str> {
        file.articles.iter().map(|a| a.id.as_str()).collect()
    }

    #[test]
    fn native_enclosures_are_read_and_bad_entries_reported() {
        let file = parse(
            r#"{"articles": [
  {"id": "a", "title": "T", "enclosures": [
     {"url": "https://example.org/a.mp3", "type": "audio/mpeg", "length": 12345, "title": "Audio"},
     {"url": " https://example.org/\u202eb.jpg "},
     {"type": "image/png"},
     {"url": 7},
     5,
     {"url": "https://example.org/c.ogg", "type": ["audio/ogg"], "length": "12 KB", "title": false}
  ]},
  {"id": "b", "title": "T", "enclosures": {"url": "https://example.org/x"}},
  {"id": "c", "title": "T", "enclosures": null}
]}"#,
            FileKind::Json,
        );
        assert_eq!(
            ids(&file),
            ["a", "b", "c"],
            "one bad field never hides the article"
        );
        assert_eq!(
            file.articles[0].detail.enclosures,
            [
                Enclosure {
                    url: "https://example.org/a.mp3".into(),
                    mime_type: Some("audio/mpeg".into()),
                    length: Some(12345),
                    title: Some("Audio".into()),
                },
                Enclosure {
                    url: "https://example.org/b.jpg".into(),
                    ..Enclosure::default()
                },
                Enclosure {
                    url: "https://example.org/c.ogg".into(),
                    ..Enclosure::default()
                },
            ]
        );
        assert!(file.articles[1].detail.enclosures.is_empty());
        let a = "test.json:2:3: warning: article 1 (id \"a\"): `enclosures` entry";
        assert_eq!(
            messages(&file),
            [
                format!("{a} 3 left out: it has no `url`"),
                format!("{a} 4 left out: `url` must be a string, not a number"),
                format!("{a} 5 left out: it must be an object, not a number"),
                format!("{a} 6: `type` must be a string, not an array"),
                format!("{a} 6: `title` must be a string, not a boolean"),
                format!("{a} 6: `length` must be a whole number of bytes, not a string"),
                "test.json:10:3: warning: article 2 (id \"b\"): `enclosures` must be an array of objects, not an object".to_owned(),
            ]
        );
    }

    #[test]
    fn the_quick_native_reader_takes_enclosures_once() {
        let twice = r#"{"id": "a", "title": "T", "enclosures": [], "enclosures": []}"#;
        assert!(headline_only(twice, Format::JsonLines).is_none());
        let file = parse(twice, FileKind::JsonLines);
        assert!(file.articles.is_empty());
    }

    #[test]
    fn unusual_files_get_a_message_a_person_understands() {
        let cases: &[(&[u8], FileKind, &str)] = &[
            (b"", FileKind::Json, "test.json: error: the file is empty"),
            (
                b"  \n ",
                FileKind::Json,
                "test.json: error: the file is empty",
            ),
            (
                b"",
                FileKind::JsonLines,
                "test.json: warning: the file has no articles",
            ),
            (
                b"{\"name\": \"x\"}",
                FileKind::Json,
                "test.json: error: not a store: the object has no \"articles\"",
            ),
            (
                b"42",
                FileKind::Json,
                "test.json:1:1: error: not a store: expected a JSON object or array",
            ),
            (
                b"hello",
                FileKind::Json,
                "test.json:1:1: error: malformed JSON: expected value",
            ),
            (
                b"{\"version\": \"https://jsonfeed.org/version/1.1\"}",
                FileKind::Json,
                "test.json: error: JSON Feed has no \"items\" array",
            ),
        ];
        for (bytes, kind, expected) in cases {
            let file = parse_file("test.json", bytes, *kind);
            let all = messages(&file).join("\n");
            assert!(all.starts_with(expected), "{bytes:?}: {all}");
        }
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let file = parse_file(
            "bom.json",
            b"\xEF\xBB\xBF[{\"id\": \"a\", \"title\": \"T\"}]",
            FileKind::Json,
        );
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        assert_eq!(file.articles.len(), 1);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported_with_its_position() {
        let file = parse_file(
            "bad.json",
            b"[{\"id\": \"a\",\n \"title\": \"caf\xE9\"}]",
            FileKind::Json,
        );
        assert_eq!(file.articles.len(), 1);
        assert_eq!(file.articles[0].title, "caf\u{FFFD}");
        let m = messages(&file);
        assert!(
            m[0].starts_with("bad.json:2:15: warning: invalid UTF-8 (byte 0xE9)"),
            "{}",
            m[0]
        );
    }

    #[test]
    fn hostile_text_is_neutralised_at_load() {
        let file = parse(
            r#"[{"id": "a\u001b[2J", "title": "Ti\u001b]52;c;cm0=\u0007tle\u202e", "body": "x\u009b31my\r\nz", "source": "\u0000VOA"}]"#,
            FileKind::Json,
        );
        let article = &file.articles[0];
        assert_eq!(article.id, "a");
        assert_eq!(article.title, "Title");
        assert_eq!(article.detail.body, "xy\nz");
        assert_eq!(article.source.as_deref(), Some("VOA"));
    }

    #[test]
    fn lone_surrogates_skip_only_their_article() {
        let file = parse(
            r#"[{"id": "a", "title": "\ud800"}, {"id": "b", "title": "ok"}]"#,
            FileKind::Json,
        );
        assert_eq!(file.articles.len(), 1);
        assert!(
            messages(&file)[0].contains("`title` is not valid text"),
            "{:?}",
            messages(&file)
        );
    }

    #[test]
    fn deep_nesting_is_reported_or_ignored_never_a_crash() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let file = parse(&deep, FileKind::Json);
        assert!(file.articles.is_empty());
        assert_eq!(
            messages(&file),
            [
                "test.json:1:2: warning: article 1 skipped: an article must be an object, not an array"
            ]
        );
        // Deep nesting in a field Herald does not read costs nothing.
        let deep_field = format!(
            "{{\"id\": \"a\", \"title\": \"T\", \"x\": {}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let file = parse(&deep_field, FileKind::JsonLines);
        assert_eq!(file.articles.len(), 1);
        // In a field it does read, it is a type error for that article only.
        let deep_title = format!(
            "{{\"id\": \"a\", \"title\": {}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let file = parse(&deep_title, FileKind::JsonLines);
        assert!(file.articles.is_empty());
        assert!(
            messages(&file)[0].contains("`title` must be a string, not an array"),
            "{:?}",
            messages(&file)
        );
    }
}
