//! Neutralises untrusted text from stores before it can reach a terminal.
//!
//! Store text is written by other programs (scrapers, feed fetchers) and may carry terminal escape
//! sequences (to move the cursor, retitle the window, rewrite links with OSC 8 or write the
//! clipboard with OSC 52), control characters, and bidirectional or invisible format characters
//! that make text look like something it is not. Everything here runs once, at load, so the rest
//! of Herald can treat article text as inert. The render layer checks again as a second line.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// The 8-bit String Terminator (C1 `ST`).
const ST_8BIT: char = '\u{9c}';
/// Tabs expand to the next multiple of this many columns.
const TAB_WIDTH: usize = 8;

/// Cleans multi-line text (article bodies, summaries): keeps `\n`, expands tabs, normalises line
/// endings, and removes escape sequences, control characters, bidi controls and invisible
/// format characters.
pub fn sanitize_text(input: &str) -> Cow<'_, str> {
    // Text that is inert already passes unchanged (that is what cleaning makes): checked eight
    // bytes at a time, which matters for bodies (a quarter of `herald check` went here).
    if is_inert(input) {
        return Cow::Borrowed(input);
    }
    Cow::Owned(clean(input, LineBreaks::Keep))
}

/// Cleans single-line text (titles, names, ids shown to the user): like [`sanitize_text`], and
/// any line break or tab becomes a single space, runs of spaces collapse and the ends are trimmed.
pub fn sanitize_line(input: &str) -> Cow<'_, str> {
    let simple = (input.bytes().all(|b| (0x20..0x7f).contains(&b))
        || input
            .chars()
            .all(|c| is_plain_char(c) && c != '\n' && c != '\t'))
        && !input.starts_with(' ')
        && !input.ends_with(' ')
        && !input.contains("  ");
    if simple {
        return Cow::Borrowed(input);
    }
    let cleaned = clean(input, LineBreaks::ToSpace);
    Cow::Owned(
        cleaned
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// True when no character of `text` could control a terminal or hide what text says. This is
/// the property [`sanitize_text`] guarantees, and what the render layer asserts.
pub fn is_inert(text: &str) -> bool {
    // Most text is printable ASCII: runs of it are skipped eight bytes at a time, so an accented
    // letter or a CJK word costs its own characters' checks, not the rest of the text's.
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        while let Some(word) = bytes.get(at..at + 8)
            && let Ok(word) = <[u8; 8]>::try_from(word)
            && is_printable_ascii_word(u64::from_le_bytes(word))
        {
            at += 8;
        }
        let Some(&byte) = bytes.get(at) else { break };
        if byte.is_ascii() {
            if !((0x20..0x7f).contains(&byte) || byte == b'\n') {
                return false;
            }
            at += 1;
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        if !is_plain_char(c) {
            return false;
        }
        at += c.len_utf8();
    }
    true
}

/// True when all eight bytes of `word` are printable ASCII (0x20 to 0x7e). Bit tricks instead of
/// eight comparisons: a byte below 0x20 borrows into its top bit when 0x20 is taken from it;
/// a byte of 0x7f or more has its top bit set once 1 is added (a carry out of a 0xff byte can
/// only report a byte that is fine, which just sends the word down the slow path).
fn is_printable_ascii_word(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & TOPS;
    let delete_or_more = (word.wrapping_add(ONES) | word) & TOPS;
    below_space == 0 && delete_or_more == 0
}

/// A character that passes through unchanged: printable, not a format character. `\n` counts
/// (bodies keep their lines) but `\r` and `\t` do not, since they need normalising.
fn is_plain_char(c: char) -> bool {
    // Printable ASCII first: most characters of most text, answered without the tables.
    (' '..='~').contains(&c)
        || c == '\n'
        || !(c.is_control() || is_hidden_format(c) || is_line_separator(c))
}

#[derive(Clone, Copy, PartialEq)]
enum LineBreaks {
    Keep,
    ToSpace,
}

fn clean(input: &str, breaks: LineBreaks) -> String {
    let mut out = String::with_capacity(input.len());
    let mut column = 0usize;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // CRLF and lone CR both end a line.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push_break(&mut out, &mut column, breaks);
            }
            '\n' => push_break(&mut out, &mut column, breaks),
            c if is_line_separator(c) => push_break(&mut out, &mut column, breaks),
            '\t' => {
                let spaces = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            ESC => skip_escape_sequence(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() || is_hidden_format(c) => {}
            c => {
                out.push(c);
                column += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            }
        }
    }
    out
}

fn push_break(out: &mut String, column: &mut usize, breaks: LineBreaks) {
    out.push(match breaks {
        LineBreaks::Keep => '\n',
        LineBreaks::ToSpace => ' ',
    });
    *column = 0;
}

/// Skips what follows an ESC: a CSI sequence, a string (OSC, DCS, SOS, PM, APC) up to its
/// terminator, or a short nF/Fp/Fe/Fs escape (intermediates then one final byte).
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            // Intermediate bytes, then a final byte.
            while let Some(&next) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&next) {
                    break;
                }
            }
        }
        // Any other single character completes a two-character escape; a lone ESC at the end
        // of text is dropped.
        _ => {}
    }
}

/// Skips CSI parameters and intermediates up to and including the final byte (0x40-0x7E).
/// A control character or non-ASCII character ends a malformed sequence without being eaten,
/// so a broken sequence cannot swallow the article that follows it.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            chars.next();
            return;
        }
        if ('\u{20}'..='\u{3f}').contains(&c) {
            chars.next();
            continue;
        }
        return;
    }
}

/// Skips a control string's payload up to BEL, ESC \ or the 8-bit ST. An unterminated string
/// runs to the end of the line, so one bad sequence hides at most its own line.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            BEL | ST_8BIT => {
                chars.next();
                return;
            }
            ESC => {
                chars.next();
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            '\n' | '\r' => return,
            _ => {
                chars.next();
            }
        }
    }
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Unicode format characters (general category Cf) and other invisible characters that can
/// reorder or hide text: bidi embeddings, overrides, isolates and marks, zero-width spaces and
/// joiners, the BOM, invisible operators, interlinear annotations and tag characters (used to
/// smuggle hidden ASCII).
fn is_hidden_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inertness_is_decided_per_character_wherever_the_character_falls() {
        let per_character = |text: &str| text.chars().all(|c| c == '\n' || is_plain_char(c));
        let fillers = ["", "a", "abcdefg", "abcdefghijklmno", "é", "東京", "a\nb"];
        let mut probes: Vec<char> = (0u8..0x80).map(char::from).collect();
        probes.extend([
            '\u{80}',
            '\u{9b}',
            '\u{ad}',
            '\u{202e}',
            '\u{e0041}',
            'ü',
            '東',
        ]);
        for before in fillers {
            for after in fillers {
                for &probe in &probes {
                    let text = format!("{before}{probe}{after}");
                    assert_eq!(is_inert(&text), per_character(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn removes_hostile_sequences_and_keeps_the_words() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain text is untouched", "Hello, world", "Hello, world"),
            ("CSI colour", "a\x1b[31mred\x1b[0m b", "ared b"),
            ("CSI cursor movement", "x\x1b[2J\x1b[10;20Hy", "xy"),
            ("CSI private mode", "\x1b[?1049hscreen", "screen"),
            ("8-bit CSI", "a\u{9b}31mb", "ab"),
            ("OSC title with BEL", "\x1b]0;pwned\x07title", "title"),
            (
                "OSC 8 link retarget",
                "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
                "click",
            ),
            (
                "OSC 52 clipboard write",
                "\x1b]52;c;cm0gLXJmIH4=\x07safe",
                "safe",
            ),
            ("8-bit OSC with 8-bit ST", "a\u{9d}0;x\u{9c}b", "ab"),
            ("DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
            ("APC string", "a\x1b_Gpayload\x1b\\b", "ab"),
            ("PM string", "a\x1b^private\x1b\\b", "ab"),
            ("SOS string", "a\x1bXstart\x1b\\b", "ab"),
            ("8-bit DCS", "a\u{90}payload\u{9c}b", "ab"),
            ("charset designation", "a\x1b(Bb", "ab"),
            ("two-char escape", "a\x1bcb", "ab"),
            ("lone ESC at end", "abc\x1b", "abc"),
            (
                "unterminated OSC stops at line end",
                "a\x1b]0;xx\nnext",
                "a\nnext",
            ),
            (
                "broken CSI keeps following text",
                "a\x1b[12\u{e9}t\u{e9}",
                "a\u{e9}t\u{e9}",
            ),
            ("NUL and BEL", "a\0b\x07c", "abc"),
            ("other C0", "a\x01\x02\x08\x0b\x0c\x7fb", "ab"),
            ("C1 controls", "a\u{80}\u{85}b", "a\nb"),
            ("CRLF", "one\r\ntwo", "one\ntwo"),
            ("lone CR", "one\rtwo", "one\ntwo"),
            (
                "line separator",
                "one\u{2028}two\u{2029}three",
                "one\ntwo\nthree",
            ),
            ("tab expands to column 8", "ab\tc", "ab      c"),
            ("bidi override", "abc\u{202e}fed\u{202c}", "abcfed"),
            (
                "bidi isolates",
                "\u{2066}x\u{2067}y\u{2068}z\u{2069}",
                "xyz",
            ),
            ("bidi marks", "a\u{200e}b\u{200f}c\u{61c}d", "abcd"),
            (
                "zero-width characters",
                "p\u{200b}a\u{200c}y\u{200d}p\u{2060}al",
                "paypal",
            ),
            ("BOM inside text", "\u{feff}text", "text"),
            ("tag characters", "hi\u{e0001}\u{e0068}\u{e0069}", "hi"),
            ("soft hyphen", "co\u{ad}operate", "cooperate"),
            (
                "keeps accents, CJK, RTL and emoji",
                "Zürich 東京 مرحبا 📰",
                "Zürich 東京 مرحبا 📰",
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(sanitize_text(input), *expected, "case: {name}");
            assert!(is_inert(&sanitize_text(input)), "case: {name}");
        }
    }

    #[test]
    fn single_lines_lose_breaks_tabs_and_extra_spaces() {
        let cases: &[(&str, &str)] = &[
            ("Title", "Title"),
            ("  padded  title ", "padded title"),
            ("two\nlines", "two lines"),
            ("tab\there", "tab here"),
            ("\x1b[1mBold\x1b[0m headline", "Bold headline"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_line(input), *expected, "input: {input:?}");
        }
    }

    #[test]
    fn clean_text_is_borrowed_not_copied() {
        assert!(matches!(
            sanitize_text("nothing to do\nhere"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(sanitize_line("nothing to do"), Cow::Borrowed(_)));
    }

    #[test]
    fn is_inert_detects_what_sanitize_removes() {
        assert!(is_inert("fine\ntext"));
        assert!(!is_inert("bad\x1b[31m"));
        assert!(!is_inert("tab\t"));
        assert!(!is_inert("bidi\u{202e}"));
    }
}
