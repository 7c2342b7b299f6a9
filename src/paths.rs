//! Where Herald keeps its own files, from the platform's conventions (`directories`; on Linux
//! `XDG_DATA_HOME`, `XDG_CONFIG_HOME` and `XDG_CACHE_HOME` are honoured).

use std::path::PathBuf;

use directories::ProjectDirs;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "herald")
}

/// `$XDG_DATA_HOME/herald`: reader state and the default stores folder.
pub fn data_dir() -> Option<PathBuf> {
    project().map(|p| p.data_dir().to_path_buf())
}

/// `$XDG_CONFIG_HOME/herald/config.toml`.
pub fn config_file() -> Option<PathBuf> {
    project().map(|p| p.config_dir().join("config.toml"))
}

/// `$XDG_CONFIG_HOME/herald/feeds.toml`: the subscriptions, beside config.toml but a file of
/// their own, so the commands that edit them never rewrite hand-tuned settings.
pub fn feeds_file() -> Option<PathBuf> {
    project().map(|p| p.config_dir().join("feeds.toml"))
}

/// The folder Herald reads when no store is named and the config lists none.
pub fn default_stores_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("stores"))
}

/// `$XDG_CACHE_HOME/herald`: rebuildable data only.
pub fn cache_dir() -> Option<PathBuf> {
    project().map(|p| p.cache_dir().to_path_buf())
}
