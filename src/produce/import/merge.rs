//! Merging imported articles into a native store without losing anything.
//!
//! Existing articles are kept as the raw JSON text they were read as, so fields Herald does not
//! know (a scraper's `_scraped_at`), key order and number formatting survive an import byte for
//! byte. An article whose id is already in the store is updated in place: the fields the import
//! carries replace the old ones, every other field stays. New articles are appended in the
//! order the input lists them (Herald sorts by date when it shows them, so the file order only
//! matters to people reading the file, and appending keeps earlier lines where they were).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::{ImportError, ImportedArticle};
use crate::engine::store::cores::{on_all_cores, read_whole};
use crate::engine::store::source::{display_path, kind_for};
use crate::engine::store::{FileKind, Format, Keep, Severity, parse_file_keeping};
use crate::text::sanitize_line;

/// A JSON object with its keys in file order and its values as raw text.
#[derive(Debug, Default)]
struct OrderedObject(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push(entry);
                }
                Ok(OrderedObject(entries))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

impl Serialize for OrderedObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl OrderedObject {
    /// Replaces the first `key` in place, or appends it.
    fn set(&mut self, key: &str, value: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }
}

/// A top-level field of a store object.
#[derive(Debug)]
enum TopValue<'a> {
    /// Any field but `articles`, copied as it is.
    Raw(Cow<'a, RawValue>),
    /// Where the `articles` array goes: rebuilt from the entries.
    Articles,
}

/// A store object read in one pass: its fields in order, and its articles as the text they are.
struct TopObject<'a> {
    fields: Vec<(String, TopValue<'a>)>,
    articles: Vec<&'a RawValue>,
}

impl<'de> Deserialize<'de> for TopObject<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopObject<'de>, A::Error> {
                let mut top = TopObject {
                    fields: Vec::new(),
                    articles: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    let value = if key == "articles" {
                        if top.fields.iter().any(|(k, _)| k == "articles") {
                            return Err(serde::de::Error::duplicate_field("articles"));
                        }
                        top.articles = map.next_value()?;
                        TopValue::Articles
                    } else {
                        TopValue::Raw(Cow::Borrowed(map.next_value()?))
                    };
                    top.fields.push((key, value));
                }
                Ok(top)
            }
        }
        deserializer.deserialize_map(TopVisitor)
    }
}

/// One article of the store being written.
#[derive(Debug)]
struct Entry<'a> {
    /// The article's JSON text.
    text: Cow<'a, str>,
    /// True when `text` is exactly what the file held (written back untouched); false when
    /// Herald laid it out (pretty-printed at the top level, indented when written).
    verbatim: bool,
}

#[derive(Debug)]
enum Shape<'a> {
    /// `{"name": ..., "articles": [...], ...}`: every top-level field is kept, in order; the
    /// `articles` value is rebuilt from the entries.
    Object(Vec<(String, TopValue<'a>)>),
    /// A bare array of articles; stays one, since it has nowhere to keep a name.
    Array,
}

/// The store being written to: what was in the file, ready to take new articles. Existing
/// articles borrow the file's text, which is most of a big store.
#[derive(Debug)]
pub struct Existing<'a> {
    shape: Shape<'a>,
    entries: Vec<Entry<'a>>,
    /// The sanitised id of each entry (as Herald would read it), `None` when it has none.
    ids: Vec<Option<String>>,
    /// Whether the file existed, for the warning about `--name`.
    on_disk: bool,
}

impl Existing<'static> {
    /// An empty native store called `name`.
    pub fn new_store(name: String) -> Self {
        let name = sanitize_line(&name).into_owned();
        Self {
            shape: Shape::Object(vec![
                ("name".to_owned(), TopValue::Raw(Cow::Owned(raw(&name)))),
                ("articles".to_owned(), TopValue::Articles),
            ]),
            entries: Vec::new(),
            ids: Vec::new(),
            on_disk: false,
        }
    }
}

impl<'a> Existing<'a> {
    /// Reads a store from its text. `Err` says, for a person, why it cannot be rewritten.
    pub fn parse(display: &str, bytes: &'a [u8]) -> Result<Self, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
            // Rewriting would replace the bad bytes, which loses data.
            return Err("it is not valid UTF-8".to_owned());
        };
        // Only whether it is a store Herald can read: its articles are kept as the text they
        // are, so a problem inside one is the reader's to report, not a reason to refuse.
        let parsed = parse_file_keeping(display, text.as_bytes(), FileKind::Json, Keep::Format);
        if let Some(error) = parsed
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
        {
            return Err(format!("it is not a store Herald can read ({error})"));
        }
        match parsed.format {
            Some(Format::Native) => {}
            Some(Format::JsonFeed) => {
                return Err(
                    "it is a JSON Feed; Herald reads those but only writes its own \
                            native stores"
                        .to_owned(),
                );
            }
            _ => return Err("it is not a native Herald store".to_owned()),
        }
        let not_store = |e: serde_json::Error| format!("it is not a native Herald store ({e})");
        let (shape, articles) = if text.trim_start().starts_with('[') {
            let articles: Vec<&RawValue> = serde_json::from_str(text).map_err(not_store)?;
            (Shape::Array, articles)
        } else {
            let top: TopObject<'_> = serde_json::from_str(text).map_err(not_store)?;
            (Shape::Object(top.fields), top.articles)
        };
        let ids = on_all_cores(&articles, |raw| article_id(raw));
        let entries = articles
            .into_iter()
            .map(|raw| Entry {
                text: Cow::Borrowed(raw.get()),
                verbatim: true,
            })
            .collect();
        Ok(Self {
            shape,
            entries,
            ids,
            on_disk: true,
        })
    }

    /// The store's own name, if it has one.
    fn name(&self) -> Option<String> {
        match &self.shape {
            Shape::Object(fields) => fields.iter().find_map(|(key, value)| match value {
                TopValue::Raw(raw) if key == "name" => serde_json::from_str(raw.get()).ok(),
                _ => None,
            }),
            Shape::Array => None,
        }
    }

    /// Writes the whole store file, laid out like the sample data (two-space indents, one
    /// article object per block) and ending in a newline. Written piece by piece rather than
    /// built as one string: a big store would be copied twice more, into fresh memory.
    fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let Shape::Object(fields) = &self.shape else {
            self.write_articles(out, "\n  ", "\n]")?;
            return out.write_all(b"\n");
        };
        let mut wrote_articles = false;
        for (i, (key, value)) in fields.iter().enumerate() {
            out.write_all(if i == 0 { b"{\n  " } else { b",\n  " })?;
            out.write_all(raw(key).get().as_bytes())?;
            out.write_all(b": ")?;
            match value {
                TopValue::Articles => {
                    self.write_articles(out, "\n    ", "\n  ]")?;
                    wrote_articles = true;
                }
                TopValue::Raw(raw) => out.write_all(raw.get().as_bytes())?,
            }
        }
        if fields.is_empty() {
            out.write_all(b"{")?;
        }
        if !wrote_articles {
            out.write_all(if fields.is_empty() { b"\n  " } else { b",\n  " })?;
            out.write_all(b"\"articles\": ")?;
            self.write_articles(out, "\n    ", "\n  ]")?;
        }
        out.write_all(b"\n}\n")
    }

    /// The `articles` array, each entry on a line starting with `indent`.
    fn write_articles(&self, out: &mut dyn Write, indent: &str, close: &str) -> io::Result<()> {
        out.write_all(b"[")?;
        for (i, entry) in self.entries.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(indent.as_bytes())?;
            if entry.verbatim {
                out.write_all(entry.text.as_bytes())?;
            } else {
                // Pretty JSON has line breaks only between tokens (never inside a string), so
                // indenting every line keeps the value the same.
                out.write_all(entry.text.replace('\n', indent).as_bytes())?;
            }
        }
        out.write_all(if self.entries.is_empty() {
            b"]"
        } else {
            close.as_bytes()
        })
    }
}

/// An article's id as Herald reads it (sanitised), if it has a string id.
fn article_id(raw: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly<'a> {
        #[serde(borrow, default)]
        id: Option<Cow<'a, str>>,
    }
    let id = serde_json::from_str::<IdOnly<'_>>(raw.get()).ok()?.id?;
    Some(sanitize_line(&id).into_owned())
}

/// `value` as compact JSON text. Serialising strings, vectors and our own structs cannot fail;
/// `null` stands in if it ever did, which the caller's comparison then reports as a change.
fn raw<T: Serialize + ?Sized>(value: &T) -> Box<RawValue> {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| RawValue::from_string(text).ok())
        .unwrap_or_else(|| RawValue::NULL.to_owned())
}

/// A store file read for a merge: its bytes, and which file they were, so that a second look
/// (under the store's lock) can tell whether anyone replaced it meanwhile.
#[derive(Debug)]
pub struct TargetFile {
    display: String,
    bytes: Vec<u8>,
    identity: Option<Identity>,
}

impl TargetFile {
    /// The store in the file, or why it must not be overwritten.
    pub fn existing(&self) -> Result<Existing<'_>, ImportError> {
        Existing::parse(&self.display, &self.bytes).map_err(|reason| ImportError::TargetNotStore {
            target: self.display.clone(),
            reason,
        })
    }

    /// True when `path` is still the very file that was read, unchanged: the same file (every
    /// Herald writer replaces a store by renaming a new file over it, which makes a new
    /// inode), and the same length and modification time (for tools that write in place).
    pub fn is_still_at(&self, path: &Path) -> bool {
        let now = std::fs::metadata(path).ok().and_then(|m| Identity::of(&m));
        self.identity.is_some() && now == self.identity
    }
}

/// Which file, and which version of it.
#[derive(Debug, PartialEq, Eq)]
struct Identity {
    device: u64,
    inode: u64,
    len: u64,
    modified: std::time::SystemTime,
}

impl Identity {
    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        Some(Self {
            device: metadata.dev(),
            inode: metadata.ino(),
            len: metadata.len(),
            modified: metadata.modified().ok()?,
        })
    }

    /// Without inodes there is no telling a replaced file from the same one: always read again.
    #[cfg(not(unix))]
    fn of(_metadata: &std::fs::Metadata) -> Option<Self> {
        None
    }
}

/// Reads the store at `path`: `Ok(None)` when there is no file yet, `Err` when there is one
/// that must not be overwritten. The store is not parsed yet: [`TargetFile::existing`] does.
pub fn read_target(path: &Path) -> Result<Option<TargetFile>, ImportError> {
    let target = display_path(path);
    let refuse = |reason: String| ImportError::TargetNotStore {
        target: target.clone(),
        reason,
    };
    if path.is_dir() {
        return Err(refuse(
            "it is a folder; --into takes a .json file (inside the folder, if you like)".to_owned(),
        ));
    }
    if kind_for(path) == Some(FileKind::JsonLines) {
        return Err(refuse(
            "it is a JSON Lines file; herald import writes native .json stores".to_owned(),
        ));
    }
    let file = match crate::files::open_regular(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(ImportError::Write { target, error }),
    };
    // Taken before the read, so a write during it shows up as a change.
    let identity = file.metadata().ok().and_then(|m| Identity::of(&m));
    match read_whole(&file) {
        Ok(bytes) => Ok(Some(TargetFile {
            display: target,
            bytes,
            identity,
        })),
        Err(error) => Err(ImportError::Write { target, error }),
    }
}

/// How many imported articles were new, changed an existing one, or matched it exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Old articles dropped to keep the store to its size (fetched feeds' `keep`).
    pub dropped: usize,
}

/// The store after a merge, ready to write.
#[derive(Debug)]
pub struct Merged<'a> {
    store: Existing<'a>,
    pub counts: Counts,
    pub warnings: Vec<String>,
}

impl Merged<'_> {
    /// The name the store goes by: its own `name`, if it has one.
    pub fn store_name(&self) -> Option<String> {
        self.store.name()
    }

    /// Trims the store to `keep` articles by dropping the oldest (by publication date, then by
    /// place in the file: new articles are appended) of those `may_drop` allows, and no
    /// others: feeds carry only their last items, so an article that fell out of the feed is
    /// kept until the store outgrows `keep`, and what the user still needs (unread, starred)
    /// is never the price. Returns how many were dropped.
    pub fn trim(&mut self, keep: usize, may_drop: impl Fn(&str) -> bool) -> usize {
        let excess = self.store.entries.len().saturating_sub(keep);
        if excess == 0 {
            return 0;
        }
        #[derive(serde::Deserialize)]
        struct Dated<'a> {
            #[serde(borrow, default)]
            published: Option<Cow<'a, str>>,
        }
        let mut candidates: Vec<(i64, usize)> = self
            .store
            .ids
            .iter()
            .enumerate()
            .filter(|(_, id)| id.as_deref().is_some_and(&may_drop))
            .map(|(i, _)| {
                let instant = serde_json::from_str::<Dated<'_>>(&self.store.entries[i].text)
                    .ok()
                    .and_then(|d| d.published)
                    .and_then(|p| crate::text::Published::parse(&p))
                    .map_or(i64::MIN, |p| p.instant);
                (instant, i)
            })
            .collect();
        candidates.sort_unstable();
        let mut drop = vec![false; self.store.entries.len()];
        for &(_, i) in candidates.iter().take(excess) {
            drop[i] = true;
        }
        let dropped = drop.iter().filter(|&&d| d).count();
        let mut flags = drop.iter();
        self.store
            .entries
            .retain(|_| !flags.next().copied().unwrap_or(false));
        let mut flags = drop.iter();
        self.store
            .ids
            .retain(|_| !flags.next().copied().unwrap_or(false));
        self.counts.dropped = dropped;
        dropped
    }

    /// Writes the store file.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        self.store.write_to(out)
    }

    /// The store file as text.
    #[cfg(test)]
    fn text(&self) -> String {
        let mut out = Vec::new();
        self.write_to(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}

/// Folds `articles` into `store` by id. `name` is the `--name` the user gave, which only names
/// new stores: an existing store keeps its own name.
pub fn merge<'a>(
    mut store: Existing<'a>,
    articles: &[ImportedArticle],
    name: Option<&str>,
) -> Merged<'a> {
    let mut warnings = Vec::new();
    if store.on_disk
        && let Some(asked) = name
        && store.name().as_deref() != Some(asked)
    {
        warnings.push(format!(
            "--name {asked:?} ignored: the store keeps its own name{}",
            store
                .name()
                .map(|n| format!(" ({n:?})"))
                .unwrap_or_default()
        ));
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, id) in store.ids.iter().enumerate() {
        if let Some(id) = id {
            // Herald reads the first of duplicate ids, so that is the one to update.
            index.entry(id.clone()).or_insert(i);
        }
    }
    let mut seen = HashSet::new();
    let mut counts = Counts::default();
    for article in articles {
        if !seen.insert(article.id.as_str()) {
            warnings.push(format!(
                "the input has id {:?} twice; kept the first, skipped {:?}",
                article.id, article.title
            ));
            continue;
        }
        match index.get(&article.id) {
            Some(&i) => {
                if update_entry(&mut store.entries[i], article) {
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
            }
            None => {
                index.insert(article.id.clone(), store.entries.len());
                store.ids.push(Some(article.id.clone()));
                store.entries.push(Entry {
                    text: Cow::Owned(pretty(&OrderedObject(fields_of(article)))),
                    verbatim: false,
                });
                counts.added += 1;
            }
        }
    }
    Merged {
        store,
        counts,
        warnings,
    }
}

/// The article's fields in the order [`ImportedArticle`] declares them.
fn fields_of(article: &ImportedArticle) -> Vec<(String, Box<RawValue>)> {
    serde_json::to_string(article)
        .ok()
        .and_then(|text| serde_json::from_str::<OrderedObject>(&text).ok())
        .map(|object| object.0)
        .unwrap_or_default()
}

fn pretty(object: &OrderedObject) -> String {
    // Raw values are re-emitted as they are, so parse into a Value (order kept by walking the
    // object ourselves) only to get pretty layout of nested arrays such as `tags`.
    let mut out = String::from("{");
    for (i, (key, value)) in object.0.iter().enumerate() {
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        out.push_str(&raw(key).to_string());
        out.push_str(": ");
        let text = serde_json::from_str::<serde_json::Value>(value.get())
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| value.get().to_owned());
        out.push_str(&text.replace('\n', "\n  "));
    }
    out.push_str(if object.0.is_empty() { "}" } else { "\n}" });
    out
}

/// Overlays the imported fields on an existing article. Returns true when anything changed;
/// an unchanged article keeps its exact text.
fn update_entry(entry: &mut Entry<'_>, article: &ImportedArticle) -> bool {
    let Ok(mut object) = serde_json::from_str::<OrderedObject>(&entry.text) else {
        return false;
    };
    for (key, value) in fields_of(article) {
        object.set(&key, value);
    }
    let updated = pretty(&object);
    let before = serde_json::from_str::<serde_json::Value>(&entry.text).ok();
    let after = serde_json::from_str::<serde_json::Value>(&updated).ok();
    if before.is_some() && before == after {
        return false;
    }
    *entry = Entry {
        text: Cow::Owned(updated),
        verbatim: false,
    };
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str) -> ImportedArticle {
        ImportedArticle {
            id: id.to_owned(),
            title: title.to_owned(),
            ..ImportedArticle::default()
        }
    }

    fn parse(text: &str) -> Existing<'_> {
        Existing::parse("test.json", text.as_bytes()).unwrap()
    }

    fn value(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_new_store_holds_the_articles_in_input_order() {
        let merged = merge(
            Existing::new_store("Wire".to_owned()),
            &[article("a", "First"), article("b", "Second")],
            None,
        );
        assert_eq!(
            merged.counts,
            Counts {
                added: 2,
                updated: 0,
                unchanged: 0,
                dropped: 0,
            }
        );
        assert_eq!(
            value(&merged.text()),
            value(
                r#"{"name":"Wire","articles":[{"id":"a","title":"First"},{"id":"b","title":"Second"}]}"#
            )
        );
        // What Herald writes, Herald reads back the same way.
        let text = merged.text();
        let again = parse(&text);
        assert_eq!(again.ids, vec![Some("a".to_owned()), Some("b".to_owned())]);
        assert_eq!(merge(again, &[], None).text(), merged.text());
    }

    #[test]
    fn existing_articles_keep_their_text_order_and_unknown_fields() {
        let store = "{\"_generator\": {\"n\": 1.50}, \"name\": \"Desk\", \"articles\": [\n\
            {\"title\": \"Old\", \"id\": \"x\", \"_scraped_at\": 12.0},\n\
            {\"id\": \"y\", \"title\": \"Keep\", \"section\": \"Asia\"}]}";
        let mut changed = article("y", "Keep, revised");
        changed.body = Some("Text.".to_owned());
        let merged = merge(parse(store), &[article("z", "New"), changed], None);
        assert_eq!(
            merged.counts,
            Counts {
                added: 1,
                updated: 1,
                unchanged: 0,
                dropped: 0,
            }
        );
        // Untouched values are copied byte for byte, so `12.0` stays `12.0`.
        assert!(
            merged
                .text()
                .contains(r#"{"title": "Old", "id": "x", "_scraped_at": 12.0}"#),
            "{}",
            merged.text()
        );
        assert!(merged.text().contains(r#""_generator": {"n": 1.50}"#));
        let v = value(&merged.text());
        assert_eq!(v["name"], "Desk");
        let ids: Vec<_> = v["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["x", "y", "z"]);
        // Updated in place: the new fields replace, the others stay.
        assert_eq!(v["articles"][1]["title"], "Keep, revised");
        assert_eq!(v["articles"][1]["section"], "Asia");
        assert_eq!(v["articles"][1]["body"], "Text.");
    }

    #[test]
    fn importing_the_same_articles_twice_changes_nothing() {
        let first = merge(
            Existing::new_store("W".to_owned()),
            &[article("a", "A"), article("b", "B")],
            None,
        );
        let first_text = first.text();
        let second = merge(
            parse(&first_text),
            &[article("a", "A"), article("b", "B")],
            None,
        );
        assert_eq!(
            second.counts,
            Counts {
                added: 0,
                updated: 0,
                unchanged: 2,
                dropped: 0,
            }
        );
        assert_eq!(second.text(), first_text);
    }

    #[test]
    fn duplicate_ids_in_the_input_keep_the_first() {
        let merged = merge(
            Existing::new_store("W".to_owned()),
            &[article("a", "One"), article("a", "Two")],
            None,
        );
        assert_eq!(merged.counts.added, 1);
        assert_eq!(merged.warnings.len(), 1, "{:?}", merged.warnings);
        assert_eq!(value(&merged.text())["articles"][0]["title"], "One");
    }

    #[test]
    fn breaking_is_never_cleared_by_an_import() {
        let store = r#"{"name": "N", "articles": [{"id": "a", "title": "A", "breaking": true}]}"#;
        let merged = merge(parse(store), &[article("a", "A")], None);
        assert_eq!(merged.counts.unchanged, 1);
        assert_eq!(value(&merged.text())["articles"][0]["breaking"], true);
    }

    #[test]
    fn a_bare_array_stays_an_array_and_keeps_its_name_rule() {
        let merged = merge(
            parse(r#"[{"id": "a", "title": "A"}]"#),
            &[article("b", "B")],
            Some("Ignored"),
        );
        assert!(merged.text().starts_with("[\n  {"), "{}", merged.text());
        assert_eq!(value(&merged.text()).as_array().unwrap().len(), 2);
        assert_eq!(merged.warnings.len(), 1, "--name is reported as ignored");
    }

    #[test]
    fn stores_that_cannot_be_rewritten_are_refused() {
        for (text, expected) in [
            ("", "not a store"),
            ("{\"name\": \"x\", \"articles\": [", "not a store"),
            ("{\"title\": \"x\"}", "not a store"),
            (
                r#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#,
                "JSON Feed",
            ),
            ("\"just a string\"", "not a store"),
        ] {
            let error = Existing::parse("t.json", text.as_bytes()).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
        let error =
            Existing::parse("t.json", b"[{\"id\": \"a\", \"title\": \"\xFF\"}]").unwrap_err();
        assert!(error.contains("UTF-8"), "{error}");
    }

    #[test]
    fn a_big_store_is_read_for_a_merge_in_one_pass() {
        // Importing one item into a 60k-article store took 198 s: each article's position was
        // counted from the start of the file.
        let articles: Vec<String> = (0..20_000)
            .map(|i| format!(r#"{{"id": "a{i}", "title": "Title {i}", "body": "Body {i}."}}"#))
            .collect();
        let text = format!(
            "{{\"name\": \"Big\", \"articles\": [\n{}\n]}}",
            articles.join(",\n")
        );
        let before = crate::engine::store::diagnostic::bytes_scanned();
        let store = parse(&text);
        let merged = merge(store, &[article("new", "New")], None);
        assert_eq!(merged.counts.added, 1);
        let scanned = crate::engine::store::diagnostic::bytes_scanned() - before;
        assert!(
            scanned <= text.len(),
            "{scanned} bytes looked at for {}",
            text.len()
        );
    }

    #[test]
    fn a_store_file_replaced_or_rewritten_since_it_was_read_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.json");
        let store = r#"{"name": "N", "articles": [{"id": "a", "title": "A"}]}"#;
        std::fs::write(&path, store).unwrap();
        let read = read_target(&path).unwrap().unwrap();
        assert!(read.is_still_at(&path), "nothing changed");
        // Another import's rename: same length, and a modification time that may well be the
        // same tick, but a new file.
        let other = dir.path().join("other.json");
        std::fs::write(&other, store.replace("\"A\"", "\"B\"")).unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::File::options()
            .write(true)
            .open(&other)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert!(!read.is_still_at(&path), "replaced by a rename");
        let read = read_target(&path).unwrap().unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"\n")
            .unwrap();
        assert!(!read.is_still_at(&path), "written in place");
        std::fs::remove_file(&path).unwrap();
        assert!(!read.is_still_at(&path), "gone");
    }

    #[test]
    fn an_unchanged_store_survives_a_round_trip_byte_for_byte() {
        let sample = include_str!("../../../sample-data/00-voa.json");
        let merged = merge(parse(sample), &[], None);
        assert_eq!(merged.text(), sample);
    }
}
