//! The one message type. Bindable actions are also the key-binding vocabulary: the keymap maps
//! keys to them and the help screen describes them; plain mode's commands resolve to them too;
//! the rest come from the presenters' loops, among them the runtime's answers ([`Done`]).

use super::view::{Filter, Sort};
use crate::engine::runtime::Done;
use crate::text::line_editor::Edit;

/// Everything that can change the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    // Bindable: keys map to these.
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    /// `o`: the article's link, with the configured opener.
    OpenLink,
    ToggleFocus,
    /// `q`: close what is open, and quit from the list.
    BackOrQuit,
    /// `Esc`: close what is open; never quits.
    Back,
    Quit,
    Search,
    SearchNext,
    SearchPrevious,
    NextBreaking,
    /// Hide the breaking-news banner until more breaking news comes.
    DismissBanner,
    FilterBreaking,
    FilterUnread,
    FilterStarred,
    ToggleRead,
    ToggleStar,
    NextStore,
    PreviousStore,
    ToggleHighContrast,
    /// Show the last message again (requirement F5).
    RepeatMessage,
    Redraw,
    Help,
    Suspend,
    /// `y`: copy the article's link to the local clipboard (OSC 52; works over SSH).
    CopyLink,
    /// The next article of the list, opened (from the article, without going back to it).
    NextArticle,
    /// The previous article of the list, opened.
    PreviousArticle,
    /// `r`: fetch the subscribed feeds that are due, in the background.
    Fetch,
    /// `R`: fetch every subscribed feed now (never before a server's `Retry-After`).
    FetchAll,
    /// The next unread article after the selected (or open) one, in this list, then in the
    /// next stores' (from the article: opened there).
    NextUnread,
    /// The previous unread article, the same way backwards.
    PreviousUnread,
    /// Mark every article of the list as shown (store, filters, search) read.
    MarkAllRead,
    /// Mark unread again what the last mark-all marked read.
    UndoMarkAll,
    /// The list of stores with their unread and breaking counts; again to leave it.
    StoreList,
    /// In the store list: newest first, or by name.
    SortStores,
    /// The open article's links, numbered, to open or copy one; again to leave it.
    LinkList,
    /// The headline list's next order: date, unread first, store, title, date again.
    Sort,
    /// Only the articles of the open (or selected) article's section; again to leave it.
    SameSection,
    /// Only the articles by its author; again to leave it.
    SameAuthor,
    /// Only the articles sharing one of its tags; again to leave it.
    SameTag,

    // From plain mode's commands.
    /// Open the article numbered this (from 1) in the list: plain mode's numbers.
    OpenNumbered(usize),
    /// Show only what `filter` lets through, if anything; otherwise keep the list and say so.
    ShowOnly(Filter),
    /// Open link number N of the open article (plain mode's `open N`).
    OpenLinkNumbered(u32),
    /// Copy link number N of the open article (plain mode's `copy N`).
    CopyLinkNumbered(u32),

    // From a digit key: part of a count before a link key (`3o` opens link 3).
    CountDigit(u8),
    /// The headline list in this order (plain mode's `sort title`).
    SortBy(Sort),

    // From the search prompt.
    /// Edit the line (type, delete, move the cursor, walk the history).
    SearchEdit(Edit),
    SearchSubmit,

    // From the run loop.
    Resize(u16, u16),
    /// The process was continued (SIGCONT) after being stopped.
    Resumed,
    /// SIGINT, SIGTERM or SIGHUP arrived.
    Terminate(i32),
    /// The terminal went away.
    Hangup,
    /// A store file changed, appeared or disappeared.
    StoresChanged,
    /// The keys paused: write the marks that changed.
    SaveNow,
    /// The runtime finished a job.
    Done(Done),
    /// A fetch in the background has done this many of that many feeds.
    FetchProgress(usize, usize),
    /// A fetch ended: what it did, in one line.
    Fetched {
        summary: String,
        failed: bool,
    },
    /// The configured `fetch_every` came round.
    FetchDue,
    /// The presenter read feeds.toml and the fetch schedule again (after a fetch).
    NotesChanged(std::sync::Arc<super::FeedNotes>),
}

impl Action {
    /// Every bindable action, in the order the help screen lists them.
    pub const BINDABLE: &'static [Action] = &[
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::OpenLink,
        Action::ToggleFocus,
        Action::BackOrQuit,
        Action::Back,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrevious,
        Action::NextBreaking,
        Action::DismissBanner,
        Action::FilterBreaking,
        Action::FilterUnread,
        Action::FilterStarred,
        Action::ToggleRead,
        Action::ToggleStar,
        Action::NextStore,
        Action::PreviousStore,
        Action::ToggleHighContrast,
        Action::RepeatMessage,
        Action::Redraw,
        Action::Help,
        Action::Suspend,
        Action::CopyLink,
        Action::NextArticle,
        Action::PreviousArticle,
        Action::Fetch,
        Action::FetchAll,
        Action::NextUnread,
        Action::PreviousUnread,
        Action::MarkAllRead,
        Action::UndoMarkAll,
        Action::StoreList,
        Action::SortStores,
        Action::LinkList,
        Action::Sort,
        Action::SameSection,
        Action::SameAuthor,
        Action::SameTag,
        Action::Quit,
    ];

    /// One line for the help screen.
    pub fn description(&self) -> &'static str {
        match self {
            Action::Down => "Next headline, or scroll the article down a line",
            Action::Up => "Previous headline, or scroll the article up a line",
            Action::PageDown => "Page down",
            Action::PageUp => "Page up",
            Action::Top => "First headline, or top of the article",
            Action::Bottom => "Last headline, or end of the article",
            Action::Open => "Open the selected article (marks it read)",
            Action::OpenLink => "Open the article's link in the browser (config `opener`)",
            Action::ToggleFocus => "Switch between the headline list and the article",
            Action::BackOrQuit => "Back (close help, leave the article); quit from the list",
            Action::Back => "Back: close help or the prompt, leave the article",
            Action::Quit => "Quit now",
            Action::Search => "Search titles and article text",
            Action::SearchNext => "Next search match",
            Action::SearchPrevious => "Previous search match",
            Action::NextBreaking => "Jump to the next breaking article (the banner's first)",
            Action::DismissBanner => "Dismiss the breaking-news banner until more news comes",
            Action::FilterBreaking => "Show breaking articles only (toggle)",
            Action::FilterUnread => "Show unread articles only (toggle)",
            Action::FilterStarred => "Show starred articles only (toggle)",
            Action::ToggleRead => "Mark read or unread",
            Action::ToggleStar => "Star or unstar",
            Action::NextStore => "Next store (after the last: all stores, or the whole tag)",
            Action::PreviousStore => {
                "Previous store (before the first: all stores, or the whole tag)"
            }
            Action::ToggleHighContrast => "Toggle high-contrast mode",
            Action::RepeatMessage => "Show the last message again",
            Action::Redraw => "Redraw the screen",
            Action::Help => "Show or close this help",
            Action::Suspend => "Suspend Herald (resume with fg)",
            Action::CopyLink => "Copy the article's link to the clipboard (OSC 52)",
            Action::NextArticle => "Open the next article of the list",
            Action::PreviousArticle => "Open the previous article of the list",
            Action::Fetch => "Fetch the subscribed feeds that are due",
            Action::FetchAll => "Fetch every subscribed feed now",
            Action::NextUnread => "Next unread article, in the next stores too",
            Action::PreviousUnread => "Previous unread article, in the stores before too",
            Action::MarkAllRead => "Mark every article of this list read",
            Action::UndoMarkAll => "Undo the last mark-all",
            Action::StoreList => "Stores, with unread and breaking counts",
            Action::SortStores => "In the store list: newest first or by name",
            Action::LinkList => "The article's links, numbered: open or copy one",
            Action::Sort => "Sort the headlines: by date, unread first, by store, by title",
            Action::SameSection => "Only this article's section (again, q or Esc: all)",
            Action::SameAuthor => "Only this article's author (again, q or Esc: all)",
            Action::SameTag => "Only articles sharing a tag with this one (again, q or Esc: all)",
            Action::OpenNumbered(_)
            | Action::ShowOnly(_)
            | Action::SortBy(_)
            | Action::OpenLinkNumbered(_)
            | Action::CopyLinkNumbered(_)
            | Action::CountDigit(_)
            | Action::SearchEdit(_)
            | Action::SearchSubmit
            | Action::Resize(..)
            | Action::Resumed
            | Action::Terminate(_)
            | Action::Hangup
            | Action::StoresChanged
            | Action::SaveNow
            | Action::Done(_)
            | Action::FetchProgress(..)
            | Action::Fetched { .. }
            | Action::FetchDue
            | Action::NotesChanged(_) => "",
        }
    }
}
