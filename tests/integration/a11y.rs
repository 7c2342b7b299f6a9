//! Accessibility of the full-screen reader, checked the way a screen reader or a braille display
//! sees it, without running one (fenrir is too slow and timing-dependent for CI): the real
//! binary in a pseudo-terminal, read through the vt100 emulator.
//!
//! What fenrir taught us (transcripts in docs/accessibility.md): it reads the line under the
//! hardware cursor, so after every move that line must be the selected headline, starting with
//! its title, and never the status bar; a move must change no row's text (a `>` marker changed
//! two, and fenrir spoke both); a prompt or a message takes the cursor; without colour the
//! selection must still be reverse video; and every state must be readable as text.
//!
//! Every wait is on a condition with a deadline; no test sleeps for a fixed time. Each check
//! returns a `Result` so `the_checks_can_fail` can show that it rejects a wrong screen.

use std::collections::HashSet;
use std::time::Duration;

use unicode_width::UnicodeWidthChar;

use crate::common::sandbox::herald;
use crate::common::{Launch, Pty};

// ---------------------------------------------------------------------------------------------
// The pty harness is `common::pty`; this file starts every reader at 80x24 and waits for its
// first frame.

/// The sample data at 80x24.
fn standard() -> Launch<'static> {
    Launch {
        size: (80, 24),
        ..Launch::default()
    }
}

/// Starts Herald and waits for the first frame.
fn start(launch: Launch<'_>) -> Pty {
    let pty = Pty::launch(launch);
    pty.wait("the first frame", |s| {
        s.contents().contains("headlines") && s.cursor_position().0 > 0
    });
    pty
}

// ---------------------------------------------------------------------------------------------
// What the list should show: `herald list`, which uses the same order (newest first).

#[derive(Clone, Debug)]
struct Headline {
    date: String,
    title: String,
}

fn headlines() -> Vec<Headline> {
    let output = herald(&["list", "sample-data"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let text = output.stdout;
    // `DATE  FLAG      STORE<pad>  TITLE`: the store column is as wide as the widest name.
    let prefix = "2026-02-03  BREAKING  ".len();
    let store_width = text
        .lines()
        .map(|line| line[prefix..].split("  ").next().unwrap_or("").len())
        .max()
        .unwrap_or(0);
    // The reader says `undated` where `herald list` prints ten dashes (a screen reader
    // speaks those as "10 dash").
    text.lines()
        .map(|line| Headline {
            date: match &line[..10] {
                "----------" => "undated".to_owned(),
                date => short_date(date),
            },
            title: line[prefix + store_width + 2..].to_owned(),
        })
        .collect()
}

/// `2002-07-28` as the reader's rows write it: `28 Jul 2002`.
fn short_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let part = |range: std::ops::Range<usize>| iso[range].parse::<usize>().unwrap_or(1);
    format!("{} {} {}", part(8..10), MONTHS[part(5..7) - 1], &iso[..4])
}

/// The start of `title` that fits in 10 columns: always on screen, even at 40 columns.
fn title_start(title: &str) -> String {
    let mut width = 0;
    title
        .chars()
        .take_while(|c| {
            width += c.width().unwrap_or(0);
            width <= 10
        })
        .collect()
}

fn row_text(screen: &vt100::Screen, row: u16) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .nth(usize::from(row))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The checks. Each returns what is wrong instead of panicking, so it can be tested itself.

/// Whether `row` is shown selected: reverse video from its first cell. (The status bar on the
/// last row is reverse video too, and is never a headline.)
fn is_selected(screen: &vt100::Screen, row: u16) -> bool {
    let (rows, _) = screen.size();
    row > 0 && row + 1 < rows.get() && screen.cell(row, 0).is_some_and(vt100::Cell::inverse)
}

/// The cursor is at the start of the row showing `headline`, which starts with its title (a
/// braille display shows the start of the line), that row is the one in reverse video and no
/// other is, and the cursor is not on the last row (the status bar, when there is one). The
/// date is checked where the row is wide enough to have a date column.
fn focus_on_headline(screen: &vt100::Screen, headline: &Headline) -> Result<(), String> {
    let (row, col) = screen.cursor_position();
    let (rows, _) = screen.size();
    let text = row_text(screen, row);
    if col != 0 {
        return Err(format!("cursor in column {col}, not at the start of a row"));
    }
    if row == 0 || row + 1 >= rows.get() {
        return Err(format!(
            "cursor on row {row}, the header or bottom line: {text:?}"
        ));
    }
    let start = title_start(&headline.title);
    if !text.starts_with(&start) {
        return Err(format!(
            "cursor row {row} does not start with {start:?}: {text:?}"
        ));
    }
    let (_, cols) = screen.size();
    if list_width(cols.get()) >= 60 && !text.contains(&headline.date) {
        return Err(format!(
            "cursor row {row} lacks the date {}: {text:?}",
            headline.date
        ));
    }
    let marked: Vec<u16> = (0..rows.get())
        .filter(|&r| is_selected(screen, r))
        .collect();
    if marked != [row] {
        return Err(format!(
            "rows in reverse video: {marked:?}, expected only {row}"
        ));
    }
    Ok(())
}

/// Back in the list from an article (q, Esc, Tab): the message says so with the headline's
/// whole title and has the cursor (only the status bar changed otherwise, and that was all
/// fenrir spoke), and that headline's row is the selected one.
fn back_on_headline(screen: &vt100::Screen, headline: &Headline) -> Result<(), String> {
    let (rows, _) = screen.size();
    let last = rows.get() - 1;
    // On the message's first row: a long one wraps over the bottom rows.
    let (row, _) = screen.cursor_position();
    if row + 2 < last {
        return Err(format!("cursor on row {row}, not on the message"));
    }
    cursor_at(
        screen,
        row,
        0,
        &format!("Headline list: {}", title_start(&headline.title)),
    )?;
    let selected: Vec<u16> = (1..last).filter(|&r| is_selected(screen, r)).collect();
    match selected.as_slice() {
        [row] if row_text(screen, *row).starts_with(&title_start(&headline.title)) => Ok(()),
        _ => Err(format!("selected rows {selected:?}")),
    }
}

/// The cursor is on `row` at `col`, and that row holds `text`.
fn cursor_at(screen: &vt100::Screen, row: u16, col: u16, text: &str) -> Result<(), String> {
    let line = row_text(screen, row);
    if screen.cursor_position() != (row, col) {
        return Err(format!(
            "cursor at {:?}, expected ({row}, {col})",
            screen.cursor_position()
        ));
    }
    if !line.contains(text) {
        return Err(format!("row {row} lacks {text:?}: {line:?}"));
    }
    Ok(())
}

/// Every cell of the cursor row is in reverse video.
fn cursor_row_reversed(screen: &vt100::Screen) -> Result<(), String> {
    let (row, _) = screen.cursor_position();
    let (_, cols) = screen.size();
    let list_width = list_width(cols.get());
    for col in 0..list_width {
        let cell = screen.cell(row, col).ok_or("no cell")?;
        if !cell.inverse() {
            return Err(format!("row {row} column {col} is not reverse video"));
        }
    }
    Ok(())
}

/// No cell on screen has a foreground or background colour.
fn no_colour_anywhere(screen: &vt100::Screen) -> Result<(), String> {
    let (rows, cols) = screen.size();
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            let cell = screen.cell(row, col).ok_or("no cell")?;
            if cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default {
                return Err(format!(
                    "row {row} column {col} ({:?}) has colour {:?} on {:?}",
                    cell.contents(),
                    cell.fgcolor(),
                    cell.bgcolor()
                ));
            }
        }
    }
    Ok(())
}

/// SGR parameters in `bytes` that set a colour (30-38, 40-48, 90-97, 100-107).
fn colour_sgr(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for (start, _) in text.match_indices("\x1b[") {
        let rest = &text[start + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(rest.len());
        if !rest[end..].starts_with('m') {
            continue;
        }
        let colour = rest[..end].split(';').any(|p| {
            p.parse::<u32>()
                .is_ok_and(|n| matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107))
        });
        if colour {
            found.push(rest[..end].to_owned());
        }
    }
    found
}

/// Width of the headline list: three fifths of the screen from 140 columns on, else all of it.
fn list_width(cols: u16) -> u16 {
    if cols >= 140 {
        (cols * 3 / 5).min(100)
    } else {
        cols
    }
}

// ---------------------------------------------------------------------------------------------
// The cursor follows the selection (what fenrir's "read current line" and braille read).

fn walk_down_and_up(launch: Launch<'_>) {
    let expected = headlines();
    let mut pty = start(launch);
    pty.must(|s| focus_on_headline(s, &expected[0]));
    // More moves than the list has rows at 80x24 and 40x12, so the list scrolls too.
    for (i, headline) in expected.iter().enumerate().take(13).skip(1) {
        pty.send("j");
        pty.must(|s| focus_on_headline(s, headline).map_err(|e| format!("after j #{i}: {e}")));
    }
    for i in (9..12).rev() {
        pty.send("k");
        pty.must(|s| focus_on_headline(s, &expected[i]).map_err(|e| format!("after k: {e}")));
    }
    pty.send("G");
    pty.must(|s| focus_on_headline(s, expected.last().expect("headlines")));
    pty.send("g");
    pty.must(|s| focus_on_headline(s, &expected[0]));
    pty.quit();
}

/// One utterance per key: a move in the list changes no text on screen, only which row is in
/// reverse video and where the cursor is, so a screen reader (fenrir speaks changed text, and
/// the cursor's line when no text changed) says the new headline once. With a `>` marker the
/// old and the new row both changed, and both were spoken.
#[test]
fn a_move_changes_no_text_only_the_selection_and_the_cursor() {
    for size in [(80, 24), (40, 12), (140, 30)] {
        let expected = headlines();
        let mut pty = start(Launch { size, ..standard() });
        pty.must(|s| focus_on_headline(s, &expected[0]));
        // Rows as a screen reader's emulator holds them: blanks at the end are blanks whether
        // written or not.
        let text = |s: &vt100::Screen| -> Vec<String> {
            let (_, cols) = s.size();
            s.rows(0, cols.get())
                .map(|r| r.trim_end().to_owned())
                .collect()
        };
        for (key, headline) in [
            ("j", &expected[1]),
            ("j", &expected[2]),
            ("k", &expected[1]),
        ] {
            let before = pty.with_screen(text);
            pty.send(key);
            pty.must(|s| focus_on_headline(s, headline));
            let after = pty.with_screen(text);
            assert_eq!(before, after, "{size:?} {key}: the text changed");
        }
        // The control: a key that changes a row (m) does change the text.
        let before = pty.with_screen(vt100::Screen::contents);
        pty.send("m");
        pty.wait("the mark", |s| s.contents() != before);
        pty.quit();
    }
}

#[test]
fn after_each_move_the_cursor_row_is_the_selected_headline_at_80x24() {
    walk_down_and_up(standard());
}

#[test]
fn after_each_move_the_cursor_row_is_the_selected_headline_side_by_side() {
    walk_down_and_up(Launch {
        size: (140, 30),
        ..standard()
    });
}

#[test]
fn after_each_move_the_cursor_row_is_the_selected_headline_at_40x12() {
    walk_down_and_up(Launch {
        size: (40, 12),
        ..standard()
    });
}

#[test]
fn the_cursor_follows_the_selection_without_the_alternate_screen() {
    walk_down_and_up(Launch {
        args: &["--no-alt-screen", "sample-data"],
        ..standard()
    });
}

/// `--layout stacked` at 100 columns, where `--layout side` puts them side by side: every
/// screen line holds one pane only, so "read current line" hears a headline and nothing else
/// in the list, and only article text in the article.
#[test]
fn the_stacked_layout_keeps_headlines_and_article_text_on_separate_lines() {
    let expected = headlines();
    for (layout, stacked) in [("stacked", true), ("side", false)] {
        let mut pty = start(Launch {
            args: &["--layout", layout, "sample-data"],
            size: (100, 30),
            ..standard()
        });
        pty.send("j");
        pty.must(|s| focus_on_headline(s, &expected[1]));
        pty.send("\r");
        pty.wait("the article", |s| {
            row_text(s, s.cursor_position().0).contains("Breaking News")
        });
        let (line, separators) = pty.with_screen(|s| {
            let line = row_text(s, s.cursor_position().0);
            let separators = (0..30).filter(|&r| row_text(s, r).contains('│')).count();
            (line, separators)
        });
        if stacked {
            assert_eq!(line.trim(), "Breaking News", "{layout}");
            assert_eq!(separators, 0, "{layout}: {}", pty.screen_text());
        } else {
            // The control: side by side, the same line starts with a headline.
            assert!(line.contains('│') && line.len() > 60, "{layout}: {line:?}");
        }
        pty.send("q");
        pty.must(|s| back_on_headline(s, &expected[1]));
        pty.quit();
    }
}

#[test]
fn the_status_bar_is_on_the_last_row_and_the_cursor_never_is() {
    let expected = headlines();
    let mut pty = start(standard());
    let last = pty.last_row();
    pty.must(|s| focus_on_headline(s, &expected[0]));
    pty.with_screen(|s| {
        let bar = row_text(s, last);
        assert!(bar.starts_with("? help  q quit"), "status bar: {bar:?}");
    });
    for headline in &expected[1..4] {
        pty.send("j");
        pty.must(|s| focus_on_headline(s, headline));
    }
    pty.quit();
}

#[test]
fn without_the_status_bar_the_last_row_is_free_until_a_message_needs_it() {
    let expected = headlines();
    for launch in [
        Launch {
            args: &["--no-status-bar", "sample-data"],
            ..standard()
        },
        Launch {
            config: Some("status_bar = false\n"),
            ..standard()
        },
    ] {
        let mut pty = start(launch);
        let last = pty.last_row();
        pty.send("j");
        pty.must(|s| focus_on_headline(s, &expected[1]));
        pty.with_screen(|s| {
            let bottom = row_text(s, last);
            assert!(!bottom.contains("? help"), "status bar shown: {bottom:?}");
        });
        // Tab with no article open answers with a message: it takes the last row and the cursor.
        pty.send("\t");
        pty.must(|s| cursor_at(s, last, 0, "Open an article with Enter first."));
        // A move gives the cursor back to the selection and keeps the message in view: had
        // it gone, its row changing would be all a screen reader spoke of the move.
        pty.send("j");
        pty.must(|s| focus_on_headline(s, &expected[2]));
        pty.with_screen(|s| assert!(row_text(s, last).contains("Open an article")));
        // Any other key clears it.
        pty.send("c");
        pty.must(|s| cursor_at(s, last, 0, "High contrast on"));
        pty.quit();
    }
}

#[test]
fn the_search_prompt_and_its_answers_take_the_cursor() {
    let mut pty = start(standard());
    let last = pty.last_row();
    pty.send("/");
    pty.must(|s| cursor_at(s, last, 1, "/"));
    pty.send("Ivanov");
    pty.must(|s| cursor_at(s, last, 7, "/Ivanov"));
    pty.send("\r");
    let seed = Headline {
        date: "28 Jul 2002".to_owned(),
        title: "Russian Foreign Minister Arrives in North Korea".to_owned(),
    };
    // The answer says what was found, where the cursor is; the next key gives the cursor back
    // to the selection, which is the match.
    pty.must(|s| cursor_at(s, last, 0, "1 match: Russian Foreign Minister"));
    pty.send("j");
    pty.send("k");
    pty.must(|s| focus_on_headline(s, &seed));
    // A search that finds nothing says so where the cursor is.
    pty.send("/zqxjv\r");
    pty.must(|s| cursor_at(s, last, 0, "No match for \"zqxjv\"."));
    // Esc leaves the prompt without searching.
    pty.send("/abc\x1b");
    pty.must(|s| focus_on_headline(s, &seed));
    pty.quit();
}

#[test]
fn an_open_article_takes_the_cursor_and_tab_gives_it_back() {
    let mut pty = start(standard());
    pty.send("/Ivanov\r");
    let seed = Headline {
        date: "28 Jul 2002".to_owned(),
        title: "Russian Foreign Minister Arrives in North Korea".to_owned(),
    };
    pty.must(|s| cursor_at(s, 23, 0, "1 match: Russian Foreign Minister"));
    pty.send("\r");
    // Stacked at 80x24: header, 8 list rows, the separator, then the article from row 10.
    pty.must(|s| cursor_at(s, 10, 1, "Breaking News"));
    // Tab says where the keys went, to what: only the status bar changed otherwise.
    pty.send("\t");
    pty.must(|s| cursor_at(s, 23, 0, "Headline list: Russian Foreign Minister"));
    pty.send("\t");
    pty.must(|s| cursor_at(s, 23, 0, "Article: Russian Foreign Minister"));
    pty.send("g");
    pty.must(|s| cursor_at(s, 10, 1, "Breaking News"));
    pty.send("\t");
    pty.must(|s| cursor_at(s, 23, 0, "Headline list: Russian Foreign Minister"));
    pty.send("\t");
    // q leaves the article for the list (and does not quit).
    pty.send("q");
    pty.must(|s| back_on_headline(s, &seed));
    pty.quit();
}

#[test]
fn the_help_screen_puts_the_cursor_on_its_title() {
    let expected = headlines();
    let mut pty = start(standard());
    pty.send("j?");
    pty.must(|s| cursor_at(s, 0, 0, "Herald keys. Close with q, Backspace or ?"));
    pty.send("\x1b");
    pty.must(|s| focus_on_headline(s, &expected[1]));
    pty.quit();
}

// ---------------------------------------------------------------------------------------------
// Without colour: reverse video and text markers carry everything.

#[test]
fn without_colour_the_selection_is_reverse_video_and_nothing_is_coloured() {
    let expected = headlines();
    let cases: [(&str, Launch<'_>); 5] = [
        (
            "NO_COLOR=1",
            Launch {
                env: &[("NO_COLOR", "1")],
                ..standard()
            },
        ),
        (
            "--color never",
            Launch {
                args: &["--color", "never", "sample-data"],
                ..standard()
            },
        ),
        (
            "--high-contrast",
            Launch {
                args: &["--high-contrast", "sample-data"],
                ..standard()
            },
        ),
        (
            "theme = \"high-contrast\"",
            Launch {
                config: Some("theme = \"high-contrast\"\n"),
                ..standard()
            },
        ),
        (
            "--theme mono",
            Launch {
                args: &["--theme", "mono", "sample-data"],
                ..standard()
            },
        ),
    ];
    for (name, launch) in cases {
        let mut pty = start(launch);
        for headline in &expected[1..4] {
            pty.send("j");
            pty.must(|s| {
                focus_on_headline(s, headline)
                    .and_then(|()| cursor_row_reversed(s))
                    .and_then(|()| no_colour_anywhere(s))
                    .map_err(|e| format!("{name}: {e}"))
            });
        }
        let colours = colour_sgr(&pty.bytes_since(0));
        assert!(colours.is_empty(), "{name}: colour SGR {colours:?}");
        pty.quit();
    }
}

#[test]
fn the_high_contrast_key_takes_colour_away_and_brings_it_back() {
    let expected = headlines();
    let mut pty = start(standard());
    // The default theme colours the BREAKING markers (control: the check sees colour).
    pty.wait("coloured BREAKING markers", |s| {
        no_colour_anywhere(s).is_err()
    });
    pty.send("c");
    pty.must(|s| cursor_at(s, 23, 0, "High contrast on").and_then(|()| no_colour_anywhere(s)));
    pty.send("j");
    pty.must(|s| {
        focus_on_headline(s, &expected[1])
            .and_then(|()| cursor_row_reversed(s))
            .and_then(|()| no_colour_anywhere(s))
    });
    pty.with_screen(|s| {
        let (row, _) = s.cursor_position();
        assert!(s.cell(row, 0).expect("cell").bold(), "high contrast: bold");
    });
    pty.send("c");
    pty.wait("colour again", |s| no_colour_anywhere(s).is_err());
    pty.must(|s| cursor_at(s, 23, 0, "High contrast off"));
    pty.send("k");
    pty.must(|s| focus_on_headline(s, &expected[0]));
    pty.quit();
}

#[test]
fn every_state_is_written_as_text() {
    let expected = headlines();
    let mut pty = start(standard());
    // Unread and breaking, from the text alone (no styles), after the title.
    pty.send("j");
    pty.must(|s| focus_on_headline(s, &expected[1]));
    let state = |s: &vt100::Screen, row: u16| {
        let text = row_text(s, row);
        // The state group comes after the title's column: 80 - 17 - 1 - 11 - 1 = 50 wide.
        text.chars().skip(51).take(17).collect::<String>()
    };
    pty.with_screen(|s| {
        let (row, _) = s.cursor_position();
        assert_eq!(state(s, row), "BREAKING unread  ", "{:?}", row_text(s, row));
        assert_eq!(
            state(s, row - 1),
            "         unread  ",
            "{:?}",
            row_text(s, row - 1)
        );
    });
    // Starred: `*`; read (m): `unread` goes. Each says so on the message line, which takes
    // the cursor; the row's title is not said again (it is spoken with the changed row).
    let row = pty.with_screen(|s| s.cursor_position().0);
    pty.send("s");
    pty.must(|s| cursor_at(s, 23, 0, "Starred."));
    pty.with_screen(|s| assert_eq!(state(s, row), "BREAKING unread *"));
    pty.send("m");
    pty.must(|s| cursor_at(s, 23, 0, "Marked read."));
    pty.with_screen(|s| assert_eq!(state(s, row), "BREAKING        *"));
    // `M` shows the last message again, with the cursor on it.
    pty.send("j");
    pty.must(|s| focus_on_headline(s, &expected[2]));
    pty.send("M");
    pty.must(|s| cursor_at(s, 23, 0, "Marked read."));
    pty.send("k");
    pty.must(|s| focus_on_headline(s, &expected[1]));
    // Breaking, in the article: a banner in words.
    pty.send("\r");
    pty.must(|s| cursor_at(s, 10, 1, "Breaking News"));
    pty.send("q");
    pty.must(|s| back_on_headline(s, &expected[1]));
    // A filter says so in the header, in words.
    pty.send("u");
    pty.wait("the filter", |s| row_text(s, 0).contains("unread only"));
    pty.quit();
}

// ---------------------------------------------------------------------------------------------
// The checks themselves.

/// Negative controls: every check above rejects a screen that is wrong.
#[test]
fn the_checks_can_fail() {
    let expected = headlines();
    let mut pty = start(standard());
    pty.send("j");
    pty.must(|s| focus_on_headline(s, &expected[1]));
    pty.with_screen(|s| {
        // The wrong headline, the status bar, a wrong prompt position.
        assert!(focus_on_headline(s, &expected[2]).is_err());
        assert!(focus_on_headline(s, &expected[0]).is_err());
        assert!(cursor_at(s, 23, 0, "? help").is_err());
        // Only the selected row is reversed; the default theme has colour.
        assert!(cursor_row_reversed(s).is_ok());
        assert!(no_colour_anywhere(s).is_err());
    });
    // A wait on something that never happens fails and shows the screen.
    let error = pty
        .wait_for(Duration::from_millis(300), |s| {
            focus_on_headline(s, &expected[5])
        })
        .expect_err("must fail");
    assert!(error.contains("headlines"), "{error}");
    assert!(colour_sgr(b"\x1b[3;1H\x1b[39m\x1b[49m\x1b[7m").is_empty());
    assert_eq!(colour_sgr(b"\x1b[1;31m"), vec!["1;31"]);
    assert_eq!(title_start("Lakeview Council"), "Lakeview C");
    assert_eq!(title_start("日本語入力に対応"), "日本語入力");
    pty.quit();
}

// ---------------------------------------------------------------------------------------------
// Wide characters: fenrir's terminal emulator (pyte 0.8.0) crashed on half-erased ones.

/// Cells a frame's bytes write, following cursor moves (`ESC[r;cH`) and character widths.
fn written_cells(bytes: &[u8]) -> HashSet<(u16, u16)> {
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars().peekable();
    let (mut row, mut col) = (0u16, 0u16);
    let mut written = HashSet::new();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() != Some(&'[') {
                chars.next();
                continue;
            }
            chars.next();
            let mut params = String::new();
            for c in chars.by_ref() {
                if ('\x40'..='\x7e').contains(&c) {
                    if c == 'H' {
                        let mut parts = params.split(';').map(|p| p.parse::<u16>().unwrap_or(1));
                        row = parts.next().unwrap_or(1).max(1) - 1;
                        col = parts.next().unwrap_or(1).max(1) - 1;
                    }
                    break;
                }
                params.push(c);
            }
            continue;
        }
        if c.is_control() {
            continue;
        }
        let width = u16::try_from(c.width().unwrap_or(0)).unwrap_or(0);
        for i in 0..width {
            written.insert((row, col + i));
        }
        col += width;
    }
    written
}

/// Wide characters (CJK, emoji) that a frame overwrote with a narrow character in their left
/// cell without writing their right cell. Real terminals blank the whole wide character; the
/// pyte 0.8.0 emulator inside fenrir 1.9 keeps the right half as an empty cell and then fails
/// with `IndexError: string index out of range` (selectel/pyte#207), which ends fenrir.
fn half_erased_wide_characters(before: &vt100::Screen, bytes: &[u8]) -> Vec<(u16, u16)> {
    let written = written_cells(bytes);
    let (rows, cols) = before.size();
    let mut found = Vec::new();
    for row in 0..rows.get() {
        for col in 0..cols.get().saturating_sub(1) {
            let wide = before.cell(row, col).is_some_and(vt100::Cell::is_wide);
            if wide && written.contains(&(row, col)) && !written.contains(&(row, col + 1)) {
                found.push((row, col));
            }
        }
    }
    found
}

/// Whether `bytes` end with a cursor position (`ESC[r;cH` or `ESC[rH`).
fn ends_with_cursor_move(bytes: &[u8]) -> bool {
    let Some(start) = bytes.windows(2).rposition(|w| w == b"\x1b[") else {
        return false;
    };
    let tail = &bytes[start + 2..];
    tail.last() == Some(&b'H')
        && tail[..tail.len() - 1]
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b';')
}

#[test]
fn the_wide_character_check_sees_a_half_erased_character() {
    let mut parser = vt100::Parser::new(2.try_into().expect("2"), 10.try_into().expect("10"), 0);
    parser.process("\x1b[1;1Hab日本".as_bytes());
    let before = parser.screen().clone();
    assert_eq!(
        half_erased_wide_characters(&before, b"\x1b[1;3H \x1b[1;5H "),
        vec![(0, 2), (0, 4)]
    );
    assert!(half_erased_wide_characters(&before, b"\x1b[1;3H    ").is_empty());
    assert!(half_erased_wide_characters(&before, "\x1b[1;3H本日".as_bytes()).is_empty());
    assert!(ends_with_cursor_move(b"x\x1b[0m\x1b[3;1H"));
    assert!(ends_with_cursor_move(b"x\x1b[3H"));
    assert!(!ends_with_cursor_move(b"\x1b[3Hx"));
    assert!(!ends_with_cursor_move(b"\x1b[0m"));
}

/// `b` (and `]`, `?`) replace rows that held wide characters; ratatui alone writes only the left
/// cell of each, which crashed fenrir (see `herald::present::reader::wide` and docs/accessibility.md).
#[test]
fn redraws_never_half_erase_a_wide_character() {
    let mut pty = start(Launch {
        size: (100, 30),
        ..standard()
    });
    for (key, done) in [
        ("b", "breaking only"),
        ("b", "47 of 47"),
        ("?", "Herald keys"),
    ] {
        let before = pty.with_screen(Clone::clone);
        let start = pty.byte_count();
        pty.send(key);
        // The cursor is placed last in a frame (`ESC[row;colH`): once the bytes end with that,
        // and the screen shows the change, the frame's bytes are all here.
        pty.wait(done, |s| {
            s.contents().contains(done) && ends_with_cursor_move(&pty.bytes_since(start))
        });
        let half = half_erased_wide_characters(&before, &pty.bytes_since(start));
        assert!(
            half.is_empty(),
            "{key}: wide characters half erased at {half:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The screen-reader profile.

/// `--screen-reader` (or `profile = "screen-reader"`, or `ACCESSIBLE` when plain mode is turned
/// off): one pane at a time, and the last row says the focused headline whole, in words. Each
/// move changes that row and nothing else, so it is the one thing a screen reader speaks.
#[test]
fn the_screen_reader_profile_says_the_focused_headline_whole_and_one_pane_at_a_time() {
    let expected = headlines();
    let launches = [
        Launch {
            args: &["--screen-reader", "sample-data"],
            ..standard()
        },
        Launch {
            config: Some("profile = \"screen-reader\"\n"),
            ..standard()
        },
        Launch {
            env: &[("ACCESSIBLE", "1"), ("HERALD_PLAIN", "0")],
            ..standard()
        },
    ];
    for launch in launches {
        let mut pty = start(launch);
        let last = pty.last_row();
        // The cursor is on the focus line (a braille display shows the whole title there);
        // the list row is selected in reverse video.
        let on_focus_line = |s: &vt100::Screen, headline: &Headline| {
            cursor_at(s, last - 1, 0, &title_start(&headline.title))?;
            let selected: Vec<u16> = (1..last - 1).filter(|&r| is_selected(s, r)).collect();
            match selected.as_slice() {
                [row] if row_text(s, *row).starts_with(&title_start(&headline.title)) => Ok(()),
                _ => Err(format!("selected rows {selected:?}")),
            }
        };
        pty.must(|s| on_focus_line(s, &expected[0]));
        let rows = |s: &vt100::Screen| -> Vec<String> {
            let (_, cols) = s.size();
            s.rows(0, cols.get())
                .map(|r| r.trim_end().to_owned())
                .collect()
        };
        let before = pty.with_screen(rows);
        pty.send("j");
        pty.must(|s| on_focus_line(s, &expected[1]));
        // Two rows: the title whole, then its state, date and store in words.
        let focus = format!(
            "{}. Breaking, unread. 20 January 2026, Open Source Weekly.",
            expected[1].title
        );
        pty.wait("the focus line", |s| {
            let line = format!("{} {}", row_text(s, last - 1).trim_end(), row_text(s, last));
            line.trim_end() == focus
        });
        let after = pty.with_screen(rows);
        let changed: Vec<usize> = (0..before.len())
            .filter(|&r| before[r] != after[r])
            .collect();
        let focus_rows = vec![usize::from(last - 1), usize::from(last)];
        assert_eq!(changed, focus_rows, "only the focus line changed");
        // The list fills the screen: no separator and no article placeholder under it.
        assert!(!pty.screen_text().contains('─'), "{}", pty.screen_text());
        // Enter: the article alone, no headline row beside or above it, no position counter.
        pty.send("\r");
        pty.wait("the article", |s| s.contents().contains("Breaking News"));
        pty.with_screen(|s| {
            let text = s.contents();
            assert!(!text.contains("line 1 of"), "{text}");
            assert!(!text.contains("BREAKING unread"), "{text}");
            // Which article of the list, not its title again (opening it spoke that).
            assert_eq!(
                row_text(s, last - 1).trim_end(),
                "Article 2 of 47.",
                "{text}"
            );
        });
        pty.send("q");
        pty.must(|s| on_focus_line(s, &expected[1]));
        pty.quit();
    }
}
