//! Where an article is in its store file, as an index records it: the bytes of its JSON and
//! where its body is among them.

/// Where an article's JSON is in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub len: u32,
}

/// Where an article's body is inside its span, so a search can look at the body alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyAt {
    /// The article has no body.
    None,
    /// The body's raw JSON string, quotes included, at these bytes of the span.
    Raw { start: u32, len: u32 },
    /// The body has to be parsed to be searched (HTML, or not a string).
    Decode,
}

/// Where one article is: which file, which bytes of it, and where its body is among them.
/// 24 bytes; a library keeps one per article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    pub start: u64,
    pub len: u32,
    /// Which of the library's files; set when a library takes the index in.
    pub file: u32,
    /// [`BodyAt`] packed: `(0, 0)` no body, `(MAX, MAX)` decode, else the raw string's bytes.
    body_start: u32,
    body_len: u32,
}

impl Place {
    pub fn new(span: Span, body: BodyAt) -> Self {
        let (body_start, body_len) = match body {
            BodyAt::None => (0, 0),
            BodyAt::Raw { start, len } => (start, len),
            BodyAt::Decode => (u32::MAX, u32::MAX),
        };
        Self {
            start: span.start,
            len: span.len,
            file: 0,
            body_start,
            body_len,
        }
    }

    pub fn span(&self) -> Span {
        Span {
            start: self.start,
            len: self.len,
        }
    }

    pub fn body(&self) -> BodyAt {
        match (self.body_start, self.body_len) {
            (0, 0) => BodyAt::None,
            (u32::MAX, u32::MAX) => BodyAt::Decode,
            (start, len) => BodyAt::Raw { start, len },
        }
    }
}
