//! Notices on standard error (the sample-data note, config problems, the loading notice):
//! wrapped between words to the terminal's width when standard error is a terminal. The
//! terminal itself wraps a long line at the last column, mid-word (`/hom` then `e/...`),
//! which a screen reader reads as two broken words and a braille display shows cut.

use std::io::{self, IsTerminal};

/// The width of the terminal standard error is, or None when it is not a terminal (a file or
/// a pipe gets each notice on one line, for grep and logs). Asked of standard error itself,
/// not of the controlling terminal, which may be another.
pub fn stderr_width() -> Option<usize> {
    let stderr = io::stderr();
    if !stderr.is_terminal() {
        return None;
    }
    rustix::termios::tcgetwinsize(&stderr)
        .ok()
        .map(|size| usize::from(size.ws_col))
        .filter(|&columns| columns > 0)
}

/// `text` as lines of at most `width` columns, broken only between words, never inside one
/// (a path or a URL longer than the width gets a line of its own and runs past it, which is
/// better than a path cut in two); unchanged when `width` is None.
pub fn wrapped(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_owned();
    };
    let options = textwrap::Options::new(width.max(crate::text::wrap::MIN_WRAP_WIDTH))
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    textwrap::wrap(text, options).join("\n")
}

/// Writes `text` and a newline to standard error, wrapped to its terminal.
pub fn say(text: &str) {
    eprintln!("{}", wrapped(text, stderr_width()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_wrap_between_words_and_never_split_a_path() {
        let note = "herald: No stores given: showing the sample data built into Herald. To \
                    read your own, put .json or .jsonl files in /home/someone/.local/share/herald/stores, \
                    or list them.";
        let text = wrapped(note, Some(40));
        for line in text.lines() {
            assert!(
                line.chars().count() <= 40 || !line.contains(' '),
                "{line:?} in {text}"
            );
        }
        assert!(
            text.lines()
                .any(|l| l.contains("/home/someone/.local/share/herald/stores,")),
            "{text}"
        );
        // Nothing lost or added but line breaks where spaces were.
        assert_eq!(text.replace('\n', " "), note);
        assert_eq!(wrapped(note, None), note);
        let short = "herald: a path /a/b/c that fits";
        assert_eq!(wrapped(short, Some(17)), "herald: a path\n/a/b/c that fits");
    }
}
