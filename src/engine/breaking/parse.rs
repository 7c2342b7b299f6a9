//! Reading breaking-news rules from TOML: the config's `[breaking]` section and a feed's
//! `breaking` in feeds.toml. Both files walk their TOML themselves (with spans), so this reads
//! a parsed value and hands back problems as (byte offset, message) for the file's own reader
//! to place at `path:line:column`. A rule with anything wrong in it is dropped whole: a rule
//! that lost its pattern would match far more than its author meant.

use std::time::Duration;

use regex::{Regex, RegexBuilder};
use toml::Spanned;
use toml::de::DeValue;

use super::{Policy, Rule};
use crate::config::kind;
use crate::text::sanitize_line;

/// Problems found, each at a byte offset into the file.
pub type Problems = Vec<(usize, String)>;

type Value<'i> = Spanned<DeValue<'i>>;

/// The keys a rule may have.
const RULE_KEYS: &[&str] = &["words", "patterns", "sources", "tags", "in"];
/// The keys the config's `[breaking]` section may have.
const SECTION_KEYS: &[&str] = &["fresh_for", "rule"];
/// A compiled rule may take this much memory; a pattern past it is refused, not run slowly.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The config's `[breaking]` section: `fresh_for` and `[[breaking.rule]]` tables.
pub fn read_section(value: &Value<'_>, problems: &mut Problems) -> Policy {
    let mut policy = Policy::default();
    let DeValue::Table(table) = value.get_ref() else {
        problems.push((
            value.span().start,
            format!(
                "breaking must be a table ([breaking] with fresh_for and [[breaking.rule]]), not {} (ignored)",
                kind(value.get_ref())
            ),
        ));
        return policy;
    };
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        match key.get_ref().as_ref() {
            "fresh_for" => {
                if let Some(fresh_for) = fresh_for(value, problems) {
                    policy.fresh_for = fresh_for;
                }
            }
            "rule" => policy.rules.extend(read_rules(value, problems)),
            other => problems.push((
                key.span().start,
                format!(
                    "unknown [breaking] setting {:?} (ignored); [breaking] has {}",
                    sanitize_line(other),
                    SECTION_KEYS.join(", ")
                ),
            )),
        }
    }
    policy
}

/// `fresh_for = "12h"` (or `"forever"`): `Some(None)` for forever, `None` when it is wrong.
fn fresh_for(value: &Value<'_>, problems: &mut Problems) -> Option<Option<Duration>> {
    if let DeValue::String(s) = value.get_ref() {
        if s.trim() == "forever" {
            return Some(None);
        }
        if let Some(duration) = crate::produce::feeds::parse_every(s) {
            return Some(Some(duration));
        }
    }
    problems.push((
        value.span().start,
        "fresh_for must be a time like \"12h\", \"90m\" or \"2d\", or \"forever\" (ignored)"
            .to_owned(),
    ));
    None
}

/// Rules: one table or a list of them (a feed's reader ties them to its store after).
pub fn read_rules(value: &Value<'_>, problems: &mut Problems) -> Vec<Rule> {
    let tables: Vec<&Value<'_>> = match value.get_ref() {
        DeValue::Array(items) => items.iter().collect(),
        DeValue::Table(_) => vec![value],
        other => {
            problems.push((
                value.span().start,
                format!(
                    "a breaking rule must be a table (words = [...], patterns = [...], sources = [...], tags = [...]), not {} (ignored)",
                    kind(other)
                ),
            ));
            return Vec::new();
        }
    };
    tables
        .into_iter()
        .filter_map(|table| read_rule(table, problems))
        .collect()
}

fn read_rule(value: &Value<'_>, problems: &mut Problems) -> Option<Rule> {
    let start = value.span().start;
    let DeValue::Table(table) = value.get_ref() else {
        problems.push((
            start,
            format!(
                "a breaking rule must be a table, not {} (ignored)",
                kind(value.get_ref())
            ),
        ));
        return None;
    };
    let before = problems.len();
    let mut rule = Rule::default();
    let mut words = Vec::new();
    let mut patterns = Vec::new();
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let field = key.get_ref().as_ref();
        match field {
            "words" => words = strings(field, value, problems),
            "patterns" => {
                for (at, pattern) in strings_at(field, value, problems) {
                    match compile(&pattern) {
                        Ok(_) => patterns.push(pattern),
                        Err(why) => problems.push((
                            at,
                            format!(
                                "pattern {:?} is not a regular expression: {why}; that breaking rule is ignored",
                                sanitize_line(&pattern)
                            ),
                        )),
                    }
                }
            }
            "sources" => rule.sources = strings(field, value, problems),
            "tags" => rule.tags = strings(field, value, problems),
            "in" => match value.get_ref() {
                DeValue::String(s) if s.as_ref() == "title" => rule.title_only = true,
                DeValue::String(s) if s.as_ref() == "title_or_body" => rule.title_only = false,
                _ => problems.push((
                    value.span().start,
                    "in must be \"title\" or \"title_or_body\"; that breaking rule is ignored"
                        .to_owned(),
                )),
            },
            other => {
                let hint = crate::config::suggestion(other, RULE_KEYS).map_or_else(
                    || format!("a rule has {}", RULE_KEYS.join(", ")),
                    |s| format!("did you mean {s:?}?"),
                );
                problems.push((
                    key.span().start,
                    format!(
                        "unknown key {:?} in a breaking rule; {hint}; that rule is ignored",
                        sanitize_line(other)
                    ),
                ));
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    rule.text = match text_expression(&words, &patterns) {
        Some(Ok(regex)) => Some(regex),
        Some(Err(why)) => {
            problems.push((
                start,
                format!(
                    "this breaking rule's words and patterns do not compile: {why}; it is ignored"
                ),
            ));
            return None;
        }
        None => None,
    };
    if !rule.names_anything() {
        problems.push((
            start,
            "this breaking rule names nothing to match (give words, patterns, sources or tags); it is ignored"
                .to_owned(),
        ));
        return None;
    }
    Some(rule)
}

fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|error| {
            // The crate's message spans lines with a caret diagram; its last line says why.
            let message = error.to_string();
            let why = message.lines().last().unwrap_or("").trim().to_owned();
            sanitize_line(why.strip_prefix("error: ").unwrap_or(&why)).into_owned()
        })
}

/// One expression for a rule's words (whole words, any case, any run of spaces between the
/// words of a phrase) and patterns (as written).
fn text_expression(words: &[String], patterns: &[String]) -> Option<Result<Regex, String>> {
    let mut alternatives: Vec<String> = words
        .iter()
        .filter(|w| !w.trim().is_empty())
        .map(|word| format!("(?i:{})", whole_word(word)))
        .collect();
    alternatives.extend(patterns.iter().map(|p| format!("(?:{p})")));
    (!alternatives.is_empty()).then(|| compile(&alternatives.join("|")))
}

fn whole_word(word: &str) -> String {
    let word = word.trim();
    let escaped: Vec<String> = word.split_whitespace().map(regex::escape).collect();
    let mut expression = escaped.join(r"\s+");
    // `\b` only beside a letter or digit: "C++" ends in no word boundary.
    if word.chars().next().is_some_and(char::is_alphanumeric) {
        expression.insert_str(0, r"\b");
    }
    if word.chars().last().is_some_and(char::is_alphanumeric) {
        expression.push_str(r"\b");
    }
    expression
}

fn strings(field: &str, value: &Value<'_>, problems: &mut Problems) -> Vec<String> {
    strings_at(field, value, problems)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// A list of strings (or one string), each with where it is.
fn strings_at(field: &str, value: &Value<'_>, problems: &mut Problems) -> Vec<(usize, String)> {
    let items: Vec<&Value<'_>> = match value.get_ref() {
        DeValue::Array(items) => items.iter().collect(),
        DeValue::String(_) => vec![value],
        other => {
            problems.push((
                value.span().start,
                format!(
                    "{field} must be a list of strings, not {}; that breaking rule is ignored",
                    kind(other)
                ),
            ));
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.get_ref() {
            DeValue::String(s) => out.push((item.span().start, s.to_string())),
            other => problems.push((
                item.span().start,
                format!(
                    "{field} must hold strings, not {}; that breaking rule is ignored",
                    kind(other)
                ),
            )),
        }
    }
    out
}

/// Parses a whole TOML text's `[breaking]` section, for tests of the rules themselves.
#[cfg(test)]
pub(super) fn parse_for_tests(text: &str, problems: &mut Problems) -> Policy {
    let table = toml::de::DeTable::parse(text).expect("test TOML parses");
    table
        .get_ref()
        .get("breaking")
        .map(|value| read_section(value, problems))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(text: &str) -> (Policy, Vec<String>) {
        let mut problems = Vec::new();
        let policy = parse_for_tests(text, &mut problems);
        let placed = problems
            .into_iter()
            .map(|(at, message)| {
                let line = text[..at].matches('\n').count() + 1;
                format!("{line}: {message}")
            })
            .collect();
        (policy, placed)
    }

    #[test]
    fn fresh_for_reads_times_and_forever() {
        let (policy, problems) = problems_of("[breaking]\nfresh_for = \"2h\"\n");
        assert!(problems.is_empty());
        assert_eq!(policy.fresh_for, Some(Duration::from_secs(7200)));
        let (policy, _) = problems_of("[breaking]\nfresh_for = \"forever\"\n");
        assert_eq!(policy.fresh_for, None);
        let (policy, problems) = problems_of("[breaking]\nfresh_for = 3\n");
        assert_eq!(policy.fresh_for, Some(super::super::DEFAULT_FRESH_FOR));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("2: fresh_for must be"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_bad_pattern_is_reported_at_its_line_and_costs_only_its_rule() {
        let text = "[breaking]\n\n[[breaking.rule]]\nwords = [\"flood\"]\n\n\
                    [[breaking.rule]]\nwords = [\"fire\"]\npatterns = [\n  \"ok\",\n  \"(unclosed\",\n]\n";
        let (policy, problems) = problems_of(text);
        assert_eq!(policy.rules.len(), 1, "{problems:?}");
        let survivor = policy.rules[0].text.as_ref().map(regex::Regex::as_str);
        assert_eq!(
            survivor,
            Some(r"(?i:\bflood\b)"),
            "the first rule is the one kept"
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("10: pattern \"(unclosed\" is not a regular expression"),
            "{problems:?}"
        );
        assert!(
            problems[0].ends_with("that breaking rule is ignored"),
            "{problems:?}"
        );
    }

    #[test]
    fn unknown_keys_and_empty_rules_are_refused_with_a_hint() {
        let (policy, problems) =
            problems_of("[[breaking.rule]]\nword = [\"x\"]\n[[breaking.rule]]\nin = \"title\"\n");
        assert!(policy.rules.is_empty());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("did you mean \"words\"?"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("3: this breaking rule names nothing"),
            "{problems:?}"
        );
    }

    #[test]
    fn words_are_literal_text_not_expressions() {
        let (policy, problems) = problems_of("[[breaking.rule]]\nwords = [\"C++\", \"a.b\"]\n");
        assert!(problems.is_empty(), "{problems:?}");
        let text = policy.rules[0].text.as_ref().expect("compiled");
        assert!(text.is_match("new c++ standard"));
        assert!(!text.is_match("axb"));
        assert!(text.is_match("A.B"));
    }

    #[test]
    fn a_hostile_pattern_in_a_message_is_neutralised() {
        let (_, problems) = problems_of("[[breaking.rule]]\npatterns = [\"\\u001b[31m(\"]\n");
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].contains('\u{1b}'), "{problems:?}");
    }
}
