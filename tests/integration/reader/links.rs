//! Links: `y` copies through OSC 52, links are listed as numbered references at the end of the
//! article, and the OSC 8 bytes rewrite exactly the link cells, in their own text.

use herald::app::{Action, App, TerminalCaps};
use herald::engine::article::{Inline, LINKS_HEADING};
use herald::engine::state::Marks;
use herald::engine::store::StoreSource;
use herald::engine::{Library, Stores};

use crate::reader::flow::{TestHost, run};
use crate::reader::support::{act_with, inline, options, typed};

fn links_stores() -> Stores {
    let path = crate::common::root().join("tests/fixtures/links/links.json");
    Stores::new(vec![StoreSource::Path(path)]).with_cache(None)
}

fn links_library() -> Library {
    links_stores().open()
}

fn links_app(caps: TerminalCaps) -> App {
    App::new(
        links_library(),
        Marks::default(),
        options(),
        (100, 30),
        Vec::new(),
    )
    .with_caps(caps)
}

const ARTICLE_URL: &str = "https://example.org/gazette/2024/03/ferry?from=herald&x=";

#[test]
fn y_copies_the_link_through_osc_52_and_says_so() {
    let run = run(
        links_app(TerminalCaps::default()),
        typed("\ny"),
        TestHost::default(),
    );
    let expected = herald::present::reader::term::osc52(ARTICLE_URL);
    assert_eq!(run.host.written, expected);
    let text = String::from_utf8(expected).unwrap();
    assert_eq!(
        text,
        format!(
            "\x1b]52;c;{}\x07",
            herald::present::reader::term::base64(ARTICLE_URL.as_bytes())
        )
    );
    let status = run.screen().lines().last().unwrap().to_owned();
    assert_eq!(
        status.trim_end(),
        format!("Link copied to the clipboard (OSC 52): {ARTICLE_URL}")
    );
}

#[test]
fn y_from_the_list_copies_the_selected_headline_and_says_when_there_is_none() {
    let copied = run(
        links_app(TerminalCaps::default()),
        typed("y"),
        TestHost::default(),
    );
    assert_eq!(
        copied.host.written,
        herald::present::reader::term::osc52(ARTICLE_URL)
    );
    let none = run(
        links_app(TerminalCaps::default()),
        typed("jy"),
        TestHost::default(),
    );
    assert!(none.host.written.is_empty());
    assert!(
        none.screen().contains("This article has no link to copy."),
        "{}",
        none.screen()
    );
}

#[test]
fn without_a_clipboard_y_shows_the_link_and_writes_nothing() {
    let caps = TerminalCaps {
        hyperlinks: false,
        clipboard: false,
        ..TerminalCaps::default()
    };
    let run = run(links_app(caps), typed("\ny"), TestHost::default());
    assert!(run.host.written.is_empty());
    // The message wraps over the bottom rows rather than losing the link's end.
    let words: Vec<String> = run.screen().split_whitespace().map(str::to_owned).collect();
    assert!(
        words
            .join(" ")
            .contains("This terminal has no clipboard Herald can reach; the link is https://"),
        "{}",
        run.screen()
    );
}

#[test]
fn every_link_is_listed_as_a_numbered_reference_at_the_end() {
    let mut app = links_app(TerminalCaps::default());
    act_with(&mut inline(links_stores()), &mut app, Action::Open);
    let article = app.article().unwrap();
    let laid_out = article.lines.as_ref().expect("laid out");
    let lines: Vec<&str> = laid_out.iter().map(|l| l.text).collect();
    let at = lines.iter().position(|l| *l == LINKS_HEADING).unwrap();
    assert_eq!(
        &lines[at..at + 3],
        [
            LINKS_HEADING,
            "[1] https://example.org/gazette/ferry-times",
            "[2] https://port.example/red",
        ]
    );
    // The article's own link is last; too long for the pane, it is cut into pieces that
    // each link to the whole URL.
    assert_eq!(
        lines[at + 3..].concat(),
        format!("[3] Article: {ARTICLE_URL}")
    );
    assert!(laid_out.iter().skip(at + 3).all(|l| {
        l.spans.len() == 1
            && matches!(l.spans[0].style, Inline::Link(n) if article.link(n) == Some(ARTICLE_URL))
    }));
    // The body keeps its [n] markers but not the reference lines, which moved to the end.
    assert!(
        lines[..at]
            .iter()
            .any(|l| l.contains("[harbour website][1]"))
    );
    assert!(!lines[..at].iter().any(|l| l.starts_with("[1]:")));
}

#[test]
fn osc8_rewrites_only_the_link_cells_with_their_own_text() {
    let caps = TerminalCaps {
        hyperlinks: true,
        clipboard: true,
        ..TerminalCaps::default()
    };
    let run = run(links_app(caps), typed("\nG"), TestHost::default());
    let written = String::from_utf8(run.host.written.clone()).unwrap();
    // Saved and restored cursor around the rewrite, so the frame's cursor stays put.
    assert!(
        written.starts_with("\x1b7") && written.ends_with("\x1b8"),
        "{written:?}"
    );
    for url in [
        "https://example.org/gazette/ferry-times",
        "https://port.example/red",
        ARTICLE_URL,
    ] {
        assert!(
            written.contains(&format!("\x1b]8;;{url}\x1b\\")),
            "{url} in {written:?}"
        );
    }
    // Between the OSC 8 sequences only the link text (plus cursor moves and SGR) is printed:
    // stripping every escape sequence leaves exactly the three URLs.
    assert_eq!(
        strip_escapes(&written),
        format!("https://example.org/gazette/ferry-timeshttps://port.example/red{ARTICLE_URL}")
    );
}

#[test]
fn hyperlinks_are_written_once_not_on_every_frame() {
    let caps = TerminalCaps {
        hyperlinks: true,
        clipboard: true,
        ..TerminalCaps::default()
    };
    let once = run(links_app(caps), typed("\nG"), TestHost::default());
    // Toggling read twice redraws the list but leaves the article's links where they were.
    let again = run(links_app(caps), typed("\nGmm"), TestHost::default());
    assert!(!once.host.written.is_empty());
    assert_eq!(again.host.written, once.host.written);
    // Without hyperlinks nothing is written at all.
    let off = run(
        links_app(TerminalCaps::default()),
        typed("\nG"),
        TestHost::default(),
    );
    assert!(off.host.written.is_empty());
}

/// Removes CSI, OSC (ended by ST or BEL) and two-byte escapes.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Where each OSC 8 hyperlink was written: the cursor move before it, its URL, and the text
/// printed inside it.
fn hyperlinks(written: &str) -> Vec<(u16, u16, String, String)> {
    let mut found = Vec::new();
    let mut rest = written;
    while let Some(at) = rest.find("\x1b]8;;") {
        let before = &rest[..at];
        let after = &rest[at + 5..];
        let Some(url_end) = after.find("\x1b\\") else {
            break;
        };
        let url = &after[..url_end];
        let inside = &after[url_end + 2..];
        let Some(close) = inside.find("\x1b]8;;\x1b\\") else {
            break;
        };
        if !url.is_empty() {
            // The last cursor move before the link: ESC [ row ; col H, 1-based.
            let moved = before
                .rfind("\x1b[")
                .map(|m| &before[m + 2..])
                .unwrap_or("");
            let position = moved.strip_suffix('H').unwrap_or(moved);
            let (row, col) = position.split_once(';').unwrap_or((position, "1"));
            let row: u16 = row.parse().unwrap_or(0);
            let col: u16 = col.parse().unwrap_or(0);
            found.push((
                col.saturating_sub(1),
                row.saturating_sub(1),
                url.to_owned(),
                strip_escapes(&inside[..close]),
            ));
        }
        rest = &inside[close + 7..];
    }
    found
}

/// OSC 8 links were placed where the automatic layout would have drawn them, so under
/// `--layout stacked` or `side` they rewrote other cells. Drawing now says where it put each
/// link, and the hyperlink is written there, over the same text.
#[test]
fn hyperlinks_are_on_the_cells_that_show_their_links_in_every_layout() {
    use herald::app::options::PaneLayout;
    let caps = TerminalCaps {
        hyperlinks: true,
        clipboard: true,
        ..TerminalCaps::default()
    };
    for (layout, size) in [
        (PaneLayout::Stacked, (120, 40)),
        (PaneLayout::Side, (80, 30)),
        (PaneLayout::Auto, (100, 30)),
    ] {
        let app = App::new(
            links_library(),
            Marks::default(),
            herald::app::Options {
                layout,
                ..options()
            },
            size,
            Vec::new(),
        )
        .with_caps(caps);
        let run = run(app, typed("\nG"), TestHost::over(links_stores()));
        let written = String::from_utf8(run.host.written.clone()).unwrap();
        let links = hyperlinks(&written);
        assert!(links.len() >= 3, "{layout:?}: {links:?}");
        let screen = run.screen();
        let rows: Vec<&str> = screen.lines().collect();
        for (x, y, url, text) in &links {
            let row: String = rows[usize::from(*y)]
                .chars()
                .skip(usize::from(*x))
                .collect();
            assert!(
                row.starts_with(text.as_str()),
                "{layout:?}: {url} written at {x},{y} over {row:?}, not {text:?}"
            );
            assert!(
                url.starts_with(text.as_str()) || url.contains(text.as_str()),
                "{url} {text}"
            );
        }
    }
}

fn hostile_schemes_app(size: (u16, u16)) -> (App, Stores) {
    let path = crate::common::root().join("tests/fixtures/links/hostile-schemes.json");
    let stores = Stores::new(vec![StoreSource::Path(path)]).with_cache(None);
    let caps = TerminalCaps {
        hyperlinks: true,
        clipboard: true,
        ..TerminalCaps::default()
    };
    let app =
        App::new(stores.open(), Marks::default(), options(), size, Vec::new()).with_caps(caps);
    (app, stores)
}

/// `o` refuses `file:`, `javascript:` and custom schemes; a click on an OSC 8 hyperlink would
/// not ask, so those links must never become hyperlinks: only the one `o` would open does.
/// Both ways an article carries links are tried: `[n]:` references in a body, and HTML.
#[test]
fn only_links_o_would_open_become_hyperlinks() {
    for (keys, expected) in [
        ("\nG", "https://example.org"),
        ("j\nG", "https://example.org/html"),
    ] {
        let (app, stores) = hostile_schemes_app((120, 40));
        let run = run(app, typed(keys), TestHost::over(stores));
        let screen = run.screen();
        // The refused links are still shown, as text.
        for text in ["file:///etc/passwd", "javascript:alert(1)"] {
            assert!(screen.contains(text), "{text} not shown:\n{screen}");
        }
        let written = String::from_utf8(run.host.written.clone()).unwrap();
        let urls: Vec<String> = hyperlinks(&written)
            .into_iter()
            .map(|(_, _, url, _)| url)
            .collect();
        assert!(
            !urls.is_empty(),
            "{keys:?}: no hyperlink at all in {written:?}"
        );
        assert!(
            urls.iter().all(|url| url == expected),
            "{keys:?}: hyperlinks {urls:?}, only {expected} may be one"
        );
        for scheme in ["file:", "javascript:", "x-herald-handler:"] {
            assert!(
                !written.contains(&format!("\x1b]8;;{scheme}")),
                "{keys:?}: {scheme} written as OSC 8: {written:?}"
            );
        }
    }
}

/// Issue 16: a number typed before `o` or `y` picks that link of the article, as its
/// reference shows it (`2o`: `[2]`); the digits say what they will do.
#[test]
fn a_number_before_o_opens_that_link_and_before_y_copies_it() {
    let counting = run(
        links_app(TerminalCaps::default()),
        typed("\n2"),
        TestHost::default(),
    );
    assert!(
        counting
            .screen()
            .contains("Link 2: o opens it, y copies it."),
        "{}",
        counting.screen()
    );
    let opened = run(
        links_app(TerminalCaps::default()),
        typed("\n2o"),
        TestHost::default(),
    );
    assert_eq!(opened.host.links, ["https://port.example/red"]);
    let copied = run(
        links_app(TerminalCaps::default()),
        typed("\n1y"),
        TestHost::default(),
    );
    assert_eq!(
        copied.host.written,
        herald::present::reader::term::osc52("https://example.org/gazette/ferry-times")
    );
    // The article's own link is the last number, 3.
    let own = run(
        links_app(TerminalCaps::default()),
        typed("\n3o"),
        TestHost::default(),
    );
    assert_eq!(own.host.links, [ARTICLE_URL]);
    // A key between the number and o drops the number: o alone opens the article's link.
    let dropped = run(
        links_app(TerminalCaps::default()),
        typed("\n2jo"),
        TestHost::default(),
    );
    assert_eq!(dropped.host.links, [ARTICLE_URL]);
}

#[test]
fn a_numbered_link_from_the_list_reads_the_article_first_and_a_missing_one_is_named() {
    let from_list = run(
        links_app(TerminalCaps::default()),
        typed("1o"),
        TestHost::default(),
    );
    assert_eq!(
        from_list.host.links,
        ["https://example.org/gazette/ferry-times"]
    );
    let missing = run(
        links_app(TerminalCaps::default()),
        typed("\n12o"),
        TestHost::default(),
    );
    assert!(missing.host.links.is_empty());
    assert!(
        missing
            .screen()
            .contains("This article has no link 12: its links are 1 to 3."),
        "{}",
        missing.screen()
    );
}

/// `U`: the open article's links as a list of their own, said one at a time; Enter opens the
/// selected one, `y` copies it, a number picks one, and `q` goes back to the article.
#[test]
fn u_lists_the_links_numbered_and_enter_opens_the_selected_one() {
    let listed = run(
        links_app(TerminalCaps::default()),
        typed("\nU"),
        TestHost::default(),
    );
    let screen = listed.screen();
    assert!(
        screen.contains("Links of Night Ferry to Eastmarsh Returns | 3 links"),
        "{screen}"
    );
    assert!(
        screen.contains("1  https://example.org/gazette/ferry-times"),
        "{screen}"
    );
    assert!(
        screen.contains("3  The article's own page, https://example.org/gazette/2024/03/ferry"),
        "{screen}"
    );
    assert!(
        screen.contains("Links: 3. Link 1 of 3: https://example.org/gazette/ferry-times"),
        "{screen}"
    );
    let moved = run(
        links_app(TerminalCaps::default()),
        typed("\nUj"),
        TestHost::default(),
    );
    assert!(
        moved
            .screen()
            .contains("Link 2 of 3: https://port.example/red"),
        "{}",
        moved.screen()
    );
    assert_eq!(
        crate::reader::flow::selected_row(moved.terminal.backend().inner.buffer())
            .map(|row| row.trim().to_owned()),
        Some("2  https://port.example/red".to_owned())
    );
    let opened = run(
        links_app(TerminalCaps::default()),
        typed("\nUj\n"),
        TestHost::default(),
    );
    assert_eq!(opened.host.links, ["https://port.example/red"]);
    let by_number = run(
        links_app(TerminalCaps::default()),
        typed("\nU3\n"),
        TestHost::default(),
    );
    assert_eq!(by_number.host.links, [ARTICLE_URL]);
    let copied = run(
        links_app(TerminalCaps::default()),
        typed("\nUy"),
        TestHost::default(),
    );
    assert_eq!(
        copied.host.written,
        herald::present::reader::term::osc52("https://example.org/gazette/ferry-times")
    );
    // From the headline list, U opens the article and lists its links; q goes back to it.
    let back = run(
        links_app(TerminalCaps::default()),
        typed("Uq"),
        TestHost::default(),
    );
    assert!(
        back.screen()
            .contains("The night ferry sailed again on Saturday."),
        "{}",
        back.screen()
    );
    assert!(!back.screen().contains("Links of"), "{}", back.screen());
}

#[test]
fn u_on_an_article_without_links_says_so_and_stays_in_the_article() {
    let run = run(
        links_app(TerminalCaps::default()),
        typed("j\nU"),
        TestHost::default(),
    );
    assert!(
        run.screen().contains("This article has no links."),
        "{}",
        run.screen()
    );
    assert!(
        run.screen().contains("Stalls will open at five."),
        "{}",
        run.screen()
    );
}

/// A count is for the link keys: in the store list (where `o` sorts) and in help a digit does
/// nothing and says nothing; with `letter_keys = false` digits are no keys at all.
#[test]
fn a_digit_counts_only_where_a_link_key_can_follow() {
    let stores = run(
        links_app(TerminalCaps::default()),
        typed("L3"),
        TestHost::default(),
    );
    assert!(!stores.screen().contains("Link 3"), "{}", stores.screen());
    let help = run(
        links_app(TerminalCaps::default()),
        typed("?3"),
        TestHost::default(),
    );
    assert!(!help.screen().contains("Link 3:"), "{}", help.screen());
    let map = herald::app::Keymap::configured(false, &[]);
    assert_eq!(
        map.resolve(
            herald::app::InputMode::Command(herald::app::Place::List),
            herald::app::Key::char('3')
        ),
        None
    );
    let lines = herald::app::help::help_lines(&map, 120);
    assert!(
        !lines
            .iter()
            .any(|l| l.text.contains("A number typed first")),
        "the help offers counts no key can make"
    );
}

/// Over `herald serve` a link would open on the server, for nobody, and Ctrl-Z has no shell
/// to go back to: each key says what to do instead, and neither reaches the host.
#[test]
fn on_a_server_o_and_ctrl_z_say_why_and_do_nothing() {
    use herald::app::Key;
    use herald::present::reader::term::Input;
    let caps = TerminalCaps {
        remote: true,
        ..TerminalCaps::default()
    };
    let opened = run(links_app(caps), typed("\no"), TestHost::default());
    assert!(opened.host.links.is_empty(), "{:?}", opened.host.links);
    // The message takes two rows at this width: the words, then the link.
    let screen = opened.screen();
    let rows: Vec<&str> = screen.lines().rev().take(2).map(str::trim_end).collect();
    assert_eq!(
        rows,
        [
            ARTICLE_URL,
            "Links do not open over SSH; y copies this one:"
        ],
        "{screen}"
    );

    let mut keys = typed("");
    keys.push(Input::Key(Key::ctrl('z')));
    let suspended = run(links_app(caps), keys, TestHost::default());
    assert_eq!(suspended.host.suspends, 0);
    assert!(
        suspended
            .screen()
            .contains("There is nothing to suspend to over SSH; Ctrl-C leaves the reader."),
        "{}",
        suspended.screen()
    );

    // The local reader still opens and suspends.
    let local = run(
        links_app(TerminalCaps::default()),
        typed("\no"),
        TestHost::default(),
    );
    assert_eq!(local.host.links, [ARTICLE_URL]);
}
