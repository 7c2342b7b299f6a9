//! `herald mark-read`: marks the articles of some stores read, as if the reader had opened
//! each. The marks go to the reader state the way the reader's own saves send them
//! ([`crate::engine::state::StateFile::save`]): merged, mark by mark, into the file as it is
//! under the lock, and written atomically, so a reader running meanwhile loses nothing and
//! sees the marks at its next save.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::engine::state::{self, Timestamp};
use crate::engine::{ArticleIndex, Library};

/// A calendar day, `YYYY-MM-DD`: what `--before` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl std::str::FromStr for Day {
    type Err = String;

    /// Only the plain form (`2024-05-12`), and only days that exist.
    fn from_str(text: &str) -> Result<Self, String> {
        let date = (text.len() == 10)
            .then(|| crate::text::Published::parse(text))
            .flatten()
            .ok_or_else(|| {
                format!("{text:?} is not a day written YYYY-MM-DD (such as 2024-05-12)")
            })?;
        Ok(Self {
            year: date.year,
            month: date.month,
            day: date.day,
        })
    }
}

/// What [`mark_read`] changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Marked {
    /// Articles that were unread and are now read.
    pub articles: usize,
    /// The stores those articles are in.
    pub stores: usize,
    /// Articles that were read already.
    pub already: usize,
}

impl Marked {
    /// `Marked 35 articles read in 2 stores.`, and how many were read already, if any
    /// (`Marked 0 articles read in 0 stores; 3 were read already.`).
    pub fn line(&self) -> String {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let already = match self.already {
            0 => String::new(),
            n => format!("; {} read already", count(n, "was", "were")),
        };
        format!(
            "Marked {} read in {}{already}.",
            count(self.articles, "article", "articles"),
            count(self.stores, "store", "stores"),
        )
    }
}

/// The articles of `library` that `--before` picks: with a day, those published before it
/// (the day as the store wrote it, as `herald list` shows it; undated ones are never
/// picked), else all.
pub fn chosen(library: &Library, before: Option<Day>) -> Vec<ArticleIndex> {
    library
        .newest_first()
        .iter()
        .copied()
        .filter(|&index| {
            before.is_none_or(|before| {
                library.headline(index).published.is_some_and(|date| {
                    let day = Day {
                        year: date.year,
                        month: date.month,
                        day: date.day,
                    };
                    day < before
                })
            })
        })
        .collect()
}

/// Marks `which` read in the state at `path`, at `now`. Problems with the state file go to
/// `err`; an error means nothing was saved.
pub fn mark_read(
    library: &Library,
    which: &[ArticleIndex],
    path: PathBuf,
    now: Timestamp,
    err: &mut impl Write,
) -> io::Result<Marked> {
    let (mut marks, mut file, problems) = state::open(path);
    for problem in problems {
        writeln!(err, "herald: {problem}")?;
    }
    let mut marked = Marked::default();
    let mut stores = HashSet::new();
    for &index in which {
        let headline = library.headline(index);
        let store = &library.store(headline.store).name;
        if marks.is_read(store, headline.id) {
            marked.already += 1;
        } else {
            marks.set_read(store, headline.id, true, now);
            marked.articles += 1;
            stores.insert(headline.store);
        }
    }
    marked.stores = stores.len();
    if marked.articles == 0 {
        return Ok(marked);
    }
    let Some(changes) = marks.take_changes() else {
        // The state is kept in memory only (the problems above say why).
        return Err(io::Error::other(
            "the reader state cannot be written, so no article was marked read",
        ));
    };
    file.save(&changes).map_err(|error| {
        io::Error::new(
            error.kind(),
            match error.kind() {
                io::ErrorKind::WouldBlock => format!(
                    "another Herald has held the reader state's lock for over {} s; no article \
                     was marked read (try again once it has saved)",
                    state::file::LOCK_WAIT.as_secs()
                ),
                _ => format!("no article was marked read: {error}"),
            },
        )
    })?;
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stores;

    #[test]
    fn days_are_plain_dates_that_exist() {
        assert_eq!(
            "2024-05-12".parse::<Day>(),
            Ok(Day {
                year: 2024,
                month: 5,
                day: 12
            })
        );
        for bad in [
            "2023-02-29",
            "2024-5-12",
            "2024-05-12T00:00:00Z",
            "yesterday",
            "",
        ] {
            let error = bad.parse::<Day>().expect_err(bad);
            assert!(error.contains("YYYY-MM-DD"), "{error}");
        }
    }

    #[test]
    fn the_summary_counts_in_words() {
        let line = |articles, stores, already| {
            Marked {
                articles,
                stores,
                already,
            }
            .line()
        };
        assert_eq!(line(35, 2, 0), "Marked 35 articles read in 2 stores.");
        assert_eq!(line(1, 1, 0), "Marked 1 article read in 1 store.");
        assert_eq!(
            line(0, 0, 3),
            "Marked 0 articles read in 0 stores; 3 were read already."
        );
    }

    #[test]
    fn before_picks_dated_articles_of_earlier_days_only() -> Result<(), String> {
        let library = Stores::sample().open();
        let before: Day = "2016-01-12".parse()?;
        let picked = chosen(&library, Some(before));
        assert!(!picked.is_empty());
        for &index in library.newest_first() {
            let published = library.headline(index).published;
            let earlier = published.is_some_and(|d| d.iso_date().as_str() < "2016-01-12");
            assert_eq!(picked.contains(&index), earlier, "{published:?}");
        }
        assert_eq!(chosen(&library, None).len(), library.len());
        Ok(())
    }
}
