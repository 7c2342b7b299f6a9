//! Reading article fields from raw JSON, one field at a time, so that one mistyped field costs
//! a warning (or, for a required field, one article) and never the whole store.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::text::{Published, sanitize_line, sanitize_text};

/// A JSON value not yet parsed, borrowed from the file's text.
pub type Raw<'a> = Option<&'a RawValue>;

/// The fields of a native (or JSON Lines) article, each kept raw until checked. Unknown fields
/// are ignored.
#[derive(Deserialize, Default)]
pub struct RawArticle<'a> {
    #[serde(borrow, default)]
    pub id: Raw<'a>,
    #[serde(borrow, default)]
    pub title: Raw<'a>,
    #[serde(borrow, default)]
    pub published: Raw<'a>,
    #[serde(borrow, default)]
    pub updated: Raw<'a>,
    #[serde(borrow, default)]
    pub url: Raw<'a>,
    #[serde(borrow, default)]
    pub source: Raw<'a>,
    #[serde(borrow, default)]
    pub section: Raw<'a>,
    #[serde(borrow, default)]
    pub author: Raw<'a>,
    #[serde(borrow, default)]
    pub summary: Raw<'a>,
    #[serde(borrow, default)]
    pub body: Raw<'a>,
    #[serde(borrow, default)]
    pub html: Raw<'a>,
    #[serde(borrow, default)]
    pub tags: Raw<'a>,
    #[serde(borrow, default)]
    pub breaking: Raw<'a>,
}

/// What kind of JSON value `raw` is, in words for an error message.
pub fn kind_of(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn is_null(raw: &RawValue) -> bool {
    raw.get().trim() == "null"
}

/// A problem with one field. Required fields turn it into a skipped article; optional fields
/// into a warning with the field left out.
pub type FieldResult<T> = Result<T, String>;

/// A string field, untrusted text and all: not yet sanitised.
pub fn raw_string(raw: Raw<'_>, field: &str) -> FieldResult<Option<String>> {
    let Some(raw) = raw.filter(|r| !is_null(r)) else {
        return Ok(None);
    };
    if !raw.get().trim_start().starts_with('"') {
        return Err(format!("`{field}` must be a string, not {}", kind_of(raw)));
    }
    serde_json::from_str::<String>(raw.get())
        .map(Some)
        .map_err(|e| format!("`{field}` is not valid text: {}", without_position(&e)))
}

/// A single-line text field (title, source, author...), sanitised; empty counts as absent.
pub fn line_field(raw: Raw<'_>, field: &str) -> FieldResult<Option<String>> {
    Ok(raw_string(raw, field)?
        .map(|text| sanitize_line(&text).into_owned())
        .filter(|text| !text.is_empty()))
}

/// A multi-line text field (body, summary), sanitised. A clean body (almost every one) is the
/// string serde made, not a copy of it: bodies are most of a store.
pub fn text_field(raw: Raw<'_>, field: &str) -> FieldResult<Option<String>> {
    let Some(text) = raw_string(raw, field)? else {
        return Ok(None);
    };
    let mut text = match sanitize_text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    };
    let end = text.trim_end_matches('\n').len();
    text.truncate(end);
    let start = text.len() - text.trim_start_matches('\n').len();
    text.drain(..start);
    Ok((!text.trim().is_empty()).then_some(text))
}

/// A text field checked as [`text_field`] would read it (a string, valid text: no lone
/// surrogate escape), but not kept: most strings are borrowed from the file, not copied.
pub fn checked_text(raw: Raw<'_>, field: &str) -> FieldResult<()> {
    let Some(raw) = raw.filter(|r| !is_null(r)) else {
        return Ok(());
    };
    if !raw.get().trim_start().starts_with('"') {
        return Err(format!("`{field}` must be a string, not {}", kind_of(raw)));
    }
    // Crossed, not decoded (see `object`); only a bad one is decoded, for serde_json's words.
    if super::object::is_valid_string(raw.get().trim()) {
        return Ok(());
    }
    serde_json::from_str::<String>(raw.get())
        .map(|_| ())
        .map_err(|e| format!("`{field}` is not valid text: {}", without_position(&e)))
}

/// A required single-line field: present, a string, and not empty once cleaned.
pub fn required_line(raw: Raw<'_>, field: &str) -> FieldResult<String> {
    line_field(raw, field)?.ok_or_else(|| format!("missing required field `{field}`"))
}

/// A date field. A value that is not a date is reported; the article keeps no date.
pub fn date_field(raw: Raw<'_>, field: &str) -> FieldResult<Option<Published>> {
    match raw_string(raw, field)? {
        None => Ok(None),
        Some(text) => Published::parse(&text).map(Some).ok_or_else(|| {
            format!(
                "`{field}` is not a date ({:?}); use RFC 3339 (2002-07-28T09:30:00Z) or YYYY-MM-DD",
                sanitize_line(&crate::text::wrap::truncate_to_width(&text, 40))
            )
        }),
    }
}

pub fn bool_field(raw: Raw<'_>, field: &str) -> FieldResult<Option<bool>> {
    let Some(raw) = raw.filter(|r| !is_null(r)) else {
        return Ok(None);
    };
    serde_json::from_str::<bool>(raw.get())
        .map(Some)
        .map_err(|_| format!("`{field}` must be true or false, not {}", kind_of(raw)))
}

/// A list of strings. Items that are not strings are dropped and reported.
pub fn tags_field(raw: Raw<'_>, field: &str) -> (Vec<String>, Option<String>) {
    let Some(raw) = raw.filter(|r| !is_null(r)) else {
        return (Vec::new(), None);
    };
    let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
        return (
            Vec::new(),
            Some(format!(
                "`{field}` must be an array of strings, not {}",
                kind_of(raw)
            )),
        );
    };
    let mut tags = Vec::new();
    let mut dropped = 0;
    for item in items {
        match line_field(Some(item), field) {
            Ok(Some(tag)) => tags.push(tag),
            Ok(None) => {}
            Err(_) => dropped += 1,
        }
    }
    let problem = (dropped > 0)
        .then(|| format!("`{field}`: {dropped} item(s) that are not strings were left out"));
    (tags, problem)
}

/// True when a tag list marks the article as breaking news.
pub fn has_breaking_tag(tags: &[String]) -> bool {
    tags.iter().any(|tag| tag.eq_ignore_ascii_case("breaking"))
}

/// serde_json's message without its trailing "at line N column M", for use where Herald prints
/// the position itself.
pub fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}
