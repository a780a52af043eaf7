//! How big a demo store is: the three scales and what each generates.

use super::stress;

/// How big a demo store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Scale {
    /// 鄂州: the city office, its five units, about 1,500 people
    #[default]
    City,
    /// All 17 cities and 103 counties, about 40,000 people
    Province,
    /// Ten times the province: about 400,000 people and 1,000,000 ops, for benchmarks
    Stress,
}

/// How much to generate. `Sizes::of` gives the real demo; tests use smaller ones through the same
/// code path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub enterprises: usize,
    pub people: usize,
    /// Sessions in all: the joint ones, the 3 online days, the exams and the makeup included.
    pub sessions: usize,
    /// People enrolled in the online training (the same people on each of its days).
    pub online_enrolled: usize,
}

impl Sizes {
    pub fn of(scale: Scale) -> Sizes {
        match scale {
            Scale::City => Sizes {
                enterprises: 400,
                people: 1500,
                sessions: 28,
                online_enrolled: 120,
            },
            Scale::Province => Sizes {
                enterprises: 12_000,
                people: 40_000,
                sessions: 2_000,
                online_enrolled: 3_000,
            },
            Scale::Stress => stress::SIZES,
        }
    }
}
