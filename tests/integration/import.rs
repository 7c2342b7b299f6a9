//! `herald import`, `completions`, `man` and `--version` through the real binary. Every run gets
//! empty XDG folders and its own temporary folder for stores, so no test touches the user's
//! files or another test's.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::sandbox::Run;

/// A sandbox with a store in it, `news.json`.
struct Sandbox {
    home: crate::common::Sandbox,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            home: crate::common::Sandbox::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path(name)
    }

    fn store(&self) -> String {
        self.path("news.json").to_string_lossy().into_owned()
    }

    fn herald_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        self.home.herald_with(args, &[], stdin)
    }

    fn herald(&self, args: &[&str]) -> Run {
        self.herald_with_stdin(args, None)
    }

    fn import(&self, file: &str, extra: &[&str]) -> Run {
        let store = self.store();
        let mut args = vec!["import", file, "--into", &store];
        args.extend_from_slice(extra);
        self.herald(&args)
    }

    fn read_store(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.store()).unwrap()).unwrap()
    }

    fn ids(&self) -> Vec<String> {
        self.read_store()["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn feed(name: &str) -> String {
    format!("tests/fixtures/feeds/{name}")
}

const SEED: &str = "tests/fixtures/seed-000_383c81adaeb783af.txt";

fn manifest_file(path: &str) -> String {
    std::fs::read_to_string(crate::common::root().join(path)).unwrap()
}

#[test]
fn rss2_import_creates_a_store_that_list_and_show_read() {
    let sandbox = Sandbox::new();
    let run = sandbox.import(&feed("rss2.xml"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        format!(
            "Imported 2 articles into {}: 2 new, 0 updated.",
            sandbox.store()
        )
    );
    let store = sandbox.read_store();
    assert_eq!(store["name"], "Harbour Gazette", "named after the feed");
    assert_eq!(
        sandbox.ids(),
        [
            "gazette-2024-03-02-ferry",
            "https://example.org/gazette/2024/03/market"
        ]
    );
    let ferry = &store["articles"][0];
    assert_eq!(ferry["breaking"], true);
    assert_eq!(ferry["author"], "Mara Lind");
    // As the feed wrote it (`Sat, 02 Mar 2024 18:15:00 +0100`): its offset decides the day.
    assert_eq!(ferry["published"], "2024-03-02T18:15:00+01:00");
    // The body is plain text; the link (and any other structure) is kept in `html`.
    let body = ferry["body"].as_str().unwrap();
    assert!(
        !body.contains("<p>") && !body.contains("https://"),
        "{body}"
    );
    assert!(body.contains("\n\n"), "paragraphs kept: {body}");
    let html = ferry["html"].as_str().unwrap();
    assert!(
        html.contains("<a href=\"https://example.org/gazette/ferry-times\">"),
        "{html}"
    );

    let list = sandbox.herald(&["list", &sandbox.store()]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout
            .contains("2024-03-02  BREAKING  Harbour Gazette  Night Ferry to Eastmarsh"),
        "{}",
        list.stdout
    );
    let show = sandbox.herald(&["show", "gazette-2024-03-02-ferry", &sandbox.store()]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.starts_with("BREAKING NEWS\n"),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains("three weeks"), "{}", show.stdout);
    // The link is marked where it is in the text and listed, numbered, at the end.
    assert!(
        show.stdout.contains("harbour website[1]")
            && show
                .stdout
                .contains("Links:\n[1] https://example.org/gazette/ferry-times"),
        "{}",
        show.stdout
    );
    let check = sandbox.herald(&["check", &sandbox.store()]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn rss1_atom_and_json_feed_import_into_one_store() {
    let sandbox = Sandbox::new();
    for name in ["rss1.rdf", "atom.xml", "jsonfeed.json"] {
        let run = sandbox.import(&feed(name), &[]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    }
    let store = sandbox.read_store();
    assert_eq!(store["name"], "Valley Almanac", "the first import named it");
    assert_eq!(
        sandbox.ids(),
        [
            "https://example.org/almanac/frost",
            "https://example.org/almanac/swallows",
            "tag:example.org,2025:comet-lumen",
            "crateyard-2025-11-03-uploads",
            "crateyard-2025-11-01-mirror",
        ]
    );
    let comet = &store["articles"][2];
    assert_eq!(comet["title"], "Comet Lumen & Its Twin Tails");
    assert_eq!(comet["source"], "Meridian Science Notes");
    assert_eq!(
        comet["summary"],
        "Amateur astronomers photograph a rare double tail."
    );
    let body = comet["body"].as_str().unwrap();
    assert!(body.contains("- one of dust\n- one of gas"), "{body}");
    let html = comet["html"].as_str().unwrap();
    assert!(
        html.contains("<ul><li>one of dust</li><li>one of gas</li></ul>")
            && html.contains("lumen-paper"),
        "{html}"
    );
    let uploads = &store["articles"][3];
    assert_eq!(uploads["breaking"], true, "a breaking tag counts");
    assert_eq!(
        uploads["published"], "2025-11-03T15:30:00-08:00",
        "JSON Feed dates are kept as written"
    );
    assert_eq!(
        store["articles"][4]["body"],
        "A mirror opened in São Paulo.\n\nIt serves South America."
    );
    let show = sandbox.herald(&["show", "crateyard-2025-11-01-mirror", &sandbox.store()]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("São Paulo"), "{}", show.stdout);
    assert_eq!(sandbox.herald(&["check", &sandbox.store()]).code, 0);
}

#[test]
fn importing_twice_adds_nothing_and_changes_nothing() {
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.import(&feed("rss2.xml"), &[]).code, 0);
    let first = std::fs::read(sandbox.store()).unwrap();
    let again = sandbox.import(&feed("rss2.xml"), &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("Imported 2 articles into")
            && again.stdout.contains(": 0 new, 0 updated, 2 unchanged."),
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read(sandbox.store()).unwrap(), first);
    assert_eq!(sandbox.ids().len(), 2);
}

#[test]
fn importing_into_an_existing_store_loses_nothing_and_updates_in_place() {
    let sandbox = Sandbox::new();
    // A hand-written store with a scraper's own field, an article the feed also has (with an
    // older title and a section the feed does not carry) and one the feed does not have.
    std::fs::write(
        sandbox.store(),
        r#"{
  "name": "My Desk",
  "articles": [
    {"id": "mine-1", "title": "Kept As It Was", "published": "2001-01-01", "_scraped_at": 1.0},
    {"id": "gazette-2024-03-02-ferry", "title": "Old Ferry Headline", "section": "Harbour"}
  ]
}
"#,
    )
    .unwrap();
    let run = sandbox.import(&feed("rss2.xml"), &["--name", "Other"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(": 1 new, 1 updated."), "{}", run.stdout);
    assert!(
        run.stderr.contains("--name \"Other\" ignored"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(sandbox.store()).unwrap();
    assert!(
        text.contains(
            r#"{"id": "mine-1", "title": "Kept As It Was", "published": "2001-01-01", "_scraped_at": 1.0}"#
        ),
        "untouched articles are kept byte for byte:\n{text}"
    );
    let store = sandbox.read_store();
    assert_eq!(store["name"], "My Desk");
    assert_eq!(
        sandbox.ids(),
        [
            "mine-1",
            "gazette-2024-03-02-ferry",
            "https://example.org/gazette/2024/03/market"
        ]
    );
    let ferry = &store["articles"][1];
    assert_eq!(
        ferry["title"],
        "Night Ferry to Eastmarsh Returns After Storm Repairs"
    );
    assert_eq!(ferry["section"], "Harbour", "fields the feed lacks stay");
}

#[test]
fn a_target_that_is_not_a_native_store_is_refused_and_left_alone() {
    for (name, content, expected) in [
        (
            "feed.json",
            r#"{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": []}"#,
            "JSON Feed",
        ),
        (
            "notes.json",
            "{\"notes\": \"mine\"}",
            "not a store Herald can read",
        ),
        (
            "broken.json",
            "{\"name\": \"x\", \"articles\": [",
            "malformed JSON",
        ),
        (
            "wire.jsonl",
            "{\"id\": \"a\", \"title\": \"A\"}\n",
            "JSON Lines",
        ),
    ] {
        let sandbox = Sandbox::new();
        let target = sandbox.path(name);
        std::fs::write(&target, content).unwrap();
        let run = sandbox.herald(&[
            "import",
            &feed("rss2.xml"),
            "--into",
            &target.to_string_lossy(),
        ]);
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        assert!(
            run.stderr.contains("refusing to write"),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), content);
        let names: Vec<_> = std::fs::read_dir(sandbox.home.home())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [name], "no temporary file left behind");
    }
}

#[test]
fn unreadable_input_is_an_error_and_the_store_is_untouched() {
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.import(&feed("rss1.rdf"), &[]).code, 0);
    let before = std::fs::read(sandbox.store()).unwrap();
    for (input, expected) in [
        (
            "tests/fixtures/bad/unreadable-feed.xml".to_owned(),
            "it is not XML Herald can read (line 2, column 1:",
        ),
        (feed("no-such-feed.xml"), "cannot read"),
        (
            "tests/fixtures/bad/malformed.json".to_owned(),
            "not valid JSON",
        ),
        ("README.md".to_owned(), "Title - YYYY-MM-DD"),
    ] {
        let run = sandbox.import(&input, &[]);
        assert_eq!(run.code, 1, "{input}: {}", run.stdout);
        assert!(run.stderr.contains(expected), "{input}: {}", run.stderr);
        assert_eq!(std::fs::read(sandbox.store()).unwrap(), before, "{input}");
    }
}

/// A store reached through a symlink is written through it: the real store gets the
/// articles and the link stays a link. (The rename used to replace the link with a regular
/// file, so the real store never got them.) A link that leads nowhere is refused.
#[test]
fn import_into_a_symlink_writes_the_store_it_points_to() {
    let sandbox = Sandbox::new();
    let real_folder = sandbox.path("elsewhere");
    std::fs::create_dir(&real_folder).unwrap();
    let real = real_folder.join("real.json");
    let link = sandbox.path("news.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = sandbox.import(&feed("rss2.xml"), &[]);
    assert!(
        run.code == 1 && run.stderr.contains("leads to no file"),
        "{}",
        run.stderr
    );
    assert!(!real.exists());

    std::fs::write(
        &real,
        r#"{"store": "Mine", "articles": [{"id": "kept", "title": "Kept"}]}"#,
    )
    .unwrap();
    let run = sandbox.import(&feed("rss2.xml"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    let ids = sandbox.ids();
    assert!(ids.len() > 1 && ids.contains(&"kept".to_owned()), "{ids:?}");
    // The lock sits beside the real store, where every writer of it looks.
    assert!(real_folder.join(".real.json.lock").is_file());
}

/// The import lock `.NAME.lock` used to be created through whatever was at its name: anyone
/// who could write the store's folder could plant a symlink there and make the importing
/// user create a file anywhere. A planted link (or FIFO) is refused, and nothing is made.
#[test]
fn a_planted_lock_symlink_or_fifo_is_refused_and_nothing_is_created_through_it() {
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.import(&feed("rss1.rdf"), &[]).code, 0);
    let before = std::fs::read(sandbox.store()).unwrap();
    let lock = sandbox.path(".news.json.lock");
    std::fs::remove_file(&lock).unwrap();
    let victim = sandbox.path("victim");
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    let run = sandbox.import(&feed("rss2.xml"), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains(".news.json.lock") && run.stderr.contains("symbolic link"),
        "{}",
        run.stderr
    );
    assert!(!victim.exists(), "nothing was created through the link");
    assert_eq!(std::fs::read(sandbox.store()).unwrap(), before);

    std::fs::remove_file(&lock).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&lock)
        .status()
        .unwrap();
    assert!(status.success());
    let run = sandbox.import(&feed("rss2.xml"), &[]);
    assert!(
        run.code == 1 && run.stderr.contains("FIFO"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(sandbox.store()).unwrap(), before);
}

#[test]
fn import_reads_standard_input() {
    let sandbox = Sandbox::new();
    let atom = manifest_file(&feed("atom.xml"));
    let store = sandbox.store();
    let run = sandbox.herald_with_stdin(
        &["import", "-", "--into", &store, "--name", "Piped"],
        Some(atom.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 new"), "{}", run.stdout);
    assert_eq!(
        sandbox.read_store()["name"],
        "Piped",
        "--name names a new store"
    );
    assert_eq!(sandbox.ids(), ["tag:example.org,2025:comet-lumen"]);

    let empty = sandbox.herald_with_stdin(&["import", "-", "--into", &store], Some(b""));
    assert_eq!(empty.code, 1);
    assert!(
        empty.stderr.contains("standard input") && empty.stderr.contains("empty"),
        "{}",
        empty.stderr
    );
}

#[test]
fn the_seed_page_imports_as_the_sample_article() {
    let sandbox = Sandbox::new();
    let run = sandbox.import(SEED, &["--source", "VOA", "--section", "Asia"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let store = sandbox.read_store();
    assert_eq!(
        store["name"], "VOA",
        "a page has no title, so the source names the store"
    );
    let imported = store["articles"][0].as_object().unwrap();
    let sample: Value = serde_json::from_str(&manifest_file("sample-data/00-voa.json")).unwrap();
    let expected = sample["articles"][0].as_object().unwrap();
    for field in [
        "title",
        "published",
        "source",
        "section",
        "breaking",
        "body",
        "updated",
        "url",
        "author",
        "summary",
        "tags",
    ] {
        assert_eq!(imported.get(field), expected.get(field), "field {field}");
    }
    // The one documented difference: a page carries no id, so it is made from source, date
    // and title.
    assert_eq!(
        imported["id"],
        "voa-2002-07-28-russian-foreign-minister-arrives-in-north-korea"
    );
    let body = imported["body"].as_str().unwrap();
    assert_eq!(body.split("\n\n").count(), 9);

    let id = imported["id"].as_str().unwrap();
    let show = sandbox.herald(&["show", id, &sandbox.store(), "--width", "1000"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.starts_with("BREAKING NEWS\nRussian Foreign Minister Arrives in North Korea\n2002-07-28, VOA, Asia\n"), "{}", show.stdout);
    for paragraph in body.split("\n\n") {
        assert!(show.stdout.contains(paragraph), "missing: {paragraph}");
    }
    let list = sandbox.herald(&["list", &sandbox.store()]);
    assert!(
        list.stdout
            .contains("2002-07-28  BREAKING  VOA  Russian Foreign Minister"),
        "{}",
        list.stdout
    );
}

#[test]
fn completions_name_every_subcommand() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = sandbox.herald(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["list", "show", "check", "import", "completions", "man"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let bad = sandbox.herald(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2, "a usage error");
}

#[test]
fn the_man_page_is_roff_with_the_subcommands() {
    let run = Sandbox::new().herald(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(".ie"),
        "{}",
        &run.stdout[..80.min(run.stdout.len())]
    );
    assert!(run.stdout.contains(".TH herald"), "roff title header");
    for word in ["herald\\-list", "herald\\-import", "herald\\-completions"] {
        assert!(run.stdout.contains(word), "man page lacks {word}");
    }
}

#[test]
fn version_names_the_crate_version() {
    let run = Sandbox::new().herald(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .starts_with(&format!("herald {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        run.stdout
    );
}

#[test]
fn a_store_in_a_missing_folder_is_an_error_not_a_new_folder() {
    let sandbox = Sandbox::new();
    let target = sandbox.path("no-such-folder/news.json");
    let run = sandbox.herald(&[
        "import",
        &feed("rss2.xml"),
        "--into",
        &target.to_string_lossy(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(!sandbox.path("no-such-folder").exists());
}

/// HTML becomes structure, never Markdown punctuation: an Atom entry's `<b>bold</b>` was
/// stored and read aloud as `**bold**`, and `<b></b>` became `****`. Now the store's body is
/// the plain text, its `html` the structure, and each presenter shows it its own way.
#[test]
fn emphasis_in_a_feed_is_kept_as_structure_and_never_read_as_asterisks() {
    let sandbox = Sandbox::new();
    let feed = sandbox.path("bold.atom");
    std::fs::write(
        &feed,
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Bold Desk</title><id>urn:bold</id>
<updated>2025-01-02T10:00:00Z</updated>
<entry><title>Dam Holds</title><id>urn:bold:1</id><updated>2025-01-02T10:00:00Z</updated>
<content type="html">&lt;p&gt;The dam is &lt;b&gt;holding&lt;/b&gt;&lt;b&gt;&lt;/b&gt; for now.&lt;/p&gt;
&lt;h2&gt;What next&lt;/h2&gt;&lt;ul&gt;&lt;li&gt;&lt;em&gt;Watch&lt;/em&gt; the river&lt;/li&gt;&lt;/ul&gt;</content>
</entry></feed>"#,
    )
    .unwrap();
    let run = sandbox.import(&feed.to_string_lossy(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let article = &sandbox.read_store()["articles"][0];
    assert_eq!(
        article["body"],
        "The dam is holding for now.\n\nWhat next\n\n- Watch the river"
    );
    assert_eq!(
        article["html"],
        "<p>The dam is <strong>holding</strong> for now.</p><h2>What next</h2><ul><li><em>Watch</em> \
         the river</li></ul>"
    );
    let plain = sandbox.home.herald_with(
        &["--plain", &sandbox.store()],
        &[],
        Some(b"1\nq\n".as_slice()),
    );
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        plain.stdout.contains("The dam is holding for now."),
        "{}",
        plain.stdout
    );
    assert!(
        plain.stdout.contains("- Watch the river"),
        "{}",
        plain.stdout
    );
    let show = sandbox.herald(&["show", "urn:bold:1", &sandbox.store()]);
    assert!(
        show.stdout.contains("The dam is holding for now."),
        "{}",
        show.stdout
    );
    for out in [&plain.stdout, &show.stdout] {
        assert!(!out.contains('*'), "{out}");
    }
    let check = sandbox.herald(&["check", &sandbox.store()]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn imports_running_at_once_into_one_store_lose_no_article() {
    // Two cron jobs importing into one store at the same moment: each must see the other's
    // articles, whether it read the file before or after the other's rename.
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.import(&feed("rss2.xml"), &[]).code, 0);
    let runs = 6;
    let children: Vec<_> = (0..runs)
        .map(|run| {
            let input = sandbox.path(&format!("feed-{run}.json"));
            std::fs::write(
                &input,
                format!(
                    r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "F",
                        "items": [{{"id": "at-once-{run}", "title": "Item {run}",
                                    "content_text": "Text."}}]}}"#
                ),
            )
            .unwrap();
            sandbox
                .home
                .command(env!("CARGO_BIN_EXE_herald"))
                .args([
                    "import".as_ref(),
                    input.as_os_str(),
                    "--into".as_ref(),
                    sandbox.store().as_ref(),
                ])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let ids = sandbox.ids();
    assert_eq!(ids.len(), 2 + runs, "{ids:?}");
    for run in 0..runs {
        assert!(ids.contains(&format!("at-once-{run}")), "{ids:?}");
    }
}
