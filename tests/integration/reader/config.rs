//! The config file's keys through the real run loop: a remapped key works, the old one does
//! not, and the help screen and status bar show the keys in force.

use std::path::Path;

use herald::app::{Key, KeyCode};
use herald::config;
use herald::present::reader::term::Input;

use crate::reader::flow::{TestHost, run};
use crate::reader::support::{app, seed, typed};

fn keymap_from(text: &str) -> herald::app::Keymap {
    let loaded = config::parse(text, "c.toml", Path::new("/tmp/c.toml"));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.config.keymap()
}

#[test]
fn a_remapped_key_moves_and_the_old_one_does_nothing() {
    let keymap = keymap_from("[keys]\ndown = [\"x\"]\nhelp = [\"h\", \"F1\"]\n");
    let moved = run(
        app(80, 24).with_keymap(keymap.clone()),
        typed("xx"),
        TestHost::default(),
    );
    assert_eq!(moved.app.selected(), Some(2));
    let unmoved = run(
        app(80, 24).with_keymap(keymap),
        typed("jj"),
        TestHost::default(),
    );
    assert_eq!(unmoved.app.selected(), Some(0));
    assert_eq!(
        unmoved.terminal.backend().draws,
        1,
        "j is unbound: nothing drawn"
    );
}

#[test]
fn the_status_bar_and_help_show_the_keys_in_force() {
    let keymap = keymap_from(
        "[keys]\nhelp = [\"h\", \"F1\"]\nback_or_quit = [\"Q\"]\nsearch = [\"Ctrl-S\"]\n\
         down = [\"x\", \"Down\"]\n",
    );
    let plain = run(
        app(100, 30).with_keymap(keymap.clone()),
        vec![],
        TestHost::default(),
    );
    let screen = plain.screen();
    let status = screen.lines().last().expect("a status line");
    assert!(
        status.starts_with("h help  Q quit  Enter open  Ctrl-S search"),
        "{status}"
    );
    let help = run(
        app(100, 40).with_keymap(keymap),
        typed("h"),
        TestHost::default(),
    );
    let screen = help.screen();
    assert!(
        screen.starts_with("Herald keys. Close with Q, Backspace or h"),
        "{screen}"
    );
    assert!(screen.contains("\nx Down "), "{screen}");
    assert!(screen.contains("\nCtrl-S "), "{screen}");
    assert!(!screen.contains("\nj Down"), "{screen}");
}

#[test]
fn without_letter_keys_the_arrows_enter_and_esc_still_work() {
    let keymap = keymap_from("letter_keys = false\n");
    let down = Input::Key(Key::plain(KeyCode::Down));
    let enter = Input::Key(Key::plain(KeyCode::Enter));
    let esc = Input::Key(Key::plain(KeyCode::Esc));
    let mut inputs = typed("jjq");
    inputs.extend([down.clone(), down, enter]);
    let opened = run(
        app(100, 30).with_keymap(keymap.clone()),
        inputs,
        TestHost::default(),
    );
    // j and q did nothing (q would have quit); the arrows moved and Enter opened.
    assert_eq!(opened.app.selected(), Some(2));
    assert!(opened.app.article().is_some());
    let status = opened.screen().lines().last().expect("status").to_owned();
    // The hints name keys fenrir lets through (it takes F1 and Esc).
    assert!(
        status.starts_with("Ctrl-G help  F10 back  PageDown page  Down scroll"),
        "{status}"
    );
    for back in [esc, Input::Key(Key::plain(KeyCode::Backspace))] {
        let closed = run(
            app(100, 30).with_keymap(keymap.clone()),
            vec![Input::Key(Key::plain(KeyCode::Enter)), back.clone()],
            TestHost::default(),
        );
        assert_eq!(closed.app.focus(), herald::app::Focus::List, "{back:?}");
    }
}

/// Issue 15: with `letter_keys = false` and a screen reader that takes Esc and F1, every
/// action still has a key; here the ones that had none: Ctrl-G help, F4 search, Ctrl-K
/// breaking only, Ctrl-T star, Right next article, F10 quit from the list.
#[test]
fn without_letter_keys_the_new_keys_reach_what_letters_did() {
    use herald::app::Mode;
    let keymap = keymap_from(
        "letter_keys = false
",
    );
    let key = |code| Input::Key(Key::plain(code));
    let help = run(
        app(100, 30).with_keymap(keymap.clone()),
        vec![Input::Key(Key::ctrl('g'))],
        TestHost::default(),
    );
    assert!(matches!(help.app.mode(), Mode::Help { .. }));
    assert!(
        help.screen()
            .starts_with("Herald keys. Close with F10, Backspace or Ctrl-G")
    );

    let mut inputs = vec![key(KeyCode::F(4))];
    inputs.extend(typed("Ivanov\n"));
    inputs.extend([
        Input::Key(Key::ctrl('t')),
        Input::Key(Key::ctrl('k')),
        key(KeyCode::Right),
    ]);
    let used = run(
        app(100, 30).with_keymap(keymap.clone()),
        inputs,
        TestHost::default(),
    );
    let after = &used.app;
    assert!(after.filter().breaking_only, "Ctrl-K: breaking only");
    let opened = after.article().expect("Right opened an article").index;
    assert_eq!(opened, seed(after), "the search found the Ivanov story");
    assert!(after.is_starred(opened), "Ctrl-T starred the match");

    let quit = run(
        app(80, 24).with_keymap(keymap),
        vec![key(KeyCode::F(10)), key(KeyCode::Down)],
        TestHost::default(),
    );
    assert_eq!(quit.app.selected(), Some(0), "F10 quit before Down came");
}
