//! Large crowds of plausible people without a store, for search benchmarks at province scale.

use std::collections::HashSet;

use color_eyre::eyre::Result;

use super::names;
use super::rng::Rng;
use crate::campaign::campaign;
use crate::domain::EnterpriseCategory;
use crate::search::Candidate;

/// `n` people with names, unique mobiles, participant codes and enterprises; same seed, same crowd.
pub fn crowd(seed: u64, n: usize) -> Result<Vec<Candidate>> {
    let mut rng = Rng::new(seed);
    let mut used = HashSet::with_capacity(n);
    let places: Vec<String> = campaign()
        .cities()
        .iter()
        .map(|c| c.short.clone())
        .collect();
    let mut taken = HashSet::new();
    let enterprises: Vec<String> = (0..(n / 4).max(1))
        .map(|_| names::company(&mut rng, &places, EnterpriseCategory::TechSme, &mut taken))
        .collect::<Result<_>>()?;
    let mut people = Vec::with_capacity(n);
    for i in 0..n {
        people.push(Candidate {
            id: format!("P-{i}"),
            name: names::person_name(&mut rng),
            phone: names::mobile(&mut rng, &mut used)?,
            code: format!("{:05}", i),
            enterprise: rng.pick(&enterprises).clone(),
            position: String::new(),
        });
    }
    Ok(people)
}
