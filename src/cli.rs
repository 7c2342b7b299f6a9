//! The command line, as clap derive types. Parsing only; `main` decides what runs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `0.1.0 (git 1a2b3c4)` when built from a git checkout, else just the crate version (a build
/// from a crate tarball has no git). Set by `build.rs`.
pub const VERSION: &str = env!("HERALD_VERSION");

#[derive(Debug, Parser)]
#[command(
    name = "herald",
    version = VERSION,
    about = "A terminal news reader for local JSON stores",
    long_about = "A terminal news reader for local JSON stores.\n\n\
        With no STORE, Herald opens the stores listed in its config file, else the stores/ folder \
        in its data directory, else the sample data built into the binary.",
    subcommand_negates_reqs = false
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Read settings from this file instead of the default config file.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// Options of the reader itself (`herald [STORE]...`).
#[derive(Debug, Args, Default)]
pub struct ReadArgs {
    /// Store files (.json, .jsonl) or folders of them.
    #[arg(value_name = "STORE")]
    pub stores: Vec<PathBuf>,

    /// Plain mode for screen readers and braille displays: numbered lines, one command per
    /// line, nothing redrawn. Also on with HERALD_PLAIN=1, ACCESSIBLE=1, config `plain = true`,
    /// TERM=dumb, or when input or output is not a terminal.
    #[arg(long)]
    pub plain: bool,

    /// In plain mode, wrap article text to this many columns (default: the terminal's width,
    /// or 80).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(10..))]
    pub width: Option<u16>,

    /// High-contrast mode: the terminal's own colours, emphasis by bold, underline and reverse.
    #[arg(long)]
    pub high_contrast: bool,

    /// Colour theme.
    #[arg(long, value_enum, value_name = "NAME")]
    pub theme: Option<crate::app::ThemeName>,

    /// When to use colour (auto honours NO_COLOR).
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<crate::app::options::ColorChoice>,

    /// Draw on the normal screen instead of the alternate screen.
    #[arg(long)]
    pub no_alt_screen: bool,

    /// Hide the status bar (messages and the search prompt still appear there).
    #[arg(long)]
    pub no_status_bar: bool,

    /// Where the article goes: side by side with the list from 140 columns (auto), always
    /// beside it (side), always below it (stacked: no screen line mixes a headline with
    /// article text), or one pane at a time (single).
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<crate::app::options::PaneLayout>,

    /// The screen-reader profile: one pane at a time, rows of title then state, no scroll
    /// position re-read in the header (also config `profile = "screen-reader"`, ACCESSIBLE=1).
    #[arg(long)]
    pub screen_reader: bool,
}

impl ReadArgs {
    /// The reader's flags, for `reader::start`.
    pub fn reader_flags(&self) -> crate::config::resolve::Flags {
        crate::config::resolve::Flags {
            theme: self.theme,
            high_contrast: self.high_contrast,
            color: self.color,
            no_alt_screen: self.no_alt_screen,
            no_status_bar: self.no_status_bar,
            layout: self.layout,
            screen_reader: self.screen_reader,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print one line per article, newest first: date, BREAKING, store, title (--json: one
    /// JSON object per line, for scripts).
    List {
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
        /// Start each line with the article's id (what `herald show` takes), then a tab.
        #[arg(long, conflicts_with = "json")]
        ids: bool,
        /// One JSON object per line (JSON Lines), fields named as in the store format: id,
        /// title, published (YYYY-MM-DD), breaking, store, source, url, author, section, tags,
        /// and the reader's read and starred marks. A field an article lacks is null.
        #[arg(long)]
        json: bool,
        /// Only what is new since the last session ended, as `herald brief` means it: unread
        /// and published since then (with no session recorded, every unread article).
        #[arg(long)]
        new: bool,
    },
    /// What is new since the last session, breaking news first: a count, then each story's
    /// title and first sentence, as plain sentences.
    Brief {
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
    },
    /// Print a line per breaking article as it arrives, until stopped (for a tmux status line,
    /// a second terminal or a speech synthesizer).
    ///
    /// Stores are watched for changes (and fetched with --fetch); what is already there at
    /// start is never printed. A line: `BREAKING 2026-12-03 14:05 Reuters: Title`, the time
    /// in UTC, the source (else the store), the title cleaned of every escape sequence. Ends
    /// with status 0 on SIGINT, SIGTERM, SIGHUP or when its output pipe closes.
    Watch {
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
        /// Every new article, not only breaking news (ordinary ones without the BREAKING word).
        #[arg(long)]
        all: bool,
        /// One JSON object per line, with the fields of `herald list --json`.
        #[arg(long)]
        json: bool,
        /// Also send a desktop notification through the terminal (OSC 9, 777 or 99, as the
        /// reader does; several arrivals within a minute are one), written to /dev/tty so the
        /// output can still go to a pipe. `notify = "off"` in the config still wins.
        #[arg(long)]
        notify: bool,
        /// Fetch the subscribed feeds while watching, each when its schedule says it is due.
        #[arg(long)]
        fetch: bool,
    },
    /// Fetch the subscribed feeds that are due (see `herald feeds`) into their stores, one
    /// line per feed. Exit 0 when none failed.
    Fetch {
        /// Only these feeds (by name or URL); default: all.
        #[arg(value_name = "NAME|URL")]
        feeds: Vec<String>,
        /// Fetch them even if Herald's own schedule says not yet (a server's Retry-After is
        /// still honoured).
        #[arg(long)]
        force: bool,
    },
    /// Print one article as plain text.
    Show {
        /// The article's id (as `herald list --ids` or the store file shows it).
        id: String,
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
        /// Only look in the store with this name (ids are unique only within a store).
        #[arg(long, value_name = "NAME")]
        store: Option<String>,
        /// Wrap the body to this many columns (default: the terminal's width, or 80).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(10..))]
        width: Option<u16>,
        /// Print the article as one line of JSON: the fields of `herald list --json` and
        /// updated, summary, body, html and enclosures.
        #[arg(long, conflicts_with = "width")]
        json: bool,
    },
    /// Mark every article of the stores read (all stores when none is named), or only those
    /// published before a day, and print how many. The marks are merged into the reader
    /// state as the reader's own saves are, so a reader running meanwhile loses nothing.
    MarkRead {
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
        /// Only articles published before this day (YYYY-MM-DD, the day as the store wrote
        /// it, as `herald list` shows it). Undated articles are left as they are.
        #[arg(long, value_name = "DATE")]
        before: Option<crate::present::mark::Day>,
    },
    /// Validate stores and print every problem; exit 1 if there is any.
    Check {
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
    },
    /// Import a feed (RSS, Atom, JSON Feed) or a saved text page into a native store.
    Import(ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `herald man > herald.1`.
    Man,
    /// Maintain the reader state (read and starred marks).
    #[command(subcommand)]
    State(StateCommand),
    /// Subscriptions: the feeds `herald fetch` gets, kept in feeds.toml beside the config
    /// file (one [[feed]] table each; the commands keep hand edits and comments).
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Serve the reader over SSH to people with no account here: a pty gets the full-screen
    /// reader, `ssh -T` plain mode, `ssh HOST list` (show ID, brief, help) one command.
    /// Nothing else is allowed: no shell, no sftp, no forwarding, no password.
    Serve(ServeArgs),
    /// Say which config file is used and check it (exit 1 on a problem); `--default` prints a
    /// commented file with every setting and its default.
    Config {
        /// Print the default config file, every setting commented out.
        #[arg(long)]
        default: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Forget marks of articles that are no longer in the given stores (default: the stores
    /// the config lists, or the default stores folder; never the built-in sample). Marks of
    /// stores that are not open are kept: they may come back. Nothing is compacted unless
    /// every store reads completely and cleanly (`herald check` says why not).
    Compact {
        #[arg(value_name = "STORE")]
        stores: Vec<PathBuf>,
        /// Print the marks that would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Subscribe to a feed (RSS, Atom or JSON Feed) by its http or https URL. Its articles go
    /// to a store of its own in the default stores folder, which the reader opens.
    Add {
        /// The feed's address, e.g. https://example.com/feed.xml.
        url: String,
        /// What the feed is called (default: its URL's host and path). Names are unique.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// A tag for the feed; give --tag once for each tag.
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
    },
    /// Unsubscribe from a feed, named by its name or URL. Its store file is kept.
    Remove {
        /// The feed's name (as `herald feeds list` shows it) or its URL.
        #[arg(value_name = "NAME|URL")]
        feed: String,
    },
    /// One line per feed: name, URL, store, articles in the store, tags. Problems in
    /// feeds.toml are reported with their lines (exit 1), and the other feeds still listed.
    List,
    /// Subscribe to every feed of an OPML file exported by another reader; folders become
    /// tags, and feeds already subscribed are skipped.
    Import {
        /// The OPML file; `-` reads standard input.
        #[arg(value_name = "FILE.opml")]
        file: PathBuf,
    },
    /// Print the subscriptions as OPML 2.0 (for newsboat, newsraft and other readers).
    Export,
}

/// `herald import FILE... --into STORE.json`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The feeds or saved pages to import, or folders of them (their files, in name order);
    /// `-` reads standard input. Each is reported on its own line.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The native store to create or merge into (a .json file).
    #[arg(long, value_name = "STORE.json")]
    pub into: PathBuf,
    /// Name of a new store (default: the feed's title). An existing store keeps its name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Set every imported article's source (default: the feed's title).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Set every imported article's section.
    #[arg(long, value_name = "NAME")]
    pub section: Option<String>,
}

/// `herald serve [--listen ADDR] [--anonymous] [--authorized-keys FILE] [STORE]...`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Store files (.json, .jsonl) or folders of them, shared by every session.
    #[arg(value_name = "STORE")]
    pub stores: Vec<PathBuf>,
    /// The address and port to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:2222")]
    pub listen: std::net::SocketAddr,
    /// Let anyone in, with any key or none (their marks last as long as the session).
    #[arg(long)]
    pub anonymous: bool,
    /// The public keys of readers (OpenSSH authorized_keys format); each reader's marks are
    /// kept under the data directory by key.
    #[arg(long, value_name = "FILE")]
    pub authorized_keys: Option<PathBuf>,
    /// Connections open at once, from everyone.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_sessions: usize,
    /// Connections open at once from one address.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub max_per_address: usize,
    /// Close a connection that sends nothing for this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    pub idle_timeout: u64,
    /// Close a connection not authenticated within this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub auth_timeout: u64,
    /// Authentication attempts one address may make per minute.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub auth_attempts: usize,
}
