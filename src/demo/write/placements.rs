//! Placements and the DI transitions they made.

use std::collections::HashMap;

use super::Writer;
use crate::db::schema::{di_transitions, placements};
use crate::demo::CREATED_BY;
use crate::domain::disclosure::random_record_key;

impl Writer<'_, '_> {
    pub(in crate::demo) fn placements(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        // A transition carries the key of the placement that began it.
        let keys: HashMap<i64, i32> = plan
            .placements
            .iter()
            .map(|p| (p.id, random_record_key()))
            .collect();
        self.progress.start(
            "placements",
            (plan.placements.len() + plan.transitions.len()) as u64,
        );
        self.table(
            (
                placements::id,
                placements::client_id,
                placements::service_id,
                placements::institutional,
                placements::started_on,
                placements::ended_on,
                placements::end_reason,
                placements::time_limit_rule,
                placements::time_limit_on,
                placements::created_by,
                placements::created_at,
                placements::record_key,
            ),
            &plan.placements,
            0,
            |insert, p| {
                insert.row(&[
                    p.id.into(),
                    plan.clients[p.client].id.into(),
                    plan.services[p.service].id.into(),
                    p.institutional.into(),
                    p.started_on.into(),
                    p.ended_on.into(),
                    p.end_reason.into(),
                    p.time_limit.map(|t| t.0).into(),
                    p.time_limit.map(|t| t.1).into(),
                    CREATED_BY.into(),
                    p.created_at.into(),
                    keys[&p.id].into(),
                ]);
            },
        )?;
        self.table(
            (
                di_transitions::id,
                di_transitions::client_id,
                di_transitions::transitioned_on,
                di_transitions::placement_id,
                di_transitions::created_at,
                di_transitions::record_key,
            ),
            &plan.transitions,
            plan.placements.len(),
            |insert, t| {
                insert.row(&[
                    t.id.into(),
                    plan.clients[t.client].id.into(),
                    t.on.into(),
                    t.placement_id.into(),
                    t.created_at.into(),
                    keys[&t.placement_id].into(),
                ]);
            },
        )?;
        self.progress.finish();
        Ok(())
    }
}
