//! `herald fetch`, `r` in the reader and `fetch` in plain mode, through the real binary
//! against a real HTTP server on 127.0.0.1 (`common::http`): conditional requests with the
//! exact validators, 304 leaving the store alone, Retry-After honoured, permanent redirects
//! written into feeds.toml, bad servers reported while the other feeds are fetched.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::http::{Reply, Server};
use crate::common::{Launch, Pty, Sandbox};

/// An RSS 2.0 feed titled `title` with `items` items, ids `{tag}-{n}`.
fn rss(title: &str, tag: &str, items: usize) -> String {
    let items: String = (0..items)
        .map(|n| {
            format!(
                "<item><title>{tag} story {n}</title><link>http://example.org/{tag}/{n}</link>\
                 <guid>{tag}-{n}</guid><pubDate>Mon, 0{} Jun 2026 10:00:00 GMT</pubDate>\
                 <description>Text of {tag} story {n}.</description></item>",
                1 + n % 9
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>http://example.org/</link><description>d</description>{items}</channel></rss>"
    )
}

/// Writes feeds.toml into the sandbox's config folder.
fn subscribe(sandbox: &Sandbox, text: &str) -> std::path::PathBuf {
    let folder = sandbox.config().join("herald");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("feeds.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn feed_entry(name: &str, url: &str) -> String {
    format!("[[feed]]\nname = \"{name}\"\nurl = \"{url}\"\n\n")
}

fn store_of(sandbox: &Sandbox, file: &str) -> std::path::PathBuf {
    sandbox.data().join("herald").join("stores").join(file)
}

#[test]
fn the_second_fetch_sends_the_exact_validators_and_a_304_changes_nothing() {
    let etag = "W/\"abc-123\"";
    let modified = "Tue, 01 Dec 2026 10:00:00 GMT";
    let body = rss("Desk", "desk", 3);
    let server = Server::start(move |request| {
        if request.header("if-none-match") == Some(etag) {
            Reply::status(304).header("ETag", etag)
        } else {
            Reply::ok(body.clone())
                .header("ETag", etag)
                .header("Last-Modified", modified)
        }
    });
    let sandbox = Sandbox::new();
    subscribe(&sandbox, &feed_entry("Desk", &server.url("/desk.xml")));

    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "Desk: new 3\n");
    let store = store_of(&sandbox, "desk.json");
    let written = std::fs::read(&store).expect("the store is written");
    let listed = sandbox.herald(&["list", store.to_str().unwrap()]);
    assert!(listed.stdout.contains("desk story 2"), "{}", listed.stdout);

    // Not due yet by Herald's own schedule: nothing is asked.
    let run = sandbox.herald(&["fetch"]);
    assert!(
        run.stdout.starts_with("Desk: not due until"),
        "{}",
        run.stdout
    );
    assert_eq!(server.requests().len(), 1);

    let run = sandbox.herald(&["fetch", "--force"]);
    assert_eq!(run.stdout, "Desk: not modified\n", "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("if-none-match"),
        None,
        "the first is unconditional"
    );
    assert_eq!(requests[1].header("if-none-match"), Some(etag));
    assert_eq!(requests[1].header("if-modified-since"), Some(modified));
    let agent = requests[1].header("user-agent").unwrap_or_default();
    assert!(agent.starts_with("Herald/"), "{agent}");
    assert_eq!(
        std::fs::read(&store).unwrap(),
        written,
        "a 304 changes nothing on disk"
    );
}

#[test]
fn retry_after_is_honoured_even_with_force() {
    let server = Server::start(|_| Reply::status(429).header("Retry-After", "3600"));
    let sandbox = Sandbox::new();
    subscribe(&sandbox, &feed_entry("Busy", &server.url("/busy.xml")));
    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 0, "waiting is not failing: {}", run.stdout);
    assert!(
        run.stdout.starts_with("Busy: waiting until") && run.stdout.contains("(the server asked)"),
        "{}",
        run.stdout
    );
    let run = sandbox.herald(&["fetch", "--force"]);
    assert!(
        run.stdout.starts_with("Busy: waiting until"),
        "{}",
        run.stdout
    );
    assert_eq!(
        server.requests().len(),
        1,
        "no request before the server's time"
    );
}

#[test]
fn a_permanent_redirect_moves_the_subscription_and_keeps_the_comments() {
    let body = rss("Moved", "moved", 2);
    let server = Server::start(move |request| match request.path.as_str() {
        "/old.xml" => Reply::status(301).header("Location", "/new.xml"),
        "/temporary.xml" => Reply::status(302).header("Location", "/new.xml"),
        _ => Reply::ok(body.clone()),
    });
    let sandbox = Sandbox::new();
    let text = format!(
        "# My feeds, by hand.\n\n# The moved one:\n{}# A temporary detour:\n{}",
        feed_entry("Moved", &server.url("/old.xml")),
        feed_entry("Detour", &server.url("/temporary.xml"))
    );
    let feeds = subscribe(&sandbox, &text);
    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Moved: new 2 (moved permanently to"),
        "{}",
        run.stdout
    );
    let after = std::fs::read_to_string(&feeds).unwrap();
    assert_eq!(
        after,
        text.replace(&server.url("/old.xml"), &server.url("/new.xml")),
        "only the moved URL changed"
    );
}

#[test]
fn bad_servers_are_reported_and_every_store_keeps_its_last_good_contents() {
    let turned_bad = Arc::new(AtomicUsize::new(0));
    let seen = turned_bad.clone();
    let good = rss("Good", "good", 2);
    let was_good = rss("Was good", "was", 2);
    let server = Server::start(move |request| match request.path.as_str() {
        "/missing.xml" => Reply::status(404),
        "/page.xml" => Reply::ok("<!doctype html><html><body>Not a feed</body></html>")
            .header("Content-Type", "text/html"),
        "/was-good.xml" if seen.fetch_add(1, Ordering::SeqCst) > 0 => {
            Reply::ok("<rss version=\"2.0\"><channel><title>Broken")
        }
        "/was-good.xml" => Reply::ok(was_good.clone()),
        _ => Reply::ok(good.clone()),
    });
    let sandbox = Sandbox::new();
    let entries: String = [
        ("Missing", "/missing.xml"),
        ("Page", "/page.xml"),
        ("Was good", "/was-good.xml"),
        ("Good", "/good.xml"),
    ]
    .iter()
    .map(|(name, path)| feed_entry(name, &server.url(path)))
    .collect();
    subscribe(&sandbox, &entries);
    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("Missing: error: 404 Not Found"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Page: error: not a feed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Was good: new 2"), "{}", run.stdout);
    assert!(run.stdout.contains("Good: new 2"), "{}", run.stdout);
    assert!(!store_of(&sandbox, "missing.json").exists());

    let kept = std::fs::read(store_of(&sandbox, "was-good.json")).unwrap();
    let run = sandbox.herald(&["fetch", "--force", "Was good"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("Was good: error: not a feed"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read(store_of(&sandbox, "was-good.json")).unwrap(),
        kept,
        "byte for byte"
    );
}

#[test]
fn keep_trims_the_oldest_read_articles_and_never_an_unread_or_starred_one() {
    let round = Arc::new(AtomicUsize::new(0));
    let seen = round.clone();
    let server = Server::start(move |_| {
        // Each fetch brings three stories the store has not seen.
        let n = seen.fetch_add(1, Ordering::SeqCst);
        Reply::ok(rss("Wire", &format!("r{n}"), 3))
    });
    let sandbox = Sandbox::new();
    subscribe(
        &sandbox,
        &format!(
            "[[feed]]\nname = \"Wire\"\nurl = \"{}\"\nkeep = 4\n",
            server.url("/w.xml")
        ),
    );
    assert_eq!(sandbox.herald(&["fetch"]).code, 0);
    // Read two of the first three (one of them starred too), as a reader would have.
    let state = sandbox.data().join("herald").join("state.json");
    std::fs::write(
        &state,
        r#"{"version": 1, "marks": [
            {"store": "Wire", "id": "r0-0", "read": true, "changed": 1},
            {"store": "Wire", "id": "r0-1", "read": true, "starred": true, "changed": 1}
        ]}"#,
    )
    .unwrap();
    let run = sandbox.herald(&["fetch", "--force"]);
    assert_eq!(run.stdout, "Wire: new 3, 1 old dropped\n", "{}", run.stderr);
    let listed = sandbox.herald(&[
        "list",
        "--ids",
        store_of(&sandbox, "wire.json").to_str().unwrap(),
    ]);
    let ids: Vec<&str> = listed
        .stdout
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert_eq!(ids.len(), 5, "{}", listed.stdout);
    assert!(!ids.contains(&"r0-0"), "the read one went: {ids:?}");
    assert!(ids.contains(&"r0-1"), "the starred one stays: {ids:?}");
    assert!(ids.contains(&"r0-2"), "the unread one stays: {ids:?}");
}

#[test]
fn plain_mode_fetches_on_a_command_and_says_the_result_in_one_line() {
    let server = Server::start(|_| Reply::ok(rss("Plain", "plain", 2)));
    let sandbox = Sandbox::new();
    subscribe(&sandbox, &feed_entry("Plain", &server.url("/p.xml")));
    let run = sandbox.herald_with(&["--plain"], &[], Some(b"fetch\nl\nq\n"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Fetched 1 feed: 2 new articles."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("plain story 1"), "{}", run.stdout);
}

#[test]
fn r_in_the_reader_fetches_and_the_new_headlines_appear_in_place() {
    let server = Server::start(|_| Reply::ok(rss("Reader", "fresh", 2)));
    let sandbox = Sandbox::new();
    subscribe(&sandbox, &feed_entry("Reader", &server.url("/r.xml")));
    let mut pty = Pty::launch_in(
        sandbox,
        Launch {
            args: &[],
            ..Launch::default()
        },
    );
    pty.wait_for_text("headlines");
    pty.send("r");
    pty.wait_for_text("fresh story 1");
    pty.wait_for_text("Fetched 1 feed: 2 new articles");
    pty.quit();
}

#[test]
fn a_server_that_never_answers_costs_only_its_feed_within_the_configured_time() {
    let good = rss("Quick", "quick", 1);
    let server = Server::start(move |request| match request.path.as_str() {
        "/hang.xml" => Reply::ok("").hang(),
        "/drip.xml" => {
            Reply::ok(rss("Drip", "drip", 5)).drip(std::time::Duration::from_millis(200))
        }
        _ => Reply::ok(good.clone()),
    });
    let sandbox = Sandbox::new();
    sandbox.write_config("fetch_timeout = \"2s\"\n");
    let entries = feed_entry("Hang", &server.url("/hang.xml"))
        + &feed_entry("Drip", &server.url("/drip.xml"))
        + &feed_entry("Quick", &server.url("/quick.xml"));
    subscribe(&sandbox, &entries);
    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Hang: error: timed out"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Drip: error: timed out"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Quick: new 1"), "{}", run.stdout);
    assert!(!store_of(&sandbox, "hang.json").exists());
}

/// A fetched feed's relative links are resolved against the URL it came from (the fetcher
/// knows it; a saved file does not), and an item that cannot be stored is said in the fetch
/// report, never dropped in silence.
#[test]
fn a_fetched_feed_resolves_links_against_its_url_and_says_what_it_skipped() {
    const BODY: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Rel</title>\
        <item><title>Relative</title><link>stories/1</link><guid>r-1</guid>\
        <description>&lt;a href=\"../about\"&gt;about&lt;/a&gt; us</description>\
        <enclosure url=\"/audio/1.mp3\" type=\"audio/mpeg\" length=\"10\"/></item>\
        <item><description></description></item></channel></rss>";
    let empty_item_column = BODY.rfind("<item>").unwrap() + 1;
    let server = Server::start(|_| Reply::ok(BODY));
    let sandbox = Sandbox::new();
    let url = server.url("/feeds/rel.xml");
    subscribe(&sandbox, &feed_entry("Rel", &url));
    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "Rel: new 1; warning: {url}:1:{empty_item_column}: item 2: it has no title, text, \
             link or enclosure, so it was skipped\n"
        )
    );
    let store: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store_of(&sandbox, "rel.json")).unwrap()).unwrap();
    let article = &store["articles"][0];
    assert_eq!(article["url"], server.url("/feeds/stories/1"));
    assert_eq!(article["enclosures"][0]["url"], server.url("/audio/1.mp3"));
    assert!(
        article["html"]
            .as_str()
            .unwrap()
            .contains(&format!("href=\"{}\"", server.url("/about"))),
        "{article}"
    );
}

/// The store list says which feed failed and why, from the schedule the fetch wrote: at the
/// start of a session, and again after a fetch made in it (which replaces the old outcome).
/// Tags from feeds.toml are rows of their own, and a tag's number lists its stores.
#[test]
fn plain_stores_says_each_feeds_last_fetch_error_and_lists_the_tags() {
    let asked = Arc::new(AtomicUsize::new(0));
    let seen = asked.clone();
    let good = rss("Good", "good", 2);
    let flaky = rss("Flaky", "flaky", 3);
    let server = Server::start(move |request| match request.path.as_str() {
        "/gone.xml" => Reply::status(404),
        // Fine the first time, gone after.
        "/flaky.xml" if seen.fetch_add(1, Ordering::SeqCst) > 0 => Reply::status(404),
        "/flaky.xml" => Reply::ok(flaky.clone()),
        _ => Reply::ok(good.clone()),
    });
    let sandbox = Sandbox::new();
    let tagged = |name: &str, path: &str, tags: &str| {
        format!(
            "[[feed]]\nname = \"{name}\"\nurl = \"{}\"\ntags = [{tags}]\n\n",
            server.url(path)
        )
    };
    subscribe(
        &sandbox,
        &[
            tagged("Good", "/good.xml", "\"world\""),
            tagged("Flaky", "/flaky.xml", "\"world\", \"tech\""),
            tagged("Gone", "/gone.xml", "\"tech\""),
        ]
        .concat(),
    );
    let run = sandbox.herald(&["fetch"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);

    // A new session: the schedule the fetch wrote is read at start.
    let run = sandbox.herald_with(&["--plain"], &[], Some(b"stores\nq\n"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let line = |text: &str, name: &str| -> String {
        text.lines()
            .find(|l| l.contains(&format!(". {name}: ")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{text}"))
            .to_owned()
    };
    assert!(
        line(&run.stdout, "Gone")
            .ends_with("Gone: no articles yet, last fetch failed: 404 Not Found."),
        "{}",
        run.stdout
    );
    assert!(
        line(&run.stdout, "Flaky").ends_with("Flaky: 3 articles, 3 unread."),
        "{}",
        run.stdout
    );
    assert!(
        line(&run.stdout, "Tag world").ends_with("Tag world: 2 stores, 5 articles, 5 unread."),
        "{}",
        run.stdout
    );

    // A fetch in the session: Flaky fails now, and `stores` says so at once.
    let run = sandbox.herald_with(
        &["--plain", "--width", "200"],
        &[],
        Some(b"fetch all\nstores\nq\n"),
    );
    let (_, after) = run
        .stdout
        .split_once("Fetched ")
        .unwrap_or_else(|| panic!("no fetch:\n{}", run.stdout));
    assert!(
        line(after, "Flaky")
            .ends_with("Flaky: 3 articles, 3 unread, last fetch failed: 404 Not Found."),
        "{}",
        run.stdout
    );
    let tech = line(after, "Tag tech");
    assert!(
        tech.ends_with("Tag tech: 2 stores, 3 articles, 3 unread, last fetch failed for 2 stores."),
        "{tech}"
    );
    // The tags are numbered after the stores, and a tag's number lists its stores' articles.
    let number = tech
        .strip_prefix("Store ")
        .and_then(|rest| rest.split('.').next())
        .expect("a number")
        .to_owned();
    let command = format!("stores\nstore {number}\nq\n");
    let run = sandbox.herald_with(&["--plain"], &[], Some(command.as_bytes()));
    assert!(
        run.stdout.contains("\nTag tech: 3 articles."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("flaky story 1"), "{}", run.stdout);
}
