//! `herald feeds`: subscribe, unsubscribe, list the subscriptions, and move them to and from
//! other readers as OPML. The file and its edits are `produce::feeds`; this is what the
//! commands say. Results go to standard output, problems to standard error as
//! `herald: ...`, and each command says by its return value whether all went well.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::FeedsCommand;
use crate::engine::Stores;
use crate::engine::store::source::display_path;
use crate::engine::store::{Severity, StoreSource};
use crate::produce::feeds::{self, Feed, Subscriptions};
use crate::text::display_width;

/// The largest OPML file `herald feeds import` reads: far more than any list of feeds.
const OPML_LIMIT: u64 = 16 << 20;

/// Runs one `herald feeds` command on the subscriptions in `path`. `status` gives the last
/// column of `list` (the last fetch and the next one due), or nothing.
pub fn run(
    command: &FeedsCommand,
    path: &Path,
    status: &dyn Fn(&Feed) -> Option<String>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<ExitCode> {
    let ok = match command {
        FeedsCommand::Add { url, name, tags } => add(path, url, name.as_deref(), tags, out, err)?,
        FeedsCommand::Remove { feed } => remove(path, feed, out, err)?,
        FeedsCommand::List => list(&feeds::load(path), status, out, err)?,
        FeedsCommand::Import { file } => import(path, file, out, err)?,
        FeedsCommand::Export => export(&feeds::load(path), out, err)?,
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `Added "Name" (URL); it is stored in PATH. `herald fetch` gets it.`
pub fn add(
    path: &Path,
    url: &str,
    name: Option<&str>,
    tags: &[String],
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<bool> {
    match feeds::add(path, url, name, tags) {
        Ok(feed) => {
            writeln!(
                out,
                "Added {:?} ({}); it is stored in {}. `herald fetch` gets it.",
                feed.name,
                feed.url,
                display_path(&feed.store)
            )?;
            Ok(true)
        }
        Err(error) => {
            writeln!(err, "herald: {error}")?;
            Ok(false)
        }
    }
}

/// Says which feed went, and that its store stays (with the command that deletes it).
pub fn remove(
    path: &Path,
    name_or_url: &str,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<bool> {
    let feed = match feeds::remove(path, name_or_url) {
        Ok(feed) => feed,
        Err(error) => {
            writeln!(err, "herald: {error}")?;
            return Ok(false);
        }
    };
    let store = display_path(&feed.store);
    if std::fs::symlink_metadata(&feed.store).is_ok() {
        writeln!(
            out,
            "Removed {:?} ({}). Its store {store} is kept, so its articles can still be read; \
             `rm {}` deletes them.",
            feed.name,
            feed.url,
            shell_words::quote(&store)
        )?;
    } else {
        writeln!(
            out,
            "Removed {:?} ({}). It had no store file yet.",
            feed.name, feed.url
        )?;
    }
    Ok(true)
}

/// How many articles a feed's store holds, as `list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreCount {
    /// No file at the store's path.
    NotFetched,
    /// The file is there but could not be read (the reason went to standard error).
    Unreadable,
    Articles(usize),
}

impl StoreCount {
    fn describe(&self) -> String {
        match self {
            Self::NotFetched => "not fetched yet".to_owned(),
            Self::Unreadable => "cannot be read".to_owned(),
            Self::Articles(1) => "1 article".to_owned(),
            Self::Articles(n) => format!("{n} articles"),
        }
    }
}

/// The articles in each feed's store, read as `herald list` reads stores (one load of them
/// all, the index cache included), with each store's errors to report.
pub fn store_counts(feeds: &[Feed]) -> (Vec<StoreCount>, Vec<String>) {
    let present: Vec<(usize, &Feed)> = feeds
        .iter()
        .enumerate()
        .filter(|(_, f)| std::fs::symlink_metadata(&f.store).is_ok())
        .collect();
    if present.is_empty() {
        return (vec![StoreCount::NotFetched; feeds.len()], Vec::new());
    }
    // Each store gets a name of its own, so two stores whose files name themselves alike
    // are still counted apart.
    let label = |index: usize| format!("feed {index}");
    let names: BTreeMap<_, _> = present
        .iter()
        .map(|(i, f)| (f.store.clone(), label(*i)))
        .collect();
    let sources = present
        .iter()
        .map(|(_, f)| StoreSource::Path(f.store.clone()))
        .collect();
    let library = Stores::new(sources).with_names(names).open();
    let errors: Vec<_> = library
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let per_store = library.counts_by_store();
    let counts = feeds
        .iter()
        .enumerate()
        .map(|(index, feed)| {
            if !present.iter().any(|(i, _)| *i == index) {
                return StoreCount::NotFetched;
            }
            let shown = display_path(&feed.store);
            if errors.iter().any(|d| d.path == shown) {
                return StoreCount::Unreadable;
            }
            let count = library
                .store_id(&label(index))
                .and_then(|id| per_store.get(id.index()).copied())
                .unwrap_or(0);
            StoreCount::Articles(count)
        })
        .collect();
    (counts, errors.iter().map(ToString::to_string).collect())
}

/// Pads `text` with spaces to `width` columns.
fn pad(text: &str, width: usize) -> String {
    let missing = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(missing))
}

/// `herald feeds list`: one line per feed, in file order: name, URL, store, how many
/// articles the store holds, tags, and `status` when it says something. Problems in
/// feeds.toml go to `err` first, with their lines; the good feeds are listed all the same.
/// Returns false when there was any problem.
pub fn list(
    subscriptions: &Subscriptions,
    status: &dyn Fn(&Feed) -> Option<String>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<bool> {
    for problem in &subscriptions.problems {
        writeln!(err, "herald: {problem}")?;
    }
    if subscriptions.feeds.is_empty() && subscriptions.problems.is_empty() {
        writeln!(
            err,
            "herald: no feeds yet; `herald feeds add URL` subscribes to one (they are kept in {})",
            display_path(&subscriptions.path)
        )?;
        return Ok(true);
    }
    let (counts, store_errors) = store_counts(&subscriptions.feeds);
    for error in &store_errors {
        writeln!(err, "{error}")?;
    }
    let rows: Vec<[String; 4]> = subscriptions
        .feeds
        .iter()
        .zip(&counts)
        .map(|(feed, count)| {
            [
                feed.name.clone(),
                feed.url.clone(),
                display_path(&feed.store),
                count.describe(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            rows.iter()
                .map(|row| display_width(&row[column]))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (feed, row) in subscriptions.feeds.iter().zip(&rows) {
        let mut line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| pad(cell, *width))
            .collect();
        if !feed.tags.is_empty() {
            line.push(format!("tags: {}", feed.tags.join(", ")));
        }
        if let Some(said) = status(feed) {
            line.push(crate::text::sanitize_line(&said).into_owned());
        }
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    Ok(subscriptions.problems.is_empty() && store_errors.is_empty())
}

/// `herald feeds import FILE.opml` (`-` reads standard input).
pub fn import(
    path: &Path,
    file: &Path,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<bool> {
    let shown = if file == Path::new("-") {
        "standard input".to_owned()
    } else {
        display_path(file)
    };
    let bytes = if file == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .take(OPML_LIMIT + 1)
            .read_to_end(&mut bytes)
            .and_then(|_| match bytes.len() as u64 > OPML_LIMIT {
                true => Err(crate::files::too_big(bytes.len() as u64, OPML_LIMIT)),
                false => Ok(bytes),
            })
    } else {
        crate::files::read_regular(file, OPML_LIMIT)
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => {
            writeln!(err, "herald: cannot read {shown}: {error}")?;
            return Ok(false);
        }
    };
    let imported = match feeds::import_opml(path, &bytes) {
        Ok(imported) => imported,
        Err(error) => {
            writeln!(err, "herald: cannot import {shown}: {error}")?;
            return Ok(false);
        }
    };
    for refused in &imported.refused {
        writeln!(err, "herald: {shown}: not imported: {refused}")?;
    }
    let plural = if imported.added == 1 { "" } else { "s" };
    let mut summary = format!("Imported {} feed{plural}", imported.added);
    if imported.skipped > 0 {
        summary.push_str(&format!(
            " ({} already subscribed, skipped)",
            imported.skipped
        ));
    }
    writeln!(out, "{summary}.")?;
    Ok(imported.refused.is_empty())
}

/// `herald feeds export`: the subscriptions as OPML on `out`; problems (feeds left out of it)
/// on `err`.
pub fn export(
    subscriptions: &Subscriptions,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<bool> {
    for problem in &subscriptions.problems {
        writeln!(err, "herald: {problem}")?;
    }
    out.write_all(feeds::export_opml(subscriptions).as_bytes())?;
    Ok(subscriptions.problems.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::Duration;

    fn feed(name: &str, store: PathBuf, tags: &[&str]) -> Feed {
        Feed {
            url: format!("https://{name}.example/rss"),
            name: name.to_owned(),
            store,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            every: Duration::from_secs(3600),
            keep: 1000,
            line: 1,
            breaking: Vec::new(),
        }
    }

    #[test]
    fn list_counts_each_store_and_shows_the_status_column() {
        let dir = tempfile::tempdir().unwrap();
        let two = dir.path().join("two.json");
        // Both stores name themselves the same: they are still counted apart.
        std::fs::write(
            &two,
            r#"{"name": "Same", "articles": [{"id": "1", "title": "A"}, {"id": "2", "title": "B"}]}"#,
        )
        .unwrap();
        let one = dir.path().join("one.json");
        std::fs::write(
            &one,
            r#"{"name": "Same", "articles": [{"id": "1", "title": "A"}]}"#,
        )
        .unwrap();
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{ not json").unwrap();
        let subscriptions = Subscriptions {
            path: dir.path().join("feeds.toml"),
            feeds: vec![
                feed("two", two.clone(), &["news", "daily"]),
                feed("one", one.clone(), &[]),
                feed("none", dir.path().join("none.json"), &[]),
                feed("broken", broken.clone(), &[]),
            ],
            problems: vec![],
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = |f: &Feed| (f.name == "one").then(|| "due now".to_owned());
        let clean = list(&subscriptions, &status, &mut out, &mut err).unwrap();
        assert!(!clean, "a store that cannot be read is a problem");
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        let d = |p: &PathBuf| display_path(p);
        let w = d(&broken).len().max(d(&dir.path().join("none.json")).len());
        assert_eq!(
            lines,
            [
                format!(
                    "two     https://two.example/rss     {:w$}  2 articles       tags: news, daily",
                    d(&two)
                ),
                format!(
                    "one     https://one.example/rss     {:w$}  1 article        due now",
                    d(&one)
                ),
                format!(
                    "none    https://none.example/rss    {:w$}  not fetched yet",
                    d(&dir.path().join("none.json"))
                ),
                format!(
                    "broken  https://broken.example/rss  {:w$}  cannot be read",
                    d(&broken)
                ),
            ]
        );
        let err = String::from_utf8(err).unwrap();
        assert!(
            err.starts_with(&d(&broken)) && err.contains("error"),
            "{err}"
        );
    }
}
