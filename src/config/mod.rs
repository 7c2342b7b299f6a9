//! The config file (TOML, every setting optional), resolved into what the program uses.
//! A broken file is reported and ignored: a bad setting never stops anyone reading.
//!
//! This is Herald's one config parser. It walks the parsed TOML itself (with spans) instead of
//! deriving serde, so that each bad setting is reported at its own `path:line:column` and
//! dropped while every other setting still applies.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub mod resolve;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::app::keymap::{BoundKey, Keymap, action_name, action_named};
use crate::app::options::{ColorChoice, Column, PaneLayout, Profile};
use crate::app::{Action, ThemeName};

/// The file as written: every setting optional (None or empty: not set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileConfig {
    /// Store files or folders to open when none is named on the command line (from
    /// `stores = [...]` and `[[store]]` tables, in file order).
    pub stores: Vec<PathBuf>,
    /// Read in plain mode (for screen readers and braille displays) when no flag says otherwise.
    pub plain: Option<bool>,
    /// The program that opens a link and its arguments, as argv (the URL is added as the last
    /// argument). Written as one string split like a shell would split words, but never run
    /// through a shell: `"firefox --new-tab"` or `["firefox", "--new-tab"]`.
    pub opener: Option<Vec<String>>,
    /// Names given to stores by `[[store]]` tables, by path: every article read from that path
    /// appears under this store name.
    pub store_names: BTreeMap<PathBuf, String>,
    pub theme: Option<ThemeName>,
    /// Where the article goes: beside the list when wide enough, always beside, always below.
    pub layout: Option<PaneLayout>,
    /// The headline list's order at start (`sort = "title"`; default newest first).
    pub sort: Option<crate::app::Sort>,
    /// `profile = "screen-reader"`: the defaults for speech and braille in one switch.
    pub profile: Option<Profile>,
    /// The headline list's columns after the title, in order (`columns = ["state", "date"]`).
    pub columns: Option<Vec<Column>>,
    pub color: Option<ColorChoice>,
    pub status_bar: Option<bool>,
    pub alt_screen: Option<bool>,
    /// Links in the article pane as OSC 8 hyperlinks (default on).
    pub hyperlinks: Option<bool>,
    /// Desktop notifications through the terminal for breaking news that arrives while the
    /// reader runs (default auto: on when the terminal is known to show them).
    pub notify: Option<crate::present::notify::Setting>,
    /// Which sequence they are sent as (default: the one the terminal is known for, else OSC 9).
    pub notify_via: Option<crate::present::notify::Protocol>,
    /// A bell after each notification (default off).
    pub notify_bell: Option<bool>,
    /// Single-character shortcuts (default on); off leaves arrows, Enter, Backspace, Esc,
    /// PageUp/PageDown, Home/End, F-keys and Ctrl keys: every action keeps one.
    pub letter_keys: Option<bool>,
    /// `[keys]`: actions given exactly these keys (an empty list unbinds), in file order.
    pub keys: Vec<(Action, Vec<BoundKey>)>,
    /// `[breaking]`: the reader's breaking-news rules and how long a story stays breaking
    /// (unset: the stores' own flags, fresh for 12 hours).
    pub breaking: Option<crate::engine::breaking::Policy>,
    /// Fetch the due feeds this often while the reader is open (unset: only on `r`).
    pub fetch_every: Option<std::time::Duration>,
    /// The longest one feed's whole fetch may take (default 60 s).
    pub fetch_timeout: Option<std::time::Duration>,
    /// The longest a connection may take to open (default 10 s).
    pub fetch_connect_timeout: Option<std::time::Duration>,
    /// The largest feed taken, in megabytes, after decompression (default 20).
    pub fetch_max_megabytes: Option<u64>,
}

impl FileConfig {
    /// The opener's argv: the config's, else the desktop's own (`xdg-open`, `open`).
    pub fn opener_argv(&self) -> Vec<String> {
        self.opener
            .clone()
            .unwrap_or_else(|| vec![crate::engine::opener::DEFAULT.to_owned()])
    }

    /// The limits every fetch keeps to: the config's, else the defaults.
    pub fn fetch_limits(&self) -> crate::produce::fetch::http::Limits {
        let defaults = crate::produce::fetch::http::Limits::default();
        crate::produce::fetch::http::Limits {
            connect: self.fetch_connect_timeout.unwrap_or(defaults.connect),
            whole: self.fetch_timeout.unwrap_or(defaults.whole),
            max_bytes: self
                .fetch_max_megabytes
                .map_or(defaults.max_bytes, |mb| mb.saturating_mul(1 << 20)),
        }
    }

    /// How the reader sends notifications, or None when it sends none: these settings
    /// against the environment (`env` looks a variable up).
    pub fn notifications(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Option<crate::present::notify::Plan> {
        crate::present::notify::plan(
            self.notify.unwrap_or_default(),
            self.notify_via,
            self.notify_bell.unwrap_or(false),
            env,
        )
    }

    /// The keymap these settings ask for.
    pub fn keymap(&self) -> Keymap {
        Keymap::configured(self.letter_keys.unwrap_or(true), &self.keys)
    }
}

/// The config in force, plus problems to tell the user about.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    pub config: FileConfig,
    /// The file it came from, when one was read.
    pub path: Option<PathBuf>,
    /// One line each, `path:line:column: what is wrong (ignored); what to write instead`.
    pub problems: Vec<String>,
}

/// Reads `path`. A missing file is not a problem (all settings have defaults) unless the user
/// named it explicitly.
pub fn load(path: &Path, explicit: bool) -> LoadedConfig {
    let display = crate::engine::store::source::display_path(path);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return LoadedConfig::default();
        }
        Err(error) => {
            return LoadedConfig {
                problems: vec![format!(
                    "{display}: cannot read config: {error}; using defaults"
                )],
                ..LoadedConfig::default()
            };
        }
    };
    parse(&text, &display, path)
}

/// Every top-level setting, in the order `herald config --default` lists them.
pub const SETTINGS: &[&str] = &[
    "stores",
    "store",
    "profile",
    "theme",
    "layout",
    "sort",
    "columns",
    "color",
    "plain",
    "status_bar",
    "alt_screen",
    "hyperlinks",
    "notify",
    "notify_via",
    "notify_bell",
    "opener",
    "letter_keys",
    "keys",
    "breaking",
    "fetch_every",
    "fetch_timeout",
    "fetch_connect_timeout",
    "fetch_max_megabytes",
];

/// Parses `text` (read from `path`, shown as `display` in messages).
pub fn parse(text: &str, display: &str, path: &Path) -> LoadedConfig {
    let mut parser = Parser {
        text,
        display,
        base: path.parent().unwrap_or(Path::new(".")),
        config: FileConfig::default(),
        problems: Vec::new(),
    };
    let (table, errors) = DeTable::parse_recoverable(text);
    for error in &errors {
        let start = error.span().map_or(0, |s| s.start);
        let message = error.message().trim_end().replace('\n', " ");
        parser.problem(
            start,
            format!("this is not valid TOML: {message}; the settings around it are ignored"),
        );
    }
    parser.top(table.get_ref());
    parser.problems.sort_by_key(|(offset, _)| *offset);
    LoadedConfig {
        config: parser.config,
        path: Some(path.to_path_buf()),
        problems: parser.problems.into_iter().map(|(_, p)| p).collect(),
    }
}

struct Parser<'a> {
    text: &'a str,
    display: &'a str,
    base: &'a Path,
    config: FileConfig,
    /// (byte offset, message): sorted by offset at the end so messages follow the file.
    problems: Vec<(usize, String)>,
}

type Value<'i> = Spanned<DeValue<'i>>;

/// How a value's type reads in a message: "a string", "a number".
pub(crate) fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) | DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Entries in the order they appear in the file.
fn in_file_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(&'t Spanned<std::borrow::Cow<'i, str>>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

impl Parser<'_> {
    fn problem(&mut self, offset: usize, message: String) {
        let place = crate::engine::store::Position::of_offset(self.text, offset);
        self.problems.push((
            offset,
            format!(
                "{}:{}:{}: {message}",
                self.display, place.line, place.column
            ),
        ));
    }

    fn at(&mut self, span: &Range<usize>, message: String) {
        self.problem(span.start, message);
    }

    fn top(&mut self, table: &DeTable<'_>) {
        for (key, value) in in_file_order(table) {
            let name = key.get_ref().as_ref();
            match name {
                "stores" => self.stores(value),
                "store" => self.store_tables(value),
                "theme" => {
                    self.config.theme = self.choice(
                        name,
                        value,
                        &[
                            ("default", ThemeName::Default),
                            ("high-contrast", ThemeName::HighContrast),
                            ("mono", ThemeName::Mono),
                        ],
                    );
                }
                "layout" => {
                    self.config.layout = self.choice(
                        name,
                        value,
                        &[
                            ("auto", PaneLayout::Auto),
                            ("side", PaneLayout::Side),
                            ("stacked", PaneLayout::Stacked),
                            ("single", PaneLayout::Single),
                        ],
                    );
                }
                "sort" => {
                    use crate::app::Sort;
                    let choices: Vec<(&str, Sort)> =
                        Sort::ALL.into_iter().map(|s| (s.name(), s)).collect();
                    self.config.sort = self.choice(name, value, &choices);
                }
                "profile" => {
                    self.config.profile = self.choice(
                        name,
                        value,
                        &[
                            ("default", Profile::Default),
                            ("screen-reader", Profile::ScreenReader),
                        ],
                    );
                }
                "columns" => self.config.columns = self.columns(value),
                "color" => {
                    self.config.color = self.choice(
                        name,
                        value,
                        &[
                            ("auto", ColorChoice::Auto),
                            ("always", ColorChoice::Always),
                            ("never", ColorChoice::Never),
                        ],
                    );
                }
                "plain" => self.config.plain = self.boolean(name, value),
                "status_bar" => self.config.status_bar = self.boolean(name, value),
                "alt_screen" => self.config.alt_screen = self.boolean(name, value),
                "hyperlinks" => self.config.hyperlinks = self.boolean(name, value),
                "notify" => {
                    use crate::present::notify::Setting;
                    self.config.notify = self.choice(
                        name,
                        value,
                        &[
                            ("off", Setting::Off),
                            ("auto", Setting::Auto),
                            ("on", Setting::On),
                        ],
                    );
                }
                "notify_via" => {
                    use crate::present::notify::Protocol;
                    let choices: Vec<(&str, Protocol)> =
                        Protocol::ALL.into_iter().map(|p| (p.name(), p)).collect();
                    self.config.notify_via = self.choice(name, value, &choices);
                }
                "notify_bell" => self.config.notify_bell = self.boolean(name, value),
                "letter_keys" => self.config.letter_keys = self.boolean(name, value),
                "opener" => self.config.opener = self.opener(value),
                "fetch_every" => self.config.fetch_every = self.duration(name, value),
                "fetch_timeout" => self.config.fetch_timeout = self.duration(name, value),
                "fetch_connect_timeout" => {
                    self.config.fetch_connect_timeout = self.duration(name, value);
                }
                "fetch_max_megabytes" => {
                    self.config.fetch_max_megabytes = self.megabytes(name, value);
                }
                "keys" => self.keys(value),
                "breaking" => {
                    let mut problems = Vec::new();
                    let policy = crate::engine::breaking::read_section(value, &mut problems);
                    for (offset, message) in problems {
                        self.problem(offset, message);
                    }
                    self.config.breaking = Some(policy);
                }
                other => {
                    let hint = suggestion(other, SETTINGS)
                        .map(|s| format!("did you mean {s:?}?"))
                        .unwrap_or_else(|| format!("settings are: {}", SETTINGS.join(", ")));
                    self.at(
                        &key.span(),
                        format!("unknown setting {other:?} (ignored); {hint}"),
                    );
                }
            }
        }
    }

    /// `"30m"`, `"1h"`, `"90s"`, `"2d"`: at least a second.
    fn duration(&mut self, name: &str, value: &Value<'_>) -> Option<std::time::Duration> {
        let parsed = match value.get_ref() {
            DeValue::String(s) => crate::produce::feeds::parse_every(s).filter(|d| d.as_secs() > 0),
            _ => None,
        };
        if parsed.is_none() {
            self.at(
                &value.span(),
                format!("{name} must be a time like \"30m\", \"1h\", \"90s\" or \"2d\" (ignored)"),
            );
        }
        parsed
    }

    fn megabytes(&mut self, name: &str, value: &Value<'_>) -> Option<u64> {
        match value.get_ref() {
            DeValue::Integer(n) => {
                let n = n
                    .as_str()
                    .parse::<u64>()
                    .ok()
                    .filter(|&n| (1..=4096).contains(&n));
                if n.is_none() {
                    self.at(
                        &value.span(),
                        format!(
                            "{name} must be a whole number of megabytes from 1 to 4096 (ignored)"
                        ),
                    );
                }
                n
            }
            other => {
                self.at(
                    &value.span(),
                    format!(
                        "{name} must be a number of megabytes, not {} (ignored)",
                        kind(other)
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, name: &str, value: &Value<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            DeValue::String(s) if matches!(s.as_ref(), "true" | "false") => {
                self.at(
                    &value.span(),
                    format!("{name} must be true or false without quotes, not {s:?} (ignored)"),
                );
                None
            }
            other => {
                self.at(
                    &value.span(),
                    format!(
                        "{name} must be true or false, not {} (ignored)",
                        kind(other)
                    ),
                );
                None
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        name: &str,
        value: &Value<'_>,
        options: &[(&str, T)],
    ) -> Option<T> {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("{n:?}")).collect();
        let list = match names.as_slice() {
            [init @ .., last] if !init.is_empty() => format!("{} or {last}", init.join(", ")),
            _ => names.join(""),
        };
        match value.get_ref() {
            DeValue::String(s) => {
                if let Some((_, choice)) = options.iter().find(|(n, _)| *n == s.as_ref()) {
                    return Some(*choice);
                }
                let shown = crate::text::sanitize_line(s);
                self.at(
                    &value.span(),
                    format!("{name} = {shown:?} is not a {name} (ignored); use {list}"),
                );
            }
            other => self.at(
                &value.span(),
                format!(
                    "{name} must be a string, not {} (ignored); use {list}",
                    kind(other)
                ),
            ),
        }
        None
    }

    fn path(&self, text: &str) -> PathBuf {
        let path = match text.strip_prefix("~/") {
            Some(rest) => directories::BaseDirs::new()
                .map_or_else(|| PathBuf::from(text), |b| b.home_dir().join(rest)),
            None => PathBuf::from(text),
        };
        // Relative store paths are relative to the config file, not to wherever Herald started.
        if path.is_relative() {
            self.base.join(path)
        } else {
            path
        }
    }

    /// `columns = ["state", "date", "store"]`: each at most once; a bad name is reported and
    /// left out, the rest kept.
    fn columns(&mut self, value: &Value<'_>) -> Option<Vec<Column>> {
        const USE: &str = "use \"state\", \"date\" or \"store\"";
        let DeValue::Array(items) = value.get_ref() else {
            self.at(
                &value.span(),
                format!(
                    "columns must be a list like columns = [\"state\", \"date\"], not {} (ignored)",
                    kind(value.get_ref())
                ),
            );
            return None;
        };
        let mut columns = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => match Column::parse(s) {
                    Some(column) if !columns.contains(&column) => columns.push(column),
                    Some(_) => self.at(
                        &item.span(),
                        format!("column {s:?} is listed twice (the second is ignored)"),
                    ),
                    None => {
                        let shown = crate::text::sanitize_line(s);
                        self.at(
                            &item.span(),
                            format!("{shown:?} is not a column (ignored); {USE}"),
                        );
                    }
                },
                other => self.at(
                    &item.span(),
                    format!(
                        "each column must be a name in quotes, not {} (ignored); {USE}",
                        kind(other)
                    ),
                ),
            }
        }
        Some(columns)
    }

    fn stores(&mut self, value: &Value<'_>) {
        let DeValue::Array(items) = value.get_ref() else {
            self.at(
                &value.span(),
                format!(
                    "stores must be a list of paths, like stores = [\"~/news\"], not {} (ignored)",
                    kind(value.get_ref())
                ),
            );
            return;
        };
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) if !s.is_empty() => {
                    let path = self.path(s);
                    self.config.stores.push(path);
                }
                other => self.at(
                    &item.span(),
                    format!(
                        "each store must be a path in quotes, not {} (ignored)",
                        if matches!(other, DeValue::String(_)) {
                            "an empty string"
                        } else {
                            kind(other)
                        }
                    ),
                ),
            }
        }
    }

    /// `[[store]]` tables: `path` (required) and `name`.
    fn store_tables(&mut self, value: &Value<'_>) {
        let tables: Vec<&Value<'_>> = match value.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            DeValue::Table(_) => vec![value],
            other => {
                self.at(
                    &value.span(),
                    format!(
                        "store must be a table ([[store]] with path = \"...\"), not {} (ignored)",
                        kind(other)
                    ),
                );
                return;
            }
        };
        for table_value in tables {
            let DeValue::Table(table) = table_value.get_ref() else {
                self.at(
                    &table_value.span(),
                    "each [[store]] must be a table with path = \"...\" (ignored)".to_owned(),
                );
                continue;
            };
            let (mut path, mut name) = (None, None);
            for (key, value) in in_file_order(table) {
                let field = key.get_ref().as_ref();
                match (field, value.get_ref()) {
                    ("path", DeValue::String(s)) if !s.is_empty() => path = Some(self.path(s)),
                    ("name", DeValue::String(s)) if !s.trim().is_empty() => {
                        name = Some(crate::text::sanitize_line(s.trim()).into_owned());
                    }
                    ("path" | "name", other) => self.at(
                        &value.span(),
                        format!(
                            "[[store]] {field} must be a non-empty string, not {} (ignored)",
                            if matches!(other, DeValue::String(_)) {
                                "an empty one"
                            } else {
                                kind(other)
                            }
                        ),
                    ),
                    (other, _) => self.at(
                        &key.span(),
                        format!(
                            "unknown [[store]] setting {other:?} (ignored); a store has path and name"
                        ),
                    ),
                }
            }
            match path {
                Some(path) => {
                    if let Some(name) = name {
                        self.config.store_names.insert(path.clone(), name);
                    }
                    self.config.stores.push(path);
                }
                None => self.at(
                    &table_value.span(),
                    "a [[store]] without path = \"...\" (ignored)".to_owned(),
                ),
            }
        }
    }

    fn opener(&mut self, value: &Value<'_>) -> Option<Vec<String>> {
        const EXAMPLE: &str =
            "like opener = \"firefox --new-tab\" or opener = [\"firefox\", \"--new-tab\"]";
        let argv = match value.get_ref() {
            // Split into words as a shell would (quotes and backslashes group), but the words
            // are run as they are: no shell ever sees them or the link.
            DeValue::String(s) => {
                match shell_words::split(s) {
                    Ok(words) => words,
                    Err(_) => {
                        self.at(
                        &value.span(),
                        format!("opener has a quote that is never closed (ignored); write it {EXAMPLE}"),
                    );
                        return None;
                    }
                }
            }
            DeValue::Array(items) => {
                let words: Option<Vec<String>> = items
                    .iter()
                    .map(|item| match item.get_ref() {
                        DeValue::String(s) => Some(s.to_string()),
                        _ => None,
                    })
                    .collect();
                let Some(words) = words else {
                    self.at(
                        &value.span(),
                        format!("opener must be a list of strings (ignored); write it {EXAMPLE}"),
                    );
                    return None;
                };
                words
            }
            other => {
                self.at(
                    &value.span(),
                    format!(
                        "opener must be a command in quotes or a list of words, not {} (ignored); write it {EXAMPLE}",
                        kind(other)
                    ),
                );
                return None;
            }
        };
        if argv.first().is_none_or(|program| program.trim().is_empty()) {
            self.at(
                &value.span(),
                format!("opener names no program (ignored); write it {EXAMPLE}"),
            );
            return None;
        }
        Some(argv)
    }

    fn keys(&mut self, value: &Value<'_>) {
        let DeValue::Table(table) = value.get_ref() else {
            self.at(
                &value.span(),
                format!(
                    "keys must be a table ([keys] then action = [\"key\", ...]), not {} (ignored)",
                    kind(value.get_ref())
                ),
            );
            return;
        };
        // Which action each key went to, to report a key given to two actions.
        let mut taken: Vec<(BoundKey, Action)> = Vec::new();
        for (key, value) in in_file_order(table) {
            let name = key.get_ref().as_ref();
            let Some(action) = action_named(name) else {
                let names: Vec<String> = Action::BINDABLE.iter().map(action_name).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let hint = suggestion(&name.replace('-', "_"), &names)
                    .map(|s| format!("did you mean {s:?}?"))
                    .unwrap_or_else(|| format!("actions are: {}", names.join(", ")));
                let shown = crate::text::sanitize_line(name);
                self.at(
                    &key.span(),
                    format!("[keys] {shown:?} is not an action (ignored); {hint}"),
                );
                continue;
            };
            let items: Vec<&Value<'_>> = match value.get_ref() {
                DeValue::Array(items) => items.iter().collect(),
                DeValue::String(_) => vec![value],
                other => {
                    self.at(
                        &value.span(),
                        format!(
                            "[keys] {name} must be a list of keys, like {name} = [\"j\", \"Down\"], \
                             not {} (ignored)",
                            kind(other)
                        ),
                    );
                    continue;
                }
            };
            let mut keys = Vec::new();
            for item in items {
                let parsed = match item.get_ref() {
                    DeValue::String(s) => BoundKey::parse(s).ok_or_else(|| {
                        format!(
                            "[keys] {name}: {:?} is not a key (ignored); write a character \
                             (\"j\", \"?\"), a key name (Down, PageDown, Home, Enter, Esc, Tab, \
                             Space, F1) or Ctrl-/Alt- and one of those (\"Ctrl-F\"), after \
                             list: or article: for a key that works only there (\"list:b\")",
                            crate::text::sanitize_line(s)
                        )
                    }),
                    other => Err(format!(
                        "[keys] {name}: each key must be a string, not {} (ignored)",
                        kind(other)
                    )),
                };
                match parsed {
                    Ok(k) => {
                        if let Some((_, other)) =
                            taken.iter().find(|(t, a)| *t == k && *a != action)
                        {
                            let message = format!(
                                "[keys] {name}: {:?} is already bound to {} above (ignored here)",
                                k.label(),
                                action_name(other)
                            );
                            self.at(&item.span(), message);
                        } else if !keys.contains(&k) {
                            taken.push((k, action.clone()));
                            keys.push(k);
                        }
                    }
                    Err(message) => self.at(&item.span(), message),
                }
            }
            self.config.keys.retain(|(a, _)| *a != action);
            self.config.keys.push((action, keys));
        }
    }
}

/// The closest of `known` to `word` when it is a likely typo (edit distance at most 2).
pub(crate) fn suggestion<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// `herald config --default`: every setting, commented out, with its default and what it
/// does. Uncommenting any line changes nothing until its value is edited.
pub fn default_file() -> String {
    let mut out = String::new();
    let lines = [
        "# Herald's config file: $XDG_CONFIG_HOME/herald/config.toml (usually",
        "# ~/.config/herald/config.toml), or the file named by --config PATH.",
        "# Every setting is optional and shown here commented out, with its default.",
        "# A bad or unknown setting is reported with its line and ignored; the rest still applies.",
        "",
        "# Stores to open when none is named on the command line. Relative paths are relative",
        "# to this file; ~/ is your home. Empty: the stores/ folder in Herald's data directory.",
        "#stores = []",
        "# A store can also get a name (its articles then appear under it):",
        "#   [[store]]",
        "#   path = \"~/news/voa.json\"",
        "#   name = \"VOA\"",
        "",
        "# Profile: \"default\" or \"screen-reader\" (for speech and braille: one pane at a",
        "# time, no scroll position re-read in the header; also chosen by ACCESSIBLE=1).",
        "# Settings below still win over what a profile chooses.",
        "#profile = \"default\"",
        "",
        "# Theme: \"default\", \"high-contrast\" (your terminal's colours, emphasis by bold,",
        "# underline and reverse) or \"mono\" (no colour).",
        "#theme = \"default\"",
        "",
        "# Layout: \"auto\" (article beside the list when the terminal is wide enough, else below),",
        "# \"side\", \"stacked\" (below: a screen reader then never reads list and article on one line)",
        "# or \"single\" (one at a time, the whole screen; the screen-reader profile's choice).",
        "#layout = \"auto\"",
        "",
        "# The headline list's order at start: \"date\" (newest first), \"unread\" (unread first,",
        "# then newest), \"store\" (by store name, then newest) or \"title\" (A to Z). The sort key",
        "# (O, Alt-s) changes it while Herald runs.",
        "#sort = \"date\"",
        "",
        "# The headline list's columns after the title, in order: \"state\" (BREAKING unread *),",
        "# \"date\" and \"store\" (only when more than one store shows). The title always comes",
        "# first; a column that would leave the title too little room on a narrow screen is left out.",
        "#columns = [\"state\", \"date\", \"store\"]",
        "",
        "# Colour: \"auto\" (none when NO_COLOR is set or output is not a terminal), \"always\", \"never\".",
        "#color = \"auto\"",
        "",
        "# Plain mode for screen readers and braille displays. Unset: on with HERALD_PLAIN=1,",
        "# ACCESSIBLE=1, TERM=dumb or no terminal; false here also overrides ACCESSIBLE.",
        "#plain = false",
        "",
        "# The status bar of key hints at the bottom (messages and the search prompt still show).",
        "#status_bar = true",
        "",
        "# Draw on the alternate screen (false: on the normal screen, which stays after exit).",
        "#alt_screen = true",
        "",
        "# Links in the article as OSC 8 hyperlinks (clickable in terminals that support them).",
        "# They are always listed as numbered references at the end of the article too.",
        "#hyperlinks = true",
        "",
        "# Desktop notifications through the terminal (they cross SSH) when breaking news arrives",
        "# while Herald runs; never for articles already there at start. \"auto\": on when the",
        "# terminal is known to show them (iTerm2, WezTerm, Ghostty, kitty, foot, Windows Terminal,",
        "# urxvt, VTE); \"on\": always (inside tmux or over SSH auto may not see the terminal);",
        "# \"off\". notify_via: \"osc9\", \"osc777\" or \"osc99\" (kitty); unset: the one the",
        "# terminal is known for, else osc9. notify_bell: a bell after each notification too.",
        "# Inside tmux: set -g allow-passthrough on (tmux 3.3 or later; all, from 3.4, for panes",
        "# not on screen too).",
        "#notify = \"auto\"",
        "#notify_via = \"osc9\"",
        "#notify_bell = false",
        "",
        "# The program that opens a link, with any arguments (\"firefox --new-tab\" is split",
        "# into words, never run by a shell); the URL is added as the last argument.",
        "# Unset: xdg-open (or open on macOS). Over SSH, y copies the link to your clipboard.",
        "#opener = \"xdg-open\"",
        "",
        "# Fetching subscribed feeds (feeds.toml beside this file; herald feeds add URL).",
        "# fetch_every: fetch the due feeds this often while the reader is open (unset: only",
        "# when you press r). The limits apply to every fetch, herald fetch too.",
        "#fetch_every = \"30m\"",
        "#fetch_timeout = \"60s\"",
        "#fetch_connect_timeout = \"10s\"",
        "#fetch_max_megabytes = 20",
        "",
        "# Single-character shortcuts (letters, digits, punctuation, Space). false turns them all",
        "# off; arrows, Enter, Backspace, Esc, PageUp/PageDown, Home/End, F-keys and Ctrl keys keep",
        "# working (every action keeps one), and keys you bind in [keys] below are kept.",
        "#letter_keys = true",
        "",
        "# Breaking news: an article is breaking when its store flags it or a rule of yours",
        "# matches it; with this section, only while fresh (published within fresh_for: a time",
        "# like \"12h\" or \"2d\", or \"forever\"; without it the stores' flags never expire).",
        "# A rule matches when everything it names matches: words (whole words, any case) or",
        "# patterns (regular expressions) in the title or body (in = \"title\": the title only),",
        "# sources, tags. One feed's own rules go in feeds.toml: breaking = { words = [...] }.",
        "#[breaking]",
        "#fresh_for = \"12h\"",
        "#   [[breaking.rule]]",
        "#   words = [\"earthquake\", \"tsunami warning\"]",
        "#   [[breaking.rule]]",
        "#   patterns = ['^(LIVE|BREAKING):']",
        "#   in = \"title\"",
        "#   sources = [\"Wire\"]",
        "",
        "# Key bindings: action = [keys]. A list replaces the action's keys (taking them from any",
        "# other action); [] unbinds it. Keys: a character (\"j\", \"G\", \"?\"), a key name (Up, Down,",
        "# Left, Right, PageUp, PageDown, Home, End, Enter, Esc, Tab, BackTab, Backspace, Space,",
        "# F1-F24), or Ctrl- and Alt- before one (\"Ctrl-F\"). list: or article: before a key makes",
        "# it work only there (the article's keys work in the help screen too): \"article:b\".",
        "#[keys]",
    ];
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    let keymap = Keymap::default();
    for action in Action::BINDABLE {
        let keys: Vec<String> = keymap
            .keys_for(action)
            .iter()
            .map(|k| format!("{k:?}"))
            .collect();
        let _ = writeln!(out, "# {}", action.description());
        let _ = writeln!(out, "#{} = [{}]", action_name(action), keys.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Key, KeyCode};

    fn parse_str(text: &str) -> LoadedConfig {
        parse(text, "c.toml", Path::new("/home/u/.config/herald/c.toml"))
    }

    /// One problem, its exact message.
    fn only_problem(text: &str) -> (FileConfig, String) {
        let loaded = parse_str(text);
        assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
        (loaded.config, loaded.problems[0].clone())
    }

    #[test]
    fn stores_are_resolved_against_the_config_folder() {
        let loaded = parse_str("stores = [\"news\", \"/abs/feed.json\"]\n");
        assert!(loaded.problems.is_empty());
        assert_eq!(
            loaded.config.stores,
            [
                PathBuf::from("/home/u/.config/herald/news"),
                PathBuf::from("/abs/feed.json")
            ]
        );
    }

    #[test]
    fn store_tables_add_paths_with_names_after_the_list() {
        let loaded = parse_str(
            "stores = [\"a.json\"]\n[[store]]\npath = \"/n/voa.json\"\nname = \"VOA\"\n\
             [[store]]\npath = \"b.json\"\n",
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(
            loaded.config.stores,
            [
                PathBuf::from("/home/u/.config/herald/a.json"),
                PathBuf::from("/n/voa.json"),
                PathBuf::from("/home/u/.config/herald/b.json"),
            ]
        );
        assert_eq!(
            loaded.config.store_names.get(Path::new("/n/voa.json")),
            Some(&"VOA".to_owned())
        );
        assert_eq!(loaded.config.store_names.len(), 1);
    }

    #[test]
    fn every_setting_is_read() {
        let loaded = parse_str(
            "theme = \"mono\"\ncolor = \"never\"\nplain = true\nstatus_bar = false\n\
             alt_screen = false\nhyperlinks = false\nopener = \"firefox --new-tab\"\n\
             letter_keys = false\n[keys]\ndown = [\"x\", \"Ctrl-N\"]\nhelp = []\nquit = \"F10\"\n",
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let c = loaded.config;
        assert_eq!(c.theme, Some(ThemeName::Mono));
        assert_eq!(c.color, Some(ColorChoice::Never));
        assert_eq!(c.plain, Some(true));
        assert_eq!(c.status_bar, Some(false));
        assert_eq!(c.alt_screen, Some(false));
        assert_eq!(c.hyperlinks, Some(false));
        assert_eq!(
            c.opener,
            Some(vec!["firefox".to_owned(), "--new-tab".to_owned()])
        );
        assert_eq!(c.letter_keys, Some(false));
        assert_eq!(
            c.keys,
            [
                (
                    Action::Down,
                    vec![Key::char('x').into(), Key::ctrl('n').into()]
                ),
                (Action::Help, vec![]),
                (Action::Quit, vec![Key::plain(KeyCode::F(10)).into()]),
            ]
        );
    }

    // Each invalid fixture: the exact message, at its line and column, and the rest applies.

    #[test]
    fn an_opener_is_split_into_words_and_never_given_to_a_shell() {
        let cases = [
            (
                "opener = \"firefox --new-tab\"",
                vec!["firefox", "--new-tab"],
            ),
            (
                "opener = \"'/opt/My Browser/run' -x\"",
                vec!["/opt/My Browser/run", "-x"],
            ),
            (
                "opener = [\"open\", \"-a\", \"Safari\"]",
                vec!["open", "-a", "Safari"],
            ),
            // Shell syntax is only words here: nothing runs it.
            ("opener = \"echo $(id);\"", vec!["echo", "$(id);"]),
        ];
        for (text, argv) in cases {
            let loaded = parse_str(text);
            assert!(loaded.problems.is_empty(), "{text}: {:?}", loaded.problems);
            let argv: Vec<String> = argv.into_iter().map(str::to_owned).collect();
            assert_eq!(loaded.config.opener, Some(argv), "{text}");
        }
        for (text, expected) in [
            (
                "opener = \"firefox 'unclosed\"",
                "a quote that is never closed",
            ),
            ("opener = \"\"", "names no program"),
            ("opener = []", "names no program"),
            ("opener = [1]", "must be a list of strings"),
            ("opener = 3", "a command in quotes or a list of words"),
        ] {
            let (config, problem) = only_problem(text);
            assert_eq!(config.opener, None, "{text}");
            assert!(problem.contains(expected), "{text}: {problem}");
            assert!(problem.starts_with("c.toml:1:10: "), "{text}: {problem}");
        }
    }

    #[test]
    fn a_syntax_error_is_reported_and_the_rest_still_applies() {
        let loaded = parse_str("theme = \"mono\"\nstores = [\n\nstatus_bar = false\n");
        assert!(!loaded.problems.is_empty());
        assert!(
            loaded.problems[0].starts_with("c.toml:4:"),
            "{:?}",
            loaded.problems
        );
        assert!(loaded.problems[0].contains("this is not valid TOML"));
        assert_eq!(loaded.config.theme, Some(ThemeName::Mono));
    }

    #[test]
    fn a_wrong_type_for_stores_names_what_to_write() {
        let (config, problem) = only_problem("# comment\nstores = 5\ntheme = \"mono\"\n");
        assert_eq!(
            problem,
            "c.toml:2:10: stores must be a list of paths, like stores = [\"~/news\"], \
             not a number (ignored)"
        );
        assert!(config.stores.is_empty());
        assert_eq!(config.theme, Some(ThemeName::Mono));
    }

    #[test]
    fn an_unknown_theme_lists_the_themes() {
        let (config, problem) = only_problem("status_bar = false\ntheme = \"purple\"\n");
        assert_eq!(
            problem,
            "c.toml:2:9: theme = \"purple\" is not a theme (ignored); \
             use \"default\", \"high-contrast\" or \"mono\""
        );
        assert_eq!(config.theme, None);
        assert_eq!(config.status_bar, Some(false));
    }

    #[test]
    fn an_unknown_colour_lists_the_choices() {
        let (_, problem) = only_problem("color = \"sometimes\"\n");
        assert_eq!(
            problem,
            "c.toml:1:9: color = \"sometimes\" is not a color (ignored); \
             use \"auto\", \"always\" or \"never\""
        );
    }

    #[test]
    fn a_quoted_boolean_says_to_drop_the_quotes() {
        let (config, problem) = only_problem("theme = \"mono\"\nstatus_bar = \"false\"\n");
        assert_eq!(
            problem,
            "c.toml:2:14: status_bar must be true or false without quotes, not \"false\" (ignored)"
        );
        assert_eq!(config.status_bar, None);
        assert_eq!(config.theme, Some(ThemeName::Mono));
    }

    #[test]
    fn a_number_for_a_boolean() {
        let (_, problem) = only_problem("hyperlinks = 0\n");
        assert_eq!(
            problem,
            "c.toml:1:14: hyperlinks must be true or false, not a number (ignored)"
        );
    }

    #[test]
    fn the_notification_settings_are_read_and_bad_ones_reported_by_line() {
        use crate::present::notify::{Protocol, Setting};
        let loaded = parse_str("notify = \"on\"\nnotify_via = \"osc777\"\nnotify_bell = true\n");
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.config.notify, Some(Setting::On));
        assert_eq!(loaded.config.notify_via, Some(Protocol::Osc777));
        assert_eq!(loaded.config.notify_bell, Some(true));
        for (text, expected) in [
            (
                "notify = \"yes\"\n",
                "c.toml:1:10: notify = \"yes\" is not a notify (ignored); \
                 use \"off\", \"auto\" or \"on\"",
            ),
            (
                "notify = true\n",
                "c.toml:1:10: notify must be a string, not true/false (ignored); \
                 use \"off\", \"auto\" or \"on\"",
            ),
            (
                "\nnotify_via = \"osc52\"\n",
                "c.toml:2:14: notify_via = \"osc52\" is not a notify_via (ignored); \
                 use \"osc9\", \"osc777\" or \"osc99\"",
            ),
            (
                "notify_bell = \"true\"\n",
                "c.toml:1:15: notify_bell must be true or false without quotes, not \"true\" \
                 (ignored)",
            ),
        ] {
            let (config, problem) = only_problem(text);
            assert_eq!(problem, expected, "{text}");
            assert_eq!(
                (config.notify, config.notify_via, config.notify_bell),
                (None, None, None),
                "{text}"
            );
        }
    }

    #[test]
    fn notifications_follow_the_settings_and_the_terminal() {
        use crate::present::notify::{Plan, Protocol, Wrap};
        let kitty = |name: &str| (name == "TERM").then(|| "xterm-kitty".to_owned());
        let xterm = |name: &str| (name == "TERM").then(|| "xterm-256color".to_owned());
        let defaults = FileConfig::default();
        assert_eq!(
            defaults.notifications(kitty),
            Some(Plan {
                protocol: Protocol::Osc99,
                wrap: Wrap::None,
                bell: false
            })
        );
        assert_eq!(
            defaults.notifications(xterm),
            None,
            "auto: unknown terminal"
        );
        let on = parse_str("notify = \"on\"\nnotify_bell = true\n").config;
        assert_eq!(
            on.notifications(xterm),
            Some(Plan {
                protocol: Protocol::Osc9,
                wrap: Wrap::None,
                bell: true
            })
        );
        let off = parse_str("notify = \"off\"\n").config;
        assert_eq!(off.notifications(kitty), None);
    }

    #[test]
    fn an_unknown_setting_suggests_the_near_one() {
        let (config, problem) = only_problem("colour = \"never\"\ntheme = \"mono\"\n");
        assert_eq!(
            problem,
            "c.toml:1:1: unknown setting \"colour\" (ignored); did you mean \"color\"?"
        );
        assert_eq!(config.theme, Some(ThemeName::Mono));
    }

    #[test]
    fn an_unknown_setting_far_from_any_lists_them_all() {
        let (_, problem) = only_problem("\n  wallpaper = 3\n");
        assert_eq!(
            problem,
            format!(
                "c.toml:2:3: unknown setting \"wallpaper\" (ignored); settings are: {}",
                SETTINGS.join(", ")
            )
        );
    }

    #[test]
    fn a_bad_key_name_keeps_the_good_keys_of_that_binding() {
        let (config, problem) =
            only_problem("[keys]\ndown = [\"x\", \"Ctrl-Shift-J\"]\nup = [\"y\"]\n");
        assert_eq!(
            problem,
            "c.toml:2:14: [keys] down: \"Ctrl-Shift-J\" is not a key (ignored); write a \
             character (\"j\", \"?\"), a key name (Down, PageDown, Home, Enter, Esc, Tab, Space, \
             F1) or Ctrl-/Alt- and one of those (\"Ctrl-F\"), after list: or article: for a key \
             that works only there (\"list:b\")"
        );
        assert_eq!(
            config.keys,
            [
                (Action::Down, vec![Key::char('x').into()]),
                (Action::Up, vec![Key::char('y').into()]),
            ]
        );
    }

    #[test]
    fn an_unknown_action_suggests_the_near_one() {
        let (config, problem) = only_problem("[keys]\npagedown = [\"x\"]\nup = \"y\"\n");
        assert_eq!(
            problem,
            "c.toml:2:1: [keys] \"pagedown\" is not an action (ignored); did you mean \"page_down\"?"
        );
        assert_eq!(config.keys, [(Action::Up, vec![Key::char('y').into()])]);
    }

    #[test]
    fn a_key_given_to_two_actions_stays_with_the_first() {
        let (config, problem) = only_problem("[keys]\ndown = [\"x\"]\nup = [\"x\", \"y\"]\n");
        assert_eq!(
            problem,
            "c.toml:3:7: [keys] up: \"x\" is already bound to down above (ignored here)"
        );
        assert_eq!(
            config.keys,
            [
                (Action::Down, vec![Key::char('x').into()]),
                (Action::Up, vec![Key::char('y').into()]),
            ]
        );
    }

    #[test]
    fn a_store_table_without_a_path() {
        let (config, problem) = only_problem("[[store]]\nname = \"VOA\"\n");
        assert!(
            problem.starts_with("c.toml:1:")
                && problem.ends_with("a [[store]] without path = \"...\" (ignored)"),
            "{problem}"
        );
        assert!(config.stores.is_empty());
    }

    #[test]
    fn an_unknown_store_field() {
        let (config, problem) = only_problem("[[store]]\npath = \"/a\"\ntitle = \"A\"\n");
        assert_eq!(
            problem,
            "c.toml:3:1: unknown [[store]] setting \"title\" (ignored); a store has path and name"
        );
        assert_eq!(config.stores, [PathBuf::from("/a")]);
    }

    #[test]
    fn problems_come_in_file_order() {
        let loaded = parse_str("zzz = 1\ntheme = 2\naaa = 3\n");
        let lines: Vec<&str> = loaded
            .problems
            .iter()
            .map(|p| p.split(": ").next().unwrap_or(""))
            .collect();
        assert_eq!(lines, ["c.toml:1:1", "c.toml:2:9", "c.toml:3:1"]);
    }

    #[test]
    fn escape_sequences_in_bad_values_are_not_echoed() {
        let (_, problem) = only_problem("theme = \"\\u001b[2J\"\n");
        assert!(!problem.contains('\u{1b}'), "{problem:?}");
    }

    #[test]
    fn the_default_file_loads_as_exactly_the_defaults() {
        let text = default_file();
        let loaded = parse_str(&text);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.config, FileConfig::default());
    }

    /// Uncommenting every setting line changes nothing: each shows its true default.
    #[test]
    fn the_default_file_uncommented_is_still_the_defaults() {
        let text: String = default_file()
            .lines()
            .map(|line| match line.strip_prefix('#') {
                Some(rest) if !rest.starts_with([' ', '#']) && !rest.is_empty() => rest,
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let loaded = parse_str(&text);
        assert!(loaded.problems.is_empty(), "{:?}\n{text}", loaded.problems);
        let config = loaded.config;
        assert_eq!(config.keymap(), Keymap::default());
        assert_eq!(config.keys.len(), Action::BINDABLE.len());
        assert!(config.stores.is_empty());
        assert_eq!(config.theme, Some(ThemeName::default()));
        assert_eq!(config.color, Some(ColorChoice::default()));
        assert_eq!(config.status_bar, Some(true));
        assert_eq!(config.alt_screen, Some(true));
        assert_eq!(config.hyperlinks, Some(true));
        assert_eq!(config.letter_keys, Some(true));
        assert_eq!(config.plain, Some(false));
        assert_eq!(config.opener, Some(vec!["xdg-open".to_owned()]));
        // Every setting is in the file.
        for setting in SETTINGS {
            assert!(
                text.contains(&format!("{setting} ="))
                    || text.contains(&format!("[{setting}]"))
                    || text.contains(&format!("[[{setting}]]")),
                "{setting} missing"
            );
        }
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        assert_eq!(suggestion("colour", SETTINGS), Some("color"));
        assert_eq!(suggestion("statusbar", SETTINGS), Some("status_bar"));
        assert_eq!(suggestion("wallpaper", SETTINGS), None);
    }

    #[test]
    fn columns_and_the_profile_are_read_and_bad_ones_reported_by_line() {
        use crate::app::options::{Column, Profile};
        let loaded = parse_str(
            "profile = \"screen-reader\"\ncolumns = [\"date\", \"state\"]\nlayout = \"single\"\n",
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.config.profile, Some(Profile::ScreenReader));
        assert_eq!(
            loaded.config.columns,
            Some(vec![Column::Date, Column::State])
        );
        assert_eq!(loaded.config.layout, Some(PaneLayout::Single));
        let loaded =
            parse_str("columns = [\"state\", \"author\", \"state\", 3]\nprofile = \"blind\"\n");
        assert_eq!(loaded.config.columns, Some(vec![Column::State]));
        assert_eq!(loaded.config.profile, None);
        let problems = loaded.problems.join("\n");
        assert!(
            problems.contains(":1:21: \"author\" is not a column"),
            "{problems}"
        );
        assert!(
            problems.contains(":1:31: column \"state\" is listed twice"),
            "{problems}"
        );
        assert!(
            problems.contains(":1:40: each column must be a name"),
            "{problems}"
        );
        assert!(
            problems.contains(":2:11: profile = \"blind\" is not a profile"),
            "{problems}"
        );
        let loaded = parse_str("columns = \"state\"\n");
        assert_eq!(loaded.config.columns, None);
        assert!(
            loaded.problems[0].contains("columns must be a list"),
            "{:?}",
            loaded.problems
        );
    }
}
