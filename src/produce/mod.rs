//! What writes stores: [`import`] today, the feed fetcher next, and the subscriptions it
//! fetches ([`feeds`]). Producers write native stores atomically; the reader only ever reads
//! them.

pub mod feeds;
pub mod import;
