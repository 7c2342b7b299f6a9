//! The one-shot commands (`list`, `show`, `check`) and store loading, through the real binary.
//! Every run gets empty XDG folders so no test reads or writes the user's own files.

use crate::common::sandbox::herald;
use crate::common::{Sandbox as Home, fixture, root};

const SEED_ID: &str = "voa-2002-07-28-ivanov-pyongyang";
const SEED_TITLE: &str = "Russian Foreign Minister Arrives in North Korea";

fn seed_paragraphs() -> Vec<String> {
    let seed =
        std::fs::read_to_string(root().join(fixture("seed-000_383c81adaeb783af.txt"))).unwrap();
    // The saved page: navigation lines, the banner, "Title - date", then the paragraphs.
    seed.split("\n\n")
        .skip(3)
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn with_no_store_the_built_in_sample_opens_and_says_so() {
    let run = herald(&["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("showing the sample data built into Herald"),
        "{}",
        run.stderr
    );
    let seed_line = run
        .stdout
        .lines()
        .find(|l| l.contains(SEED_TITLE))
        .expect("seed article listed");
    assert!(
        seed_line.starts_with("2002-07-28  BREAKING  VOA"),
        "{seed_line}"
    );
}

#[test]
fn list_is_newest_first_with_undated_articles_last() {
    let run = herald(&["list", "sample-data"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "sample data must load cleanly: {}",
        run.stderr
    );
    let dates: Vec<&str> = run.stdout.lines().map(|l| &l[..10]).collect();
    assert!(dates.len() >= 45, "{} articles", dates.len());
    assert_eq!(*dates.last().unwrap(), "----------");
    let dated = &dates[..dates.len() - 1];
    assert!(
        dated.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {dated:?}"
    );
}

#[test]
fn show_prints_the_seed_article_with_all_nine_paragraphs() {
    let run = herald(&["show", SEED_ID, "--width", "60000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "BREAKING NEWS");
    assert_eq!(lines[1], SEED_TITLE);
    assert_eq!(lines[2], "2002-07-28, VOA, Asia");
    let body: Vec<&str> = lines[4..]
        .iter()
        .copied()
        .filter(|l| !l.is_empty())
        .collect();
    let expected = seed_paragraphs();
    assert_eq!(expected.len(), 9);
    assert_eq!(body, expected);
}

#[test]
fn show_wraps_to_the_width_asked_for() {
    let run = herald(&["show", SEED_ID, "--width", "40"]);
    assert_eq!(run.code, 0);
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 40, "{line:?}");
    }
    assert!(run.stdout.lines().count() > 30);
}

#[test]
fn show_of_an_unknown_id_fails_with_a_hint() {
    let run = herald(&["show", "no-such-id"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no article with id \"no-such-id\""),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(herald(&["show"]).code, 2);
    assert_eq!(herald(&["list", "--bogus"]).code, 2);
    assert_eq!(herald(&["show", SEED_ID, "--width", "3"]).code, 2);
}

#[test]
fn check_is_clean_on_the_sample_data() {
    let run = herald(&["check", "sample-data"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("No problems found."));
    assert!(run.stdout.contains("VOA: 11 articles"), "{}", run.stdout);
}

#[test]
fn check_reports_every_bad_input_with_its_position_and_exits_1() {
    let run = herald(&["check", &fixture("bad"), &fixture("good")]);
    assert_eq!(run.code, 1);
    let expected = [
        "tests/fixtures/bad/malformed.json:5:46: error: malformed JSON: expected `,` or `}`",
        "tests/fixtures/bad/empty.json: error: the file is empty",
        "tests/fixtures/bad/missing-fields.json:5:5: warning: article 2 skipped: missing required field `id`",
        "tests/fixtures/bad/missing-fields.json:6:5: warning: article 3 (id \"no-title\") skipped: missing required field `title`",
        "tests/fixtures/bad/missing-fields.json:7:5: warning: article 4 skipped: `id` must be a string, not a number",
        "tests/fixtures/bad/missing-fields.json:8:5: warning: article 5 (id \"good-2\"): `published` is not a date",
        "tests/fixtures/bad/duplicate-ids.jsonl:3: warning: duplicate id \"same\"",
        "tests/fixtures/bad/invalid-utf8.json:1:32: warning: invalid UTF-8 (byte 0xE9)",
    ];
    for line in expected {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(line)),
            "missing {line:?} in:\n{}",
            run.stdout
        );
    }
    // The good store beside the bad ones loads whole.
    assert!(
        run.stdout.contains("Good Desk: 2 articles"),
        "{}",
        run.stdout
    );
}

#[test]
fn one_malformed_store_never_hides_the_others() {
    let run = herald(&[
        "list",
        &fixture("bad/malformed.json"),
        &fixture("good/desk.json"),
    ]);
    assert_eq!(run.code, 1, "a store that failed to load is an error");
    assert!(
        run.stderr.contains("malformed.json:5:46: error"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Harbour Reopens After Storm"));
    assert!(
        run.stdout
            .contains("BREAKING  Good Desk  Flood Warning Lifted"),
        "{}",
        run.stdout
    );
}

#[test]
fn skipped_articles_leave_the_good_ones_listed() {
    let run = herald(&["list", &fixture("bad/missing-fields.json")]);
    assert_eq!(run.code, 0, "warnings alone are not a failure for list");
    let titles: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split("Patchy Desk  ").nth(1).unwrap())
        .collect();
    assert_eq!(titles, ["A good article", "Another good article"]);
}

#[test]
fn byte_order_mark_and_invalid_utf8_still_load() {
    let run = herald(&[
        "list",
        &fixture("bad/bom.json"),
        &fixture("bad/invalid-utf8.json"),
    ]);
    assert!(
        run.stdout
            .contains("Saved by an editor that writes a byte-order mark")
    );
    assert!(run.stdout.contains("Caf\u{FFFD} opens on the square"));
}

#[test]
fn missing_paths_and_empty_folders_are_explained() {
    let run = herald(&["check", "no/such/store.json", &fixture("bad/empty-folder")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("no/such/store.json: error: cannot open: no such file or folder"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "empty-folder: error: the folder has no stores (no .json or .jsonl files in it)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn hostile_text_never_reaches_the_output() {
    for args in [
        vec!["list", "tests/fixtures/bad/hostile.json"],
        vec!["check", "tests/fixtures/bad/hostile.json"],
        vec!["show", "h1", "tests/fixtures/bad/hostile.json"],
    ] {
        let run = herald(&args);
        for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                herald::text::is_inert(text),
                "{args:?} {name} holds control characters: {text:?}"
            );
        }
    }
    let run = herald(&["show", "h1", "tests/fixtures/bad/hostile.json"]);
    assert!(run.stdout.contains("Click here now"), "{}", run.stdout);
    assert!(run.stdout.contains("Para one red."));
}

#[test]
fn a_fifty_megabyte_line_loads() {
    let dir = tempfile::tempdir().unwrap();
    let big_body = "word ".repeat(10 * 1024 * 1024);
    let line =
        format!("{{\"id\": \"big\", \"title\": \"A very long body\", \"body\": \"{big_body}\"}}\n");
    assert!(line.len() > 50_000_000);
    let path = dir.path().join("big.jsonl");
    std::fs::write(
        &path,
        format!("{line}{{\"id\": \"small\", \"title\": \"Small one\"}}\n"),
    )
    .unwrap();
    let run = herald(&["list", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("A very long body"));
    assert!(run.stdout.contains("Small one"));
}

#[test]
fn the_stores_folder_in_the_data_directory_is_the_default() {
    let home = Home::new();
    let stores = home.data().join("herald").join("stores");
    std::fs::create_dir_all(&stores).unwrap();
    std::fs::copy(fixture("good/desk.json"), stores.join("desk.json")).unwrap();
    let run = home.herald(&["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2);
    assert!(run.stdout.contains("Good Desk"));
}

#[test]
fn stores_listed_in_the_config_file_come_first() {
    let home = Home::new();
    let config = home.config().join("herald");
    std::fs::create_dir_all(&config).unwrap();
    let store = root().join(fixture("good/desk.json"));
    std::fs::write(
        config.join("config.toml"),
        format!("stores = [{:?}]\n", store.to_str().unwrap()),
    )
    .unwrap();
    let run = home.herald(&["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn a_broken_config_is_reported_and_ignored() {
    let home = Home::new();
    let config = home.config().join("herald");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "stores = [\n").unwrap();
    let run = home.herald(&["list"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("config.toml:"), "{}", run.stderr);
    assert!(run.stderr.contains("not valid TOML"), "{}", run.stderr);
    assert!(run.stdout.contains(SEED_TITLE));
}

#[test]
fn the_default_config_file_checks_clean_and_changes_nothing() {
    let home = Home::new();
    let run = home.herald(&["config", "--default"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("#theme = \"default\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("#down = [\"j\", \"Down\"]"),
        "{}",
        run.stdout
    );
    let dir = home.config().join("herald");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(&file, &run.stdout).unwrap();
    let check = home.herald(&["config"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(check.stderr, "");
    assert!(
        check.stdout.ends_with("config.toml: OK\n"),
        "{}",
        check.stdout
    );
}

#[test]
fn herald_config_reports_each_bad_setting_and_exits_1() {
    let home = Home::new();
    let file = home.config().join("mine.toml");
    std::fs::create_dir_all(home.config()).unwrap();
    std::fs::write(
        &file,
        "theme = \"purple\"\nstatus_bar = false\n[keys]\ndown = [\"x\", \"Hyper-j\"]\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    // --config works before and after the subcommand.
    for args in [["--config", path, "config"], ["config", "--config", path]] {
        let run = home.herald(&args);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{}", run.stderr);
        assert!(lines[0].starts_with(&format!("herald: {path}:1:9: theme = \"purple\"")));
        assert!(lines[1].starts_with(&format!("herald: {path}:4:14: [keys] down: \"Hyper-j\"")));
        assert!(run.stdout.contains("2 problems"), "{}", run.stdout);
    }
}

#[test]
fn a_store_table_names_the_store() {
    let home = Home::new();
    let dir = home.config().join("herald");
    std::fs::create_dir_all(&dir).unwrap();
    let store = root().join(fixture("good/desk.json"));
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[[store]]\npath = {:?}\nname = \"My Desk\"\n",
            store.to_str().unwrap()
        ),
    )
    .unwrap();
    let run = home.herald(&["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(
        run.stdout.lines().all(|l| l.contains("  My Desk  ")),
        "{}",
        run.stdout
    );
}

#[test]
fn output_to_a_closed_pipe_exits_quietly() {
    use std::io::Read;
    let mut child = Home::new()
        .command(crate::common::HERALD)
        .args(["list", "sample-data"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn layout_takes_auto_side_or_stacked_and_nothing_else() {
    use clap::Parser;
    use herald::app::options::PaneLayout;
    use herald::cli::Cli;
    for (name, layout) in [
        ("auto", PaneLayout::Auto),
        ("side", PaneLayout::Side),
        ("stacked", PaneLayout::Stacked),
    ] {
        let cli = Cli::try_parse_from(["herald", "--layout", name]).expect("parses");
        assert_eq!(cli.read.reader_flags().layout, Some(layout));
    }
    let cli = Cli::try_parse_from(["herald"]).expect("parses");
    assert_eq!(cli.read.reader_flags().layout, None);
    let error = Cli::try_parse_from(["herald", "--layout", "sideways"]).expect_err("rejected");
    assert!(error.to_string().contains("stacked"), "{error}");
}
