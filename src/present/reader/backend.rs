//! The reader's terminal backend: crossterm's, with the frame written in fewer bytes.
//!
//! Over a slow SSH link, and for a screen reader that re-reads whatever changed, every byte of
//! a redraw counts. ratatui's `CrosstermBackend` writes one SGR sequence per attribute change
//! (`ESC[22m ESC[7m`), named colours in their 256-colour form (`ESC[38;5;15;48;5;1m`), a full
//! reset after every frame even when nothing is styled (`ESC[39m ESC[49m ESC[59m ESC[0m`),
//! `ESC[?25h` on every frame although the cursor is already shown, and `ESC[r;1H` where `ESC[rH`
//! says the same. This backend writes the same cells, styles and cursor with:
//!
//! - one SGR sequence per style change, all parameters joined (`ESC[22;7m`);
//! - the 16 named colours as SGR 30-37, 90-97 (40-47, 100-107 for backgrounds), which every
//!   colour terminal understands, including those without 256 colours;
//! - one `ESC[0m` at the end of a frame, only when the frame left a style set;
//! - the cursor shown or hidden only when that changes, and moved only when it is not already
//!   there; the column left out of `ESC[rH` when it is the first;
//! - a frame's bytes, cursor included, flushed once, so nobody sees half a frame.
//!
//! Size, window size and the cursor position are asked of crossterm; sizes are bounded by
//! [`MAX_FRAME_SIZE`].

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Cell, CellWidth};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// The largest frame the reader draws; a bigger window gets this much, from its top left.
/// A window may say it is 65535x65535 (`stty rows 65535 cols 65535`): ratatui would allocate
/// a buffer of 4 billion 48-byte cells, and an allocation failure aborts, skipping the panic
/// hook that restores the terminal. No screen shows more than this at a readable font (an 8K
/// screen with 8x16-pixel cells is 960x270), and a frame this size stays under 50 MB a
/// buffer (ratatui keeps two, the run loop one more).
pub const MAX_FRAME_SIZE: Size = Size::new(1000, 1000);

/// `size` cut to [`MAX_FRAME_SIZE`]: every size the reader takes from the terminal passes here.
pub fn bounded(size: Size) -> Size {
    Size::new(
        size.width.min(MAX_FRAME_SIZE.width),
        size.height.min(MAX_FRAME_SIZE.height),
    )
}

/// A size that another thread changes: a terminal on the far side of a connection, whose
/// window-change messages arrive on the network task while the run loop draws.
#[derive(Debug, Default)]
pub struct SharedSize(std::sync::atomic::AtomicU32);

impl SharedSize {
    pub fn new(size: Size) -> Self {
        let shared = Self::default();
        shared.set(size);
        shared
    }

    /// Width and height in one word, so a reader never sees half of a change.
    pub fn set(&self, size: Size) {
        let packed = (u32::from(size.width) << 16) | u32::from(size.height);
        self.0.store(packed, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn get(&self) -> Size {
        let packed = self.0.load(std::sync::atomic::Ordering::Relaxed);
        Size::new((packed >> 16) as u16, (packed & 0xffff) as u16)
    }
}

/// The style the terminal is drawing with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    /// After `ESC[0m`: what every frame starts from and ends with.
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

/// The SGR parameters that turn pen `from` into pen `to`, joined with `;` (empty when equal).
fn sgr_params(from: Pen, to: Pen) -> String {
    let mut params: Vec<String> = Vec::new();
    let mut push = |p: &str| params.push(p.to_owned());
    let removed = from.modifier - to.modifier;
    let mut added = to.modifier - from.modifier;
    // Bold and dim share one "normal intensity" reset, as do the two blinks: put back the one
    // that stays.
    if removed.intersects(Modifier::BOLD | Modifier::DIM) {
        push("22");
        added |= to.modifier & (Modifier::BOLD | Modifier::DIM);
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        push("25");
        added |= to.modifier & (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
    }
    for (modifier, off) in [
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::REVERSED, "27"),
        (Modifier::HIDDEN, "28"),
        (Modifier::CROSSED_OUT, "29"),
    ] {
        if removed.contains(modifier) {
            push(off);
        }
    }
    for (modifier, on) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if added.contains(modifier) {
            push(on);
        }
    }
    if to.fg != from.fg {
        params.push(colour(to.fg, Layer::Foreground));
    }
    if to.bg != from.bg {
        params.push(colour(to.bg, Layer::Background));
    }
    if to.underline != from.underline {
        params.push(colour(to.underline, Layer::Underline));
    }
    params.join(";")
}

#[derive(Clone, Copy)]
enum Layer {
    Foreground,
    Background,
    Underline,
}

/// One colour's SGR parameters. Named colours use the short 16-colour codes; the underline
/// colour has only the extended form.
fn colour(color: Color, layer: Layer) -> String {
    let (extended, reset) = match layer {
        Layer::Foreground => (38, 39),
        Layer::Background => (48, 49),
        Layer::Underline => (58, 59),
    };
    let named = match color {
        Color::Reset => return reset.to_string(),
        Color::Indexed(i) => return format!("{extended};5;{i}"),
        Color::Rgb(r, g, b) => return format!("{extended};2;{r};{g};{b}"),
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    match layer {
        Layer::Underline => format!("58;5;{named}"),
        Layer::Foreground if named < 8 => (30 + named).to_string(),
        Layer::Foreground => (90 + named - 8).to_string(),
        Layer::Background if named < 8 => (40 + named).to_string(),
        Layer::Background => (100 + named - 8).to_string(),
    }
}

/// `ESC[row;colH`, one-based, leaving out the column when it is the first.
fn move_to(out: &mut String, position: Position) {
    let (row, col) = (u32::from(position.y) + 1, u32::from(position.x) + 1);
    // Writing to a String cannot fail.
    let _ = if col == 1 {
        write!(out, "\x1b[{row}H")
    } else {
        write!(out, "\x1b[{row};{col}H")
    };
}

/// A crossterm backend writing frames in fewer bytes (see the module documentation).
pub struct ReaderBackend<W: Write> {
    writer: W,
    /// The size to report instead of asking the terminal (tests have no terminal).
    fixed_size: Option<Size>,
    /// The size of a terminal elsewhere (`herald serve`), as it changes.
    shared_size: Option<std::sync::Arc<SharedSize>>,
    /// Whether the cursor is shown, when known.
    cursor_visible: Option<bool>,
    /// Where the cursor is, when known.
    cursor: Option<Position>,
}

impl<W: Write> ReaderBackend<W> {
    pub fn new(writer: W) -> Self {
        Self {
            writer,
            fixed_size: None,
            shared_size: None,
            cursor_visible: None,
            cursor: None,
        }
    }

    /// A backend that reports `size` instead of asking a terminal, for tests that capture the
    /// bytes in memory.
    pub fn with_size(writer: W, size: Size) -> Self {
        Self {
            fixed_size: Some(size),
            ..Self::new(writer)
        }
    }

    /// A backend that reports the size another thread keeps up to date (`herald serve`: the
    /// client's window, from its window-change messages).
    pub fn with_shared_size(writer: W, size: std::sync::Arc<SharedSize>) -> Self {
        Self {
            shared_size: Some(size),
            ..Self::new(writer)
        }
    }

    /// The size to report without asking a terminal, if any.
    fn known_size(&self) -> Option<Size> {
        match &self.shared_size {
            Some(shared) => Some(shared.get()),
            None => self.fixed_size,
        }
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Forgets what the terminal shows: after a clear, or anything else that may have changed
    /// it behind the backend's back.
    fn forget(&mut self) {
        self.cursor_visible = None;
        self.cursor = None;
    }

    fn set_cursor_visible(&mut self, visible: bool) -> io::Result<()> {
        if self.cursor_visible == Some(visible) {
            return Ok(());
        }
        self.cursor_visible = Some(visible);
        let code: &[u8] = if visible { b"\x1b[?25h" } else { b"\x1b[?25l" };
        self.writer_mut().write_all(code)
    }
}

impl<W: Write> Backend for ReaderBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut out = String::new();
        let mut pen = Pen::RESET;
        let mut cursor = self.cursor;
        for (x, y, cell) in content {
            let here = Position { x, y };
            if cursor != Some(here) {
                move_to(&mut out, here);
            }
            let next = Pen::of(cell);
            if next != pen {
                let params = sgr_params(pen, next);
                out.push_str("\x1b[");
                out.push_str(&params);
                out.push('m');
                pen = next;
            }
            out.push_str(cell.symbol());
            // After a narrow character the cursor is in the next cell. After a wide one, the
            // next cell is reached with an explicit move (as ratatui's own backend does), so
            // a terminal that disagrees on a width cannot shift the rest of the row.
            cursor = (cell.symbol().cell_width() == 1).then(|| Position { x: x + 1, y });
        }
        if pen != Pen::RESET {
            out.push_str("\x1b[0m");
        }
        self.cursor = cursor;
        self.writer_mut().write_all(out.as_bytes())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.set_cursor_visible(false)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.set_cursor_visible(true)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.writer.flush()?;
        let (x, y) = ratatui::crossterm::cursor::position()?;
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        if self.cursor == Some(position) {
            return Ok(());
        }
        let mut out = String::new();
        move_to(&mut out, position);
        self.cursor = Some(position);
        self.writer_mut().write_all(out.as_bytes())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.forget();
        let code: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.writer.write_all(code)
    }

    /// Bounded: ratatui's `Terminal` sizes its buffers by this on every frame.
    fn size(&self) -> io::Result<Size> {
        match self.known_size() {
            Some(size) => Ok(bounded(size)),
            None => {
                // Asked of standard output directly: crossterm's size() opens /dev/tty for each
                // call, twice per frame. It stays the fallback when output is not the terminal.
                if let Ok(size) = rustix::termios::tcgetwinsize(std::io::stdout())
                    && size.ws_col > 0
                    && size.ws_row > 0
                {
                    return Ok(bounded(Size::new(size.ws_col, size.ws_row)));
                }
                let (width, height) = ratatui::crossterm::terminal::size()?;
                Ok(bounded(Size { width, height }))
            }
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        match self.known_size() {
            Some(columns_rows) => Ok(WindowSize {
                columns_rows: bounded(columns_rows),
                pixels: Size::default(),
            }),
            None => {
                let size = ratatui::crossterm::terminal::window_size()?;
                Ok(WindowSize {
                    columns_rows: bounded(Size::new(size.columns, size.rows)),
                    pixels: Size::new(size.width, size.height),
                })
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer_mut().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::style::Style;

    fn pen(modifier: Modifier, fg: Color, bg: Color) -> Pen {
        Pen {
            fg,
            bg,
            underline: Color::Reset,
            modifier,
        }
    }

    #[test]
    fn one_sgr_per_change_with_every_parameter() {
        let plain = Pen::RESET;
        let bold = pen(Modifier::BOLD, Color::Reset, Color::Reset);
        let reversed = pen(Modifier::REVERSED, Color::Reset, Color::Reset);
        let banner = pen(
            Modifier::BOLD | Modifier::REVERSED,
            Color::White,
            Color::Red,
        );
        let cases = [
            (plain, plain, ""),
            (plain, bold, "1"),
            (bold, reversed, "22;7"),
            (reversed, banner, "1;97;41"),
            (banner, reversed, "22;39;49"),
            (
                pen(Modifier::BOLD | Modifier::DIM, Color::Reset, Color::Reset),
                pen(Modifier::DIM, Color::Reset, Color::Reset),
                "22;2",
            ),
            (
                plain,
                pen(Modifier::empty(), Color::Indexed(200), Color::Rgb(1, 2, 3)),
                "38;5;200;48;2;1;2;3",
            ),
            (
                plain,
                pen(Modifier::UNDERLINED, Color::DarkGray, Color::Gray),
                "4;90;47",
            ),
            (
                pen(
                    Modifier::ITALIC | Modifier::UNDERLINED | Modifier::CROSSED_OUT,
                    Color::Reset,
                    Color::Reset,
                ),
                plain,
                "23;24;29",
            ),
        ];
        for (from, to, expected) in cases {
            assert_eq!(sgr_params(from, to), expected, "{from:?} -> {to:?}");
        }
    }

    /// Lines, their style, and where the cursor goes (None hides it).
    type Frame<'a> = (&'a [&'a str], Style, Option<(u16, u16)>);

    /// Draws `frames` in turn on a 10x3 terminal and returns what each wrote.
    fn frames(frames: &[Frame<'_>]) -> Vec<String> {
        let backend = ReaderBackend::with_size(Vec::new(), Size::new(10, 3));
        let mut terminal = Terminal::new(backend).expect("terminal");
        let mut written = Vec::new();
        for (lines, style, cursor) in frames {
            let start = terminal.backend().writer().len();
            terminal
                .draw(|frame| {
                    let buffer = frame.buffer_mut();
                    for (y, line) in (0u16..).zip(lines.iter()) {
                        buffer.set_string(0, y, line, *style);
                    }
                    if let Some((x, y)) = cursor {
                        frame.set_cursor_position((*x, *y));
                    }
                })
                .expect("draw");
            let bytes = terminal.backend().writer()[start..].to_vec();
            written.push(String::from_utf8(bytes).expect("UTF-8"));
        }
        written
    }

    #[test]
    fn frames_are_written_in_few_bytes_and_end_unstyled() {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let out = frames(&[
            (&["ab"], Style::default(), Some((0, 1))),
            (&["ab", "cd"], bold, Some((0, 1))),
            (&["ab", "cd"], bold, Some((0, 1))),
            (&["ab", "cd"], bold, None),
        ]);
        // Unstyled text: no SGR at all; the cursor shown once and moved.
        assert_eq!(out[0], "\x1b[1Hab\x1b[?25h\x1b[2H");
        // Bold everywhere: one SGR, one reset at the end; the cursor is already shown.
        assert_eq!(out[1], "\x1b[1H\x1b[1mab\x1b[2Hcd\x1b[0m\x1b[2H");
        // Nothing changed: nothing written.
        assert_eq!(out[2], "");
        // Hiding the cursor says so once.
        assert_eq!(out[3], "\x1b[?25l");
    }

    #[test]
    fn sizes_are_bounded_so_a_huge_window_cannot_exhaust_memory() {
        let huge = ReaderBackend::with_size(Vec::new(), Size::new(u16::MAX, u16::MAX));
        assert_eq!(huge.size().expect("size"), MAX_FRAME_SIZE);
        let wide = ReaderBackend::with_size(Vec::new(), Size::new(u16::MAX, 40));
        assert_eq!(
            wide.size().expect("size"),
            Size::new(MAX_FRAME_SIZE.width, 40)
        );
        let normal = ReaderBackend::with_size(Vec::new(), Size::new(120, 40));
        assert_eq!(normal.size().expect("size"), Size::new(120, 40));
        // ratatui sizes its buffers by the backend's size.
        let mut terminal = Terminal::new(huge).expect("terminal");
        assert_eq!(terminal.get_frame().area().as_size(), MAX_FRAME_SIZE);
    }

    #[test]
    fn the_cursor_is_moved_after_a_wide_character_and_when_not_already_there() {
        let out = frames(&[(&["日x", " y"], Style::default(), Some((2, 0)))]);
        assert_eq!(out[0], "\x1b[1H日\x1b[1;3Hx\x1b[2;2Hy\x1b[?25h\x1b[1;3H");
        // The cursor where the frame left it: no move.
        let out = frames(&[(&["ab"], Style::default(), Some((2, 0)))]);
        assert_eq!(out[0], "\x1b[1Hab\x1b[?25h");
    }
}
