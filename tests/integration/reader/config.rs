//! The config file's keys through the real run loop: a remapped key works, the old one does
//! not, and the help screen and status bar show the keys in force.

use std::path::Path;

use herald::app::{Key, KeyCode};
use herald::config;
use herald::present::reader::term::Input;

use crate::reader::flow::{TestHost, run};
use crate::reader::support::{app, typed};

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
        screen.starts_with("Herald keys. Close with Q, Esc or h"),
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
    assert!(
        status.starts_with("F1 help  Esc back  PageDown page  Down scroll"),
        "{status}"
    );
    let closed = run(
        app(100, 30).with_keymap(keymap),
        vec![Input::Key(Key::plain(KeyCode::Enter)), esc],
        TestHost::default(),
    );
    assert_eq!(closed.app.focus(), herald::app::Focus::List);
}
