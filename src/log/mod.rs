//! The change log: ops, their hash chains, the clock, and the fold into state; who may write
//! what is `authority`.

pub mod apply;
mod apply_cert;
pub mod authority;
pub mod clean;
pub mod device;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod hlc;
pub mod keys;
pub mod lookup_buckets;
pub mod op;
pub mod per_office;
pub mod records;

pub use apply::{apply, authorise, primary_key, rebuild, ApplyError, Kv, Mark, Stamp, Stored};
pub use apply_cert::keys as apply_cert_keys;
pub use hlc::Hlc;
pub use op::{DeviceId, Hash, Op, Payload, SessionTally};
