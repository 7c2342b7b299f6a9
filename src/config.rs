//! The config file (TOML, every setting optional), resolved into what the program uses.
//! A broken file is reported and ignored: a bad setting never stops anyone reading.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file as written. Unknown keys are reported, not fatal.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileConfig {
    /// Store files or folders to open when none is named on the command line.
    pub stores: Vec<PathBuf>,
    /// Read in plain mode (for screen readers and braille displays) when no flag says otherwise.
    pub plain: Option<bool>,
    /// The program that opens an article's link (key `o`); the link is its one argument.
    pub opener: Option<String>,
}

/// The config in force, plus problems to tell the user about.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    pub config: FileConfig,
    /// The file it came from, when one was read.
    pub path: Option<PathBuf>,
    pub problems: Vec<String>,
}

/// Reads `path`. A missing file is not a problem (all settings have defaults) unless the user
/// named it explicitly.
pub fn load(path: &Path, explicit: bool) -> LoadedConfig {
    let display = crate::store::source::display_path(path);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return LoadedConfig::default();
        }
        Err(error) => {
            return LoadedConfig {
                problems: vec![format!(
                    "{display}: cannot read config: {error}; using defaults"
                )],
                ..LoadedConfig::default()
            };
        }
    };
    parse(&text, &display, path)
}

fn parse(text: &str, display: &str, path: &Path) -> LoadedConfig {
    let mut problems = Vec::new();
    let config = match toml::from_str::<FileConfig>(text) {
        Ok(config) => config,
        Err(error) => {
            let place = error
                .span()
                .map(|span| crate::store::Position::of_offset(text, span.start))
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            problems.push(format!(
                "{display}{place}: {}; using defaults",
                error.message()
            ));
            FileConfig::default()
        }
    };
    // Relative store paths are relative to the config file, not to wherever Herald started.
    let base = path.parent().unwrap_or(Path::new("."));
    let stores = config
        .stores
        .into_iter()
        .map(|s| if s.is_relative() { base.join(s) } else { s })
        .collect();
    LoadedConfig {
        config: FileConfig { stores, ..config },
        path: Some(path.to_path_buf()),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_are_resolved_against_the_config_folder() {
        let loaded = parse(
            "stores = [\"news\", \"/abs/feed.json\"]\n",
            "c.toml",
            Path::new("/home/u/.config/herald/c.toml"),
        );
        assert!(loaded.problems.is_empty());
        assert_eq!(
            loaded.config.stores,
            [
                PathBuf::from("/home/u/.config/herald/news"),
                PathBuf::from("/abs/feed.json")
            ]
        );
    }

    #[test]
    fn a_broken_file_is_reported_with_its_position_and_ignored() {
        let loaded = parse("# comment\nstores = 5\n", "c.toml", Path::new("c.toml"));
        assert!(loaded.config.stores.is_empty());
        assert_eq!(loaded.problems.len(), 1);
        assert!(
            loaded.problems[0].starts_with("c.toml:2:10: "),
            "{}",
            loaded.problems[0]
        );
    }
}
