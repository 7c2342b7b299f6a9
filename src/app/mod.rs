//! The reader's state and logic, with no terminal and no I/O in sight: `App` holds what is
//! shown, [`update`] applies one [`Action`] (a key, a runtime answer, a signal) at a given
//! time and returns the [`Effect`]s for the presenter to carry out: jobs for the runtime
//! (read an article, search, reload, save, open a link), drawing, suspending, quitting.
//!
//! Both presenters sit on this one `App`: the full-screen reader draws it, plain mode words
//! it. Nothing here imports ratatui or touches a file or the clock; a lint keeps it so (the
//! crate's clippy.toml disallows file, process, network and clock calls, and this module
//! denies those lints).

#![deny(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros
)]

pub mod action;
mod article;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod notes;
pub mod options;
mod update;

/// Said when a reload finds that every problem the stores had is gone.
pub const PROBLEMS_CLEARED: &str =
    "The stores read cleanly now: the problems reported before are gone";
pub mod view;

use std::sync::Arc;

pub use action::Action;
pub use article::{OpenArticle, RELAYOUT_HERE_UP_TO};
pub use keymap::{BoundKey, InputMode, Key, KeyCode, Keymap, Place};
pub use layout::{Area, Panes};
pub use notes::{FeedNote, FeedNotes};
pub use options::{ColorDepth, Options, ThemeName};
pub use update::{is_openable, update};
pub use view::{Filter, Scope, Sort, TagFilter, Visible};

use crate::engine::article::Flavor;
use crate::engine::runtime::{Job, Ticket};
use crate::engine::state::{ArticleKey, Changes, Marks, Timestamp};
use crate::engine::{ArticleIndex, Library};
use crate::text::line_editor::LineEditor;

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
    /// The search prompt: the line as edited so far, its cursor, and where in the search
    /// history Up and Down have got to.
    Search {
        prompt: LineEditor,
    },
    /// The help screen, scrolled this many lines.
    Help {
        scroll: usize,
    },
    /// The store list: this row selected, in this order.
    Stores {
        selected: usize,
        by_name: bool,
    },
    /// The open article's links: this one (in number order) selected.
    Links {
        selected: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Info,
    Error,
}

/// Rows of the focus line: a long title and its state, date and store in words.
pub const FOCUS_LINE_ROWS: u16 = 2;

/// A message at the bottom, until the next key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

impl Message {
    /// The message as the screen shows it: errors say so in words.
    pub fn shown(&self) -> String {
        match self.kind {
            MessageKind::Info => self.text.clone(),
            MessageKind::Error => format!("Error: {}", self.text),
        }
    }
}

/// Work for the presenter; `update` itself does none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Something visible changed: draw (ratatui writes only the changed cells).
    Redraw,
    /// Clear and repaint everything (Ctrl-L, after suspend or resume).
    FullRedraw,
    /// Marks changed: save them once the keys pause (the presenter answers with
    /// [`Action::SaveNow`]).
    SaveSoon,
    /// Hand this to the runtime.
    Job(Job),
    /// Give the terminal back and stop (Ctrl-Z); continue when resumed.
    Suspend,
    /// Take the terminal again after the process was continued from outside.
    Reenter,
    /// Put this text on the user's clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Fetch the subscribed feeds in the background (`all`: ignoring Herald's own schedule);
    /// the presenter answers with [`Action::FetchProgress`] and [`Action::Fetched`].
    Fetch {
        all: bool,
    },
    /// Breaking articles arrived while Herald runs (never those there at start): their
    /// titles, newest first, for a desktop notification. The presenter gathers and sends it,
    /// or ignores it (plain mode, notifications off).
    Notify(Vec<String>),
    Exit(Exit),
}

impl Effect {
    /// [`Effect::Notify`] for the articles `arrived` (newest first) in `library`; None when
    /// none did.
    pub fn notify(library: &Library, arrived: &[ArticleIndex]) -> Option<Self> {
        let titles: Vec<String> = arrived
            .iter()
            .filter(|&&index| index < library.len())
            .map(|&index| library.headline(index).title.to_string())
            .collect();
        (!titles.is_empty()).then_some(Self::Notify(titles))
    }
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
    /// The reader runs on a server for a client elsewhere (`herald serve`): there is no
    /// shell to suspend to, and a link opened here would open on the server, for nobody.
    pub remote: bool,
}

impl Default for TerminalCaps {
    /// As for a terminal that is not known to lack either: both on, hyperlinks off (they are
    /// turned on by the reader at start, so drawing tests see plain cells).
    fn default() -> Self {
        Self {
            hyperlinks: false,
            clipboard: true,
            remote: false,
        }
    }
}

/// Where the app is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Surface {
    /// The full-screen reader: panes on a screen of `App::size`.
    Screen,
    /// Plain mode: lines of this many columns, printed one after another.
    Lines { width: usize },
}

/// What the running search is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Purpose {
    /// Move to a match: the next one (or previous), maybe the selected headline itself.
    Jump {
        forward: bool,
        include_current: bool,
    },
    /// Show only what this filter (with its query) lets through.
    ShowOnly(Filter),
    /// The same, from the search prompt: and say what was found.
    List(Filter),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RunningSearch {
    ticket: Ticket,
    query: String,
    purpose: Purpose,
}

/// The reader as a whole.
pub struct App {
    library: Arc<Library>,
    marks: Marks,
    keymap: Keymap,
    options: Options,
    caps: TerminalCaps,
    surface: Surface,
    filter: Filter,
    /// The headline list's order (the sort key cycles it).
    sort: Sort,
    /// The list as shown. Recomputed when a filter changes, not when a mark changes, so
    /// reading an article in the unread-only view does not pull it from under the cursor.
    visible: Visible,
    /// Position in `visible`.
    selected: usize,
    /// First list row shown.
    list_offset: usize,
    focus: Focus,
    mode: Mode,
    article: Option<OpenArticle>,
    last_query: Option<String>,
    /// Past searches, oldest first, as the search history file holds them (and this
    /// session's since the last save answered). Shared with the open prompt.
    search_history: Arc<[String]>,
    /// A save of the search history has failed and said so: later failures stay quiet.
    history_failed: bool,
    /// Searches handed to a save of the history and not answered yet, oldest first (saves
    /// answer in order).
    history_saving: std::collections::VecDeque<String>,
    /// Searches whose save failed: kept in memory for this session, over what the file holds.
    history_unsaved: Vec<String>,
    /// What the last mark-all marked read (it was unread), for its undo.
    marked_all: Vec<ArticleKey>,
    /// The store list's rows, in its order, while it is open (see `refresh_store_rows`).
    store_rows: Vec<view::StoreCount>,
    /// What feeds.toml and the fetch schedule say of the stores, as the presenter last read
    /// them (at start, and after each fetch).
    notes: Arc<FeedNotes>,
    /// Which articles match a query, by article: a search reads every body once, then `n`/`N`
    /// only look here. Cleared when the stores reload.
    matches: Option<(String, Arc<Vec<bool>>)>,
    searching: Option<RunningSearch>,
    /// Which articles share the scope's field, by article, for this library (a scope reads
    /// fields that may be on disk, so the runtime answers, as for a search).
    scoped: Option<(Scope, Arc<Vec<bool>>)>,
    /// A scope asked of the runtime, not answered yet: its ticket, field and article.
    scoping: Option<(Ticket, crate::engine::scope::Field, ArticleKey)>,
    /// A link asked for (`o`, `y`, maybe by number) from the list, waiting for its article
    /// to be read.
    link_wanted: Option<(Ticket, LinkUse, Option<u32>)>,
    /// The digits typed before a link key (`3` of `3o`), until the next key that is no digit.
    count: Option<u32>,
    message: Option<Message>,
    /// Whether the message was said by the last action (it then has the cursor), rather than
    /// kept on screen through moves.
    message_is_new: bool,
    /// The last message shown, for the key that shows it again.
    last_message: Option<Message>,
    /// The run-time high-contrast key flips this.
    high_contrast: bool,
    size: (u16, u16),
    /// Bumped whenever a read or star mark changes, so change detection sees it.
    marks_changed: u64,
    /// The newest breaking article that arrived by a reload and was announced: `B` goes there
    /// first.
    announced: Option<ArticleKey>,
    /// The breaking articles the last reload brought, newest first (plain mode says them).
    arrivals: Vec<ArticleKey>,
    /// Breaking articles whose banner the reader dismissed: it shows again only for news
    /// that came after.
    banner_dismissed: Vec<ArticleKey>,
    /// How many reloads have been taken in.
    reloads: u64,
    /// Plain mode: positions in the list of the articles the last reload added at its end.
    appended: std::ops::Range<usize>,
    /// Plain mode: positions in the list before the last reload of the articles that left the
    /// stores with it (the articles after them moved up one place each).
    vanished: Vec<usize>,
    /// The new problems the last reload found.
    reload_problems: Vec<String>,
    /// The last reload found none of the problems the library before it had.
    problems_cleared: bool,
    /// A fetch runs: feeds done, and how many it has to do (0 until it knows).
    fetching: Option<(usize, usize)>,
    /// A reload is running; another is wanted when it ends.
    reloading: bool,
    reload_again: bool,
    /// Changes handed to a save that has not answered yet.
    saving: Option<Changes>,
    save_again: bool,
    /// The last ticket given out.
    tickets: Ticket,
    /// When the action being applied happened.
    now: Timestamp,
}

/// What to do with an article's link once it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LinkUse {
    Open,
    Copy,
}

/// The list pane's rows below which the banner stays away: on a very small screen the
/// headlines keep every row (their BREAKING words still say it).
const MIN_ROWS_FOR_BANNER: u16 = 4;

/// The line at the top of the list while breaking news waits to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banner {
    /// The newest unread breaking article.
    pub index: ArticleIndex,
    /// How many other unread breaking articles there are.
    pub more: usize,
}

/// What decides the picture, compared before and after an action: if equal, nothing is drawn.
#[derive(PartialEq, Eq)]
struct Snapshot {
    filter: Filter,
    sort: Sort,
    visible_len: usize,
    selected: usize,
    list_offset: usize,
    focus: Focus,
    mode: Mode,
    article: Option<(ArticleIndex, usize, usize, usize)>,
    message: Option<Message>,
    message_is_new: bool,
    high_contrast: bool,
    size: (u16, u16),
    marks_changed: u64,
    library: usize,
    notes: usize,
    fetching: Option<(usize, usize)>,
    banner: Option<Banner>,
}

impl App {
    /// A reader over `library` on a screen of `size`, restoring the last selection from
    /// `marks`. `problems` (from opening the state) are shown once.
    pub fn new(
        library: impl Into<Arc<Library>>,
        marks: Marks,
        options: Options,
        size: (u16, u16),
        problems: Vec<String>,
    ) -> Self {
        let library = library.into();
        let filter = Filter::default();
        let sort = options.sort;
        let visible = view::sorted(
            &library,
            &marks,
            view::visible(&library, &marks, &filter, None, None),
            sort,
        );
        let high_contrast = options.theme == ThemeName::HighContrast;
        let mut app = Self {
            library,
            marks,
            keymap: Keymap::default(),
            options,
            caps: TerminalCaps::default(),
            surface: Surface::Screen,
            filter,
            sort,
            visible,
            selected: 0,
            list_offset: 0,
            focus: Focus::List,
            mode: Mode::Browse,
            article: None,
            last_query: None,
            search_history: Arc::from([]),
            history_failed: false,
            history_saving: std::collections::VecDeque::new(),
            history_unsaved: Vec::new(),
            marked_all: Vec::new(),
            store_rows: Vec::new(),
            notes: Arc::default(),
            matches: None,
            searching: None,
            scoped: None,
            scoping: None,
            link_wanted: None,
            count: None,
            message: None,
            message_is_new: false,
            last_message: None,
            high_contrast,
            size,
            marks_changed: 0,
            announced: None,
            arrivals: Vec::new(),
            banner_dismissed: Vec::new(),
            reloads: 0,
            appended: 0..0,
            vanished: Vec::new(),
            reload_problems: Vec::new(),
            problems_cleared: false,
            fetching: None,
            reloading: false,
            reload_again: false,
            saving: None,
            save_again: false,
            tickets: 0,
            now: Timestamp::default(),
        };
        if let Some(key) = app.marks.last_selected().cloned()
            && let Some(index) = app.library.find(&key.store, &key.id)
            && let Some(position) = app.visible.position(&app.library, index)
        {
            app.selected = position;
        }
        if !problems.is_empty() {
            app.message = Some(Message {
                kind: MessageKind::Error,
                text: problems.join("; "),
            });
            app.message_is_new = true;
            app.remember_message();
        }
        app.keep_selection_visible();
        app
    }

    /// The same app for plain mode: lines of `width` columns instead of a screen.
    #[must_use]
    pub fn on_lines(mut self, width: usize) -> Self {
        self.surface = Surface::Lines { width };
        // OSC 52 is an escape sequence, which plain mode never writes.
        self.caps.clipboard = false;
        self
    }

    /// Shows an error in the message line (until the next key).
    pub fn show_error(&mut self, text: &str) {
        self.message = Some(Message {
            kind: MessageKind::Error,
            text: text.to_owned(),
        });
        self.message_is_new = true;
        self.remember_message();
    }

    /// Keeps the message on screen, if any, for the key that shows the last one again.
    fn remember_message(&mut self) {
        if let Some(message) = &self.message {
            self.last_message = Some(message.clone());
        }
    }

    /// Past searches (oldest first), as loaded from the search history file: what Up
    /// recalls at the prompt and plain mode's `history` lists.
    #[must_use]
    pub fn with_search_history(mut self, history: Vec<String>) -> Self {
        self.search_history = history.into();
        self
    }

    /// Past searches, oldest first.
    pub fn search_history(&self) -> &[String] {
        &self.search_history
    }

    /// What the subscriptions say of the stores (their feeds' tags and last fetch), as the
    /// presenter read them at start; [`Action::NotesChanged`] brings fresh ones.
    #[must_use]
    pub fn with_notes(mut self, notes: Arc<FeedNotes>) -> Self {
        self.notes = notes;
        self
    }

    pub fn notes(&self) -> &FeedNotes {
        &self.notes
    }

    /// The filter for `tag`'s stores in this library, if any feed has the tag.
    pub fn tag_filter(&self, tag: &str) -> Option<TagFilter> {
        self.notes
            .tags()
            .contains(&tag.to_owned())
            .then(|| TagFilter {
                name: tag.to_owned(),
                stores: self.notes.stores_tagged(&self.library, tag),
            })
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

    pub fn marks(&self) -> &Marks {
        &self.marks
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn surface(&self) -> Surface {
        self.surface
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// The headline list's order.
    pub fn sort(&self) -> Sort {
        self.sort
    }

    /// The list as shown, in [`Self::sort`]'s order.
    pub fn visible(&self) -> &[ArticleIndex] {
        self.visible.as_slice(&self.library)
    }

    /// Where `index` is in [`Self::visible`], if it is there: by rank, not by a search.
    pub fn position_in_list(&self, index: ArticleIndex) -> Option<usize> {
        self.visible.position(&self.library, index)
    }

    /// Position of the selection in [`Self::visible`], None when the list is empty.
    pub fn selected(&self) -> Option<usize> {
        (!self.visible().is_empty()).then_some(self.selected)
    }

    pub fn selected_article(&self) -> Option<ArticleIndex> {
        self.visible().get(self.selected).copied()
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

    /// The store list's rows as shown, while it is open.
    pub fn store_rows(&self) -> &[view::StoreCount] {
        &self.store_rows
    }

    /// Whether the message was said just now (it then takes the cursor), not kept on screen
    /// through moves since.
    pub fn message_is_new(&self) -> bool {
        self.message.is_some() && self.message_is_new
    }

    pub fn last_query(&self) -> Option<&str> {
        self.last_query.as_deref()
    }

    /// Whether a search is running (its answer not in yet).
    pub fn is_searching(&self) -> bool {
        self.searching.is_some()
    }

    /// Whether anything asked of the runtime is still to come back: a search, a reload, the
    /// open article's text, a save. Plain mode waits for this before it answers.
    pub fn is_waiting(&self) -> bool {
        self.searching.is_some()
            || self.scoping.is_some()
            || self.reloading
            || self.saving.is_some()
            || self.link_wanted.is_some()
            || self.article.as_ref().is_some_and(|a| a.lines.is_none())
    }

    /// The breaking articles the last reload brought, newest first.
    pub fn arrivals(&self) -> &[ArticleKey] {
        &self.arrivals
    }

    /// How many reloads have been taken in: what [`Self::appended`] and [`Self::vanished`]
    /// describe is new when this changed.
    pub fn reloads(&self) -> u64 {
        self.reloads
    }

    /// Plain mode: where in the list the articles the last reload added are (always at its end:
    /// see [`Visible::Pinned`]). Empty on the screen, where the list keeps its date order.
    pub fn appended(&self) -> std::ops::Range<usize> {
        self.appended.clone()
    }

    /// Plain mode: the positions, in the list as it was before the last reload, of the articles
    /// that reload found gone from the stores, in order.
    pub fn vanished(&self) -> &[usize] {
        &self.vanished
    }

    /// A fetch runs: feeds done, and how many there are to do (0 until it knows).
    pub fn fetching(&self) -> Option<(usize, usize)> {
        self.fetching
    }

    /// Whether the last reload found none of the problems the library before it had.
    pub fn problems_cleared(&self) -> bool {
        self.problems_cleared
    }

    /// The new problems the last reload found.
    pub fn reload_problems(&self) -> &[String] {
        &self.reload_problems
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

    /// The search prompt's room on screen: the columns its text has after the `/`, and the
    /// columns of the marker that says text is hidden before (scrolled off to the left).
    pub fn prompt_columns(&self) -> (usize, usize) {
        let columns = usize::from(self.size.0).saturating_sub(1).max(1);
        (columns, crate::text::display_width(self.prompt_marker()))
    }

    /// What the prompt shows first when its start is scrolled off: an ellipsis.
    pub fn prompt_marker(&self) -> &'static str {
        if self.options.ascii {
            "..."
        } else {
            "\u{2026}"
        }
    }

    pub fn input_mode(&self) -> InputMode {
        match self.mode {
            Mode::Search { .. } => InputMode::Text,
            // The help screen scrolls like an article, so pager keys page it too.
            Mode::Help { .. } => InputMode::Command(Place::Article),
            Mode::Browse if self.focus == Focus::Article && self.article.is_some() => {
                InputMode::Command(Place::Article)
            }
            Mode::Browse => InputMode::Command(Place::List),
            Mode::Stores { .. } => InputMode::Command(Place::Stores),
            Mode::Links { .. } => InputMode::Command(Place::Links),
        }
    }

    /// Whether the bottom line is on screen: the status bar, or a prompt or message even when
    /// the status bar is turned off.
    pub fn has_bottom_line(&self) -> bool {
        self.options.status_bar
            || self.message.is_some()
            || matches!(self.mode, Mode::Search { .. })
    }

    /// Rows at the bottom: none, one (status bar or prompt), or as many as the message needs
    /// to be read whole, up to [`layout::MAX_BOTTOM_ROWS`].
    pub fn bottom_rows(&self, width: u16) -> u16 {
        if !self.has_bottom_line() {
            return 0;
        }
        // The focus line keeps two rows whatever shows there, so the list never grows or
        // shrinks by a row (a row coming back is spoken) when a message comes and goes.
        let least = if self.options.focus_line {
            FOCUS_LINE_ROWS
        } else {
            1
        };
        match (&self.mode, &self.message) {
            (Mode::Search { .. }, _) | (_, None) => least,
            (_, Some(message)) => {
                let rows = crate::text::wrap_body(&message.shown(), usize::from(width).max(1))
                    .len()
                    .max(1);
                u16::try_from(rows)
                    .unwrap_or(u16::MAX)
                    .clamp(least, layout::MAX_BOTTOM_ROWS)
            }
        }
    }

    /// Where everything goes; while the breaking-news banner shows, it takes the list pane's
    /// first row (if the list has a row to spare) and the headlines start below it.
    pub fn panes(&self) -> Option<Panes> {
        self.panes_for(self.size.0, self.size.1)
    }

    /// [`Self::panes`] for a screen of `width` x `height` (a frame drawn before a resize has
    /// reached the app).
    pub fn panes_for(&self, width: u16, height: u16) -> Option<Panes> {
        let mut panes =
            layout::panes_in(self.options.layout, width, height, self.bottom_rows(width))?;
        if panes.list.height >= MIN_ROWS_FOR_BANNER && self.banner_is_up() {
            panes.banner = Some(layout::Area {
                height: 1,
                ..panes.list
            });
            panes.list.y += 1;
            panes.list.height -= 1;
        }
        Some(panes)
    }

    /// How the article is laid out here, and for how many columns.
    fn article_layout(&self) -> (Flavor, usize) {
        match self.surface {
            Surface::Lines { width } => (Flavor::Speech, width),
            Surface::Screen => (
                Flavor::Screen {
                    ascii: self.options.ascii,
                },
                self.panes().map_or(40, |p| p.article_text_width()),
            ),
        }
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
        self.marks.is_read(store, id)
    }

    pub fn is_starred(&self, index: ArticleIndex) -> bool {
        let (store, id) = self.mark_key(index);
        self.marks.is_starred(store, id)
    }

    fn next_ticket(&mut self) -> Ticket {
        self.tickets += 1;
        self.tickets
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            filter: self.filter.clone(),
            sort: self.sort,
            visible_len: self.visible().len(),
            selected: self.selected,
            list_offset: self.list_offset,
            focus: self.focus,
            mode: self.mode.clone(),
            article: self.article.as_ref().map(|a| {
                let lines = a.lines.as_ref().map_or(0, |l| Arc::as_ptr(l) as usize);
                (a.index, a.scroll, a.line_count(), lines)
            }),
            message: self.message.clone(),
            message_is_new: self.message_is_new,
            high_contrast: self.high_contrast,
            size: self.size,
            marks_changed: self.marks_changed,
            library: Arc::as_ptr(&self.library) as usize,
            notes: Arc::as_ptr(&self.notes) as usize,
            fetching: self.fetching,
            banner: self.banner(),
        }
    }

    /// The banner at the top of the list while there is unread breaking news (fresh, not
    /// dismissed): the newest such story and how many more there are. Full screen only;
    /// plain mode says breaking news at its prompt instead.
    pub fn banner(&self) -> Option<Banner> {
        let mut waiting = self.banner_stories();
        let index = waiting.next()?;
        Some(Banner {
            index,
            more: waiting.count(),
        })
    }

    /// Whether the banner is up: [`Self::banner`] without counting the rest, for the layout,
    /// which asks on every frame and needs only the first story.
    fn banner_is_up(&self) -> bool {
        self.banner_stories().next().is_some()
    }

    /// The stories the banner is for, newest first: unread, fresh breaking news not dismissed.
    fn banner_stories(&self) -> impl Iterator<Item = ArticleIndex> + '_ {
        let stories: &[ArticleIndex] = match self.surface {
            Surface::Screen => self.library.breaking_now(),
            Surface::Lines { .. } => &[],
        };
        stories
            .iter()
            .copied()
            .filter(|&index| !self.is_read(index) && !self.banner_dismissed_for(index))
    }

    /// Whether `x` dismissed this story's banner. Asked for every breaking story of every
    /// frame, so it compares borrowed keys rather than building one.
    fn banner_dismissed_for(&self, index: ArticleIndex) -> bool {
        if self.banner_dismissed.is_empty() {
            return false;
        }
        let (store, id) = self.mark_key(index);
        self.banner_dismissed
            .iter()
            .any(|key| key.store == store && key.id == id)
    }

    /// `BREAKING: <title> (2 more)`: the banner's words.
    pub fn banner_text(&self) -> Option<String> {
        let (title, more) = self.banner_parts()?;
        Some(format!("BREAKING: {title}{more}"))
    }

    /// The banner's title and its count (` (2 more)`, or nothing), apart, so a narrow screen
    /// can shorten the title and still say how many more there are.
    pub fn banner_parts(&self) -> Option<(&str, String)> {
        let banner = self.banner()?;
        let title = self.library.headline(banner.index).title;
        let more = match banner.more {
            0 => String::new(),
            more => format!(" ({more} more)"),
        };
        Some((title, more))
    }

    /// Where the list divides what was published since the previous session ended from what
    /// came before: the position of the first older article, when the list (on screen, in
    /// date order) has both. The divider row says so in words ([`Self::divider_text`]).
    pub fn divider(&self) -> Option<usize> {
        // Only the date order puts what is new first.
        if self.surface != Surface::Screen || self.sort != Sort::Date {
            return None;
        }
        let since = self.marks.previous_session()?;
        let visible = self.visible();
        // Newest first, undated last: the new articles are a prefix.
        let first_older = visible.partition_point(|&index| {
            self.library
                .headline(index)
                .published
                .is_some_and(|date| date.is_at_or_after(since.0))
        });
        (first_older > 0 && first_older < visible.len()).then_some(first_older)
    }

    /// `5 new since last session, older below`: the divider row's words. Not
    /// "since Tuesday": that would change with the clock, and a changed row is spoken again.
    pub fn divider_text(&self) -> Option<String> {
        let at = self.divider()?;
        Some(format!("{at} new since last session, older below"))
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
        let len = self.visible().len();
        self.selected = self.selected.min(len.saturating_sub(1));
        self.list_offset = layout::scroll_around_divider(
            self.selected,
            self.list_offset,
            len,
            height,
            self.divider(),
        );
    }
}
