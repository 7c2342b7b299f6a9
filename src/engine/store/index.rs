//! Indexing a store file on disk quickly and in bounded memory: each article's headline and the
//! byte range of its JSON, read in chunks, never the whole file at once. Bodies stay on disk
//! until an article is opened or searched. Any surprise (malformed JSON, a field that needs a
//! warning, a byte-order mark, a duplicate id) abandons the fast path; the caller then uses the
//! exact whole-file parser, which also words the messages.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use memchr::memchr;

use super::model::{Headline, StoreId};
use super::parse::{FileKind, Format, headline_only, is_json_feed_version};
use super::place::{Place, Span};
use super::progress::Progress;
use super::scan::{GiveUp, Piece, Splitter};
use super::table::HeadlineTable;
use crate::text::sanitize_line;

/// Bytes read per step: small enough to stay in the CPU's cache while it is parsed, large
/// enough that system calls cost little.
const CHUNK: usize = 256 << 10;
/// Files smaller than this are indexed on one thread: starting another costs more.
const PARALLEL_FROM: u64 = 2 << 20;

/// The read buffer for `len` bytes: no bigger than needed (a folder of small files would
/// otherwise zero 256 KB for each), and at least one byte more, so one read sees the end.
fn chunk_for(len: u64) -> usize {
    usize::try_from(len.saturating_add(1)).map_or(CHUNK, |len| len.clamp(64, CHUNK))
}

/// A store file's headlines (their store not yet known) and, parallel to them, where each
/// article is in the file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct IndexedFile {
    pub format: Format,
    pub name: Option<String>,
    pub headlines: HeadlineTable,
    pub places: Vec<Place>,
    /// 1-based line where each article starts, when known (JSON Lines read on one thread);
    /// empty otherwise. Only messages about duplicates use them.
    pub lines: Vec<u32>,
    /// Positions of the articles newest first, so a library need not sort a big file again
    /// (kept in the cache with the rest).
    pub newest_first: Vec<u32>,
}

/// Part of a file's index, built on one thread.
#[derive(Default)]
struct IndexedPart {
    headlines: HeadlineTable,
    places: Vec<Place>,
    lines: Vec<u32>,
}

impl IndexedPart {
    fn add(&mut self, json: &[u8], start: u64, line: u32, format: Format) -> Result<(), GiveUp> {
        let text = simdutf8::basic::from_utf8(json).map_err(|_| GiveUp)?;
        let (fields, body) = headline_only(text, format).ok_or(GiveUp)?;
        self.headlines
            .push(Headline {
                store: StoreId(0),
                id: &fields.id,
                title: &fields.title,
                published: fields.published,
                breaking: fields.breaking,
                source: fields.source.as_deref(),
            })
            .map_err(|_| GiveUp)?;
        self.places.push(Place::new(span(start, json.len())?, body));
        self.lines.push(line);
        Ok(())
    }

    fn extend(&mut self, other: IndexedPart) -> Result<(), GiveUp> {
        self.headlines
            .append(other.headlines, |_| true)
            .map_err(|_| GiveUp)?;
        self.places.extend(other.places);
        self.lines.extend(other.lines);
        Ok(())
    }
}

/// Identifies a version of a file cheaply: when any part of it differs, the index (or the
/// cache entry) no longer describes the file.
///
/// Size and modification time alone miss a rewrite of the same size whose writer kept (or
/// restored) the modification time, and then the cache showed the old titles beside the new
/// bodies. So the fingerprint also holds the device and inode (a writer that renames a new
/// file into place, as atomic writers do, always makes a new inode), the status-change time
/// (which `touch -d` or `utime` cannot set back: setting the modification time changes it),
/// and a checksum of the file's first and last 4 KiB (for file systems whose clock ticks too
/// coarsely to tell two quick writes apart; most rewrites change the start or the end). Two
/// reads of one block each: cheap beside any reading of the file itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub len: u64,
    pub modified_nanos: i128,
    pub changed_nanos: i128,
    pub device: u64,
    pub inode: u64,
    pub edges: u64,
}

/// Bytes read at each end of a file for [`Fingerprint::edges`].
const EDGE: usize = 4096;

impl Fingerprint {
    /// Bytes of [`Self::to_bytes`].
    pub const BYTES: usize = 8 + 16 + 16 + 8 + 8 + 8;

    /// The fingerprint of the file at `path`, which must be a regular file.
    pub fn of(path: &Path) -> io::Result<Self> {
        use std::os::unix::fs::MetadataExt;
        let file = crate::files::open_regular(path)?;
        let metadata = file.metadata()?;
        let nanos =
            |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        let len = metadata.len();
        let mut edges = [0u8; 2 * EDGE];
        let head = read_at_most(&file, &mut edges[..EDGE], 0)?;
        let tail_at = len.saturating_sub(EDGE as u64).max(head as u64);
        let tail = read_at_most(&file, &mut edges[head..head + EDGE], tail_at)?;
        Ok(Self {
            len,
            modified_nanos: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed_nanos: nanos(metadata.ctime(), metadata.ctime_nsec()),
            device: metadata.dev(),
            inode: metadata.ino(),
            edges: super::cache::checksum(&edges[..head + tail]),
        })
    }

    pub fn to_bytes(self) -> [u8; Self::BYTES] {
        let mut bytes = [0u8; Self::BYTES];
        let parts: [&[u8]; 6] = [
            &self.len.to_le_bytes(),
            &self.modified_nanos.to_le_bytes(),
            &self.changed_nanos.to_le_bytes(),
            &self.device.to_le_bytes(),
            &self.inode.to_le_bytes(),
            &self.edges.to_le_bytes(),
        ];
        let mut at = 0;
        for part in parts {
            bytes[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::BYTES {
            return None;
        }
        let u64_at = |at: usize| bytes[at..at + 8].try_into().ok().map(u64::from_le_bytes);
        let i128_at = |at: usize| bytes[at..at + 16].try_into().ok().map(i128::from_le_bytes);
        Some(Self {
            len: u64_at(0)?,
            modified_nanos: i128_at(8)?,
            changed_nanos: i128_at(24)?,
            device: u64_at(40)?,
            inode: u64_at(48)?,
            edges: u64_at(56)?,
        })
    }
}

/// Fills as much of `buffer` as the file holds from `at`; how much that was.
fn read_at_most(file: &File, buffer: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read_at(&mut buffer[filled..], at + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Why the fast path was not taken.
#[derive(Debug)]
pub(crate) enum NotIndexed {
    /// Reading failed: report it.
    Io(io::Error),
    /// Something needs the exact parser.
    Fallback,
}

impl From<GiveUp> for NotIndexed {
    fn from(_: GiveUp) -> Self {
        Self::Fallback
    }
}

impl From<io::Error> for NotIndexed {
    fn from(error: io::Error) -> Self {
        Self::Io(error)
    }
}

/// Indexes `path`, returning the index and the fingerprint of the file it describes.
pub(crate) fn index_file(
    path: &Path,
    kind: FileKind,
    progress: &Progress,
) -> Result<(IndexedFile, Fingerprint), NotIndexed> {
    let before = Fingerprint::of(path)?;
    let file = match kind {
        FileKind::JsonLines => index_json_lines(path, before.len, progress)?,
        FileKind::Json => {
            index_json_document(crate::files::open_regular(path)?, before.len, progress)?
        }
    };
    // A writer that changed the file while it was read could have given us half of each.
    if Fingerprint::of(path)? != before {
        return Err(NotIndexed::Fallback);
    }
    let mut ids = HashSet::with_capacity(file.places.len());
    if !(0..file.headlines.len()).all(|i| ids.insert(file.headlines.id(i))) {
        return Err(NotIndexed::Fallback);
    }
    drop(ids);
    // Four billion articles in one file would not fit the positions: not a file to index.
    if u32::try_from(file.places.len()).is_err() {
        return Err(NotIndexed::Fallback);
    }
    let mut file = file;
    file.newest_first = file.headlines.newest_first();
    Ok((file, before))
}

/// Indexes the lines of a JSON Lines file from byte `from` (the start of a line) to its end:
/// what a file that only grew gained since it was indexed up to `from`. Line numbers are not
/// known (the lines before were not counted).
pub(crate) fn index_tail(
    path: &Path,
    from: u64,
    progress: &Progress,
) -> Result<(IndexedFile, Fingerprint), NotIndexed> {
    let before = Fingerprint::of(path)?;
    let part = index_line_range(path, from, before.len, progress)?;
    if Fingerprint::of(path)? != before {
        return Err(NotIndexed::Fallback);
    }
    let mut ids = HashSet::with_capacity(part.places.len());
    if !(0..part.headlines.len()).all(|i| ids.insert(part.headlines.id(i))) {
        return Err(NotIndexed::Fallback);
    }
    drop(ids);
    let newest_first = part.headlines.newest_first();
    Ok((
        IndexedFile {
            format: Format::JsonLines,
            name: None,
            headlines: part.headlines,
            places: part.places,
            lines: Vec::new(),
            newest_first,
        },
        before,
    ))
}

fn span(start: u64, len: usize) -> Result<Span, GiveUp> {
    Ok(Span {
        start,
        len: u32::try_from(len).map_err(|_| GiveUp)?,
    })
}

/// JSON Lines split into as many byte ranges as there are cores, each indexed on its own
/// thread; ranges start after a newline, so no line is split.
fn index_json_lines(path: &Path, len: u64, progress: &Progress) -> Result<IndexedFile, NotIndexed> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8) as u64;
    let threads = if len < PARALLEL_FROM { 1 } else { threads };
    let bounds: Vec<u64> = (0..=threads).map(|i| len * i / threads).collect();
    // A small file is read here: starting a thread would cost more than reading it.
    let parts: Vec<Result<IndexedPart, NotIndexed>> = if threads == 1 {
        vec![index_line_range(path, 0, len, progress)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = bounds
                .windows(2)
                .map(|w| (w[0], w[1]))
                .map(|(from, to)| scope.spawn(move || index_line_range(path, from, to, progress)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(NotIndexed::Fallback)))
                .collect()
        })
    };
    let mut whole = IndexedPart::default();
    for part in parts {
        whole.extend(part?)?;
    }
    // Each range counts lines from its own start, so line numbers are exact only for one range;
    // drop them otherwise rather than mislead.
    if threads > 1 {
        whole.lines.clear();
    }
    Ok(IndexedFile {
        format: Format::JsonLines,
        name: None,
        headlines: whole.headlines,
        places: whole.places,
        lines: whole.lines,
        newest_first: Vec::new(),
    })
}

/// Indexes the lines that start in `[from, to)`: a line starting before `from` belongs to the
/// previous range, and the line that starts last runs past `to` if it must.
fn index_line_range(
    path: &Path,
    from: u64,
    to: u64,
    progress: &Progress,
) -> Result<IndexedPart, NotIndexed> {
    let mut file = crate::files::open_regular(path)?;
    // Step back one byte: if it is a newline, a line starts exactly at `from`.
    let mut position = from.saturating_sub(1);
    std::io::Seek::seek(&mut file, io::SeekFrom::Start(position))?;
    let mut part = IndexedPart::default();
    // `buffer[..filled]` holds the file from `position` on; a line longer than the buffer
    // makes it grow.
    let mut buffer = vec![0u8; chunk_for(to - from)];
    let mut filled = 0;
    // Whether the bytes at the start of `buffer` begin a line of this range.
    let mut skipping_partial = from > 0;
    let mut line = 1;
    let mut counted = 0;
    loop {
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        let read = file.read(&mut buffer[filled..])?;
        if read == 0 {
            break;
        }
        filled += read;
        let mut start = 0;
        while let Some(end) = memchr(b'\n', &buffer[start..filled]).map(|i| start + i) {
            let line_start = position + start as u64;
            if skipping_partial {
                skipping_partial = false;
            } else {
                if line_start >= to {
                    return Ok(part);
                }
                add_line(&buffer[start..end], line_start, line, &mut part)?;
                line += 1;
            }
            start = end + 1;
        }
        buffer.copy_within(start..filled, 0);
        filled -= start;
        position += start as u64;
        progress.add(part.places.len() - counted);
        counted = part.places.len();
    }
    // The last line may have no newline.
    if !skipping_partial && filled > 0 && position < to.max(position + 1) {
        add_line(&buffer[..filled], position, line, &mut part)?;
    }
    Ok(part)
}

fn add_line(bytes: &[u8], start: u64, line: u32, part: &mut IndexedPart) -> Result<(), GiveUp> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    if start == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(GiveUp);
    }
    part.add(bytes, start, line, Format::JsonLines)
}

/// Fewer article pieces than this are parsed on the calling thread.
const SMALL_BATCH: usize = 256;

/// Article pieces parsed per batch; bounds the raw bytes held at once.
const BATCH: usize = 4096;

fn index_json_document(
    mut file: File,
    len: u64,
    progress: &Progress,
) -> Result<IndexedFile, NotIndexed> {
    let mut splitter = Splitter::new();
    let mut chunk = vec![0u8; chunk_for(len)];
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    let mut batch: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut whole = IndexedPart::default();
    let mut first = true;
    loop {
        let read = file.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        if first && chunk[..read].starts_with(b"\xEF\xBB\xBF") {
            return Err(NotIndexed::Fallback);
        }
        first = false;
        splitter.feed(&chunk[..read], &mut |piece| match piece {
            Piece::Field { key, raw } => fields.push((key, raw)),
            Piece::Article { offset, raw } => batch.push((offset, raw)),
        })?;
        if batch.len() >= BATCH {
            whole.extend(parse_batch(&batch, guess_format(&splitter))?)?;
            progress.add(batch.len());
            batch.clear();
        }
    }
    splitter.finish()?;
    let format = guess_format(&splitter);
    whole.extend(parse_batch(&batch, format)?)?;
    // The array's key decided how articles were read; the version field must agree.
    let version = field_string(&fields, "version")?;
    let is_feed = version.as_deref().is_some_and(is_json_feed_version);
    if is_feed != (format == Format::JsonFeed)
        || (!splitter.is_bare_array() && splitter.articles_key().is_none())
    {
        return Err(NotIndexed::Fallback);
    }
    // Items without authors of their own have the feed's, and an article read back from its
    // place is read without the rest of the file: such a feed is read whole, its details kept.
    if is_feed
        && fields
            .iter()
            .any(|(key, _)| key == "author" || key == "authors")
    {
        return Err(NotIndexed::Fallback);
    }
    let name = field_string(&fields, if is_feed { "title" } else { "name" })?
        .map(|name| sanitize_line(&name).into_owned())
        .filter(|name| !name.is_empty());
    Ok(IndexedFile {
        format,
        name,
        headlines: whole.headlines,
        places: whole.places,
        // Articles of a JSON document are not counted by line here.
        lines: Vec::new(),
        newest_first: Vec::new(),
    })
}

fn guess_format(splitter: &Splitter) -> Format {
    if splitter.articles_key() == Some(b"items".as_slice()) {
        Format::JsonFeed
    } else {
        Format::Native
    }
}

/// A top-level string field; a field of another type needs the exact parser's message.
fn field_string(fields: &[(String, Vec<u8>)], key: &str) -> Result<Option<String>, GiveUp> {
    match fields.iter().find(|(k, _)| k == key) {
        None => Ok(None),
        Some((_, raw)) => serde_json::from_slice::<Option<String>>(raw).map_err(|_| GiveUp),
    }
}

/// Parses a batch of article pieces on all cores, keeping their order.
fn parse_batch(pieces: &[(u64, Vec<u8>)], format: Format) -> Result<IndexedPart, GiveUp> {
    // A few articles are parsed here: starting threads would cost more than parsing them.
    if pieces.len() < SMALL_BATCH {
        let mut part = IndexedPart::default();
        for (offset, raw) in pieces {
            part.add(raw, *offset, 0, format)?;
        }
        return Ok(part);
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let per_thread = pieces.len().div_ceil(threads).max(1);
    let parts: Vec<Result<IndexedPart, GiveUp>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .chunks(per_thread)
            .map(|pieces| {
                scope.spawn(move || {
                    let mut part = IndexedPart::default();
                    for (offset, raw) in pieces {
                        part.add(raw, *offset, 0, format)?;
                    }
                    Ok(part)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(GiveUp)))
            .collect()
    });
    let mut whole = IndexedPart::default();
    for part in parts {
        whole.extend(part?)?;
    }
    Ok(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::parse::parse_file;

    fn write(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
        let path = dir.path().join("feed.json");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn index(path: &Path) -> Result<IndexedFile, NotIndexed> {
        index_file(path, FileKind::Json, &Progress::default()).map(|(file, _)| file)
    }

    #[test]
    fn feeds_are_indexed_as_the_whole_file_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"{"version": "http://jsonfeed.org/version/1", "title": "Old Feed", "items": [
            {"url": "https://example.org/a", "title": "By URL", "date_modified": "2022-11-16T00:38:15+01:00"},
            {"title": "Dated", "date_published": "2020-01-02"},
            {"attachments": [{"url": "https://example.org/e.mp3", "mime_type": "audio/mpeg"}]}
        ]}"#;
        let path = write(&dir, text);
        let indexed = index(&path).unwrap_or_else(|_| panic!("not indexed"));
        assert_eq!(indexed.format, Format::JsonFeed);
        assert_eq!(indexed.name.as_deref(), Some("Old Feed"));
        let whole = parse_file("feed.json", text.as_bytes(), FileKind::Json);
        let quick: Vec<_> = indexed
            .headlines
            .iter()
            .map(|h| (h.id.to_owned(), h.title.to_owned(), h.published))
            .collect();
        let exact: Vec<_> = whole
            .articles
            .iter()
            .map(|a| (a.id.clone(), a.title.clone(), a.published))
            .collect();
        assert_eq!(quick, exact);
        assert_eq!(quick[0].0, "https://example.org/a");
        assert!(quick[0].2.is_some());
        assert_eq!(quick[2].1, "e.mp3");
    }

    #[test]
    fn a_feed_whose_items_inherit_its_author_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        for top in [
            r#""authors": [{"name": "Desk"}],"#,
            r#""author": {"name": "Desk"},"#,
            // Too big to keep, but still seen.
            &format!(r#""authors": [{{"name": "{}"}}],"#, "x".repeat(70_000)),
        ] {
            let path = write(
                &dir,
                &format!(
                    r#"{{"version": "https://jsonfeed.org/version/1.1", {top} "items": [{{"id": "a", "title": "T"}}]}}"#
                ),
            );
            assert!(
                matches!(index(&path), Err(NotIndexed::Fallback)),
                "{}",
                &top[..top.len().min(40)]
            );
        }
        let path = write(
            &dir,
            r#"{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "a", "title": "T", "authors": [{"name": "Ann"}]}]}"#,
        );
        assert!(
            index(&path).is_ok(),
            "items' own authors are read with the item"
        );
    }

    #[test]
    fn a_name_too_big_to_keep_is_left_to_the_exact_parser() {
        // Taken for absent, it made the indexed store's name differ from the parsed one's.
        let dir = tempfile::tempdir().unwrap();
        let name = "N".repeat(70_000);
        let path = write(
            &dir,
            &format!(r#"{{"name": "{name}", "articles": [{{"id": "a", "title": "T"}}]}}"#),
        );
        assert!(matches!(index(&path), Err(NotIndexed::Fallback)));
    }
}
