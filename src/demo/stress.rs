//! The stress scale: ten times the province's people (400,000) and enterprises, about 1,000,000
//! ops, for the growth column of docs/performance.md. Same generator as the province, so the
//! records look the same and only the numbers grow.
//!
//! Sessions grow less than people: each session enrols 40-120 people whatever the scale, so
//! 2,500 sessions (and 30,000 people on each online day) bring the log to about a million ops
//! rather than to ten times the province's. Payloads are committed in batches as elsewhere.

use super::Sizes;

pub const SIZES: Sizes = Sizes {
    enterprises: 120_000,
    people: 400_000,
    sessions: 2_500,
    online_enrolled: 30_000,
};
