//! What writes stores: [`import`] of a file, and the feed fetcher ([`fetch`]) with the
//! subscriptions it fetches ([`feeds`]). Producers write native stores atomically; the reader
//! only ever reads them.

pub mod feeds;
pub mod fetch;
pub mod import;
