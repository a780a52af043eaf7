//! Each unit's training plan for a year (what it has held against it is counted in
//! `sheets::plans`).

use color_eyre::eyre::Result;

use super::Store;
use crate::domain::plan::Plan;
use crate::log::apply::keys;
use crate::log::{Payload, Stored};

impl Store {
    /// `unit`'s plan for `year`, with who wrote it last.
    pub fn plan(&self, unit: &str, year: i32) -> Result<Option<Stored<Plan>>> {
        self.get_stored(&keys::plan(unit, year))
    }

    /// `unit`'s plan for `year` as it last reported it to its city: a plan changed since still
    /// stands in 附件2 as reported, not as the unit's draft. Read from the unit's own chains, the
    /// only ones that may write its plan.
    pub fn plan_as_reported(&self, unit: &str, year: i32) -> Result<Option<Plan>> {
        // Ordered as the fold orders writes to one record; an op the fold voided never counts.
        let mut reported: Option<((crate::log::Hlc, crate::log::DeviceId), Plan)> = None;
        for (device, head) in self.heads()? {
            if head.office != unit {
                continue;
            }
            for stored in self.chain(device) {
                let op = stored?.op()?;
                let at = (op.hlc, op.device);
                let Payload::PlanSet { unit: of, plan } = op.payload else {
                    continue;
                };
                let as_reported = of == unit
                    && plan.year == year
                    && plan.submitted.is_some()
                    && !plan.revised
                    && reported.as_ref().is_none_or(|(last, _)| at > *last);
                if as_reported && !self.is_voided(op.device, op.seq)? {
                    reported = Some((at, plan));
                }
            }
        }
        Ok(reported.map(|(_, plan)| plan))
    }
}
