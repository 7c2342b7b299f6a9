//! The bytes an SSH client's terminal sends, as Herald's keys.
//!
//! Locally crossterm reads the terminal, but its parser is not public, and over SSH there is
//! no terminal on this side: only the bytes the client's terminal sent. This decoder knows
//! what the keymap binds (printable characters in UTF-8, Enter, Esc, Tab, Backspace, the
//! arrows, Home/End, PageUp/PageDown, Insert/Delete, F1-F12, Ctrl- and Alt- letters) in the
//! forms xterm, the Linux console, rxvt, tmux and screen send them, with xterm's modifier
//! parameters (`ESC[1;5A` is Ctrl-Up). Anything else is one [`KeyCode::Other`], never a
//! stream of stray characters.
//!
//! A sequence may be cut between two SSH packets; the decoder keeps the start until the rest
//! comes. A lone ESC at the end of a packet is the Esc key: terminals send a whole sequence
//! in one write, so an ESC that ends a packet has nothing behind it.

use crate::app::{Key, KeyCode};

/// Longest escape sequence kept waiting for its end; a longer one is junk and dropped.
const MAX_PENDING: usize = 32;

/// Turns the client's bytes into keys, one packet at a time.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

impl Decoder {
    /// The keys in `bytes` (after whatever the last packet left unfinished).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Key> {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(bytes);
        let mut keys = Vec::new();
        let mut at = 0;
        while at < data.len() {
            match decode(&data[at..]) {
                Decoded::Key(key, used) => {
                    keys.push(key);
                    at += used;
                }
                Decoded::Skip(used) => at += used,
                Decoded::Incomplete if data.len() - at <= MAX_PENDING => {
                    self.pending = data[at..].to_vec();
                    break;
                }
                // Too long to be a key: junk, dropped whole (read byte by byte it would be
                // a stream of characters the user never typed).
                Decoded::Incomplete => break,
            }
        }
        keys
    }
}

enum Decoded {
    Key(Key, usize),
    /// Bytes that are no key (a focus report, a stray continuation byte).
    Skip(usize),
    /// The start of something whose end has not come yet.
    Incomplete,
}

fn key(code: KeyCode) -> Key {
    Key::plain(code)
}

fn ctrl(code: KeyCode) -> Key {
    Key {
        code,
        ctrl: true,
        alt: false,
    }
}

/// One key from the start of `bytes` (never empty).
fn decode(bytes: &[u8]) -> Decoded {
    match bytes[0] {
        0x1b => escape(bytes),
        _ => match single(bytes) {
            Some((key, used)) => Decoded::Key(key, used),
            None if incomplete_utf8(bytes) => Decoded::Incomplete,
            None => Decoded::Skip(1),
        },
    }
}

/// A key that starts with something other than ESC: a control byte or a UTF-8 character.
fn single(bytes: &[u8]) -> Option<(Key, usize)> {
    let byte = bytes[0];
    let code = match byte {
        b'\r' | b'\n' => KeyCode::Enter,
        b'\t' => KeyCode::Tab,
        0x7f | 0x08 => KeyCode::Backspace,
        0x00 => return Some((ctrl(KeyCode::Char(' ')), 1)),
        0x01..=0x1a => return Some((ctrl(KeyCode::Char(char::from(byte - 1 + b'a'))), 1)),
        0x1c..=0x1f => return Some((ctrl(KeyCode::Char(char::from(byte - 0x1c + b'4'))), 1)),
        _ => {
            let (c, used) = utf8_char(bytes)?;
            return Some((key(KeyCode::Char(c)), used));
        }
    };
    Some((key(code), 1))
}

/// The UTF-8 character at the start of `bytes`, and its length.
fn utf8_char(bytes: &[u8]) -> Option<(char, usize)> {
    let len = match bytes[0] {
        0x20..=0x7e => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let text = std::str::from_utf8(bytes.get(..len)?).ok()?;
    text.chars().next().map(|c| (c, len))
}

/// The start of a UTF-8 character whose other bytes are still to come.
fn incomplete_utf8(bytes: &[u8]) -> bool {
    let len = match bytes[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return false,
    };
    bytes.len() < len && bytes[1..].iter().all(|b| b & 0xc0 == 0x80)
}

fn escape(bytes: &[u8]) -> Decoded {
    match bytes.get(1) {
        None => Decoded::Key(key(KeyCode::Esc), 1),
        Some(b'[') => csi(bytes),
        Some(b'O') => ss3(bytes),
        // ESC ESC: the first is Esc; the second starts whatever follows.
        Some(0x1b) => Decoded::Key(key(KeyCode::Esc), 1),
        Some(_) => match single(&bytes[1..]) {
            // Alt sends ESC before the key.
            Some((mut alt, used)) => {
                alt.alt = true;
                Decoded::Key(alt, used + 1)
            }
            None if incomplete_utf8(&bytes[1..]) => Decoded::Incomplete,
            None => Decoded::Key(key(KeyCode::Esc), 1),
        },
    }
}

/// `ESC O x`: the cursor keys in application mode, and F1-F4.
fn ss3(bytes: &[u8]) -> Decoded {
    let Some(&last) = bytes.get(2) else {
        return Decoded::Incomplete;
    };
    let code = match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'M' => KeyCode::Enter,
        b'P'..=b'S' => KeyCode::F(last - b'P' + 1),
        _ => KeyCode::Other,
    };
    Decoded::Key(key(code), 3)
}

/// `ESC [ params final`: the other special keys, with xterm's modifiers.
fn csi(bytes: &[u8]) -> Decoded {
    // Parameters and intermediates are 0x20-0x3f; the final byte is 0x40-0x7e.
    let Some(end) = bytes[2..].iter().position(|b| !(0x20..=0x3f).contains(b)) else {
        return Decoded::Incomplete;
    };
    let end = end + 2;
    let used = end + 1;
    let last = bytes[end];
    if !(0x40..=0x7e).contains(&last) {
        // Not a sequence after all: ESC [ is Alt-[.
        return Decoded::Key(
            Key {
                code: KeyCode::Char('['),
                ctrl: false,
                alt: true,
            },
            2,
        );
    }
    let params = std::str::from_utf8(&bytes[2..end]).unwrap_or("");
    let mut numbers = params.split(';').map(|p| p.parse::<u16>().ok());
    let first = numbers.next().flatten();
    let modifier = numbers.next().flatten().unwrap_or(1).saturating_sub(1);
    // The Linux console's F1-F5: ESC [ [ A-E.
    if params.is_empty() && last == b'[' {
        return match bytes.get(3) {
            Some(&f @ b'A'..=b'E') => Decoded::Key(key(KeyCode::F(f - b'A' + 1)), 4),
            Some(_) => Decoded::Key(key(KeyCode::Other), 4),
            None => Decoded::Incomplete,
        };
    }
    let code = match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'Z' => KeyCode::BackTab,
        b'P'..=b'S' => KeyCode::F(last - b'P' + 1),
        b'~' => match first {
            Some(1 | 7) => KeyCode::Home,
            Some(4 | 8) => KeyCode::End,
            Some(3) => KeyCode::Delete,
            Some(5) => KeyCode::PageUp,
            Some(6) => KeyCode::PageDown,
            Some(n @ 11..=15) => KeyCode::F((n - 10) as u8),
            Some(n @ 17..=21) => KeyCode::F((n - 11) as u8),
            Some(n @ 23..=24) => KeyCode::F((n - 12) as u8),
            _ => KeyCode::Other,
        },
        // Focus in and out, and anything else a terminal reports: no key.
        b'I' | b'O' => return Decoded::Skip(used),
        _ => KeyCode::Other,
    };
    Decoded::Key(
        Key {
            code,
            // xterm: 1 + (shift 1, alt 2, ctrl 4).
            alt: modifier & 2 != 0,
            ctrl: modifier & 4 != 0,
        },
        used,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alt(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: true,
        }
    }

    fn one(bytes: &[u8]) -> Vec<Key> {
        Decoder::default().feed(bytes)
    }

    #[test]
    fn every_key_the_keymap_binds_in_the_forms_terminals_send() {
        use KeyCode as C;
        let cases: &[(&[u8], Key)] = &[
            (b"j", key(C::Char('j'))),
            (b"G", key(C::Char('G'))),
            (b"?", key(C::Char('?'))),
            (b" ", key(C::Char(' '))),
            ("é".as_bytes(), key(C::Char('é'))),
            ("日".as_bytes(), key(C::Char('日'))),
            ("🦀".as_bytes(), key(C::Char('🦀'))),
            (b"\r", key(C::Enter)),
            (b"\n", key(C::Enter)),
            (b"\t", key(C::Tab)),
            (b"\x7f", key(C::Backspace)),
            (b"\x08", key(C::Backspace)),
            (b"\x1b", key(C::Esc)),
            (b"\x07", ctrl(C::Char('g'))),
            (b"\x0e", ctrl(C::Char('n'))),
            (b"\x10", ctrl(C::Char('p'))),
            (b"\x03", ctrl(C::Char('c'))),
            (b"\x1b[A", key(C::Up)),
            (b"\x1b[B", key(C::Down)),
            (b"\x1b[C", key(C::Right)),
            (b"\x1b[D", key(C::Left)),
            (b"\x1bOA", key(C::Up)),
            (b"\x1bOD", key(C::Left)),
            (b"\x1b[H", key(C::Home)),
            (b"\x1b[F", key(C::End)),
            (b"\x1bOH", key(C::Home)),
            (b"\x1b[1~", key(C::Home)),
            (b"\x1b[7~", key(C::Home)),
            (b"\x1b[4~", key(C::End)),
            (b"\x1b[8~", key(C::End)),
            (b"\x1b[3~", key(C::Delete)),
            (b"\x1b[5~", key(C::PageUp)),
            (b"\x1b[6~", key(C::PageDown)),
            (b"\x1b[Z", key(C::BackTab)),
            (b"\x1bOP", key(C::F(1))),
            (b"\x1b[[A", key(C::F(1))),
            (b"\x1b[14~", key(C::F(4))),
            (b"\x1b[21~", key(C::F(10))),
            (b"\x1b[24~", key(C::F(12))),
            (b"\x1b[1;5A", ctrl(C::Up)),
            (b"\x1b[1;3D", alt(C::Left)),
            (b"\x1b[5;5~", ctrl(C::PageUp)),
            (b"\x1bs", alt(C::Char('s'))),
            (b"\x1be", alt(C::Char('e'))),
            (b"\x1b\x7f", alt(C::Backspace)),
            (b"\x1b[99X", key(C::Other)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(one(bytes), vec![*expected], "{bytes:?}");
        }
    }

    #[test]
    fn a_packet_of_several_keys_is_each_of_them_in_order() {
        use KeyCode as C;
        assert_eq!(
            one(b"jj\x1b[Bq\r"),
            vec![
                key(C::Char('j')),
                key(C::Char('j')),
                key(C::Down),
                key(C::Char('q')),
                key(C::Enter),
            ]
        );
        assert_eq!(one(b"\x1b\x1b"), vec![key(C::Esc), key(C::Esc)]);
    }

    #[test]
    fn a_sequence_cut_between_packets_waits_for_its_end() {
        let mut decoder = Decoder::default();
        assert!(decoder.feed(b"\x1b[").is_empty());
        assert_eq!(decoder.feed(b"6~"), vec![key(KeyCode::PageDown)]);
        let crab = "🦀".as_bytes();
        assert!(decoder.feed(&crab[..2]).is_empty());
        assert_eq!(decoder.feed(&crab[2..]), vec![key(KeyCode::Char('🦀'))]);
        assert!(decoder.feed(b"\x1bO").is_empty());
        assert_eq!(decoder.feed(b"B"), vec![key(KeyCode::Down)]);
    }

    #[test]
    fn junk_is_never_a_stream_of_characters() {
        // Focus reports, bare continuation bytes and overlong sequences give no key.
        assert!(one(b"\x1b[I\x1b[O").is_empty());
        assert!(one(&[0x80, 0xbf, 0xff]).is_empty());
        let mut long = b"\x1b[".to_vec();
        long.extend(std::iter::repeat_n(b'1', 100));
        let mut decoder = Decoder::default();
        assert!(decoder.feed(&long).is_empty());
        assert_eq!(decoder.feed(b"j"), vec![key(KeyCode::Char('j'))]);
    }
}
