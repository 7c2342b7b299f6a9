//! Headlines packed for a million articles: every id, title and source in one string, and one
//! fixed-size row per article pointing into it. Loading a store (or its cached index) then
//! costs two allocations, not three per article, and the cache can be read back almost as is.

use super::model::{Headline, StoreId};
use crate::text::Published;

/// Where one piece of text is in a table's string. Offsets are 32-bit, which keeps a row small
/// (a million articles' headlines take some 90 MB of text; the limit is 4 GiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextAt {
    pub start: u32,
    pub len: u32,
}

impl TextAt {
    /// Stands for "no text" (a headline without a source).
    pub const NONE: Self = Self {
        start: u32::MAX,
        len: 0,
    };

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// One article's headline, its text held by the table. 48 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub id: TextAt,
    pub title: TextAt,
    /// `TextAt::NONE` when there is no source.
    pub source: TextAt,
    /// A month of 0 stands for "undated".
    pub published: Published,
    pub store: StoreId,
    pub breaking: bool,
}

const UNDATED: Published = Published {
    year: 0,
    month: 0,
    day: 0,
    instant: 0,
};

impl Row {
    pub fn published(&self) -> Option<Published> {
        (self.published.month != 0).then_some(self.published)
    }

    pub fn packed_date(date: Option<Published>) -> Published {
        date.unwrap_or(UNDATED)
    }

    fn moved(self, by: u32) -> Self {
        let moved = |at: TextAt| TextAt {
            start: at.start + by,
            len: at.len,
        };
        Self {
            id: moved(self.id),
            title: moved(self.title),
            source: if self.source == TextAt::NONE {
                TextAt::NONE
            } else {
                moved(self.source)
            },
            ..self
        }
    }
}

/// The table would pass 4 GiB of text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TableFull;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeadlineTable {
    text: String,
    rows: Vec<Row>,
}

/// The most text a table holds; `TextAt::NONE`'s start lies beyond it.
const MAX_TEXT: usize = u32::MAX as usize - 1;

impl HeadlineTable {
    /// A table from parts that are already known to fit together; `None` if any row points
    /// outside the text or between the bytes of one character.
    pub fn from_parts(text: String, rows: Vec<Row>) -> Option<Self> {
        if text.len() > MAX_TEXT {
            return None;
        }
        let fits = |at: TextAt| text.get(at.range()).is_some();
        rows.iter()
            .all(|r| fits(r.id) && fits(r.title) && (r.source == TextAt::NONE || fits(r.source)))
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
        let start = self.text.len() as u32;
        self.text.push_str(text);
        TextAt {
            start,
            len: text.len() as u32,
        }
    }

    pub fn push(&mut self, headline: Headline<'_>) -> Result<(), TableFull> {
        let needed = headline.id.len() + headline.title.len() + headline.source.map_or(0, str::len);
        if self.text.len() + needed > MAX_TEXT {
            return Err(TableFull);
        }
        let row = Row {
            id: self.add_text(headline.id),
            title: self.add_text(headline.title),
            source: headline.source.map_or(TextAt::NONE, |s| self.add_text(s)),
            published: Row::packed_date(headline.published),
            store: headline.store,
            breaking: headline.breaking,
        };
        self.rows.push(row);
        Ok(())
    }

    fn str(&self, at: TextAt) -> &str {
        // Rows are only made by `push` or checked by `from_parts`, so this always holds.
        self.text.get(at.range()).unwrap_or("")
    }

    pub fn get(&self, index: usize) -> Headline<'_> {
        let row = &self.rows[index];
        Headline {
            store: row.store,
            id: self.str(row.id),
            title: self.str(row.title),
            source: (row.source != TextAt::NONE).then(|| self.str(row.source)),
            published: row.published(),
            breaking: row.breaking,
        }
    }

    /// Flags article `index` breaking (a rule of the reader's matched it).
    pub fn set_breaking(&mut self, index: usize) {
        if let Some(row) = self.rows.get_mut(index) {
            row.breaking = true;
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
            .map(|(row, i)| (std::cmp::Reverse(row.published().map(|d| d.instant)), i))
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
    pub fn append(
        &mut self,
        other: HeadlineTable,
        mut keep: impl FnMut(usize) -> bool,
    ) -> Result<(), TableFull> {
        let keep_all = (0..other.rows.len()).all(&mut keep);
        if self.rows.is_empty() && keep_all {
            *self = other;
            return Ok(());
        }
        if keep_all {
            if self.text.len() + other.text.len() > MAX_TEXT {
                return Err(TableFull);
            }
            let shift = self.text.len() as u32;
            self.text.push_str(&other.text);
            self.rows
                .extend(other.rows.iter().map(|row| row.moved(shift)));
            return Ok(());
        }
        // All or nothing: a library whose rows stopped half way would not match its places.
        let kept: Vec<usize> = (0..other.rows.len()).filter(|&i| keep(i)).collect();
        let needed: usize = kept
            .iter()
            .map(|&i| {
                let row = &other.rows[i];
                let source = if row.source == TextAt::NONE {
                    0
                } else {
                    row.source.len
                };
                (row.id.len + row.title.len + source) as usize
            })
            .sum();
        if self.text.len() + needed > MAX_TEXT {
            return Err(TableFull);
        }
        for index in kept {
            self.push(other.get(index))?;
        }
        Ok(())
    }
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
        table
            .push(headline("a", "Flood in the valley", Some("VOA")))
            .unwrap();
        table.push(headline("b", "Zürich votes", None)).unwrap();
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
        first.push(headline("a", "One", None)).unwrap();
        let mut second = HeadlineTable::default();
        second.push(headline("b", "Two", Some("AP"))).unwrap();
        second.push(headline("c", "Three", None)).unwrap();
        let mut all = first.clone();
        all.append(second.clone(), |_| true).unwrap();
        let titles: Vec<&str> = all.iter().map(|h| h.title).collect();
        assert_eq!(titles, ["One", "Two", "Three"]);
        assert_eq!(all.get(1).source, Some("AP"));
        let mut some = first;
        some.append(second.clone(), |i| i == 1).unwrap();
        let ids: Vec<&str> = some.iter().map(|h| h.id).collect();
        assert_eq!(ids, ["a", "c"]);
        let mut empty = HeadlineTable::default();
        empty.append(second.clone(), |_| true).unwrap();
        assert_eq!(empty, second);
    }

    #[test]
    fn rows_pointing_outside_the_text_or_inside_a_character_are_refused() {
        let row = |start, len| Row {
            id: TextAt { start, len },
            title: TextAt { start: 0, len: 2 },
            source: TextAt::NONE,
            published: Row::packed_date(None),
            store: StoreId(0),
            breaking: false,
        };
        assert!(HeadlineTable::from_parts("ü!".into(), vec![row(0, 2)]).is_some());
        assert!(HeadlineTable::from_parts("ü!".into(), vec![row(1, 2)]).is_none());
        assert!(HeadlineTable::from_parts("ü!".into(), vec![row(2, 5)]).is_none());
    }
}
