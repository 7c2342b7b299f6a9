//! Reading an article back from its store: the one part of articles that does I/O, so it runs
//! where I/O belongs (the runtime's reader thread, or a one-shot command), never in `update`.
//!
//! A library keeps small or unusual files' details in memory and only the place of the others:
//! their detail is read from the file when the article is opened. The file must still be the
//! one indexed (same fingerprint) and the id at that place the expected one; otherwise the
//! article says the store changed, rather than show another article's text.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};

use super::ArticleText;
use crate::engine::library::{ArticleIndex, DiskFile, Library};
use crate::engine::store::index::Fingerprint;
use crate::engine::store::parse::article_only;
use crate::engine::store::place::Span;
use crate::engine::store::{Article, ArticleDetail};

/// What a changed store makes an article say.
const CHANGED: &str = "the file changed since Herald loaded it; reload to see it as it is now";

/// Article `index` of `library`, its detail read from the store file when it is not in memory.
pub fn article(library: &Library, index: ArticleIndex) -> Article<'_> {
    let headline = library.headline(index);
    let detail = match library.detail_in_memory(index) {
        Some(detail) => Cow::Borrowed(detail),
        None => Cow::Owned(read_detail(library, index, headline.id)),
    };
    Article {
        headline,
        detail,
        store: library.store(headline.store),
    }
}

/// Article `index` as structured text, ready to be laid out.
pub fn text(library: &Library, index: ArticleIndex) -> ArticleText {
    ArticleText::from_article(&article(library, index))
}

fn read_detail(library: &Library, index: ArticleIndex, id: &str) -> ArticleDetail {
    let place = library.place(index);
    let Some(file) = library.disk_file(place.file) else {
        return ArticleDetail {
            body: "Herald could not find where this article is stored.".to_owned(),
            ..ArticleDetail::default()
        };
    };
    match read_span(file, place.span()).and_then(|json| {
        article_only(&json, file.format)
            .filter(|article| article.id == id)
            .ok_or_else(|| std::io::Error::other(CHANGED))
    }) {
        Ok(article) => article.detail,
        Err(error) => ArticleDetail {
            body: format!(
                "Herald could not read this article from {}: {error}.",
                file.display
            ),
            ..ArticleDetail::default()
        },
    }
}

/// Reads one article's JSON from its file, checking first that the file is the one indexed.
fn read_span(file: &DiskFile, span: Span) -> std::io::Result<String> {
    if Fingerprint::of(&file.path)? != file.fingerprint {
        return Err(std::io::Error::other(CHANGED));
    }
    let mut handle = crate::files::open_regular(&file.path)?;
    handle.seek(SeekFrom::Start(span.start))?;
    let mut bytes = vec![0; span.len as usize];
    handle.read_exact(&mut bytes)?;
    // Valid UTF-8 (the index checked it) is taken as it is, without a copy.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stores;
    use crate::engine::store::StoreSource;
    use crate::engine::store::model::Enclosure;

    fn open(dir: &tempfile::TempDir, name: &str, text: &str) -> Library {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        Stores::new(vec![StoreSource::Path(path)])
            .with_cache(None)
            .open()
    }

    #[test]
    fn enclosures_are_read_back_from_the_store_file() {
        let dir = tempfile::tempdir().unwrap();
        let library = open(
            &dir,
            "news.jsonl",
            concat!(
                r#"{"id": "a", "title": "Show", "enclosures": [{"url": "https://example.org/a.mp3", "type": "audio/mpeg", "length": 42, "title": "Audio"}]}"#,
                "\n"
            ),
        );
        assert!(
            library.detail_in_memory(0).is_none(),
            "this test is about details read from disk"
        );
        assert_eq!(
            article(&library, 0).detail.enclosures,
            [Enclosure {
                url: "https://example.org/a.mp3".into(),
                mime_type: Some("audio/mpeg".into()),
                length: Some(42),
                title: Some("Audio".into()),
            }]
        );
    }

    #[test]
    fn a_feed_item_read_back_keeps_its_id_and_the_feeds_author() {
        let dir = tempfile::tempdir().unwrap();
        let indexed = open(
            &dir,
            "plain.json",
            r#"{"version": "https://jsonfeed.org/version/1.1", "items": [
                {"url": "https://example.org/p", "attachments": [{"url": "https://example.org/p.mp3", "mime_type": "audio/mpeg"}]}]}"#,
        );
        assert!(indexed.detail_in_memory(0).is_none());
        let read = article(&indexed, 0);
        assert_eq!(read.headline.id, "https://example.org/p");
        assert_eq!(read.headline.title, "p.mp3");
        assert_eq!(read.detail.enclosures.len(), 1);
        assert!(
            !read.detail.body.starts_with("Herald could not"),
            "{}",
            read.detail.body
        );
        let authored = open(
            &dir,
            "authored.json",
            r#"{"version": "https://jsonfeed.org/version/1.1", "authors": [{"name": "Desk"}], "items": [
                {"id": "a", "title": "T"}]}"#,
        );
        assert_eq!(article(&authored, 0).detail.author.as_deref(), Some("Desk"));
    }
}
