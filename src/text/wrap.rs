//! Laying text out in columns: wrapping paragraphs and cutting single lines to a display width.
//! Widths are terminal columns (wide CJK and emoji count two), never bytes or chars.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of `text` in terminal columns.
pub fn display_width(text: &str) -> usize {
    text.width()
}

/// Splits a body into paragraphs: blocks separated by one or more blank lines. Line breaks
/// inside a paragraph become spaces, since stores wrap their text at arbitrary widths; but a
/// list item (`* `, `- `, `1. `) or a link reference (`[1]: `) starts a paragraph of its own, so
/// lists converted from HTML stay lists.
pub fn paragraphs(body: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        let line = line.trim();
        if (line.is_empty() || starts_list_item(line)) && !current.is_empty() {
            result.push(std::mem::take(&mut current));
        }
        if line.is_empty() {
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        result.push(current);
    }
    result
}

/// Narrowest wrap width: the widest single character needs three columns (U+17D8 KHMER SIGN
/// BEYYAL, found by fuzzing; CJK and emoji need two).
pub const MIN_WRAP_WIDTH: usize = 3;

fn starts_list_item(line: &str) -> bool {
    if line.starts_with("* ") || line.starts_with("- ") || line.starts_with("\u{2022} ") {
        return true;
    }
    // "12. item" or "[3]: https://..."
    let rest = line.strip_prefix('[').unwrap_or(line);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with("]: "))
}

/// Wraps one paragraph to `width` columns. Words longer than the width are broken, so no line
/// is ever wider than `width` (widths below [`MIN_WRAP_WIDTH`] are raised to it); a URL is
/// moved whole to a line of its own rather than broken at a `/`, and broken only when it is
/// longer than the width.
pub fn wrap_paragraph(paragraph: &str, width: usize) -> Vec<String> {
    lines_of(paragraph, wrap_ranges(paragraph, width))
}

/// Like [`wrap_paragraph`], except that a URL is never broken: a line that holds one longer
/// than the width runs past it, so the URL can be copied whole (from `herald show`, from plain
/// mode's output). Other words longer than the width are still broken.
pub fn wrap_paragraph_keeping_urls(paragraph: &str, width: usize) -> Vec<String> {
    lines_of(paragraph, wrap_ranges_keeping_urls(paragraph, width))
}

fn lines_of(paragraph: &str, ranges: Vec<std::ops::Range<usize>>) -> Vec<String> {
    ranges
        .into_iter()
        .map(|range| paragraph[range].to_owned())
        .collect()
}

/// Where [`wrap_paragraph`]'s lines are in `paragraph`: a byte range per line (the spaces at
/// the break are left out), so a caller can carry styles over to the lines it lays out.
pub fn wrap_ranges(paragraph: &str, width: usize) -> Vec<std::ops::Range<usize>> {
    ranges(paragraph, width, Urls::CutWhenTooLong)
}

/// Where [`wrap_paragraph_keeping_urls`]'s lines are in `paragraph`.
pub fn wrap_ranges_keeping_urls(paragraph: &str, width: usize) -> Vec<std::ops::Range<usize>> {
    ranges(paragraph, width, Urls::KeepWhole)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Urls {
    /// Lines never exceed the width (the full-screen reader, which cannot scroll sideways).
    CutWhenTooLong,
    /// A URL longer than the width stays whole on a line wider than the width.
    KeepWhole,
}

fn ranges(paragraph: &str, width: usize, urls: Urls) -> Vec<std::ops::Range<usize>> {
    let width = width.max(MIN_WRAP_WIDTH);
    // Keeping URLs whole means no word may be broken by textwrap (it has no per-word choice);
    // other long words are then cut by columns below, as textwrap would have cut them.
    let options = textwrap::Options::new(width)
        .break_words(urls == Urls::CutWhenTooLong)
        .word_separator(textwrap::WordSeparator::Custom(words_keeping_urls))
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut ranges = Vec::new();
    // Where the next line can start: textwrap's lines are slices of its input, in order.
    let mut cursor = 0;
    for line in textwrap::wrap(paragraph, options) {
        let start = match &line {
            std::borrow::Cow::Borrowed(slice) => {
                (slice.as_ptr() as usize).saturating_sub(paragraph.as_ptr() as usize)
            }
            // Not expected with these options; find the text instead.
            std::borrow::Cow::Owned(text) => paragraph[cursor..]
                .find(text.as_str())
                .map_or(cursor, |at| cursor + at),
        };
        let start = start.clamp(cursor, paragraph.len());
        let end = (start + line.len()).min(paragraph.len());
        cursor = end;
        let text = &paragraph[start..end];
        // textwrap can overshoot when a word is glued to a wide character it may break before
        // (found by fuzzing: "*䆘:-**…"); cut such lines by columns so the promise holds.
        let keep = display_width(text) <= width
            || (urls == Urls::KeepWhole && text.split(' ').any(is_url));
        if keep {
            ranges.push(start..end);
        } else {
            let trimmed = text.trim_end();
            ranges.extend(
                column_ranges(trimmed, width)
                    .into_iter()
                    .map(|r| start + r.start..start + r.end),
            );
        }
    }
    ranges
}

/// Whether `word` (text between spaces) is or holds a URL, which must not be broken where
/// Unicode allows a line break (after `/`, `?`, `-`): it could no longer be copied whole.
pub fn is_url(word: &str) -> bool {
    word.contains("://")
        || starts_with_ignore_case(word, "mailto:")
        || starts_with_ignore_case(word, "www.")
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// textwrap's words by Unicode line-break rules (so CJK text wraps between characters), except
/// that a URL is one word.
fn words_keeping_urls(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let unicode = textwrap::WordSeparator::UnicodeBreakProperties;
    // Most lines hold no URL: those take textwrap's own way, split in one call.
    let might = line.contains("://")
        || contains_ignore_case(line, "mailto:")
        || contains_ignore_case(line, "www.");
    if !might {
        return unicode.find_words(line);
    }
    let mut words = Vec::new();
    // The text since the last URL, not yet split into words.
    let mut plain_from = 0;
    let mut start = 0;
    while start < line.len() {
        let end = line[start..].find(' ').map_or(line.len(), |at| start + at);
        let after = end + line[end..].bytes().take_while(|&b| b == b' ').count();
        if end > start && is_url(&line[start..end]) {
            if plain_from < start {
                words.extend(unicode.find_words(&line[plain_from..start]));
            }
            words.push(textwrap::core::Word::from(&line[start..after]));
            plain_from = after;
        }
        start = after;
    }
    if plain_from < line.len() {
        words.extend(unicode.find_words(&line[plain_from..]));
    }
    Box::new(words.into_iter())
}

/// Cuts `text` into pieces of at most `width` columns, between characters, as byte ranges.
/// Widths are measured on the whole piece, as everywhere else: a string's width is not always
/// the sum of its characters' widths (some sequences render narrower or wider together).
pub fn column_ranges(text: &str, width: usize) -> Vec<std::ops::Range<usize>> {
    let width = width.max(MIN_WRAP_WIDTH);
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if display_width(&text[start..end]) > width && at > start {
            pieces.push(start..at);
            start = at;
        }
    }
    if start < text.len() {
        pieces.push(start..text.len());
    }
    pieces
}

/// Wraps a whole body: each paragraph wrapped to `width`, with one empty line between
/// paragraphs.
pub fn wrap_body(body: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, paragraph) in paragraphs(body).iter().enumerate() {
        if index > 0 {
            lines.push(String::new());
        }
        lines.extend(wrap_paragraph(paragraph, width));
    }
    lines
}

/// Cuts `text` to at most `width` columns, ending with `…` when something was cut. A wide
/// character that would straddle the edge is left out rather than split.
pub fn truncate_to_width(text: &str, width: usize) -> String {
    truncate_with(text, width, "…")
}

/// Like [`truncate_to_width`] with a chosen ellipsis (`...` where the terminal cannot show `…`).
pub fn truncate_with(text: &str, width: usize, ellipsis: &str) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let ellipsis_width = ellipsis.width();
    if width < ellipsis_width {
        return ".".repeat(width);
    }
    let budget = width - ellipsis_width;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out.push_str(ellipsis);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_and_join_lines() {
        let body = "First line\nsame paragraph.\n\n\n  Second.  \n\nThird.";
        assert_eq!(
            paragraphs(body),
            vec!["First line same paragraph.", "Second.", "Third."]
        );
        assert!(paragraphs("").is_empty());
        assert_eq!(
            paragraphs("Highlights:\n* one\n* two\n2. three\n[1]: https://example.org"),
            vec![
                "Highlights:",
                "* one",
                "* two",
                "2. three",
                "[1]: https://example.org"
            ]
        );
        assert_eq!(paragraphs("In 2002. Then"), vec!["In 2002. Then"]);
        assert!(paragraphs("\n\n  \n").is_empty());
    }

    #[test]
    fn wrapping_never_exceeds_the_width() {
        let text = "Russian Foreign Minister Igor Ivanov has arrived in North Korea to encourage \
                    better relations with Seoul. Supercalifragilisticexpialidocious words break. \
                    東京都の新しい図書館は来月開館する予定です。";
        // The others are fuzzing finds on which textwrap alone overshoots: a word glued to a
        // wide character, and characters whose widths do not add up to their string's.
        let fuzzed = "*䆘:-****************************** ******:-";
        let fuzzed_again = "=ᦘ៘77,(HH?= =ᦘᦘ7777777777777776H,(HH?= =ᦘᦘ(HH?= =ᦘᦘ?= =ᦘᦘjjj%";
        for (text, width) in [MIN_WRAP_WIDTH, 5, 7, 10, 17, 40, 80]
            .into_iter()
            .flat_map(|w| [(text, w), (fuzzed, w), (fuzzed_again, w)])
        {
            for line in wrap_paragraph(text, width) {
                assert!(
                    display_width(&line) <= width,
                    "{line:?} is wider than {width}"
                );
            }
        }
    }

    #[test]
    fn ranges_point_at_the_wrapped_lines_and_cut_long_words_by_columns() {
        let text = "one two  three Supercalifragilistic 東京都の図書館";
        for width in [MIN_WRAP_WIDTH, 5, 8, 12, 80] {
            let ranges = wrap_ranges(text, width);
            let lines = wrap_paragraph(text, width);
            let sliced: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
            assert_eq!(sliced, lines, "width {width}");
            assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start));
        }
        let pieces: Vec<&str> = column_ranges("abcdefg東京", 3)
            .into_iter()
            .map(|r| &"abcdefg東京"[r])
            .collect();
        assert_eq!(pieces, ["abc", "def", "g東", "京"]);
    }

    const URL: &str = "https://example.org/news/2024/03/ferry-times-and-tides?from=rss&id=12";

    #[test]
    fn a_url_that_fits_moves_whole_to_its_own_line_instead_of_breaking_at_a_slash() {
        let text = format!("See the report at {URL} for more.");
        // Unicode allows breaks after `/` and `?`; textwrap alone gave
        // "See the report at https://example.org/news/2024/03/" at 80.
        let lines = wrap_paragraph(&text, 80);
        assert_eq!(
            lines,
            ["See the report at".to_owned(), format!("{URL} for more.")]
        );
        assert_eq!(wrap_paragraph_keeping_urls(&text, 80), lines);
        for url in ["mailto:desk@example.org", "WWW.example.org/a/b-c"] {
            let text = format!("Write to {url} now");
            assert_eq!(wrap_paragraph(&text, 24), ["Write to", url, "now"], "{url}");
        }
    }

    #[test]
    fn a_url_longer_than_the_width_is_cut_only_where_lines_must_fit() {
        let text = format!("Read {URL}, then Supercalifragilistic.");
        for width in [MIN_WRAP_WIDTH, 10, 20, 40] {
            let cut = wrap_paragraph(&text, width);
            assert!(cut.iter().all(|l| display_width(l) <= width), "{cut:?}");
            let kept = wrap_paragraph_keeping_urls(&text, width);
            let url_line = format!("{URL},");
            assert!(kept.contains(&url_line), "{width}: {kept:?}");
            // Every other line fits: only the URL runs past the width; a long word that is
            // not a URL is still cut.
            for line in kept.iter().filter(|l| **l != url_line) {
                assert!(
                    display_width(line) <= width,
                    "{width}: {line:?} in {kept:?}"
                );
            }
            assert_eq!(kept.concat().replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn urls_are_words_with_a_scheme_or_www() {
        for (word, url) in [
            ("https://a.example", true),
            ("(http://a.example/x).", true),
            ("timetable[1]", false),
            ("MAILTO:desk@example.org", true),
            ("www.example.org", true),
            ("a/b/c", false),
            ("mailto", false),
            ("", false),
        ] {
            assert_eq!(is_url(word), url, "{word:?}");
        }
    }

    #[test]
    fn wrap_body_separates_paragraphs_with_one_empty_line() {
        let lines = wrap_body("one two three\n\nfour", 7);
        assert_eq!(lines, vec!["one two", "three", "", "four"]);
    }

    #[test]
    fn truncation_counts_columns_not_chars() {
        let cases: &[(&str, usize, &str)] = &[
            ("short", 10, "short"),
            ("exactly ten", 11, "exactly ten"),
            ("a long headline here", 10, "a long he…"),
            ("東京の図書館", 7, "東京の…"),
            ("東京の図書館", 6, "東京…"),
            ("news 📰 today", 8, "news 📰…"),
            ("news 📰 today", 7, "news…"),
            ("abc", 0, ""),
        ];
        for (text, width, expected) in cases {
            let cut = truncate_to_width(text, *width);
            assert_eq!(cut, *expected, "{text:?} at {width}");
            assert!(display_width(&cut) <= *width);
        }
        assert_eq!(truncate_with("a long headline", 8, "..."), "a lon...");
    }
}
