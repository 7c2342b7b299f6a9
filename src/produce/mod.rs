//! What writes stores: [`import`] today, the feed fetcher next ([`fetch`]). Producers write
//! native stores atomically; the reader only ever reads them.

pub mod fetch;
pub mod import;
