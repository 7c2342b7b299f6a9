//! What the screen looks like: TestBackend snapshots at the three reference sizes, styles
//! that carry meaning (reverse selection, no colour without colour), and a size sweep.

use herald::app::{Action, App, ColorDepth, Options, ThemeName};
use herald::engine::state::Marks;
use herald::present::reader::ui;
use herald::text::line_editor::Edit;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;
use ratatui::style::{Color, Modifier};

use crate::reader::support::{act, app, options, sample_library};

pub fn render(app: &App) -> Terminal<TestBackend> {
    let (width, height) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| {
            ui::draw(frame, app);
        })
        .expect("test backend");
    terminal
}

fn snapshot(name: &str, app: &App) {
    let mut terminal = render(app);
    let cursor = terminal.get_cursor_position().expect("test backend");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(
            name,
            format!("cursor: {}, {}\n{}", cursor.x, cursor.y, terminal.backend())
        );
    });
}

fn search(app: &mut App, query: &str) {
    act(app, Action::Search);
    for c in query.chars() {
        act(app, Action::SearchEdit(Edit::Insert(c)));
    }
    act(app, Action::SearchSubmit);
}

const SIZES: [(u16, u16); 4] = [(40, 12), (80, 24), (120, 40), (160, 40)];

#[test]
fn start_screen() {
    for (w, h) in SIZES {
        snapshot(&format!("start_{w}x{h}"), &app(w, h));
    }
}

#[test]
fn breaking_article_open() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        search(&mut app, "Ivanov");
        act(&mut app, Action::Open);
        snapshot(&format!("breaking_article_{w}x{h}"), &app);
    }
}

#[test]
fn help_screen() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        act(&mut app, Action::Help);
        snapshot(&format!("help_{w}x{h}"), &app);
    }
}

#[test]
fn search_prompt_and_filters() {
    let mut app = app(80, 24);
    act(&mut app, Action::FilterBreaking);
    act(&mut app, Action::NextStore);
    act(&mut app, Action::Search);
    for c in "Ivan".chars() {
        act(&mut app, Action::SearchEdit(Edit::Insert(c)));
    }
    snapshot("prompt_with_filters_80x24", &app);
}

#[test]
fn terminal_too_small() {
    snapshot("too_small_30x8", &app(30, 8));
}

#[test]
fn ascii_locale_draws_only_ascii_chrome() {
    let mut app = App::new(
        sample_library(),
        Marks::default(),
        Options {
            ascii: true,
            ..options()
        },
        (150, 40),
        Vec::new(),
    );
    act(&mut app, Action::Open);
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    // The separator column and the ellipses are ASCII (titles themselves may not be).
    let separator_x = app.panes().expect("fits").separator.x;
    for y in 1..39 {
        assert_eq!(buffer[(separator_x, y)].symbol(), "|");
    }
    let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
    assert!(!text.contains('…') && !text.contains('│') && !text.contains('─'));
}

/// The selected row is reverse video over its whole width and has no text marker: its text
/// is the same selected or not, so a move changes no text (a screen reader spoke the old row
/// and the new one when a `>` moved).
#[test]
fn the_selected_row_is_reverse_video_and_its_text_is_unchanged() {
    let text_of = |app: &App, y: u16| -> String {
        let terminal = render(app);
        let buffer = terminal.backend().buffer();
        (0..80)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect()
    };
    let mut app = app(80, 24);
    let row = app.panes().expect("fits").list.y;
    let selected = text_of(&app, row);
    assert!(selected.starts_with("Lakeview Council"), "{selected}");
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    for x in 0..80 {
        assert!(
            buffer[(x, row)].modifier.contains(Modifier::REVERSED),
            "x={x}"
        );
    }
    // The next row is not reversed (its BREAKING word may be: that is its own style).
    for x in (0..50).chain(70..80) {
        assert!(
            !buffer[(x, row + 1)].modifier.contains(Modifier::REVERSED),
            "x={x}"
        );
    }
    act(&mut app, Action::Down);
    assert_eq!(
        text_of(&app, row),
        selected,
        "the row left is written the same"
    );
}

/// Under NO_COLOR (depth None), mono and high contrast no cell carries a colour, so crossterm
/// cannot drop the reverse and bold attributes; and the selection stays reverse.
#[test]
fn without_colour_no_cell_has_a_colour() {
    for (theme, depth) in [
        (ThemeName::Default, ColorDepth::None),
        (ThemeName::Mono, ColorDepth::TrueColor),
        (ThemeName::HighContrast, ColorDepth::TrueColor),
    ] {
        let mut app = App::new(
            sample_library(),
            Marks::default(),
            Options {
                theme,
                depth,
                ..options()
            },
            (120, 40),
            Vec::new(),
        );
        search(&mut app, "Ivanov");
        act(&mut app, Action::Open);
        act(&mut app, Action::ToggleFocus);
        let terminal = render(&app);
        let buffer = terminal.backend().buffer();
        for cell in buffer.content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "{theme:?}"
            );
        }
        let cursor_row = app.panes().expect("fits").list.y
            + u16::try_from(app.selected().expect("sel") - app.list_offset()).expect("row");
        assert!(
            buffer[(5, cursor_row)]
                .modifier
                .contains(Modifier::REVERSED)
        );
        // The banner stands out without colour too.
        let article = app.panes().expect("fits").article;
        assert!(
            buffer[(article.x + 1, article.y)]
                .modifier
                .contains(Modifier::REVERSED)
        );
    }
}

#[test]
fn the_cursor_sits_on_the_focused_thing() {
    let mut app = app(80, 24);
    let list = app.panes().expect("fits").list;
    for expected in 1..=3u16 {
        act(&mut app, Action::Down);
        let mut terminal = render(&app);
        let cursor = terminal.get_cursor_position().expect("test backend");
        assert_eq!(cursor, Position::new(0, list.y + expected));
    }
    act(&mut app, Action::Open);
    let article = app.panes().expect("fits").article;
    let mut terminal = render(&app);
    assert_eq!(
        terminal.get_cursor_position().expect("test backend"),
        Position::new(article.x + 1, article.y)
    );
    act(&mut app, Action::Search);
    act(&mut app, Action::SearchEdit(Edit::Insert('x')));
    let mut terminal = render(&app);
    assert_eq!(
        terminal.get_cursor_position().expect("test backend"),
        Position::new(2, 23),
        "after `/x` in the prompt"
    );
}

/// Every size from tiny to 300x100 draws without panicking and keeps the cursor on screen.
#[test]
fn every_size_draws() {
    let widths = [1, 2, 10, 39, 40, 41, 59, 60, 79, 99, 100, 101, 160, 300];
    let heights = [1, 2, 5, 11, 12, 13, 24, 40, 100];
    for &w in &widths {
        for &h in &heights {
            let mut app = app(w, h);
            act(&mut app, Action::Bottom);
            act(&mut app, Action::Open);
            act(&mut app, Action::PageDown);
            let mut terminal = render(&app);
            let cursor = terminal.get_cursor_position().expect("test backend");
            assert!(cursor.x < w && cursor.y < h, "{w}x{h}: {cursor:?}");
        }
    }
}

#[test]
fn wide_titles_are_cut_by_display_width_with_an_ellipsis() {
    let app = app(40, 12);
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    let list = app.panes().expect("fits").list;
    let mut cut = 0;
    for y in list.y..list.y + list.height {
        let line: String = (0..40).map(|x| buffer[(x, y)].symbol()).collect();
        assert!(
            herald::text::display_width(line.trim_end()) <= 40,
            "{line:?}"
        );
        if line.contains('…') {
            cut += 1;
        }
    }
    assert!(cut > 0, "titles at 40 columns are cut");
}

#[test]
fn without_the_status_bar_the_last_row_is_content_until_a_message_needs_it() {
    let mut app = App::new(
        sample_library(),
        Marks::default(),
        Options {
            status_bar: false,
            ..options()
        },
        (80, 24),
        Vec::new(),
    );
    let panes = app.panes().expect("fits");
    assert_eq!(panes.bottom, None);
    assert_eq!(panes.article.y + panes.article.height, 24);
    let text = crate::reader::flow::buffer_text(render(&app).backend().buffer());
    assert!(!text.contains("? help"));
    // The search prompt still gets a line, with the cursor in it.
    act(&mut app, Action::Search);
    let mut terminal = render(&app);
    assert_eq!(
        terminal.get_cursor_position().expect("test backend"),
        Position::new(1, 23)
    );
}

/// An undated article says `undated` in the date column, which a screen reader speaks as a
/// word (`----------` was spoken "10 dash"); dates are written as words too (`20 Jan 2026`,
/// where an ISO date was spoken "2026 dash 01 dash 20"), in the same column.
#[test]
fn an_undated_row_says_undated_in_the_date_column() {
    for (w, h) in [(80, 24), (100, 30)] {
        let mut app = app(w, h);
        act(&mut app, Action::Bottom);
        let terminal = render(&app);
        let buffer = terminal.backend().buffer();
        let row =
            |y: u16| -> String { (0..w).map(|x| buffer[(x, y)].symbol().to_owned()).collect() };
        let cursor_row = (1..h - 1)
            .find(|&y| buffer[(0, y)].modifier.contains(Modifier::REVERSED))
            .expect("a selected row");
        let selected = row(cursor_row);
        let above = row(cursor_row - 1);
        assert!(selected.starts_with("Lost Dog"), "{selected}");
        assert!(!selected.contains("----------"), "{selected}");
        // The date column: the same place in both rows, a date in words in the row above.
        let at = selected.find(" undated ").expect("undated") + 1;
        let date: Vec<&str> = above[at..].split_whitespace().take(3).collect();
        assert!(
            date.len() == 3
                && date[0].parse::<u8>().is_ok()
                && date[1].len() == 3
                && date[2].parse::<u16>().is_ok(),
            "{above}"
        );
    }
}

/// The screen's rows as text, for tests elsewhere.
pub fn screen_text_of(app: &App) -> Vec<String> {
    screen_text(app)
}

fn screen_text(app: &App) -> Vec<String> {
    let terminal = render(app);
    let buffer = terminal.backend().buffer();
    let (w, h) = (buffer.area.width, buffer.area.height);
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol().to_owned()).collect())
        .collect()
}

/// At 40 columns the header puts the filters first, so what `b` and `u` did is never the part
/// cut off (it was `bre…`); and a message too long for the row wraps instead of being cut, so
/// it can be read, and shown again with `M`, whole.
#[test]
fn a_narrow_screen_keeps_the_filters_and_whole_messages() {
    let mut app = app(40, 12);
    act(&mut app, Action::FilterBreaking);
    act(&mut app, Action::FilterUnread);
    let rows = screen_text(&app);
    assert!(
        rows[0].starts_with("breaking, unread only | 7 of 47"),
        "{:?}",
        rows[0]
    );
    let message = "Breaking only, unread only: 7 of 47 headlines";
    assert_eq!(app.message().map(|m| m.text.as_str()), Some(message));
    let bottom = rows[rows.len() - 2..].join(" ");
    let words: Vec<&str> = bottom.split_whitespace().collect();
    assert_eq!(words.join(" "), message, "{rows:#?}");
    act(&mut app, Action::Help);
    act(&mut app, Action::Help);
    act(&mut app, Action::RepeatMessage);
    let rows = screen_text(&app);
    let bottom = rows[rows.len() - 2..].join(" ");
    assert_eq!(
        bottom.split_whitespace().collect::<Vec<_>>().join(" "),
        message
    );
}

/// One store showing (after `]`): no store column, the title gets the room.
#[test]
fn one_store_showing_has_no_store_column() {
    let mut app = app(120, 40);
    let all = screen_text(&app);
    // Row 1 is the breaking-news banner; the first headline is below it.
    assert!(all[2].contains("sample-data"), "{:?}", all[2]);
    act(&mut app, Action::NextStore);
    let one = screen_text(&app);
    let store = app
        .library()
        .store(app.filter().store.expect("one store"))
        .name
        .clone();
    assert!(
        one[0].contains(&format!("Store 1 of 4: {store}")),
        "{:?}",
        one[0]
    );
    for row in &one[1..10] {
        assert!(!row.contains(&store), "{row:?}");
    }
}

/// The store list: a row per store, name first then its counts in words, the selected one in
/// reverse video with the cursor on it.
#[test]
fn the_store_list_shows_counts_in_words_with_the_cursor_on_the_selection() {
    let mut app = app(80, 24);
    act(&mut app, Action::StoreList);
    act(&mut app, Action::Down);
    let mut terminal = render(&app);
    let buffer = terminal.backend().buffer().clone();
    let rows: Vec<String> = (0..24)
        .map(|y| {
            (0..80)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect()
        })
        .collect();
    assert!(
        rows[0].starts_with("4 stores | newest first"),
        "{:?}",
        rows[0]
    );
    let listed: Vec<&String> = rows[1..5].iter().collect();
    for row in &listed {
        assert!(
            row.contains(" articles, ") && row.contains(" unread"),
            "{row:?}"
        );
    }
    assert!(
        rows[1..5].iter().any(|r| r.contains("BREAKING")),
        "{listed:?}"
    );
    assert!(buffer[(0, 2)].modifier.contains(Modifier::REVERSED));
    assert!(!buffer[(0, 1)].modifier.contains(Modifier::REVERSED));
    // The message (the selected store in words) has the cursor.
    let cursor = terminal.get_cursor_position().expect("cursor");
    assert_eq!(cursor.y, 23, "{rows:#?}");
    let name = rows[2].split("  ").next().unwrap_or("").trim().to_owned();
    assert!(rows[23].starts_with(&format!("{name}: ")), "{:?}", rows[23]);
}

/// Types `text` at a fresh prompt.
fn at_prompt(app: &mut App, text: &str) {
    act(app, Action::Search);
    for c in text.chars() {
        act(app, Action::SearchEdit(Edit::Insert(c)));
    }
}

#[test]
fn the_prompt_puts_the_cursor_where_the_edit_is() {
    let mut app = app(80, 24);
    at_prompt(&mut app, "north korea");
    for _ in 0.."korea".len() {
        act(&mut app, Action::SearchEdit(Edit::Left));
    }
    // On the `k`: column 0 is the `/`.
    snapshot("prompt_cursor_mid_line_80x24", &app);
    let mut terminal = render(&app);
    assert_eq!(
        terminal.get_cursor_position().expect("test backend"),
        Position::new(7, 23)
    );
}

#[test]
fn wide_characters_before_the_cursor_count_their_width() {
    let mut app = app(80, 24);
    at_prompt(&mut app, "日本語ニュース");
    for _ in 0..4 {
        act(&mut app, Action::SearchEdit(Edit::Left));
    }
    let mut terminal = render(&app);
    // `/` then three characters two columns wide: the cursor is on `ニ`'s first column.
    assert_eq!(
        terminal.get_cursor_position().expect("test backend"),
        Position::new(7, 23)
    );
    let row: String = (0..20)
        .map(|x| terminal.backend().buffer()[(x, 23)].symbol().to_owned())
        .collect();
    // (The cell after a wide character holds a blank.)
    assert!(
        row.replace(' ', "").starts_with("/日本語ニュース"),
        "{row:?}"
    );
}

#[test]
fn a_long_line_scrolls_so_the_cursor_stays_on_screen() {
    let line: String = (0..12).map(|n| format!("word{n} ")).collect();
    for width in [40u16, 80] {
        let mut app = app(width, 24);
        at_prompt(&mut app, &line);
        let row = |terminal: &Terminal<TestBackend>| -> String {
            (0..width)
                .map(|x| terminal.backend().buffer()[(x, 23)].symbol().to_owned())
                .collect()
        };
        let mut terminal = render(&app);
        let cursor = terminal.get_cursor_position().expect("test backend");
        assert!(cursor.x < width, "{width}: {cursor:?}");
        let shown = row(&terminal);
        if usize::from(width) <= line.len() {
            // The start is off to the left, and says so.
            assert!(shown.starts_with("/\u{2026}"), "{shown:?}");
        }
        assert!(shown.trim_end().ends_with("word11"), "{shown:?}");
        // Home: the start again, cursor after the `/`.
        act(&mut app, Action::SearchEdit(Edit::Home));
        let mut terminal = render(&app);
        assert_eq!(
            terminal.get_cursor_position().expect("test backend"),
            Position::new(1, 23)
        );
        assert!(row(&terminal).starts_with("/word0 word1 "), "{width}");
    }
}

/// The header says an order other than the default, in words, at every width: at 40 columns
/// it comes first with the filters, never the part cut off.
#[test]
fn the_header_says_the_sort() {
    let mut app = app(80, 24);
    act(&mut app, Action::SortBy(herald::app::Sort::Title));
    snapshot("sorted_by_title_80x24", &app);
    let rows = screen_text(&app);
    assert!(
        rows[0].starts_with("All 4 stores | 47 of 47 headlines | sorted by title"),
        "{:?}",
        rows[0]
    );
    let mut narrow = crate::reader::support::app(40, 12);
    act(&mut narrow, Action::SortBy(herald::app::Sort::Unread));
    act(&mut narrow, Action::FilterBreaking);
    let rows = screen_text(&narrow);
    assert!(
        rows[0].starts_with("breaking only, sorted unread first |"),
        "{:?}",
        rows[0]
    );
    act(&mut narrow, Action::FilterBreaking);
    let rows = screen_text(&narrow);
    assert!(
        rows[0].starts_with("sorted unread first | 47 of 47"),
        "{:?}",
        rows[0]
    );
    act(&mut narrow, Action::SortBy(herald::app::Sort::Date));
    assert!(!screen_text(&narrow)[0].contains("sorted"));
}
