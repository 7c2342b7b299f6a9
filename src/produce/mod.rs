//! What writes stores: [`import`] today, the feed fetcher next. Producers write native stores
//! atomically; the reader only ever reads them.

pub mod import;
