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
    /// Side by side from 100 columns, one above the other below that.
    #[default]
    Auto,
    /// Always side by side (the list gets half the width, at most 90 columns).
    Side,
    /// Always the list above the article, so no screen line mixes a headline with article
    /// text (what a screen reader's "read current line" hears).
    Stacked,
}

impl PaneLayout {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(Self::Auto),
            "side" => Some(Self::Side),
            "stacked" => Some(Self::Stacked),
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
        }
    }
}
