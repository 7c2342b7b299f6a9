//! Plain mode on a pty whose terminal cannot show the full-screen reader (`TERM=dumb`, an
//! Emacs shell buffer, a braille terminal that says so): what a kernel pty's cooked mode does
//! for plain mode run through sshd, done here, since an SSH client in raw mode sends every key
//! as it is typed and shows nothing it is not sent.
//!
//! [`LineEditor`] echoes what is typed, takes Backspace, Ctrl-U and Ctrl-W, and hands on a
//! whole line at Enter; Ctrl-D on an empty line and Ctrl-C end the input. [`Crlf`] turns the
//! line feeds plain mode writes into the carriage return and line feed a terminal in raw
//! mode needs. Nothing written back is an escape sequence: only text, CR, LF and backspace.

use std::io::{self, Write};

/// The longest line kept: the rest of a longer one is dropped (a person never types one; a
/// paste cannot grow the server's memory).
pub const MAX_LINE: usize = 4096;

/// The line being typed.
#[derive(Debug, Default)]
pub struct LineEditor {
    line: Vec<u8>,
    /// The last byte was a carriage return: a line feed right after it ends no second line.
    after_cr: bool,
}

/// What some typed bytes came to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Typed {
    /// What to show the client: the text typed, rubbed out, or the end of the line.
    pub echo: Vec<u8>,
    /// Whole lines, each ending in a line feed.
    pub lines: Vec<Vec<u8>>,
    /// The input ended (Ctrl-D on an empty line, Ctrl-C).
    pub ended: bool,
}

impl LineEditor {
    pub fn feed(&mut self, data: &[u8]) -> Typed {
        let mut typed = Typed::default();
        for &byte in data {
            if typed.ended {
                break;
            }
            let after_cr = std::mem::take(&mut self.after_cr);
            match byte {
                b'\n' if after_cr => {}
                b'\r' | b'\n' => {
                    self.after_cr = byte == b'\r';
                    typed.echo.extend_from_slice(b"\r\n");
                    let mut line = std::mem::take(&mut self.line);
                    line.push(b'\n');
                    typed.lines.push(line);
                }
                // Backspace (DEL, as most terminals send it, or ^H).
                0x7f | 0x08 => {
                    if self.rub_out() {
                        typed.echo.extend_from_slice(b"\x08 \x08");
                    }
                }
                // Ctrl-U: the whole line.
                0x15 => {
                    while self.rub_out() {
                        typed.echo.extend_from_slice(b"\x08 \x08");
                    }
                }
                // Ctrl-W: the last word, and the spaces after it.
                0x17 => {
                    while self.line.last() == Some(&b' ') && self.rub_out() {
                        typed.echo.extend_from_slice(b"\x08 \x08");
                    }
                    while self.line.last().is_some_and(|&b| b != b' ') && self.rub_out() {
                        typed.echo.extend_from_slice(b"\x08 \x08");
                    }
                }
                0x04 if self.line.is_empty() => typed.ended = true,
                0x03 => {
                    typed.echo.extend_from_slice(b"^C\r\n");
                    typed.ended = true;
                }
                b'\t' => self.take(b' ', &mut typed.echo),
                // Other control bytes (and the escape sequences of keys such a terminal
                // should not send) are not text.
                0x00..=0x1f => {}
                _ => self.take(byte, &mut typed.echo),
            }
        }
        typed
    }

    fn take(&mut self, byte: u8, echo: &mut Vec<u8>) {
        if self.line.len() < MAX_LINE {
            self.line.push(byte);
            echo.push(byte);
        }
    }

    /// Takes the last character (all its UTF-8 bytes) off the line; false when it is empty.
    fn rub_out(&mut self) -> bool {
        while self.line.last().is_some_and(|&b| b & 0xc0 == 0x80) {
            self.line.pop();
        }
        self.line.pop().is_some()
    }
}

/// Writes `\r\n` for every `\n`, as a pty's output processing would.
pub struct Crlf<W: Write>(pub W);

impl<W: Write> Write for Crlf<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len() + buf.len() / 16);
        for &byte in buf {
            if byte == b'\n' {
                out.push(b'\r');
            }
            out.push(byte);
        }
        self.0.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_hands_on_the_line_and_echoes_what_was_typed() {
        let mut editor = LineEditor::default();
        let typed = editor.feed(b"1\r");
        assert_eq!(typed.echo, b"1\r\n");
        assert_eq!(typed.lines, [b"1\n".to_vec()]);
        // CR LF is one end of line; a lone LF is one too.
        let typed = editor.feed(b"\nq\n");
        assert_eq!(typed.lines, [b"q\n".to_vec()]);
        assert!(!typed.ended);
    }

    #[test]
    fn backspace_ctrl_u_and_ctrl_w_rub_out_whole_characters() {
        let mut editor = LineEditor::default();
        let typed = editor.feed("sé\x7f".as_bytes());
        assert_eq!(typed.echo, "sé\x08 \x08".as_bytes());
        let typed = editor.feed(b"earch flood  \x17\x17x\x15list\r");
        assert_eq!(typed.lines, [b"list\n".to_vec()]);
        // Backspace on an empty line shows nothing.
        assert!(editor.feed(b"\x7f").echo.is_empty());
    }

    #[test]
    fn ctrl_d_on_an_empty_line_and_ctrl_c_end_the_input() {
        let mut editor = LineEditor::default();
        assert!(
            !editor.feed(b"ab\x04").ended,
            "Ctrl-D mid-line is not the end"
        );
        assert!(editor.feed(b"\r\x04").ended);
        let mut editor = LineEditor::default();
        let typed = editor.feed(b"x\x03never");
        assert!(typed.ended);
        assert!(typed.lines.is_empty());
        assert_eq!(typed.echo, b"x^C\r\n");
    }

    #[test]
    fn escape_bytes_are_never_echoed_and_lines_are_bounded() {
        let mut editor = LineEditor::default();
        let typed = editor.feed(b"\x1b[A\x1b]0;x\x07");
        assert!(!typed.echo.contains(&0x1b), "{:?}", typed.echo);
        let mut editor = LineEditor::default();
        let typed = editor.feed(&vec![b'a'; MAX_LINE + 10]);
        assert_eq!(typed.echo.len(), MAX_LINE);
    }

    #[test]
    fn line_feeds_go_out_as_cr_lf() {
        let mut out = Crlf(Vec::new());
        out.write_all(b"one\ntwo\n").unwrap();
        assert_eq!(out.0, b"one\r\ntwo\r\n");
    }
}
