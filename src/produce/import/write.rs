//! Replacing a store file so that a reader watching it sees the old file or the new one, never
//! half of one, even after a crash or power loss.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Writes what `contents` writes to a temporary file in `path`'s folder, flushes it to disk,
/// renames it over `path` (atomic within one file system, which the same folder guarantees),
/// then flushes the folder so the rename itself survives a crash. An existing file's
/// permissions are kept.
pub fn write_atomically(
    path: &Path,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = folder_of(path)?;
    // A dot-name with no .json extension, so a reader scanning the folder never picks up the
    // temporary file as a store.
    let mut temp = tempfile::Builder::new()
        .prefix(".herald-import-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let mut out = io::BufWriter::with_capacity(1 << 20, temp.as_file_mut());
    contents(&mut out)?;
    out.flush()?;
    drop(out);
    temp.as_file().sync_all()?;
    match std::fs::metadata(path) {
        Ok(metadata) => temp.as_file().set_permissions(metadata.permissions())?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => set_new_file_mode(temp.as_file())?,
        Err(error) => return Err(error),
    }
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Takes an exclusive lock on `.NAME.lock` beside the store (the store itself is replaced by
/// each write, so locking it would not exclude the next writer). The lock is released when the
/// returned file is dropped, also if Herald dies. The lock file is left in place: removing it
/// would race with a writer that has just opened it. Its name starts with a dot and does not
/// end in `.json`, so folder scans never read it as a store.
///
/// Anyone who can write the store's folder could plant a symlink at the lock's name, and an
/// import would then create or lock a file wherever it points: the lock is opened with
/// `O_NOFOLLOW` and must be a regular file (see [`crate::files::open_own`]). The temporary
/// file of [`write_atomically`] is safe the same way by construction: `tempfile` creates it
/// with `O_EXCL` under a random name, which fails on anything already there, links included.
pub fn lock_store(path: &Path) -> io::Result<File> {
    let dir = folder_of(path)?;
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".lock");
    let lock = dir.join(name);
    let file = crate::files::open_own(&lock).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!(
                "its lock file {} is {error}",
                crate::engine::store::source::display_path(&lock)
            ),
        )
    })?;
    file.lock()?;
    Ok(file)
}

/// The file a write to `path` must change. A store reached through a symlink (a dotfiles
/// repository, a shared folder) is written through the link, deliberately: the store is
/// replaced where it really lives and the link stays a link. (Renaming over the link itself
/// put a regular file in its place, and the real store never got the articles.) A link that
/// leads nowhere is refused rather than guessed at.
pub fn through_links(path: &Path) -> io::Result<std::path::PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("it is a symbolic link that leads to no file ({error})"),
                )
            })
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// The folder a store lives in, which must exist: Herald does not create folders for a typo.
fn folder_of(path: &Path) -> io::Result<&Path> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "the folder {} does not exist",
                crate::engine::store::source::display_path(dir)
            ),
        ))
    }
}

/// tempfile creates files readable only by their owner; a new store should be as readable as
/// any file the user saves.
#[cfg(unix)]
fn set_new_file_mode(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_new_file_mode(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Windows cannot open a folder as a file to flush it; its rename is made durable by NTFS's
/// journal instead.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.json");
        write_atomically(&path, |w| w.write_all(b"one")).unwrap();
        write_atomically(&path, |w| w.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["news.json"]);
    }

    #[test]
    fn the_store_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.json");
        let held = lock_store(&path).unwrap();
        let other = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join(".news.json.lock"))
            .unwrap();
        assert!(other.try_lock().is_err(), "a second writer must wait");
        drop(held);
        assert!(other.try_lock().is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.json");
        write_atomically(&path, |w| w.write_all(b"one")).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&path, |w| w.write_all(b"two")).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_atomically(&dir.path().join("no/such/news.json"), |w| w.write_all(b"x"))
            .unwrap_err();
        assert!(error.to_string().contains("does not exist"), "{error}");
    }
}
