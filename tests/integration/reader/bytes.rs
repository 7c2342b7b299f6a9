//! What one key costs on the wire: the real run loop drawing through the reader's own backend
//! into memory, read back through the vt100 emulator. Issue 6 budgets a `j` in a list 50 to 60
//! columns wide at 200 bytes (a screen reader re-reads what changed, and SSH links are slow);
//! a wider list rewrites wider rows, so the budget grows with it. Budgets are byte counts, so
//! they are exact and independent of the machine.

use herald::app::{App, ColorDepth, Options};
use herald::engine::state::Marks;
use herald::present::reader::backend::ReaderBackend;
use herald::present::reader::{Script, run_loop};
use ratatui::Terminal;
use ratatui::layout::Size;

use crate::reader::flow::TestHost;
use crate::reader::support::{options, sample_library, typed};

const BUDGET: usize = 200;

/// The budget for a `j` in a list `width` columns wide: the two rows that change (every cell,
/// since reverse video moves) and their sequences.
fn budget_for(width: u16) -> usize {
    2 * usize::from(width) + 80
}

fn app(width: u16, height: u16, depth: ColorDepth) -> App {
    App::new(
        sample_library(),
        Marks::default(),
        Options {
            depth,
            // Side by side, the list is 60 columns at 100: the width issue 6 budgeted.
            layout: herald::app::options::PaneLayout::Side,
            ..options()
        },
        (width, height),
        Vec::new(),
    )
}

/// Everything written to the terminal from start to the end of `keys`.
fn written(mut app: App, keys: &str) -> Vec<u8> {
    let (width, height) = app.size();
    let backend = ReaderBackend::with_size(Vec::new(), Size::new(width, height));
    let mut terminal = Terminal::new(backend).expect("terminal");
    let finished = run_loop(
        &mut terminal,
        &mut app,
        &mut Script::new(typed(keys)),
        &mut TestHost::default(),
    );
    // A failed write would have ended the loop as a hang-up.
    assert_eq!(
        finished.exit,
        herald::app::Exit::Quit,
        "the script ran to its end"
    );
    terminal.backend().writer().clone()
}

/// The bytes `key` writes after the first frame, and the screen after it.
fn cost(key: &str, size: (u16, u16), depth: ColorDepth) -> (Vec<u8>, vt100::Parser) {
    let first = written(app(size.0, size.1, depth), "");
    let all = written(app(size.0, size.1, depth), key);
    assert!(all.starts_with(&first), "the first frame is the same");
    let mut parser = vt100::Parser::new(
        size.1.try_into().expect("rows"),
        size.0.try_into().expect("cols"),
        0,
    );
    parser.process(&all);
    (all[first.len()..].to_vec(), parser)
}

fn row(parser: &vt100::Parser, row: u16) -> String {
    let (_, cols) = parser.screen().size();
    parser
        .screen()
        .rows(0, cols.get())
        .nth(usize::from(row))
        .unwrap_or_default()
}

#[test]
fn one_j_in_the_list_writes_at_most_200_bytes() {
    let size = (100, 30);
    for depth in [ColorDepth::Ansi16, ColorDepth::TrueColor, ColorDepth::None] {
        let (bytes, parser) = cost("j", size, depth);
        let shown = String::from_utf8_lossy(&bytes);
        // 24-bit colour spells the BREAKING word's white on red in 30 more bytes than the
        // 16-colour pair.
        let budget = match depth {
            ColorDepth::TrueColor => BUDGET + 30,
            _ => BUDGET,
        };
        assert!(
            bytes.len() <= budget,
            "{size:?} {depth:?}: one j wrote {} bytes: {shown:?}",
            bytes.len()
        );
        // Nothing lost: the row's text, the reverse video and the cursor on the new row.
        // Row 1 is the breaking-news banner; the headlines start on row 2.
        let screen = parser.screen();
        assert_eq!(screen.cursor_position(), (3, 0), "{size:?} {depth:?}");
        assert!(row(&parser, 3).starts_with("Security Release"), "{shown:?}");
        assert!(row(&parser, 3).contains("BREAKING unread"), "{shown:?}");
        assert!(row(&parser, 2).starts_with("Lakeview Council"), "{shown:?}");
        for col in 0..10 {
            let cell = screen.cell(3, col).expect("cell");
            assert!(
                cell.inverse(),
                "{size:?} {depth:?} column {col} not reversed"
            );
            let old = screen.cell(2, col).expect("cell");
            assert!(!old.inverse(), "{size:?} {depth:?} old row still reversed");
        }
        assert!(!shown.contains("\x1b[2J"), "a move never clears the screen");
    }
}

#[test]
fn a_page_down_stays_within_the_same_budget() {
    for depth in [ColorDepth::Ansi16, ColorDepth::TrueColor, ColorDepth::None] {
        let (bytes, parser) = cost(" ", (100, 30), depth);
        // The page lands on the Japanese headline, whose wide characters are each placed by a
        // cursor move of their own (see `reader::wide`): 14 of them, up to 8 bytes each.
        let budget = BUDGET + 14 * 8;
        assert!(
            bytes.len() <= budget,
            "{depth:?}: {} bytes: {:?}",
            bytes.len(),
            String::from_utf8_lossy(&bytes)
        );
        let (cursor_row, _) = parser.screen().cursor_position();
        assert!(
            parser
                .screen()
                .cell(cursor_row, 0)
                .is_some_and(vt100::Cell::inverse)
        );
    }
}

/// The default layout at 80x24 and 100x30 puts the list across the whole width: a `j` still
/// rewrites only the two rows that changed.
#[test]
fn a_j_in_a_full_width_list_rewrites_two_rows_only() {
    for size in [(80, 24), (100, 30)] {
        let made = |keys: &str| {
            let app = App::new(
                sample_library(),
                Marks::default(),
                options(),
                size,
                Vec::new(),
            );
            written(app, keys)
        };
        let first = made("");
        let all = made("j");
        let bytes = &all[first.len()..];
        assert!(
            bytes.len() <= budget_for(size.0),
            "{size:?}: one j wrote {} bytes: {:?}",
            bytes.len(),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// The measurement sees every byte: a frame that repaints the list costs far more.
#[test]
fn the_byte_count_can_fail() {
    let (bytes, _) = cost("b", (100, 30), ColorDepth::Ansi16);
    assert!(bytes.len() > BUDGET, "{} bytes", bytes.len());
}
