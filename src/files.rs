//! Opening the files Herald reads and writes when anyone may have put something else at the
//! path: a FIFO (an open blocks until a writer comes, a read until it writes), a character
//! device (`/dev/zero` never ends), a folder, or a symlink planted in a shared folder.
//!
//! Every store, state and cache file is opened through here, so "only regular files, and
//! never blocking on the open" holds everywhere by construction, not by each caller's care.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// What is at a path that is not a regular file, in words for a message.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a FIFO (named pipe)"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// The error for a path that holds something other than a regular file. Its kind is
/// `InvalidInput`, so callers can tell it from a missing or unreadable file.
pub fn not_regular(file_type: std::fs::FileType) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}, not a regular file", kind_of(file_type)),
    )
}

/// Opens `path` for reading if, once open, it is a regular file (symlinks are followed: a
/// store may well be a link to one). `O_NONBLOCK` makes the open of a FIFO return at once
/// instead of waiting for a writer; the type is then checked on the open file itself, so
/// nothing can be swapped in between the check and the read.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let file_type = file.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(not_regular(file_type));
    }
    // Regular files ignore O_NONBLOCK, so reads behave as usual.
    Ok(file)
}

/// Opens (creating it if needed, never truncating) a file Herald owns in a folder others may
/// write to: a lock file or similar. `O_NOFOLLOW` refuses a symlink planted at the path, so
/// nobody can make Herald create or open a file elsewhere; `O_NONBLOCK` keeps a FIFO planted
/// there from blocking the open; anything but a regular file is refused.
pub fn open_own(path: &Path) -> io::Result<File> {
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|error| {
            // ELOOP is how O_NOFOLLOW says "that is a symlink".
            // ENXIO is how a write-only, non-blocking open of a FIFO with no reader fails.
            let errno = error.raw_os_error();
            if errno == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a symbolic link, not a regular file; refusing to follow it",
                )
            } else if errno == Some(rustix::io::Errno::NXIO.raw_os_error()) {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a FIFO (named pipe), not a regular file",
                )
            } else {
                error
            }
        })?;
    let file_type = file.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(not_regular(file_type));
    }
    Ok(file)
}

/// Whether `name` is a temporary file one of Herald's atomic writers makes beside its target:
/// `<prefix><random><suffix>`, or `.tmpXXXXXX` (tempfile's default, which earlier versions
/// used). For removing those a writer killed before its rename left behind.
pub fn is_temporary(name: &str, prefix: &str, suffix: &str) -> bool {
    let ours = name.starts_with(prefix) && name.ends_with(suffix);
    let older = name.len() == 10
        && name.starts_with(".tmp")
        && name[4..].bytes().all(|b| b.is_ascii_alphanumeric());
    ours || older
}

/// Makes a FIFO at `path`, for tests of what Herald does when it finds one.
#[cfg(test)]
pub(crate) fn make_fifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .expect("mkfifo");
}

/// Reads the whole of `path` if it is a regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let file = open_regular(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_big(len, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // Bounded even if the file grows while it is read.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// The error for a file over a size limit.
pub fn too_big(len: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "{} is more than the {} Herald reads",
            size_in_words(len),
            size_in_words(limit)
        ),
    )
}

fn size_in_words(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fifo(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("pipe");
        make_fifo(&path);
        path
    }

    #[test]
    fn temporary_names_are_told_from_everything_else() {
        assert!(is_temporary(
            ".state.json.a1B2c3.tmp",
            ".state.json.",
            ".tmp"
        ));
        assert!(is_temporary(".tmpXy12Ab", ".state.json.", ".tmp"));
        assert!(!is_temporary("state.json", ".state.json.", ".tmp"));
        assert!(!is_temporary(".tmp-not-ours", ".state.json.", ".tmp"));
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = fifo(dir.path());
        let error = open_regular(&path).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("FIFO"), "{error}");
        let error = open_own(&path).unwrap_err();
        assert!(error.to_string().contains("FIFO"), "{error}");
    }

    #[test]
    fn devices_and_folders_are_refused() {
        let error = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert!(error.to_string().contains("character device"), "{error}");
        let error = open_regular(Path::new("/")).unwrap_err();
        assert!(error.to_string().contains("folder"), "{error}");
    }

    #[test]
    fn own_files_never_follow_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        let planted = dir.path().join("planted.lock");
        std::os::unix::fs::symlink(&elsewhere, &planted).unwrap();
        let error = open_own(&planted).unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert!(!elsewhere.exists(), "nothing was created through the link");
        // A regular file is opened, and created when missing.
        assert!(open_own(&dir.path().join("real.lock")).is_ok());
        assert!(dir.path().join("real.lock").is_file());
    }

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_regular(&path, 10).unwrap(), b"0123456789");
        let error = read_regular(&path, 9).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::FileTooLarge);
    }
}
