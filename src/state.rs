//! TEMPORARY STUB so the reader branch compiles before `state.rs` lands on main. The real module
//! from main replaces this file at merge; only the API the lead announced is here.

use std::collections::HashSet;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArticleKey {
    pub store: String,
    pub id: String,
}

#[derive(Debug, Default)]
pub struct ReaderState {
    read: HashSet<(String, String)>,
    starred: HashSet<(String, String)>,
    last: Option<ArticleKey>,
}

impl ReaderState {
    pub fn in_memory() -> Self {
        Self::default()
    }
    pub fn open(_path: PathBuf) -> (Self, Vec<String>) {
        (Self::default(), Vec::new())
    }
    pub fn default_path() -> Option<PathBuf> {
        crate::paths::data_dir().map(|d| d.join("state.json"))
    }
    pub fn is_read(&self, store: &str, id: &str) -> bool {
        self.read.contains(&(store.to_owned(), id.to_owned()))
    }
    pub fn is_starred(&self, store: &str, id: &str) -> bool {
        self.starred.contains(&(store.to_owned(), id.to_owned()))
    }
    pub fn set_read(&mut self, store: &str, id: &str, read: bool) {
        let key = (store.to_owned(), id.to_owned());
        if read {
            self.read.insert(key);
        } else {
            self.read.remove(&key);
        }
    }
    pub fn set_starred(&mut self, store: &str, id: &str, starred: bool) {
        let key = (store.to_owned(), id.to_owned());
        if starred {
            self.starred.insert(key);
        } else {
            self.starred.remove(&key);
        }
    }
    pub fn last_selected(&self) -> Option<&ArticleKey> {
        self.last.as_ref()
    }
    pub fn set_last_selected(&mut self, key: ArticleKey) {
        self.last = Some(key);
    }
    pub fn save(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
