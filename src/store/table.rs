//! Headlines packed for a million articles: every id, title and source in one string, and one
//! fixed-size row per article pointing into it. Loading a store (or its cached index) then
//! costs two allocations, not three per article, and the cache can be read back almost as is.

use super::model::{Headline, StoreId};
use crate::text::Published;

/// Where one piece of text is in a table's string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextAt {
    pub start: usize,
    pub len: u32,
}

/// One article's headline, its text held by the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub store: StoreId,
    pub id: TextAt,
    pub title: TextAt,
    pub source: Option<TextAt>,
    pub published: Option<Published>,
    pub breaking: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeadlineTable {
    text: String,
    rows: Vec<Row>,
}

impl HeadlineTable {
    /// A table from parts that are already known to fit together; `None` if any row points
    /// outside the text or between the bytes of one character.
    pub fn from_parts(text: String, rows: Vec<Row>) -> Option<Self> {
        let fits = |at: TextAt| text.get(at.start..at.start + at.len as usize).is_some();
        rows.iter()
            .all(|r| fits(r.id) && fits(r.title) && r.source.is_none_or(fits))
            .then_some(Self { text, rows })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn add_text(&mut self, text: &str) -> TextAt {
        let start = self.text.len();
        // No id, title or source is 4 GiB long; were one, it would be cut, not misread.
        let text = &text[..floor_char_boundary(text, u32::MAX as usize)];
        self.text.push_str(text);
        TextAt {
            start,
            len: text.len() as u32,
        }
    }

    pub fn push(&mut self, headline: Headline<'_>) {
        let row = Row {
            store: headline.store,
            id: self.add_text(headline.id),
            title: self.add_text(headline.title),
            source: headline.source.map(|s| self.add_text(s)),
            published: headline.published,
            breaking: headline.breaking,
        };
        self.rows.push(row);
    }

    fn str(&self, at: TextAt) -> &str {
        // Rows are only made by `push` or checked by `from_parts`, so this always holds.
        self.text
            .get(at.start..at.start + at.len as usize)
            .unwrap_or("")
    }

    pub fn get(&self, index: usize) -> Headline<'_> {
        let row = &self.rows[index];
        Headline {
            store: row.store,
            id: self.str(row.id),
            title: self.str(row.title),
            source: row.source.map(|s| self.str(s)),
            published: row.published,
            breaking: row.breaking,
        }
    }

    /// The id alone, without building the whole headline.
    pub fn id(&self, index: usize) -> &str {
        self.str(self.rows[index].id)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Headline<'_>> + '_ {
        (0..self.rows.len()).map(|i| self.get(i))
    }

    /// Row positions newest first; undated rows last; equal dates in row order.
    pub fn newest_first(&self) -> Vec<u32> {
        let mut keyed: Vec<(std::cmp::Reverse<Option<i64>>, u32)> = self
            .rows
            .iter()
            .zip(0u32..)
            .map(|(row, i)| (std::cmp::Reverse(row.published.map(|d| d.instant)), i))
            .collect();
        // The position breaks ties, so an unstable sort gives the stable order.
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, i)| i).collect()
    }

    /// Puts every row in `store`.
    pub fn set_store(&mut self, store: StoreId) {
        for row in &mut self.rows {
            row.store = store;
        }
    }

    /// Appends `other`'s rows for which `keep` is true, in order, with their text. When this
    /// table is empty and every row is kept, `other`'s buffers are taken over without copying.
    pub fn append(&mut self, other: HeadlineTable, mut keep: impl FnMut(usize) -> bool) {
        let keep_all = (0..other.rows.len()).all(&mut keep);
        if self.rows.is_empty() && keep_all {
            *self = other;
            return;
        }
        if keep_all {
            let shift = self.text.len();
            self.text.push_str(&other.text);
            let moved = |at: TextAt| TextAt {
                start: at.start + shift,
                len: at.len,
            };
            self.rows.extend(other.rows.iter().map(|row| Row {
                id: moved(row.id),
                title: moved(row.title),
                source: row.source.map(moved),
                ..*row
            }));
            return;
        }
        for index in 0..other.rows.len() {
            if keep(index) {
                self.push(other.get(index));
            }
        }
    }
}

/// The largest char boundary of `text` at or below `limit`.
fn floor_char_boundary(text: &str, limit: usize) -> usize {
    if limit >= text.len() {
        return text.len();
    }
    (0..=limit)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headline<'a>(id: &'a str, title: &'a str, source: Option<&'a str>) -> Headline<'a> {
        Headline {
            store: StoreId(0),
            id,
            title,
            published: None,
            breaking: false,
            source,
        }
    }

    #[test]
    fn headlines_read_back_as_pushed() {
        let mut table = HeadlineTable::default();
        table.push(headline("a", "Flood in the valley", Some("VOA")));
        table.push(headline("b", "Zürich votes", None));
        assert_eq!(
            table.get(0),
            headline("a", "Flood in the valley", Some("VOA"))
        );
        assert_eq!(table.get(1), headline("b", "Zürich votes", None));
        assert_eq!(table.id(1), "b");
        assert_eq!(table.iter().count(), 2);
    }

    #[test]
    fn appending_keeps_text_and_skips_what_is_not_kept() {
        let mut first = HeadlineTable::default();
        first.push(headline("a", "One", None));
        let mut second = HeadlineTable::default();
        second.push(headline("b", "Two", Some("AP")));
        second.push(headline("c", "Three", None));
        let mut all = first.clone();
        all.append(second.clone(), |_| true);
        let titles: Vec<&str> = all.iter().map(|h| h.title).collect();
        assert_eq!(titles, ["One", "Two", "Three"]);
        assert_eq!(all.get(1).source, Some("AP"));
        let mut some = first;
        some.append(second.clone(), |i| i == 1);
        let ids: Vec<&str> = some.iter().map(|h| h.id).collect();
        assert_eq!(ids, ["a", "c"]);
        let mut empty = HeadlineTable::default();
        empty.append(second.clone(), |_| true);
        assert_eq!(empty, second);
    }

    #[test]
    fn rows_pointing_outside_the_text_or_inside_a_character_are_refused() {
        let row = |start, len| Row {
            store: StoreId(0),
            id: TextAt { start, len },
            title: TextAt { start: 0, len: 2 },
            source: None,
            published: None,
            breaking: false,
        };
        assert!(HeadlineTable::from_parts("ü!".into(), vec![row(0, 2)]).is_some());
        assert!(HeadlineTable::from_parts("ü!".into(), vec![row(1, 2)]).is_none());
        assert!(HeadlineTable::from_parts("ü!".into(), vec![row(2, 5)]).is_none());
    }
}
