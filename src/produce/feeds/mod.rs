//! Subscriptions: the feeds Herald fetches, one `[[feed]]` table each in `feeds.toml` beside
//! config.toml. They have a file of their own so that the commands which edit them
//! (`herald feeds add`, `remove`, `import`, and the fetcher following a permanent redirect)
//! never rewrite hand-tuned settings.
//!
//! ```toml
//! [[feed]]
//! url = "https://www.example.com/news/rss.xml"   # required: http or https
//! name = "Example News"    # default: from the URL, "example.com/news/rss.xml"
//! store = "~/news/example.json"   # default: <data dir>/stores/<slug of name>.json
//! tags = ["world", "daily"]
//! every = "30m"            # at most this often: "90s", "30m", "1h", "2d" (default 1h)
//! keep = 500               # articles kept in the store (default 1000)
//! ```
//!
//! Reading ([`load`]) never fails: a bad entry is reported at its line and skipped, and every
//! other feed still loads. Edits ([`add`], [`remove`], [`replace_url`], [`import_opml`]) go
//! through `toml_edit` or append text, so whatever they are not about stays byte for byte, and
//! the file is replaced atomically under a lock.

mod edit;
mod file;
mod opml;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use edit::{add, import_opml, remove, replace_url};
pub use file::load;
pub use opml::export_opml;

/// How often a feed is fetched at most, when its table does not say.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(60 * 60);

/// How many articles a feed's store keeps, when its table does not say.
pub const DEFAULT_KEEP: usize = 1000;

/// One subscription, resolved: every default filled in, paths absolute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    /// An http or https URL, exactly as written in feeds.toml.
    pub url: String,
    /// The name given, else one derived from the URL (host and path, readable: see
    /// [`name_from_url`]). Unique among the feeds.
    pub name: String,
    /// The native store the feed is fetched into (a `.json` file); unique among the feeds.
    pub store: PathBuf,
    pub tags: Vec<String>,
    /// The least time between two fetches.
    pub every: Duration,
    /// How many articles the store keeps.
    pub keep: usize,
    /// The 1-based line of its `[[feed]]` header, for messages.
    pub line: usize,
    /// Its own breaking-news rules (`breaking = { words = [...] }`), tied to its store.
    pub breaking: Vec<crate::engine::breaking::Rule>,
}

/// What `feeds.toml` holds: the feeds that loaded, and what was wrong with the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscriptions {
    pub path: PathBuf,
    pub feeds: Vec<Feed>,
    /// One line each: `PATH:LINE:COL: what is wrong; that feed is skipped` (or `(ignored)`
    /// for a problem that did not cost the feed, such as an unknown key), in file order.
    pub problems: Vec<String>,
}

impl Subscriptions {
    /// The feed with exactly this URL, else the one with exactly this name.
    pub fn find(&self, name_or_url: &str) -> Option<&Feed> {
        self.feeds
            .iter()
            .find(|f| f.url == name_or_url)
            .or_else(|| self.feeds.iter().find(|f| f.name == name_or_url))
    }
}

/// What [`import_opml`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Feeds appended to feeds.toml.
    pub added: usize,
    /// Feeds already subscribed, or listed twice in the file: left as they were.
    pub skipped: usize,
    /// Outlines that could not become feeds, one sentence each (`URL: why`), such as an
    /// address that is not http or https. Not counted in `skipped`.
    pub refused: Vec<String>,
}

/// `"90s"`, `"30m"`, `"1h"` or `"2d"` (a whole number above zero and one unit, spaces around
/// allowed): the interval, or `None` for anything else. Shared with the reader's
/// `fetch_every` setting.
pub fn parse_every(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = text.split_at(split);
    let seconds_per: u64 = match unit.trim_start() {
        "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return None,
    };
    let count: u64 = digits.parse().ok()?;
    if count == 0 {
        return None;
    }
    count.checked_mul(seconds_per).map(Duration::from_secs)
}

/// Slugs longer than this are cut (and made unique again with a hash), well inside the 255
/// bytes a file name may have.
const SLUG_MAX: usize = 60;

/// A file name part from a feed's name: lowercase ASCII letters, digits and single hyphens,
/// never empty. Latin letters with accents lose them (`Zürich` -> `zurich`); when anything else
/// had to be left out (other scripts, or a cut to [`SLUG_MAX`]), a hash of the whole name is
/// added, so that `Новости` and `Известия` still get two store files.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    let mut lost = false;
    let mut hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let ascii = if c.is_ascii_alphanumeric() {
            Some(c.encode_utf8(&mut [0; 4]).to_owned())
        } else {
            latin_base(c).map(str::to_owned)
        };
        match ascii {
            Some(text) => {
                if hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                hyphen = false;
                slug.push_str(&text);
            }
            None => {
                lost |= c.is_alphanumeric();
                hyphen = true;
            }
        }
    }
    if slug.len() > SLUG_MAX {
        slug.truncate(SLUG_MAX);
        slug.truncate(slug.trim_end_matches('-').len());
        lost = true;
    }
    if slug.is_empty() {
        return format!("feed-{:08x}", fnv1a(name));
    }
    if lost {
        slug.push_str(&format!("-{:08x}", fnv1a(name)));
    }
    slug
}

/// The ASCII letters a lowercase Latin letter with a diacritic is written with.
fn latin_base(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// FNV-1a: a hash that stays the same across Rust releases and platforms (std's does not
/// promise to), since store file names depend on it.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The name of a feed that was given none: its URL's host and path, without what makes a URL
/// hard to read: `https://www.example.com/news/rss.xml?x=1` -> `example.com/news/rss.xml`.
/// The scheme, user, a default port, `www.`, the query, the fragment and a final `/` go;
/// `%`-escapes that spell UTF-8 text are decoded.
pub fn name_from_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let mut host = host.to_lowercase();
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        _ => ":80",
    };
    if let Some(bare) = host.strip_suffix(default_port) {
        host = bare.to_owned();
    }
    if let Some(bare) = host.strip_prefix("www.") {
        host = bare.to_owned();
    }
    let path = percent_decoded(path.trim_end_matches('/'));
    crate::text::sanitize_line(&format!("{host}{path}")).into_owned()
}

/// `text` with its `%XX` escapes decoded, when they make UTF-8; else `text` as it is.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            // Two hex digits make one byte: 16 * 15 + 15 at most.
            out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Why `url` cannot be a feed's address, if it cannot: it must be an absolute http or https
/// URL with a host, written without spaces or control characters (which URL parsers drop
/// silently, so the address fetched would not be the one written).
pub fn check_url(url: &str) -> Result<(), String> {
    let shown = crate::text::sanitize_line(url);
    if url.is_empty() {
        return Err("the URL is empty".to_owned());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{shown:?} holds spaces or control characters; a URL has none (spaces are %20)"
        ));
    }
    let parsed = url::Url::parse(url).map_err(|error| {
        format!(
            "{shown:?} is not a URL ({error}); write it whole, like https://example.com/feed.xml"
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "{shown:?} is a {}: URL; Herald fetches only http and https feeds",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown:?} has no host"));
    }
    Ok(())
}

/// A path from feeds.toml: `~/` is the home folder; a relative path is relative to the
/// folder feeds.toml is in, not to wherever Herald was started.
fn resolve_path(text: &str, base: &Path) -> PathBuf {
    let path = match text.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map_or_else(|| PathBuf::from(text), |b| b.home_dir().join(rest)),
        None => PathBuf::from(text),
    };
    if path.is_relative() {
        base.join(path)
    } else {
        path
    }
}

/// Where a feed with no `store` is kept: one native store per feed in the default stores
/// folder, which the reader opens when no store is named.
fn default_store(name: &str, base: &Path) -> PathBuf {
    let dir = crate::paths::default_stores_dir().unwrap_or_else(|| base.join("stores"));
    dir.join(format!("{}.json", slug(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_takes_one_number_and_one_unit() {
        let cases: &[(&str, Option<u64>)] = &[
            ("90s", Some(90)),
            ("30m", Some(1800)),
            ("1h", Some(3600)),
            ("2d", Some(172_800)),
            (" 45 m ", Some(2700)),
            ("0s", None),
            ("0h", None),
            ("1", None),
            ("h", None),
            ("", None),
            ("1.5h", None),
            ("-1h", None),
            ("1H", None),
            ("1 hour", None),
            ("1h30m", None),
            ("1w", None),
            ("99999999999999999999d", None),
            ("999999999999999999d", None),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse_every(text),
                seconds.map(Duration::from_secs),
                "{text:?}"
            );
        }
    }

    #[test]
    fn slugs_are_lowercase_ascii_and_never_empty() {
        let cases = [
            ("BBC World", "bbc-world"),
            ("  Hacker News: Front Page!  ", "hacker-news-front-page"),
            ("Zürich Ça Va — Æsir", "zurich-ca-va-aesir"),
            ("example.com/news/rss.xml", "example-com-news-rss-xml"),
            ("a--b__c", "a-b-c"),
            ("ŁÓDŹ", "lodz"),
        ];
        for (name, expected) in cases {
            assert_eq!(slug(name), expected, "{name:?}");
        }
        for name in ["", "!!!", "Новости", "新闻"] {
            let made = slug(name);
            assert!(
                made.starts_with("feed-") && made.len() == 13,
                "{name:?}: {made}"
            );
        }
        assert_ne!(slug("Новости"), slug("Известия"));
        // Something left out: the hash keeps "BBC Русская" and "BBC Українська" apart.
        let (ru, uk) = (slug("BBC Русская"), slug("BBC Українська"));
        assert!(
            ru.starts_with("bbc-") && uk.starts_with("bbc-") && ru != uk,
            "{ru} {uk}"
        );
        let long = slug(&"word ".repeat(40));
        assert!(long.len() <= SLUG_MAX + 9, "{long}");
        assert!(
            long.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        );
        assert!(!long.contains("--") && !long.starts_with('-'));
    }

    #[test]
    fn a_name_from_a_url_is_its_host_and_path() {
        let cases = [
            (
                "https://www.example.com/news/rss.xml",
                "example.com/news/rss.xml",
            ),
            ("https://example.com/", "example.com"),
            ("https://example.com", "example.com"),
            (
                "http://Blog.Example.org:80/feed/?x=1#top",
                "blog.example.org/feed",
            ),
            ("https://example.com:8443/atom", "example.com:8443/atom"),
            ("https://user:pw@example.com/a", "example.com/a"),
            ("https://example.com/caf%C3%A9/rss", "example.com/café/rss"),
            ("https://example.com/%FF/rss", "example.com/%FF/rss"),
        ];
        for (url, expected) in cases {
            assert_eq!(name_from_url(url), expected, "{url}");
        }
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_are_feeds() {
        for good in [
            "https://example.com/feed.xml",
            "http://127.0.0.1:8080/rss",
            "https://[::1]/atom",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
        let bad = [
            ("", "empty"),
            ("example.com/feed.xml", "not a URL"),
            ("ftp://example.com/feed.xml", "is a ftp: URL"),
            ("file:///etc/passwd", "is a file: URL"),
            ("https://exa mple.com/", "spaces"),
            ("https://example.com/\tfeed", "control"),
            ("https://", "not a URL"),
        ];
        for (url, says) in bad {
            let error = check_url(url).unwrap_err();
            assert!(error.contains(says), "{url:?}: {error}");
        }
    }
}
