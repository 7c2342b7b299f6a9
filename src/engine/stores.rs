//! Deciding which stores to open when the user named none.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::LoadedConfig;
use crate::engine::store::StoreSource;

/// The stores to open and, when Herald fell back to its built-in sample, a note saying so.
pub struct Selection {
    pub sources: Vec<StoreSource>,
    /// Store names the config file gives to some of `sources` (`[[store]] name`).
    pub names: BTreeMap<PathBuf, String>,
    pub note: Option<String>,
}

/// Stores named on the command line win; then the config file's list; then the `stores/` folder
/// in the data directory when it exists; then the sample data built into the binary.
pub fn choose_sources(named: &[PathBuf], config: &LoadedConfig) -> Selection {
    if !named.is_empty() {
        return Selection {
            sources: named.iter().cloned().map(StoreSource::Path).collect(),
            names: BTreeMap::new(),
            note: None,
        };
    }
    if !config.config.stores.is_empty() {
        return Selection {
            sources: config
                .config
                .stores
                .iter()
                .cloned()
                .map(StoreSource::Path)
                .collect(),
            names: config.config.store_names.clone(),
            note: None,
        };
    }
    let stores_dir = crate::paths::default_stores_dir();
    if let Some(dir) = stores_dir.as_ref().filter(|d| d.is_dir()) {
        return Selection {
            sources: vec![StoreSource::Path(dir.clone())],
            names: BTreeMap::new(),
            note: None,
        };
    }
    let where_ = stores_dir.map_or_else(
        || "the stores/ folder of Herald's data directory".to_owned(),
        |d| crate::engine::store::source::display_path(&d),
    );
    Selection {
        sources: vec![StoreSource::Embedded],
        names: BTreeMap::new(),
        note: Some(format!(
            "No stores given: showing the sample data built into Herald. To read your own, \
             name them (herald PATH...), put .json or .jsonl files in {where_}, \
             or list them as `stores = [...]` in the config file."
        )),
    }
}
