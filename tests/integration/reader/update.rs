//! `update` and the keymap together, with no terminal: what each key does to the state and
//! which effects it asks for.

use herald::app::{Action, App, Effect, Exit, Focus, Mode, Options};
use herald::engine::runtime::{Done, Job};
use herald::engine::state::Marks;
use herald::text::line_editor::Edit;

use crate::reader::support::{act, app, options, sample_library, seed};

fn press(app: &mut App, keys: &[Action]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for action in keys {
        effects = act(app, action.clone());
    }
    effects
}

fn search(app: &mut App, query: &str) -> Vec<Effect> {
    act(app, Action::Search);
    for c in query.chars() {
        act(app, Action::SearchEdit(Edit::Insert(c)));
    }
    act(app, Action::SearchSubmit)
}

#[test]
fn moving_selects_and_redraws_but_a_no_op_draws_nothing() {
    let mut app = app(80, 24);
    assert_eq!(app.selected(), Some(0));
    assert_eq!(
        act(&mut app, Action::Up),
        vec![],
        "k at the top changes nothing"
    );
    assert_eq!(act(&mut app, Action::Down), vec![Effect::Redraw]);
    assert_eq!(app.selected(), Some(1));
    press(&mut app, &[Action::Bottom]);
    assert_eq!(app.selected(), Some(app.visible().len() - 1));
    assert_eq!(act(&mut app, Action::Down), vec![]);
    press(&mut app, &[Action::Top]);
    assert_eq!(app.selected(), Some(0));
}

#[test]
fn paging_moves_by_a_list_page_and_keeps_the_selection_on_screen() {
    let mut app = app(80, 24);
    let height = usize::from(app.panes().expect("fits").list.height);
    act(&mut app, Action::PageDown);
    assert_eq!(app.selected(), Some(height - 1));
    act(&mut app, Action::PageDown);
    let selected = app.selected().expect("selection");
    assert!(selected >= app.list_offset() && selected < app.list_offset() + height);
    act(&mut app, Action::PageUp);
    act(&mut app, Action::PageUp);
    assert_eq!(app.selected(), Some(0));
    assert_eq!(app.list_offset(), 0);
}

#[test]
fn enter_opens_marks_read_saves_and_focuses_the_article() {
    let mut app = app(80, 24);
    let first = app.selected_article().expect("articles");
    assert!(!app.is_read(first));
    let effects = act(&mut app, Action::Open);
    assert!(effects.contains(&Effect::SaveSoon) && effects.contains(&Effect::Redraw));
    assert!(app.is_read(first));
    assert_eq!(app.focus(), Focus::Article);
    assert_eq!(app.article().expect("open").index, first);
}

#[test]
fn moving_the_selection_does_not_change_the_open_article() {
    let mut app = app(120, 40);
    act(&mut app, Action::Open);
    let open = app.article().expect("open").clone();
    press(&mut app, &[Action::ToggleFocus, Action::Down, Action::Down]);
    assert_eq!(app.focus(), Focus::List);
    assert_eq!(app.article(), Some(&open));
}

#[test]
fn in_the_article_keys_scroll_the_text() {
    let mut app = app(80, 24);
    search(&mut app, "Ivanov");
    act(&mut app, Action::Open);
    act(&mut app, Action::Down);
    assert_eq!(app.article().expect("open").scroll, 1);
    act(&mut app, Action::Bottom);
    let height = usize::from(app.panes().expect("fits").article.height);
    let article = app.article().expect("open");
    assert_eq!(article.scroll, article.line_count() - height);
    assert_eq!(message(&app).as_deref(), Some("End of article."));
    assert_eq!(
        act(&mut app, Action::Down),
        vec![],
        "already at the end, and said so"
    );
    act(&mut app, Action::Top);
    assert_eq!(app.article().expect("open").scroll, 0);
    act(&mut app, Action::PageDown);
    assert_eq!(app.article().expect("open").scroll, height - 1);
}

#[test]
fn q_goes_back_then_quits_and_esc_never_quits() {
    let mut app = app(80, 24);
    act(&mut app, Action::Open);
    assert!(!act(&mut app, Action::BackOrQuit).contains(&Effect::Exit(Exit::Quit)));
    assert_eq!(app.focus(), Focus::List);
    for _ in 0..3 {
        let effects = act(&mut app, Action::Back);
        assert!(!effects.iter().any(|e| matches!(e, Effect::Exit(_))));
    }
    // The read mark was saved when the keys paused (`act` pauses after each): nothing is
    // left to save, so q only quits.
    let effects = act(&mut app, Action::BackOrQuit);
    assert_eq!(effects, vec![Effect::Exit(Exit::Quit)]);
}

#[test]
fn search_finds_titles_and_bodies_and_n_wraps() {
    let mut app = app(80, 24);
    search(&mut app, "Ivanov");
    let seed = seed(&app);
    assert_eq!(app.selected_article(), Some(seed));
    assert_eq!(app.mode(), &Mode::Browse);
    // "Pyongyang" is only in the seed article's body (and maybe others): n cycles through.
    act(&mut app, Action::SearchNext);
    assert_eq!(
        app.selected_article(),
        Some(seed),
        "only one match: n wraps to it"
    );
    assert_eq!(
        message(&app),
        Some("Only match: Russian Foreign Minister Arrives in North Korea".to_owned())
    );
    search(&mut app, "zzzz-not-in-any-article");
    assert!(app.message().is_some_and(|m| m.text.contains("No match")));
    assert_eq!(
        app.selected_article(),
        Some(seed),
        "a failed search stays put"
    );
}

#[test]
fn the_prompt_edits_and_escape_cancels_it() {
    let mut app = app(80, 24);
    act(&mut app, Action::Search);
    act(&mut app, Action::SearchEdit(Edit::Insert('a')));
    act(&mut app, Action::SearchEdit(Edit::Backspace));
    assert!(
        matches!(app.mode(), Mode::Search { prompt } if prompt.is_empty()),
        "{:?}",
        app.mode()
    );
    act(&mut app, Action::Back);
    assert_eq!(app.mode(), &Mode::Browse);
    assert_eq!(app.selected(), Some(0));
}

#[test]
fn breaking_filter_and_jump() {
    let mut app = app(80, 24);
    let is_breaking = |app: &App, i: usize| app.library().headline(i).breaking;
    act(&mut app, Action::NextBreaking);
    let first = app.selected_article().expect("a breaking article");
    assert!(is_breaking(&app, first));
    act(&mut app, Action::NextBreaking);
    assert_ne!(app.selected_article(), Some(first));
    act(&mut app, Action::FilterBreaking);
    assert!(app.filter().breaking_only);
    assert!(!app.visible().is_empty());
    assert!(app.visible().iter().all(|&i| is_breaking(&app, i)));
    act(&mut app, Action::FilterBreaking);
    assert_eq!(app.visible().len(), app.library().len());
}

#[test]
fn unread_view_keeps_an_article_just_read_until_the_filter_changes() {
    let mut app = app(80, 24);
    act(&mut app, Action::FilterUnread);
    let total = app.visible().len();
    act(&mut app, Action::Open);
    assert_eq!(
        app.visible().len(),
        total,
        "no row vanishes under the cursor"
    );
    press(&mut app, &[Action::FilterUnread, Action::FilterUnread]);
    assert_eq!(app.visible().len(), total - 1);
}

#[test]
fn marks_toggle_and_the_starred_filter_shows_them() {
    let mut app = app(80, 24);
    let first = app.selected_article().expect("articles");
    assert_eq!(
        act(&mut app, Action::ToggleStar),
        vec![Effect::SaveSoon, Effect::Redraw]
    );
    assert!(app.is_starred(first));
    act(&mut app, Action::ToggleRead);
    assert!(app.is_read(first));
    act(&mut app, Action::ToggleRead);
    assert!(!app.is_read(first));
    act(&mut app, Action::FilterStarred);
    assert_eq!(app.visible(), &[first]);
    act(&mut app, Action::FilterStarred);
    act(&mut app, Action::ToggleStar);
    assert!(!app.is_starred(first));
}

#[test]
fn stores_cycle_through_each_and_back_to_all() {
    let mut app = app(80, 24);
    let stores = app.library().stores().len();
    assert!(stores > 1);
    for expected in 0..stores {
        act(&mut app, Action::NextStore);
        let store = app.filter().store.expect("one store");
        assert_eq!(store.index(), expected);
        assert!(
            app.visible()
                .iter()
                .all(|&i| app.library().headline(i).store == store)
        );
    }
    act(&mut app, Action::NextStore);
    assert_eq!(app.filter().store, None);
    act(&mut app, Action::PreviousStore);
    assert_eq!(app.filter().store.map(|s| s.index()), Some(stores - 1));
}

#[test]
fn help_opens_and_closes_with_q_esc_and_question_mark() {
    let mut app = app(80, 24);
    for close in [Action::BackOrQuit, Action::Back, Action::Help] {
        act(&mut app, Action::Help);
        assert!(matches!(app.mode(), Mode::Help { .. }));
        let effects = act(&mut app, close);
        assert!(!effects.iter().any(|e| matches!(e, Effect::Exit(_))));
        assert_eq!(app.mode(), &Mode::Browse);
    }
}

#[test]
fn resize_rewraps_the_article_and_keeps_the_selection_visible() {
    let mut app = app(120, 40);
    act(&mut app, Action::Bottom);
    act(&mut app, Action::Open);
    let wide = app.article().expect("open").line_count();
    act(&mut app, Action::Resize(40, 12));
    let narrow = app.article().expect("open");
    assert!(narrow.line_count() > wide, "narrower pane, more lines");
    let panes = app.panes().expect("40x12 fits");
    assert!(
        narrow
            .lines
            .as_ref()
            .expect("laid out")
            .iter()
            .all(|l| herald::text::display_width(l.text) <= panes.article_text_width())
    );
    let selected = app.selected().expect("selection");
    let height = usize::from(panes.list.height);
    assert!(selected >= app.list_offset() && selected < app.list_offset() + height);
    // Too small: nothing breaks, and growing again works.
    act(&mut app, Action::Resize(10, 3));
    assert_eq!(app.panes(), None);
    act(&mut app, Action::Resize(300, 100));
    assert!(app.panes().is_some());
}

#[test]
fn run_loop_events_map_to_exits_and_terminal_work() {
    let mut app = app(80, 24);
    // Quitting saves what changed (here the selection, remembered for next time), then exits.
    let effects = act(&mut app, Action::Terminate(15));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Job(Job::Save(_)), Effect::Exit(Exit::Signal(15))]
        ),
        "{effects:?}"
    );
    assert_eq!(
        act(&mut app, Action::Hangup),
        vec![Effect::Exit(Exit::Hangup)],
        "nothing left to save"
    );
    // A star not saved yet (the keys have not paused)...
    herald::app::update(&mut app, Action::ToggleStar, crate::reader::support::T0);
    let effects = act(&mut app, Action::Suspend);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Job(Job::Save(_)),
                Effect::Suspend,
                Effect::FullRedraw,
                ..
            ]
        ),
        "a stopped process may never resume: it saves first: {effects:?}"
    );
    assert_eq!(act(&mut app, Action::Redraw), vec![Effect::FullRedraw]);
}

#[test]
fn high_contrast_toggles_at_run_time() {
    let mut app = app(80, 24);
    assert_eq!(app.theme(), herald::app::ThemeName::Default);
    assert_eq!(
        act(&mut app, Action::ToggleHighContrast),
        vec![Effect::Redraw]
    );
    assert_eq!(app.theme(), herald::app::ThemeName::HighContrast);
    act(&mut app, Action::ToggleHighContrast);
    assert_eq!(app.theme(), herald::app::ThemeName::Default);
}

#[test]
fn help_scrolls_to_show_every_line_and_no_further() {
    let mut app = app(80, 24);
    act(&mut app, Action::Help);
    act(&mut app, Action::Bottom);
    let Mode::Help { scroll } = app.mode().clone() else {
        panic!("help is open");
    };
    let lines = herald::app::help::help_lines(app.keymap(), 80).len();
    assert_eq!(scroll, lines - 23);
    assert_eq!(act(&mut app, Action::Down), vec![]);
}

#[test]
fn help_lists_every_bound_key_and_action_at_any_width() {
    let app = app(80, 24);
    for width in [40, 80, 200] {
        let text: Vec<String> = herald::app::help::help_lines(app.keymap(), width)
            .into_iter()
            .map(|l| l.text)
            .collect();
        let text = text.join("\n");
        for binding in app.keymap().bindings() {
            for key in &binding.keys {
                assert!(text.contains(&key.label()), "{width}: {}", key.label());
            }
            let first_word = binding
                .action
                .description()
                .split(' ')
                .next()
                .expect("word");
            assert!(text.contains(first_word));
        }
    }
}

/// docs/accessibility.md's "### Keys" lists the help screen's rows exactly (the default keys,
/// as a wide help screen shows them), so the documentation cannot drift from the keymap.
#[test]
fn the_accessibility_docs_list_exactly_the_generated_help() {
    let docs = std::fs::read_to_string(crate::common::root().join("docs/accessibility.md"))
        .expect("docs/accessibility.md");
    let section = docs
        .split_once("\n### Keys\n")
        .expect("a ### Keys section")
        .1;
    let block = section
        .split_once("```\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .expect("a code block in ### Keys")
        .0;
    let app = app(80, 24);
    let help = herald::app::help::help_lines(app.keymap(), 200);
    // The rows, then the prompt's keys under their heading: not the title, nor the blank
    // line and legend after them.
    let mut rows: Vec<String> = help
        .iter()
        .skip_while(|l| l.heading)
        .map(|l| l.text.trim_end().to_owned())
        .take_while(|l| !l.starts_with("In the list:"))
        .collect();
    assert_eq!(
        rows.pop().as_deref(),
        Some(""),
        "a blank line before the legend"
    );
    assert!(
        rows.iter().any(|l| l == herald::app::help::PROMPT_HEADING),
        "{rows:?}"
    );
    let rows = rows.join("\n");
    assert_eq!(block, rows, "docs/accessibility.md should list:\n{rows}");
}

fn message(app: &App) -> Option<String> {
    app.message().map(|m| m.text.clone())
}

/// `m`, `s` and `c` change a word or only styles: each says what it did on the message line,
/// and the next key clears it. Where the headline's row is on screen its change is spoken with
/// its title, so the message does not say the title again (it was heard twice); where it is not
/// (one pane at a time, the article open) the message names it.
#[test]
fn marks_and_high_contrast_say_what_they_did() {
    let mut app = app(80, 24);
    act(&mut app, Action::ToggleRead);
    assert_eq!(message(&app).as_deref(), Some("Marked read."));
    act(&mut app, Action::ToggleRead);
    assert_eq!(message(&app).as_deref(), Some("Marked unread."));
    act(&mut app, Action::ToggleStar);
    assert_eq!(message(&app).as_deref(), Some("Starred."));
    act(&mut app, Action::ToggleStar);
    assert_eq!(message(&app).as_deref(), Some("Unstarred."));
    let mut single = App::new(
        sample_library(),
        Marks::default(),
        Options {
            layout: herald::app::options::PaneLayout::Single,
            ..options()
        },
        (80, 24),
        Vec::new(),
    );
    let index = single.selected_article().expect("a headline");
    let title = single.library().headline(index).title.to_owned();
    act(&mut single, Action::Open);
    act(&mut single, Action::ToggleStar);
    assert_eq!(message(&single), Some(format!("Starred: {title}")));
    act(&mut single, Action::ToggleRead);
    assert_eq!(message(&single), Some(format!("Marked unread: {title}")));
    assert_eq!(
        act(&mut app, Action::ToggleHighContrast),
        vec![Effect::Redraw]
    );
    assert_eq!(message(&app).as_deref(), Some("High contrast on"));
    act(&mut app, Action::ToggleHighContrast);
    assert_eq!(message(&app).as_deref(), Some("High contrast off"));
    // A move keeps it in view without the cursor; any other key clears it.
    act(&mut app, Action::Down);
    assert_eq!(message(&app).as_deref(), Some("High contrast off"));
    assert!(!app.message_is_new());
    act(&mut app, Action::ToggleStar);
    assert!(app.message_is_new());
    act(&mut app, Action::Help);
    assert_eq!(message(&app), None, "the next key clears it");
}

/// Requirement F5: a key shows the last message again (with the cursor on it, as for any
/// message), however many keys ago it was shown.
#[test]
fn the_last_message_can_be_shown_again() {
    let mut app = app(80, 24);
    act(&mut app, Action::RepeatMessage);
    assert_eq!(message(&app).as_deref(), Some("No message yet."));
    act(&mut app, Action::ToggleHighContrast);
    press(
        &mut app,
        &[
            Action::Down,
            Action::Down,
            Action::Up,
            Action::Help,
            Action::Help,
        ],
    );
    assert_ne!(message(&app).as_deref(), Some("High contrast on"));
    assert_eq!(act(&mut app, Action::RepeatMessage), vec![Effect::Redraw]);
    assert_eq!(message(&app).as_deref(), Some("High contrast on"));
    assert!(app.message_is_new(), "shown again, it takes the cursor");
    act(&mut app, Action::Help);
    assert_eq!(message(&app), None);
    act(&mut app, Action::Help);
    // Errors are repeated as errors.
    act(&mut app, Action::Done(Done::Saved(Err("disk full".into()))));
    act(&mut app, Action::Down);
    act(&mut app, Action::RepeatMessage);
    let repeated = app.message().expect("a message");
    assert_eq!(repeated.kind, herald::app::MessageKind::Error);
    assert!(repeated.text.contains("disk full"), "{}", repeated.text);
    // It is in the generated help.
    let help = herald::app::help::help_lines(app.keymap(), 120);
    assert!(
        help.iter()
            .any(|l| l.text.starts_with("M ") && l.text.contains("last message")),
        "{help:?}"
    );
}

/// A search runs in the runtime; Esc stops it, and an answer that comes anyway (it was
/// already on its way) changes nothing. A second search replaces the first: only its answer
/// counts.
#[test]
fn esc_stops_a_running_search_and_late_answers_are_ignored() {
    let mut app = app(80, 24);
    let update =
        |app: &mut App, action| herald::app::update(app, action, crate::reader::support::T0);
    update(&mut app, Action::Search);
    for c in "Ivanov".chars() {
        update(&mut app, Action::SearchEdit(Edit::Insert(c)));
    }
    let effects = update(&mut app, Action::SearchSubmit);
    let Some(Effect::Job(job)) = effects
        .iter()
        .find(|e| matches!(e, Effect::Job(_)))
        .cloned()
    else {
        panic!("a search is asked for: {effects:?}");
    };
    assert!(matches!(job, Job::Search { .. }), "{job:?}");
    assert!(app.is_searching());
    assert!(
        app.message().is_some_and(|m| m.text.contains("Searching")),
        "the search says it is running"
    );
    let effects = update(&mut app, Action::Back);
    assert!(
        effects.contains(&Effect::Job(Job::CancelSearch)),
        "{effects:?}"
    );
    assert!(!app.is_searching());
    // The answer to the stopped search arrives: the selection stays where it was.
    let answer = crate::reader::support::inline(crate::reader::support::sample_stores())
        .run(job)
        .expect("an answer");
    update(&mut app, Action::Done(answer));
    assert_eq!(app.selected(), Some(0));

    // Two searches: the first one's answer is stale once the second is asked.
    act(&mut app, Action::Search);
    let first = {
        for c in "Ivanov".chars() {
            update(&mut app, Action::SearchEdit(Edit::Insert(c)));
        }
        update(&mut app, Action::SearchSubmit)
    };
    update(&mut app, Action::Search);
    for c in "Lanternfish".chars() {
        update(&mut app, Action::SearchEdit(Edit::Insert(c)));
    }
    let second = update(&mut app, Action::SearchSubmit);
    let run = |effects: Vec<Effect>| {
        let job = effects
            .into_iter()
            .find_map(|e| match e {
                Effect::Job(job) => Some(job),
                _ => None,
            })
            .expect("a search");
        crate::reader::support::inline(crate::reader::support::sample_stores())
            .run(job)
            .expect("an answer")
    };
    let (first, second) = (run(first), run(second));
    update(&mut app, Action::Done(first));
    assert!(
        app.is_searching(),
        "the stale answer is not the one waited for"
    );
    update(&mut app, Action::Done(second));
    assert!(!app.is_searching());
    let title = app
        .library()
        .headline(app.selected_article().expect("selected"))
        .title;
    assert!(title.starts_with("Lanternfish"), "{title}");
}

/// Plain mode's n/p are J/K here: the next and previous article, opened from the article.
#[test]
fn next_and_previous_article_open_from_the_article() {
    let mut app = app(80, 24);
    act(&mut app, Action::Open);
    let first = app.article().expect("open").index;
    act(&mut app, Action::NextArticle);
    let second = app.article().expect("open").index;
    assert_ne!(first, second);
    assert_eq!(app.selected_article(), Some(second));
    assert_eq!(app.focus(), Focus::Article);
    assert!(app.is_read(second));
    act(&mut app, Action::PreviousArticle);
    assert_eq!(app.article().expect("open").index, first);
    act(&mut app, Action::PreviousArticle);
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("No previous article: that was the first.")
    );
}

#[test]
fn a_reload_hands_the_replaced_library_to_be_freed_elsewhere() {
    // Freeing a million headlines took 30 ms on the input thread, right when a reload landed.
    let mut app = app(80, 24);
    let before: *const herald::engine::Library = app.library();
    let next = std::sync::Arc::new(herald::engine::Stores::sample().open());
    let effects = act(
        &mut app,
        Action::Done(Done::Reloaded(std::sync::Arc::new(
            herald::engine::runtime::Reload {
                library: next.clone(),
                problems: Vec::new(),
                arrivals: Vec::new(),
                matches: None,
                scoped: None,
            },
        ))),
    );
    assert!(
        std::ptr::eq(app.library(), &*next),
        "the new library is in use"
    );
    let released: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Job(Job::Release(library)) => Some(library),
            _ => None,
        })
        .collect();
    assert_eq!(released.len(), 1, "{effects:?}");
    assert!(std::ptr::eq(&**released[0], before), "the old library");
    assert_eq!(
        std::sync::Arc::strong_count(released[0]),
        1,
        "the app keeps no reference, so whoever runs the job frees it"
    );
}

/// A mark made while a save runs, then quit at once: the last save holds it (and the running
/// save's marks, should that one fail). It used to wait for the running save's answer, which
/// never came once the loop had ended, and was lost with exit 0.
#[test]
fn quitting_while_a_save_runs_saves_the_marks_made_since() {
    // Straight through `update`: no job is done, so the first save stays running.
    let mut app = app(80, 24);
    let update =
        |app: &mut App, action| herald::app::update(app, action, crate::reader::support::T0);
    update(&mut app, Action::ToggleStar);
    let first = update(&mut app, Action::SaveNow);
    let Some(Effect::Job(Job::Save(running))) = first.first() else {
        panic!("a save starts: {first:?}");
    };
    assert_eq!(running.marks.len(), 1);
    // Another mark while it runs, then quit.
    update(&mut app, Action::Down);
    update(&mut app, Action::ToggleStar);
    let effects = update(&mut app, Action::Quit);
    let saves: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Job(Job::Save(changes)) => Some(changes),
            _ => None,
        })
        .collect();
    assert_eq!(saves.len(), 1, "{effects:?}");
    assert_eq!(saves[0].marks.len(), 2, "both marks: {:?}", saves[0]);
    assert!(effects.contains(&Effect::Exit(Exit::Quit)));
}

/// The screen-reader profile's search (`search_lists`): the matches become the list, the count
/// and the first match are said, `n` says which match it is, and Back returns to the whole list
/// with the same article selected. A jump scrolled the list and a screen reader read every row
/// that scrolled in, matches or not.
#[test]
fn a_search_can_make_its_matches_the_list_and_back_returns_to_all() {
    let mut app = App::new(
        sample_library(),
        Marks::default(),
        Options {
            search_lists: true,
            ..options()
        },
        (80, 24),
        Vec::new(),
    );
    let everything = app.visible().len();
    search(&mut app, "volunteers");
    let found = app.visible().len();
    assert!(found >= 2 && found < everything, "{found} of {everything}");
    let first = app.selected_article().expect("a match");
    let title = app.library().headline(first).title.to_owned();
    assert_eq!(
        message(&app),
        Some(format!(
            "Search \"volunteers\": {found} matches, 1 of {found}: {title}"
        ))
    );
    act(&mut app, Action::SearchNext);
    let second = app.selected_article().expect("a match");
    let title = app.library().headline(second).title.to_owned();
    assert_eq!(message(&app), Some(format!("Match 2 of {found}: {title}")));
    // q leaves the search's list, not Herald.
    let effects = act(&mut app, Action::BackOrQuit);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Exit(_))),
        "{effects:?}"
    );
    assert_eq!(app.visible().len(), everything);
    assert_eq!(
        app.selected_article(),
        Some(second),
        "the same article stays selected"
    );
    assert_eq!(
        message(&app),
        Some(format!(
            "Search closed. All headlines: {everything} of {everything} headlines"
        ))
    );
    // Nothing found: the list stays as it was and says so.
    search(&mut app, "zzzz-not-anywhere");
    assert_eq!(app.visible().len(), everything);
    assert!(message(&app).is_some_and(|m| m.contains("The list is unchanged")));
    // Without the setting a search jumps, as before.
    let mut jumping = crate::reader::support::app(80, 24);
    search(&mut jumping, "Korea");
    assert_eq!(jumping.visible().len(), everything);
}

/// `.` finds the next unread article, past the end of one store's list in the next store's;
/// `A` marks the list as shown read and says how many, `U` undoes exactly that; `L` lists the
/// stores with their counts, Enter opens one, and each move says the store's counts.
#[test]
fn next_unread_mark_all_undo_and_the_store_list() {
    let mut app = app(80, 24);
    // The first two read: the next unread from the top is the third.
    act(&mut app, Action::ToggleRead);
    act(&mut app, Action::Down);
    act(&mut app, Action::ToggleRead);
    act(&mut app, Action::Top);
    act(&mut app, Action::NextUnread);
    assert_eq!(app.selected(), Some(2));
    let third = app.library().headline(app.visible()[2]).title.to_owned();
    let said = message(&app).expect("said");
    assert!(
        said.contains(&third) && said.ends_with("45 unread in this list."),
        "{said}"
    );
    assert_eq!(app.focus(), Focus::List, "from the list it selects");
    // One store showing, at its last article: the next unread is in the next store.
    act(&mut app, Action::NextStore);
    let first_store = app.filter().store.expect("a store");
    act(&mut app, Action::Bottom);
    act(&mut app, Action::NextUnread);
    let now = app.filter().store.expect("a store");
    assert_ne!(now, first_store, "{:?}", message(&app));
    assert!(!app.is_read(app.selected_article().expect("selected")));
    // Mark the whole store read, then undo it.
    let in_store = app.visible().len();
    let unread_before = app.visible().iter().filter(|&&i| !app.is_read(i)).count();
    let effects = act(&mut app, Action::MarkAllRead);
    assert!(effects.contains(&Effect::SaveSoon) || app.visible().iter().all(|&i| app.is_read(i)));
    assert!(app.visible().iter().all(|&i| app.is_read(i)));
    assert_eq!(
        message(&app),
        Some(format!(
            "Marked {unread_before} article{} read (z undoes it).",
            if unread_before == 1 { "" } else { "s" }
        ))
    );
    act(&mut app, Action::MarkAllRead);
    assert!(message(&app).is_some_and(|m| m.starts_with("Nothing to mark")));
    act(&mut app, Action::UndoMarkAll);
    let unread_after = app.visible().iter().filter(|&&i| !app.is_read(i)).count();
    assert_eq!(unread_after, unread_before);
    assert_eq!(app.visible().len(), in_store);
    act(&mut app, Action::UndoMarkAll);
    assert!(message(&app).is_some_and(|m| m.starts_with("Nothing to undo")));
    // The store list.
    act(&mut app, Action::StoreList);
    assert!(matches!(app.mode(), Mode::Stores { .. }));
    let said = message(&app).expect("said");
    assert!(said.starts_with("Stores: 4. "), "{said}");
    act(&mut app, Action::Top);
    let top = message(&app).expect("said");
    act(&mut app, Action::Down);
    let second = message(&app).expect("said");
    assert_ne!(top, second);
    assert!(
        second.contains(" articles, ") && second.contains(" unread"),
        "{second}"
    );
    let name = second.split(':').next().expect("name").to_owned();
    act(&mut app, Action::Open);
    assert_eq!(app.mode(), &Mode::Browse);
    let store = app.filter().store.expect("a store");
    assert_eq!(app.library().store(store).name, name);
    assert!(
        message(&app).is_some_and(|m| m.starts_with(&name)),
        "{:?}",
        message(&app)
    );
    // Back leaves the list without changing anything.
    act(&mut app, Action::StoreList);
    act(&mut app, Action::Back);
    assert_eq!(app.mode(), &Mode::Browse);
    assert_eq!(app.filter().store, Some(store));
}

/// J and K (next and previous article, from the article) say where they landed; the article's
/// own lines say its title.
#[test]
fn next_and_previous_article_say_where_they_landed() {
    let mut app = app(80, 24);
    act(&mut app, Action::Open);
    act(&mut app, Action::NextArticle);
    assert_eq!(message(&app).as_deref(), Some("Article 2 of 47."));
    act(&mut app, Action::NextArticle);
    act(&mut app, Action::PreviousArticle);
    assert_eq!(message(&app).as_deref(), Some("Article 2 of 47."));
    assert_eq!(app.focus(), Focus::Article);
}

/// `O` cycles date, unread first, store, title and back to date: the same article stays
/// selected (and on screen) through every order, and each order is said in words.
#[test]
fn the_sort_key_cycles_the_orders_and_keeps_the_selection() {
    let mut app = app(80, 24);
    press(&mut app, &[Action::Down, Action::Down, Action::Down]);
    let chosen = app.selected_article().expect("a headline");
    let said = [
        "Sorted unread first, then newest first.",
        "Sorted by store, then newest first.",
        "Sorted by title, A to Z.",
        "Sorted by date, newest first.",
    ];
    for (expected, sort) in said.into_iter().zip([
        herald::app::Sort::Unread,
        herald::app::Sort::Store,
        herald::app::Sort::Title,
        herald::app::Sort::Date,
    ]) {
        let effects = act(&mut app, Action::Sort);
        assert!(effects.contains(&Effect::Redraw));
        assert_eq!(app.sort(), sort);
        assert_eq!(message(&app).as_deref(), Some(expected));
        assert_eq!(app.selected_article(), Some(chosen), "{sort:?}");
        assert_eq!(app.visible().len(), app.library().len());
        let selected = app.selected().expect("selection");
        let height = usize::from(app.panes().expect("fits").list.height);
        assert!((app.list_offset()..app.list_offset() + height).contains(&selected));
    }
    // By title: A to Z, and filters keep the order.
    act(&mut app, Action::SortBy(herald::app::Sort::Title));
    act(&mut app, Action::FilterBreaking);
    let titles: Vec<String> = app
        .visible()
        .iter()
        .map(|&i| app.library().headline(i).title.to_lowercase())
        .collect();
    assert!(titles.len() > 1 && titles.is_sorted(), "{titles:?}");
    // In the store list the same key sorts the stores.
    act(&mut app, Action::StoreList);
    act(&mut app, Action::Sort);
    assert_eq!(message(&app).as_deref(), Some("Stores by name."));
    assert_eq!(app.sort(), herald::app::Sort::Title);
}

/// Moves the selection to `index` with the keys a reader would press.
fn select_article(app: &mut App, index: usize) {
    act(app, Action::Top);
    while app.selected_article() != Some(index) {
        let before = app.selected();
        act(app, Action::Down);
        assert_ne!(app.selected(), before, "article {index} is not in the list");
    }
}

/// `e` from the selected headline shows only its section's articles (read from the store
/// files, where a big store keeps sections) and says how many; `A` then marks only those
/// read; Esc restores the whole list on the same article, and `e` again leaves it too.
#[test]
fn same_section_narrows_the_list_and_mark_all_marks_only_it() {
    let mut app = app(120, 40);
    let library = app.library();
    let section = |i: usize| {
        herald::engine::article::read::article(library, i)
            .detail
            .section
            .clone()
    };
    let regional: Vec<usize> = (0..library.len())
        .filter(|&i| section(i).as_deref() == Some("Regional"))
        .collect();
    assert!(regional.len() > 1, "the sample has a shared section");
    let chosen = regional[regional.len() - 1];
    select_article(&mut app, chosen);

    act(&mut app, Action::SameSection);
    let expected = format!("Same section, Regional: {} of 47 headlines", regional.len());
    assert_eq!(message(&app).as_deref(), Some(expected.as_str()));
    let mut shown = app.visible().to_vec();
    shown.sort_unstable();
    assert_eq!(shown, regional);
    assert_eq!(app.selected_article(), Some(chosen), "the selection stays");
    let header = crate::reader::render::screen_text_of(&app)[0].clone();
    assert!(header.contains("same section, Regional"), "{header}");

    act(&mut app, Action::MarkAllRead);
    let read: Vec<usize> = (0..app.library().len())
        .filter(|&i| app.is_read(i))
        .collect();
    assert_eq!(read, regional, "only the scope was marked read");

    act(&mut app, Action::Back);
    assert_eq!(app.visible().len(), 47);
    assert_eq!(app.selected_article(), Some(chosen));
    assert_eq!(
        message(&app).as_deref(),
        Some("Same section left. All headlines: 47 of 47 headlines")
    );
    act(&mut app, Action::SameSection);
    assert_eq!(app.visible().len(), regional.len());
    act(&mut app, Action::SameSection);
    assert_eq!(app.visible().len(), 47, "the same key again leaves it");
    // `q` leaves a scope before it quits.
    act(&mut app, Action::SameSection);
    let effects = act(&mut app, Action::BackOrQuit);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Exit(_))));
    assert_eq!(app.visible().len(), 47);
}

/// `a` from the open article: only its author's articles, within the filters in force; an
/// article with no author says so and changes nothing.
#[test]
fn same_author_from_the_open_article_composes_with_filters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let article = |id: &str, author: Option<&str>, day: u32, breaking: bool| {
        let author = author.map_or(String::new(), |a| format!(r#","author":"{a}""#));
        format!(
            r#"{{"id":"{id}","title":"Story {id}","published":"2026-01-{day:02}","breaking":{breaking},"body":"Text."{author}}}"#
        )
    };
    let lines = [
        article("a1", Some("Jane Doe"), 1, false),
        article("a2", Some("jane doe"), 2, true),
        article("a3", Some("Jane Doe"), 3, false),
        article("b1", Some("John Roe"), 4, true),
        article("c1", None, 5, false),
    ];
    std::fs::write(dir.path().join("wire.jsonl"), lines.join("\n") + "\n").expect("store");
    let stores = herald::engine::Stores::new(vec![herald::engine::store::StoreSource::Path(
        dir.path().to_path_buf(),
    )])
    .with_cache(None);
    let mut runtime = crate::reader::support::inline(stores.clone());
    let mut app = App::new(
        stores.open(),
        Marks::default(),
        options(),
        (120, 40),
        Vec::new(),
    );
    let mut act =
        |app: &mut App, action| crate::reader::support::act_with(&mut runtime, app, action);
    let title = |app: &App, i: usize| app.library().headline(i).title.to_owned();

    // Newest first: c1, b1, a3, a2, a1. Open a3 (Jane Doe).
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    act(&mut app, Action::Open);
    act(&mut app, Action::SameAuthor);
    assert_eq!(
        message(&app).as_deref(),
        Some("Same author, Jane Doe: 3 of 5 headlines")
    );
    let shown: Vec<String> = app.visible().iter().map(|&i| title(&app, i)).collect();
    assert_eq!(shown, ["Story a3", "Story a2", "Story a1"]);
    // The new list has the keys; with breaking only as well: the one breaking story of hers.
    assert_eq!(app.focus(), Focus::List);
    act(&mut app, Action::FilterBreaking);
    assert_eq!(
        message(&app).as_deref(),
        Some("Breaking only, same author, Jane Doe: 1 of 5 headlines")
    );
    act(&mut app, Action::SameAuthor);
    act(&mut app, Action::FilterBreaking);
    assert_eq!(app.visible().len(), 5);
    // The article with no author.
    act(&mut app, Action::Top);
    act(&mut app, Action::SameAuthor);
    assert_eq!(
        message(&app).as_deref(),
        Some("This article has no author, so there is none to match. The list is unchanged.")
    );
    assert_eq!(app.visible().len(), 5);
    assert!(app.filter().scope.is_none());
    act(&mut app, Action::SameTag);
    assert_eq!(
        message(&app).as_deref(),
        Some("This article has no tags, so there are none to match. The list is unchanged.")
    );
}

/// A reload asked before a scope was chosen answers for the list as it was then: taking its
/// (empty) scope matches for the scope chosen meanwhile emptied the list under a header that
/// still named the scope. The answer is now taken only for what is in force, else the stores
/// are read again for it.
#[test]
fn a_reload_that_crosses_a_new_scope_keeps_the_scoped_list() {
    use herald::app::update;
    let mut runtime = crate::reader::support::inline(crate::reader::support::sample_stores());
    let mut app = app(80, 24);
    let jobs = |effects: Vec<Effect>| -> Vec<Job> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Job(job) => Some(job),
                _ => None,
            })
            .collect()
    };
    let scope = jobs(update(
        &mut app,
        Action::SameSection,
        crate::reader::support::T0,
    ));
    let reload = jobs(update(
        &mut app,
        Action::StoresChanged,
        crate::reader::support::T0,
    ));
    assert!(
        matches!(reload.as_slice(), [Job::Reload { scope: None, .. }]),
        "{reload:?}"
    );
    for job in scope {
        let done = runtime.run(job).expect("a scope answers");
        crate::reader::support::act_with(&mut runtime, &mut app, Action::Done(done));
    }
    let scoped = app.visible().len();
    assert!(scoped > 0 && scoped < 47, "{scoped}");
    for job in reload {
        let done = runtime.run(job).expect("a reload answers");
        crate::reader::support::act_with(&mut runtime, &mut app, Action::Done(done));
    }
    assert_eq!(
        app.visible().len(),
        scoped,
        "the scope's list, on the new library"
    );
    assert!(app.filter().scope.is_some());
}
