//! A streaming splitter for store files: finds where each article's JSON starts and ends without
//! holding the whole file in memory or building a tree of it. It understands only structure
//! (strings, nesting); each article's bytes are parsed by serde_json afterwards. Anything it does
//! not expect makes it give up, and the caller falls back to the exact, whole-file parser, which
//! also produces the precise error messages.

use memchr::{memchr, memchr2};

/// What the splitter found: a top-level field's raw value, or an article's bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// A top-level field of an object store (`name`, `title`, `version`...), raw JSON, when
    /// small. A larger value is not kept (no store name is megabytes long) and its `raw` is
    /// empty, which is not JSON: the field is still seen to be there, so what reads it gives
    /// up rather than take the field for absent.
    Field { key: String, raw: Vec<u8> },
    /// One element of the articles array: its byte offset in the file and its raw JSON.
    Article { offset: u64, raw: Vec<u8> },
}

/// Why the splitter stopped: the caller should use the exact parser.
#[derive(Debug, PartialEq, Eq)]
pub struct GiveUp;

/// Largest top-level field value kept, in bytes.
const MAX_FIELD: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the top-level value.
    Start,
    /// Just inside the top-level object, expecting a key or `}`.
    ObjectFirstKey,
    /// After a comma in the top-level object, expecting a key.
    ObjectKey,
    /// After a key, expecting `:`.
    Colon,
    /// Expecting a top-level field's value.
    FieldValue,
    /// After a value in the top-level object, expecting `,` or `}`.
    ObjectComma,
    /// Just inside the articles array, expecting an element or `]`.
    FirstElement,
    /// After a comma in the articles array, expecting an element.
    Element,
    /// After an element, expecting `,` or `]`.
    ElementComma,
    /// Capturing a value (an element or a field) until its nesting closes.
    Value,
    /// After the top-level value: only whitespace may follow.
    End,
}

/// Splits a `.json` store (a bare array, or an object whose `articles` or `items` is the array
/// of articles) into pieces, one chunk at a time.
pub struct Splitter {
    state: State,
    /// State to return to when the current value is complete.
    after_value: State,
    /// True when the top level is a bare array.
    bare_array: bool,
    key: Vec<u8>,
    /// Bytes of the value being captured.
    value: Vec<u8>,
    value_offset: u64,
    value_is_article: bool,
    /// Nesting depth inside the captured value.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Offset of the next byte to be fed.
    offset: u64,
    /// For keys: inside the key string.
    in_key: bool,
    key_escaped: bool,
    /// The key of the articles array (`articles` or `items`) once found; a second such array is
    /// an ordinary field.
    articles_key: Option<Vec<u8>>,
}

impl Default for Splitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Splitter {
    pub fn new() -> Self {
        Self {
            state: State::Start,
            after_value: State::End,
            bare_array: false,
            key: Vec::new(),
            value: Vec::new(),
            value_offset: 0,
            value_is_article: false,
            depth: 0,
            in_string: false,
            escaped: false,
            offset: 0,
            in_key: false,
            key_escaped: false,
            articles_key: None,
        }
    }

    /// Feeds the next chunk of the file; complete pieces are passed to `emit`.
    pub fn feed(&mut self, chunk: &[u8], emit: &mut impl FnMut(Piece)) -> Result<(), GiveUp> {
        let mut i = 0;
        while i < chunk.len() {
            if self.state == State::Value {
                i = self.capture(chunk, i, emit)?;
                continue;
            }
            if self.in_key {
                i = self.read_key(chunk, i);
                continue;
            }
            let byte = chunk[i];
            i += 1;
            if byte.is_ascii_whitespace() {
                continue;
            }
            let at = self.offset + i as u64 - 1;
            self.structural(byte, at)?;
        }
        self.offset += chunk.len() as u64;
        Ok(())
    }

    /// Checks that the input ended where a complete store ends.
    pub fn finish(&self) -> Result<(), GiveUp> {
        if self.state == State::End {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    pub fn is_bare_array(&self) -> bool {
        self.bare_array
    }

    /// `articles` or `items`: the key whose array held the articles, once seen.
    pub fn articles_key(&self) -> Option<&[u8]> {
        self.articles_key.as_deref()
    }

    fn structural(&mut self, byte: u8, at: u64) -> Result<(), GiveUp> {
        match (self.state, byte) {
            (State::Start, b'[') => {
                self.bare_array = true;
                self.state = State::FirstElement;
            }
            (State::Start, b'{') => self.state = State::ObjectFirstKey,
            (State::ObjectKey | State::ObjectFirstKey, b'"') => {
                self.key.clear();
                self.in_key = true;
                self.key_escaped = false;
            }
            (State::ObjectFirstKey, b'}') => self.state = State::End,
            (State::Colon, b':') => self.state = State::FieldValue,
            (State::FieldValue, b'[') if self.is_articles_key() && self.articles_key.is_none() => {
                self.articles_key = Some(self.key.clone());
                self.state = State::FirstElement;
            }
            (State::FirstElement, b']') => self.close_array(),
            (State::FieldValue | State::Element | State::FirstElement, _)
                if !starts_value(byte) =>
            {
                return Err(GiveUp);
            }
            (State::FieldValue, _) => self.start_value(byte, at, false, State::ObjectComma),
            (State::ObjectComma, b',') => {
                self.key.clear();
                self.state = State::ObjectKey;
            }
            (State::ObjectComma, b'}') => self.state = State::End,
            (State::Element | State::FirstElement, _) => {
                self.start_value(byte, at, true, State::ElementComma)
            }
            (State::ElementComma, b',') => self.state = State::Element,
            (State::ElementComma, b']') => self.close_array(),
            _ => return Err(GiveUp),
        }
        Ok(())
    }

    fn close_array(&mut self) {
        self.state = if self.bare_array {
            State::End
        } else {
            State::ObjectComma
        };
    }

    fn is_articles_key(&self) -> bool {
        self.key == b"articles" || self.key == b"items"
    }

    fn start_value(&mut self, first: u8, at: u64, is_article: bool, after: State) {
        self.value.clear();
        self.value.push(first);
        self.value_offset = at;
        self.value_is_article = is_article;
        self.after_value = after;
        self.state = State::Value;
        self.in_string = first == b'"';
        self.escaped = false;
        self.depth = usize::from(first == b'{' || first == b'[');
    }

    /// Reads a key string (keys that need unescaping are taken verbatim; Herald's keys do not).
    fn read_key(&mut self, chunk: &[u8], mut i: usize) -> usize {
        while i < chunk.len() {
            let byte = chunk[i];
            i += 1;
            if self.key_escaped {
                self.key_escaped = false;
                self.key.push(byte);
            } else if byte == b'\\' {
                self.key_escaped = true;
                self.key.push(byte);
            } else if byte == b'"' {
                self.in_key = false;
                self.state = State::Colon;
                return i;
            } else {
                self.key.push(byte);
            }
        }
        i
    }

    /// Copies bytes of the current value until it is complete; returns the next index.
    fn capture(
        &mut self,
        chunk: &[u8],
        start: usize,
        emit: &mut impl FnMut(Piece),
    ) -> Result<usize, GiveUp> {
        let mut i = start;
        let keep = self.value_is_article || self.value.len() < MAX_FIELD;
        while i < chunk.len() {
            if self.in_string {
                // Jump to the next quote or backslash: most of a store is string content.
                let rest = &chunk[i..];
                let Some(found) = (if self.escaped {
                    Some(0)
                } else {
                    memchr2(b'"', b'\\', rest)
                }) else {
                    if keep {
                        self.value.extend_from_slice(rest);
                    }
                    return Ok(chunk.len());
                };
                let byte = rest[found];
                if keep {
                    self.value.extend_from_slice(&rest[..=found]);
                }
                i += found + 1;
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Ok(self.complete(i, emit));
                    }
                }
                continue;
            }
            let byte = chunk[i];
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    if self.depth == 0 {
                        // The end of a scalar value followed by the container's close: hand the
                        // byte back to the structural parser.
                        return Ok(self.complete(i, emit));
                    }
                    self.depth -= 1;
                    if keep {
                        self.value.push(byte);
                    }
                    i += 1;
                    if self.depth == 0 {
                        return Ok(self.complete(i, emit));
                    }
                    continue;
                }
                b',' if self.depth == 0 => return Ok(self.complete(i, emit)),
                _ if self.depth == 0 && byte.is_ascii_whitespace() => {
                    return Ok(self.complete(i, emit));
                }
                _ => {}
            }
            if keep {
                self.value.push(byte);
            }
            i += 1;
        }
        Ok(i)
    }

    /// Emits the captured value and returns to the structural state; `i` is unchanged.
    fn complete(&mut self, i: usize, emit: &mut impl FnMut(Piece)) -> usize {
        let raw = std::mem::take(&mut self.value);
        if self.value_is_article {
            emit(Piece::Article {
                offset: self.value_offset,
                raw,
            });
        } else {
            let key = String::from_utf8_lossy(&self.key).into_owned();
            let raw = if raw.len() < MAX_FIELD {
                raw
            } else {
                Vec::new()
            };
            emit(Piece::Field { key, raw });
        }
        self.state = self.after_value;
        i
    }
}

/// True for a byte that can begin a JSON value.
fn starts_value(byte: u8) -> bool {
    matches!(
        byte,
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

/// Counts newlines, to turn byte offsets into line numbers for messages.
pub fn count_lines(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = bytes;
    while let Some(at) = memchr(b'\n', rest) {
        count += 1;
        rest = &rest[at + 1..];
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, chunk: usize) -> Result<(bool, Vec<Piece>), GiveUp> {
        let mut splitter = Splitter::new();
        let mut pieces = Vec::new();
        for part in text.as_bytes().chunks(chunk.max(1)) {
            splitter.feed(part, &mut |p| pieces.push(p))?;
        }
        splitter.finish()?;
        Ok((splitter.is_bare_array(), pieces))
    }

    fn article(offset: u64, raw: &str) -> Piece {
        Piece::Article {
            offset,
            raw: raw.as_bytes().to_vec(),
        }
    }

    fn field(key: &str, raw: &str) -> Piece {
        Piece::Field {
            key: key.to_owned(),
            raw: raw.as_bytes().to_vec(),
        }
    }

    #[test]
    fn splits_any_chunking_the_same_way() {
        let text = r#" {"name": "D\"esk", "articles": [ {"id": "a", "t": "x]}\"y"} ,{"id":"b","n":[1,{"z":2}]} ], "n": 5, "tail": null }"#;
        let expected = vec![
            field("name", r#""D\"esk""#),
            article(34, r#"{"id": "a", "t": "x]}\"y"}"#),
            article(62, r#"{"id":"b","n":[1,{"z":2}]}"#),
            field("n", "5"),
            field("tail", "null"),
        ];
        for chunk in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(
                split(text, chunk),
                Ok((false, expected.clone_pieces())),
                "chunk size {chunk}"
            );
        }
    }

    #[test]
    fn bare_arrays_and_empty_stores() {
        assert_eq!(
            split(r#"[{"id":"a"}, 7, "s"]"#, 3),
            Ok((
                true,
                vec![
                    article(1, r#"{"id":"a"}"#),
                    article(13, "7"),
                    article(16, r#""s""#)
                ]
            ))
        );
        assert_eq!(split("[]", 1), Ok((true, vec![])));
        assert_eq!(split(r#"{"articles": []}"#, 1), Ok((false, vec![])));
        assert_eq!(split("{}", 1), Ok((false, vec![])));
    }

    #[test]
    fn gives_up_on_anything_unexpected() {
        for text in [
            "",
            "42",
            "[",
            r#"{"articles": [{"id": "a"}"#,
            "[] x",
            r#"{"a" 1}"#,
            r#"{"a": 1,}"#,
            "[,]",
            "[1,]",
            r#"{"a": 1,}"#,
        ] {
            assert_eq!(split(text, 4), Err(GiveUp), "{text:?}");
        }
    }

    #[test]
    fn a_field_too_big_to_keep_is_still_reported_without_its_value() {
        let big = format!("\"{}\"", "x".repeat(MAX_FIELD));
        let text = format!(r#"{{"name": {big}, "title": "T", "articles": []}}"#);
        assert_eq!(
            split(&text, 4096),
            Ok((false, vec![field("name", ""), field("title", r#""T""#)]))
        );
    }

    #[test]
    fn counts_lines() {
        assert_eq!(count_lines(b"a\nb\n\nc"), 3);
        assert_eq!(count_lines(b""), 0);
    }

    trait ClonePieces {
        fn clone_pieces(&self) -> Vec<Piece>;
    }

    impl ClonePieces for Vec<Piece> {
        fn clone_pieces(&self) -> Vec<Piece> {
            self.iter()
                .map(|p| match p {
                    Piece::Field { key, raw } => Piece::Field {
                        key: key.clone(),
                        raw: raw.clone(),
                    },
                    Piece::Article { offset, raw } => Piece::Article {
                        offset: *offset,
                        raw: raw.clone(),
                    },
                })
                .collect()
        }
    }
}
