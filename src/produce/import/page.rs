//! Saved plain-text pages, shaped like a news page copied out of a browser:
//!
//! ```text
//! Accessibility links                                  <- navigation: ignored
//!
//! Breaking News                                        <- optional banner: breaking
//!
//! Russian Foreign Minister Arrives in North Korea - 2002-07-28   <- title and date
//!
//! First paragraph.                                     <- the body, paragraphs apart
//!
//! Second paragraph.
//! ```
//!
//! The first line ending in ` - YYYY-MM-DD` (a real date) is the title line: everything before
//! it is page furniture, everything after it is the article.

use super::{Imported, ImportedArticle, Overrides, fallback_id};
use crate::text::{Published, sanitize_line, sanitize_text};

/// Parses a saved page into one article. `Err` says why the text is not such a page.
pub fn parse_page(bytes: &[u8], overrides: &Overrides) -> Result<Imported, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut warnings = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        warnings.push("the page is not valid UTF-8; bad bytes are shown as \u{FFFD}".to_owned());
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let Some((at, title, date)) = lines
        .iter()
        .enumerate()
        .find_map(|(i, line)| title_line(line).map(|(t, d)| (i, t, d)))
    else {
        return Err("it is not a feed, and as a saved text page it has no line \
                    `Title - YYYY-MM-DD` to show where the article starts"
            .to_owned());
    };
    let breaking = lines[..at]
        .iter()
        .any(|line| line.trim().eq_ignore_ascii_case("breaking news"));
    let body = paragraphs(&lines[at + 1..]).join("\n\n");
    let body = sanitize_text(&body).trim().to_owned();
    let source = overrides
        .source
        .as_deref()
        .map(|s| sanitize_line(s).trim().to_owned());
    let article = ImportedArticle {
        id: fallback_id(source.as_deref(), Some(&date), &title, ""),
        title,
        published: Some(date),
        source,
        section: overrides
            .section
            .as_deref()
            .map(|s| sanitize_line(s).trim().to_owned()),
        breaking,
        body: Some(body).filter(|b| !b.is_empty()),
        ..ImportedArticle::default()
    };
    Ok(Imported {
        name: None,
        articles: vec![article],
        warnings,
    })
}

/// `Title - 2002-07-28` -> (title, date), when the date is a real one and the title not empty.
fn title_line(line: &str) -> Option<(String, String)> {
    let (title, date) = line.trim().rsplit_once(" - ")?;
    let date = date.trim();
    if date.len() != 10 || Published::parse(date).is_none() {
        return None;
    }
    let title = sanitize_line(title).trim().to_owned();
    (!title.is_empty()).then(|| (title, date.to_owned()))
}

/// Paragraphs are runs of non-blank lines; a paragraph hard-wrapped over several lines becomes
/// one line, as the store format asks.
fn paragraphs(lines: &[&str]) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines.iter().map(|l| l.trim()) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> ImportedArticle {
        let mut imported = parse_page(text.as_bytes(), &Overrides::default()).unwrap();
        assert_eq!(imported.articles.len(), 1);
        imported.articles.remove(0)
    }

    #[test]
    fn the_seed_page_gives_the_sample_article() {
        let seed = include_str!("../../../tests/fixtures/seed-000_383c81adaeb783af.txt");
        let overrides = Overrides {
            source: Some("VOA".to_owned()),
            section: Some("Asia".to_owned()),
            ..Overrides::default()
        };
        let imported = parse_page(seed.as_bytes(), &overrides).unwrap();
        let a = &imported.articles[0];
        let sample: serde_json::Value =
            serde_json::from_str(include_str!("../../../sample-data/00-voa.json")).unwrap();
        let expected = &sample["articles"][0];
        assert_eq!(a.title, expected["title"]);
        assert_eq!(a.published.as_deref(), expected["published"].as_str());
        assert_eq!(a.breaking, expected["breaking"]);
        assert_eq!(a.body.as_deref(), expected["body"].as_str());
        assert_eq!(a.body.as_deref().unwrap().split("\n\n").count(), 9);
        assert_eq!(
            a.id,
            "voa-2002-07-28-russian-foreign-minister-arrives-in-north-korea"
        );
    }

    #[test]
    fn no_banner_means_not_breaking_and_wrapped_lines_join() {
        let a =
            page("Home\nNews\n\nA Quiet Day - 2020-02-29\n\nOne line\nwrapped.\n\n\n  Two.  \n");
        assert!(!a.breaking);
        assert_eq!(a.title, "A Quiet Day");
        assert_eq!(a.published.as_deref(), Some("2020-02-29"));
        assert_eq!(a.body.as_deref(), Some("One line wrapped.\n\nTwo."));
        assert_eq!(a.id, "2020-02-29-a-quiet-day");
    }

    #[test]
    fn only_a_real_date_marks_the_title_line() {
        let a = page(
            "Breaking News\r\nMenu - 2023-02-30\r\nReal - Title - 2023-03-01\r\nText \u{1b}[31mred.",
        );
        assert!(a.breaking);
        assert_eq!(
            a.title, "Real - Title",
            "the last ` - ` splits off the date"
        );
        assert_eq!(a.body.as_deref(), Some("Text red."));
    }

    #[test]
    fn a_page_without_a_title_line_is_refused() {
        let error = parse_page(b"Just some text.\n\nNo date.", &Overrides::default()).unwrap_err();
        assert!(error.contains("Title - YYYY-MM-DD"), "{error}");
    }
}
