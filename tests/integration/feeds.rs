//! `herald feeds add|remove|list|import|export` through the real binary, each run in its own
//! sandbox: feeds.toml is `$XDG_CONFIG_HOME/herald/feeds.toml` and stores default to
//! `$XDG_DATA_HOME/herald/stores/`, both inside the sandbox.

use std::path::PathBuf;

use crate::common::Sandbox;
use crate::common::sandbox::Run;

fn feeds_file(sandbox: &Sandbox) -> PathBuf {
    sandbox.config().join("herald").join("feeds.toml")
}

fn store(sandbox: &Sandbox, slug: &str) -> PathBuf {
    sandbox
        .data()
        .join("herald")
        .join("stores")
        .join(format!("{slug}.json"))
}

fn shown(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

fn opml(name: &str) -> String {
    crate::common::fixture(&format!("opml/{name}"))
}

fn write_feeds(sandbox: &Sandbox, text: &str) {
    let path = feeds_file(sandbox);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A native store with `count` articles.
fn write_store(path: &std::path::Path, count: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let articles: Vec<String> = (0..count)
        .map(|i| format!(r#"{{"id": "{i}", "title": "Article {i}"}}"#))
        .collect();
    std::fs::write(
        path,
        format!(
            r#"{{"name": "Whatever", "articles": [{}]}}"#,
            articles.join(",")
        ),
    )
    .unwrap();
}

fn assert_ok(run: &Run) {
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

#[test]
fn add_list_and_remove_a_feed() {
    let sandbox = Sandbox::new();
    let run = sandbox.herald(&[
        "feeds",
        "add",
        "https://www.example.com/news/rss.xml",
        "--tag",
        "world",
        "--tag",
        "daily",
    ]);
    assert_ok(&run);
    let slug_store = store(&sandbox, "example-com-news-rss-xml");
    assert_eq!(
        run.stdout,
        format!(
            "Added \"example.com/news/rss.xml\" (https://www.example.com/news/rss.xml); it is \
             stored in {}. `herald fetch` gets it.\n",
            shown(&slug_store)
        )
    );
    assert_eq!(run.stderr, "");
    let text = std::fs::read_to_string(feeds_file(&sandbox)).unwrap();
    assert!(text.starts_with("# Herald's subscriptions"), "{text}");
    assert!(text.ends_with(
        "[[feed]]\nurl = \"https://www.example.com/news/rss.xml\"\ntags = [\"world\", \"daily\"]\n"
    ));

    assert_ok(&sandbox.herald(&["feeds", "add", "https://b.example/atom", "--name", "B News"]));
    let list = sandbox.herald(&["feeds", "list"]);
    assert_ok(&list);
    let b_store = store(&sandbox, "b-news");
    let width = shown(&slug_store).len();
    assert_eq!(
        list.stdout,
        format!(
            "example.com/news/rss.xml  https://www.example.com/news/rss.xml  {}  not fetched yet  \
             tags: world, daily\n\
             B News                    https://b.example/atom                {:width$}  not fetched yet\n",
            shown(&slug_store),
            shown(&b_store),
        )
    );

    // Once the store exists, its articles are counted, as `herald list` reads them.
    write_store(&b_store, 3);
    let list = sandbox.herald(&["feeds", "list"]);
    assert_ok(&list);
    assert!(
        list.stdout
            .lines()
            .nth(1)
            .unwrap()
            .ends_with("  3 articles"),
        "{}",
        list.stdout
    );

    let removed = sandbox.herald(&["feeds", "remove", "B News"]);
    assert_ok(&removed);
    assert_eq!(
        removed.stdout,
        format!(
            "Removed \"B News\" (https://b.example/atom). Its store {0} is kept, so its \
             articles can still be read; `rm {0}` deletes them.\n",
            shown(&b_store)
        )
    );
    assert!(b_store.exists(), "the store file is kept");
    let removed = sandbox.herald(&["feeds", "remove", "https://www.example.com/news/rss.xml"]);
    assert_ok(&removed);
    assert_eq!(
        removed.stdout,
        "Removed \"example.com/news/rss.xml\" (https://www.example.com/news/rss.xml). It had \
         no store file yet.\n"
    );
    let list = sandbox.herald(&["feeds", "list"]);
    assert_ok(&list);
    assert_eq!(list.stdout, "");
    assert!(list.stderr.contains("no feeds yet"), "{}", list.stderr);
}

#[test]
fn feeds_commands_never_touch_config_toml() {
    let sandbox = Sandbox::new();
    let config = "# hand-tuned\ntheme = \"mono\"   # keep\n\n[keys]\nsearch = [\"F3\"]\n";
    sandbox.write_config(config);
    let config_path = sandbox.config().join("herald").join("config.toml");
    assert_ok(&sandbox.herald(&["feeds", "add", "https://a.example/rss"]));
    assert_ok(&sandbox.herald(&["feeds", "import", &opml("reader-2.0.opml")]));
    assert_ok(&sandbox.herald(&["feeds", "remove", "a.example/rss"]));
    assert_eq!(std::fs::read_to_string(config_path).unwrap(), config);
}

#[test]
fn a_refused_add_says_why_exits_1_and_changes_nothing() {
    let sandbox = Sandbox::new();
    assert_ok(&sandbox.herald(&["feeds", "add", "https://a.example/rss", "--name", "A"]));
    let before = std::fs::read_to_string(feeds_file(&sandbox)).unwrap();
    let path = shown(&feeds_file(&sandbox));
    let cases: [(&[&str], String); 4] = [
        (
            &["feeds", "add", "https://a.example/rss"],
            format!("herald: https://a.example/rss is already subscribed as \"A\" ({path}:7)\n"),
        ),
        (
            &["feeds", "add", "https://other.example/rss", "--name", "A"],
            format!(
                "herald: a feed is already named \"A\" ({path}:7); choose another name with --name\n"
            ),
        ),
        (
            &["feeds", "add", "file:///etc/passwd"],
            "herald: cannot add file:///etc/passwd: \"file:///etc/passwd\" is a file: URL; \
             Herald fetches only http and https feeds\n"
                .to_owned(),
        ),
        (
            &["feeds", "add", "example.com/feed"],
            "herald: cannot add example.com/feed: \"example.com/feed\" is not a URL (relative \
             URL without a base); write it whole, like https://example.com/feed.xml\n"
                .to_owned(),
        ),
    ];
    for (args, message) in cases {
        let run = sandbox.herald(args);
        assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{args:?}");
        assert_eq!(run.stderr, message, "{args:?}");
        assert_eq!(
            std::fs::read_to_string(feeds_file(&sandbox)).unwrap(),
            before
        );
    }
    let run = sandbox.herald(&["feeds", "remove", "Nope"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "herald: no feed in {path} is named \"Nope\" or has that URL; `herald feeds list` \
             shows them\n"
        )
    );
}

#[test]
fn a_bad_entry_is_reported_with_its_line_and_the_others_still_list() {
    let sandbox = Sandbox::new();
    write_feeds(
        &sandbox,
        "# mine\n\
         [[feed]]\n\
         url = \"https://one.example/rss\"\n\
         \n\
         [[feed]]\n\
         url = \"https://two.example/rss\"\n\
         every = \"sometimes\"\n\
         \n\
         [[feed]]\n\
         url = \"https://three.example/rss\"\n\
         nmae = \"Three\"\n",
    );
    let run = sandbox.herald(&["feeds", "list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let path = shown(&feeds_file(&sandbox));
    assert_eq!(
        run.stderr,
        format!(
            "herald: {path}:7:9: every = \"sometimes\" is not an interval; write a whole number \
             and s, m, h or d, like \"90s\", \"30m\", \"1h\" or \"2d\"; that feed is skipped\n\
             herald: {path}:11:1: unknown key \"nmae\" in this feed (ignored); did you mean \
             \"name\"?\n"
        )
    );
    let names: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(names, ["one.example/rss", "three.example/rss"]);

    // The edits still work on such a file, and leave the bad entry to its owner.
    assert_ok(&sandbox.herald(&["feeds", "add", "https://four.example/rss"]));
    let run = sandbox.herald(&["feeds", "remove", "https://two.example/rss"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(&format!("the feed at {path}:5 has a problem")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_syntax_error_costs_only_its_feed_and_blocks_edits() {
    let sandbox = Sandbox::new();
    let text = "[[feed]]\nurl = \"https://one.example/rss\"\n\n[[feed]]\nurl = \"https://two\n\n\
                [[feed]]\nurl = \"https://three.example/rss\"\n";
    write_feeds(&sandbox, text);
    let run = sandbox.herald(&["feeds", "list"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("feeds.toml:5:")
            && run.stderr.contains("the feed it is in (line 4) is skipped"),
        "{}",
        run.stderr
    );
    let run = sandbox.herald(&["feeds", "add", "https://four.example/rss"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("was not changed"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(feeds_file(&sandbox)).unwrap(), text);
}

#[test]
fn import_opml_1_and_2_makes_tags_of_folders_and_skips_what_is_subscribed() {
    let sandbox = Sandbox::new();
    let run = sandbox.herald(&["feeds", "import", &opml("newsboat-1.0.opml")]);
    assert_ok(&run);
    assert_eq!(run.stdout, "Imported 4 feeds.\n");
    let run = sandbox.herald(&["feeds", "import", &opml("reader-2.0.opml")]);
    assert_ok(&run);
    assert_eq!(
        run.stdout,
        "Imported 5 feeds (1 already subscribed, skipped).\n"
    );
    let run = sandbox.herald(&["feeds", "import", &opml("newsboat-1.0.opml")]);
    assert_ok(&run);
    assert_eq!(
        run.stdout,
        "Imported 0 feeds (4 already subscribed, skipped).\n"
    );

    let list = sandbox.herald(&["feeds", "list"]);
    assert_ok(&list);
    let summary: Vec<(String, String)> = list
        .stdout
        .lines()
        .map(|line| {
            let name = line.split("  ").next().unwrap().to_owned();
            let tags = line
                .split_once("tags: ")
                .map_or_else(String::new, |(_, t)| t.to_owned());
            (name, tags)
        })
        .collect();
    let expected = [
        ("BBC World", "News, World"),
        ("VOA Asia", "News, World"),
        ("Le Monde & Cie", "News"),
        ("Scripting News", ""),
        ("Rust Blog", "Tech, Programming/Rust, weekly"),
        ("LWN.net", "Tech"),
        ("Hacker News", "Tech"),
        ("Quanta", "Science"),
        ("example.org/no-title/atom.xml", ""),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    assert_eq!(summary, expected);
}

#[test]
fn import_reads_standard_input_and_other_encodings() {
    let sandbox = Sandbox::new();
    let latin = std::fs::read(crate::common::root().join(opml("latin-1.opml"))).unwrap();
    let run = sandbox.herald_with(&["feeds", "import", "-"], &[], Some(&latin));
    assert_ok(&run);
    assert_eq!(run.stdout, "Imported 1 feed.\n");
    let list = sandbox.herald(&["feeds", "list"]);
    assert!(
        list.stdout
            .starts_with("Zürich Zeitung  https://www.nzz.ch/recent.rss  "),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains(&shown(&store(&sandbox, "zurich-zeitung")))
    );
}

#[test]
fn an_opml_file_with_a_dtd_is_refused_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    let run = sandbox.herald(&["feeds", "import", &opml("doctype.opml")]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with(&format!(
            "herald: cannot import {}: it has a DOCTYPE",
            opml("doctype.opml")
        )),
        "{}",
        run.stderr
    );
    assert!(!feeds_file(&sandbox).exists());
    let run = sandbox.herald(&["feeds", "import", "tests/fixtures/feeds/rss2.xml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("it looks like a feed itself"),
        "{}",
        run.stderr
    );
    let run = sandbox.herald(&["feeds", "import", "tests/fixtures/opml/missing.opml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("herald: cannot read "),
        "{}",
        run.stderr
    );
}

#[test]
fn an_import_of_the_export_gives_the_same_subscriptions() {
    let first = Sandbox::new();
    assert_ok(&first.herald(&["feeds", "import", &opml("reader-2.0.opml")]));
    assert_ok(&first.herald(&[
        "feeds",
        "add",
        "https://a.example/rss?a=1&b=2",
        "--name",
        "Quotes \" & <angles>",
        "--tag",
        "x",
        "--tag",
        "y",
    ]));
    let export = first.herald(&["feeds", "export"]);
    assert_ok(&export);
    assert!(
        export
            .stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">"),
        "{}",
        export.stdout
    );
    assert!(export.stdout.contains(
        "<outline type=\"rss\" text=\"Quotes &quot; &amp; &lt;angles&gt;\" title=\"Quotes \
         &quot; &amp; &lt;angles&gt;\" xmlUrl=\"https://a.example/rss?a=1&amp;b=2\" category=\"y\"/>"
    ));

    let second = Sandbox::new();
    let run = second.herald_with(
        &["feeds", "import", "-"],
        &[],
        Some(export.stdout.as_bytes()),
    );
    assert_ok(&run);
    assert_eq!(run.stdout, "Imported 6 feeds.\n");
    // Same names, URLs, tags and store file names; only the sandbox around them differs.
    let listed = |sandbox: &Sandbox| {
        let list = sandbox.herald(&["feeds", "list"]);
        assert_ok(&list);
        let mut lines: Vec<String> = list
            .stdout
            .replace(&shown(sandbox.home()), "HOME")
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(listed(&second), listed(&first));
}

#[test]
fn export_leaves_out_bad_entries_says_so_and_exits_1() {
    let sandbox = Sandbox::new();
    write_feeds(
        &sandbox,
        "[[feed]]\nurl = \"https://one.example/rss\"\n\n[[feed]]\nurl = \"gopher://two\"\n",
    );
    let run = sandbox.herald(&["feeds", "export"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("xmlUrl=\"https://one.example/rss\""));
    assert!(!run.stdout.contains("gopher"));
    assert!(
        run.stderr
            .contains("feeds.toml:5:7: \"gopher://two\" is a gopher: URL"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_pipe_ends_the_export_quietly() {
    let sandbox = Sandbox::new();
    let many: String = (0..3000)
        .map(|i| format!("[[feed]]\nurl = \"https://f{i}.example/rss\"\n"))
        .collect();
    write_feeds(&sandbox, &many);
    let mut child = sandbox
        .command(crate::common::HERALD)
        .args(["feeds", "export"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe: Herald's next writes fail with EPIPE.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
