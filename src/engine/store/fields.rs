//! Reading article fields from raw JSON, one field at a time, so that one mistyped field costs
//! a warning (or, for a required field, one article) and never the whole store.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::model::Enclosure;
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
    #[serde(borrow, default)]
    pub enclosures: Raw<'a>,
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

/// One enclosure's fields, raw, whatever a format calls them.
#[derive(Default)]
pub struct RawEnclosure<'a> {
    pub url: Raw<'a>,
    pub mime_type: Raw<'a>,
    pub length: Raw<'a>,
    pub title: Raw<'a>,
}

/// A native store's enclosure: `{"url", "type", "length", "title"}`, as RSS names them.
#[derive(Deserialize)]
struct RawNativeEnclosure<'a> {
    #[serde(borrow, default)]
    url: Raw<'a>,
    #[serde(borrow, default, rename = "type")]
    mime_type: Raw<'a>,
    #[serde(borrow, default)]
    length: Raw<'a>,
    #[serde(borrow, default)]
    title: Raw<'a>,
}

/// A JSON Feed attachment: `{"url", "mime_type", "size_in_bytes", "title"}`.
#[derive(Deserialize)]
struct RawAttachment<'a> {
    #[serde(borrow, default)]
    url: Raw<'a>,
    #[serde(borrow, default)]
    mime_type: Raw<'a>,
    #[serde(borrow, default)]
    size_in_bytes: Raw<'a>,
    #[serde(borrow, default)]
    title: Raw<'a>,
}

/// How a format spells an enclosure list and its fields, for reading and for messages.
#[derive(Clone, Copy)]
pub struct EnclosureNames {
    pub list: &'static str,
    pub mime_type: &'static str,
    pub length: &'static str,
    /// Reads one entry's raw fields, or says why it is not an object.
    parse: for<'a> fn(&'a RawValue) -> Result<RawEnclosure<'a>, serde_json::Error>,
}

/// A native store's `enclosures`.
pub const NATIVE_ENCLOSURES: EnclosureNames = EnclosureNames {
    list: "enclosures",
    mime_type: "type",
    length: "length",
    parse: native_enclosure,
};

/// A JSON Feed item's `attachments`.
pub const FEED_ATTACHMENTS: EnclosureNames = EnclosureNames {
    list: "attachments",
    mime_type: "mime_type",
    length: "size_in_bytes",
    parse: feed_attachment,
};

fn native_enclosure(raw: &RawValue) -> Result<RawEnclosure<'_>, serde_json::Error> {
    let e: RawNativeEnclosure<'_> = serde_json::from_str(raw.get())?;
    Ok(RawEnclosure {
        url: e.url,
        mime_type: e.mime_type,
        length: e.length,
        title: e.title,
    })
}

fn feed_attachment(raw: &RawValue) -> Result<RawEnclosure<'_>, serde_json::Error> {
    let e: RawAttachment<'_> = serde_json::from_str(raw.get())?;
    Ok(RawEnclosure {
        url: e.url,
        mime_type: e.mime_type,
        length: e.size_in_bytes,
        title: e.title,
    })
}

/// A list of enclosures, and a problem for each entry that is wrong. An entry without a
/// usable `url` (or not an object) is left out; a mistyped optional field of an entry is left
/// out of it, and the entry kept: as for an article, one bad field costs only itself.
pub fn enclosures_field(raw: Raw<'_>, names: EnclosureNames) -> (Vec<Enclosure>, Vec<String>) {
    let list = names.list;
    let Some(raw) = raw.filter(|r| !is_null(r)) else {
        return (Vec::new(), Vec::new());
    };
    let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
        return (
            Vec::new(),
            vec![format!(
                "`{list}` must be an array of objects, not {}",
                kind_of(raw)
            )],
        );
    };
    let mut enclosures = Vec::new();
    let mut problems = Vec::new();
    for (number, item) in (1..).zip(items) {
        let entry = format!("`{list}` entry {number}");
        if !item.get().trim_start().starts_with('{') {
            problems.push(format!(
                "{entry} left out: it must be an object, not {}",
                kind_of(item)
            ));
            continue;
        }
        let fields = match (names.parse)(item) {
            Ok(fields) => fields,
            // An object serde refuses: a field given twice.
            Err(error) => {
                problems.push(format!("{entry} left out: {}", without_position(&error)));
                continue;
            }
        };
        let url = match line_field(fields.url, "url") {
            Ok(Some(url)) => url,
            Ok(None) => {
                problems.push(format!("{entry} left out: it has no `url`"));
                continue;
            }
            Err(problem) => {
                problems.push(format!("{entry} left out: {problem}"));
                continue;
            }
        };
        let mime_type = kept(
            line_field(fields.mime_type, names.mime_type),
            &entry,
            &mut problems,
        );
        let title = kept(line_field(fields.title, "title"), &entry, &mut problems);
        let length = kept(
            length_field(fields.length, names.length),
            &entry,
            &mut problems,
        );
        enclosures.push(Enclosure {
            url,
            mime_type,
            length,
            title,
        });
    }
    (enclosures, problems)
}

/// An optional field of an enclosure, or `None` with its problem noted.
fn kept<T>(value: FieldResult<Option<T>>, entry: &str, problems: &mut Vec<String>) -> Option<T> {
    value.unwrap_or_else(|problem| {
        problems.push(format!("{entry}: {problem}"));
        None
    })
}

/// Integers above this are not exact as JSON numbers read as doubles (as most writers do).
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// A size in bytes: a whole number, 0 or more. `1234.0` is taken too: JSON Feed calls the size
/// a number, and writers that only have doubles write it so.
fn length_field(raw: Raw<'_>, field: &str) -> FieldResult<Option<u64>> {
    let Some(raw) = raw.filter(|r| !is_null(r)) else {
        return Ok(None);
    };
    let text = raw.get().trim();
    if let Ok(length) = serde_json::from_str::<u64>(text) {
        return Ok(Some(length));
    }
    match serde_json::from_str::<f64>(text) {
        Ok(length) if (0.0..=MAX_EXACT).contains(&length) && length.fract() == 0.0 => {
            // Exact: a whole number no larger than 2^53.
            Ok(Some(length as u64))
        }
        Ok(_) => Err(format!(
            "`{field}` must be a whole number of bytes, 0 or more, not {}",
            crate::text::wrap::truncate_to_width(text, 24)
        )),
        Err(_) => Err(format!(
            "`{field}` must be a whole number of bytes, not {}",
            kind_of(raw)
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> &RawValue {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn lengths_are_whole_numbers_of_bytes() {
        for (json, expected) in [
            ("0", Ok(Some(0))),
            ("12345", Ok(Some(12_345))),
            ("18446744073709551615", Ok(Some(u64::MAX))),
            ("2.0e3", Ok(Some(2000))),
            ("1234.0", Ok(Some(1234))),
            ("null", Ok(None)),
            (
                "-1",
                Err("`length` must be a whole number of bytes, 0 or more, not -1"),
            ),
            (
                "1.5",
                Err("`length` must be a whole number of bytes, 0 or more, not 1.5"),
            ),
            (
                "1e300",
                Err("`length` must be a whole number of bytes, 0 or more, not 1e300"),
            ),
            (
                "\"12 KB\"",
                Err("`length` must be a whole number of bytes, not a string"),
            ),
            (
                "true",
                Err("`length` must be a whole number of bytes, not a boolean"),
            ),
        ] {
            assert_eq!(
                length_field(Some(raw(json)), "length"),
                expected.map_err(str::to_owned),
                "{json}"
            );
        }
        assert_eq!(length_field(None, "length"), Ok(None));
    }

    #[test]
    fn an_entry_with_a_field_twice_is_left_out() {
        let list = raw(
            r#"[{"url": "https://a.example/1", "url": "https://a.example/2"}, {"url": "https://a.example/3"}]"#,
        );
        let (enclosures, problems) = enclosures_field(Some(list), NATIVE_ENCLOSURES);
        let urls: Vec<_> = enclosures.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(urls, ["https://a.example/3"]);
        assert_eq!(
            problems,
            ["`enclosures` entry 1 left out: duplicate field `url`"]
        );
    }

    #[test]
    fn each_format_reads_its_own_field_names() {
        let list = raw(
            r#"[{"url": "u", "type": "audio/mpeg", "mime_type": "audio/ogg", "length": 1, "size_in_bytes": 2}]"#,
        );
        let (native, _) = enclosures_field(Some(list), NATIVE_ENCLOSURES);
        let (feed, _) = enclosures_field(Some(list), FEED_ATTACHMENTS);
        let fields = |e: &Enclosure| (e.mime_type.clone(), e.length);
        assert_eq!(fields(&native[0]), (Some("audio/mpeg".to_owned()), Some(1)));
        assert_eq!(fields(&feed[0]), (Some("audio/ogg".to_owned()), Some(2)));
    }

    #[test]
    fn an_empty_url_counts_as_none() {
        let list = raw(r#"[{"url": "  \u200b "}, {"url": ""}]"#);
        let (enclosures, problems) = enclosures_field(Some(list), FEED_ATTACHMENTS);
        assert!(enclosures.is_empty());
        assert_eq!(
            problems,
            [
                "`attachments` entry 1 left out: it has no `url`",
                "`attachments` entry 2 left out: it has no `url`"
            ]
        );
    }
}
