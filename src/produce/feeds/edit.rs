//! The edits of feeds.toml: each reads the file under its lock, changes only what it is
//! about and replaces the file atomically. Adding appends text (rendered by `toml_edit`, so
//! it is valid TOML whatever the names hold), which leaves every byte before it as it was;
//! removing cuts the table's own lines, checked by reading the result (else `toml_edit`
//! removes it); a new URL is set by `toml_edit`, which keeps the value's comment.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::file::{Entry, Parsed, base_of, lexically_normal, parse, read};
use super::{Feed, Imported, check_url, default_store, name_from_url, opml};
use crate::engine::store::source::display_path;
use crate::text::sanitize_line;

/// What a feeds.toml made by `herald feeds add` or `import` starts with.
const HEADER: &str = "\
# Herald's subscriptions: one [[feed]] table per feed. `herald feeds add URL`, `remove` and
# `import` edit this file and keep everything else in it (comments included) as it is.
# Each feed: url (required), name, store (a .json file), tags = [...],
# every (least time between fetches: \"90s\", \"30m\", \"1h\", \"2d\"; default \"1h\"),
# keep (articles kept in the store; default 1000).
";

/// Reads feeds.toml, lets `change` make its new text from the old, and writes it back
/// atomically, holding `.feeds.toml.lock` from the read to the write so that two edits (a
/// `herald feeds add` and a fetcher following a redirect) never lose one another.
/// `change` returns `None` to leave the file as it is. With `create`, a missing file (and its
/// folder) is made, starting with [`HEADER`]; without, a missing file is an error.
fn edit<T>(
    path: &Path,
    create: bool,
    change: impl FnOnce(&str, &Parsed) -> Result<(Option<String>, T), String>,
) -> Result<T, String> {
    let display = display_path(path);
    // A feeds.toml that is a link (into a dotfiles repository) is written where it lives.
    let target = crate::produce::import::write::through_links(path)
        .map_err(|e| format!("cannot change {display}: {e}"))?;
    if create && let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot make the folder {}: {e}", display_path(dir)))?;
    }
    let _lock = crate::produce::import::write::lock_store(&target)
        .map_err(|e| format!("cannot change {display}: {e}"))?;
    let text = match read(&target).map_err(|e| format!("cannot read {display}: {e}"))? {
        Some(text) => text,
        None if create => HEADER.to_owned(),
        None => return Err(format!("{display} does not exist: there are no feeds yet")),
    };
    let parsed = parse(&text, path);
    if let Some(first) = parsed.syntax_errors.first() {
        return Err(format!(
            "{first}; fix that first ({display} was not changed)"
        ));
    }
    let (new_text, result) = change(&text, &parsed)?;
    if let Some(new_text) = new_text.filter(|t| *t != text) {
        crate::produce::import::write::write_atomically(&target, |out| {
            out.write_all(new_text.as_bytes())
        })
        .map_err(|e| format!("cannot write {display}: {e}"))?;
    }
    Ok(result)
}

/// `toml_edit`'s view of the same text, and its feed tables, which edits change in place.
fn document(text: &str, display: &str) -> Result<toml_edit::DocumentMut, String> {
    toml_edit::DocumentMut::from_str(text).map_err(|e| {
        format!(
            "{display} is not valid TOML ({}); nothing was changed",
            e.message().trim_end()
        )
    })
}

fn feed_tables<'d>(
    doc: &'d mut toml_edit::DocumentMut,
    display: &str,
) -> Result<&'d mut toml_edit::ArrayOfTables, String> {
    doc.get_mut("feed")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
        .ok_or_else(|| {
            format!(
                "{display} does not write its feeds as [[feed]] tables, which Herald edits; \
                 change it by hand"
            )
        })
}

/// `[[feed]]` tables as TOML text, one blank line before each, to go at the end of a file:
/// appending leaves every byte before it as it was, which no rewrite can promise.
fn tables_text(feeds: &[(String, Option<String>, Vec<String>)]) -> String {
    let mut out = String::new();
    for (url, name, tags) in feeds {
        let mut table = toml_edit::Table::new();
        table.insert("url", toml_edit::value(url.as_str()));
        if let Some(name) = name {
            table.insert("name", toml_edit::value(name.as_str()));
        }
        if !tags.is_empty() {
            let array: toml_edit::Array = tags.iter().map(String::as_str).collect();
            table.insert("tags", toml_edit::value(array));
        }
        let mut tables = toml_edit::ArrayOfTables::new();
        tables.push(table);
        let mut doc = toml_edit::DocumentMut::new();
        doc.insert("feed", toml_edit::Item::ArrayOfTables(tables));
        out.push('\n');
        out.push_str(&doc.to_string());
    }
    out
}

/// `text` with `tables` after it, separated from what came before by a line break.
fn appended(text: &str, tables: &str) -> String {
    let mut out = String::with_capacity(text.len() + tables.len() + 1);
    out.push_str(text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
    if text.is_empty() {
        out.push_str(tables.strip_prefix('\n').unwrap_or(tables));
    } else {
        out.push_str(tables);
    }
    out
}

/// An append that made the file unreadable (its feeds were written as `feed = [...]`, which
/// a `[[feed]]` table cannot follow) is not written.
fn refuse_broken(after: &Parsed, display: &str) -> Result<(), String> {
    match after.syntax_errors.first() {
        Some(error) => Err(format!(
            "{display} does not write its feeds as [[feed]] tables, so Herald cannot add to it \
             ({error}); nothing was changed"
        )),
        None => Ok(()),
    }
}

/// Where an entry is, for messages: `feeds.toml:12`.
fn place(display: &str, entry: &Entry) -> String {
    format!("{display}:{}", entry.line)
}

/// A tag as the commands take it: trimmed, sanitised, non-empty, without commas.
fn clean_tag(tag: &str) -> Result<String, String> {
    let clean = sanitize_line(tag.trim()).into_owned();
    if clean.is_empty() {
        return Err("a tag cannot be empty".to_owned());
    }
    if clean.contains(',') {
        return Err(format!(
            "tag {clean:?} holds a comma; give --tag once for each tag"
        ));
    }
    Ok(clean)
}

/// Subscribes to `url`: appends a `[[feed]]` table to feeds.toml (made, with a short comment
/// at its top, if missing). Refuses a URL or a name some feed already has, and an address
/// that is not http or https. Returns the feed as it now loads.
pub fn add(path: &Path, url: &str, name: Option<&str>, tags: &[String]) -> Result<Feed, String> {
    let url = url.trim();
    check_url(url).map_err(|why| format!("cannot add {}: {why}", sanitize_line(url)))?;
    let name = match name.map(|n| sanitize_line(n.trim()).into_owned()) {
        Some(n) if n.is_empty() => return Err(format!("cannot add {url}: --name is empty")),
        other => other,
    };
    let mut clean_tags: Vec<String> = Vec::new();
    for tag in tags {
        let tag = clean_tag(tag).map_err(|why| format!("cannot add {url}: {why}"))?;
        if !clean_tags.contains(&tag) {
            clean_tags.push(tag);
        }
    }
    let display = display_path(path);
    edit(path, true, |text, parsed| {
        if let Some(entry) = parsed
            .entries
            .iter()
            .find(|e| e.url.as_deref() == Some(url))
        {
            let known = entry
                .effective_name()
                .map_or_else(String::new, |n| format!(" as {n:?}"));
            return Err(format!(
                "{url} is already subscribed{known} ({})",
                place(&display, entry)
            ));
        }
        let effective = name.clone().unwrap_or_else(|| name_from_url(url));
        if let Some(entry) = parsed
            .entries
            .iter()
            .find(|e| e.effective_name().as_deref() == Some(&effective))
        {
            return Err(format!(
                "a feed is already named {effective:?} ({}); choose another name with --name",
                place(&display, entry)
            ));
        }
        let tables = tables_text(&[(url.to_owned(), name.clone(), clean_tags.clone())]);
        let new_text = appended(text, &tables);
        let after = parse(&new_text, path);
        refuse_broken(&after, &display)?;
        let feed = after
            .entries
            .last()
            .map(|entry| {
                after
                    .feed(entry)
                    .cloned()
                    .ok_or_else(|| entry.reasons.join("; "))
            })
            .unwrap_or_else(|| {
                Err(format!(
                    "{display} does not write its feeds as [[feed]] tables, so nothing can be \
                     added to it; change it by hand"
                ))
            })
            .map_err(|why| format!("cannot add {url}: {why}"))?;
        Ok((Some(new_text), feed))
    })
}

/// Unsubscribes: takes the feed with this URL (else this name) out of feeds.toml, with the
/// comments just above its header and inside its table; nothing else changes. Its store file
/// is left alone. Returns the feed removed.
pub fn remove(path: &Path, name_or_url: &str) -> Result<Feed, String> {
    let display = display_path(path);
    edit(path, false, |text, parsed| {
        let wanted = name_or_url.trim();
        // A feed that loads first, by URL then by name; else a broken entry, to say why.
        let find = |loaded: bool, by_url: bool| {
            parsed.entries.iter().enumerate().find(|(_, e)| {
                (!loaded || e.feed.is_some())
                    && if by_url {
                        e.url.as_deref() == Some(wanted)
                    } else {
                        e.effective_name().as_deref() == Some(wanted)
                    }
            })
        };
        let found = find(true, true)
            .or_else(|| find(true, false))
            .or_else(|| find(false, true))
            .or_else(|| find(false, false));
        let Some((index, entry)) = found else {
            return Err(format!(
                "no feed in {display} is named {:?} or has that URL; `herald feeds list` \
                 shows them",
                sanitize_line(wanted)
            ));
        };
        let Some(feed) = parsed.feed(entry).cloned() else {
            return Err(format!(
                "the feed at {} has a problem ({}); fix or delete it by hand",
                place(&display, entry),
                entry.reasons.join("; ")
            ));
        };
        let expected: Vec<Feed> = parsed
            .subscriptions
            .feeds
            .iter()
            .filter(|f| f.line != feed.line)
            .cloned()
            .collect();
        let next = parsed.starts.iter().copied().find(|&s| s > entry.offset);
        let cut = cut_out(text, entry.offset, next);
        let intact = |after: &Parsed| keeps_the_others(after, parsed, &expected);
        if intact(&parse(&cut, path)) {
            return Ok((Some(cut), feed));
        }
        // The cut by lines met something it does not expect (a multi-line string that looks
        // like comments): toml_edit removes the table instead, with the comments above it.
        let mut doc = document(text, &display)?;
        let tables = feed_tables(&mut doc, &display)?;
        if index >= tables.len() {
            return Err(format!(
                "Herald cannot find that feed's [[feed]] table in {display}; nothing was changed"
            ));
        }
        tables.remove(index);
        let rewritten = doc.to_string();
        if !intact(&parse(&rewritten, path)) {
            return Err(format!(
                "removing the feed at {} would change other feeds; nothing was changed: \
                 delete it by hand",
                place(&display, entry)
            ));
        }
        Ok((Some(rewritten), feed))
    })
}

/// Whether `after` is `before` with one feed table less: it reads cleanly and still has
/// every feed of `expected` as it was (lines apart). A feed that was left out as the second
/// of two may load now; that is the point of removing the first.
fn keeps_the_others(after: &Parsed, before: &Parsed, expected: &[Feed]) -> bool {
    fn key(f: &Feed) -> (&str, &str, &Path, &[String], std::time::Duration, usize) {
        (&f.url, &f.name, &f.store, &f.tags, f.every, f.keep)
    }
    let now: HashSet<_> = after.subscriptions.feeds.iter().map(key).collect();
    after.syntax_errors.is_empty()
        && after.entries.len() + 1 == before.entries.len()
        && expected.iter().all(|e| now.contains(&key(e)))
}

/// Where the line holding byte `offset` starts.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The lines from `start` on, each as (its start, its end after the line break, its text).
fn lines_from(text: &str, start: usize) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut at = start;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = (at, end, &text[at..end]);
        at = end;
        Some(line)
    })
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Where the comment lines right above the line starting at `start` begin (no blank line
/// between them and it), not going back past `floor`.
fn attached_comments(text: &str, start: usize, floor: usize) -> usize {
    let mut at = start;
    while at > floor {
        let above = line_start(text, at - 1);
        if above < floor || !is_comment(&text[above..at]) {
            break;
        }
        at = above;
    }
    at
}

/// `text` without the feed table whose header is at `header`: its lines, the comment lines
/// right above its header and right below its last line, and the blank lines after it. A
/// comment separated from the table by a blank line is about something else (the file's
/// top comment, a section heading) and stays; comments right above the next header are the
/// next table's. (toml_edit keeps every comment before a header with that table, so removing
/// the first feed through it took the file's top comment too.)
fn cut_out(text: &str, header: usize, next: Option<usize>) -> String {
    let header_line = line_start(text, header);
    let start = attached_comments(text, header_line, 0);
    let region_end = match next {
        Some(next) => attached_comments(text, line_start(text, next), header_line + 1),
        None => text.len(),
    };
    // Ours: every line up to the last one that is not a comment, and the comments right
    // below it with no blank line between.
    let mut end = header_line;
    let mut attached = true;
    for (_, line_end, line) in lines_from(text, header_line) {
        if line_end > region_end {
            break;
        }
        if line.trim().is_empty() {
            attached = false;
        } else if !is_comment(line) {
            end = line_end;
            attached = true;
        } else if attached {
            end = line_end;
        }
    }
    // The blank lines after the table go with it.
    for (_, line_end, line) in lines_from(text, end) {
        if line_end > region_end || !line.trim().is_empty() {
            break;
        }
        end = line_end;
    }
    format!("{}{}", &text[..start], &text[end..])
}

/// For a permanent redirect: the feed whose url is `old_url` gets `new_url`, and only that
/// value changes (its comment and quoting style kept), with one exception: a feed with no
/// `name` is given the name it had, when the new URL would derive another, so that its name
/// and its default store do not move with the URL.
pub fn replace_url(path: &Path, old_url: &str, new_url: &str) -> Result<(), String> {
    let display = display_path(path);
    let shown_old = sanitize_line(old_url);
    check_url(new_url).map_err(|why| format!("cannot change the URL of {shown_old}: {why}"))?;
    edit(path, false, |text, parsed| {
        let Some((index, entry)) = parsed
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.url.as_deref() == Some(old_url) && e.feed.is_some())
        else {
            return Err(format!("no feed in {display} has the URL {shown_old}"));
        };
        if old_url == new_url {
            return Ok((None, ()));
        }
        if let Some(other) = parsed
            .entries
            .iter()
            .find(|e| e.url.as_deref() == Some(new_url))
        {
            return Err(format!(
                "cannot change {old_url} to {new_url}: that URL is already subscribed ({})",
                place(&display, other)
            ));
        }
        let mut doc = document(text, &display)?;
        let tables = feed_tables(&mut doc, &display)?;
        let table = tables.get_mut(index).ok_or_else(|| {
            format!(
                "Herald cannot find that feed's [[feed]] table in {display}; nothing was changed"
            )
        })?;
        let Some(item) = table.get_mut("url") else {
            return Err(format!("the feed at {} has no url", place(&display, entry)));
        };
        let decor = item
            .as_value()
            .map(|v| v.decor().clone())
            .unwrap_or_default();
        let mut value = toml_edit::Value::from(new_url);
        *value.decor_mut() = decor;
        *item = toml_edit::Item::Value(value);
        if entry.name.is_none() && name_from_url(old_url) != name_from_url(new_url) {
            table.insert("name", toml_edit::value(name_from_url(old_url)));
        }
        let new_text = doc.to_string();
        let after = parse(&new_text, path);
        if let Some(broken) = after.entries.get(index).filter(|e| e.feed.is_none()) {
            return Err(format!(
                "cannot change {old_url} to {new_url}: {}",
                broken.reasons.join("; ")
            ));
        }
        Ok((Some(new_text), ()))
    })
}

/// Subscribes to every feed of an OPML file that is not subscribed yet (by exact URL, also
/// against feeds earlier in the same file). Names come from the outlines' titles; one that
/// is taken (or whose store is) gets the feed's host added: `News (example.org)`. All the new
/// feeds are appended in one write, or none is.
pub fn import_opml(path: &Path, opml: &[u8]) -> Result<Imported, String> {
    let outlines = opml::read(opml)?;
    if outlines.is_empty() {
        return Err("it has no feeds: no <outline> in it has an xmlUrl".to_owned());
    }
    let base = base_of(path).to_path_buf();
    let display = display_path(path);
    edit(path, true, |text, parsed| {
        let mut imported = Imported::default();
        let mut urls: HashSet<String> = parsed
            .entries
            .iter()
            .filter_map(|e| e.url.clone())
            .collect();
        let mut names: HashSet<String> = parsed
            .entries
            .iter()
            .filter_map(Entry::effective_name)
            .collect();
        let mut stores: HashSet<PathBuf> = parsed
            .subscriptions
            .feeds
            .iter()
            .map(|f| lexically_normal(&f.store))
            .collect();
        let mut new = Vec::new();
        for outline in outlines {
            let url = outline.url.trim().to_owned();
            if let Err(why) = check_url(&url) {
                imported.refused.push(why);
                continue;
            }
            if !urls.insert(url.clone()) {
                imported.skipped += 1;
                continue;
            }
            let wanted = outline.name.unwrap_or_else(|| name_from_url(&url));
            let host = name_from_url(&url);
            let host = host.split('/').next().unwrap_or_default().to_owned();
            let free = |name: &str| {
                !names.contains(name)
                    && !stores.contains(&lexically_normal(&default_store(name, &base)))
            };
            let name = std::iter::once(wanted.clone())
                .chain(std::iter::once(format!("{wanted} ({host})")))
                .chain((2..).map(|n| format!("{wanted} ({host}) {n}")))
                .find(|candidate| free(candidate))
                .unwrap_or(wanted);
            names.insert(name.clone());
            stores.insert(lexically_normal(&default_store(&name, &base)));
            let mut tags: Vec<String> = Vec::new();
            for tag in outline.tags {
                if let Ok(tag) = clean_tag(&tag)
                    && !tags.contains(&tag)
                {
                    tags.push(tag);
                }
            }
            new.push((url, Some(name), tags));
        }
        imported.added = new.len();
        if new.is_empty() {
            return Ok((None, imported));
        }
        let new_text = appended(text, &tables_text(&new));
        let after = parse(&new_text, path);
        refuse_broken(&after, &display)?;
        let first_new = after.entries.len().saturating_sub(new.len());
        if let Some(broken) = after
            .entries
            .iter()
            .skip(first_new)
            .find(|e| e.feed.is_none())
        {
            return Err(format!(
                "the feed {} cannot be added: {}; nothing was imported",
                broken.url.as_deref().unwrap_or("?"),
                broken.reasons.join("; ")
            ));
        }
        Ok((Some(new_text), imported))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::produce::feeds::load;

    /// A feeds.toml written by hand: comments everywhere, odd spacing, a literal string.
    const HAND_WRITTEN: &str = "\
# My feeds. Keep this comment.

[[feed]]   # the first one
url = 'https://one.example/rss'   # single quotes, on purpose
name  =  \"One\"
tags = [ \"a\",   \"b\" ]

# Two is noisy.
[[feed]]
url = \"http://two.example/feed/\"  # moved to https some day
every = \"2d\"

# --- the end of the list ---
";

    fn write_hand_written(dir: &Path) -> PathBuf {
        let path = dir.join("feeds.toml");
        std::fs::write(&path, HAND_WRITTEN).unwrap();
        path
    }

    #[test]
    fn add_then_replace_url_then_remove_keep_everything_else_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_hand_written(dir.path());

        let added = add(
            &path,
            "https://three.example/atom.xml",
            Some("Three"),
            &["x".to_owned(), "y".to_owned()],
        )
        .unwrap();
        assert_eq!(added.name, "Three");
        assert_eq!(added.tags, ["x", "y"]);
        let after_add = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            after_add,
            format!(
                "{HAND_WRITTEN}\n[[feed]]\nurl = \"https://three.example/atom.xml\"\n\
                 name = \"Three\"\ntags = [\"x\", \"y\"]\n"
            )
        );
        assert_eq!(added.line, 15);
        assert_eq!(load(&path).feeds.len(), 3);

        // http -> https keeps the derived name, so only the value changes, comment and all.
        replace_url(
            &path,
            "http://two.example/feed/",
            "https://two.example/feed/",
        )
        .unwrap();
        let after_replace = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            after_replace,
            after_add.replace(
                "url = \"http://two.example/feed/\"  # moved",
                "url = \"https://two.example/feed/\"  # moved"
            )
        );

        let removed = remove(&path, "One").unwrap();
        assert_eq!(removed.url, "https://one.example/rss");
        let after_remove = std::fs::read_to_string(&path).unwrap();
        let one = "[[feed]]   # the first one\nurl = 'https://one.example/rss'   # single \
                   quotes, on purpose\nname  =  \"One\"\ntags = [ \"a\",   \"b\" ]\n\n";
        assert_eq!(after_remove, after_replace.replacen(one, "", 1));
        assert!(after_remove.starts_with("# My feeds. Keep this comment.\n\n# Two is noisy.\n"));
        assert!(after_remove.contains("# --- the end of the list ---\n"));
        let left: Vec<_> = load(&path).feeds.into_iter().map(|f| f.name).collect();
        assert_eq!(left, ["two.example/feed", "Three"]);
    }

    #[test]
    fn replace_url_keeps_a_derived_name_that_the_new_url_would_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_hand_written(dir.path());
        let before = load(&path).feeds[1].clone();
        replace_url(
            &path,
            "http://two.example/feed/",
            "https://feeds.two.example/all",
        )
        .unwrap();
        let after = load(&path);
        assert_eq!(after.problems, Vec::<String>::new());
        let two = &after.feeds[1];
        assert_eq!(two.url, "https://feeds.two.example/all");
        assert_eq!((&two.name, &two.store), (&before.name, &before.store));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(
                "url = \"https://feeds.two.example/all\"  # moved to https some day\n\
             every = \"2d\"\nname = \"two.example/feed\"\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn edits_refuse_what_they_must() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_hand_written(dir.path());
        let unchanged = || assert_eq!(std::fs::read_to_string(&path).unwrap(), HAND_WRITTEN);
        let refusals = [
            (
                add(&path, "https://one.example/rss", None, &[]),
                format!(
                    "https://one.example/rss is already subscribed as \"One\" ({}:3)",
                    path.display()
                ),
            ),
            (
                add(&path, "https://elsewhere.example/rss", Some("One"), &[]),
                format!(
                    "a feed is already named \"One\" ({}:3); choose another name with --name",
                    path.display()
                ),
            ),
            (
                add(&path, "feed://x.example/rss", None, &[]),
                "cannot add feed://x.example/rss: \"feed://x.example/rss\" is a feed: URL; Herald \
                 fetches only \
                 http and https feeds"
                    .to_owned(),
            ),
            (
                add(&path, "https://x.example/rss", None, &["a,b".to_owned()]),
                "cannot add https://x.example/rss: tag \"a,b\" holds a comma; give --tag once for each tag"
                    .to_owned(),
            ),
            (
                add(&path, "https://x.example/rss", Some("one"), &[]),
                format!(
                    "cannot add https://x.example/rss: its store {} is already the store of \
                     \"One\" (line 3); two feeds cannot share a store: give this one another \
                     name or its own store",
                    crate::paths::default_stores_dir()
                        .unwrap()
                        .join("one.json")
                        .display()
                ),
            ),
        ];
        for (outcome, message) in refusals {
            assert_eq!(outcome, Err(message));
            unchanged();
        }
        let error = remove(&path, "Nothing").unwrap_err();
        assert!(
            error.contains("no feed in") && error.contains("\"Nothing\""),
            "{error}"
        );
        let error =
            replace_url(&path, "https://one.example/rss", "http://two.example/feed/").unwrap_err();
        assert!(error.contains("already subscribed"), "{error}");
        unchanged();
        let missing = dir.path().join("none.toml");
        assert!(
            remove(&missing, "One")
                .unwrap_err()
                .contains("does not exist")
        );
        assert!(!missing.exists());
    }

    #[test]
    fn an_edit_never_rewrites_a_file_it_cannot_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        let broken = "[[feed]]\nurl = \"https://a.example/rss\nname = 3\n";
        std::fs::write(&path, broken).unwrap();
        let error = add(&path, "https://b.example/rss", None, &[]).unwrap_err();
        assert!(
            error.contains("feeds.toml:2:") && error.ends_with("was not changed)"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    }

    #[test]
    fn add_makes_the_file_and_its_folder_with_a_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald").join("feeds.toml");
        let feed = add(&path, "https://a.example/rss", None, &[]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(HEADER));
        assert!(
            text.ends_with("\n\n[[feed]]\nurl = \"https://a.example/rss\"\n"),
            "{text}"
        );
        assert_eq!(load(&path).feeds, [feed]);
        // The lock file is a dot-file beside it and nothing else is left behind.
        let mut names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".feeds.toml.lock", "feeds.toml"]);
    }

    #[test]
    fn strings_that_need_escaping_are_written_as_toml() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        let name = "Quote \" and back\\slash";
        let feed = add(
            &path,
            "https://a.example/rss",
            Some(name),
            &["tag \"x\"".to_owned()],
        )
        .unwrap();
        assert_eq!(feed.name, name);
        assert_eq!(load(&path).feeds, [feed]);
    }

    #[test]
    fn removing_the_last_feed_leaves_the_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        std::fs::write(
            &path,
            "# top\n\n[[feed]]\nurl = \"https://a.example/rss\"\n",
        )
        .unwrap();
        remove(&path, "https://a.example/rss").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# top\n\n");
        assert!(load(&path).feeds.is_empty());
        add(&path, "https://b.example/rss", None, &[]).unwrap();
        assert_eq!(load(&path).feeds.len(), 1);
    }

    #[test]
    fn a_removed_table_takes_its_own_comments_and_leaves_the_others() {
        let cases = [
            (
                // A comment right above its header and one right below its last line (a
                // key commented out) are the feed's; the blank line after it goes too.
                "[[feed]]\nurl = \"https://a.example/rss\"\n\n# about b\n[[feed]]\n\
                 url = \"https://b.example/rss\"\n# every = \"1h\"\n\n[[feed]]\n\
                 url = \"https://c.example/rss\"\n",
                "https://b.example/rss",
                "[[feed]]\nurl = \"https://a.example/rss\"\n\n[[feed]]\n\
                 url = \"https://c.example/rss\"\n",
            ),
            (
                // Comments inside the table, a multi-line list, CRLF line ends.
                "# top\r\n\r\n[[feed]]\r\nurl = \"https://a.example/rss\"\r\n# inside\r\n\r\n\
                 tags = [\r\n  \"x\",\r\n]\r\n\r\n[[feed]]\r\nurl = \"https://b.example/rss\"\r\n",
                "https://a.example/rss",
                "# top\r\n\r\n[[feed]]\r\nurl = \"https://b.example/rss\"\r\n",
            ),
            (
                // An indented header, and a table that is not a feed after it.
                "  [[feed]]\n  url = \"https://a.example/rss\"\n\n[extra]\nx = 1\n",
                "https://a.example/rss",
                "[extra]\nx = 1\n",
            ),
            (
                // The last table, with no line break at the end.
                "[[feed]]\nurl = \"https://a.example/rss\"\n\n[[feed]]\nurl = \"https://b.example/rss\"",
                "https://b.example/rss",
                "[[feed]]\nurl = \"https://a.example/rss\"\n\n",
            ),
        ];
        for (before, url, after) in cases {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("feeds.toml");
            std::fs::write(&path, before).unwrap();
            remove(&path, url).unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap(), after, "{before:?}");
        }
    }

    #[test]
    fn a_table_the_line_cut_would_break_is_removed_by_toml_edit() {
        // The multi-line string's last lines look like comments right above the next header:
        // cutting by lines would take them and break the string.
        let text = "[[feed]]\nurl = \"https://a.example/rss\"\nname = \"\"\"A\n# x\"\"\"\n\
                    [[feed]]\nurl = \"https://b.example/rss\"\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        std::fs::write(&path, text).unwrap();
        remove(&path, "https://b.example/rss").unwrap();
        let left = load(&path);
        assert_eq!(left.problems, Vec::<String>::new());
        assert_eq!(left.feeds.len(), 1);
        assert_eq!(left.feeds[0].name, "A\n# x".replace('\n', " "));
    }

    #[test]
    fn import_skips_and_counts_duplicates_and_makes_names_unique() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        add(&path, "https://a.example/rss", Some("News"), &[]).unwrap();
        let opml = br#"<opml version="2.0"><body>
            <outline text="Daily">
              <outline text="Already" xmlUrl="https://a.example/rss"/>
              <outline text="News" xmlUrl="https://b.example/rss"/>
              <outline text="News" xmlUrl="https://c.example/rss"/>
              <outline text="Twice" xmlUrl="https://d.example/rss"/>
              <outline text="Twice again" xmlUrl="https://d.example/rss"/>
              <outline text="Bad" xmlUrl="feed://e.example/rss"/>
            </outline>
            <outline xmlUrl="https://f.example/feeds/all.xml"/>
        </body></opml>"#;
        let imported = import_opml(&path, opml).unwrap();
        assert_eq!((imported.added, imported.skipped), (4, 2));
        assert_eq!(
            imported.refused,
            ["\"feed://e.example/rss\" is a feed: URL; Herald fetches only http and https feeds"]
        );
        let subs = load(&path);
        assert_eq!(subs.problems, Vec::<String>::new());
        let got: Vec<(&str, &str, Vec<String>)> = subs
            .feeds
            .iter()
            .map(|f| (f.url.as_str(), f.name.as_str(), f.tags.clone()))
            .collect();
        let daily = vec!["Daily".to_owned()];
        assert_eq!(
            got,
            [
                ("https://a.example/rss", "News", vec![]),
                ("https://b.example/rss", "News (b.example)", daily.clone()),
                ("https://c.example/rss", "News (c.example)", daily.clone()),
                ("https://d.example/rss", "Twice", daily),
                (
                    "https://f.example/feeds/all.xml",
                    "f.example/feeds/all.xml",
                    vec![]
                ),
            ]
        );
        // Importing it again adds nothing and does not touch the file.
        let before = std::fs::read_to_string(&path).unwrap();
        let again = import_opml(&path, opml).unwrap();
        assert_eq!((again.added, again.skipped), (0, 6));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }

    #[test]
    fn an_import_of_the_export_gives_the_same_subscriptions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        let tags = |t: &[&str]| t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        add(
            &path,
            "https://a.example/rss?x=1&y=<2>",
            Some("A & \"B\" <c>"),
            &tags(&["news", "daily", "x/y"]),
        )
        .unwrap();
        add(&path, "https://b.example/rss", None, &[]).unwrap();
        add(
            &path,
            "https://c.example/atom",
            Some("Ça"),
            &tags(&["tech"]),
        )
        .unwrap();
        add(&path, "https://d.example/rss", Some("D"), &tags(&["news"])).unwrap();
        let exported = super::super::export_opml(&load(&path));
        let other = dir.path().join("other.toml");
        let imported = import_opml(&other, exported.as_bytes()).unwrap();
        assert_eq!((imported.added, imported.skipped), (4, 0));
        let view = |p: &Path| {
            let mut feeds: Vec<_> = load(p)
                .feeds
                .into_iter()
                .map(|f| (f.url, f.name, f.tags, f.store))
                .collect();
            feeds.sort();
            feeds
        };
        assert_eq!(view(&other), view(&path));
    }

    #[test]
    fn an_opml_file_with_no_feeds_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        let error =
            import_opml(&path, b"<opml><body><outline text=\"x\"/></body></opml>").unwrap_err();
        assert!(
            error.contains("no <outline> in it has an xmlUrl"),
            "{error}"
        );
        assert!(!path.exists());
    }

    #[test]
    fn a_feeds_toml_that_is_a_link_is_edited_where_it_lives() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles").join("feeds.toml");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        std::fs::write(&real, "# mine\n").unwrap();
        let link = dir.path().join("feeds.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        add(&link, "https://a.example/rss", None, &[]).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "# mine\n\n[[feed]]\nurl = \"https://a.example/rss\"\n"
        );
    }
}
