//! The `herald` binary: parse the command line, run one mode, map the outcome to an exit code.
//! Exit codes: 0 success, 1 a problem with the stores or the article asked for (or an import
//! that wrote nothing), 2 usage error.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use herald::cli::{Cli, Command};
use herald::config;
use herald::engine::{Library, LoadMode, Progress, Stores};
use herald::present::commands::ShowAs;
use herald::present::loading;

/// Text wraps to this width when output is not a terminal.
const DEFAULT_WIDTH: usize = 80;

fn main() -> ExitCode {
    survive_file_size_limits();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A closed pipe (`herald list | head`) is the reader's choice, not an error.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(io::stderr(), "herald: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Past `ulimit -f`, a write raises SIGXFSZ, whose default action ends the process: writing
/// an index cache entry (an optimisation) killed `herald list` before it printed a line. With
/// a handler installed, such a write fails with EFBIG instead, and each writer handles that
/// as it handles any failed write: the cache skips the entry, a save of marks reports it.
fn survive_file_size_limits() {
    let noticed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Failing to install it leaves the default, which is no worse than before.
    let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, noticed);
}

fn load_config(cli: &Cli) -> config::LoadedConfig {
    let loaded = match (&cli.config, herald::paths::config_file()) {
        (Some(path), _) => config::load(path, true),
        (None, Some(path)) => config::load(&path, false),
        (None, None) => config::LoadedConfig::default(),
    };
    for problem in &loaded.problems {
        herald::present::notice::say(&format!("herald: {problem}"));
    }
    loaded
}

/// `herald config`: which file, and whether it is clean (problems went to stderr already).
fn describe_config(
    cli: &Cli,
    loaded: &config::LoadedConfig,
    out: &mut impl Write,
) -> io::Result<()> {
    let path = cli.config.clone().or_else(herald::paths::config_file);
    let Some(path) = path else {
        return writeln!(out, "No config directory: Herald uses its defaults.");
    };
    let shown = herald::engine::store::source::display_path(&path);
    if loaded.path.is_none() {
        return writeln!(
            out,
            "{shown}: not found; Herald uses its defaults (`herald config --default` prints a file to start from)"
        );
    }
    match loaded.problems.len() {
        0 => writeln!(out, "{shown}: OK"),
        1 => writeln!(out, "{shown}: 1 problem; that setting is ignored"),
        n => writeln!(out, "{shown}: {n} problems; those settings are ignored"),
    }
}

/// The stores the user asked for (or the default ones), loaded; with a `notice` style, a long
/// load (a first start on a big store) is announced on standard error.
fn open_stores(
    named: &[PathBuf],
    config: &config::LoadedConfig,
    quiet_diagnostics: bool,
    mode: LoadMode,
    notice: Option<loading::Style>,
) -> (Stores, Library) {
    let feeds = herald::paths::feeds_file()
        .map(|path| herald::produce::feeds::load(&path).feeds)
        .unwrap_or_default();
    let subscribed: Vec<PathBuf> = feeds.iter().map(|f| f.store.clone()).collect();
    // The config's rules, then each feed's own (tied to its store).
    // Without a [breaking] section the stores' own flags hold as they always have; with one,
    // its fresh_for (12 hours unless it says) decides how long.
    let mut breaking = config
        .config
        .breaking
        .clone()
        .unwrap_or_else(herald::engine::breaking::Policy::stores_only);
    breaking
        .rules
        .extend(feeds.into_iter().flat_map(|feed| feed.breaking));
    let chosen = Stores::choose(
        named,
        &config.config.stores,
        &config.config.store_names,
        &subscribed,
    );
    if let Some(note) = &chosen.note {
        herald::present::notice::say(&format!("herald: {note}"));
    }
    let stores = chosen.stores.with_breaking(std::sync::Arc::new(breaking));
    let load = |progress: &Progress| stores.load(mode, progress);
    let library = match notice {
        Some(style) => loading::with_notice(style, &mut io::stderr(), load),
        None => load(&Progress::default()),
    };
    report(&library, quiet_diagnostics);
    (stores, library)
}

fn open_library(
    named: &[PathBuf],
    config: &config::LoadedConfig,
    quiet_diagnostics: bool,
    mode: LoadMode,
) -> Library {
    open_stores(named, config, quiet_diagnostics, mode, None).1
}

fn report(library: &Library, quiet_diagnostics: bool) {
    if !quiet_diagnostics {
        for diagnostic in library.diagnostics() {
            eprintln!("{diagnostic}");
        }
    }
}

/// The reader's marks, only read (no repair, nothing written): what `list`, `show` and
/// `brief` report. Without a data folder, no marks.
fn peek_marks() -> herald::engine::state::Marks {
    herald::engine::state::file::default_path()
        .map_or_else(herald::engine::state::Marks::in_memory, |path| {
            herald::engine::state::file::peek(&path)
        })
}

fn terminal_width() -> usize {
    if io::stdout().is_terminal()
        && let Ok((columns, _)) = ratatui::crossterm::terminal::size()
    {
        return usize::from(columns.max(20));
    }
    DEFAULT_WIDTH
}

fn failure_if(problem: bool) -> ExitCode {
    if problem {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run(cli: Cli) -> io::Result<ExitCode> {
    let config = load_config(&cli);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = match &cli.command {
        Some(Command::List {
            stores,
            ids,
            json,
            new,
        }) => {
            let library = open_library(stores, &config, false, LoadMode::Fast);
            let marks = peek_marks();
            let which = if *new {
                if marks.previous_session().is_none() {
                    herald::present::notice::say(
                        "herald: no earlier session recorded; listing every unread article",
                    );
                }
                herald::present::brief::new_articles(&library, &marks)
            } else {
                library.newest_first().to_vec()
            };
            if *json {
                herald::present::json::list(&library, &marks, &which, &mut out)?;
            } else {
                herald::present::commands::list(&library, &which, *ids, &mut out)?;
            }
            failure_if(library.has_errors())
        }
        Some(Command::Brief { stores }) => {
            let library = open_library(stores, &config, false, LoadMode::Fast);
            // Only read: a briefing is not a session, and changes no mark.
            let marks = peek_marks();
            let now = herald::engine::state::Timestamp::now();
            let width = terminal_width();
            let lines = herald::present::brief::briefing(
                &library,
                &marks,
                now,
                "herald list lists them all",
            );
            for line in lines {
                for part in herald::text::wrap::wrap_paragraph_keeping_urls(&line, width) {
                    writeln!(out, "{part}")?;
                }
            }
            failure_if(library.has_errors())
        }
        Some(Command::Show {
            id,
            stores,
            store,
            width,
            json,
        }) => {
            let library = open_library(stores, &config, false, LoadMode::Fast);
            let marks = peek_marks();
            let how = if *json {
                ShowAs::Json { marks: &marks }
            } else {
                ShowAs::Text {
                    width: width.map_or_else(terminal_width, usize::from),
                }
            };
            let found = herald::present::commands::show(
                &library,
                id,
                store.as_deref(),
                how,
                &mut out,
                &mut io::stderr(),
            )?;
            failure_if(!found)
        }
        Some(Command::MarkRead { stores, before }) => {
            let library = open_library(stores, &config, false, LoadMode::Fast);
            let Some(path) = herald::engine::state::file::default_path() else {
                eprintln!(
                    "herald: there is no data folder (is HOME set?), so no reader state to mark \
                     articles read in"
                );
                return Ok(ExitCode::FAILURE);
            };
            let which = herald::present::mark::chosen(&library, *before);
            let now = herald::engine::state::Timestamp::now();
            let marked =
                herald::present::mark::mark_read(&library, &which, path, now, &mut io::stderr())?;
            writeln!(out, "{}", marked.line())?;
            failure_if(library.has_errors())
        }
        Some(Command::Check { stores }) => {
            let library = open_library(stores, &config, true, LoadMode::Check);
            let clean = herald::present::commands::check(&library, &mut out)?;
            failure_if(!clean)
        }
        Some(Command::Watch {
            stores,
            all,
            json,
            notify,
            fetch,
        }) => {
            let style = loading::Style::OneLine {
                width: herald::present::notice::stderr_width(),
            };
            let (stores, library) =
                open_stores(stores, &config, false, LoadMode::Fast, Some(style));
            let options = herald::present::watch::Options {
                all: *all,
                json: *json,
                notify: *notify,
                fetch: *fetch,
            };
            herald::present::watch::run(
                &stores,
                library,
                options,
                &config.config,
                &mut out,
                &mut io::stderr(),
            )?
        }
        Some(Command::Import(args)) => herald::produce::import::run(args, &mut out)?,
        Some(Command::Fetch { feeds, force }) => match herald::paths::feeds_file() {
            Some(path) => herald::present::fetch::run(
                &herald::produce::fetch::Places::default_for(path),
                feeds,
                *force,
                config.config.fetch_limits(),
                &mut out,
            )?,
            None => {
                eprintln!("herald: there is no config folder, so no feeds.toml to fetch from");
                ExitCode::FAILURE
            }
        },
        Some(Command::Completions { shell }) => {
            herald::present::packaging::completions(*shell, &mut out)?
        }
        Some(Command::Man) => herald::present::packaging::man(&mut out)?,
        Some(Command::State(herald::cli::StateCommand::Compact { stores, dry_run })) => {
            // Read exactly, not through the index: every problem must be seen before marks go.
            let (stores, library) = open_stores(stores, &config, false, LoadMode::Thorough, None);
            failure_if(!herald::present::commands::compact_state(
                &stores, &library, *dry_run, &mut out,
            )?)
        }
        Some(Command::Feeds(command)) => match herald::paths::feeds_file() {
            Some(path) => {
                // The status column: the last fetch and the next one due, from the schedule.
                let (schedule, _) = herald::produce::fetch::schedule::Schedule::load(
                    herald::produce::fetch::schedule::default_path(),
                );
                let status = |feed: &herald::produce::feeds::Feed| {
                    herald::present::fetch::status(&schedule, feed)
                };
                herald::present::feeds::run(command, &path, &status, &mut out, &mut io::stderr())?
            }
            None => {
                eprintln!("herald: no config directory (is HOME set?): nowhere to keep feeds.toml");
                ExitCode::FAILURE
            }
        },
        Some(Command::Serve(args)) => {
            let (stores, library) = open_stores(&args.stores, &config, false, LoadMode::Fast, None);
            let limits = herald::present::serve::limits::Limits {
                max_sessions: args.max_sessions,
                max_per_address: args.max_per_address,
                idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
                auth_timeout: std::time::Duration::from_secs(args.auth_timeout),
                auth_attempts: args.auth_attempts,
                ..herald::present::serve::limits::Limits::default()
            };
            let options = herald::present::serve::Options {
                listen: args.listen,
                anonymous: args.anonymous,
                authorized_keys: args.authorized_keys.clone(),
                limits,
            };
            herald::present::serve::run(
                &options,
                stores,
                library,
                &config.config,
                cli.read.reader_flags(),
            )?
        }
        Some(Command::Config { default: true }) => {
            out.write_all(config::default_file().as_bytes())?;
            ExitCode::SUCCESS
        }
        Some(Command::Config { default: false }) => {
            describe_config(&cli, &config, &mut out)?;
            failure_if(!config.problems.is_empty())
        }
        None if herald::present::plain::wants_plain(cli.read.plain, config.config.plain) => {
            let style = loading::Style::OneLine {
                width: herald::present::notice::stderr_width(),
            };
            let (stores, library) = open_stores(
                &cli.read.stores,
                &config,
                false,
                LoadMode::Fast,
                Some(style),
            );
            let errors = library.has_errors();
            herald::present::plain::run_stdio(
                &stores,
                library,
                cli.read.width,
                config.config.fetch_limits(),
                config.config.opener_argv(),
                &mut out,
            )?;
            failure_if(errors)
        }
        None => {
            // The count updates in place only where someone watches it.
            let style = match io::stderr().is_terminal() {
                true => loading::Style::Live,
                false => loading::Style::OneLine {
                    width: herald::present::notice::stderr_width(),
                },
            };
            let (stores, library) =
                open_stores(&cli.read.stores, &config, true, LoadMode::Fast, Some(style));
            out.flush()?;
            herald::present::reader::start(
                stores,
                library,
                &cli.read.reader_flags(),
                &config.config,
            )?
        }
    };
    out.flush()?;
    Ok(code)
}
