//! A feed's bytes into UTF-8 text, before any XML is read: a saved feed may be gzip-compressed,
//! UTF-16 or UTF-32 (with a byte order mark or without), or in the legacy encoding its XML
//! declaration names (windows-1251, ISO-8859-1, however long the declaration is).
//!
//! Decoding up front, with encoding_rs, means the XML parser only ever sees valid UTF-8 and
//! never has to guess; it is also how XML's own rules (Appendix F) tell encodings apart.

use std::borrow::Cow;
use std::io::Read;

use encoding_rs::Encoding;

/// A gzip-saved feed may expand to at most this many bytes: enough for any feed, and a
/// crafted "zip bomb" stops here instead of filling memory.
const MAX_UNCOMPRESSED: u64 = 256 * 1024 * 1024;

/// The decoded text, and what was repaired on the way, worded for the user.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Whether `bytes` is gzip-compressed (a feed saved with `curl` without `--compressed`, or
/// a `.xml.gz`).
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Uncompresses a gzip-saved input, bounded by [`MAX_UNCOMPRESSED`].
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(MAX_UNCOMPRESSED + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|e| format!("it is gzip-compressed but cannot be uncompressed ({e})"))?;
    if out.len() as u64 > MAX_UNCOMPRESSED {
        return Err(format!(
            "it is gzip-compressed and expands to more than {} MiB",
            MAX_UNCOMPRESSED / 1024 / 1024
        ));
    }
    Ok(out)
}

/// The encodings XML's Appendix F tells apart by the first bytes, beyond what a byte order
/// mark says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// Decodes UTF-16 and UTF-32 input (told by a byte order mark or by its first bytes) to text;
/// `None` for anything else. Done before the format is detected, which reads ASCII.
pub fn decode_wide(bytes: &[u8]) -> Option<Decoded> {
    let mut warnings = Vec::new();
    let (wide, skip) = sniff(bytes);
    let rest = bytes.get(skip..).unwrap_or_default();
    let text = match wide? {
        Wide::Utf32Le => utf32(rest, u32::from_le_bytes, &mut warnings),
        Wide::Utf32Be => utf32(rest, u32::from_be_bytes, &mut warnings),
        Wide::Utf16Le => with(encoding_rs::UTF_16LE, rest, &mut warnings),
        Wide::Utf16Be => with(encoding_rs::UTF_16BE, rest, &mut warnings),
    };
    Some(Decoded { text, warnings })
}

/// Decodes XML bytes to text by their byte order mark, their first bytes, or their declared
/// encoding, in that order; UTF-8 when nothing says otherwise.
pub fn decode_xml(bytes: &[u8]) -> Decoded {
    if let Some(decoded) = decode_wide(bytes) {
        return decoded;
    }
    let mut warnings = Vec::new();
    let rest = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let text = match rest {
        Some(rest) => with(encoding_rs::UTF_8, rest, &mut warnings),
        None => match declared(bytes) {
            Some(encoding) => with(encoding, bytes, &mut warnings),
            None => match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => {
                    // No declaration and not UTF-8: almost always a windows-1252 feed that
                    // forgot to say so, which is how browsers and feedparser read it too.
                    warnings.push(
                        "it declares no encoding and is not valid UTF-8; it was read as \
                         windows-1252"
                            .to_owned(),
                    );
                    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                    text.into_owned()
                }
            },
        },
    };
    Decoded { text, warnings }
}

/// A byte order mark's encoding and length, or the wide encoding the first bytes (`<?` in
/// UTF-16 or UTF-32) show without one.
fn sniff(bytes: &[u8]) -> (Option<Wide>, usize) {
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] => (Some(Wide::Utf32Be), 4),
        [0xFF, 0xFE, 0x00, 0x00, ..] => (Some(Wide::Utf32Le), 4),
        [0xFE, 0xFF, ..] => (Some(Wide::Utf16Be), 2),
        [0xFF, 0xFE, ..] => (Some(Wide::Utf16Le), 2),
        [0x00, 0x00, 0x00, b, ..] if *b != 0 => (Some(Wide::Utf32Be), 0),
        [b, 0x00, 0x00, 0x00, ..] if *b != 0 => (Some(Wide::Utf32Le), 0),
        [0x00, b, ..] if *b != 0 => (Some(Wide::Utf16Be), 0),
        [b, 0x00, ..] if *b != 0 => (Some(Wide::Utf16Le), 0),
        _ => (None, 0),
    }
}

fn with(encoding: &'static Encoding, bytes: &[u8], warnings: &mut Vec<String>) -> String {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(format!(
            "some bytes are not valid {}; they were replaced with \u{FFFD}",
            encoding.name()
        ));
    }
    match text {
        Cow::Borrowed(text) => text.to_owned(),
        Cow::Owned(text) => text,
    }
}

/// UTF-32, which encoding_rs leaves out (the web never uses it, saved feeds sometimes do).
fn utf32(bytes: &[u8], word: fn([u8; 4]) -> u32, warnings: &mut Vec<String>) -> String {
    let mut text = String::with_capacity(bytes.len() / 4);
    let mut bad = false;
    for chunk in bytes.chunks(4) {
        let value = <[u8; 4]>::try_from(chunk).ok().map(word);
        match value.and_then(char::from_u32) {
            Some(c) => text.push(c),
            None => {
                bad = true;
                text.push('\u{FFFD}');
            }
        }
    }
    if bad {
        warnings.push("some bytes are not valid UTF-32; they were replaced with \u{FFFD}".into());
    }
    text
}

/// The encoding `<?xml ... encoding="..."?>` names, when the declaration reads as ASCII (so
/// only encodings that write ASCII as ASCII can be meant; a document that says UTF-16 but is
/// not is read as UTF-8). However long the declaration, the whole of it is read. OPML files
/// are decoded by it too.
pub fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = bytes.get(start..)?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let head = head.get(..head.len().min(16 * 1024))?;
    let end = memchr::memmem::find(head, b"?>")?;
    let declaration = std::str::from_utf8(head.get(..end)?).ok()?;
    let after = declaration.get(declaration.find("encoding")? + "encoding".len()..)?;
    let value = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = value.get(1..)?;
    let label = value.get(..value.find(quote)?)?;
    Encoding::for_label(label.trim().as_bytes()).filter(|e| e.is_ascii_compatible())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "<?xml version=\"1.0\"?><rss><t>Café – 東京</t></rss>";

    fn encode_utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    fn encode_utf32(text: &str, big_endian: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let c = u32::from(c);
                if big_endian {
                    c.to_be_bytes()
                } else {
                    c.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn wide_encodings_with_and_without_a_byte_order_mark() {
        for big_endian in [false, true] {
            for bom in [false, true] {
                let with_bom = |text: &str| {
                    if bom {
                        format!("\u{FEFF}{text}")
                    } else {
                        text.to_owned()
                    }
                };
                let utf16 = decode_xml(&encode_utf16(&with_bom(FEED), big_endian));
                assert_eq!(utf16.text, FEED, "UTF-16 be={big_endian} bom={bom}");
                let utf32 = decode_xml(&encode_utf32(&with_bom(FEED), big_endian));
                assert_eq!(utf32.text, FEED, "UTF-32 be={big_endian} bom={bom}");
                assert!(utf32.warnings.is_empty());
            }
        }
    }

    #[test]
    fn a_long_declaration_names_a_legacy_encoding() {
        let declaration = format!(
            "<?xml version=\"1.0\"{} encoding=\"ISO-8859-1\" standalone=\"yes\"?>",
            " ".repeat(2000)
        );
        let mut bytes = declaration.into_bytes();
        bytes.extend_from_slice(b"<rss><t>Caf\xe9</t></rss>");
        let decoded = decode_xml(&bytes);
        assert!(
            decoded.text.ends_with("<rss><t>Café</t></rss>"),
            "{}",
            decoded.text
        );
        let cyrillic = decode_xml(
            b"<?xml version='1.0' encoding='windows-1251'?><t>\xcd\xee\xe2\xee\xf1\xf2\xe8</t>",
        );
        assert!(cyrillic.text.contains("Новости"), "{}", cyrillic.text);
    }

    #[test]
    fn undeclared_non_utf8_is_read_as_windows_1252_and_said() {
        let decoded = decode_xml(b"<rss><t>\x93quoted\x94</t></rss>");
        assert_eq!(decoded.text, "<rss><t>\u{201C}quoted\u{201D}</t></rss>");
        assert!(decoded.warnings[0].contains("windows-1252"));
    }

    #[test]
    fn gzip_is_undone_and_bounded() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(FEED.as_bytes()).unwrap();
        let gz = encoder.finish().unwrap();
        assert!(is_gzip(&gz));
        assert_eq!(gunzip(&gz).unwrap(), FEED.as_bytes());
        assert!(gunzip(&gz[..gz.len() / 2]).is_err());
    }
}
