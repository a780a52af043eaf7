//! The change log: ops, their hash chains, the clock, and the fold into state (DESIGN §2).

pub mod apply;
pub mod hlc;
pub mod op;

pub use apply::{apply, rebuild, ApplyError, Kv, Mark, Stamp, Stored};
pub use hlc::Hlc;
pub use op::{DeviceId, Hash, Op, Payload};
