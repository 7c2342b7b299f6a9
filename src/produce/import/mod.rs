//! `herald import`: turns a feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed), a Herald store or a saved
//! plain-text page into articles and merges them into a native store file.
//!
//! Split by job: [`detect`] decides what the input is, [`feed`] and [`page`] turn it into
//! [`ImportedArticle`]s (sanitised like all store text), [`merge`] folds them into the existing
//! store without losing anything, and [`write`] replaces the file atomically. This is the only
//! part of Herald that writes a store, and it only ever writes the one named by `--into`.

pub mod body;
pub mod date;
pub mod detect;
pub mod json;
pub mod merge;
pub mod page;
pub mod write;
pub mod xml;

use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::ImportArgs;
use crate::engine::store::source::display_path;
use crate::text::ids::StableHash;

/// One article ready to be written to a native store. Field order is the order they are written
/// in, matching the sample data; absent fields are left out rather than written as `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportedArticle {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Only `true` is written: no feed format can say "not breaking", so an import never clears
    /// a flag that is already in the store.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub breaking: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body's structure (headings, quotes, lists, emphasis, links) as clean HTML, when the
    /// input had more than plain paragraphs. `body` holds the same text, plain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Files the item carries (a podcast's audio): RSS `enclosure`, Atom `rel="enclosure"`,
    /// Media RSS `content`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enclosures: Vec<ImportedEnclosure>,
}

/// One enclosure as a native store writes it: `{"url", "type", "length", "title"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportedEnclosure {
    pub url: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// What one input yielded: its articles, the name it gives itself, and what was skipped.
#[derive(Debug, Default)]
pub struct Imported {
    /// The feed's title (or a store's name), used to name a new store.
    pub name: Option<String>,
    pub articles: Vec<ImportedArticle>,
    /// Items that were skipped or repaired, worded for the user.
    pub warnings: Vec<String>,
}

/// Why an import did nothing. Every variant leaves the target store untouched.
#[derive(Debug)]
pub enum ImportError {
    /// The input could not be read (missing file, closed stdin).
    ReadInput { input: String, error: io::Error },
    /// The input was read but is not something Herald can import.
    Unrecognised { input: String, reason: String },
    /// The target exists but is not a native store Herald can read and rewrite.
    TargetNotStore { target: String, reason: String },
    /// Reading or replacing the target failed.
    Write { target: String, error: io::Error },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadInput { input, error } => write!(f, "cannot read {input}: {error}"),
            Self::Unrecognised { input, reason } => {
                write!(f, "cannot import {input}: {reason}; nothing was written")
            }
            Self::TargetNotStore { target, reason } => write!(
                f,
                "refusing to write {target}: {reason}. It was left unchanged; \
                 choose another file with --into"
            ),
            Self::Write { target, error } => {
                write!(f, "cannot write {target}: {error}; it was left unchanged")
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Options that fill in what the input cannot say.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Name for a new store (an existing store keeps its own).
    pub name: Option<String>,
    /// `source` of every imported article (default: the feed's title).
    pub source: Option<String>,
    /// `section` of every imported article.
    pub section: Option<String>,
}

/// Runs `herald import`: prints a summary per input to `out` and problems to stderr, and
/// returns the exit code (0 when every input was imported, 1 when any wrote nothing). One
/// input that cannot be read never stops the others.
pub fn run(args: &ImportArgs, out: &mut impl Write) -> io::Result<ExitCode> {
    let overrides = Overrides {
        name: args.name.clone(),
        source: args.source.clone(),
        section: args.section.clone(),
    };
    let mut err = io::stderr();
    let (inputs, mut failed) = expand_inputs(&args.files, &args.into, &mut err)?;
    // One input keeps the one-line summary scripts already read; more are each named.
    let several = inputs.len() > 1;
    let stdin = io::stdin();
    for file in &inputs {
        let result = import_file(file, &args.into, &overrides, &mut stdin.lock());
        match result {
            Ok(report) => {
                for warning in &report.warnings {
                    writeln!(err, "herald: warning: {warning}")?;
                }
                if several {
                    writeln!(out, "{}: {}", display_path(file), report.summary())?;
                } else {
                    writeln!(out, "{}", report.summary())?;
                }
            }
            Err(error) => {
                failed = true;
                writeln!(err, "herald: {error}")?;
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The files named, with each folder replaced by the regular files in it (not hidden ones,
/// in name order, not recursing; the store being written is not one of them). A folder that
/// cannot be listed is reported and counts as a failure; the others go on.
fn expand_inputs(
    files: &[std::path::PathBuf],
    into: &Path,
    err: &mut impl Write,
) -> io::Result<(Vec<std::path::PathBuf>, bool)> {
    let mut inputs = Vec::new();
    let mut failed = false;
    let target = std::fs::canonicalize(into).ok();
    for file in files {
        if file.as_os_str() == "-" || !file.is_dir() {
            inputs.push(file.clone());
            continue;
        }
        match std::fs::read_dir(file) {
            Ok(entries) => {
                let mut found: Vec<std::path::PathBuf> = entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| e.path())
                    .filter(|p| target.is_none() || std::fs::canonicalize(p).ok() != target)
                    .collect();
                found.sort();
                if found.is_empty() {
                    writeln!(err, "herald: {} has no files to import", display_path(file))?;
                    failed = true;
                }
                inputs.extend(found);
            }
            Err(error) => {
                writeln!(
                    err,
                    "herald: cannot read the folder {}: {error}",
                    display_path(file)
                )?;
                failed = true;
            }
        }
    }
    Ok((inputs, failed))
}

/// What an import did, for the summary line.
#[derive(Debug)]
pub struct Report {
    pub target: String,
    pub counts: merge::Counts,
    pub warnings: Vec<String>,
}

impl Report {
    /// `Imported 12 articles into news.json: 9 new, 3 updated.`
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let total = c.added + c.updated + c.unchanged;
        let plural = if total == 1 { "" } else { "s" };
        let mut line = format!(
            "Imported {total} article{plural} into {}: {} new, {} updated",
            self.target, c.added, c.updated
        );
        if c.unchanged > 0 {
            line.push_str(&format!(", {} unchanged", c.unchanged));
        }
        line.push('.');
        line
    }
}

/// Imports `file` (`-` reads `stdin`) into the store at `into`. Nothing is written unless the
/// whole input was understood and the target is a store Herald can rewrite.
pub fn import_file(
    file: &Path,
    into: &Path,
    overrides: &Overrides,
    stdin: &mut impl Read,
) -> Result<Report, ImportError> {
    let (input, bytes) = read_input(file, stdin)?;
    import_bytes(&input, &bytes, into, overrides, None)
}

/// How big a store may grow, and which articles may go when it is bigger: given the store's
/// name and an article's id, whether it may be dropped (read and not starred).
pub struct Retention<'a> {
    pub keep: usize,
    pub may_drop: &'a dyn Fn(&str, &str) -> bool,
}

/// Imports `bytes` (named `input` in messages: a file, or a feed's URL) into the store at
/// `into`, trimmed to `retention` if given. Nothing is written unless the whole input was
/// understood and the target is a store Herald can rewrite.
pub fn import_bytes(
    input: &str,
    bytes: &[u8],
    into: &Path,
    overrides: &Overrides,
    retention: Option<&Retention<'_>>,
) -> Result<Report, ImportError> {
    let mut imported = parse_input(input, bytes, overrides)?;
    let target = display_path(into);
    let resolved = write::through_links(into).map_err(|error| ImportError::Write {
        target: target.clone(),
        error,
    })?;
    let into = resolved.as_path();
    // Refuse a target that is not a store before creating anything beside it.
    let first = merge::read_target(into)?;
    let mut existing = first
        .as_ref()
        .map(merge::TargetFile::existing)
        .transpose()?;
    // Two imports into one store at once (two cron jobs) must not both read the old file and
    // each write back only its own additions: hold the store's lock from read to rename.
    let _lock = write::lock_store(into).map_err(|error| ImportError::Write {
        target: target.clone(),
        error,
    })?;
    // Another import may have replaced the file before the lock was ours: read it again
    // unless it is still the file already read.
    let again;
    if !first.as_ref().is_some_and(|file| file.is_still_at(into)) {
        again = merge::read_target(into)?;
        existing = again
            .as_ref()
            .map(merge::TargetFile::existing)
            .transpose()?;
    }
    let existing = existing.unwrap_or_else(|| {
        // A new store: named after the feed unless told otherwise.
        merge::Existing::new_store(
            overrides
                .name
                .clone()
                .or_else(|| imported.name.clone())
                .or_else(|| overrides.source.clone())
                .or_else(|| into.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "News".to_owned()),
        )
    });
    let mut merged = merge::merge(existing, &imported.articles, overrides.name.as_deref());
    if let Some(retention) = retention {
        let name = merged
            .store_name()
            .or_else(|| into.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        merged.trim(retention.keep, |id| (retention.may_drop)(&name, id));
    }
    write::write_atomically(into, |out| merged.write_to(out)).map_err(|error| {
        ImportError::Write {
            target: target.clone(),
            error,
        }
    })?;
    imported.warnings.extend(merged.warnings);
    Ok(Report {
        target,
        counts: merged.counts,
        warnings: imported.warnings,
    })
}

fn read_input(file: &Path, stdin: &mut impl Read) -> Result<(String, Vec<u8>), ImportError> {
    let is_stdin = file.as_os_str() == "-";
    let input = if is_stdin {
        "standard input".to_owned()
    } else {
        display_path(file)
    };
    let mut bytes = Vec::new();
    let result = if is_stdin {
        stdin.read_to_end(&mut bytes).map(|_| ())
    } else {
        // Any readable file, a FIFO too: `herald import <(curl ...)` is a fine way to import.
        std::fs::read(file).map(|b| bytes = b)
    };
    match result {
        Ok(()) => Ok((input, bytes)),
        Err(error) => Err(ImportError::ReadInput { input, error }),
    }
}

/// Detects the input's format and turns it into articles.
pub fn parse_input(
    input: &str,
    bytes: &[u8],
    overrides: &Overrides,
) -> Result<Imported, ImportError> {
    let unrecognised = |reason: String| ImportError::Unrecognised {
        input: input.to_owned(),
        reason,
    };
    // A saved feed may be gzip-compressed, or UTF-16 or UTF-32: undone before the format is
    // told, which reads the first ASCII characters.
    let gunzipped;
    let bytes = if xml::decode::is_gzip(bytes) {
        gunzipped = xml::decode::gunzip(bytes).map_err(unrecognised)?;
        &gunzipped[..]
    } else {
        bytes
    };
    let mut warnings = Vec::new();
    let widened;
    let bytes = match xml::decode::decode_wide(bytes) {
        Some(decoded) => {
            warnings = decoded
                .warnings
                .iter()
                .map(|w| format!("{input}: {w}"))
                .collect();
            widened = decoded.text;
            widened.as_bytes()
        }
        None => bytes,
    };
    let mut imported = match detect::detect(bytes).map_err(unrecognised)? {
        detect::InputFormat::XmlFeed => xml::parse_xml_feed(input, bytes, overrides),
        detect::InputFormat::HeraldJson => json::parse_herald_json(input, bytes, overrides),
        detect::InputFormat::TextPage => page::parse_page(bytes, overrides),
    }
    .map_err(unrecognised)?;
    warnings.append(&mut imported.warnings);
    imported.warnings = warnings;
    Ok(imported)
}

pub use crate::text::ids::slug;

/// The id of last resort, for items with neither an id nor a link: `[source-]date-title`, e.g.
/// `voa-2002-07-28-russian-foreign-minister-arrives-in-north-korea`. Stable across imports of
/// the same item, which is what merging by id needs. When the title has no letters or digits
/// and there is no date, a [`StableHash`] of the title and `text` keeps the id from being empty.
pub fn fallback_id(source: Option<&str>, date: Option<&str>, title: &str, text: &str) -> String {
    let readable: Vec<String> = [
        date.map(|d| d.get(..10).unwrap_or(d).to_owned()),
        Some(slug(title)),
    ]
    .into_iter()
    .flatten()
    .filter(|p| !p.is_empty())
    .collect();
    let mut parts: Vec<String> = source
        .map(slug)
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if readable.is_empty() {
        let hash = StableHash::default().part(title).part(text).finish();
        parts.push(format!("item-{hash:016x}"));
    } else {
        parts.extend(readable);
    }
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(
            slug("Russian Foreign Minister Arrives in North Korea"),
            "russian-foreign-minister-arrives-in-north-korea"
        );
        assert_eq!(slug("  Zürich: 3 Trams, 1 Bus!  "), "zürich-3-trams-1-bus");
        assert_eq!(slug("東京の雪"), "東京の雪");
        assert_eq!(slug("--"), "");
    }

    #[test]
    fn fallback_ids_use_what_is_known() {
        assert_eq!(
            fallback_id(Some("VOA"), Some("2002-07-28"), "A Title", ""),
            "voa-2002-07-28-a-title"
        );
        assert_eq!(
            fallback_id(None, Some("2002-07-28T10:00:00Z"), "A Title", ""),
            "2002-07-28-a-title"
        );
        assert_eq!(fallback_id(None, None, "A Title", ""), "a-title");
        // No letters in the title and no date: still an id, the same one every time.
        let first = fallback_id(None, None, "!!!", "Body.");
        assert!(first.starts_with("item-") && first.len() == 21, "{first}");
        assert_eq!(first, fallback_id(None, None, "!!!", "Body."));
        assert_ne!(first, fallback_id(None, None, "!!!", "Other body."));
        assert!(fallback_id(Some("VOA"), None, "?", "").starts_with("voa-item-"));
    }

    #[test]
    fn summary_counts_and_plurals() {
        let report = Report {
            target: "news.json".to_owned(),
            counts: merge::Counts {
                added: 9,
                updated: 3,
                unchanged: 0,
                dropped: 0,
            },
            warnings: Vec::new(),
        };
        assert_eq!(
            report.summary(),
            "Imported 12 articles into news.json: 9 new, 3 updated."
        );
        let report = Report {
            counts: merge::Counts {
                added: 0,
                updated: 0,
                unchanged: 1,
                dropped: 0,
            },
            ..report
        };
        assert_eq!(
            report.summary(),
            "Imported 1 article into news.json: 0 new, 0 updated, 1 unchanged."
        );
    }
}
