//! Applying the reader's rules to a library as it is built: each article read for the first
//! time is judged once; one kept over from the previous library keeps its verdict (the flag is
//! in its row). Rules that need a body or tags read them from the store file in file order,
//! one pass per file, as search does.

use std::ops::Range;
use std::path::PathBuf;

use super::{Policy, Rule, any_matches};
use crate::engine::library::{ArticleIndex, Library};
use crate::engine::search::Blocks;
use crate::engine::store::parse::article_only;

/// Rows of a library read for the first time, and the store file they came from.
pub(crate) type Unjudged = Vec<(Range<usize>, Option<PathBuf>)>;

/// Flags breaking every article of `unjudged` that a rule matches.
pub(crate) fn apply(library: &mut Library, policy: &Policy, unjudged: &Unjudged) {
    if policy.rules.is_empty() {
        return;
    }
    let mut flagged: Vec<ArticleIndex> = Vec::new();
    // Articles whose detail is on disk, for rules that need it.
    let mut on_disk: Vec<(ArticleIndex, Vec<&Rule>)> = Vec::new();
    for (rows, file) in unjudged {
        let rules = policy.for_file(file.as_deref());
        if rules.is_empty() {
            continue;
        }
        let needs_detail = Policy::needs_detail(&rules);
        for index in rows.clone() {
            let headline = library.headlines.get(index);
            if headline.breaking {
                continue;
            }
            let detail = library.detail_in_memory(index);
            if detail.is_none() && needs_detail {
                // The title alone may already settle it.
                if any_matches(&rules, &headline, None) {
                    flagged.push(index);
                } else {
                    on_disk.push((index, rules.clone()));
                }
            } else if any_matches(&rules, &headline, detail) {
                flagged.push(index);
            }
        }
    }
    if !on_disk.is_empty() {
        flagged.extend(judge_on_disk(library, &on_disk));
    }
    for index in flagged {
        library.headlines.set_breaking(index);
    }
}

/// Reads each waiting article's detail from its file, in file order, and judges it. An
/// article that cannot be read is judged on its title alone (it already was).
fn judge_on_disk(library: &Library, waiting: &[(ArticleIndex, Vec<&Rule>)]) -> Vec<ArticleIndex> {
    let mut rules_of: Vec<Option<&Vec<&Rule>>> = vec![None; library.len()];
    for (index, rules) in waiting {
        rules_of[*index] = Some(rules);
    }
    let mut flagged = Vec::new();
    for mut file in library.disk_files() {
        file.spans.retain(|(index, ..)| rules_of[*index].is_some());
        if file.spans.is_empty() {
            continue;
        }
        let Ok(mut blocks) = Blocks::open(&file, &file.spans) else {
            continue;
        };
        for &(index, span, _) in &file.spans {
            let Some(rules) = rules_of[index] else {
                continue;
            };
            let Some(raw) = blocks.get(span) else {
                break;
            };
            let headline = library.headlines.get(index);
            let Some(article) = std::str::from_utf8(raw)
                .ok()
                .and_then(|json| article_only(json, file.format))
                .filter(|article| article.id == headline.id)
            else {
                continue;
            };
            if any_matches(rules, &headline, Some(&article.detail)) {
                flagged.push(index);
            }
        }
    }
    flagged
}
