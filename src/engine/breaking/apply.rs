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
    // The rules of each file, and the articles whose detail they need from disk.
    let mut rule_sets: Vec<Vec<&Rule>> = Vec::new();
    let mut on_disk: Vec<(ArticleIndex, usize)> = Vec::new();
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
            if any_matches(&rules, &headline, detail) {
                flagged.push(index);
            } else if detail.is_none() && needs_detail {
                on_disk.push((index, rule_sets.len()));
            }
        }
        rule_sets.push(rules);
    }
    if !on_disk.is_empty() {
        flagged.extend(judge_on_disk(library, &rule_sets, &on_disk));
    }
    for index in flagged {
        library.headlines.set_breaking(index);
    }
}

/// Reads each waiting article's detail from its file, in file order, and judges it by its
/// file's rules (`on_disk`: article, index into `rule_sets`, in library order). An article
/// that cannot be read keeps the verdict its title gave.
fn judge_on_disk(
    library: &Library,
    rule_sets: &[Vec<&Rule>],
    on_disk: &[(ArticleIndex, usize)],
) -> Vec<ArticleIndex> {
    let rules_of = |index: ArticleIndex| {
        on_disk
            .binary_search_by_key(&index, |&(waiting, _)| waiting)
            .ok()
            .map(|at| &rule_sets[on_disk[at].1])
    };
    let mut flagged = Vec::new();
    for mut file in library.disk_files() {
        file.spans.retain(|&(index, ..)| rules_of(index).is_some());
        let Some(mut blocks) = (!file.spans.is_empty())
            .then(|| Blocks::open(&file, &file.spans).ok())
            .flatten()
        else {
            continue;
        };
        for &(index, span, _) in &file.spans {
            let (Some(rules), Some(raw)) = (rules_of(index), blocks.get(span)) else {
                break;
            };
            let headline = library.headlines.get(index);
            let article = std::str::from_utf8(raw)
                .ok()
                .and_then(|json| article_only(json, file.format))
                .filter(|article| article.id == headline.id);
            if article.is_some_and(|article| any_matches(rules, &headline, Some(&article.detail))) {
                flagged.push(index);
            }
        }
    }
    flagged
}
