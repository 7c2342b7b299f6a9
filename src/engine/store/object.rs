//! The top level of one JSON object, read without parsing what Herald does not need from it.
//!
//! Indexing an article needs a handful of short fields; the body, most of its bytes, only has
//! to be valid and located. serde_json checks a skipped string eight bytes at a time; here a
//! string is crossed with `memchr` (32 bytes at a time) to its next quote or backslash, and
//! checked for raw control characters in a pass the compiler vectorises. Values other than
//! strings are handed to serde_json. Anything serde_json would reject is rejected, and anything
//! unusual (an escaped key) returns `None` so the caller can use serde_json itself.

use memchr::memchr2;

/// Calls `each(key, start, end)` for every top-level field of the object `json` (`start..end`
/// is the value's bytes, quotes included for a string). `None` when `json` is not exactly one
/// valid JSON object, has a key with an escape, or `each` returns `None`.
pub(crate) fn fields<'a>(
    json: &'a str,
    mut each: impl FnMut(&'a str, usize, usize) -> Option<()>,
) -> Option<()> {
    let bytes = json.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    if bytes.get(at) == Some(&b'}') {
        return (skip_space(bytes, at + 1) == bytes.len()).then_some(());
    }
    loop {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let key_end = at + 1 + memchr2(b'"', b'\\', bytes.get(at + 1..)?)?;
        if bytes[key_end] == b'\\' || has_control(&bytes[at + 1..key_end]) {
            return None;
        }
        let key = json.get(at + 1..key_end)?;
        at = skip_space(bytes, key_end + 1);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(bytes, at + 1);
        let end = match bytes.get(at)? {
            b'"' => string_end(bytes, at)?,
            _ => other_end(json, at)?,
        };
        each(key, at, end)?;
        at = skip_space(bytes, end);
        match bytes.get(at)? {
            b',' => at = skip_space(bytes, at + 1),
            b'}' => return (skip_space(bytes, at + 1) == bytes.len()).then_some(()),
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Whether `raw` is one JSON string, exactly what serde_json would read as text (escapes and
/// surrogate pairs valid, no raw control character), found without decoding it.
pub(crate) fn is_valid_string(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.first() == Some(&b'"') && string_end(bytes, 0) == Some(bytes.len())
}

/// JSON strings may not hold raw control characters. Written as a fold without an early exit
/// so that it is vectorised.
fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |found, &b| found | (b < 0x20))
}

/// Where the string that opens at `start` ends (just past its closing quote), if it is valid.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        let stop = at + memchr2(b'"', b'\\', bytes.get(at..)?)?;
        if has_control(&bytes[at..stop]) {
            return None;
        }
        if bytes[stop] == b'"' {
            return Some(stop + 1);
        }
        at = match bytes.get(stop + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => stop + 2,
            b'u' => unicode_escape_end(bytes, stop)?,
            _ => return None,
        };
    }
}

/// Past a `\uXXXX` escape at `at`, or a surrogate pair of them; `None` for a lone surrogate,
/// which serde_json refuses in text.
fn unicode_escape_end(bytes: &[u8], at: usize) -> Option<usize> {
    let unit = hex4(bytes.get(at + 2..at + 6)?)?;
    match unit {
        0xD800..=0xDBFF => {
            if bytes.get(at + 6..at + 8)? != b"\\u" {
                return None;
            }
            let low = hex4(bytes.get(at + 8..at + 12)?)?;
            (0xDC00..=0xDFFF).contains(&low).then_some(at + 12)
        }
        0xDC00..=0xDFFF => None,
        _ => Some(at + 6),
    }
}

fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &digit| {
        Some(value * 16 + char::from(digit).to_digit(16)?)
    })
}

/// Where a value that is not a string ends: serde_json reads it (numbers, literals, nested
/// arrays and objects are short in articles, and its checks are the reference).
fn other_end(json: &str, start: usize) -> Option<usize> {
    let rest = json.get(start..)?;
    let mut reader = serde_json::Deserializer::from_str(rest);
    let value: &serde_json::value::RawValue = serde::Deserialize::deserialize(&mut reader).ok()?;
    Some(start + value.get().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(json: &str) -> Option<Vec<(String, String)>> {
        let mut found = Vec::new();
        fields(json, |key, start, end| {
            found.push((key.to_owned(), json[start..end].to_owned()));
            Some(())
        })?;
        Some(found)
    }

    #[test]
    fn reads_fields_as_written() {
        let json = r#" { "id" : "a1", "n": -1.5e3, "ok":true, "tags": ["x", {"y": [null]}], "body": "He said \"hi\"\n\u00e9\ud83d\ude00 \\" } "#;
        assert_eq!(
            collect(json),
            Some(vec![
                ("id".into(), r#""a1""#.into()),
                ("n".into(), "-1.5e3".into()),
                ("ok".into(), "true".into()),
                ("tags".into(), r#"["x", {"y": [null]}]"#.into()),
                (
                    "body".into(),
                    r#""He said \"hi\"\n\u00e9\ud83d\ude00 \\""#.into()
                ),
            ])
        );
        assert_eq!(collect("{}"), Some(vec![]));
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        let bad = [
            "",
            "[]",
            "{",
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1} x"#,
            r#"{"a": 1}{}"#,
            r#"{"a": "unterminated}"#,
            "{\"a\": \"raw\ttab\"}",
            "{\"a\": \"raw\nnewline\"}",
            r#"{"a": "bad \x escape"}"#,
            r#"{"a": "short \u12 escape"}"#,
            r#"{"a": 01}"#,
            r#"{"a": tru}"#,
            r#"{"a": [1, 2}"#,
            r#"{a: 1}"#,
        ];
        for json in bad {
            assert_eq!(collect(json), None, "{json:?}");
            assert!(
                serde_json::from_str::<serde::de::IgnoredAny>(json).is_err()
                    || !json.trim_start().starts_with('{'),
                "serde_json accepts {json:?}, so this test is wrong"
            );
        }
    }

    #[test]
    fn lone_surrogates_are_left_to_serde_json() {
        // serde_json skips them in ignored fields but refuses them in text, where an article's
        // fields end up; the caller decides with serde_json.
        for json in [
            r#"{"a": "lone \ud800 surrogate"}"#,
            r#"{"a": "lone \udc00 low surrogate"}"#,
            r#"{"a": "high \ud800\u0041 then not low"}"#,
        ] {
            assert_eq!(collect(json), None, "{json:?}");
            let value = &json[6..json.len() - 1];
            assert!(serde_json::from_str::<String>(value).is_err(), "{value}");
        }
    }

    #[test]
    fn an_escaped_key_is_left_to_serde_json() {
        assert_eq!(collect(r#"{"ti\u0074le": "x"}"#), None);
    }

    /// Whether serde_json takes `json` as one object (what the exact parser asks of a line).
    fn serde_accepts(json: &str) -> bool {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json).is_ok()
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_serde_json_on_json_like_noise(
            json in r#"\{( ?"[a-z]{0,3}" ?: ?("([ -~]|\\[nt"\\/u]|\\u[0-9a-fA-F]{4}|\\ud83d\\ude00|\t|é|\\ud800){0,6}"|-?[0-9]{1,3}(\.[0-9])?|true|nul|null|\[[0-9, ]{0,4}\]|\{\}) ?,?){0,4}\} ?x?"#
        ) {
            // Lone surrogates are refused here and left to serde_json (see above).
            let lone = json.contains("\\ud800") && !json.contains("\\ud800\\udc");
            if !lone {
                proptest::prop_assert_eq!(collect(&json).is_some(), serde_accepts(&json), "{:?}", json);
            }
        }
    }
}
