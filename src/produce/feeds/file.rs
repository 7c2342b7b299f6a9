//! Reading feeds.toml into [`Subscriptions`], every problem at its place. It walks the TOML
//! with spans, as the config parser does, and recovers from syntax errors, so one broken
//! feed costs only that feed. What edits need to find a table again (good or bad) comes
//! with it, as [`Entry`]s.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    DEFAULT_EVERY, DEFAULT_KEEP, Feed, Subscriptions, check_url, default_store, name_from_url,
    parse_every, resolve_path,
};
use crate::engine::store::Locator;
use crate::engine::store::source::display_path;
use crate::text::sanitize_line;
// How a value's type reads in a message: the config file's words, so both files say it alike.
use crate::config::kind;

/// The keys a `[[feed]]` table may have.
const KEYS: &[&str] = &["url", "name", "store", "tags", "every", "keep", "breaking"];

/// More than any list of subscriptions; a bigger file is not one.
const READ_LIMIT: u64 = 16 << 20;

/// One `[[feed]]` table as written, whether it loaded or not: what edits need to find it.
#[derive(Debug)]
pub(super) struct Entry {
    /// Where its header starts (the `[` of `[[feed]]`), and that line.
    pub offset: usize,
    pub line: usize,
    /// `url` as written, when it is a string.
    pub url: Option<String>,
    /// `name` as written (trimmed, sanitised), when it is a non-empty string.
    pub name: Option<String>,
    /// Its place in [`Subscriptions::feeds`], when it loaded.
    pub feed: Option<usize>,
    /// Why it did not load, without the place.
    pub reasons: Vec<String>,
}

impl Entry {
    /// The name it has or would have.
    pub fn effective_name(&self) -> Option<String> {
        self.name
            .clone()
            .or_else(|| self.url.as_deref().map(name_from_url))
    }
}

/// The file as read, for [`super::load`] and the edits.
pub(super) struct Parsed {
    pub subscriptions: Subscriptions,
    /// Every feed table, in file order (the order of `toml_edit`'s array of tables).
    pub entries: Vec<Entry>,
    /// Syntax errors, placed: an edit refuses to rewrite a file it cannot fully read.
    pub syntax_errors: Vec<String>,
    /// Where every top-level item starts, in order: a table ends where the next one starts.
    pub starts: Vec<usize>,
}

impl Parsed {
    /// The feed that `entry` loaded as.
    pub fn feed(&self, entry: &Entry) -> Option<&Feed> {
        entry.feed.and_then(|i| self.subscriptions.feeds.get(i))
    }
}

/// Reads `path`. A missing file is no feeds and no problem; a file that cannot be read is one
/// problem and no feeds.
pub fn load(path: &Path) -> Subscriptions {
    match read(path) {
        Ok(Some(text)) => parse(&text, path).subscriptions,
        Ok(None) => Subscriptions {
            path: path.to_path_buf(),
            ..Subscriptions::default()
        },
        Err(error) => Subscriptions {
            path: path.to_path_buf(),
            feeds: Vec::new(),
            problems: vec![format!(
                "{}: cannot read the subscriptions: {error}; no feed is loaded",
                display_path(path)
            )],
        },
    }
}

/// The file's text, or `None` when there is no file. Only a regular file is read (a FIFO
/// put in its place must not hang a command).
pub(super) fn read(path: &Path) -> Result<Option<String>, String> {
    match crate::files::read_regular(path, READ_LIMIT) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| "it is not UTF-8 text".to_owned()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error.to_string()),
    }
}

/// `path` with `.` and `..` worked out by its text, so two spellings of one store compare
/// equal without asking the file system (the store may not exist yet).
pub(super) fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The folder relative paths in feeds.toml are relative to.
pub(super) fn base_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

type Value<'i> = Spanned<DeValue<'i>>;
type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
/// The feed tables: where each header starts, and the table.
type Tables<'t, 'i> = Vec<(usize, &'t DeTable<'i>)>;
/// Where each top-level item starts, with its place among the feed tables if it is one.
type Starts = Vec<(usize, Option<usize>)>;

fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// Parses `text`, read from `path` (named so in messages; relative stores are relative to
/// its folder).
pub(super) fn parse(text: &str, path: &Path) -> Parsed {
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut reader = Reader {
        base: base_of(path),
        problems: Vec::new(),
    };
    let (tables, starts) = reader.top_level(root.get_ref());
    let mut locator = Locator::new(text);
    let mut entries: Vec<Entry> = tables
        .iter()
        .map(|(offset, _)| Entry {
            offset: *offset,
            line: locator.locate(*offset).line,
            url: None,
            name: None,
            feed: None,
            reasons: Vec::new(),
        })
        .collect();
    let display = display_path(path);
    let syntax_errors = reader.syntax(text, &display, &errors, &starts, &mut entries);
    let mut feeds: Vec<Feed> = Vec::new();
    let mut taken = Taken::default();
    for ((offset, table), entry) in tables.iter().zip(&mut entries) {
        // A table with a syntax error is skipped even if what was read of it looks whole:
        // it may be only part of it (a store path cut short would send articles elsewhere).
        let Some(feed) = reader.feed(*offset, table, entry) else {
            continue;
        };
        if let Some(why) = taken.clash(&feeds, &feed) {
            reader.problem(*offset, format!("{why}; that feed is skipped"));
            entry.reasons.push(why);
            continue;
        }
        taken.take(&feed, feeds.len());
        entry.feed = Some(feeds.len());
        feeds.push(feed);
    }
    let mut problems = reader.problems;
    problems.sort_by_key(|(offset, _)| *offset);
    let mut locator = Locator::new(text);
    let problems = problems
        .into_iter()
        .map(|(offset, message)| {
            let at = locator.locate(offset);
            format!("{display}:{}:{}: {message}", at.line, at.column)
        })
        .collect();
    Parsed {
        subscriptions: Subscriptions {
            path: path.to_path_buf(),
            feeds,
            problems,
        },
        entries,
        syntax_errors,
        starts: starts.into_iter().map(|(start, _)| start).collect(),
    }
}

/// The URLs, names and stores of the feeds loaded so far, each with its feed.
#[derive(Default)]
struct Taken {
    urls: HashMap<String, usize>,
    names: HashMap<String, usize>,
    stores: HashMap<PathBuf, usize>,
}

impl Taken {
    fn take(&mut self, feed: &Feed, index: usize) {
        self.urls.insert(feed.url.clone(), index);
        self.names.insert(feed.name.clone(), index);
        self.stores.insert(lexically_normal(&feed.store), index);
    }

    /// Why `feed` cannot be loaded beside `feeds`, if it cannot: the second of two feeds
    /// that would be one in the fetcher's eyes (one URL, one name, one store file) is left
    /// out.
    fn clash(&self, feeds: &[Feed], feed: &Feed) -> Option<String> {
        let other = |index: Option<&usize>| index.and_then(|&i| feeds.get(i));
        if let Some(other) = other(self.urls.get(&feed.url)) {
            return Some(format!(
                "its url is already the url of {:?} (line {})",
                other.name, other.line
            ));
        }
        if let Some(other) = other(self.names.get(&feed.name)) {
            return Some(format!(
                "its name {:?} is already the name of the feed at line {}; names must differ",
                feed.name, other.line
            ));
        }
        let other = other(self.stores.get(&lexically_normal(&feed.store)))?;
        Some(format!(
            "its store {} is already the store of {:?} (line {}); two feeds cannot share a \
             store: give this one another name or its own store",
            display_path(&feed.store),
            other.name,
            other.line
        ))
    }
}

struct Reader<'a> {
    base: &'a Path,
    /// (byte offset, message), placed and sorted at the end so messages follow the file.
    problems: Vec<(usize, String)>,
}

impl<'a> Reader<'a> {
    fn problem(&mut self, offset: usize, message: String) {
        self.problems.push((offset, message));
    }

    /// The feed tables (header offset, table), and where every top-level item starts with
    /// the feed table it is, if it is one (a syntax error belongs to the item before it).
    fn top_level<'t, 'i>(&mut self, root: &'t DeTable<'i>) -> (Tables<'t, 'i>, Starts) {
        let mut tables = Vec::new();
        let mut starts = Vec::new();
        for (key, value) in in_file_order(root) {
            match (key.get_ref().as_ref(), value.get_ref()) {
                ("feed", DeValue::Array(items)) => {
                    for item in items {
                        match item.get_ref() {
                            DeValue::Table(table) => {
                                starts.push((item.span().start, Some(tables.len())));
                                tables.push((item.span().start, table));
                            }
                            other => self.problem(
                                item.span().start,
                                format!(
                                    "a feed is a table with url = \"...\", not {} (ignored)",
                                    kind(other)
                                ),
                            ),
                        }
                    }
                }
                ("feed", DeValue::Table(_)) => {
                    starts.push((value.span().start, None));
                    self.problem(
                        value.span().start,
                        "write [[feed]], with two brackets: each feed is one [[feed]] table; \
                         that feed is skipped"
                            .to_owned(),
                    );
                }
                ("feed", other) => {
                    starts.push((key.span().start, None));
                    self.problem(
                        key.span().start,
                        format!(
                            "feed must be [[feed]] tables, not {} (ignored)",
                            kind(other)
                        ),
                    );
                }
                (other, _) => {
                    starts.push((key.span().start, None));
                    let hint = crate::config::suggestion(other, &["feed"])
                        .map_or_else(String::new, |s| format!("; did you mean [[{s}]]?"));
                    self.problem(
                        key.span().start,
                        format!(
                            "unknown key {:?} (ignored): feeds.toml holds [[feed]] tables only\
                             {hint}",
                            sanitize_line(other)
                        ),
                    );
                }
            }
        }
        starts.sort_unstable();
        (tables, starts)
    }

    /// Reports each syntax error, and marks the feed it is in as not loading. Returns the
    /// errors placed, for edits to refuse with.
    fn syntax(
        &mut self,
        text: &str,
        display: &str,
        errors: &[toml::de::Error],
        starts: &Starts,
        entries: &mut [Entry],
    ) -> Vec<String> {
        let mut placed = Vec::new();
        for error in errors {
            let offset = error.span().map_or(0, |s| s.start);
            let message = error.message().trim_end().replace('\n', " ");
            let within = starts
                .iter()
                .rev()
                .find(|(start, _)| *start <= offset)
                .and_then(|(_, table)| *table);
            let consequence = match within.and_then(|index| entries.get_mut(index)) {
                Some(entry) => {
                    entry
                        .reasons
                        .push(format!("it is not valid TOML ({message})"));
                    format!("the feed it is in (line {}) is skipped", entry.line)
                }
                None => "what is around it is ignored".to_owned(),
            };
            let at = Locator::new(text).locate(offset);
            placed.push(format!(
                "{display}:{}:{}: this is not valid TOML: {message}",
                at.line, at.column
            ));
            self.problem(
                offset,
                format!("this is not valid TOML: {message}; {consequence}"),
            );
        }
        placed
    }

    /// The feed a table describes, every default filled in; `None` (with the problems
    /// reported and the reasons kept in `entry`) when something in it is wrong. Unknown keys
    /// and bad tags are reported and cost nothing.
    fn feed(&mut self, header: usize, table: &DeTable<'_>, entry: &mut Entry) -> Option<Feed> {
        let mut fatal: Vec<(usize, String)> = Vec::new();
        let (mut url, mut name, mut store) = (None, None, None);
        let mut tags = Vec::new();
        let mut every = DEFAULT_EVERY;
        let mut keep = DEFAULT_KEEP;
        let mut breaking = Vec::new();
        for (key, value) in in_file_order(table) {
            let field = key.get_ref().as_ref();
            let outcome = match field {
                "url" => {
                    if let DeValue::String(s) = value.get_ref() {
                        entry.url = Some(s.to_string());
                    }
                    read_url(value).map(|u| url = Some(u))
                }
                "name" => read_name(value).map(|n| {
                    entry.name = Some(n.clone());
                    name = Some(n);
                }),
                "store" => self.store(value).map(|s| store = Some(s)),
                "tags" => self.tags(value).map(|t| tags = t),
                "every" => read_every(value).map(|e| every = e),
                "keep" => read_keep(value).map(|k| keep = k),
                // A bad rule is reported and dropped; the feed still loads.
                "breaking" => {
                    let mut problems = Vec::new();
                    breaking = crate::engine::breaking::read_rules(value, &mut problems);
                    for (offset, message) in problems {
                        self.problem(offset, message);
                    }
                    Ok(())
                }
                other => {
                    let hint = crate::config::suggestion(other, KEYS).map_or_else(
                        || format!("a feed has {}", KEYS.join(", ")),
                        |s| format!("did you mean {s:?}?"),
                    );
                    self.problem(
                        key.span().start,
                        format!(
                            "unknown key {:?} in this feed (ignored); {hint}",
                            sanitize_line(other)
                        ),
                    );
                    Ok(())
                }
            };
            if let Err(why) = outcome {
                fatal.push((value.span().start, why));
            }
        }
        if entry.url.is_none() && !fatal.iter().any(|(_, why)| why.starts_with("url ")) {
            fatal.push((
                header,
                "this feed has no url; add one like url = \"https://example.com/feed.xml\""
                    .to_owned(),
            ));
        }
        for (at, why) in &fatal {
            self.problem(*at, format!("{why}; that feed is skipped"));
        }
        entry.reasons.extend(fatal.into_iter().map(|(_, why)| why));
        if !entry.reasons.is_empty() {
            return None;
        }
        let url = url?;
        let name = name.unwrap_or_else(|| name_from_url(&url));
        let store = store.unwrap_or_else(|| default_store(&name, self.base));
        for rule in &mut breaking {
            rule.store = Some(store.clone());
        }
        Some(Feed {
            url,
            name,
            store,
            tags,
            every,
            keep,
            line: entry.line,
            breaking,
        })
    }

    fn store(&self, value: &Value<'_>) -> Result<PathBuf, String> {
        let text = string("store", value)?;
        if text.trim().is_empty() {
            return Err("store is empty; leave it out for the default store".to_owned());
        }
        let path = resolve_path(text, self.base);
        // The fetcher writes native stores; a .jsonl or a folder would be read as another
        // kind of store, or not at all.
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Ok(path)
        } else {
            Err(format!(
                "store {:?} is not a .json file; a feed is fetched into a native store, \
                 which is one",
                sanitize_line(text)
            ))
        }
    }

    /// The tags, trimmed and each once. An empty tag, one with a comma (OPML and other
    /// readers split tags at commas, so it would not come back from an export) or one that
    /// is not a string is reported and left out.
    fn tags(&mut self, value: &Value<'_>) -> Result<Vec<String>, String> {
        let DeValue::Array(items) = value.get_ref() else {
            return Err(format!(
                "tags must be a list of strings like tags = [\"news\"], not {}",
                kind(value.get_ref())
            ));
        };
        let mut tags: Vec<String> = Vec::new();
        for item in items {
            let at = item.span().start;
            let DeValue::String(text) = item.get_ref() else {
                self.problem(
                    at,
                    format!("a tag is a string, not {} (ignored)", kind(item.get_ref())),
                );
                continue;
            };
            let tag = sanitize_line(text.trim()).into_owned();
            if tag.is_empty() {
                self.problem(at, "an empty tag (ignored)".to_owned());
            } else if tag.contains(',') {
                self.problem(
                    at,
                    format!(
                        "tag {tag:?} holds a comma (ignored): OPML and other readers split \
                         tags at commas; write two tags"
                    ),
                );
            } else if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Ok(tags)
    }
}

/// The string `value` is, or why `field` needs one.
fn string<'v>(field: &str, value: &'v Value<'_>) -> Result<&'v str, String> {
    match value.get_ref() {
        DeValue::String(s) => Ok(s),
        other => Err(format!("{field} must be a string, not {}", kind(other))),
    }
}

fn read_url(value: &Value<'_>) -> Result<String, String> {
    match value.get_ref() {
        DeValue::String(s) => check_url(s).map(|()| s.to_string()),
        other => Err(format!(
            "url must be a string like \"https://example.com/feed.xml\", not {}",
            kind(other)
        )),
    }
}

fn read_name(value: &Value<'_>) -> Result<String, String> {
    let text = string("name", value)?;
    let name = sanitize_line(text.trim()).into_owned();
    if name.is_empty() {
        return Err("name is empty; leave it out to name the feed after its URL".to_owned());
    }
    Ok(name)
}

fn read_every(value: &Value<'_>) -> Result<Duration, String> {
    match value.get_ref() {
        DeValue::String(s) => parse_every(s).ok_or_else(|| {
            format!(
                "every = {:?} is not an interval; write a whole number and s, m, h or d, like \
                 \"90s\", \"30m\", \"1h\" or \"2d\"",
                sanitize_line(s)
            )
        }),
        DeValue::Integer(n) => Err(format!(
            "every = {} needs a unit: write it as a string like \"{}s\" (s, m, h or d)",
            n.as_str(),
            n.as_str()
        )),
        other => Err(format!(
            "every must be a string like \"30m\" or \"1h\", not {}",
            kind(other)
        )),
    }
}

fn read_keep(value: &Value<'_>) -> Result<usize, String> {
    match value.get_ref() {
        DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
            .ok()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                format!(
                    "keep = {} is not a number of articles to keep; it must be 1 or more",
                    n.as_str()
                )
            }),
        other => Err(format!(
            "keep must be a whole number of articles, like keep = 500, not {}",
            kind(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse_str(text: &str) -> Subscriptions {
        parse(text, Path::new("/home/u/.config/herald/feeds.toml")).subscriptions
    }

    #[test]
    fn a_feed_gets_every_default() {
        let subs = parse_str("[[feed]]\nurl = \"https://www.example.com/news/rss.xml\"\n");
        assert_eq!(subs.problems, Vec::<String>::new());
        let stores = crate::paths::default_stores_dir().unwrap();
        assert_eq!(
            subs.feeds,
            [Feed {
                url: "https://www.example.com/news/rss.xml".to_owned(),
                name: "example.com/news/rss.xml".to_owned(),
                store: stores.join("example-com-news-rss-xml.json"),
                tags: vec![],
                every: Duration::from_secs(3600),
                keep: 1000,
                line: 1,
                breaking: Vec::new(),
            }]
        );
    }

    #[test]
    fn every_key_is_read_and_paths_are_resolved() {
        let subs = parse_str(
            "# mine\n\n[[feed]]\nurl = 'https://a.example/rss'\nname = \"  A  News \"\n\
             store = \"stores/a.json\"\ntags = [\"world\", \" daily \", \"world\"]\n\
             every = \"30m\"\nkeep = 50\n\n[[feed]]\nurl = \"https://b.example/atom\"\n\
             store = \"~/news/b.json\"\n",
        );
        assert_eq!(subs.problems, Vec::<String>::new());
        let a = &subs.feeds[0];
        assert_eq!(a.name, "A News");
        assert_eq!(
            a.store,
            PathBuf::from("/home/u/.config/herald/stores/a.json")
        );
        assert_eq!(a.tags, ["world", "daily"]);
        assert_eq!(a.every, Duration::from_secs(1800));
        assert_eq!(a.keep, 50);
        assert_eq!(a.line, 3);
        let b = &subs.feeds[1];
        let home = directories::BaseDirs::new()
            .unwrap()
            .home_dir()
            .to_path_buf();
        assert_eq!(b.store, home.join("news/b.json"));
        assert_eq!(b.line, 11);
    }

    #[test]
    fn a_bad_entry_is_reported_at_its_line_and_the_others_still_load() {
        let text = "\
[[feed]]
url = \"https://one.example/rss\"

[[feed]]
name = \"No URL\"

[[feed]]
url = \"ftp://two.example/rss\"

[[feed]]
url = \"https://three.example/rss\"
every = \"1 hour\"

[[feed]]
url = \"https://four.example/rss\"
keep = 0

[[feed]]
url = \"https://five.example/rss\"
every = 3600

[[feed]]
url = \"https://six.example/rss\"
store = \"six.jsonl\"

[[feed]]
url = \"https://seven.example/rss\"
tags = \"news\"

[[feed]]
url = \"https://eight.example/rss\"
";
        let subs = parse_str(text);
        let urls: Vec<_> = subs.feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://one.example/rss", "https://eight.example/rss"]
        );
        assert_eq!(subs.feeds[1].line, 30);
        let f = "/home/u/.config/herald/feeds.toml";
        assert_eq!(
            subs.problems,
            [
                format!(
                    "{f}:4:1: this feed has no url; add one like url = \
                     \"https://example.com/feed.xml\"; that feed is skipped"
                ),
                format!(
                    "{f}:8:7: \"ftp://two.example/rss\" is a ftp: URL; Herald fetches only http \
                     and https feeds; that feed is skipped"
                ),
                format!(
                    "{f}:12:9: every = \"1 hour\" is not an interval; write a whole number and \
                     s, m, h or d, like \"90s\", \"30m\", \"1h\" or \"2d\"; that feed is skipped"
                ),
                format!(
                    "{f}:16:8: keep = 0 is not a number of articles to keep; it must be 1 or \
                     more; that feed is skipped"
                ),
                format!(
                    "{f}:20:9: every = 3600 needs a unit: write it as a string like \"3600s\" \
                     (s, m, h or d); that feed is skipped"
                ),
                format!(
                    "{f}:24:9: store \"six.jsonl\" is not a .json file; a feed is fetched into \
                     a native store, which is one; that feed is skipped"
                ),
                format!(
                    "{f}:28:8: tags must be a list of strings like tags = [\"news\"], not a \
                     string; that feed is skipped"
                ),
            ]
        );
    }

    #[test]
    fn unknown_keys_are_reported_and_cost_nothing() {
        let subs = parse_str(
            "feeds_version = 1\n[[feed]]\nurl = \"https://a.example/rss\"\nnmae = \"A\"\n\
             colour = \"red\"\ntags = [\"\", \"a,b\", 3, \"ok\"]\n",
        );
        assert_eq!(subs.feeds.len(), 1);
        assert_eq!(subs.feeds[0].tags, ["ok"]);
        let f = "/home/u/.config/herald/feeds.toml";
        assert_eq!(
            subs.problems,
            [
                format!(
                    "{f}:1:1: unknown key \"feeds_version\" (ignored): feeds.toml holds \
                     [[feed]] tables only"
                ),
                format!(
                    "{f}:4:1: unknown key \"nmae\" in this feed (ignored); did you mean \"name\"?"
                ),
                format!(
                    "{f}:5:1: unknown key \"colour\" in this feed (ignored); a feed has url, \
                     name, store, tags, every, keep, breaking"
                ),
                format!("{f}:6:9: an empty tag (ignored)"),
                format!(
                    "{f}:6:13: tag \"a,b\" holds a comma (ignored): OPML and other readers \
                     split tags at commas; write two tags"
                ),
                format!("{f}:6:20: a tag is a string, not a number (ignored)"),
            ]
        );
    }

    #[test]
    fn the_second_of_two_feeds_with_one_store_url_or_name_is_skipped() {
        let text = "\
[[feed]]
url = \"https://a.example/rss\"
name = \"News\"

[[feed]]
url = \"https://b.example/rss\"
name = \"news!\"

[[feed]]
url = \"https://c.example/rss\"
store = \"/srv/c.json\"

[[feed]]
url = \"https://d.example/rss\"
store = \"/srv/x/../c.json\"

[[feed]]
url = \"https://a.example/rss\"
name = \"Other\"

[[feed]]
url = \"https://e.example/rss\"
name = \"News\"
store = \"/srv/e.json\"
";
        let subs = parse_str(text);
        let names: Vec<_> = subs.feeds.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["News", "c.example/rss"]);
        let stores = crate::paths::default_stores_dir().unwrap();
        let f = "/home/u/.config/herald/feeds.toml";
        assert_eq!(
            subs.problems,
            [
                format!(
                    "{f}:5:1: its store {} is already the store of \"News\" (line 1); two \
                     feeds cannot share a store: give this one another name or its own store; \
                     that feed is skipped",
                    stores.join("news.json").display()
                ),
                format!(
                    "{f}:13:1: its store /srv/x/../c.json is already the store of \
                     \"c.example/rss\" (line 9); two feeds cannot share a store: give this \
                     one another name or its own store; that feed is skipped"
                ),
                format!(
                    "{f}:17:1: its url is already the url of \"News\" (line 1); that feed is \
                     skipped"
                ),
                format!(
                    "{f}:21:1: its name \"News\" is already the name of the feed at line 1; \
                     names must differ; that feed is skipped"
                ),
            ]
        );
    }

    #[test]
    fn a_syntax_error_costs_only_the_feed_it_is_in() {
        let text = "\
[[feed]]
url = \"https://a.example/rss\"

[[feed]]
url = \"https://b.example/rss\"
store = \"/srv/b.json

[[feed]]
url = \"https://c.example/rss\"
";
        let subs = parse_str(text);
        let urls: Vec<_> = subs.feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(urls, ["https://a.example/rss", "https://c.example/rss"]);
        assert_eq!(subs.problems.len(), 1, "{:#?}", subs.problems);
        assert!(
            subs.problems[0].starts_with("/home/u/.config/herald/feeds.toml:6:")
                && subs.problems[0].contains("not valid TOML")
                && subs.problems[0].ends_with("the feed it is in (line 4) is skipped"),
            "{}",
            subs.problems[0]
        );
    }

    #[test]
    fn a_single_bracket_feed_table_says_how_to_write_it() {
        let subs = parse_str("[feed]\nurl = \"https://a.example/rss\"\n");
        assert!(subs.feeds.is_empty());
        assert_eq!(
            subs.problems,
            [
                "/home/u/.config/herald/feeds.toml:1:1: write [[feed]], with two brackets: each \
              feed is one [[feed]] table; that feed is skipped"
            ]
        );
    }

    #[test]
    fn a_missing_file_is_no_feeds_and_no_problem() {
        let dir = tempfile::tempdir().unwrap();
        let subs = load(&dir.path().join("feeds.toml"));
        assert!(subs.feeds.is_empty() && subs.problems.is_empty());
        let folder = load(dir.path());
        assert_eq!(folder.problems.len(), 1, "{:?}", folder.problems);
        assert!(folder.problems[0].contains("cannot read the subscriptions"));
    }
}
