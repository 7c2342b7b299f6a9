//! The one-shot commands `list`, `show` and `check`: plain text out, no terminal control. All
//! text they print comes from the library, which sanitised it at load.

use std::io::{self, Write};

use crate::engine::article::layout::lay_out;
use crate::engine::article::{Flavor, read};
use crate::engine::state::Marks;
use crate::engine::{ArticleIndex, Library};
use crate::text::display_width;

/// Pads `text` with spaces to `width` columns (display width, not chars).
fn pad(text: &str, width: usize) -> String {
    let missing = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(missing))
}

/// `herald list`: one line per article of `which` (newest first, or a selection of it such as
/// [`crate::present::brief::new_articles`]).
/// `2002-07-28  BREAKING  VOA           Russian Foreign Minister Arrives in North Korea`
/// With `ids`, each line starts with the article's id and a tab (ids vary in length, and a
/// tab lets `cut -f1` take them). The store column is as wide as the longest store name of
/// the library, whatever `which` holds, so the columns line up the same in every listing.
pub fn list(
    library: &Library,
    which: &[ArticleIndex],
    ids: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let store_width = library
        .stores()
        .iter()
        .map(|s| display_width(&s.name))
        .max()
        .unwrap_or(0);
    for &index in which {
        let headline = library.headline(index);
        let date = headline
            .published
            .map_or_else(|| "----------".to_owned(), |d| d.iso_date());
        let flag = if headline.breaking {
            "BREAKING"
        } else {
            "        "
        };
        let store = pad(&library.store(headline.store).name, store_width);
        if ids {
            write!(out, "{}\t", headline.id)?;
        }
        writeln!(out, "{date}  {flag}  {store}  {}", headline.title)?;
    }
    Ok(())
}

/// How `herald show` prints the article it finds.
#[derive(Clone, Copy, Debug)]
pub enum ShowAs<'a> {
    /// Laid out as text, wrapped to this many columns.
    Text { width: usize },
    /// One line of JSON (`--json`), with the reader's marks.
    Json { marks: &'a Marks },
}

/// `herald show`: prints the article, or says which ids are close when none matches.
pub fn show(
    library: &Library,
    id: &str,
    store: Option<&str>,
    how: ShowAs<'_>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<bool> {
    let matches: Vec<_> = library
        .find_id(id)
        .into_iter()
        .filter(|&i| store.is_none_or(|name| library.store(library.headline(i).store).name == name))
        .collect();
    let Some(&first) = matches.first() else {
        let scope = store
            .map(|s| format!(" in store {s:?}"))
            .unwrap_or_default();
        writeln!(
            err,
            "herald: no article with id {id:?}{scope}; `herald list` shows the articles"
        )?;
        return Ok(false);
    };
    if matches.len() > 1 {
        let names: Vec<_> = matches
            .iter()
            .map(|&i| format!("{:?}", library.store(library.headline(i).store).name))
            .collect();
        writeln!(
            err,
            "herald: id {id:?} is in {} stores ({}); showing the first. Choose with --store NAME",
            matches.len(),
            names.join(", ")
        )?;
    }
    match how {
        ShowAs::Text { width } => {
            let text = read::text(library, first);
            for line in lay_out(&text, width, Flavor::Print).iter() {
                writeln!(out, "{}", line.text)?;
            }
        }
        ShowAs::Json { marks } => super::json::show(library, marks, first, out)?,
    }
    Ok(true)
}

/// `herald state compact`: forgets marks of articles that the open stores no longer hold
/// (with `dry_run`, lists them and forgets nothing). Stores that are not open keep their
/// marks. Refuses (returns false) when a store did not read completely and cleanly: a store
/// that failed to load, or a JSON Lines file caught mid-rewrite, looks as if articles were
/// gone, and their marks would be lost for good. Refuses the built-in sample too: its store
/// names (VOA, Science Desk...) are names the user's own stores may well have.
pub fn compact_state(
    stores: &crate::engine::Stores,
    library: &Library,
    dry_run: bool,
    out: &mut impl Write,
) -> io::Result<bool> {
    if stores
        .sources()
        .contains(&crate::engine::store::StoreSource::Embedded)
    {
        writeln!(
            out,
            "herald: not compacting against the sample data built into Herald: its store \
             names may be your stores' names too. Name the stores to compact against \
             (herald state compact STORE...), or list them as `stores = [...]` in the config \
             file."
        )?;
        return Ok(false);
    }
    let problems = library.diagnostics().len();
    if problems > 0 {
        writeln!(
            out,
            "herald: not compacting: the stores did not read cleanly ({}; `herald check` \
             lists {}), so articles may only look gone",
            if problems == 1 {
                "1 problem".to_owned()
            } else {
                format!("{problems} problems")
            },
            if problems == 1 { "it" } else { "them" }
        )?;
        return Ok(false);
    }
    let Some(path) = crate::engine::state::file::default_path() else {
        writeln!(
            out,
            "herald: there is no data folder, so there is no state to compact"
        )?;
        return Ok(false);
    };
    let open: std::collections::HashSet<&str> =
        library.stores().iter().map(|s| s.name.as_str()).collect();
    let present: std::collections::HashSet<(&str, &str)> = library
        .headlines()
        .map(|h| (library.store(h.store).name.as_str(), h.id))
        .collect();
    let result = crate::engine::state::compact(
        &path,
        |key| {
            open.contains(key.store.as_str())
                && !present.contains(&(key.store.as_str(), key.id.as_str()))
        },
        dry_run,
    )?;
    let removed = result.removed.len();
    let marks = |n: usize| format!("{n} mark{}", if n == 1 { "" } else { "s" });
    let stores_word = if open.len() == 1 {
        "the store"
    } else {
        "the stores"
    };
    if dry_run {
        for key in &result.removed {
            // Keys come from the state file, which anyone could have edited.
            writeln!(
                out,
                "{}\t{}",
                crate::text::sanitize_line(&key.store),
                crate::text::sanitize_line(&key.id)
            )?;
        }
        writeln!(
            out,
            "Would remove {} of articles no longer in {stores_word}; would keep {}. Nothing \
             was changed.",
            marks(removed),
            result.kept
        )?;
    } else {
        writeln!(
            out,
            "Removed {} of articles no longer in {stores_word}; kept {}.",
            marks(removed),
            result.kept
        )?;
    }
    Ok(true)
}

/// `herald check`: every problem, one per line, then a summary. Returns true when clean.
pub fn check(library: &Library, out: &mut impl Write) -> io::Result<bool> {
    for diagnostic in library.diagnostics() {
        writeln!(out, "{diagnostic}")?;
    }
    let counts = library.counts_by_store();
    for (store, count) in library.stores().iter().zip(counts) {
        writeln!(
            out,
            "{}: {count} article{}",
            store.name,
            if count == 1 { "" } else { "s" }
        )?;
    }
    let problems = library.diagnostics().len();
    if problems == 0 {
        writeln!(out, "No problems found.")?;
    } else {
        writeln!(
            out,
            "{problems} problem{} found.",
            if problems == 1 { "" } else { "s" }
        )?;
    }
    Ok(problems == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stores;
    use crate::engine::store::StoreSource;

    const URL: &str = "https://example.org/harbour/timetables/2024/spring/night-ferry.html?lang=en";

    #[test]
    fn show_keeps_code_and_tables_in_shape_and_never_cuts_a_url() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("harbour.json");
        let html = format!(
            "<p>New <b></b>times<strong><img src=x></strong>.</p><pre>  departs  arrives\n  06:10    07:45</pre>\
             <table><tr><th>Day</th><th>Sailings</th></tr><tr><td>Monday</td><td>4</td></tr>\
             </table><p>See <a href=\"{URL}\">the timetable</a> or {URL} itself.</p>"
        );
        let store = serde_json::json!({
            "name": "Harbour",
            "articles": [{"id": "t", "title": "Timetable", "html": html}],
        });
        std::fs::write(&path, store.to_string())?;
        let library = Stores::new(vec![StoreSource::Path(path)])
            .with_cache(None)
            .open();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert!(show(
            &library,
            "t",
            None,
            ShowAs::Text { width: 40 },
            &mut out,
            &mut err
        )?);
        let out = String::from_utf8_lossy(&out);
        assert_eq!(
            out,
            format!(
                "Timetable\nUndated\n\nNew times.\n\n      departs  arrives\n      06:10    \
                 07:45\n\nDay    | Sailings\n-------+---------\nMonday | 4\n\nSee the timetable[1] \
                 or\n{URL}\nitself.\n\nLinks:\n[1] {URL}\n"
            )
        );
        Ok(())
    }
}
