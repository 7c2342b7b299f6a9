//! The index cache: a valid entry is used; a stale, corrupt, truncated or foreign-version entry
//! is rebuilt, and the library always shows the store as it is now.

use std::path::{Path, PathBuf};

use herald::engine::article::read;
use herald::engine::store::StoreSource;
use herald::engine::store::cache::{MIN_FILE_SIZE, entry_path};
use herald::engine::{Library, LoadMode, Progress, Stores};

/// Loads `sources` with the index cache in `cache` (or none).
fn load_from(sources: &[StoreSource], mode: LoadMode, cache: Option<&Path>) -> Library {
    Stores::new(sources.to_vec())
        .with_cache(cache.map(Path::to_path_buf))
        .load(mode, &Progress::default())
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: PathBuf,
    cache: PathBuf,
}

/// A JSON Lines store big enough to be cached, whose titles carry `tag`.
fn write_store(path: &Path, tag: &str, articles: usize) {
    let body = "Paragraph text that makes the store big enough to be worth caching. ".repeat(40);
    let mut text = String::new();
    for i in 0..articles {
        text.push_str(&format!(
            "{{\"id\": \"a{i}\", \"title\": \"{tag} headline {i}\", \"published\": \"2020-01-{:02}\", \"breaking\": {}, \"body\": \"{body}{tag}\"}}\n",
            1 + i % 28,
            i % 10 == 0
        ));
    }
    std::fs::write(path, text).unwrap();
    assert!(std::fs::metadata(path).unwrap().len() >= MIN_FILE_SIZE);
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("big.jsonl");
    write_store(&store, "first", 200);
    let cache = dir.path().join("cache");
    Fixture {
        _dir: dir,
        store,
        cache,
    }
}

fn load(f: &Fixture) -> Library {
    load_from(
        &[StoreSource::Path(f.store.clone())],
        LoadMode::Fast,
        Some(&f.cache),
    )
}

fn titles(library: &Library) -> Vec<String> {
    library.headlines().map(|h| h.title.to_owned()).collect()
}

fn entry(f: &Fixture) -> PathBuf {
    entry_path(&f.cache, &f.store)
}

#[test]
fn a_valid_entry_gives_the_same_library_as_parsing() {
    let f = fixture();
    let parsed = load(&f);
    assert!(entry(&f).exists(), "indexing writes a cache entry");
    let written = inode(&entry(&f));
    let cached = load(&f);
    assert_eq!(
        inode(&entry(&f)),
        written,
        "a valid entry is read, not rebuilt and rewritten"
    );
    assert!(cached.headlines().eq(parsed.headlines()));
    assert_eq!(
        read::article(&cached, 5).detail.body,
        read::article(&parsed, 5).detail.body
    );
    assert!(read::article(&cached, 5).detail.body.ends_with("first"));
}

/// Entries are replaced by rename, so a rewritten entry has a new inode.
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn a_stale_entry_is_rebuilt() {
    let f = fixture();
    load(&f);
    write_store(&f.store, "second", 250);
    let library = load(&f);
    assert_eq!(library.len(), 250);
    assert!(titles(&library).iter().all(|t| t.starts_with("second")));
    assert!(read::article(&library, 3).detail.body.ends_with("second"));
}

#[test]
fn corrupt_and_truncated_entries_are_rebuilt() {
    let f = fixture();
    let expected = titles(&load(&f));
    let good = std::fs::read(entry(&f)).unwrap();
    for broken in [
        b"garbage".to_vec(),
        Vec::new(),
        good[..good.len() / 2].to_vec(),
        good[..good.len() - 1].to_vec(),
        {
            let mut b = good.clone();
            b[40] ^= 0xff;
            b
        },
    ] {
        std::fs::write(entry(&f), &broken).unwrap();
        assert_eq!(titles(&load(&f)), expected);
        assert_eq!(
            std::fs::read(entry(&f)).unwrap(),
            good,
            "the entry is rewritten"
        );
    }
}

#[test]
fn an_entry_of_another_version_is_ignored() {
    let f = fixture();
    let expected = titles(&load(&f));
    let mut bytes = std::fs::read(entry(&f)).unwrap();
    // The format version follows the 8-byte magic.
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(entry(&f), &bytes).unwrap();
    assert_eq!(titles(&load(&f)), expected);
}

#[test]
fn an_article_read_after_the_store_changed_says_so_instead_of_showing_another() {
    let f = fixture();
    let library = load(&f);
    write_store(&f.store, "third", 200);
    let detail = read::article(&library, 7).detail;
    assert!(
        detail.body.contains("changed since Herald loaded it"),
        "{}",
        detail.body
    );
    assert!(!detail.body.contains("third"));
}

#[test]
fn newest_first_is_the_same_from_an_index_its_cache_and_a_full_parse() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("news");
    std::fs::create_dir(&folder).unwrap();
    write_store(&folder.join("one.jsonl"), "one", 200);
    // The second file repeats some ids of the first (skipped as duplicates) and has dates of
    // its own, so the library's order is a merge of two indexed orders with holes in one.
    write_store(&folder.join("two.jsonl"), "two", 260);
    let cache = dir.path().join("cache");
    let sources = [StoreSource::Path(folder)];
    let order_of = |library: &Library| -> Vec<(String, Option<String>)> {
        library
            .newest_first()
            .iter()
            .map(|&i| {
                let h = library.headline(i);
                (h.title.to_owned(), h.published.map(|d| d.iso_date()))
            })
            .collect()
    };
    let indexed = load_from(&sources, LoadMode::Fast, Some(&cache));
    let cached = load_from(&sources, LoadMode::Fast, Some(&cache));
    let parsed = load_from(&sources, LoadMode::Thorough, None);
    assert_eq!(indexed.len(), 260);
    assert_eq!(order_of(&indexed), order_of(&parsed));
    assert_eq!(order_of(&cached), order_of(&parsed));
    let dates: Vec<_> = order_of(&parsed).into_iter().map(|(_, d)| d).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
}

#[test]
fn duplicates_across_many_files_of_a_store_are_each_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("desk");
    std::fs::create_dir(&folder).unwrap();
    let line = |id: &str| format!("{{\"id\": \"{id}\", \"title\": \"Title {id}\"}}\n");
    // a1 is in every file, a2 in the first two, a3 in the last two; a `.json` file takes the
    // exact parser's path when it has a problem, here a bad date.
    std::fs::write(folder.join("1.jsonl"), line("a1") + &line("a2")).unwrap();
    std::fs::write(
        folder.join("2.jsonl"),
        line("a1") + &line("a2") + &line("a3"),
    )
    .unwrap();
    std::fs::write(
        folder.join("3.json"),
        r#"[{"id": "a1", "title": "T"}, {"id": "a3", "title": "T"}, {"id": "a4", "title": "T", "published": "soon"}]"#,
    )
    .unwrap();
    let library = load_from(&[StoreSource::Path(folder)], LoadMode::Fast, None);
    let mut ids: Vec<&str> = library.headlines().map(|h| h.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["a1", "a2", "a3", "a4"]);
    let duplicates = library
        .diagnostics()
        .iter()
        .filter(|d| d.to_string().contains("duplicate id"))
        .count();
    assert_eq!(duplicates, 4, "{:?}", library.diagnostics());
}

/// A writer killed between making its temporary entry and renaming it leaves the temporary
/// file behind; the next write of an entry removes those that are clearly abandoned, and
/// leaves one that may still be in use (a writer at work right now) alone.
#[test]
fn temporary_entries_left_by_a_killed_writer_are_removed() {
    let f = fixture();
    load(&f);
    let folder = entry(&f).parent().unwrap().to_path_buf();
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let stale = [folder.join(".entry-k1ll3d.tmp"), folder.join(".tmpAb12Cd")];
    for path in &stale {
        std::fs::write(path, b"half an entry").unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(an_hour_ago).unwrap();
    }
    let fresh = folder.join(".entry-w0rk1n.tmp");
    std::fs::write(&fresh, b"being written").unwrap();
    // The store changes, so its entry is written again.
    write_store(&f.store, "again", 210);
    assert_eq!(load(&f).len(), 210);
    for path in &stale {
        assert!(!path.exists(), "{} is gone", path.display());
    }
    assert!(fresh.exists(), "a temporary entry in use stays");
}
