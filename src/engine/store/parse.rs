//! Parsing one store file (native JSON, JSON Feed, or JSON Lines) into articles and
//! diagnostics. Pure: bytes in, articles and problems out; no file system access.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::cores::on_all_cores;
use super::diagnostic::{Diagnostic, Locator, Position};
use super::fields::{self, Raw, RawArticle, kind_of, without_position};
use super::model::{ArticleDetail, Enclosure, ParsedArticle};
use super::place::BodyAt;
use crate::text::html::to_plain_text;
use crate::text::ids::{StableHash, slug};
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

/// The top-level fields of a JSON Feed that its items inherit. Read in a second pass over the
/// file, and only for a feed: in [`TopObject`], which every `.json` file is read with, a
/// native store's duplicated `author` key would have made the whole file unreadable.
#[derive(Deserialize)]
struct FeedTop<'a> {
    #[serde(borrow, default)]
    authors: Raw<'a>,
    /// JSON Feed 1.0's single author.
    #[serde(borrow, default)]
    author: Raw<'a>,
}

/// What every item of one feed shares.
#[derive(Clone, Debug, Default)]
pub(crate) struct FeedContext {
    /// The feed's own author, for items that name none (the spec says they inherit it).
    pub author: Option<String>,
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
            Some(items) => {
                let feed = match keep {
                    Keep::Format => FeedContext::default(),
                    Keep::Everything | Keep::Problems => feed_context(path, text, result),
                };
                add_feed_items(path, text, items, keep, &feed, result);
            }
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

/// The feed's author, with a file-level warning if its `authors` or `author` is mistyped.
fn feed_context(path: &str, text: &str, result: &mut ParsedFile) -> FeedContext {
    let top = match serde_json::from_str::<FeedTop<'_>>(text) {
        Ok(top) => top,
        // The file parsed once already, so only a duplicated key can get here.
        Err(error) => {
            result.diagnostics.push(Diagnostic::warning(
                path,
                format!(
                    "the feed's author is left out: {}",
                    without_position(&error)
                ),
            ));
            return FeedContext::default();
        }
    };
    let mut warnings = Warnings::default();
    let author = match byline(top.authors, top.author, &mut warnings) {
        Byline::Named(name) => Some(name),
        Byline::Nameless | Byline::Absent => None,
    };
    for problem in warnings.0 {
        result
            .diagnostics
            .push(Diagnostic::warning(path, format!("the feed's {problem}")));
    }
    FeedContext { author }
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
        // A feed whose items inherit its author is never indexed (see `index`), so its
        // articles are never read back one by one: no item read here needs the feed.
        Format::JsonFeed => parse_feed_item(json, Keep::Everything, &FeedContext::default()),
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
    #[serde(borrow, default)]
    attachments: Raw<'a>,
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

/// What an item's `external_url` is called among its enclosures when the item has a `url` of
/// its own (so the external one is not the article's link).
pub const EXTERNAL_LINK_TITLE: &str = "External link";

fn add_feed_items(
    path: &str,
    text: &str,
    items: &[&RawValue],
    keep: Keep,
    feed: &FeedContext,
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
    let parsed = on_all_cores(items, |raw| parse_feed_item(raw.get(), keep, feed));
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

/// The item's own id, if it has one. JSON Feed says a reader must coerce a non-string id to a
/// string, so a number is its text; another type is reported, and the item is identified as
/// if it had no id (see [`feed_headline`]) rather than lost.
fn feed_id(raw: Raw<'_>, warnings: &mut Warnings) -> Option<String> {
    match raw.filter(|r| r.get().trim() != "null") {
        Some(r)
            if r.get()
                .trim_start()
                .starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) =>
        {
            Some(r.get().trim().to_owned())
        }
        other => warnings.keep(
            fields::line_field(other, "id")
                .map_err(|problem| format!("{problem}; the item is identified without it")),
        ),
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

fn feed_attachments(raw: &RawFeedItem<'_>, warnings: &mut Warnings) -> Vec<Enclosure> {
    let (attachments, problems) =
        fields::enclosures_field(raw.attachments, fields::FEED_ATTACHMENTS);
    warnings.0.extend(problems);
    attachments
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

/// What reading an item's headline read of the rest of it, so that the whole article does not
/// read it (nor report its problems) a second time.
struct ReadAhead {
    url: Option<String>,
    /// `date_modified`, unless it stood in for a missing `date_published`.
    updated: Option<crate::text::Published>,
    /// Read only for the title of an item that has none.
    text: Option<FeedText>,
    /// Read only for the title (or the id) of an item with no title, summary or content.
    attachments: Option<Vec<Enclosure>>,
}

/// A feed item's headline, and what it had to read of the rest of the item on the way.
///
/// Ids are what Herald keys read marks by, so an item's id must be the same at every reading
/// and never empty: the item's `id`; else its `url` (JSON Feed's own advice for ids); else
/// [`fallback_id`], from its date and title.
fn feed_headline(
    raw: &RawFeedItem<'_>,
    warnings: &mut Warnings,
) -> Result<(HeadlineFields, ReadAhead), ArticleProblem> {
    let own_id = feed_id(raw.id, warnings);
    let title = warnings.keep(fields::line_field(raw.title, "title"));
    let extension = feed_extension(raw, warnings);
    let source = warnings.keep(fields::line_field(extension.source, "_herald.source"));
    let date_published = warnings.keep(fields::date_field(raw.date_published, "date_published"));
    let date_modified = warnings.keep(fields::date_field(raw.date_modified, "date_modified"));
    let url = warnings.keep(fields::line_field(raw.url, "url"));
    let (tags, tag_problem) = fields::tags_field(raw.tags, "tags");
    warnings.0.extend(tag_problem);
    let flagged = warnings.keep(fields::bool_field(extension.breaking, "_herald.breaking"));
    let breaking = flagged.unwrap_or(false) || fields::has_breaking_tag(&tags);
    let mut ahead = ReadAhead {
        url,
        // Shown once: as the date, when it is the only one.
        updated: date_published.and(date_modified),
        text: None,
        attachments: None,
    };
    // Undated, an item that was only ever given a modification date would sink to the end of
    // every list.
    let published = date_published.or(date_modified);
    let title = match title {
        Some(title) => title,
        None => {
            derived_title(raw, warnings, &mut ahead).ok_or_else(|| ArticleProblem::Invalid {
                message: "the item has no title, summary, content or attachment to show".to_owned(),
                id: own_id.clone().or_else(|| ahead.url.clone()),
            })?
        }
    };
    let id = match own_id.or_else(|| ahead.url.clone()) {
        Some(id) => id,
        None => fallback_id(raw, published, &title),
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
        ahead,
    ))
}

/// A title for an item that has none: the first words of its summary or content, else (a
/// podcast episode given as nothing but its file) its first attachment's title or file name.
fn derived_title(
    raw: &RawFeedItem<'_>,
    warnings: &mut Warnings,
    ahead: &mut ReadAhead,
) -> Option<String> {
    let text = feed_text(raw, warnings);
    let from_text = text
        .summary
        .as_deref()
        .map(first_words)
        .or_else(|| (!text.body.is_empty()).then(|| first_words(&text.body)))
        .filter(|title| !title.is_empty());
    ahead.text = Some(text);
    if from_text.is_some() {
        return from_text;
    }
    let attachments = feed_attachments(raw, warnings);
    let title = attachments.first().map(|first| {
        let name = first.title.clone().unwrap_or_else(|| file_name(&first.url));
        crate::text::truncate_to_width(&name, DERIVED_TITLE_WIDTH)
    });
    ahead.attachments = Some(attachments);
    title.filter(|title| !title.is_empty())
}

/// The last part of a URL's path, `%`-escapes decoded (`Episode%2042.mp3` is `Episode 42.mp3`),
/// for a title; the whole URL when its path has none (`https://example.org/`). Never empty for
/// a non-empty URL, and cleaned again after decoding, which could have made control characters.
fn file_name(url: &str) -> String {
    let address = url.split(['?', '#']).next().unwrap_or(url);
    // What follows the scheme and the host, when there are any.
    let path = match address.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => address,
    };
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let name = sanitize_line(&percent_decoded(last)).into_owned();
    if name.is_empty() {
        url.to_owned()
    } else {
        name
    }
}

/// `text` with each `%XX` escape as the byte it stands for; bytes that are not UTF-8 once
/// decoded become U+FFFD.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
        match (bytes[at], hex(bytes.get(at + 1)), hex(bytes.get(at + 2))) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits are below 256.
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                at += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The id of an item with neither `id` nor `url`: `DATE-TITLE` (`2025-11-03-uploads-resume`),
/// as `herald import` makes for such items, from the date as written and the title's letters
/// and digits. A title with none (`!!!`, only emoji) gives a short hash of the item's text
/// instead, so the id is never empty and still the same at each reading of the item.
fn fallback_id(
    raw: &RawFeedItem<'_>,
    published: Option<crate::text::Published>,
    title: &str,
) -> String {
    let slug = slug(title);
    let hash = || format!("{:012x}", content_hash(raw) & 0xffff_ffff_ffff);
    match (published, slug.is_empty()) {
        (Some(date), false) => format!("{}-{slug}", date.iso_date()),
        (None, false) => slug,
        (Some(date), true) => format!("{}-{}", date.iso_date(), hash()),
        (None, true) => format!("item-{}", hash()),
    }
}

/// A 64-bit FNV-1a hash of the item's text as decoded (so re-indenting the file or escaping it
/// differently keeps it): title, summary, content and attachment addresses. Ids are made from
/// it, so it must never change.
fn content_hash(raw: &RawFeedItem<'_>) -> u64 {
    let text = |raw: Raw<'_>| {
        fields::raw_string(raw, "")
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let (attachments, _) = fields::enclosures_field(raw.attachments, fields::FEED_ATTACHMENTS);
    [raw.title, raw.summary, raw.content_text, raw.content_html]
        .into_iter()
        .map(text)
        .chain(attachments.into_iter().map(|a| a.url))
        .fold(StableHash::default(), |hash, part| hash.part(&part))
        .finish()
}

fn parse_feed_item(json: &str, keep: Keep, feed: &FeedContext) -> Result<Accepted, ArticleProblem> {
    let raw: RawFeedItem<'_> = raw_object(json)?;
    let mut warnings = Warnings::default();
    let (headline, ahead) = feed_headline(&raw, &mut warnings)?;
    let FeedText {
        summary,
        body,
        html,
    } = match (ahead.text, keep) {
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
    let attachments = match ahead.attachments {
        Some(attachments) => attachments,
        None => feed_attachments(&raw, &mut warnings),
    };
    let external = warnings.keep(fields::line_field(raw.external_url, "external_url"));
    // `external_url` is the page a linkblog item talks about. Without a `url` it is the
    // article's link; beside one, it is kept as the first of the item's enclosures, titled
    // so, where it is listed and opened like the others.
    let (url, external) = match (ahead.url, external) {
        (None, external) => (external, None),
        (Some(url), Some(external)) if external != url => (Some(url), Some(external)),
        (url, _) => (url, None),
    };
    let enclosures = external
        .map(|url| Enclosure {
            url,
            mime_type: None,
            length: None,
            title: Some(EXTERNAL_LINK_TITLE.to_owned()),
        })
        .into_iter()
        .chain(attachments)
        .collect();
    let author = match byline(raw.authors, raw.author, &mut warnings) {
        Byline::Named(name) => Some(name),
        Byline::Nameless => None,
        Byline::Absent => feed.author.clone(),
    };
    let extension = feed_extension(&raw, &mut Warnings::default());
    let section = warnings.keep(fields::line_field(extension.section, "_herald.section"));
    let detail = ArticleDetail {
        updated: ahead.updated,
        url,
        section,
        author,
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

fn first_words(text: &str) -> String {
    let first_line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    crate::text::truncate_to_width(&sanitize_line(first_line), DERIVED_TITLE_WIDTH)
}

/// Whom an item (or a whole feed) says wrote it.
enum Byline {
    Named(String),
    /// Authors are given, but the first has no name (only a `url` or an `avatar`): they are
    /// still the item's authors, so the feed's are not taken instead.
    Nameless,
    /// No authors at all: an item then has the feed's.
    Absent,
}

/// The first name of `authors` (1.1), else of `author` (1.0): the spec asks readers to prefer
/// `authors`. An empty `authors` array names no one, as if it were absent.
fn byline(authors: Raw<'_>, author: Raw<'_>, warnings: &mut Warnings) -> Byline {
    let named = |value: &RawValue| -> Byline {
        let name = match value.get().trim_start().starts_with('"') {
            // Not the spec's object, but plainly a name: better shown than dropped.
            true => fields::line_field(Some(value), "author").ok().flatten(),
            false => serde_json::from_str::<RawAuthor<'_>>(value.get())
                .ok()
                .and_then(|author| {
                    fields::line_field(author.name, "authors.name")
                        .ok()
                        .flatten()
                }),
        };
        name.map_or(Byline::Nameless, Byline::Named)
    };
    if let Some(authors) = authors.filter(|a| a.get().trim() != "null") {
        match serde_json::from_str::<Vec<&RawValue>>(authors.get()) {
            Ok(list) => {
                if let Some(first) = list.first() {
                    return named(first);
                }
            }
            Err(_) => warnings.0.push(format!(
                "`authors` must be an array, not {}",
                kind_of(authors)
            )),
        }
    }
    match author.filter(|a| a.get().trim() != "null") {
        Some(author) => named(author),
        None => Byline::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn feed(items: &str) -> ParsedFile {
        parse(
            &format!(
                r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": [{items}]}}"#
            ),
            FileKind::Json,
        )
    }

    fn ids(file: &ParsedFile) -> Vec<&str> {
        file.articles.iter().map(|a| a.id.as_str()).collect()
    }

    #[test]
    fn feed_items_without_an_id_are_identified_by_url_then_date_and_title() {
        let items = r#"
            {"url": "https://example.org/a", "title": "By URL"},
            {"title": "Ferry Returns to Port Callow!", "date_published": "2022-11-16T00:38:15+01:00"},
            {"title": "Zürich: 3 Trams"},
            {"id": "", "url": "https://example.org/empty-id", "title": "Empty id"},
            {"id": null, "title": "Null id", "date_modified": "2020-01-02"},
            {"id": 42, "url": "https://example.org/n", "title": "Numeric"}"#;
        let file = feed(items);
        assert_eq!(messages(&file), Vec::<String>::new());
        assert_eq!(
            ids(&file),
            [
                "https://example.org/a",
                // The day as written, not the UTC day (2022-11-15).
                "2022-11-16-ferry-returns-to-port-callow",
                "zürich-3-trams",
                "https://example.org/empty-id",
                "2020-01-02-null-id",
                "42",
            ]
        );
        assert_eq!(ids(&feed(items)), ids(&file), "the same at every reading");
    }

    #[test]
    fn an_id_of_the_wrong_type_is_reported_and_the_item_kept() {
        let file = feed(r#"{"id": {"x": 1}, "url": "https://example.org/a", "title": "T"}"#);
        assert_eq!(ids(&file), ["https://example.org/a"]);
        assert_eq!(
            messages(&file),
            [
                "test.json:1:73: warning: item 1 (id \"https://example.org/a\"): `id` must be a string, not an object; the item is identified without it"
            ]
        );
    }

    #[test]
    fn items_whose_title_has_no_letters_get_a_stable_non_empty_id() {
        let items = r#"
            {"title": "!!!", "content_text": "First."},
            {"title": "!!!", "content_text": "Second."},
            {"title": "🎉", "content_text": "First.", "date_published": "2021-05-06"},
            {"content_text": "— — —"}"#;
        let file = feed(items);
        assert_eq!(messages(&file), Vec::<String>::new());
        let found = ids(&file);
        assert_eq!(found.len(), 4);
        for id in &found[..2] {
            assert!(id.starts_with("item-") && id.len() == 17, "{found:?}");
        }
        assert_ne!(found[0], found[1], "different text, different ids");
        assert!(
            found[2].starts_with("2021-05-06-") && found[2].len() == 23,
            "{found:?}"
        );
        assert!(found[3].starts_with("item-"), "{found:?}");
        // Re-indented and escaped differently, the item keeps its id.
        let again = feed(
            r#"{"content_text":"First.",
                "title":"\u0021!!"}"#,
        );
        assert_eq!(ids(&again), [found[0]]);
    }

    #[test]
    fn an_item_with_only_date_modified_is_dated_by_it() {
        let file = feed(
            r#"{"id": "m", "title": "Modified only", "date_modified": "2022-11-16T00:38:15+01:00"},
               {"id": "b", "title": "Both", "date_published": "2020-01-01", "date_modified": "2020-02-02"},
               {"id": "bad", "title": "Bad published", "date_published": "soon", "date_modified": "2019-03-03"}"#,
        );
        let [modified, both, bad] = &file.articles[..] else {
            panic!("three articles expected")
        };
        let day = |d: Option<crate::text::Published>| d.map(|d| d.iso_date());
        assert_eq!(day(modified.published).as_deref(), Some("2022-11-16"));
        assert_eq!(
            modified.published.map(|d| d.instant),
            crate::text::Published::parse("2022-11-15T23:38:15Z").map(|d| d.instant)
        );
        assert_eq!(modified.detail.updated, None, "shown once, as the date");
        assert_eq!(day(both.published).as_deref(), Some("2020-01-01"));
        assert_eq!(day(both.detail.updated).as_deref(), Some("2020-02-02"));
        assert_eq!(day(bad.published).as_deref(), Some("2019-03-03"));
        assert_eq!(messages(&file).len(), 1, "{:?}", messages(&file));
        assert!(messages(&file)[0].contains("`date_published` is not a date"));
    }

    #[test]
    fn items_without_authors_have_the_feeds() {
        let items = r#"
            {"id": "own", "title": "T", "authors": [{"name": "Ann"}]},
            {"id": "none", "title": "T"},
            {"id": "empty", "title": "T", "authors": []},
            {"id": "nameless", "title": "T", "authors": [{"url": "https://example.org/ann"}]},
            {"id": "old", "title": "T", "author": {"name": "Bo"}},
            {"id": "plain", "title": "T", "author": "Cy"}"#;
        let authors = |top: &str| {
            let file = parse(
                &format!(
                    r#"{{"version": "https://jsonfeed.org/version/1.1", {top} "items": [{items}]}}"#
                ),
                FileKind::Json,
            );
            assert_eq!(messages(&file), Vec::<String>::new(), "{top}");
            file.articles
                .iter()
                .map(|a| a.detail.author.clone())
                .collect::<Vec<_>>()
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            authors(r#""authors": [{"name": "Desk"}, {"name": "Other"}],"#),
            [
                some("Ann"),
                some("Desk"),
                some("Desk"),
                None,
                some("Bo"),
                some("Cy")
            ]
        );
        assert_eq!(
            authors(r#""author": {"name": "Old Desk"},"#),
            [
                some("Ann"),
                some("Old Desk"),
                some("Old Desk"),
                None,
                some("Bo"),
                some("Cy")
            ]
        );
        assert_eq!(
            authors(r#""authors": [{"name": "New"}], "author": {"name": "Old"},"#),
            [
                some("Ann"),
                some("New"),
                some("New"),
                None,
                some("Bo"),
                some("Cy")
            ]
        );
        assert_eq!(
            authors(""),
            [some("Ann"), None, None, None, some("Bo"), some("Cy")]
        );
    }

    #[test]
    fn a_mistyped_feed_author_is_reported_once_for_the_file() {
        let file = parse(
            r#"{"version": "https://jsonfeed.org/version/1.1", "authors": "Desk",
                "author": {"name": "Old"}, "items": [{"id": "a", "title": "T"}]}"#,
            FileKind::Json,
        );
        assert_eq!(file.articles[0].detail.author.as_deref(), Some("Old"));
        assert_eq!(
            messages(&file),
            ["test.json: warning: the feed's `authors` must be an array, not a string"]
        );
    }

    #[test]
    fn a_doubled_feed_author_costs_only_the_author() {
        let file = parse(
            r#"{"version": "https://jsonfeed.org/version/1.1", "author": {"name": "A"},
                "author": {"name": "B"}, "items": [{"id": "a", "title": "T"}]}"#,
            FileKind::Json,
        );
        assert_eq!(ids(&file), ["a"]);
        assert_eq!(file.articles[0].detail.author, None);
        assert_eq!(
            messages(&file),
            ["test.json: warning: the feed's author is left out: duplicate field `author`"]
        );
        // A native store's own `author` key means nothing to Herald, twice or not.
        let native = parse(
            r#"{"author": "x", "author": "y", "articles": [{"id": "a", "title": "T"}]}"#,
            FileKind::Json,
        );
        assert_eq!(messages(&native), Vec::<String>::new());
        assert_eq!(ids(&native), ["a"]);
    }

    #[test]
    fn external_url_is_the_link_without_url_and_an_enclosure_beside_one() {
        let file = feed(
            r#"{"id": "only", "title": "T", "external_url": "https://elsewhere.example/x"},
               {"id": "both", "title": "T", "url": "https://example.org/b", "external_url": "https://elsewhere.example/y",
                "attachments": [{"url": "https://example.org/b.mp3", "mime_type": "audio/mpeg"}]},
               {"id": "same", "title": "T", "url": "https://example.org/s", "external_url": "https://example.org/s"}"#,
        );
        assert_eq!(messages(&file), Vec::<String>::new());
        let [only, both, same] = &file.articles[..] else {
            panic!("three articles expected")
        };
        assert_eq!(
            only.detail.url.as_deref(),
            Some("https://elsewhere.example/x")
        );
        assert!(only.detail.enclosures.is_empty());
        assert_eq!(both.detail.url.as_deref(), Some("https://example.org/b"));
        let urls: Vec<_> = both
            .detail
            .enclosures
            .iter()
            .map(|e| e.url.as_str())
            .collect();
        assert_eq!(
            urls,
            ["https://elsewhere.example/y", "https://example.org/b.mp3"]
        );
        assert_eq!(
            both.detail.enclosures[0].title.as_deref(),
            Some(EXTERNAL_LINK_TITLE)
        );
        assert_eq!(same.detail.url.as_deref(), Some("https://example.org/s"));
        assert!(same.detail.enclosures.is_empty(), "not listed twice");
    }

    #[test]
    fn attachments_become_enclosures() {
        let file = feed(
            r#"{"id": "ep", "title": "Episode 1", "content_text": "Notes.",
                "attachments": [
                  {"url": "https://example.org/ep1.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 12345678,
                   "duration_in_seconds": 1800, "title": "MP3 \u001b[31mversion"},
                  {"url": "https://example.org/ep1.ogg", "mime_type": "audio/ogg", "size_in_bytes": 2.0e3},
                  {"mime_type": "audio/aac"},
                  "https://example.org/not-an-object",
                  {"url": "https://example.org/ep1.txt", "size_in_bytes": -1}
                ]}"#,
        );
        let detail = &file.articles[0].detail;
        assert_eq!(
            detail.enclosures,
            [
                Enclosure {
                    url: "https://example.org/ep1.mp3".into(),
                    mime_type: Some("audio/mpeg".into()),
                    length: Some(12_345_678),
                    title: Some("MP3 version".into()),
                },
                Enclosure {
                    url: "https://example.org/ep1.ogg".into(),
                    mime_type: Some("audio/ogg".into()),
                    length: Some(2000),
                    title: None,
                },
                Enclosure {
                    url: "https://example.org/ep1.txt".into(),
                    ..Enclosure::default()
                },
            ]
        );
        let m = messages(&file);
        let prefix = "test.json:1:73: warning: item 1 (id \"ep\"): ";
        assert_eq!(
            m,
            [
                format!("{prefix}`attachments` entry 3 left out: it has no `url`"),
                format!(
                    "{prefix}`attachments` entry 4 left out: it must be an object, not a string"
                ),
                format!(
                    "{prefix}`attachments` entry 5: `size_in_bytes` must be a whole number of bytes, 0 or more, not -1"
                ),
            ]
        );
    }

    #[test]
    fn attachment_only_items_are_titled_by_their_attachment() {
        let file = feed(
            r#"{"id": "titled", "attachments": [{"url": "https://example.org/a.mp3", "mime_type": "audio/mpeg", "title": "Morning Show"}]},
               {"id": "named", "attachments": [{"url": "https://example.org/shows/Episode%2042.mp3?src=feed#t=1", "mime_type": "audio/mpeg"}]},
               {"id": "bare", "attachments": [{"url": "https://example.org/", "mime_type": "text/html"}]},
               {"attachments": [{"url": "https://example.org/podcast/ep7.m4a", "mime_type": "audio/mp4"}], "date_published": "2024-02-03"},
               {"id": "nothing"}"#,
        );
        let titles: Vec<_> = file
            .articles
            .iter()
            .map(|a| (a.id.as_str(), a.title.as_str()))
            .collect();
        assert_eq!(
            titles,
            [
                ("titled", "Morning Show"),
                ("named", "Episode 42.mp3"),
                ("bare", "https://example.org/"),
                ("2024-02-03-ep7-m4a", "ep7.m4a"),
            ]
        );
        assert_eq!(file.articles[1].detail.enclosures.len(), 1);
        assert_eq!(
            messages(&file),
            [
                "test.json:5:16: warning: item 5 (id \"nothing\") skipped: the item has no title, summary, content or attachment to show"
            ]
        );
    }

    #[test]
    fn file_names_are_decoded_and_cleaned() {
        for (url, name) in [
            ("https://example.org/a/b.mp3", "b.mp3"),
            ("https://example.org/a/dir/", "dir"),
            ("https://example.org", "https://example.org"),
            ("https://example.org/%E2%82%AC%20price.pdf", "€ price.pdf"),
            ("https://example.org/x%1b%5b2Jy.mp3", "xy.mp3"),
            ("https://example.org/%ZZ.mp3", "%ZZ.mp3"),
            ("relative/name.ogg", "name.ogg"),
        ] {
            assert_eq!(file_name(url), name, "{url}");
        }
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
    fn enclosures_are_read_back_with_one_article_as_with_the_file() {
        let native = r#"{"id": "a", "title": "T", "enclosures": [{"url": "https://example.org/a.mp3", "length": 3}]}"#;
        let whole = parse(native, FileKind::JsonLines);
        let alone = article_only(native, Format::JsonLines).unwrap();
        assert_eq!(alone.detail, whole.articles[0].detail);
        assert_eq!(alone.detail.enclosures[0].length, Some(3));
        let item = r#"{"url": "https://example.org/p", "external_url": "https://elsewhere.example/",
            "attachments": [{"url": "https://example.org/p.mp3", "mime_type": "audio/mpeg"}]}"#;
        let whole = feed(item);
        let alone = article_only(item, Format::JsonFeed).unwrap();
        assert_eq!(alone.id, whole.articles[0].id);
        assert_eq!(alone.title, "p.mp3");
        assert_eq!(alone.detail, whole.articles[0].detail);
        assert_eq!(alone.detail.enclosures.len(), 2);
    }

    #[test]
    fn the_quick_feed_headline_agrees_with_the_whole_file() {
        // The indexer reads each item alone; ids and dates must come out as from the file.
        for item in [
            r#"{"url": "https://example.org/a", "title": "A"}"#,
            r#"{"title": "Dated", "date_modified": "2022-11-16T00:38:15+01:00"}"#,
            r#"{"title": "!!!", "content_text": "x"}"#,
            r#"{"attachments": [{"url": "https://example.org/e.mp3", "mime_type": "audio/mpeg"}]}"#,
            r#"{"content_html": "<p>Only <b>HTML</b></p>"}"#,
        ] {
            let whole = feed(item);
            let (quick, _) = headline_only(item, Format::JsonFeed).unwrap();
            let article = &whole.articles[0];
            assert_eq!(
                (&quick.id, &quick.title, quick.published),
                (&article.id, &article.title, article.published),
                "{item}"
            );
        }
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
