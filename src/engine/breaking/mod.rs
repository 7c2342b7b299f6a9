//! What makes an article breaking news, and for how long.
//!
//! A store may flag an article breaking; the reader may add rules of their own (in the config's
//! `[breaking]` section, or one feed's `breaking` in feeds.toml): words or patterns in the title
//! or body, sources, tags. Either way an article is breaking only while it is fresh: published
//! within `fresh_for` (12 hours unless the config says otherwise). Older ones read as ordinary
//! articles with a quieter "was breaking" mark.
//!
//! Rules are compiled once, when the config is read, and applied by the loader to each article
//! it reads for the first time (an article kept over from the previous load keeps its verdict),
//! so the list never runs a regex.

pub(crate) mod apply;
mod parse;

use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;

pub use parse::{Problems, read_rules, read_section};

use super::store::model::{ArticleDetail, Headline};

/// How long a breaking article stays breaking unless the config says otherwise.
pub const DEFAULT_FRESH_FOR: Duration = Duration::from_secs(12 * 60 * 60);

/// The reader's idea of breaking news: their rules and how long a story stays fresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub rules: Vec<Rule>,
    /// `None`: breaking articles never go stale (`fresh_for = "forever"`).
    pub fresh_for: Option<Duration>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            fresh_for: Some(DEFAULT_FRESH_FOR),
        }
    }
}

impl Policy {
    /// A policy that takes the stores' own flags as they are, forever: what a library built
    /// without a config (tests, tools) has always shown.
    pub fn stores_only() -> Self {
        Self {
            rules: Vec::new(),
            fresh_for: None,
        }
    }

    /// The rules that apply to articles read from `file`: every general rule, and those of
    /// the feed whose store it is (the same path, or the same file by another path).
    pub fn for_file(&self, file: Option<&Path>) -> Vec<&Rule> {
        let mut resolved: Option<Option<PathBuf>> = None;
        self.rules
            .iter()
            .filter(|rule| match (&rule.store, file) {
                (None, _) => true,
                (Some(store), Some(file)) if store == file => true,
                (Some(store), Some(file)) => {
                    // Resolved once per file, and only when a feed's rule asks.
                    let file = resolved.get_or_insert_with(|| std::fs::canonicalize(file).ok());
                    file.as_ref()
                        .is_some_and(|file| std::fs::canonicalize(store).is_ok_and(|s| &s == file))
                }
                (Some(_), None) => false,
            })
            .collect()
    }

    /// Whether any rule looks at an article's body or tags (which an index leaves on disk).
    pub fn needs_detail(rules: &[&Rule]) -> bool {
        rules.iter().any(|rule| rule.needs_detail())
    }
}

/// One rule: an article matches when each thing the rule names matches. Its text (title, or
/// body) has one of the words or patterns; its source is one of the sources; it carries one
/// of the tags. A rule naming nothing matches nothing.
#[derive(Clone, Debug, Default)]
pub struct Rule {
    /// The words (whole words, any case) and patterns, as one expression.
    pub text: Option<Regex>,
    /// Whether the text is looked for in the title only (`in = "title"`).
    pub title_only: bool,
    /// Sources, compared without regard to case.
    pub sources: Vec<String>,
    /// Tags, compared without regard to case.
    pub tags: Vec<String>,
    /// The store of the feed this rule belongs to (from feeds.toml), if it is a feed's.
    pub store: Option<PathBuf>,
}

/// Two rules are the same when they say the same (a compiled expression has no equality of
/// its own, but its source text does).
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.text.as_ref().map(Regex::as_str) == other.text.as_ref().map(Regex::as_str)
            && self.title_only == other.title_only
            && self.sources == other.sources
            && self.tags == other.tags
            && self.store == other.store
    }
}

impl Eq for Rule {}

impl Rule {
    fn names_anything(&self) -> bool {
        self.text.is_some() || !self.sources.is_empty() || !self.tags.is_empty()
    }

    fn needs_detail(&self) -> bool {
        !self.tags.is_empty() || (self.text.is_some() && !self.title_only)
    }

    /// Whether the article matches. `detail` may be `None` only when the rule does not need it
    /// ([`Policy::needs_detail`]); a rule that needs it then does not match.
    pub fn matches(&self, headline: &Headline<'_>, detail: Option<&ArticleDetail>) -> bool {
        if !self.names_anything() {
            return false;
        }
        if !self.sources.is_empty() {
            let source = headline.source.unwrap_or("");
            if !self.sources.iter().any(|s| s.eq_ignore_ascii_case(source)) {
                return false;
            }
        }
        if !self.tags.is_empty() {
            let tagged = detail.is_some_and(|d| {
                d.tags
                    .iter()
                    .any(|tag| self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            });
            if !tagged {
                return false;
            }
        }
        match &self.text {
            None => true,
            Some(text) => {
                text.is_match(headline.title)
                    || (!self.title_only && detail.is_some_and(|d| text.is_match(&d.body)))
            }
        }
    }
}

/// Whether any of `rules` makes the article breaking.
pub fn any_matches(
    rules: &[&Rule],
    headline: &Headline<'_>,
    detail: Option<&ArticleDetail>,
) -> bool {
    rules.iter().any(|rule| rule.matches(headline, detail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::model::StoreId;

    fn headline<'a>(title: &'a str, source: Option<&'a str>) -> Headline<'a> {
        Headline {
            store: StoreId(0),
            id: "a",
            title,
            published: None,
            breaking: false,
            source,
        }
    }

    fn rules(text: &str) -> Vec<Rule> {
        let mut problems = Vec::new();
        let policy = parse::parse_for_tests(text, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        policy.rules
    }

    #[test]
    fn words_match_whole_words_in_any_case_in_title_or_body() {
        let rules = rules("[[breaking.rule]]\nwords = [\"earthquake\", \"tsunami warning\"]\n");
        let rule = &rules[0];
        assert!(rule.matches(&headline("Strong EARTHQUAKE hits coast", None), None));
        assert!(!rule.matches(&headline("Earthquakes explained", None), None));
        let body = ArticleDetail {
            body: "A tsunami\nwarning was issued.".to_owned(),
            ..ArticleDetail::default()
        };
        assert!(rule.matches(&headline("Coast news", None), Some(&body)));
        assert!(!rule.matches(&headline("Coast news", None), None));
    }

    #[test]
    fn every_named_thing_must_match() {
        let rules = rules(
            "[[breaking.rule]]\nwords = [\"election\"]\nsources = [\"Wire\"]\n\
             [[breaking.rule]]\ntags = [\"urgent\"]\n",
        );
        let refs: Vec<&Rule> = rules.iter().collect();
        assert!(any_matches(
            &refs,
            &headline("Election called", Some("wire")),
            None
        ));
        assert!(!any_matches(
            &refs,
            &headline("Election called", Some("Desk")),
            None
        ));
        let tagged = ArticleDetail {
            tags: vec!["Urgent".to_owned()],
            ..ArticleDetail::default()
        };
        assert!(any_matches(
            &refs,
            &headline("Anything", None),
            Some(&tagged)
        ));
        assert!(Policy::needs_detail(&refs));
    }

    #[test]
    fn title_only_rules_never_need_the_body() {
        let rules = rules("[[breaking.rule]]\npatterns = ['^LIVE:']\nin = \"title\"\n");
        let refs: Vec<&Rule> = rules.iter().collect();
        assert!(!Policy::needs_detail(&refs));
        assert!(any_matches(&refs, &headline("LIVE: results", None), None));
        assert!(!any_matches(
            &refs,
            &headline("Not LIVE: results", None),
            None
        ));
    }

    #[test]
    fn feed_rules_apply_only_to_their_feeds_store() {
        let policy = Policy {
            rules: vec![
                Rule {
                    store: Some(PathBuf::from("/stores/wire.json")),
                    ..Rule::default()
                },
                Rule::default(),
            ],
            fresh_for: None,
        };
        assert_eq!(
            policy.for_file(Some(Path::new("/stores/wire.json"))).len(),
            2
        );
        assert_eq!(
            policy.for_file(Some(Path::new("/stores/desk.json"))).len(),
            1
        );
        assert_eq!(policy.for_file(None).len(), 1);
    }
}
