//! Problems found while reading stores, worded for the person who has to fix them.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something was skipped or repaired; everything else loaded.
    Warning,
    /// A whole file or store could not be read.
    Error,
}

/// One problem, located as precisely as the input allows: `path:line:column: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    pub fn warning(path: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, message)
    }

    fn new(severity: Severity, path: &str, message: impl Into<String>) -> Self {
        Self {
            severity,
            path: path.to_owned(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, position: Position) -> Self {
        self.line = Some(position.line);
        self.column = Some(position.column);
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, ": {label}: {}", self.message)
    }
}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`. Offsets past the end, or inside a character,
    /// are clamped to the nearest character boundary before it. For many offsets in one text,
    /// use a [`Locator`]: this counts from the start every time.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        Locator::new(text).locate(offset)
    }
}

/// Finds the positions of many byte offsets in one text, asked for in increasing order (as a
/// parser meets articles): each call looks only at the bytes since the previous one, so the
/// positions of every article of a file cost one pass over it, not one pass per article.
/// An offset before the previous one starts again from the beginning.
#[derive(Clone, Debug)]
pub struct Locator<'a> {
    text: &'a str,
    /// The last offset located, and its position.
    offset: usize,
    at: Position,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            at: Position { line: 1, column: 1 },
        }
    }

    /// The position of byte `offset` (clamped like [`Position::of_offset`]).
    pub fn locate(&mut self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        let between = &self.text.as_bytes()[self.offset..offset];
        #[cfg(test)]
        SCANNED.with(|scanned| scanned.set(scanned.get() + between.len()));
        let after_newline = match memchr::memrchr(b'\n', between) {
            Some(last) => {
                self.at.line += memchr::memchr_iter(b'\n', between).count();
                self.at.column = 1;
                &between[last + 1..]
            }
            None => between,
        };
        // Columns count characters: every byte that does not continue a UTF-8 sequence.
        self.at.column += after_newline
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        self.offset = offset;
        self.at
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes every [`Locator`] on this thread has looked at, for tests that prove a parse
    /// locates its articles in one pass.
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Bytes looked at by locators on this thread so far (tests only).
#[cfg(test)]
pub(crate) fn bytes_scanned() -> usize {
    SCANNED.with(std::cell::Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_a_compiler_message() {
        let d =
            Diagnostic::error("stores/a.json", "expected `,`").at(Position { line: 3, column: 7 });
        assert_eq!(d.to_string(), "stores/a.json:3:7: error: expected `,`");
        let d = Diagnostic::warning("b.jsonl", "duplicate id").at_line(4);
        assert_eq!(d.to_string(), "b.jsonl:4: warning: duplicate id");
        assert_eq!(
            Diagnostic::error("c", "missing").to_string(),
            "c: error: missing"
        );
    }

    #[test]
    fn a_locator_agrees_with_counting_from_the_start_in_any_order() {
        let text = "ab\ncdé\n\nfgh€\nlast";
        let mut locator = Locator::new(text);
        let naive = |offset: usize| {
            let mut offset = offset.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            Position {
                line,
                column: before[start..].chars().count() + 1,
            }
        };
        for offset in (0..=text.len() + 2).chain([5, 0, 12, 7, 99, 3]) {
            assert_eq!(locator.locate(offset), naive(offset), "offset {offset}");
        }
    }

    #[test]
    fn locating_in_order_looks_at_each_byte_once() {
        let line = "{\"id\": \"a\", \"title\": \"Zürich\"},\n";
        let text = line.repeat(20_000);
        let before = bytes_scanned();
        let mut locator = Locator::new(&text);
        for n in 0..20_000 {
            assert_eq!(locator.locate(n * line.len()).line, n + 1);
        }
        assert!(bytes_scanned() - before <= text.len());
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\ncdé\nf";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        assert_eq!(
            Position::of_offset(text, 3),
            Position { line: 2, column: 1 }
        );
        // 'é' is two bytes; the byte after it is column 4.
        assert_eq!(
            Position::of_offset(text, 7),
            Position { line: 2, column: 4 }
        );
        assert_eq!(
            Position::of_offset(text, 6),
            Position { line: 2, column: 3 }
        );
        assert_eq!(
            Position::of_offset(text, 99),
            Position { line: 3, column: 2 }
        );
    }
}
