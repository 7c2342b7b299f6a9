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
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::index::{Fingerprint, IndexedFile};
use super::model::StoreId;
use super::parse::Format;
use super::place::{BodyAt, Place, Span};
use super::table::{HeadlineTable, Row, TextAt};
use crate::text::Published;

const MAGIC: &[u8; 8] = b"HERALDIX";
/// Bump when the layout changes, or what a headline is made from: old entries are then
/// rebuilt, not misread. 5: a JSON Feed item with only `date_modified` is dated by it, and one
/// without an `id` is identified by its `url` (or date and title) instead of being skipped.
const VERSION: u32 = 5;
/// Smaller store files are parsed faster than a cache entry is checked and read.
pub const MIN_FILE_SIZE: u64 = 256 * 1024;
/// Bytes of the fixed start of an entry: magic, version, and the lengths of its parts.
const PREAMBLE: usize = 8 + 4 + 4 + 8 + 8;
/// A header holds a path, a name and a few numbers: never more than this.
const MAX_HEADER: usize = 1 << 20;
/// No article takes fewer bytes of a store than `{"id":"","title":""}` minus its braces'
/// neighbours; a bound, not an estimate.
const MIN_ARTICLE_BYTES: u64 = 16;
/// Bytes per article row.
const ROW: usize = 65;
/// Rows decoded per read: the buffer stays small and in the processor's cache.
const ROWS_PER_READ: usize = 4096;

// An entry is: the preamble; a header (the store's path, fingerprint, format, name and article
// count); one fixed-size row per article (headline fields as offsets into the text, the
// article's place in its file, its line); the articles' positions newest first (4 bytes each);
// the headlines' text; a checksum of each part, combined. Rows are decoded as they are read,
// and the text is read and checked on a second thread meanwhile: a warm start of 100k articles
// is mostly these two.

/// Where the entry for `store` lives inside `cache_dir`.
pub fn entry_path(cache_dir: &Path, store: &Path) -> PathBuf {
    entry_path_for(cache_dir, &key_of(store))
}

/// Where the entry for the store whose key (canonical path) is `key` lives.
fn entry_path_for(cache_dir: &Path, key: &str) -> PathBuf {
    let hash = checksum(key.as_bytes());
    cache_dir
        .join("index")
        .join(format!("v{VERSION}"))
        .join(format!("{hash:016x}.idx"))
}

/// The sizes of an entry's parts, from its preamble.
struct Layout {
    header: usize,
    rows: usize,
    text: usize,
}

impl Layout {
    fn count(&self) -> usize {
        self.rows / ROW
    }

    fn order(&self) -> usize {
        self.count() * 4
    }

    /// Whether an entry this size could describe a store of `store_len` bytes. Checked before
    /// anything is allocated: a crafted entry (consistent, sparse on disk, stating terabytes)
    /// made every start abort on an allocation that could never succeed. An article takes at
    /// least [`MIN_ARTICLE_BYTES`] of its store, and its headline text is the store's text of
    /// it after unescaping and sanitising (which may replace a byte with a few), so a real
    /// entry is well inside these bounds.
    fn is_plausible_for(&self, store_len: u64) -> bool {
        let most_articles = store_len / MIN_ARTICLE_BYTES + 1;
        self.header <= MAX_HEADER
            && (self.count() as u64) <= most_articles
            && (self.text as u64) <= store_len.saturating_mul(4) + MAX_HEADER as u64
    }

    fn total(&self) -> Option<u64> {
        [self.header, self.rows, self.order(), self.text, 8]
            .iter()
            .try_fold(PREAMBLE as u64, |sum, &part| sum.checked_add(part as u64))
    }
}

/// The cached index of `store`, if there is a valid one for this exact version of the file.
pub(crate) fn load(
    cache_dir: &Path,
    store: &Path,
    fingerprint: Fingerprint,
) -> Option<IndexedFile> {
    // The key is the store's canonical path: resolved once, it names the entry and is checked
    // against the one the entry was written for.
    let key = key_of(store);
    let mut file = File::open(entry_path_for(cache_dir, &key)).ok()?;
    let size = file.metadata().ok()?.len();
    let mut preamble = [0u8; PREAMBLE];
    file.read_exact(&mut preamble).ok()?;
    let mut fixed = Reader(&preamble);
    if fixed.take(8)? != MAGIC || fixed.u32()? != VERSION {
        return None;
    }
    let layout = Layout {
        header: fixed.u32()? as usize,
        rows: usize::try_from(fixed.u64()?).ok()?,
        text: usize::try_from(fixed.u64()?).ok()?,
    };
    if layout.total()? != size
        || !layout.rows.is_multiple_of(ROW)
        || !layout.is_plausible_for(fingerprint.len)
    {
        return None;
    }
    let text_at = size - 8 - layout.text as u64;
    // A stale entry (the store changed) is told by its header: nothing more is read.
    let mut sequential = &file;
    let header = read_part(&mut sequential, layout.header)?;
    let parsed = Header::parse(&header, &key, fingerprint, layout.count())?;
    let file = &file;
    std::thread::scope(|scope| {
        // The text is read and checked on another core while this one decodes the rows.
        let text = scope.spawn(move || read_text(file, text_at, layout.text));
        let mut sequential = file;
        let (rows, places, lines, rows_sum) = read_rows(&mut sequential, layout.count())?;
        let order = read_part(&mut sequential, layout.order())?;
        let newest_first = positions(&order, layout.count())?;
        let mut sum = [0u8; 8];
        file.read_exact_at(&mut sum, size - 8).ok()?;
        let (text, text_sum) = text.join().ok()??;
        let expected = combine(&[
            checksum(&preamble),
            checksum(&header),
            rows_sum,
            checksum(&order),
            text_sum,
        ]);
        if u64::from_le_bytes(sum) != expected {
            return None;
        }
        Some(IndexedFile {
            format: parsed.format,
            name: parsed.name,
            headlines: HeadlineTable::from_parts(text, rows)?,
            places,
            lines,
            newest_first,
        })
    })
}

fn read_part(file: &mut &File, len: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

/// The headlines' text, checked: valid UTF-8, and inert, since what reaches the terminal is
/// never trusted to a cache (checked whole: a rule that holds for each character holds for
/// their concatenation). With the text's checksum.
fn read_text(file: &File, at: u64, len: usize) -> Option<(String, u64)> {
    let mut bytes = vec![0u8; len];
    file.read_exact_at(&mut bytes, at).ok()?;
    let sum = checksum(&bytes);
    let text = String::from_utf8(bytes).ok()?;
    crate::text::is_inert(&text).then_some((text, sum))
}

/// What an entry's header says, once it matched the store file.
struct Header {
    format: Format,
    name: Option<String>,
}

impl Header {
    fn parse(bytes: &[u8], key: &str, fingerprint: Fingerprint, count: usize) -> Option<Self> {
        let mut input = Reader(bytes);
        if input.str()? != key {
            return None;
        }
        if Fingerprint::from_bytes(input.take(Fingerprint::BYTES)?)? != fingerprint {
            return None;
        }
        let format = match input.u8()? {
            0 => Format::Native,
            1 => Format::JsonFeed,
            2 => Format::JsonLines,
            _ => return None,
        };
        let name = input.opt_str()?;
        let stated = usize::try_from(input.u64()?).ok()?;
        let inert = name.as_deref().is_none_or(crate::text::is_inert);
        (input.0.is_empty() && stated == count && inert).then_some(Self { format, name })
    }
}

/// Decodes `count` rows, reading a few thousand at a time; with their checksum.
#[allow(clippy::type_complexity)]
fn read_rows(file: &mut &File, count: usize) -> Option<(Vec<Row>, Vec<Place>, Vec<u32>, u64)> {
    let mut rows = Vec::with_capacity(count);
    let mut places = Vec::with_capacity(count);
    let mut lines = Vec::with_capacity(count);
    let mut sum = Checksum::default();
    let mut buffer = vec![0u8; ROWS_PER_READ.min(count.max(1)) * ROW];
    let mut left = count;
    while left > 0 {
        let bytes = &mut buffer[..left.min(ROWS_PER_READ) * ROW];
        file.read_exact(bytes).ok()?;
        sum.update(bytes);
        for row in bytes.chunks_exact(ROW) {
            let (row, place, line) = decode_row(row)?;
            rows.push(row);
            places.push(place);
            lines.push(line);
        }
        left -= bytes.len() / ROW;
    }
    // Line numbers are all zero when they were not known: keep none rather than a zero each.
    if lines.iter().all(|&line| line == 0) {
        lines = Vec::new();
    }
    Some((rows, places, lines, sum.finish()))
}

fn decode_row(bytes: &[u8]) -> Option<(Row, Place, u32)> {
    let mut input = Reader(bytes);
    let id = input.text_at()?;
    let title = input.text_at()?;
    let source = input.text_at()?;
    if id == TextAt::NONE || title == TextAt::NONE {
        return None;
    }
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
        1 if len >= 2 && u64::from(start) + u64::from(len) <= u64::from(span.len) => {
            BodyAt::Raw { start, len }
        }
        2 => BodyAt::Decode,
        _ => return None,
    };
    let line = input.u32()?;
    let row = Row {
        id,
        title,
        source,
        published: Row::packed_date(published),
        store: StoreId(0),
        breaking,
    };
    Some((row, Place::new(span, body), line))
}

/// The order part: every position once.
fn positions(bytes: &[u8], count: usize) -> Option<Vec<u32>> {
    // Whether it is really newest first matters less: the library sorts it again, which is
    // quick when it is.
    let mut seen = vec![false; count];
    let mut order = Vec::with_capacity(count);
    for position in bytes.chunks_exact(4) {
        let position = u32::from_le_bytes(position.try_into().ok()?);
        let seen = seen.get_mut(position as usize)?;
        if std::mem::replace(seen, true) {
            return None;
        }
        order.push(position);
    }
    Some(order)
}

/// Saves the index of `store`; failures are ignored (the cache is an optimisation).
pub(crate) fn save(cache_dir: &Path, store: &Path, fingerprint: Fingerprint, file: &IndexedFile) {
    let key = key_of(store);
    let path = entry_path_for(cache_dir, &key);
    let Some(dir) = path.parent() else { return };
    let Some(parts) = encode(&key, fingerprint, file) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let text = file.headlines.text().as_bytes();
    let sum = combine(&[
        checksum(&parts.preamble),
        checksum(&parts.header),
        checksum(&parts.rows),
        checksum(&parts.order),
        checksum(text),
    ]);
    remove_stale_temporaries(dir);
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir);
    if let Ok(mut temp) = temp {
        let written = [
            &parts.preamble[..],
            &parts.header,
            &parts.rows,
            &parts.order,
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

/// Entries are written as `.entry-<random>.tmp` and renamed into place.
const TEMP_PREFIX: &str = ".entry-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temporary entry this old was left by a writer that was killed: writing one takes
/// milliseconds, and no lock tells a live writer from a dead one here.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes temporary entries that writers killed before their rename left in `dir` (ours,
/// and the `.tmpXXXXXX` names earlier versions used). Run before each write of an entry, so
/// the cache folder never fills with them.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let temporary = crate::files::is_temporary(&name, TEMP_PREFIX, TEMP_SUFFIX);
        let stale = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if temporary && stale {
            let _ = std::fs::remove_file(entry.path());
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
/// all a cache of rebuildable data needs. Fed in pieces of any size, it gives the same sum.
struct Checksum {
    lanes: [u64; 4],
    pending: [u8; 32],
    pending_len: usize,
    total: u64,
}

const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

impl Default for Checksum {
    fn default() -> Self {
        Self {
            lanes: [0xcbf2_9ce4_8422_2325, 1, 2, 3],
            pending: [0; 32],
            pending_len: 0,
            total: 0,
        }
    }
}

impl Checksum {
    fn block(&mut self, block: &[u8]) {
        for (lane, word) in self.lanes.iter_mut().zip(block.chunks_exact(8)) {
            let mut array = [0u8; 8];
            array.copy_from_slice(word);
            *lane = (*lane ^ u64::from_le_bytes(array))
                .wrapping_mul(MIX)
                .rotate_left(29);
        }
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.pending_len > 0 {
            let take = (32 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&bytes[..take]);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < 32 {
                return;
            }
            let pending = self.pending;
            self.block(&pending);
            self.pending_len = 0;
        }
        let mut blocks = bytes.chunks_exact(32);
        for block in &mut blocks {
            self.block(block);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    fn finish(&self) -> u64 {
        let mut lanes = self.lanes;
        for &byte in &self.pending[..self.pending_len] {
            lanes[0] = (lanes[0] ^ u64::from(byte))
                .wrapping_mul(MIX)
                .rotate_left(29);
        }
        lanes.iter().fold(self.total, |hash, &lane| {
            (hash ^ lane).wrapping_mul(MIX).rotate_left(31)
        })
    }
}

pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    let mut sum = Checksum::default();
    sum.update(bytes);
    sum.finish()
}

/// The entry's checksum, from its parts' checksums in order.
fn combine(sums: &[u64]) -> u64 {
    sums.iter().fold(0u64, |sum, part| {
        (sum.rotate_left(17) ^ part).wrapping_mul(3)
    })
}

/// An entry's parts but the text, which is written from the index as it is.
struct Parts {
    preamble: [u8; PREAMBLE],
    header: Vec<u8>,
    rows: Vec<u8>,
    order: Vec<u8>,
}

/// `None` when the index cannot be described (its order is not one position per article).
fn encode(key: &str, fingerprint: Fingerprint, file: &IndexedFile) -> Option<Parts> {
    let count = file.places.len();
    if file.newest_first.len() != count || file.headlines.len() != count {
        return None;
    }
    let mut header = Writer(Vec::with_capacity(128));
    header.str(key);
    header.0.extend_from_slice(&fingerprint.to_bytes());
    header.0.push(match file.format {
        Format::Native => 0,
        Format::JsonFeed => 1,
        Format::JsonLines => 2,
    });
    header.opt_str(file.name.as_deref());
    header.u64(count as u64);
    let mut rows = Writer(Vec::with_capacity(count * ROW));
    for (i, (row, place)) in file.headlines.rows().iter().zip(&file.places).enumerate() {
        rows.text_at(row.id);
        rows.text_at(row.title);
        rows.text_at(row.source);
        match row.published() {
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
        rows.u64(place.start);
        rows.u32(place.len);
        let (kind, start, len) = match place.body() {
            BodyAt::None => (0, 0, 0),
            BodyAt::Raw { start, len } => (1, start, len),
            BodyAt::Decode => (2, 0, 0),
        };
        rows.0.push(kind);
        rows.u32(start);
        rows.u32(len);
        rows.u32(file.lines.get(i).copied().unwrap_or(0));
    }
    let order: Vec<u8> = file
        .newest_first
        .iter()
        .flat_map(|position| position.to_le_bytes())
        .collect();
    let mut preamble = Writer(Vec::with_capacity(PREAMBLE));
    preamble.0.extend_from_slice(MAGIC);
    preamble.u32(VERSION);
    preamble.u32(u32::try_from(header.0.len()).ok()?);
    preamble.u64(rows.0.len() as u64);
    preamble.u64(file.headlines.text().len() as u64);
    Some(Parts {
        preamble: preamble.0.try_into().ok()?,
        header: header.0,
        rows: rows.0,
        order,
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

    fn text_at(&mut self, at: TextAt) {
        self.u32(at.start);
        self.u32(at.len);
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

    fn text_at(&mut self) -> Option<TextAt> {
        Some(TextAt {
            start: self.u32()?,
            len: self.u32()?,
        })
    }
}
