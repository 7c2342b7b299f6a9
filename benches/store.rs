//! Store and reader benchmarks on generated stores of 1k, 10k and 100k articles (~2.5 KB bodies):
//! parsing a whole file (the exact path `herald check` uses), indexing it from disk (the fast
//! path a first start uses), loading it through a warm index cache, searching titles and bodies,
//! sorting the list and finding a scope, drawing one frame of the reader, and answering one key
//! (`update` alone: what the key path costs before the frame).
//!
//! cargo bench --bench store

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benches fail loudly by design.

use std::io::Write;
use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use herald::app::{Action, App, Options, Sort, update};
use herald::engine::scope::Field;
use herald::engine::state::Marks;
use herald::engine::state::Timestamp;
use herald::engine::store::{FileKind, StoreSource, parse_file};
use herald::engine::{Progress, Stores};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// The stores in `sources`, read for reading, with the index cache in `cache` (or none).
fn opened(sources: &[StoreSource], cache: Option<&Path>) -> Stores {
    Stores::new(sources.to_vec()).with_cache(cache.map(Path::to_path_buf))
}

/// Writes a generated store with the gen-store example (built once, release).
fn generate(dir: &Path, articles: usize, format: &str) -> PathBuf {
    generate_with(dir, articles, format, 40)
}

/// [`generate`], one article in `breaking_every` breaking.
fn generate_with(dir: &Path, articles: usize, format: &str, breaking_every: usize) -> PathBuf {
    let path = dir.join(format!("{articles}-{breaking_every}.{format}"));
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--release",
            "--example",
            "gen-store",
            "--",
        ])
        .args(["--articles", &articles.to_string(), "--format", format])
        .args(["--breaking-every", &breaking_every.to_string()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the gen-store example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&path, output.stdout).unwrap();
    path
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let stores: Vec<(usize, PathBuf)> = SIZES
        .iter()
        .map(|&n| (n, generate(dir.path(), n, "jsonl")))
        .collect();

    let mut group = c.benchmark_group("parse_whole_file");
    group.sample_size(10);
    for (articles, path) in &stores {
        let bytes = std::fs::read(path).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(articles), &bytes, |b, bytes| {
            b.iter(|| {
                parse_file("bench", bytes, FileKind::JsonLines)
                    .articles
                    .len()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("index_cold");
    group.sample_size(10);
    for (articles, path) in &stores {
        let sources = [StoreSource::Path(path.clone())];
        group.bench_with_input(
            BenchmarkId::from_parameter(articles),
            &sources,
            |b, sources| b.iter(|| opened(sources, None).open().len()),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("index_warm_cache");
    group.sample_size(10);
    for (articles, path) in &stores {
        let sources = [StoreSource::Path(path.clone())];
        opened(&sources, Some(&cache)).open();
        group.bench_with_input(
            BenchmarkId::from_parameter(articles),
            &sources,
            |b, sources| b.iter(|| opened(sources, Some(&cache)).open().len()),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    for (articles, path) in &stores {
        let library = opened(&[StoreSource::Path(path.clone())], None).open();
        // A word in no article (every body is read and rejected on its raw bytes), and a word in
        // nearly every body (every article is confirmed in its body's raw JSON).
        for (label, word) in [("rare", "zeppelin"), ("common", "harbour")] {
            let words = vec![word.to_owned()];
            group.bench_with_input(BenchmarkId::new(label, articles), &words, |b, words| {
                b.iter(|| {
                    herald::engine::search::matches(&library, words)
                        .iter()
                        .filter(|m| **m)
                        .count()
                })
            });
        }
    }
    group.finish();

    // The sort key on the whole list (a key press: the list rebuilt in the new order, the
    // selection found in it), and a scope's answer: every article's section read from disk
    // (one section in eight matches, so most articles are parsed, not skipped on their bytes).
    let mut group = c.benchmark_group("sort_and_scope");
    group.sample_size(10);
    for (articles, path) in &stores {
        let library = opened(&[StoreSource::Path(path.clone())], None).open();
        let mut app = App::new(
            library.clone(),
            Marks::in_memory(),
            Options::default(),
            (120, 40),
            Vec::new(),
        );
        let mut sorts = [Sort::Title, Sort::Unread, Sort::Store, Sort::Date]
            .into_iter()
            .cycle();
        group.bench_function(BenchmarkId::new("sort_key", articles), |b| {
            b.iter(|| {
                let sort = sorts.next().unwrap_or(Sort::Date);
                update(&mut app, Action::SortBy(sort), Timestamp(0)).len()
            })
        });
        let values = vec!["World".to_owned()];
        group.bench_function(BenchmarkId::new("scope_section", articles), |b| {
            b.iter(|| {
                herald::engine::scope::matches(&library, Field::Section, &values)
                    .iter()
                    .filter(|m| **m)
                    .count()
            })
        });
    }
    group.finish();

    // A reload of 100k articles, one in ten breaking: after one line was appended (only the new
    // line is read) and after the file was touched (read whole, as after a rewrite). Both
    // include announcing the breaking arrivals, one lookup each.
    let mut group = c.benchmark_group("reload_100k_10pc_breaking");
    group.sample_size(10);
    let path = generate_with(dir.path(), 100_000, "jsonl", 10);
    let reloading = opened(&[StoreSource::Path(path.clone())], None);
    let before = reloading.open();
    group.bench_function("appended", |b| {
        b.iter(|| {
            let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
            writeln!(
                file,
                r#"{{"id": "new-{}", "title": "Levee Breaks", "published": "2031-01-01", "breaking": true}}"#,
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
            )
            .unwrap();
            drop(file);
            let reload = reloading.reload(&before, &Progress::default());
            assert!(!reload.arrivals.is_empty());
            reload.library.len()
        })
    });
    group.bench_function("rewritten", |b| {
        b.iter(|| {
            let now = std::time::SystemTime::now();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(now)
                .unwrap();
            reloading
                .reload(&before, &Progress::default())
                .library
                .len()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("render_frame");
    for (articles, path) in &stores {
        let library = opened(&[StoreSource::Path(path.clone())], None).open();
        let app = App::new(
            library,
            Marks::in_memory(),
            Options::default(),
            (120, 40),
            Vec::new(),
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        group.bench_function(BenchmarkId::from_parameter(articles), |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| {
                        herald::present::reader::ui::draw(frame, &app);
                    })
                    .unwrap();
            })
        });
    }
    group.finish();
}

/// One key on a list of 100k articles, one in 40 of them breaking and unread, so the
/// breaking-news banner is up: `update` for `j` then `k` (so the selection never reaches the
/// end), with everything it works out for the picture (the banner, the panes, the scroll).
fn key_press(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = generate(dir.path(), 100_000, "jsonl");
    let library = opened(&[StoreSource::Path(path)], None).open();
    let mut app = App::new(
        library,
        Marks::in_memory(),
        Options::default(),
        (120, 40),
        Vec::new(),
    );
    assert!(app.banner().is_some(), "the banner is up");
    let mut group = c.benchmark_group("key_100k_banner_up");
    group.bench_function("j_then_k", |b| {
        b.iter(|| {
            update(&mut app, Action::Down, Timestamp(0));
            update(&mut app, Action::Up, Timestamp(0)).len()
        })
    });
    group.finish();
}

criterion_group!(store, benches, key_press);
criterion_main!(store);
