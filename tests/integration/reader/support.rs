//! Shared fixtures: the sample library, an App at a given size, scripted keys, and `act`,
//! which applies an action as the run loop would, jobs done at once.

use std::path::PathBuf;

use herald::app::{Action, App, ColorDepth, Effect, Key, KeyCode, Options, ThemeName, update};
use herald::engine::runtime::{Context, Inline};
use herald::engine::state::{Marks, Timestamp};
use herald::engine::store::StoreSource;
use herald::engine::{Library, Stores};
use herald::present::reader::term::Input;

/// When the test's actions happen.
pub const T0: Timestamp = Timestamp(1_700_000_000_000);

pub fn sample_dir() -> PathBuf {
    crate::common::root().join("sample-data")
}

pub fn sample_stores() -> Stores {
    Stores::new(vec![StoreSource::Path(sample_dir())]).with_cache(None)
}

pub fn sample_library() -> Library {
    sample_stores().open()
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
        ..Options::default()
    }
}

/// The sample library at `width` x `height`, with marks that a save would write.
pub fn app(width: u16, height: u16) -> App {
    App::new(
        sample_library(),
        Marks::default(),
        options(),
        (width, height),
        Vec::new(),
    )
}

/// The runtime's work done on this thread, over `stores`, saving nowhere.
pub fn inline(stores: Stores) -> Inline {
    Inline {
        context: Context {
            reloads: std::sync::Arc::new(stores),
            state: None,
            history: None,
            opener: Vec::new(),
        },
    }
}

/// Applies `action` at [`T0`], then does every job it asks for and applies the answers, as
/// the run loop and the runtime would; returns the effects of `action` itself.
pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    act_with(&mut inline(sample_stores()), app, action)
}

/// [`act`] with the jobs done by `runtime`.
pub fn act_with(runtime: &mut Inline, app: &mut App, action: Action) -> Vec<Effect> {
    act_through(runtime, app, action).0
}

/// Like [`act`], returning every effect along the way too: the action's own, then those of
/// the answers to its jobs.
pub fn act_all(app: &mut App, action: Action) -> Vec<Effect> {
    act_through(&mut inline(sample_stores()), app, action).1
}

fn act_through(runtime: &mut Inline, app: &mut App, action: Action) -> (Vec<Effect>, Vec<Effect>) {
    let first = update(app, action, T0);
    let mut all = first.clone();
    let mut pending: Vec<Effect> = first.clone();
    while !pending.is_empty() {
        let mut next = Vec::new();
        for effect in pending {
            let done = match effect {
                Effect::Job(job) => runtime.run(job),
                Effect::SaveSoon => {
                    next.extend(update(app, Action::SaveNow, T0));
                    None
                }
                _ => None,
            };
            if let Some(done) = done {
                next.extend(update(app, Action::Done(done), T0));
            }
        }
        all.extend(next.iter().cloned());
        pending = next;
    }
    (first, all)
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
