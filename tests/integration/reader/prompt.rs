//! The search prompt as a line editor, through the keymap and `update` with no terminal: keys
//! as the reader types them, the search they make, the history Up and Down walk, and the
//! history's saves.

use herald::app::{Action, App, Effect, InputMode, Key, KeyCode, Mode};
use herald::engine::runtime::{Done, Job};
use herald::text::line_editor::Edit;

use crate::reader::support::{act, app};

/// Presses `keys` as the run loop does: each resolved by the keymap for the mode in force,
/// then applied with its jobs done. Returns every effect the keys asked for.
fn press(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for &key in keys {
        if let Some(action) = app.keymap().resolve(app.input_mode(), key) {
            effects.extend(act(app, action));
        }
    }
    effects
}

fn chars(text: &str) -> Vec<Key> {
    text.chars().map(Key::char).collect()
}

fn k(code: KeyCode) -> Key {
    Key::plain(code)
}

/// The line at the prompt and its cursor (a byte offset), or None when it is closed.
fn prompt(app: &App) -> Option<(String, usize)> {
    match app.mode() {
        Mode::Search { prompt } => Some((prompt.text().to_owned(), prompt.cursor())),
        _ => None,
    }
}

fn saved_searches(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Job(Job::SaveSearch(search)) => Some(search.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn left_then_a_letter_inserts_it_mid_line_and_enter_searches_for_the_line() {
    let mut app = app(80, 24);
    let mut keys = vec![Key::char('/')];
    keys.extend(chars("abc"));
    keys.extend([k(KeyCode::Left), Key::char('X')]);
    press(&mut app, &keys);
    assert_eq!(prompt(&app), Some(("abXc".to_owned(), 3)));
    let effects = press(&mut app, &[k(KeyCode::Enter)]);
    assert_eq!(app.mode(), &Mode::Browse);
    assert_eq!(app.last_query(), Some("abXc"));
    let message = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(message.contains("abXc"), "{message}");
    assert_eq!(saved_searches(&effects), ["abXc"]);
    assert_eq!(app.search_history(), ["abXc"]);
}

#[test]
fn every_printable_key_is_text_at_the_prompt() {
    let mut app = app(80, 24);
    press(&mut app, &[Key::char('/')]);
    // Each is a command in the list: down, quit, help, breaking, search.
    press(&mut app, &chars("jq?b/ G"));
    assert_eq!(prompt(&app), Some(("jq?b/ G".to_owned(), 7)));
    assert_eq!(app.selected(), Some(0), "j did not move the list");
}

#[test]
fn up_recalls_the_previous_search_and_down_brings_back_the_line_being_typed() {
    let mut app = app(80, 24).with_search_history(vec!["yesterday".to_owned()]);
    press(&mut app, &[Key::char('/')]);
    press(&mut app, &chars("Ivanov"));
    press(&mut app, &[k(KeyCode::Enter)]);
    press(&mut app, &[Key::char('/')]);
    press(&mut app, &chars("dr"));
    press(&mut app, &[k(KeyCode::Up)]);
    assert_eq!(prompt(&app), Some(("Ivanov".to_owned(), 6)));
    press(&mut app, &[k(KeyCode::Up)]);
    assert_eq!(prompt(&app).map(|p| p.0), Some("yesterday".to_owned()));
    press(&mut app, &[k(KeyCode::Up)]);
    assert_eq!(
        prompt(&app).map(|p| p.0),
        Some("yesterday".to_owned()),
        "nothing older"
    );
    press(&mut app, &[k(KeyCode::Down), k(KeyCode::Down)]);
    assert_eq!(prompt(&app), Some(("dr".to_owned(), 2)));
    // Enter on a recalled search searches for it again, and it becomes the newest.
    press(&mut app, &[Key::ctrl('u'), k(KeyCode::Up), k(KeyCode::Up)]);
    let effects = press(&mut app, &[k(KeyCode::Enter)]);
    assert_eq!(saved_searches(&effects), ["yesterday"]);
    assert_eq!(app.search_history(), ["Ivanov", "yesterday"]);
}

#[test]
fn ctrl_w_delete_home_end_and_ctrl_u_edit_the_line() {
    let mut app = app(80, 24);
    press(&mut app, &[Key::char('/')]);
    press(&mut app, &chars("north korea"));
    press(&mut app, &[Key::ctrl('w')]);
    assert_eq!(prompt(&app), Some(("north ".to_owned(), 6)));
    press(&mut app, &[k(KeyCode::Home), k(KeyCode::Delete)]);
    assert_eq!(prompt(&app), Some(("orth ".to_owned(), 0)));
    press(&mut app, &[Key::ctrl('e'), Key::char('x')]);
    assert_eq!(prompt(&app), Some(("orth x".to_owned(), 6)));
    press(&mut app, &[k(KeyCode::Left), Key::ctrl('k')]);
    assert_eq!(prompt(&app), Some(("orth ".to_owned(), 5)));
    press(&mut app, &[k(KeyCode::Left), Key::ctrl('u')]);
    assert_eq!(prompt(&app), Some((" ".to_owned(), 0)));
    // Backspace at the start of a line that is not empty changes nothing and draws nothing.
    assert_eq!(press(&mut app, &[k(KeyCode::Backspace)]), vec![]);
    assert!(prompt(&app).is_some());
}

#[test]
fn backspace_on_an_empty_line_esc_and_ctrl_g_close_the_prompt_without_a_search() {
    for close in [
        vec![k(KeyCode::Backspace)],
        vec![k(KeyCode::Esc)],
        vec![Key::ctrl('g')],
    ] {
        let mut app = app(80, 24);
        press(&mut app, &[Key::char('/')]);
        assert_eq!(app.input_mode(), InputMode::Text);
        let effects = press(&mut app, &close);
        assert_eq!(app.mode(), &Mode::Browse, "{close:?}");
        assert!(saved_searches(&effects).is_empty());
        assert!(app.search_history().is_empty());
    }
}

#[test]
fn a_blank_line_searches_for_nothing_and_is_not_remembered() {
    let mut app = app(80, 24);
    press(
        &mut app,
        &[Key::char('/'), Key::char(' '), k(KeyCode::Enter)],
    );
    assert_eq!(app.mode(), &Mode::Browse);
    assert!(app.search_history().is_empty());
}

#[test]
fn the_saved_history_is_taken_in_only_from_the_last_save_asked_for() {
    let mut app = app(80, 24);
    for query in ["first", "second"] {
        act(&mut app, Action::Search);
        for c in query.chars() {
            act(&mut app, Action::SearchEdit(Edit::Insert(c)));
        }
        act(&mut app, Action::SearchSubmit);
    }
    // (The test runtime keeps no history file, so these saves are unanswered until now.)
    // The first save's answer does not know of "second", still being saved: it is kept.
    let answer = |entries: &[&str]| {
        Action::Done(Done::SearchSaved(Ok(entries
            .iter()
            .map(|e| (*e).to_owned())
            .collect())))
    };
    act(&mut app, answer(&["other", "first"]));
    assert_eq!(app.search_history(), ["first", "second"]);
    // The second's answer holds what another Herald searched meanwhile.
    act(&mut app, answer(&["other", "first", "second"]));
    assert_eq!(app.search_history(), ["other", "first", "second"]);
}

#[test]
fn a_failed_history_save_is_said_once_in_words() {
    let mut app = app(80, 24);
    act(
        &mut app,
        Action::Done(Done::SearchSaved(Err("the disk is full".to_owned()))),
    );
    let message = app.message().map(|m| m.shown()).unwrap_or_default();
    assert_eq!(
        message,
        "Error: could not save the search history: the disk is full. Searches are remembered \
         until Herald quits"
    );
    // A move keeps the message on screen, no longer new; a second failure says nothing.
    act(&mut app, Action::Down);
    assert!(!app.message_is_new());
    act(
        &mut app,
        Action::Done(Done::SearchSaved(Err("the disk is full".to_owned()))),
    );
    assert!(!app.message_is_new(), "said again");
}

/// A search whose save failed is still in this session's history after a later save works
/// (that save's answer is the file, which does not hold it).
#[test]
fn a_search_whose_save_failed_stays_in_the_history() {
    let mut app = app(80, 24);
    let search = |app: &mut App, query: &str| {
        act(app, Action::Search);
        for c in query.chars() {
            act(app, Action::SearchEdit(Edit::Insert(c)));
        }
        act(app, Action::SearchSubmit);
    };
    search(&mut app, "first");
    act(
        &mut app,
        Action::Done(Done::SearchSaved(Err("the lock is held".to_owned()))),
    );
    search(&mut app, "second");
    act(
        &mut app,
        Action::Done(Done::SearchSaved(Ok(vec![
            "other".to_owned(),
            "second".to_owned(),
        ]))),
    );
    assert_eq!(app.search_history(), ["other", "second", "first"]);
}
