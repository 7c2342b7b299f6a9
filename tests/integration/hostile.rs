//! The hostile corpus (`tests/fixtures/hostile/`) through every one-shot output path: no panic,
//! and not one control character from store text reaches stdout or stderr.

use std::path::PathBuf;

fn corpus() -> Vec<PathBuf> {
    let dir = crate::common::root().join("tests/fixtures/hostile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus is incomplete: {files:?}");
    files
}

struct Output {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn herald(args: &[&str]) -> Output {
    let output = crate::common::Sandbox::new().output(args, &[], b"");
    Output {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}

/// Fails unless `bytes` is UTF-8 with no control character other than newline.
fn assert_clean(what: &str, bytes: &[u8]) {
    assert!(!bytes.contains(&0x1b), "{what}: raw ESC in output");
    let text =
        std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: output is not UTF-8: {e}"));
    assert!(
        herald::text::is_inert(text),
        "{what}: control or format characters in {text:?}"
    );
}

fn check_run(what: &str, run: &Output) {
    assert!(
        matches!(run.code, Some(0..=2)),
        "{what}: exit {:?} (a panic exits 101)",
        run.code
    );
    assert_clean(&format!("{what} stdout"), &run.stdout);
    assert_clean(&format!("{what} stderr"), &run.stderr);
}

/// `--json` output too: serde_json writes control characters as `\\u00XX`, and the store's
/// text was cleaned at load, so not even an escaped form of a terminal sequence is left.
#[test]
fn list_check_and_show_stay_clean_on_every_hostile_file() {
    for file in corpus() {
        let path = file.to_str().unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        check_run(&format!("list {name}"), &herald(&["list", path]));
        check_run(&format!("check {name}"), &herald(&["check", path]));
        check_run(
            &format!("list --json {name}"),
            &herald(&["list", "--json", path]),
        );
        for id in ["h1", "h2", "h3", "h4"] {
            check_run(
                &format!("show {id} {name}"),
                &herald(&["show", id, path, "--width", "60"]),
            );
            check_run(
                &format!("show --json {id} {name}"),
                &herald(&["show", id, path, "--json"]),
            );
        }
    }
}

#[test]
fn the_hostile_files_still_yield_their_good_articles_and_precise_errors() {
    let expectations: &[(&str, &[&str])] = &[
        ("csi.json", &["Clear screen", "Title report"]),
        (
            "osc.json",
            &[
                "Window title",
                "Link official site here",
                "Clipboard write",
                "Colours palette",
            ],
        ),
        ("bidi.json", &["invoicegpj.exe", "isolate rtl first"]),
        (
            "zero-width.json",
            &["paypal.com", "softhyphen and mongolian vowel separator"],
        ),
        ("nul.json", &["Nullbyte title"]),
        ("lone-surrogates.json", &["Fine pair 📰 newspaper"]),
        ("huge-body.json", &["One megabyte on one line"]),
        ("deep-field.json", &["Deep extra field"]),
        ("numbers-for-strings.json", &["Numbers elsewhere"]),
        ("truncated.jsonl", &["Complete line"]),
    ];
    let dir = crate::common::root().join("tests/fixtures/hostile");
    for (file, titles) in expectations {
        let run = herald(&["list", dir.join(file).to_str().unwrap()]);
        let stdout = String::from_utf8(run.stdout).unwrap();
        let listed: Vec<&str> = stdout
            .lines()
            .map(|l| l.rsplit("  ").next().unwrap())
            .collect();
        assert_eq!(
            &listed
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            &titles.iter().copied().collect(),
            "{file}"
        );
    }
    let run = herald(&["check", dir.join("truncated.json").to_str().unwrap()]);
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.contains("truncated.json:2:"), "{stdout}");
    assert!(
        stdout.contains("malformed JSON: EOF while parsing"),
        "{stdout}"
    );
}

#[test]
fn a_one_megabyte_line_is_wrapped_not_dumped() {
    let path = crate::common::root().join("tests/fixtures/hostile/huge-body.json");
    let run = herald(&["show", "h1", path.to_str().unwrap(), "--width", "72"]);
    assert_eq!(run.code, Some(0));
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.lines().count() > 10_000);
    assert!(stdout.lines().all(|l| l.chars().count() <= 72));
    let last = stdout.lines().next_back().unwrap();
    assert!(
        last.starts_with("work and no play.") && last.ends_with(" end"),
        "{last:?}"
    );
    assert!(
        !stdout.contains("[2J"),
        "the whole escape sequence is gone, not just its ESC"
    );
}
