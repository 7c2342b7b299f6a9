//! Shared fixtures: the sample library, an App at a given size, scripted keys.

use std::path::PathBuf;

use herald::app::{App, ColorDepth, Key, KeyCode, Options, ThemeName};
use herald::engine::Library;
use herald::engine::state::ReaderState;
use herald::engine::store::StoreSource;
use herald::present::reader::term::Input;

pub fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

pub fn sample_library() -> Library {
    Library::load(&[StoreSource::Path(sample_dir())])
}

/// Options as on a UTF-8 terminal without colour, so snapshots do not depend on the host.
pub fn options() -> Options {
    Options {
        theme: ThemeName::Default,
        depth: ColorDepth::None,
        status_bar: true,
        alt_screen: true,
        ascii: false,
        layout: herald::app::options::PaneLayout::Auto,
    }
}

pub fn app(width: u16, height: u16) -> App {
    App::new(
        sample_library(),
        ReaderState::in_memory(),
        options(),
        (width, height),
        Vec::new(),
    )
}

/// Keys as typed: each char is a key; `\n` is Enter, `\x1b` Esc, `\t` Tab.
pub fn typed(text: &str) -> Vec<Input> {
    text.chars()
        .map(|c| {
            Input::Key(match c {
                '\n' => Key::plain(KeyCode::Enter),
                '\x1b' => Key::plain(KeyCode::Esc),
                '\t' => Key::plain(KeyCode::Tab),
                c => Key::char(c),
            })
        })
        .collect()
}

/// The index of the seed article (the VOA Ivanov story).
pub fn seed(app: &App) -> usize {
    app.library()
        .find("VOA", "voa-2002-07-28-ivanov-pyongyang")
        .expect("the seed article is in the sample data")
}
