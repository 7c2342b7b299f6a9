//! Finding the files that make up the stores a user named: a file, or a folder of files one
//! level deep, or the sample data built into the binary. Lists files; reads and parses nothing.

use std::fs;
use std::path::{Path, PathBuf};

use super::diagnostic::Diagnostic;
use super::parse::FileKind;

/// Where stores come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreSource {
    /// A `.json`/`.jsonl` file or a folder of them.
    Path(PathBuf),
    /// The sample data compiled into the binary.
    Embedded,
}

/// Where a file's bytes are.
#[derive(Clone, Debug)]
pub enum Content {
    /// Built into the binary.
    Embedded(&'static [u8]),
    /// On disk, not read yet: the loader decides how to read it.
    Disk(PathBuf),
}

/// One store file, with what is needed to name its store and report problems.
#[derive(Clone, Debug)]
pub struct FileInput {
    /// How messages refer to the file.
    pub display: String,
    pub kind: FileKind,
    /// The store name for a file that does not name itself: its folder's name when it was found
    /// in a folder, else its file stem.
    pub fallback_name: String,
    pub content: Content,
    /// A store name the user gave this file's source, which wins over the file's own.
    pub store_name: Option<String>,
}

impl FileInput {
    /// The whole file. For files on disk this is the slow path: the loader indexes them in
    /// chunks when it can.
    pub fn read_all(&self) -> Result<std::borrow::Cow<'static, [u8]>, Diagnostic> {
        match &self.content {
            Content::Embedded(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Content::Disk(path) => crate::files::open_regular(path)
                .and_then(|file| super::cores::read_whole(&file))
                .map(std::borrow::Cow::Owned)
                .map_err(|error| self.read_error(&error)),
        }
    }

    /// The file's path, when it is on disk.
    pub fn path(&self) -> Option<PathBuf> {
        match &self.content {
            Content::Disk(path) => Some(path.clone()),
            Content::Embedded(_) => None,
        }
    }

    pub fn read_error(&self, error: &std::io::Error) -> Diagnostic {
        Diagnostic::error(&self.display, format!("cannot read: {}", io_message(error)))
    }
}

/// The folder name the embedded sample files appear under.
pub const SAMPLE_FOLDER: &str = "sample-data";

/// The bundled sample stores, in the order they load. A test checks that this list matches the
/// `sample-data/` folder, so the two cannot drift apart.
pub const SAMPLE_FILES: &[(&str, &[u8])] = &[
    (
        "00-voa.json",
        include_bytes!("../../../sample-data/00-voa.json"),
    ),
    (
        "10-science-desk.json",
        include_bytes!("../../../sample-data/10-science-desk.json"),
    ),
    (
        "20-open-source-weekly.json",
        include_bytes!("../../../sample-data/20-open-source-weekly.json"),
    ),
    (
        "30-wire.jsonl",
        include_bytes!("../../../sample-data/30-wire.jsonl"),
    ),
];

/// The kind of store file a name suggests, or `None` for files a folder scan should skip.
pub fn kind_for(path: &Path) -> Option<FileKind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(FileKind::Json),
        "jsonl" | "ndjson" => Some(FileKind::JsonLines),
        _ => None,
    }
}

/// Lists every file of `source`. Problems (a missing path, an unreadable file, an empty folder)
/// come back as diagnostics next to whatever could be read.
pub fn read_source(source: &StoreSource) -> (Vec<FileInput>, Vec<Diagnostic>) {
    match source {
        StoreSource::Embedded => (embedded_inputs(), Vec::new()),
        StoreSource::Path(path) => read_path(path),
    }
}

fn embedded_inputs() -> Vec<FileInput> {
    SAMPLE_FILES
        .iter()
        .map(|(name, bytes)| FileInput {
            display: format!("{SAMPLE_FOLDER}/{name} (built in)"),
            kind: kind_for(Path::new(name)).unwrap_or(FileKind::Json),
            fallback_name: SAMPLE_FOLDER.to_owned(),
            content: Content::Embedded(bytes),
            store_name: None,
        })
        .collect()
}

/// A path as text that is safe to print: a file name may hold control characters too.
pub fn display_path(path: &Path) -> String {
    crate::text::sanitize_line(&path.to_string_lossy()).into_owned()
}

fn io_message(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

fn read_path(path: &Path) -> (Vec<FileInput>, Vec<Diagnostic>) {
    let display = display_path(path);
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            return (
                Vec::new(),
                vec![Diagnostic::error(
                    &display,
                    format!("cannot open: {}", io_message(&error)),
                )],
            );
        }
    };
    if metadata.is_dir() {
        return read_folder(path, &display);
    }
    // A file named directly is read whatever its extension; JSON is the default guess.
    let kind = kind_for(path).unwrap_or(FileKind::Json);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| display.clone());
    (vec![file_input(path, &display, kind, stem)], Vec::new())
}

fn file_input(path: &Path, display: &str, kind: FileKind, fallback_name: String) -> FileInput {
    FileInput {
        display: display.to_owned(),
        kind,
        fallback_name,
        content: Content::Disk(path.to_path_buf()),
        store_name: None,
    }
}

fn read_folder(path: &Path, display: &str) -> (Vec<FileInput>, Vec<Diagnostic>) {
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(error) => {
            return (
                Vec::new(),
                vec![Diagnostic::error(
                    display,
                    format!("cannot list folder: {}", io_message(&error)),
                )],
            );
        }
    };
    let folder_name = path
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| display.to_owned());
    let mut files: Vec<(PathBuf, FileKind)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.is_file())
        .filter_map(|p| kind_for(&p).map(|kind| (p, kind)))
        .collect();
    // Names decide the order, so stores list the same way on every machine.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    if files.is_empty() {
        return (
            Vec::new(),
            vec![Diagnostic::error(
                display,
                "the folder has no stores (no .json or .jsonl files in it)",
            )],
        );
    }
    // Reading happens at load time, where unreadable files are reported.
    let inputs = files
        .into_iter()
        .map(|(file, kind)| file_input(&file, &display_path(&file), kind, folder_name.clone()))
        .collect();
    (inputs, Vec::new())
}
