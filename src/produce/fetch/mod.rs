//! Fetching subscribed feeds over the network: [`http`] is one polite GET of one feed.

pub mod http;
