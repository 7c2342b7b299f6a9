//! Keys, and the one keymap from keys to actions. The help screen is generated from it, so a
//! binding cannot exist without being documented. Keys are Herald's own type: the run loop
//! converts terminal events, so `app` needs no terminal library.

use super::action::Action;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyCode {
    /// A character as typed (shift already applied: `G`, `?`).
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Delete,
    F(u8),
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    pub const fn ctrl_key(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: true,
            alt: false,
        }
    }

    pub const fn alt_key(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: true,
        }
    }

    pub const fn alt(c: char) -> Self {
        Self::alt_key(KeyCode::Char(c))
    }

    /// How the help screen writes the key: `j`, `Ctrl-F`, `PageDown`, `Space`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        if self.ctrl {
            label.push_str("Ctrl-");
        }
        if self.alt {
            label.push_str("Alt-");
        }
        label.push_str(&base);
        label
    }
}

impl Key {
    /// Reads a key as the config file writes it, the same way the help screen shows it: a
    /// character (`j`, `G`, `?`), a named key (`Down`, `PageDown`, `F1`, `Space`, `Enter`,
    /// `Esc`, `Tab`), optionally after `Ctrl-` and/or `Alt-` (`Ctrl-F`). Named keys and the
    /// prefixes ignore case; a lone character does not (`g` and `G` differ).
    pub fn parse(text: &str) -> Option<Self> {
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1
                && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+"))
            {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1
                && (lower.starts_with("alt-") || lower.starts_with("alt+"))
            {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                // Terminals report Ctrl-F as Ctrl with `f`.
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => Self::named(rest)?,
        };
        if code == KeyCode::Char(' ') && ctrl {
            return None;
        }
        Some(Self { code, ctrl, alt })
    }

    fn named(name: &str) -> Option<KeyCode> {
        let lower = name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "space" => KeyCode::Char(' '),
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" | "del" => KeyCode::Delete,
            _ => {
                let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
                if !(1..=24).contains(&n) {
                    return None;
                }
                KeyCode::F(n)
            }
        })
    }

    /// A key that types a character (letters, digits, punctuation, Space) with no Ctrl or
    /// Alt: what `letter_keys = false` turns off (WCAG 2.1.4, character key shortcuts).
    pub fn is_character(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }
}

/// The name of a bindable action in the config file: `down`, `page_down`, `back_or_quit`.
/// Derived from the variant's name, so a new bindable action is nameable with no extra code.
pub fn action_name(action: &Action) -> String {
    let debug = format!("{action:?}");
    let mut name = String::new();
    for c in debug.chars() {
        if c.is_ascii_uppercase() {
            if !name.is_empty() {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            name.push(c);
        } else {
            break;
        }
    }
    name
}

/// The bindable action called `name` in the config file (`-` may stand for `_`).
pub fn action_named(name: &str) -> Option<Action> {
    let name = name.replace('-', "_");
    Action::BINDABLE
        .iter()
        .find(|a| action_name(a) == name)
        .cloned()
}

/// What the keys mean right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputMode {
    /// The list, the article or the help screen: keys are commands, some of them only there.
    Command(Place),
    /// The search prompt: keys are text.
    Text,
}

/// Where a command key is pressed, for the few keys that mean one thing in a pager and
/// another in the list (`b`: page up in less, mutt and newsboat; breaking only in the list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// The headline list has the keys.
    List,
    /// An open article has the keys, or the help screen is open: text read like a pager.
    Article,
    /// The store list has the keys.
    Stores,
    /// The open article's link list has the keys.
    Links,
}

impl Place {
    /// How the config file and the help screen write the place before a key: `list:b`.
    pub fn name(self) -> &'static str {
        match self {
            Place::List => "list",
            Place::Article => "article",
            Place::Stores => "stores",
            Place::Links => "links",
        }
    }
}

/// A key of a binding: everywhere, or only in one place (`article:b`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BoundKey {
    pub key: Key,
    /// None: wherever keys are commands.
    pub only: Option<Place>,
}

impl From<Key> for BoundKey {
    fn from(key: Key) -> Self {
        Self { key, only: None }
    }
}

impl BoundKey {
    pub const fn only(place: Place, key: Key) -> Self {
        Self {
            key,
            only: Some(place),
        }
    }

    /// `b`, or `article:b` for a key that works only in the article (and the help screen).
    pub fn label(&self) -> String {
        match self.only {
            Some(place) => format!("{}:{}", place.name(), self.key.label()),
            None => self.key.label(),
        }
    }

    /// Reads what [`BoundKey::label`] writes: a key ([`Key::parse`]), optionally after `list:`,
    /// `article:`, `stores:` or `links:` (any case). A lone `:` is the colon key.
    pub fn parse(text: &str) -> Option<Self> {
        for place in [Place::List, Place::Article, Place::Stores, Place::Links] {
            let prefix = place.name().len() + 1;
            if text.len() > prefix
                && text.is_char_boundary(prefix)
                && text[..prefix].eq_ignore_ascii_case(&format!("{}:", place.name()))
            {
                return Key::parse(&text[prefix..]).map(|key| Self::only(place, key));
            }
        }
        Key::parse(text).map(Self::from)
    }

    /// Whether binding `other` takes this key away: the same key, and `other` works
    /// everywhere or in this key's place.
    fn taken_by(&self, other: &BoundKey) -> bool {
        self.key == other.key && (other.only.is_none() || other.only == self.only)
    }
}

/// One action and the keys bound to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<BoundKey>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
    /// Whether a digit starts a count for the link keys (`3o`): off with `letter_keys =
    /// false`, which turns every character key off.
    counts: bool,
}

/// Keys Herald never takes for itself alone: what the screen readers our users run take
/// before Herald sees them, and what terminals, multiplexers and the tty turn into something
/// else. Each with where it comes from. Every bindable action keeps a default key that is
/// not a character and not in this list ([`Keymap::default`]'s tests walk them); Esc and F1
/// stay as extra keys for those without a screen reader.
///
/// Orca (GNOME) is not listed key by key: every default Orca command is the Orca modifier
/// (Insert or KP_Insert in the desktop layout, CapsLock in the laptop one, none of which
/// Herald can bind) with another key, except in the desktop layout the numeric keypad's own
/// keys (KP 1-9 review, KP Plus say all, KP Enter where am I, KP Minus, KP Slash, KP Star;
/// `help/C/commands_flat_review.page`, `commands_reading.page`, `desktop_keyboardmap.py` in
/// GNOME/orca) and Esc, which leaves its learn mode (`commands_controlling_orca.page`).
/// A terminal cannot tell the keypad's arrows from the arrow keys, so Herald's arrows, Home,
/// End, PageUp and PageDown stay reachable from the main keys; Herald binds no Ctrl+Alt chord
/// (Orca's and GNOME's) and no Insert.
pub const RESERVED: &[(Key, &str)] = &[
    // fenrir 1.9, /etc/fenrirscreenreader/keyboard/pty.conf (the layout of `fenrir -e`,
    // our harness). Shift is not part of Herald's keys: Shift-F5 (remove_marks) and
    // Shift-F6 (clear_clipboard) arrive as F5 and F6, Shift-arrows (review character) as
    // arrows, Ctrl-Shift-arrows as Ctrl-arrows; fenrir takes them first either way.
    (
        Key::plain(KeyCode::Esc),
        "fenrir pty.conf: shut_up; Orca: leaves learn mode",
    ),
    (
        Key::plain(KeyCode::F(1)),
        "fenrir pty.conf: toggle_tutorial_mode",
    ),
    (Key::plain(KeyCode::F(2)), "fenrir pty.conf: toggle_sound"),
    (
        Key::plain(KeyCode::F(3)),
        "fenrir pty.conf: toggle_highlight_tracking",
    ),
    (
        Key::plain(KeyCode::F(5)),
        "fenrir pty.conf: set_mark (Shift-F5 remove_marks)",
    ),
    (
        Key::plain(KeyCode::F(6)),
        "fenrir pty.conf: copy_marked_to_clipboard (Shift-F6 clear_clipboard)",
    ),
    (
        Key::ctrl_key(KeyCode::F(6)),
        "fenrir pty.conf: curr_clipboard",
    ),
    (
        Key::plain(KeyCode::F(7)),
        "fenrir pty.conf: paste_clipboard",
    ),
    (
        Key::plain(KeyCode::F(8)),
        "fenrir pty.conf: copy_last_echo_to_clipboard",
    ),
    (
        Key::alt_key(KeyCode::F(8)),
        "fenrir pty.conf: export_clipboard_to_x",
    ),
    (
        Key::ctrl_key(KeyCode::F(8)),
        "fenrir pty.conf: import_clipboard_from_x",
    ),
    (
        Key::alt_key(KeyCode::F(9)),
        "fenrir pty.conf: export_clipboard_to_file",
    ),
    (
        Key::ctrl_key(KeyCode::F(9)),
        "fenrir pty.conf: import_clipboard_from_file",
    ),
    (
        Key::alt_key(KeyCode::F(12)),
        "fenrir pty.conf: quit_fenrir, time, date",
    ),
    (
        Key::plain(KeyCode::F(14)),
        "fenrir pty.conf: shut_up on the menu key (ESC [29~, which crossterm reads as F14)",
    ),
    (Key::alt('['), "fenrir pty.conf: prev_clipboard"),
    (Key::alt(']'), "fenrir pty.conf: next_clipboard"),
    (Key::alt('\\'), "fenrir pty.conf: toggle_auto_indent"),
    (
        Key::ctrl_key(KeyCode::End),
        "fenrir pty.conf: toggle_auto_read, attribute_cursor",
    ),
    (
        Key::alt_key(KeyCode::End),
        "fenrir pty.conf: temp_disable_speech",
    ),
    (
        Key::alt_key(KeyCode::Up),
        "fenrir pty.conf: review_top (Alt-Shift-Up)",
    ),
    (
        Key::alt_key(KeyCode::Down),
        "fenrir pty.conf: review_curr_line, review_bottom",
    ),
    (
        Key::alt_key(KeyCode::Left),
        "fenrir pty.conf: review_prev_line, review_line_begin",
    ),
    (
        Key::alt_key(KeyCode::Right),
        "fenrir pty.conf: review_next_line, review_line_end",
    ),
    (
        Key::ctrl_key(KeyCode::Down),
        "fenrir pty.conf: review_curr_word, phonetic",
    ),
    (
        Key::ctrl_key(KeyCode::Left),
        "fenrir pty.conf: review_prev_word, phonetic",
    ),
    (
        Key::ctrl_key(KeyCode::Right),
        "fenrir pty.conf: review_next_word, phonetic",
    ),
    // fenrir's desktop.conf and laptop.conf (its evdev layouts) take a lone Ctrl (shut_up),
    // the keypad (desktop) and chords with the fenrir key (KP0, Insert, Meta): none is a key
    // Herald can bind or tell apart, as for Orca above.
    //
    // Terminals and the tty (raw mode turns the signals off, but the habits stay).
    (
        Key::ctrl('s'),
        "XOFF: freezes the terminal where flow control is on",
    ),
    (Key::ctrl('q'), "XON"),
    (Key::ctrl('a'), "GNU screen's prefix key"),
    (
        Key::ctrl('b'),
        "tmux's prefix key (Herald keeps it as less's page up, never alone)",
    ),
    (Key::ctrl('h'), "what some terminals send for Backspace"),
    (Key::ctrl('i'), "the same byte as Tab"),
    (Key::ctrl('j'), "the same byte as Enter (line feed)"),
    (Key::ctrl('m'), "the same byte as Enter (carriage return)"),
    (
        Key::ctrl('4'),
        "Ctrl-\\ (SIGQUIT): crossterm reads the byte as Ctrl-4",
    ),
];

/// The search prompt's editing keys and what they do, for the help screen: what
/// `Keymap::text_key` reads (a test holds the two together). Fixed, not configurable: they
/// are the keys of every line editor, and the prompt is a line editor.
pub const PROMPT_KEYS: &[(&str, &str)] = &[
    ("Left Right", "Move the cursor a character"),
    ("Home End Ctrl-E", "To the start or the end of the line"),
    (
        "Backspace Delete",
        "Delete the character before or under the cursor",
    ),
    ("Ctrl-W", "Delete the word before the cursor"),
    (
        "Ctrl-U Ctrl-K",
        "Delete to the start or to the end of the line",
    ),
    (
        "Up Down",
        "Earlier or later searches, kept between sessions",
    ),
    ("Enter", "Search"),
    (
        "Esc Ctrl-G",
        "Close the prompt (so does Backspace on an empty line)",
    ),
];

/// Where `key` is taken before Herald sees it, if it is ([`RESERVED`]).
pub fn reserved(key: &Key) -> Option<&'static str> {
    RESERVED.iter().find(|(k, _)| k == key).map(|(_, why)| *why)
}

impl Default for Keymap {
    /// less/mutt/vim conventions, and for every action a key that is not a character (so
    /// `letter_keys = false` leaves it reachable) nor one a screen reader or the terminal
    /// takes ([`RESERVED`]): Ctrl chords terminals deliver (mnemonic where one is free:
    /// Ctrl-O open, Ctrl-Y yank, Ctrl-N/Ctrl-P next/previous, Ctrl-U unread, Ctrl-T tag with a
    /// star, Ctrl-R reload, Ctrl-G help as in nano, Ctrl-E echo the message), the F-keys
    /// fenrir leaves (F4 search; F10 quit as in mc and htop; F9, F11, F12), Backspace for back,
    /// Left and Right for the previous and next article. Nothing on Ctrl-S/Ctrl-Q (XON/XOFF
    /// freeze terminals) nor on Ctrl+Alt combinations (screen readers use them).
    fn default() -> Self {
        use KeyCode as K;
        let p = |code| BoundKey::from(Key::plain(code));
        let c = |ch| BoundKey::from(Key::char(ch));
        let ctrl = |ch| BoundKey::from(Key::ctrl(ch));
        let alt = |ch| BoundKey::from(Key::alt(ch));
        let f = |n| BoundKey::from(Key::plain(K::F(n)));
        // `b` pages up where text is read (less, mutt, newsboat); in the list it keeps its
        // Herald meaning.
        let in_article = |ch| BoundKey::only(Place::Article, Key::char(ch));
        let in_list = |ch| BoundKey::only(Place::List, Key::char(ch));
        let bind = |action: Action, keys: Vec<BoundKey>| Binding { action, keys };
        Self {
            counts: true,
            bindings: vec![
                bind(Action::Down, vec![c('j'), p(K::Down)]),
                bind(Action::Up, vec![c('k'), p(K::Up)]),
                bind(Action::PageDown, vec![c(' '), p(K::PageDown), ctrl('f')]),
                bind(
                    Action::PageUp,
                    vec![c('-'), p(K::PageUp), ctrl('b'), in_article('b')],
                ),
                bind(Action::Top, vec![c('g'), p(K::Home)]),
                bind(Action::Bottom, vec![c('G'), p(K::End)]),
                bind(Action::Open, vec![p(K::Enter)]),
                bind(Action::OpenLink, vec![c('o'), ctrl('o')]),
                bind(Action::ToggleFocus, vec![p(K::Tab), p(K::BackTab)]),
                bind(Action::BackOrQuit, vec![c('q'), f(10)]),
                // Backspace first: fenrir takes Esc (shut up), so messages name Backspace.
                bind(Action::Back, vec![p(K::Backspace), p(K::Esc)]),
                bind(Action::Search, vec![c('/'), f(4)]),
                bind(Action::SearchNext, vec![c('n'), ctrl('n')]),
                bind(Action::SearchPrevious, vec![c('N'), ctrl('p')]),
                bind(Action::NextBreaking, vec![c('B'), ctrl('x')]),
                // `x` closes the banner, as a window's x does.
                bind(Action::DismissBanner, vec![c('x'), alt('x')]),
                bind(Action::FilterBreaking, vec![in_list('b'), ctrl('k')]),
                bind(Action::FilterUnread, vec![c('u'), ctrl('u')]),
                bind(Action::FilterStarred, vec![c('S'), ctrl('w')]),
                bind(Action::ToggleRead, vec![c('m'), ctrl('d')]),
                bind(Action::ToggleStar, vec![c('s'), ctrl('t')]),
                bind(Action::NextStore, vec![c(']'), f(12)]),
                bind(Action::PreviousStore, vec![c('['), f(11)]),
                bind(Action::ToggleHighContrast, vec![c('c'), f(9)]),
                bind(Action::RepeatMessage, vec![c('M'), ctrl('e')]),
                bind(Action::Redraw, vec![ctrl('l')]),
                bind(Action::Help, vec![c('?'), ctrl('g'), f(1)]),
                bind(Action::Suspend, vec![ctrl('z')]),
                bind(Action::CopyLink, vec![c('y'), ctrl('y')]),
                bind(Action::NextArticle, vec![c('J'), p(K::Right)]),
                bind(Action::PreviousArticle, vec![c('K'), p(K::Left)]),
                bind(Action::Fetch, vec![c('r'), ctrl('r')]),
                bind(Action::FetchAll, vec![c('R'), ctrl('v')]),
                // newsboat's marks where they are free: `A` marks the list read; `.` and `,`
                // are the next and previous unread (its `n` and `p` are taken here); Alt
                // chords are the keys that are no letter.
                bind(Action::NextUnread, vec![c('.'), alt('n')]),
                bind(Action::PreviousUnread, vec![c(','), alt('p')]),
                bind(Action::MarkAllRead, vec![c('A'), alt('a')]),
                bind(Action::UndoMarkAll, vec![c('z'), alt('u')]),
                bind(Action::StoreList, vec![c('L'), alt('l')]),
                bind(
                    Action::SortStores,
                    vec![BoundKey::only(Place::Stores, Key::char('o')), alt('o')],
                ),
                // `U` as in newsboat's URL view; Alt-K for "links".
                bind(Action::LinkList, vec![c('U'), alt('k')]),
                // `O` for order (`o` opens the link); in the store list `O` sorts it too.
                bind(Action::Sort, vec![c('O'), alt('s')]),
                // Scopes: `e` for sEction (`s` stars), `w` for writer (`a` is "all" in plain
                // mode, and a letter means the same in both), `t` for tag.
                bind(Action::SameSection, vec![c('e'), alt('e')]),
                bind(Action::SameAuthor, vec![c('w'), alt('w')]),
                bind(Action::SameTag, vec![c('t'), alt('t')]),
                bind(Action::Quit, vec![ctrl('c')]),
            ],
        }
    }
}

impl Keymap {
    /// The default keymap changed by the config file: with `letter_keys` false every
    /// character key is unbound (every action keeps a key that is none: arrows, Enter,
    /// Backspace, Esc, PageUp/PageDown, F-keys, Ctrl keys);
    /// then each override gives its action exactly those keys (none: unbound), taking them
    /// from any action that had them: a key bound everywhere takes it in every place, a key
    /// bound in one place (`list:b`) takes it there only.
    pub fn configured(letter_keys: bool, overrides: &[(Action, Vec<BoundKey>)]) -> Self {
        let mut map = Self {
            counts: letter_keys,
            ..Self::default()
        };
        if !letter_keys {
            for binding in &mut map.bindings {
                binding.keys.retain(|k| !k.key.is_character());
            }
        }
        for (action, keys) in overrides {
            for binding in &mut map.bindings {
                binding
                    .keys
                    .retain(|k| !keys.iter().any(|other| k.taken_by(other)));
            }
            match map.bindings.iter_mut().find(|b| &b.action == action) {
                Some(binding) => binding.keys.clone_from(keys),
                None => map.bindings.push(Binding {
                    action: action.clone(),
                    keys: keys.clone(),
                }),
            }
        }
        map
    }

    /// Whether digits make a count for the link keys (`3o`).
    pub fn counts(&self) -> bool {
        self.counts
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action for `key`, or None (an unbound key changes nothing and draws nothing). A
    /// key bound only in this place wins over the same key bound everywhere.
    pub fn resolve(&self, mode: InputMode, key: Key) -> Option<Action> {
        let place = match mode {
            InputMode::Text => return Self::text_key(key),
            InputMode::Command(place) => place,
        };
        let bound_here = |only: Option<Place>| {
            self.bindings
                .iter()
                .find(|b| b.keys.contains(&BoundKey { key, only }))
                .map(|b| b.action.clone())
        };
        bound_here(Some(place))
            .or_else(|| bound_here(None))
            .or_else(|| self.counts.then(|| Self::count_key(key)).flatten())
    }

    /// A digit no binding takes is part of a count for the link keys (`3o`, as in vim).
    fn count_key(key: Key) -> Option<Action> {
        match key.code {
            KeyCode::Char(c) if !key.ctrl && !key.alt => c
                .to_digit(10)
                .and_then(|d| u8::try_from(d).ok())
                .map(Action::CountDigit),
            _ => None,
        }
    }

    /// Prompt editing, as readline edits a line ([`PROMPT_KEYS`] lists them for the help
    /// screen). Every character is text, `j` and `q` too; Ctrl-C, Ctrl-Z and Ctrl-L still work
    /// so the prompt is no trap. Ctrl-A (GNU screen's prefix, [`RESERVED`]) is left alone:
    /// Home does what it would.
    fn text_key(key: Key) -> Option<Action> {
        use crate::text::line_editor::Edit;
        let edit = |edit| Some(Action::SearchEdit(edit));
        match (key.code, key.ctrl) {
            (KeyCode::Char('c'), true) => Some(Action::Quit),
            (KeyCode::Char('z'), true) => Some(Action::Suspend),
            (KeyCode::Char('l'), true) => Some(Action::Redraw),
            (KeyCode::Char('e'), true) => edit(Edit::End),
            (KeyCode::Char('u'), true) => edit(Edit::KillToStart),
            (KeyCode::Char('k'), true) => edit(Edit::KillToEnd),
            (KeyCode::Char('w'), true) => edit(Edit::KillWordBack),
            (KeyCode::Char(c), false) if !c.is_control() => edit(Edit::Insert(c)),
            (KeyCode::Enter, _) => Some(Action::SearchSubmit),
            // Ctrl-G is readline's abort, and a way out where a screen reader takes Esc.
            (KeyCode::Esc, _) | (KeyCode::Char('g'), true) => Some(Action::Back),
            // What some terminals send for Backspace ([`RESERVED`]).
            (KeyCode::Backspace, _) | (KeyCode::Char('h'), true) => edit(Edit::Backspace),
            (KeyCode::Delete, _) => edit(Edit::Delete),
            (KeyCode::Left, false) => edit(Edit::Left),
            (KeyCode::Right, false) => edit(Edit::Right),
            (KeyCode::Home, false) => edit(Edit::Home),
            (KeyCode::End, false) => edit(Edit::End),
            (KeyCode::Up, false) => edit(Edit::Older),
            (KeyCode::Down, false) => edit(Edit::Newer),
            _ => None,
        }
    }

    /// Help rows: every bindable action, its keys, its description, in `Action::BINDABLE` order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        Action::BINDABLE
            .iter()
            .filter_map(|action| {
                let binding = self.bindings.iter().find(|b| &b.action == action)?;
                let keys: Vec<String> = binding.keys.iter().map(BoundKey::label).collect();
                let keys = if keys.is_empty() {
                    "(no key)".to_owned()
                } else {
                    keys.join(" ")
                };
                Some((keys, action.description()))
            })
            .collect()
    }

    /// Every key bound to `action`, as the config file writes them (`list:b` included).
    pub fn keys_for(&self, action: &Action) -> Vec<String> {
        self.bindings
            .iter()
            .find(|b| &b.action == action)
            .map(|b| b.keys.iter().map(BoundKey::label).collect())
            .unwrap_or_default()
    }

    /// The first key bound to `action`, without its place, for hints such as "? help" (the
    /// list's hints say "b breaking": the first key is the one for where it is used most).
    pub fn key_for(&self, action: &Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| &b.action == action)
            .and_then(|b| b.keys.first())
            .map(|k| k.key.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::line_editor::Edit;
    use KeyCode as K;

    const LIST: InputMode = InputMode::Command(Place::List);
    const ARTICLE: InputMode = InputMode::Command(Place::Article);

    #[test]
    fn issue_keys_resolve_to_their_actions() {
        let map = Keymap::default();
        let cases = [
            (Key::char('j'), Action::Down),
            (Key::plain(K::Down), Action::Down),
            (Key::char('k'), Action::Up),
            (Key::plain(K::Up), Action::Up),
            (Key::char(' '), Action::PageDown),
            (Key::plain(K::PageDown), Action::PageDown),
            (Key::ctrl('f'), Action::PageDown),
            (Key::char('-'), Action::PageUp),
            (Key::plain(K::PageUp), Action::PageUp),
            (Key::ctrl('b'), Action::PageUp),
            (Key::char('g'), Action::Top),
            (Key::plain(K::Home), Action::Top),
            (Key::char('G'), Action::Bottom),
            (Key::plain(K::End), Action::Bottom),
            (Key::plain(K::Enter), Action::Open),
            (Key::char('o'), Action::OpenLink),
            (Key::plain(K::Tab), Action::ToggleFocus),
            (Key::char('q'), Action::BackOrQuit),
            (Key::plain(K::Esc), Action::Back),
            (Key::char('/'), Action::Search),
            (Key::char('n'), Action::SearchNext),
            (Key::char('N'), Action::SearchPrevious),
            (Key::char('u'), Action::FilterUnread),
            (Key::char('m'), Action::ToggleRead),
            (Key::char('s'), Action::ToggleStar),
            (Key::char('S'), Action::FilterStarred),
            (Key::char(']'), Action::NextStore),
            (Key::char('['), Action::PreviousStore),
            (Key::char('B'), Action::NextBreaking),
            (Key::char('b'), Action::FilterBreaking),
            (Key::ctrl('l'), Action::Redraw),
            (Key::char('?'), Action::Help),
            (Key::char('c'), Action::ToggleHighContrast),
            (Key::char('y'), Action::CopyLink),
            (Key::char('M'), Action::RepeatMessage),
            // The keys that are no character and no screen reader's.
            (Key::ctrl('o'), Action::OpenLink),
            (Key::plain(K::F(10)), Action::BackOrQuit),
            (Key::plain(K::Backspace), Action::Back),
            (Key::plain(K::F(4)), Action::Search),
            (Key::ctrl('n'), Action::SearchNext),
            (Key::ctrl('p'), Action::SearchPrevious),
            (Key::ctrl('x'), Action::NextBreaking),
            (Key::ctrl('k'), Action::FilterBreaking),
            (Key::ctrl('u'), Action::FilterUnread),
            (Key::ctrl('w'), Action::FilterStarred),
            (Key::ctrl('d'), Action::ToggleRead),
            (Key::ctrl('t'), Action::ToggleStar),
            (Key::plain(K::F(12)), Action::NextStore),
            (Key::plain(K::F(11)), Action::PreviousStore),
            (Key::plain(K::F(9)), Action::ToggleHighContrast),
            (Key::ctrl('e'), Action::RepeatMessage),
            (Key::ctrl('g'), Action::Help),
            (Key::ctrl('y'), Action::CopyLink),
            (Key::plain(K::Right), Action::NextArticle),
            (Key::plain(K::Left), Action::PreviousArticle),
            (Key::ctrl('r'), Action::Fetch),
            (Key::ctrl('v'), Action::FetchAll),
        ];
        for (key, action) in cases {
            assert_eq!(map.resolve(LIST, key), Some(action), "{key:?}");
        }
        assert_eq!(
            map.resolve(LIST, Key::char('x')),
            Some(Action::DismissBanner)
        );
        assert_eq!(map.resolve(LIST, Key::char('X')), None);
    }

    #[test]
    fn no_binding_on_flow_control_or_screen_reader_chords() {
        let map = Keymap::default();
        for binding in map.bindings() {
            for key in &binding.keys {
                assert_ne!(
                    key.key,
                    Key::ctrl('s'),
                    "Ctrl-S freezes terminals (XON/XOFF)"
                );
                assert_ne!(key.key, Key::ctrl('q'), "Ctrl-Q is XON");
                assert!(
                    !(key.key.ctrl && key.key.alt),
                    "Ctrl+Alt chords belong to screen readers"
                );
            }
        }
    }

    #[test]
    fn every_bindable_action_has_a_key_and_a_help_line() {
        let map = Keymap::default();
        let rows = map.help_rows();
        assert_eq!(rows.len(), Action::BINDABLE.len());
        for (keys, description) in rows {
            assert!(!keys.is_empty());
            assert!(!description.is_empty());
        }
        // And no key is bound twice.
        let mut seen = std::collections::HashSet::new();
        for binding in map.bindings() {
            for key in &binding.keys {
                assert!(seen.insert(*key), "{key:?} bound twice");
            }
        }
    }

    #[test]
    fn the_prompt_takes_text_but_keeps_the_escape_hatches() {
        let map = Keymap::default();
        let text = InputMode::Text;
        for c in ['q', 'j', '/', '?', ' ', 'G', 'é'] {
            assert_eq!(
                map.resolve(text, Key::char(c)),
                Some(Action::SearchEdit(Edit::Insert(c))),
                "{c:?}"
            );
        }
        assert_eq!(map.resolve(text, Key::plain(K::Esc)), Some(Action::Back));
        assert_eq!(
            map.resolve(text, Key::plain(K::Enter)),
            Some(Action::SearchSubmit)
        );
        assert_eq!(map.resolve(text, Key::ctrl('c')), Some(Action::Quit));
    }

    #[test]
    fn the_prompt_edits_like_a_line_editor() {
        let map = Keymap::default();
        let cases = [
            (Key::plain(K::Left), Edit::Left),
            (Key::plain(K::Right), Edit::Right),
            (Key::plain(K::Home), Edit::Home),
            (Key::plain(K::End), Edit::End),
            (Key::ctrl('e'), Edit::End),
            (Key::plain(K::Backspace), Edit::Backspace),
            (Key::ctrl('h'), Edit::Backspace),
            (Key::plain(K::Delete), Edit::Delete),
            (Key::ctrl('u'), Edit::KillToStart),
            (Key::ctrl('k'), Edit::KillToEnd),
            (Key::ctrl('w'), Edit::KillWordBack),
            (Key::plain(K::Up), Edit::Older),
            (Key::plain(K::Down), Edit::Newer),
        ];
        for (key, edit) in cases {
            assert_eq!(
                map.resolve(InputMode::Text, key),
                Some(Action::SearchEdit(edit)),
                "{}",
                key.label()
            );
        }
        // GNU screen's prefix stays screen's.
        assert_eq!(map.resolve(InputMode::Text, Key::ctrl('a')), None);
    }

    /// The help screen's list of prompt keys is what the prompt reads, and each thing it does
    /// has a key no screen reader or terminal takes first (Esc has Ctrl-G beside it).
    #[test]
    fn the_prompt_keys_in_help_are_the_keys_the_prompt_reads() {
        let map = Keymap::default();
        for (keys, what) in PROMPT_KEYS {
            let mut free = 0;
            for label in keys.split(' ') {
                let key = Key::parse(label).unwrap_or_else(|| panic!("{label} is no key"));
                assert!(
                    map.resolve(InputMode::Text, key).is_some(),
                    "{label} ({what}) does nothing at the prompt"
                );
                free += usize::from(reserved(&key).is_none());
            }
            assert!(free > 0, "{keys} ({what}): every key is reserved");
        }
        assert_eq!(
            map.resolve(InputMode::Text, Key::ctrl('g')),
            Some(Action::Back)
        );
    }

    #[test]
    fn labels_read_like_the_documentation() {
        assert_eq!(Key::ctrl('f').label(), "Ctrl-F");
        assert_eq!(Key::char(' ').label(), "Space");
        assert_eq!(Key::plain(KeyCode::PageDown).label(), "PageDown");
        assert_eq!(Key::char('G').label(), "G");
    }

    #[test]
    fn key_names_read_back_what_labels_write() {
        let map = Keymap::default();
        for binding in map.bindings() {
            for key in &binding.keys {
                assert_eq!(BoundKey::parse(&key.label()), Some(*key), "{}", key.label());
            }
        }
        assert_eq!(Key::parse("ctrl-f"), Some(Key::ctrl('f')));
        assert_eq!(Key::parse("Ctrl+F"), Some(Key::ctrl('f')));
        assert_eq!(Key::parse("pagedown"), Some(Key::plain(K::PageDown)));
        assert_eq!(Key::parse("-"), Some(Key::char('-')));
        assert_eq!(
            Key::parse("Alt-x").map(|k| (k.alt, k.code)),
            Some((true, K::Char('x')))
        );
        for bad in [
            "",
            "Ctrl-",
            "Hyper-x",
            "F0",
            "F99",
            "jj",
            "Ctrl-Space",
            "\u{7}",
        ] {
            assert_eq!(Key::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn action_names_are_snake_case_and_round_trip() {
        assert_eq!(action_name(&Action::PageDown), "page_down");
        assert_eq!(action_name(&Action::BackOrQuit), "back_or_quit");
        for action in Action::BINDABLE {
            assert_eq!(action_named(&action_name(action)).as_ref(), Some(action));
        }
        assert_eq!(action_named("page-down"), Some(Action::PageDown));
        assert_eq!(action_named("jump"), None);
    }

    #[test]
    fn without_letter_keys_arrows_enter_esc_and_pages_still_work() {
        let map = Keymap::configured(false, &[]);
        for key in [
            K::Up,
            K::Down,
            K::Enter,
            K::Esc,
            K::PageUp,
            K::PageDown,
            K::Home,
            K::End,
        ] {
            assert!(map.resolve(LIST, Key::plain(key)).is_some(), "{key:?}");
        }
        for c in ['j', 'k', 'q', '?', '/', ' ', 'G'] {
            assert_eq!(map.resolve(LIST, Key::char(c)), None, "{c:?}");
        }
        assert_eq!(map.resolve(LIST, Key::ctrl('c')), Some(Action::Quit));
        // The search prompt still takes letters as text.
        assert_eq!(
            map.resolve(InputMode::Text, Key::char('j')),
            Some(Action::SearchEdit(Edit::Insert('j')))
        );
    }

    /// Issue 15: fenrir (our harness, pty mode) takes Esc and F1, and Orca its modifier
    /// chords and the keypad; with `letter_keys = false` 20 actions had no key left. Every
    /// action keeps a default key that is no character and no reserved key, one a terminal
    /// sends and crossterm reads: no Ctrl+Alt, no Ctrl with a digit or Shift, F1-F12 only
    /// (xterm sends Shift-F1 for F13).
    #[test]
    fn every_action_has_a_key_no_screen_reader_or_terminal_takes() {
        let map = Keymap::default();
        for action in Action::BINDABLE {
            let binding = map
                .bindings()
                .iter()
                .find(|b| &b.action == action)
                .expect("bound");
            let safe: Vec<&BoundKey> = binding
                .keys
                .iter()
                .filter(|k| k.only.is_none() && !k.key.is_character())
                .filter(|k| reserved(&k.key).is_none())
                .collect();
            assert!(
                !safe.is_empty(),
                "{}: only {:?}",
                action_name(action),
                map.keys_for(action)
            );
            for k in safe {
                let key = k.key;
                assert!(!(key.ctrl && key.alt), "{}", key.label());
                if let KeyCode::Char(c) = key.code {
                    assert!(
                        c.is_ascii_lowercase(),
                        "{}: Ctrl-digit or Shift",
                        key.label()
                    );
                }
                if let KeyCode::F(n) = key.code {
                    assert!((1..=12).contains(&n), "{}", key.label());
                }
            }
        }
    }

    /// Esc and F1 stay for those without a screen reader, and Ctrl-B for less's users (tmux
    /// takes it as its prefix); no other default is a reserved key.
    #[test]
    fn the_reserved_keys_bound_by_default_are_only_the_old_extras() {
        let mut bound: Vec<String> = Keymap::default()
            .bindings()
            .iter()
            .flat_map(|b| b.keys.iter())
            .filter(|k| reserved(&k.key).is_some())
            .map(BoundKey::label)
            .collect();
        bound.sort();
        assert_eq!(bound, ["Ctrl-B", "Esc", "F1"]);
        // Each reserved key says where it comes from, once.
        let mut seen = std::collections::HashSet::new();
        for (key, why) in RESERVED {
            assert!(!why.is_empty());
            assert!(seen.insert(*key), "{} listed twice", key.label());
        }
    }

    #[test]
    fn without_letter_keys_every_action_is_still_reachable() {
        let map = Keymap::configured(false, &[]);
        for action in Action::BINDABLE {
            let keys = map
                .bindings()
                .iter()
                .find(|b| &b.action == action)
                .map(|b| b.keys.clone())
                .unwrap_or_default();
            assert!(!keys.is_empty(), "{} has no key", action_name(action));
            for k in keys {
                assert!(!k.key.is_character(), "{}", k.label());
                for place in [Place::List, Place::Article] {
                    if k.only.is_none_or(|only| only == place) {
                        assert_eq!(
                            map.resolve(InputMode::Command(place), k.key).as_ref(),
                            Some(action),
                            "{} in {place:?}",
                            k.label()
                        );
                    }
                }
            }
        }
        let rows = map.help_rows();
        assert!(rows.iter().all(|(keys, _)| keys != "(no key)"), "{rows:?}");
    }

    /// In less, mutt and newsboat `b` pages up: so it does where text is read, and every
    /// page-up key pages up there; in the list `b` stays "breaking only".
    #[test]
    fn b_pages_up_in_the_article_and_filters_in_the_list() {
        let map = Keymap::default();
        assert_eq!(map.resolve(ARTICLE, Key::char('b')), Some(Action::PageUp));
        assert_eq!(
            map.resolve(LIST, Key::char('b')),
            Some(Action::FilterBreaking)
        );
        for key in [Key::char('-'), Key::plain(K::PageUp), Key::ctrl('b')] {
            assert_eq!(map.resolve(ARTICLE, key), Some(Action::PageUp), "{key:?}");
            assert_eq!(map.resolve(LIST, key), Some(Action::PageUp), "{key:?}");
        }
        // The help says where: both rows name `b` with its place.
        let rows = map.help_rows();
        let row = |action: Action| {
            rows.iter()
                .find(|(_, d)| *d == action.description())
                .map(|(k, _)| k.clone())
                .expect("a row")
        };
        assert!(row(Action::PageUp).contains("article:b"), "{rows:?}");
        assert!(row(Action::FilterBreaking).contains("list:b"), "{rows:?}");
    }

    #[test]
    fn place_prefixes_read_back_and_a_lone_colon_is_a_key() {
        let article_b = BoundKey::only(Place::Article, Key::char('b'));
        assert_eq!(BoundKey::parse("article:b"), Some(article_b));
        assert_eq!(BoundKey::parse("Article:b"), Some(article_b));
        assert_eq!(
            BoundKey::parse("list:Ctrl-K"),
            Some(BoundKey::only(Place::List, Key::ctrl('k')))
        );
        assert_eq!(BoundKey::parse(":"), Some(Key::char(':').into()));
        assert_eq!(
            BoundKey::parse("list::"),
            Some(BoundKey::only(Place::List, Key::char(':')))
        );
        for bad in ["list:", "article:jj", "help:b", "list:Ctrl-"] {
            assert_eq!(BoundKey::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_key_bound_everywhere_takes_it_in_every_place_and_a_placed_one_only_there() {
        let everywhere =
            Keymap::configured(true, &[(Action::ToggleStar, vec![Key::char('b').into()])]);
        assert_eq!(
            everywhere.resolve(ARTICLE, Key::char('b')),
            Some(Action::ToggleStar)
        );
        assert_eq!(
            everywhere.resolve(LIST, Key::char('b')),
            Some(Action::ToggleStar)
        );
        let in_list = Keymap::configured(
            true,
            &[(
                Action::Down,
                vec![BoundKey::only(Place::List, Key::char('b'))],
            )],
        );
        assert_eq!(in_list.resolve(LIST, Key::char('b')), Some(Action::Down));
        assert_eq!(
            in_list.resolve(ARTICLE, Key::char('b')),
            Some(Action::PageUp)
        );
        assert!(
            !in_list
                .keys_for(&Action::FilterBreaking)
                .contains(&"list:b".to_owned())
        );
        // letter_keys = false drops placed character keys too.
        let no_letters = Keymap::configured(false, &[]);
        assert_eq!(no_letters.resolve(ARTICLE, Key::char('b')), None);
        assert_eq!(no_letters.resolve(LIST, Key::char('b')), None);
    }

    #[test]
    fn an_override_moves_keys_and_an_empty_list_unbinds() {
        let map = Keymap::configured(
            true,
            &[
                (
                    Action::Down,
                    vec![Key::char('x').into(), Key::plain(K::Down).into()],
                ),
                (Action::Help, vec![]),
                (
                    Action::Quit,
                    vec![Key::char('q').into(), Key::ctrl('c').into()],
                ),
            ],
        );
        let resolve = |k| map.resolve(LIST, k);
        assert_eq!(resolve(Key::char('x')), Some(Action::Down));
        assert_eq!(resolve(Key::char('j')), None);
        assert_eq!(resolve(Key::char('?')), None);
        assert_eq!(resolve(Key::plain(K::F(1))), None);
        assert_eq!(resolve(Key::char('q')), Some(Action::Quit));
        assert_eq!(map.key_for(&Action::BackOrQuit), Some("F10".to_owned()));
        assert_eq!(
            resolve(Key::ctrl('g')),
            None,
            "help = [] unbinds every help key"
        );
        let rows = map.help_rows();
        assert!(rows.contains(&("(no key)".to_owned(), Action::Help.description())));
        assert!(rows.contains(&("x Down".to_owned(), Action::Down.description())));
    }
}
