//! The index cache: a store file's headlines and spans, saved after indexing so the next start
//! reads a compact file instead of parsing the store again.
//!
//! An entry is used only when everything about it checks out: format version, the store file's
//! path, size and modification time, and a checksum over the entry (so a truncated or corrupt
//! entry is rebuilt, never trusted). Opening an article also checks that the id at the cached
//! span is the one expected, so even a store rewritten within the same second at the same size
//! cannot show the wrong article. Entries are replaced atomically; the cache only ever holds
//! what can be rebuilt.

use std::path::{Path, PathBuf};

use super::index::{Fingerprint, IndexedArticle, IndexedFile, Span};
use super::parse::{Format, HeadlineFields};
use crate::text::Published;

const MAGIC: &[u8; 8] = b"HERALDIX";
/// Bump when the layout changes: old entries are then rebuilt, not misread.
const VERSION: u32 = 1;
/// Smaller store files are parsed faster than a cache entry is checked and read.
pub const MIN_FILE_SIZE: u64 = 256 * 1024;

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
    let bytes = std::fs::read(entry_path(cache_dir, store)).ok()?;
    decode(&bytes, &key_of(store), fingerprint)
}

/// Saves the index of `store`; failures are ignored (the cache is an optimisation).
pub(crate) fn save(cache_dir: &Path, store: &Path, fingerprint: Fingerprint, file: &IndexedFile) {
    let path = entry_path(cache_dir, store);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let bytes = encode(&key_of(store), fingerprint, file);
    if let Ok(mut temp) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write;
        if temp.write_all(&bytes).is_ok() {
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

/// A fast 64-bit checksum (FNV-1a over 8-byte words); detects truncation and corruption, not
/// tampering, which is all a cache of rebuildable data needs.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut array = [0u8; 8];
        array.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(array)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &byte in words.remainder() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^ bytes.len() as u64
}

fn encode(key: &str, fingerprint: Fingerprint, file: &IndexedFile) -> Vec<u8> {
    let mut out = Writer(Vec::with_capacity(64 + file.articles.len() * 128));
    out.0.extend_from_slice(MAGIC);
    out.u32(VERSION);
    out.str(key);
    out.u64(fingerprint.len);
    out.0
        .extend_from_slice(&fingerprint.modified_nanos.to_le_bytes());
    out.0.push(match file.format {
        Format::Native => 0,
        Format::JsonFeed => 1,
        Format::JsonLines => 2,
    });
    out.opt_str(file.name.as_deref());
    out.u64(file.articles.len() as u64);
    for article in &file.articles {
        let fields = &article.fields;
        out.str(&fields.id);
        out.str(&fields.title);
        match fields.published {
            None => out.0.push(0),
            Some(date) => {
                out.0.push(1);
                out.0.extend_from_slice(&date.year.to_le_bytes());
                out.0.push(date.month);
                out.0.push(date.day);
                out.0.extend_from_slice(&date.instant.to_le_bytes());
            }
        }
        out.0.push(u8::from(fields.breaking));
        out.opt_str(fields.source.as_deref());
        out.u64(article.span.start);
        out.u32(article.span.len);
        out.u64(article.line as u64);
    }
    let sum = checksum(&out.0);
    out.u64(sum);
    out.0
}

fn decode(bytes: &[u8], key: &str, fingerprint: Fingerprint) -> Option<IndexedFile> {
    let body_len = bytes.len().checked_sub(8)?;
    let mut tail = Reader(&bytes[body_len..]);
    if tail.u64()? != checksum(&bytes[..body_len]) {
        return None;
    }
    let mut input = Reader(&bytes[..body_len]);
    if input.take(8)? != MAGIC || input.u32()? != VERSION || input.str()? != key {
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
    // Each article takes at least 30 bytes: a count larger than that is corrupt.
    if count > input.0.len() / 30 + 1 {
        return None;
    }
    let mut articles = Vec::with_capacity(count);
    for _ in 0..count {
        // Never trust the cache with what reaches the terminal: it is checked like store text.
        let id = inert(input.str()?)?;
        let title = inert(input.str()?)?;
        let published = match input.u8()? {
            0 => None,
            1 => {
                let year = i32::from_le_bytes(input.take(4)?.try_into().ok()?);
                let month = input.u8()?;
                let day = input.u8()?;
                let instant = i64::from_le_bytes(input.take(8)?.try_into().ok()?);
                Some(Published {
                    year,
                    month,
                    day,
                    instant,
                })
            }
            _ => return None,
        };
        let breaking = input.u8()? == 1;
        let source = match input.opt_str()? {
            None => None,
            Some(text) => Some(inert(&text)?),
        };
        let span = Span {
            start: input.u64()?,
            len: input.u32()?,
        };
        let line = usize::try_from(input.u64()?).ok()?;
        articles.push(IndexedArticle {
            fields: HeadlineFields {
                id,
                title,
                published,
                breaking,
                source,
                tags: Vec::new(),
            },
            span,
            line,
        });
    }
    input.0.is_empty().then_some(IndexedFile {
        format,
        name,
        articles,
    })
}

fn inert(text: &str) -> Option<String> {
    crate::text::is_inert(text).then(|| text.to_owned())
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
}
