//! Hybrid logical clock: wall-clock milliseconds plus a counter, so a device's ops are strictly
//! ordered even when its clock stalls or steps back.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    /// The next time after `self` given the wall clock reads `now_ms`.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                counter: self.counter.saturating_add(1),
            }
        }
    }

    /// Local time of day of this stamp, for the audit trail.
    pub fn to_datetime(self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::from_timestamp_millis(i64::try_from(self.wall_ms).ok()?)
    }
}

pub fn now_ms() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(now.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_strictly_increasing_even_when_the_clock_steps_back() {
        let a = Hlc::default().tick(1000);
        let b = a.tick(1000);
        let c = b.tick(900);
        let d = c.tick(2000);
        assert!(a < b && b < c && c < d);
        assert_eq!(
            d,
            Hlc {
                wall_ms: 2000,
                counter: 0
            }
        );
    }
}
