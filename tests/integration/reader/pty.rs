//! End-to-end: the real binary in a pseudo-terminal, read through a vt100 emulator (the
//! harness is `common::pty`). Waits are on conditions with a generous deadline (slow CI only
//! makes them slower, never flaky); no test asserts how long anything took.

use std::time::Duration;

use crate::common::{Launch, Pty, deadline};

fn started(pty: &Pty) {
    pty.wait_for_text("headlines");
    pty.wait_for_text("BREAKING");
}

/// The first headline's row: below the header and the breaking-news banner, which the sample
/// data raises (it has unread breaking stories that never go stale without `[breaking]`).
const FIRST: u16 = 2;

#[test]
fn starts_opens_searches_and_quits_restoring_the_terminal() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    pty.send("/Ivanov\r");
    pty.wait_for_text("Russian Foreign Minister Arrives in North Korea");
    pty.wait_until("the match selected", deadline(), |s| {
        selected_line(s).is_some_and(|l| l.starts_with("Russian Foreign Minister"))
    })
    .expect("the search selects the seed");
    pty.send("\r");
    pty.wait_for_text("Breaking News");
    pty.wait_for_text("Russian Foreign Minister Igor");
    pty.send("q");
    pty.wait_for_text("Headline list: Russian Foreign Minister Arrives in North Korea");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn the_cursor_is_on_the_selected_row_after_each_move() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    pty.wait_for_cursor(FIRST, 0);
    for row in FIRST + 1..FIRST + 5 {
        pty.send("j");
        pty.wait_for_cursor(row, 0);
        let line = pty
            .screen_text()
            .lines()
            .nth(usize::from(row))
            .map(str::to_owned);
        assert_eq!(line, pty.with_screen(selected_line));
    }
    pty.send("k");
    pty.wait_for_cursor(FIRST + 3, 0);
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_move_writes_no_clear_screen_and_only_a_few_bytes() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    pty.wait_for_cursor(FIRST, 0);
    let before = pty.byte_count();
    pty.send("j");
    pty.wait_for_cursor(FIRST + 1, 0);
    // Let the frame's last bytes arrive: the cursor is moved last, so they have.
    let written = pty.bytes_since(before);
    let text = String::from_utf8_lossy(&written);
    assert!(!text.contains("\x1b[2J"), "a move cleared the screen");
    // Two rows of 100 columns plus escape sequences; far less than a full 100x30 repaint.
    assert!(written.len() < 1000, "one j wrote {} bytes", written.len());
    pty.send("q");
    pty.wait_exit();
}

#[test]
fn a_panic_leaves_the_terminal_restored() {
    let mut pty = Pty::launch(Launch {
        env: &[("HERALD_TEST_PANIC", "1")],
        ..Launch::default()
    });
    started(&pty);
    pty.send("j");
    assert_eq!(pty.wait_exit(), 101, "a panic exits with 101");
    pty.assert_restored();
    pty.wait_for_text("deliberate panic");
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    let pid = rustix::process::Pid::from_raw(pty.pid()).expect("pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("kill");
    assert_eq!(pty.wait_exit(), 143);
    pty.assert_restored();
}

#[test]
fn closing_the_terminal_ends_herald_even_with_sighup_ignored() {
    let mut pty = Pty::launch(Launch {
        shell_prefix: Some("trap '' HUP;"),
        ..Launch::default()
    });
    started(&pty);
    pty.hang_up();
    let code = pty.wait_exit();
    assert!(code != 0, "exit code {code}");
}

#[test]
fn no_color_keeps_the_selection_in_reverse_video_with_no_colour() {
    let mut pty = Pty::launch(Launch {
        env: &[("NO_COLOR", "1")],
        ..Launch::default()
    });
    started(&pty);
    pty.send("j");
    pty.wait_for_cursor(FIRST + 1, 0);
    pty.with_screen(|screen| {
        for col in 0..40 {
            let cell = screen.cell(FIRST + 1, col).expect("cell");
            assert!(cell.inverse(), "selected row, column {col}");
            assert_eq!(cell.fgcolor(), vt100::Color::Default);
            assert_eq!(cell.bgcolor(), vt100::Color::Default);
        }
        assert!(!screen.cell(FIRST + 2, 30).expect("cell").inverse());
    });
    let text = String::from_utf8_lossy(&pty.bytes_since(0)).into_owned();
    let colours = colour_parameters(&text);
    assert!(colours.is_empty(), "colour SGR under NO_COLOR: {colours:?}");
    pty.send("q");
    pty.wait_exit();
}

/// SGR parameters that set a colour (30-37, 38, 40-47, 48, 90-97, 100-107); 39 and 49 (the
/// default colours) are not colours.
fn colour_parameters(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (start, _) in text.match_indices("\x1b[") {
        let rest = &text[start + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(rest.len());
        if !rest[end..].starts_with('m') {
            continue;
        }
        for parameter in rest[..end].split(';') {
            if let Ok(n) = parameter.parse::<u32>()
                && matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107)
            {
                found.push(rest[..end].to_owned());
            }
        }
    }
    found
}

#[test]
fn the_colour_check_sees_colours() {
    assert!(colour_parameters("\x1b[3;1H\x1b[39m\x1b[49m\x1b[7m").is_empty());
    assert_eq!(colour_parameters("\x1b[1;31m"), vec!["1;31"]);
    assert_eq!(colour_parameters("\x1b[38;5;1m").len(), 1);
}

#[test]
fn help_lists_every_key() {
    // Tall enough for the whole help, the search prompt's keys included.
    let mut pty = Pty::launch(Launch {
        size: (120, 60),
        ..Launch::default()
    });
    started(&pty);
    pty.send("?");
    pty.wait_for_text("Herald keys");
    // The help's last line, so the whole frame has arrived, not only its first rows (a loaded
    // machine hands the frame over in pieces).
    pty.wait_for_text("In the list:");
    let screen = pty.screen_text();
    for key in [
        "j Down",
        "Space PageDown Ctrl-F",
        "Ctrl-L",
        "Ctrl-Z",
        "Tab",
        "] ",
        "[ ",
        "At the search prompt:",
        "Ctrl-W",
        "Up Down",
    ] {
        assert!(screen.contains(key), "{key:?} missing from help:\n{screen}");
    }
    pty.send("q");
    pty.wait_for_text("headlines");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
}

/// The harness must be able to fail: waiting for something that never appears reports an
/// error with the screen, instead of passing by accident.
#[test]
fn the_harness_can_fail() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    let result = pty.wait_until(
        "a headline that is not there",
        Duration::from_millis(300),
        |s| {
            s.contents()
                .contains("Herald Wins Pulitzer For Terminal Journalism")
        },
    );
    let error = result.expect_err("the wait must fail");
    assert!(error.contains("headlines"), "the error shows the screen");
    // And a cursor check against the wrong row fails too.
    assert!(
        pty.wait_until("cursor on row 7", Duration::from_millis(300), |s| s
            .cursor_position()
            == (7, 0))
            .is_err()
    );
    pty.send("q");
    pty.wait_exit();
}

#[test]
fn resizing_relays_out_and_tiny_sizes_say_so() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    pty.resize(30, 8);
    pty.wait_for_text("Terminal too small");
    pty.resize(120, 40);
    pty.wait_for_text("headlines");
    pty.wait_for_cursor(FIRST, 0);
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
}

/// A key and a resize that reach Herald at the same moment must both take effect. crossterm's
/// default (mio) event source waits on the tty and its SIGWINCH pipe edge-triggered, and when
/// one wake-up reports both it returns the key and drops the pipe's readiness: the resize was
/// then never seen (the SSH test's "Enter, G, resize" hung about one run in eight). Each round
/// sends a key and a resize back to back, in both orders, so that one wake-up sees both; a
/// lost resize never recovers, so every round waits for the new size with a deadline.
#[test]
fn a_resize_that_arrives_with_a_key_is_never_lost() {
    const ROUNDS: usize = 200;
    let mut pty = Pty::launch(Launch {
        args: &["tests/fixtures/links/links.json"],
        size: (100, 30),
        ..Launch::default()
    });
    pty.wait_for_text("Night Ferry");
    pty.send("\r");
    pty.wait_for_text("The night ferry sailed again on Saturday.");
    for round in 0..ROUNDS {
        let small = round % 2 == 0;
        let (cols, rows) = if small { (30, 8) } else { (100, 30) };
        if round % 4 < 2 {
            pty.send("G");
            pty.resize(cols, rows);
        } else {
            pty.resize(cols, rows);
            pty.send("G");
        }
        let what = format!("round {round}: the article redrawn at {cols}x{rows}");
        let result = pty.wait_until(&what, deadline(), |screen| {
            let text = screen.contents();
            if small {
                text.contains("Terminal too small (30x8)")
            } else {
                text.contains("[1] https://example.org/gazette/ferry-times")
                    && !text.contains("Terminal too small")
            }
        });
        if let Err(error) = result {
            panic!("{error}");
        }
    }
    pty.send("qq");
    assert_eq!(pty.wait_exit(), 0);
}

/// A resize just after start-up is seen too: the first frame can be on screen before the
/// input thread has made its first read, and SIGWINCH is ignored until a handler is installed,
/// so the handler must be in place before the first frame is drawn. Each launch resizes the
/// moment anything is drawn.
#[test]
fn a_resize_right_after_start_up_is_never_lost() {
    const LAUNCHES: usize = 30;
    for launch in 0..LAUNCHES {
        let mut pty = Pty::launch(Launch {
            args: &["tests/fixtures/links/links.json"],
            size: (100, 30),
            ..Launch::default()
        });
        pty.wait_until("the first frame", deadline(), |screen| {
            screen.contents().contains("Night Ferry")
        })
        .expect("the first frame");
        pty.resize(30, 8);
        let what = format!("launch {launch}: the resize to 30x8");
        if let Err(error) = pty.wait_until(&what, deadline(), |screen| {
            screen.contents().contains("Terminal too small (30x8)")
        }) {
            panic!("{error}");
        }
        pty.send("q");
        assert_eq!(pty.wait_exit(), 0);
    }
}

#[test]
fn no_alt_screen_never_enters_the_alternate_screen() {
    let mut pty = Pty::launch(Launch {
        args: &["--no-alt-screen", "sample-data"],
        ..Launch::default()
    });
    started(&pty);
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    let text = String::from_utf8_lossy(&pty.bytes_since(0)).into_owned();
    assert!(!text.contains("\x1b[?1049h"));
    // Restored: the cursor is shown again and left below the drawing.
    pty.wait_until("cursor shown at the end", deadline(), |_| {
        String::from_utf8_lossy(&pty.bytes_since(0)).ends_with("\x1b[?25h")
    })
    .expect("restored");
}

/// The list row in reverse video from its first cell (not the status bar on the last row).
fn selected_line(screen: &vt100::Screen) -> Option<String> {
    let (rows, cols) = screen.size();
    (1..rows.get().saturating_sub(1))
        .find(|&row| screen.cell(row, 0).is_some_and(vt100::Cell::inverse))
        .and_then(|row| screen.rows(0, cols.get()).nth(usize::from(row)))
}

#[test]
fn an_article_appended_to_a_jsonl_store_appears_live_with_the_selection_unchanged() {
    let (_tmp, dir) = crate::reader::live::sample_copy();
    let path = dir.to_str().expect("utf-8 path").to_owned();
    let mut pty = Pty::launch(Launch {
        args: &[&path],
        ..Launch::default()
    });
    started(&pty);
    pty.send("jjj");
    pty.wait_for_cursor(FIRST + 3, 0);
    let before = pty.with_screen(selected_line).expect("a selected row");
    crate::reader::live::append(
        &dir.join("30-wire.jsonl"),
        &crate::reader::live::breaking_line("wire-live", "Levee Breaks North of Town"),
    );
    pty.wait_for_text("Breaking news: Levee Breaks North of Town");
    pty.wait_for_text("48 of 48 headlines");
    let screen = pty.screen_text();
    assert!(screen.contains("Levee Breaks North of Town"), "{screen}");
    // The new headline is at the top; the selected article is the same one, one row down.
    let after = pty.with_screen(selected_line).expect("a selected row");
    assert_eq!(after, before, "{screen}");
    // B moves to it because the user asked.
    pty.send("B");
    pty.wait_until("the new article selected", deadline(), |s| {
        selected_line(s).is_some_and(|l| l.starts_with("Levee Breaks"))
    })
    .expect("B goes to the announced article");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
}

/// Records what a hostile store might try to do to the terminal through escape sequences.
#[derive(Default)]
struct Tampering {
    titles: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Tampering {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
}

const PAYLOAD_MARKERS: &[&str] = &[
    "evil.example",
    "]52;",
    "]8;",
    "]0;",
    "owned title",
    "[2J",
    "\u{202e}",
    "\u{fffd}",
];

fn hostile_corpus() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    files
}

#[test]
fn the_reader_shows_every_hostile_file_without_letting_its_escapes_through() {
    for file in hostile_corpus() {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let path = file.to_str().expect("utf-8").to_owned();
        let mut pty = Pty::launch(Launch {
            args: &[&path],
            ..Launch::default()
        });
        pty.wait_for_text("headlines");
        // Open each article (the corpus files hold at most four), scroll it, back, next.
        for _ in 0..5 {
            pty.send("\r");
            pty.send(" ");
            pty.send("q");
            pty.send("j");
        }
        pty.send("q");
        pty.wait_exit();
        pty.assert_restored();
        let bytes = pty.bytes_since(0);
        // Replay the whole session, checking the visible screen as it goes.
        let mut replay = vt100::Parser::new_with_callbacks(
            30u16.try_into().expect("rows"),
            100u16.try_into().expect("cols"),
            0,
            Tampering::default(),
        );
        for chunk in bytes.chunks(256) {
            replay.process(chunk);
            let text = replay.screen().contents();
            for marker in PAYLOAD_MARKERS {
                assert!(
                    !text.contains(marker),
                    "{name}: {marker:?} on screen:\n{text}"
                );
            }
        }
        let tampering = replay.callbacks();
        assert!(
            tampering.titles.is_empty(),
            "{name}: title set {:?}",
            tampering.titles
        );
        assert!(tampering.clipboard.is_empty(), "{name}: clipboard written");
    }
}

#[test]
fn the_hostile_replay_check_can_fail() {
    let mut replay = vt100::Parser::new_with_callbacks(
        5u16.try_into().expect("rows"),
        40u16.try_into().expect("cols"),
        0,
        Tampering::default(),
    );
    replay.process(b"\x1b]0;owned title\x07\x1b]52;c;aGk=\x07see evil.example");
    assert!(!replay.callbacks().titles.is_empty());
    assert_eq!(replay.callbacks().clipboard.len(), 1);
    assert!(replay.screen().contents().contains("evil.example"));
}

#[test]
fn plain_mode_prints_every_hostile_file_with_no_escape_byte_at_all() {
    for file in hostile_corpus() {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let file = file.to_string_lossy().into_owned();
        let output = crate::common::Sandbox::new().herald_with(
            &[&file],
            &[],
            Some(b"l\n1\nm\n2\nm\n3\n4\nl\nq\n"),
        );
        assert!(matches!(output.code, 0 | 1), "{name}: exit {}", output.code);
        for (what, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(!text.contains('\x1b'), "{name} {what}: ESC byte");
            assert!(
                text.chars().all(|c| c == '\n' || !c.is_control()),
                "{name} {what}: control character"
            );
            for marker in ["evil.example", "]52;", "owned title"] {
                assert!(!text.contains(marker), "{name} {what}: {marker}");
            }
        }
    }
}

#[test]
fn links_are_hyperlinks_and_y_copies_through_osc_52() {
    let mut pty = Pty::launch(Launch {
        args: &["tests/fixtures/links/links.json"],
        size: (120, 30),
        ..Launch::default()
    });
    pty.wait_for_text("Night Ferry");
    pty.send("\rG");
    pty.wait_for_text("[1] https://example.org/gazette/ferry-times");
    let osc8 = "\x1b]8;;https://example.org/gazette/ferry-times\x1b\\";
    pty.wait_until("the OSC 8 link", deadline(), |_| {
        String::from_utf8_lossy(&pty.bytes_since(0)).contains(osc8)
    })
    .expect("OSC 8");
    // The rewrite left the text and the cursor where the frame put them.
    let screen = pty.screen_text();
    assert!(screen.contains("[2] https://port.example/red"), "{screen}");
    pty.send("y");
    pty.wait_for_text("Link copied to the clipboard (OSC 52): https://example.org/gazette");
    let osc52 = String::from_utf8(herald::present::reader::term::osc52(
        "https://example.org/gazette/2024/03/ferry?from=herald&x=",
    ))
    .unwrap();
    pty.wait_until("the OSC 52 sequence", deadline(), |_| {
        String::from_utf8_lossy(&pty.bytes_since(0)).contains(&osc52)
    })
    .expect("OSC 52");
    pty.send("qq");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_linux_console_gets_no_osc_sequences() {
    let mut pty = Pty::launch(Launch {
        args: &["tests/fixtures/links/links.json"],
        env: &[("TERM", "linux")],
        size: (120, 30),
        ..Launch::default()
    });
    pty.wait_for_text("Night Ferry");
    pty.send("\rGy");
    pty.wait_for_text("This terminal has no clipboard Herald can reach");
    pty.send("qq");
    assert_eq!(pty.wait_exit(), 0);
    let text = String::from_utf8_lossy(&pty.bytes_since(0)).into_owned();
    assert!(
        !text.contains("\x1b]"),
        "an OSC sequence reached TERM=linux"
    );
}

/// The reader on the links fixture, ready for keys, and where its marks will be saved.
fn links_reader_with_its_state() -> (Pty, std::path::PathBuf) {
    let sandbox = crate::common::Sandbox::new();
    let state_path = sandbox.data().join("herald").join("state.json");
    let pty = Pty::launch_in(
        sandbox,
        Launch {
            args: &["tests/fixtures/links/links.json"],
            ..Launch::default()
        },
    );
    pty.wait_for_text("Night Ferry");
    (pty, state_path)
}

/// Closing a terminal sends SIGHUP and SIGCONT together, and what Herald hears first is a
/// race: SIGHUP, the hang-up watch, or SIGCONT. When SIGCONT wins, Herald re-enters and redraws
/// a terminal that is gone; that failure must still end as a hang-up, with the marks saved
/// (README: marks are always saved on a hang-up) and exit status 129. Here Herald is stopped
/// while the terminal closes (as a suspended job is when its window is closed), continued,
/// and then sent SIGCONT and SIGHUP together. Before the fix a dead terminal's write error
/// ended the loop before the final save (exit 1, the star lost) in 9 rounds out of 10.
#[test]
fn a_hang_up_saves_the_last_mark_even_when_sigcont_comes_first() {
    use herald::engine::state;
    use rustix::process::{Signal, kill_process};
    for round in 0..3 {
        let (mut pty, state_path) = links_reader_with_its_state();
        // Starred, and hanged up well within the 300 ms before the star would be saved anyway.
        pty.send("s");
        pty.wait_for_text("Starred");
        let pid = rustix::process::Pid::from_raw(pty.pid()).expect("pid");
        kill_process(pid, Signal::STOP).expect("SIGSTOP");
        pty.hang_up();
        kill_process(pid, Signal::CONT).expect("SIGCONT");
        pty.wait_closed();
        // Herald may be gone already: then there is nobody left to signal.
        let _ = kill_process(pid, Signal::CONT);
        let _ = kill_process(pid, Signal::HUP);
        assert_eq!(pty.wait_exit(), 129, "round {round}: the hang-up status");
        let (marks, _, problems) = state::open(state_path);
        assert!(
            marks.is_starred("Harbour Gazette", "ferry"),
            "round {round}: the star was not saved ({problems:?})"
        );
    }
}

/// `stty rows 65535 cols 65535` (or a pty resized so): a frame of 4 billion cells cannot be
/// allocated, and an allocation failure aborts without the panic hook, leaving the terminal
/// raw on the alternate screen. Herald draws at most MAX_FRAME_SIZE of the window instead and
/// goes on answering keys.
#[test]
fn a_65535_by_65535_window_is_drawn_bounded_and_keys_still_work() {
    use herald::present::reader::backend::MAX_FRAME_SIZE;
    let bound = (MAX_FRAME_SIZE.width, MAX_FRAME_SIZE.height);
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    pty.wait_for_cursor(FIRST, 0);
    let before = pty.byte_count();
    pty.resize_pty_only(u16::MAX, u16::MAX);
    // The bounded frame is drawn: its bottom row (the status bar) is the bound's last row.
    pty.wait_until("a frame of the bounded size", deadline(), |_| {
        let moves = cursor_moves(&pty.bytes_since(before));
        moves.iter().any(|&(row, _)| row == bound.1)
    })
    .expect("the bounded frame");
    let moves = cursor_moves(&pty.bytes_since(before));
    assert!(
        moves
            .iter()
            .all(|&(row, col)| row <= bound.1 && col <= bound.0),
        "a cursor move beyond {bound:?}"
    );
    // Back to a size the emulator shows: redrawn, and keys work.
    pty.resize(100, 30);
    pty.wait_for_text("headlines");
    pty.wait_for_cursor(FIRST, 0);
    pty.send("j");
    pty.wait_for_cursor(FIRST + 1, 0);
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

/// Every cursor move (`ESC [ row ; col H`, `ESC [ row H`) in `bytes`, one-based.
fn cursor_moves(bytes: &[u8]) -> Vec<(u16, u16)> {
    let text = String::from_utf8_lossy(bytes);
    let mut moves = Vec::new();
    for (at, _) in text.match_indices("\x1b[") {
        let rest = &text[at + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(rest.len());
        if !rest[end..].starts_with('H') {
            continue;
        }
        let (row, col) = rest[..end].split_once(';').unwrap_or((&rest[..end], "1"));
        if let (Ok(row), Ok(col)) = (row.parse(), col.parse()) {
            moves.push((row, col));
        }
    }
    moves
}

#[test]
fn the_cursor_move_check_reads_both_forms() {
    assert_eq!(
        cursor_moves(b"\x1b[1000Hab\x1b[3;7Hc\x1b[2J\x1b[0m\x1b[H"),
        vec![(1000, 1), (3, 7)]
    );
}

/// Sends `signal` to the program on `pty`.
fn signal(pty: &Pty, signal: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_raw(pty.pid()).expect("pid");
    rustix::process::kill_process(pid, signal).expect("kill");
}

/// After a stop and `fg`: raw mode again (a key acts at once and is not echoed), the
/// alternate screen again, and the whole screen redrawn over whatever the shell printed.
/// `first`: the first headline's row (below the banner when the store has breaking news).
fn taken_back(pty: &mut Pty, first: u16) {
    pty.wait_until("the alternate screen again", deadline(), |s| {
        s.alternate_screen()
    })
    .expect("the alternate screen");
    pty.wait_until("the screen redrawn", deadline(), |s| {
        let text = s.contents();
        text.contains("headlines") && !text.contains("shell$")
    })
    .expect("a full redraw");
    crate::common::wait_until("raw mode again", || pty.is_raw()).expect("raw mode");
    pty.wait_for_cursor(first, 0);
    pty.send("j");
    pty.wait_for_cursor(first + 1, 0);
    assert!(!pty.screen_text().contains("shell$j"), "the key was echoed");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

/// `kill -STOP` cannot be caught, so Herald stops in raw mode on the alternate screen; the
/// shell then takes the terminal back in line mode. On `kill -CONT` (what `fg` sends) Herald
/// must set raw mode again: crossterm believed it was still on and did nothing, so keys echoed
/// and waited for Enter under the shell's prompt.
#[cfg(target_os = "linux")]
#[test]
fn after_sigstop_and_sigcont_raw_mode_and_the_screen_come_back() {
    let mut pty = Pty::launch(Launch::default());
    started(&pty);
    pty.wait_for_cursor(FIRST, 0);
    signal(&pty, rustix::process::Signal::STOP);
    crate::common::wait_until("Herald stopped", || pty.is_stopped()).expect("stopped");
    pty.shell_takes_over("shell$ ");
    pty.wait_for_text("shell$");
    signal(&pty, rustix::process::Signal::CONT);
    taken_back(&mut pty, FIRST);
}

/// `kill -TSTP` from outside is Ctrl-Z from outside: Herald saves its marks, gives the
/// terminal back (line mode, the normal screen) and stops; `kill -CONT` takes it again.
/// Before, SIGTSTP's default action stopped Herald in raw mode on the alternate screen.
/// Ctrl-Z itself goes the same way, and is checked too.
#[cfg(target_os = "linux")]
#[test]
fn sigtstp_from_outside_suspends_like_ctrl_z_and_sigcont_takes_the_terminal_back() {
    for how in ["kill -TSTP", "Ctrl-Z"] {
        let (mut pty, state_path) = links_reader_with_its_state();
        pty.send("s");
        pty.wait_for_text("Starred");
        if how == "Ctrl-Z" {
            pty.send("\x1a");
        } else {
            signal(&pty, rustix::process::Signal::TSTP);
        }
        pty.wait_until(&format!("{how}: the normal screen"), deadline(), |s| {
            !s.alternate_screen()
        })
        .expect("Herald left the alternate screen");
        crate::common::wait_until("Herald stopped", || pty.is_stopped()).expect(how);
        assert!(!pty.is_raw(), "{how}: stopped with the terminal still raw");
        let (marks, _, problems) = herald::engine::state::open(state_path);
        assert!(
            marks.is_starred("Harbour Gazette", "ferry"),
            "{how}: the star was not saved before stopping ({problems:?})"
        );
        pty.shell_takes_over("shell$ ");
        signal(&pty, rustix::process::Signal::CONT);
        taken_back(&mut pty, 1);
    }
}

/// The morning routine of issue 16, in the real binary: the store list, a store, next unread
/// three times, mark all read, undo, and mark all read again; then quit and read what was
/// saved.
#[test]
fn the_morning_routine_store_list_next_unread_mark_all_and_undo() {
    use herald::engine::state;
    let sandbox = crate::common::Sandbox::new();
    let state_path = sandbox.data().join("herald").join("state.json");
    // An opener that writes down the link it was given.
    let (opener, opened) = crate::common::url_opener(sandbox.home());
    let config = format!("opener = \"{}\"\n", opener.display());
    let mut pty = Pty::launch_in(
        sandbox,
        Launch {
            config: Some(&config),
            ..Launch::default()
        },
    );
    started(&pty);
    pty.send("L");
    pty.wait_for_text("4 stores | newest first");
    pty.wait_for_text("Stores: 4. sample-data: 12 articles, 12 unread, 2 breaking.");
    pty.send("j");
    pty.wait_for_text("Open Source Weekly: 12 articles, 12 unread, 2 breaking.");
    pty.send("\r");
    pty.wait_for_text("Store 3 of 4: Open Source Weekly | 12 of 47 headlines");
    // Next unread, three times: from the first row, the second, third and fourth.
    let last = pty.last_row();
    for (n, title) in [
        "Package Registry Crateyard Pauses Uploads After Token Leak",
        "Lanternfish 3.0 Released With a New Plugin API",
        "Release Roundup: Ten Small Tools Worth a Look",
    ]
    .iter()
    .enumerate()
    {
        pty.send(".");
        pty.wait_for_text(&format!("Unread, Open Source Weekly: {title}"));
        pty.with_screen(|s| {
            // The message has the cursor (on its first row: a long one wraps).
            let (row, _) = s.cursor_position();
            let (_, cols) = s.size();
            let line = s
                .rows(0, cols.get())
                .nth(usize::from(row))
                .unwrap_or_default();
            assert!(row + 2 >= last && line.starts_with("Unread, "), "{line:?}");
            let selected = (1..s.size().0.get() - 1)
                .find(|&r| s.cell(r, 0).is_some_and(vt100::Cell::inverse))
                .expect("a selected row");
            assert_eq!(
                usize::from(selected),
                n + 1 + usize::from(FIRST),
                "{}",
                s.contents()
            );
        });
    }
    // Open the article the third `.` found, list its links and open one by its number.
    pty.send("\r");
    pty.wait_for_text("Our end-of-year roundup collects ten small command-line tools");
    pty.send("U");
    pty.wait_for_text("Links of Release Roundup: Ten Small Tools Worth a Look | 1 link");
    pty.wait_for_text("Links: 1. Link 1 of 1: The article's own page,");
    pty.send("1o");
    let url = "https://example.org/osw/2024/12/release-roundup";
    pty.wait_for_text(&format!("Opening {url}"));
    crate::common::wait_for_opened(&opened, url);
    // Back to the article, then to the list; the article opened is read already.
    pty.send("q");
    pty.wait("the link list closed", |s| {
        !s.contents().contains("Links of")
    });
    pty.send("q");
    pty.wait_for_text("Store 3 of 4: Open Source Weekly | 12 of 47 headlines");
    pty.send("A");
    pty.wait_for_text("Marked 11 articles read (z undoes it).");
    pty.send("z");
    pty.wait_for_text("Undone: 11 articles unread again.");
    pty.with_screen(|s| {
        // The undo shows at once: the rows say unread again.
        let contents = s.contents();
        assert!(
            contents
                .lines()
                .any(|l| l.starts_with("Lanternfish 3.0") && l.contains(" unread ")),
            "{contents}"
        );
    });
    pty.send("A");
    pty.wait_for_text("Marked 11 articles read (z undoes it).");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    let (marks, _, problems) = state::open(state_path);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(marks.is_read("Open Source Weekly", "osw-2026-01-20-quillpress-rce"));
    assert!(!marks.is_read("VOA", "voa-2002-07-28-ivanov-pyongyang"));
}

/// The prompt edits mid-line in the real binary: `/abc`, Left, `X`, Enter searches for `abXc`
/// (the message says so), the cursor sat on the `c` while editing, and the search is in the
/// history file when Herald has quit.
#[test]
fn the_prompt_inserts_mid_line_and_the_search_lands_in_the_history_file() {
    let sandbox = crate::common::Sandbox::new();
    let history = sandbox.data().join("herald").join("search-history");
    let mut pty = Pty::launch_in(sandbox, Launch::default());
    started(&pty);
    let bottom = pty.last_row();
    pty.send("/abc");
    pty.wait_for_text("/abc");
    pty.wait_for_cursor(bottom, 4);
    pty.send("\x1b[D");
    pty.wait_for_cursor(bottom, 3);
    pty.send("X");
    pty.wait_for_text("/abXc");
    pty.wait_for_cursor(bottom, 4);
    pty.send("\r");
    pty.wait_for_text("No match for \"abXc\".");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    let saved = std::fs::read_to_string(&history).expect("the history file");
    assert_eq!(saved, "abXc\n");
}

/// A history another session left is there at start: Up recalls its newest search, and
/// searching for it again keeps it once, as the newest.
#[test]
fn up_at_the_prompt_recalls_the_last_session_s_search() {
    let sandbox = crate::common::Sandbox::new();
    let history = sandbox.data().join("herald").join("search-history");
    std::fs::create_dir_all(history.parent().expect("a folder")).expect("data folder");
    std::fs::write(&history, "Ivanov\nvolunteers\n").expect("a history");
    let mut pty = Pty::launch_in(sandbox, Launch::default());
    started(&pty);
    pty.send("/");
    pty.send("\x1b[A");
    pty.wait_for_text("/volunteers");
    pty.send("\x1b[A");
    pty.wait_for_text("/Ivanov");
    pty.send("\r");
    pty.wait_for_text("1 match: Russian Foreign Minister");
    pty.wait_until("the match selected", deadline(), |s| {
        selected_line(s).is_some_and(|l| l.starts_with("Russian Foreign Minister"))
    })
    .expect("the search selects the seed");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    let saved = std::fs::read_to_string(&history).expect("the history file");
    assert_eq!(saved, "volunteers\nIvanov\n");
}
