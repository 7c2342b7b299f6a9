//! The index cache: a store file's headlines and spans, saved after indexing so the next start
//! reads a compact file instead of parsing the store again.
//!
//! An entry is used only when everything about it checks out: format version, the store file's
//! path, size and modification time, and a checksum over the entry (so a truncated or corrupt
//! entry is rebuilt, never trusted). Opening an article also checks that the id at the cached
//! span is the one expected, so even a store rewritten within the same second at the same size
//! cannot show the wrong article. Entries are replaced atomically; the cache only ever holds
//! what can be rebuilt.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::index::{BodyAt, Fingerprint, IndexedFile, Place, Span};
use super::model::StoreId;
use super::parse::Format;
use super::table::{HeadlineTable, Row, TextAt};
use crate::text::Published;

const MAGIC: &[u8; 8] = b"HERALDIX";
/// Bump when the layout changes: old entries are then rebuilt, not misread.
const VERSION: u32 = 2;
/// Smaller store files are parsed faster than a cache entry is checked and read.
pub const MIN_FILE_SIZE: u64 = 256 * 1024;
/// Bytes of the fixed start of an entry: magic, version, and the lengths of its three parts.
const PREAMBLE: usize = 8 + 4 + 4 + 8 + 8;
/// Bytes per article row.
const ROW: usize = 65;

// An entry is: the preamble; a header (the store's path, fingerprint, format, name and article
// count); one fixed-size row per article (headline fields as offsets into the text, the
// article's place in its file); the articles' positions newest first (4 bytes each); the
// headlines' text; a checksum of all of it. The parts are read
// straight into the buffers the library keeps, so a warm start copies nothing twice.

/// Where the entry for `store` lives inside `cache_dir`.
pub fn entry_path(cache_dir: &Path, store: &Path) -> PathBuf {
    let key = store.canonicalize().unwrap_or_else(|_| store.to_path_buf());
    let hash = checksum(key.to_string_lossy().as_bytes());
    cache_dir
        .join("index")
        .join(format!("v{VERSION}"))
        .join(format!("{hash:016x}.idx"))
}

/// The cached index of `store`, if there is a valid one for this exact version of the file.
pub(crate) fn load(
    cache_dir: &Path,
    store: &Path,
    fingerprint: Fingerprint,
) -> Option<IndexedFile> {
    let mut file = File::open(entry_path(cache_dir, store)).ok()?;
    let size = file.metadata().ok()?.len();
    let mut preamble = [0u8; PREAMBLE];
    file.read_exact(&mut preamble).ok()?;
    let mut fixed = Reader(&preamble);
    if fixed.take(8)? != MAGIC || fixed.u32()? != VERSION {
        return None;
    }
    let header_len = fixed.u32()? as usize;
    let rows_len = usize::try_from(fixed.u64()?).ok()?;
    let text_len = usize::try_from(fixed.u64()?).ok()?;
    let order_len = rows_len / ROW * 4;
    let parts = (PREAMBLE as u64)
        .checked_add(header_len as u64)?
        .checked_add(rows_len as u64)?
        .checked_add(order_len as u64)?
        .checked_add(text_len as u64)?
        .checked_add(8)?;
    if parts != size || rows_len % ROW != 0 {
        return None;
    }
    let header = read_part(&mut file, header_len)?;
    let rows = read_part(&mut file, rows_len)?;
    let order = read_part(&mut file, order_len)?;
    let text = read_part(&mut file, text_len)?;
    let mut sum = [0u8; 8];
    file.read_exact(&mut sum).ok()?;
    if u64::from_le_bytes(sum) != entry_checksum(&[&preamble, &header, &rows, &order, &text]) {
        return None;
    }
    decode(&header, &rows, &order, text, &key_of(store), fingerprint)
}

fn read_part(file: &mut File, len: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

/// Saves the index of `store`; failures are ignored (the cache is an optimisation).
pub(crate) fn save(cache_dir: &Path, store: &Path, fingerprint: Fingerprint, file: &IndexedFile) {
    let path = entry_path(cache_dir, store);
    let Some(dir) = path.parent() else { return };
    let Some((preamble, header, rows, order)) = encode(&key_of(store), fingerprint, file) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let text = file.headlines.text().as_bytes();
    let sum = entry_checksum(&[&preamble, &header, &rows, &order, text]);
    if let Ok(mut temp) = tempfile::NamedTempFile::new_in(dir) {
        let written = [
            &preamble[..],
            &header,
            &rows,
            &order,
            text,
            &sum.to_le_bytes(),
        ]
        .iter()
        .try_for_each(|part| temp.write_all(part));
        if written.is_ok() {
            let _ = temp.persist(&path);
        }
    }
}

fn key_of(store: &Path) -> String {
    store
        .canonicalize()
        .unwrap_or_else(|_| store.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// A fast 64-bit checksum (four interleaved multiply-rotate lanes over 8-byte words, so the
/// processor works on four at once); detects truncation and corruption, not tampering, which is
/// all a cache of rebuildable data needs.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lanes: [u64; 4] = [0xcbf2_9ce4_8422_2325, 1, 2, 3];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let mut array = [0u8; 8];
            array.copy_from_slice(word);
            *lane = (*lane ^ u64::from_le_bytes(array))
                .wrapping_mul(K)
                .rotate_left(29);
        }
    }
    for &byte in blocks.remainder() {
        lanes[0] = (lanes[0] ^ u64::from(byte)).wrapping_mul(K).rotate_left(29);
    }
    lanes.iter().fold(bytes.len() as u64, |hash, &lane| {
        (hash ^ lane).wrapping_mul(K).rotate_left(31)
    })
}

fn entry_checksum(parts: &[&[u8]]) -> u64 {
    parts.iter().fold(0u64, |sum, part| {
        (sum.rotate_left(17) ^ checksum(part)).wrapping_mul(3)
    })
}

/// The parts of an entry but the text; `None` when the file is too big to describe (offsets
/// are 32-bit) or its order is not one position per article.
#[allow(clippy::type_complexity)]
fn encode(
    key: &str,
    fingerprint: Fingerprint,
    file: &IndexedFile,
) -> Option<([u8; PREAMBLE], Vec<u8>, Vec<u8>, Vec<u8>)> {
    if file.newest_first.len() != file.places.len() {
        return None;
    }
    let text_len = file.headlines.text().len();
    u32::try_from(text_len).ok()?;
    let mut header = Writer(Vec::with_capacity(128));
    header.str(key);
    header.u64(fingerprint.len);
    header
        .0
        .extend_from_slice(&fingerprint.modified_nanos.to_le_bytes());
    header.0.push(match file.format {
        Format::Native => 0,
        Format::JsonFeed => 1,
        Format::JsonLines => 2,
    });
    header.opt_str(file.name.as_deref());
    header.u64(file.places.len() as u64);
    let mut rows = Writer(Vec::with_capacity(file.places.len() * ROW));
    for (row, place) in file.headlines.rows().iter().zip(&file.places) {
        rows.text_at(Some(row.id));
        rows.text_at(Some(row.title));
        rows.text_at(row.source);
        match row.published {
            None => rows.0.extend_from_slice(&[0; 15]),
            Some(date) => {
                rows.0.push(1);
                rows.0.extend_from_slice(&date.year.to_le_bytes());
                rows.0.push(date.month);
                rows.0.push(date.day);
                rows.0.extend_from_slice(&date.instant.to_le_bytes());
            }
        }
        rows.0.push(u8::from(row.breaking));
        rows.u64(place.span.start);
        rows.u32(place.span.len);
        let (kind, start, len) = match place.body {
            BodyAt::None => (0, 0, 0),
            BodyAt::Raw { start, len } => (1, start, len),
            BodyAt::Decode => (2, 0, 0),
        };
        rows.0.push(kind);
        rows.u32(start);
        rows.u32(len);
        rows.u32(place.line);
    }
    let mut preamble = Writer(Vec::with_capacity(PREAMBLE));
    preamble.0.extend_from_slice(MAGIC);
    preamble.u32(VERSION);
    preamble.u32(u32::try_from(header.0.len()).ok()?);
    preamble.u64(rows.0.len() as u64);
    preamble.u64(text_len as u64);
    let order: Vec<u8> = file
        .newest_first
        .iter()
        .flat_map(|position| position.to_le_bytes())
        .collect();
    Some((preamble.0.try_into().ok()?, header.0, rows.0, order))
}

fn decode(
    header: &[u8],
    rows: &[u8],
    order: &[u8],
    text: Vec<u8>,
    key: &str,
    fingerprint: Fingerprint,
) -> Option<IndexedFile> {
    let mut input = Reader(header);
    if input.str()? != key {
        return None;
    }
    let len = input.u64()?;
    let modified_nanos = i128::from_le_bytes(input.take(16)?.try_into().ok()?);
    if (Fingerprint {
        len,
        modified_nanos,
    }) != fingerprint
    {
        return None;
    }
    let format = match input.u8()? {
        0 => Format::Native,
        1 => Format::JsonFeed,
        2 => Format::JsonLines,
        _ => return None,
    };
    let name = input.opt_str()?;
    let count = usize::try_from(input.u64()?).ok()?;
    if !input.0.is_empty()
        || count != rows.len() / ROW
        || name
            .as_deref()
            .is_some_and(|name| !crate::text::is_inert(name))
    {
        return None;
    }
    // Never trust the cache with what reaches the terminal: its text is checked like store
    // text (whole, at once: a check that holds for each character holds for the concatenation).
    let text = String::from_utf8(text).ok()?;
    if !crate::text::is_inert(&text) {
        return None;
    }
    let mut headlines = Vec::with_capacity(count);
    let mut places = Vec::with_capacity(count);
    for row in rows.chunks_exact(ROW) {
        let mut input = Reader(row);
        let id = input.text_at()??;
        let title = input.text_at()??;
        let source = input.text_at()?;
        let flag = input.u8()?;
        let year = i32::from_le_bytes(input.take(4)?.try_into().ok()?);
        let (month, day) = (input.u8()?, input.u8()?);
        let instant = i64::from_le_bytes(input.take(8)?.try_into().ok()?);
        let published = match flag {
            0 => None,
            1 if (1..=12).contains(&month) && (1..=31).contains(&day) => Some(Published {
                year,
                month,
                day,
                instant,
            }),
            _ => return None,
        };
        let breaking = match input.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let span = Span {
            start: input.u64()?,
            len: input.u32()?,
        };
        let (kind, start, len) = (input.u8()?, input.u32()?, input.u32()?);
        let body = match kind {
            0 => BodyAt::None,
            1 if u64::from(start) + u64::from(len) <= u64::from(span.len) => {
                BodyAt::Raw { start, len }
            }
            2 => BodyAt::Decode,
            _ => return None,
        };
        let line = input.u32()?;
        headlines.push(Row {
            store: StoreId(0),
            id,
            title,
            source,
            published,
            breaking,
        });
        places.push(Place { span, body, line });
    }
    // The order must name every article once; whether it is really newest first matters less
    // (the library sorts it again, which is quick when it is).
    let mut seen = vec![false; count];
    let mut newest_first = Vec::with_capacity(count);
    for position in order.chunks_exact(4) {
        let position = u32::from_le_bytes(position.try_into().ok()?);
        let seen = seen.get_mut(position as usize)?;
        if std::mem::replace(seen, true) {
            return None;
        }
        newest_first.push(position);
    }
    Some(IndexedFile {
        format,
        name,
        headlines: HeadlineTable::from_parts(text, headlines)?,
        places,
        newest_first,
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn str(&mut self, text: &str) {
        self.u32(u32::try_from(text.len()).unwrap_or(u32::MAX));
        self.0.extend_from_slice(text.as_bytes());
    }

    fn opt_str(&mut self, text: Option<&str>) {
        match text {
            None => self.0.push(0),
            Some(text) => {
                self.0.push(1);
                self.str(text);
            }
        }
    }

    /// Offsets fit in 32 bits: `encode` refuses bigger text.
    fn text_at(&mut self, at: Option<TextAt>) {
        match at {
            None => {
                self.u32(u32::MAX);
                self.u32(0);
            }
            Some(at) => {
                self.u32(at.start as u32);
                self.u32(at.len);
            }
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.u32()?).ok()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn opt_str(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.str()?.to_owned())),
            _ => None,
        }
    }

    /// A text offset; the outer `None` means unreadable, the inner one "no text".
    fn text_at(&mut self) -> Option<Option<TextAt>> {
        let (start, len) = (self.u32()?, self.u32()?);
        Some((start != u32::MAX).then_some(TextAt {
            start: start as usize,
            len,
        }))
    }
}
