//! The reader's state and logic, with no terminal in sight: `App` holds what is shown,
//! [`update`] applies one [`Action`] and returns the [`Effect`]s (I/O, redraws) for the run
//! loop to carry out. Nothing here imports ratatui, so all of it is unit-testable.

pub mod action;
mod article;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod options;
pub mod reload;
mod update;
pub mod view;

pub use action::Action;
pub use article::{ArticleLine, LINKS_HEADING, LineKind, LineLink, OpenArticle, split_references};
pub use keymap::{InputMode, Key, KeyCode, Keymap};
pub use layout::{Area, Panes};
pub use options::{ColorDepth, Options, ThemeName};
pub use update::{is_openable, update};

use crate::app::view::Filter;
use crate::engine::state::{ArticleKey, ReaderState};
use crate::engine::{ArticleIndex, Library};

/// Which pane keys act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Focus {
    List,
    Article,
}

/// What fills the screen and how keys are read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Browse,
    /// The search prompt, with what has been typed so far.
    Search {
        input: String,
    },
    /// The help screen, scrolled this many lines.
    Help {
        scroll: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Info,
    Error,
}

/// A one-line message in the bottom line, until the next key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

/// Work for the run loop; `update` itself does no I/O.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Something visible changed: draw (ratatui writes only the changed cells).
    Redraw,
    /// Clear and repaint everything (Ctrl-L, after suspend or resume).
    FullRedraw,
    /// Write the reader state (read marks, stars, selection).
    Save,
    /// Start the opener on this link (already checked to be http, https or mailto).
    OpenLink(String),
    /// Give the terminal back and stop (Ctrl-Z); continue when resumed.
    Suspend,
    /// Take the terminal again after the process was continued from outside.
    Reenter,
    /// Put this text on the user's clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    Exit(Exit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Ended by this signal; the exit status is 128 + the number.
    Signal(i32),
    /// The terminal went away.
    Hangup,
}

/// What the terminal can take beyond drawing, decided once at start from TERM and the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TerminalCaps {
    /// Links in the article pane as OSC 8 hyperlinks.
    pub hyperlinks: bool,
    /// `y` copies through OSC 52.
    pub clipboard: bool,
}

impl Default for TerminalCaps {
    /// As for a terminal that is not known to lack either: both on, hyperlinks off (they are
    /// turned on by the reader at start, so drawing tests see plain cells).
    fn default() -> Self {
        Self {
            hyperlinks: false,
            clipboard: true,
        }
    }
}

/// The whole reader.
pub struct App {
    library: Library,
    state: ReaderState,
    keymap: Keymap,
    options: Options,
    caps: TerminalCaps,
    /// Every article, newest first.
    order: Vec<ArticleIndex>,
    filter: Filter,
    /// The list as shown. Recomputed when a filter changes, not when a mark changes, so
    /// reading an article in the unread-only view does not pull it from under the cursor.
    visible: Vec<ArticleIndex>,
    /// Position in `visible`.
    selected: usize,
    /// First list row shown.
    list_offset: usize,
    focus: Focus,
    mode: Mode,
    article: Option<OpenArticle>,
    last_query: Option<String>,
    /// Which articles match `last_query`: a search reads every body once, then `n`/`N` only
    /// look here. Cleared when the stores reload.
    pub(crate) search_matches: Option<(String, Vec<bool>)>,
    message: Option<Message>,
    /// The last message shown, for the key that shows it again.
    last_message: Option<Message>,
    /// The run-time high-contrast key flips this.
    high_contrast: bool,
    size: (u16, u16),
    /// Bumped whenever a read or star mark changes, so change detection sees it.
    marks: u64,
    /// The newest breaking article that arrived by a reload and was announced: `B` goes there
    /// first.
    announced: Option<ArticleKey>,
}

/// What decides the picture, compared before and after an action: if equal, nothing is drawn.
#[derive(PartialEq, Eq)]
struct Snapshot {
    filter: Filter,
    visible_len: usize,
    selected: usize,
    list_offset: usize,
    focus: Focus,
    mode: Mode,
    article: Option<(ArticleIndex, usize, usize)>,
    message: Option<Message>,
    high_contrast: bool,
    size: (u16, u16),
    marks: u64,
}

impl App {
    /// A reader over `library`, restoring the last selection from `state`. `problems` (from
    /// opening the state) are shown once.
    pub fn new(
        library: Library,
        state: ReaderState,
        options: Options,
        size: (u16, u16),
        problems: Vec<String>,
    ) -> Self {
        let order = library.newest_first();
        let filter = Filter::default();
        let visible = crate::app::view::visible(&library, &state, &order, &filter);
        let high_contrast = options.theme == ThemeName::HighContrast;
        let mut app = Self {
            library,
            state,
            keymap: Keymap::default(),
            options,
            caps: TerminalCaps::default(),
            order,
            filter,
            visible,
            selected: 0,
            list_offset: 0,
            focus: Focus::List,
            mode: Mode::Browse,
            article: None,
            last_query: None,
            search_matches: None,
            message: None,
            last_message: None,
            high_contrast,
            size,
            marks: 0,
            announced: None,
        };
        if let Some(key) = app.state.last_selected().cloned()
            && let Some(index) = app.library.find(&key.store, &key.id)
            && let Some(position) = app.visible.iter().position(|&i| i == index)
        {
            app.selected = position;
        }
        if !problems.is_empty() {
            app.message = Some(Message {
                kind: MessageKind::Error,
                text: problems.join("; "),
            });
            app.remember_message();
        }
        app.keep_selection_visible();
        app
    }

    /// Shows an error in the message line (until the next key).
    pub fn show_error(&mut self, text: &str) {
        self.message = Some(Message {
            kind: MessageKind::Error,
            text: text.to_owned(),
        });
        self.remember_message();
    }

    /// Keeps the message on screen, if any, for the key that shows the last one again.
    fn remember_message(&mut self) {
        if let Some(message) = &self.message {
            self.last_message = Some(message.clone());
        }
    }

    /// Takes in a fresh load of the same stores (see [`reload`]).
    pub fn stores_changed(&mut self, loaded: Library) -> Vec<Effect> {
        reload::stores_changed(self, loaded)
    }

    /// Uses `keymap` (from the config file) instead of the default keys.
    #[must_use]
    pub fn with_keymap(mut self, keymap: Keymap) -> Self {
        self.keymap = keymap;
        self
    }

    /// What the terminal can take (OSC 8 hyperlinks, OSC 52 clipboard).
    #[must_use]
    pub fn with_caps(mut self, caps: TerminalCaps) -> Self {
        self.caps = caps;
        self
    }

    pub fn caps(&self) -> TerminalCaps {
        self.caps
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    pub fn state(&self) -> &ReaderState {
        &self.state
    }

    pub fn state_mut(&mut self) -> &mut ReaderState {
        &mut self.state
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn visible(&self) -> &[ArticleIndex] {
        &self.visible
    }

    /// Position of the selection in [`Self::visible`], None when the list is empty.
    pub fn selected(&self) -> Option<usize> {
        (!self.visible.is_empty()).then_some(self.selected)
    }

    pub fn selected_article(&self) -> Option<ArticleIndex> {
        self.visible.get(self.selected).copied()
    }

    pub fn list_offset(&self) -> usize {
        self.list_offset
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn article(&self) -> Option<&OpenArticle> {
        self.article.as_ref()
    }

    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    pub fn last_query(&self) -> Option<&str> {
        self.last_query.as_deref()
    }

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// The theme in force, after the run-time high-contrast toggle.
    pub fn theme(&self) -> ThemeName {
        match (self.high_contrast, self.options.theme) {
            (true, _) => ThemeName::HighContrast,
            (false, ThemeName::HighContrast) => ThemeName::Default,
            (false, theme) => theme,
        }
    }

    pub fn input_mode(&self) -> InputMode {
        match self.mode {
            Mode::Search { .. } => InputMode::Text,
            _ => InputMode::Command,
        }
    }

    /// Whether the bottom line is on screen: the status bar, or a prompt or message even when
    /// the status bar is turned off.
    pub fn has_bottom_line(&self) -> bool {
        self.options.status_bar
            || self.message.is_some()
            || matches!(self.mode, Mode::Search { .. })
    }

    pub fn panes(&self) -> Option<Panes> {
        layout::panes_in(
            self.options.layout,
            self.size.0,
            self.size.1,
            self.has_bottom_line(),
        )
    }

    pub fn key_of(&self, index: ArticleIndex) -> ArticleKey {
        let (store, id) = self.mark_key(index);
        ArticleKey::new(store, id)
    }

    /// The store name and id an article's marks are kept under, borrowed: asked for every
    /// visible row of every frame, so nothing is copied.
    fn mark_key(&self, index: ArticleIndex) -> (&str, &str) {
        let headline = self.library.headline(index);
        (&self.library.store(headline.store).name, headline.id)
    }

    pub fn is_read(&self, index: ArticleIndex) -> bool {
        let (store, id) = self.mark_key(index);
        self.state.is_read(store, id)
    }

    pub fn is_starred(&self, index: ArticleIndex) -> bool {
        let (store, id) = self.mark_key(index);
        self.state.is_starred(store, id)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            filter: self.filter.clone(),
            visible_len: self.visible.len(),
            selected: self.selected,
            list_offset: self.list_offset,
            focus: self.focus,
            mode: self.mode.clone(),
            article: self
                .article
                .as_ref()
                .map(|a| (a.index, a.scroll, a.lines.len())),
            message: self.message.clone(),
            high_contrast: self.high_contrast,
            size: self.size,
            marks: self.marks,
        }
    }

    fn list_height(&self) -> usize {
        self.panes()
            .map_or(1, |p| usize::from(p.list.height).max(1))
    }

    fn article_height(&self) -> usize {
        self.panes()
            .map_or(1, |p| usize::from(p.article.height).max(1))
    }

    /// Scrolls the list so the selection is on screen. `update` calls this after every
    /// action, so nothing that moves the selection or shrinks the list (search, restore, a
    /// jump, a filter, a message taking a row, a resize, a reload) can leave it off screen.
    fn keep_selection_visible(&mut self) {
        let height = self.list_height();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        self.list_offset =
            layout::scroll_into_view(self.selected, self.list_offset, self.visible.len(), height);
    }
}
