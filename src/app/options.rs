//! How the reader looks and behaves: the settings `config::resolve` makes from the command
//! line, the config file and the environment.

/// A built-in theme. Themes are sets of semantic roles; `ui::theme` turns them into styles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Attributes plus a few colours that work on dark and light terminals.
    #[default]
    Default,
    /// The terminal's own foreground and background; emphasis by bold, underline, reverse.
    HighContrast,
    /// No colour at all; the same attributes as the default theme.
    Mono,
}

impl ThemeName {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::Default),
            "high-contrast" => Some(Self::HighContrast),
            "mono" => Some(Self::Mono),
            _ => None,
        }
    }
}

/// `--layout`: where the article goes relative to the headline list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PaneLayout {
    /// Side by side from 140 columns, one above the other below that.
    #[default]
    Auto,
    /// Always side by side (the list gets three fifths of the width, at most 100 columns).
    Side,
    /// Always the list above the article, so no screen line mixes a headline with article
    /// text (what a screen reader's "read current line" hears).
    Stacked,
    /// One pane at a time, the whole screen: the list, or the open article (as newsboat and
    /// mutt do). Opening an article changes only the article's lines, so a screen reader
    /// speaks it once, without the headline row beside or above it.
    Single,
}

impl PaneLayout {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(Self::Auto),
            "side" => Some(Self::Side),
            "stacked" => Some(Self::Stacked),
            "single" => Some(Self::Single),
            _ => None,
        }
    }
}

/// A column of the headline list after the title, which always comes first (so a braille
/// display and "read current line" start with it). `columns = [...]` in the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// `BREAKING unread *`, in words.
    State,
    /// `20 Jan 2026`.
    Date,
    /// The store's name: only when more than one store is showing.
    Store,
}

impl Column {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "state" => Some(Self::State),
            "date" => Some(Self::Date),
            "store" => Some(Self::Store),
            _ => None,
        }
    }
}

/// The columns a list shows unless the config says otherwise.
pub const DEFAULT_COLUMNS: [Column; 3] = [Column::State, Column::Date, Column::Store];

/// `profile`: a set of defaults chosen in one switch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    #[default]
    Default,
    /// For screen readers and braille displays: one pane at a time, rows of title and state,
    /// no position counter re-read in the header on every scroll.
    ScreenReader,
}

impl Profile {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::Default),
            "screen-reader" => Some(Self::ScreenReader),
            _ => None,
        }
    }
}

/// `--color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour unless NO_COLOR is set (non-empty) or output is not a terminal.
    #[default]
    Auto,
    Always,
    Never,
}

/// How many colours styles may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorDepth {
    /// Styles carry no colour at all, only attributes (NO_COLOR, `--color never`).
    None,
    /// The 16 named colours, which the user's terminal palette defines.
    Ansi16,
    /// 24-bit colour: only when `COLORTERM` says the terminal supports it.
    TrueColor,
}

/// The resolved settings the reader runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub theme: ThemeName,
    pub depth: ColorDepth,
    pub status_bar: bool,
    pub alt_screen: bool,
    /// Draw with ASCII only (`|`, `-`, `...`) because the locale is not UTF-8.
    pub ascii: bool,
    pub layout: PaneLayout,
    /// The headline list's columns after the title, in order.
    pub columns: Vec<Column>,
    /// Whether the header shows where the open article is scrolled to (`line 3 of 20, 15%`).
    /// The screen-reader profile leaves it out: it changed on every scroll and was re-read
    /// each time.
    pub header_position: bool,
    /// The bottom line says the focused headline in full, in words (`TITLE. Breaking, unread.
    /// 20 January 2026, VOA.`) instead of key hints: it changes with each move, so it is what
    /// a screen reader speaks, whole, where the row cuts a long title.
    pub focus_line: bool,
    /// A search from the prompt makes its matches the list (as plain mode does), instead of
    /// jumping to the first: a jump scrolled the list, and a screen reader read every row
    /// that scrolled in, matches or not. Back (q, Esc) returns to the whole list.
    pub search_lists: bool,
    /// The headline list's order at start (`sort = "title"`); the sort key changes it.
    pub sort: super::view::Sort,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            theme: ThemeName::Default,
            depth: ColorDepth::Ansi16,
            status_bar: true,
            alt_screen: true,
            ascii: false,
            layout: PaneLayout::Auto,
            columns: DEFAULT_COLUMNS.to_vec(),
            header_position: true,
            focus_line: false,
            search_lists: false,
            sort: super::view::Sort::Date,
        }
    }
}
