//! Work on a whole store file split over the machine's cores: reading it, and parsing its
//! articles, which are independent of each other. `herald check` and `herald import` of a big
//! store were one core's work, waiting on one `read` that faulted in every page by itself.

use std::fs::File;
use std::io::{self, Read, Seek};

/// At most this many threads: past it, the memory bus is the limit, not the cores.
const MAX_THREADS: usize = 8;

/// Files smaller than this are read with one `read`: threads cost more than they save.
const PARALLEL_READ_FROM: u64 = 16 << 20;

/// The largest store file read whole (by `check`, `import` and the exact parser): 16 GiB.
/// The reader's index reads bigger ones in pieces; past this, a file is far more likely to
/// be sparse or mistaken than a store.
pub const MAX_WHOLE_READ: u64 = 16 << 30;

/// Fewer items than this are parsed on the calling thread.
const PARALLEL_PARSE_FROM: usize = 256;

fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
}

/// The whole of `file`, from its start, as [`std::fs::read`] gives it. A big file is read in
/// as many pieces as there are cores, each into its own part of one buffer, so the kernel's
/// copies and the page faults of a fresh buffer run in parallel. A file that grows while it is
/// read is read to its new end; one that shrinks is read again in one go.
///
/// The file must be a regular one (see [`crate::files::open_regular`]): a device never ends.
/// Files over [`MAX_WHOLE_READ`] are refused, and the buffer is reserved fallibly, so a sparse
/// file that claims terabytes is an error for that file, never an abort of Herald.
pub fn read_whole(file: &File) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    let threads = threads();
    if len > MAX_WHOLE_READ {
        return Err(crate::files::too_big(len, MAX_WHOLE_READ));
    }
    let Ok(size) = usize::try_from(len) else {
        return Err(io::Error::new(
            io::ErrorKind::OutOfMemory,
            "the file is larger than this machine can address",
        ));
    };
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(size).map_err(|_| {
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            format!("there is not enough memory to read all {size} bytes of it"),
        )
    })?;
    if threads == 1 || len < PARALLEL_READ_FROM {
        return read_from_start(file, bytes);
    }
    bytes.resize(size, 0);
    let piece = size.div_ceil(threads);
    let read = std::thread::scope(|scope| {
        let handles: Vec<_> = bytes
            .chunks_mut(piece)
            .enumerate()
            .map(|(i, part)| scope.spawn(move || read_exact_at(file, part, (i * piece) as u64)))
            .collect();
        handles.into_iter().try_for_each(|handle| {
            handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    });
    match read {
        Ok(()) => {
            // Whatever was appended after the length was taken.
            let mut rest = file;
            rest.seek(io::SeekFrom::Start(len))?;
            rest.read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        // Truncated meanwhile: read what is there now.
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
            bytes.clear();
            read_from_start(file, bytes)
        }
        Err(error) => Err(error),
    }
}

/// Reads the file from its start into `bytes` (empty, with room reserved), no further than
/// [`MAX_WHOLE_READ`] even if it grows meanwhile.
fn read_from_start(mut file: &File, mut bytes: Vec<u8>) -> io::Result<Vec<u8>> {
    file.seek(io::SeekFrom::Start(0))?;
    file.take(MAX_WHOLE_READ + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_WHOLE_READ {
        return Err(crate::files::too_big(bytes.len() as u64, MAX_WHOLE_READ));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// `parse` of every item, in order, on up to as many threads as there are cores.
pub fn on_all_cores<I: Sync, T: Send>(items: &[I], parse: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let threads = threads();
    if threads == 1 || items.len() < PARALLEL_PARSE_FROM {
        return items.iter().map(parse).collect();
    }
    let parse = &parse;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|chunk| scope.spawn(move || chunk.iter().map(parse).collect::<Vec<T>>()))
            .collect();
        handles
            .into_iter()
            // Parsing does not panic; if it ever did, re-raise rather than lose articles.
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_file_reads_exactly_as_std_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        // Not a multiple of any thread count, so the last piece is short.
        let bytes: Vec<u8> = (0..(PARALLEL_READ_FROM as usize + 12_345))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(&path, &bytes).unwrap();
        let read = |path: &std::path::Path| read_whole(&File::open(path).unwrap()).unwrap();
        assert_eq!(read(&path), bytes);
        std::fs::write(&path, b"small").unwrap();
        assert_eq!(read(&path), b"small");
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<usize> = (0..10_000).collect();
        let doubled = on_all_cores(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
