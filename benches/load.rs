//! Loading stores of 1k, 10k and 100k generated articles (about 2 KB of body each), from bytes
//! already in memory, so the figure is parsing and indexing, not the disk.
//!
//! cargo bench --bench load

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests and benches fail loudly by design.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use herald::store::{FileKind, parse_file};

fn generate(articles: usize, format: &str) -> Vec<u8> {
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
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the gen-store example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for articles in [1_000, 10_000, 100_000] {
        for (format, kind) in [("jsonl", FileKind::JsonLines), ("json", FileKind::Json)] {
            let bytes = generate(articles, format);
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_with_input(BenchmarkId::new(format, articles), &bytes, |b, bytes| {
                b.iter(|| {
                    let parsed = parse_file("bench", bytes, kind);
                    assert_eq!(parsed.articles.len(), articles);
                    parsed
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
