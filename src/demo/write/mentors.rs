//! Social mentors with their trainings, and their assignments to clients.

use super::Writer;
use crate::db::bulk::{BulkInsert, Lit};
use crate::db::schema::{mentor_assignments, mentor_trainings, mentors};
use crate::demo::CREATED_BY;
use crate::demo::random::{during, rng_for};
use crate::domain::disclosure::random_record_key;

impl Writer<'_, '_> {
    pub(in crate::demo) fn mentors(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start("mentors", plan.mentors.len() as u64);
        let mut mentors = BulkInsert::new(
            self.conn,
            (
                mentors::id,
                mentors::given_name,
                mentors::family_name,
                mentors::employer_kind,
                mentors::employer_code,
                mentors::region,
                mentors::contract_type,
                mentors::phone,
                mentors::email,
                mentors::version,
                mentors::created_at,
                mentors::updated_at,
                mentors::record_key,
            ),
        );
        let mut trainings = BulkInsert::new(
            self.conn,
            (
                mentor_trainings::id,
                mentor_trainings::mentor_id,
                mentor_trainings::programme,
                mentor_trainings::hours,
                mentor_trainings::completed_on,
                mentor_trainings::created_at,
            ),
        );
        let mut training_id = plan.training_base_id;
        let mut rng = rng_for(self.seed, "training times");
        for (i, m) in plan.mentors.iter().enumerate() {
            mentors.row(&[
                m.id.into(),
                m.given.into(),
                m.family.into(),
                m.employer_kind.into(),
                (&m.employer_code).into(),
                (&plan.reference.regions[m.region].code).into(),
                m.contract.into(),
                m.phone.as_ref().into(),
                m.email.as_ref().into(),
                Lit::Int(1),
                m.created_at.into(),
                m.created_at.into(),
                random_record_key().into(),
            ]);
            for t in &m.trainings {
                trainings.row(&[
                    training_id.into(),
                    m.id.into(),
                    t.programme.into(),
                    t.hours.into(),
                    t.completed_on.into(),
                    during(&mut rng, t.completed_on).into(),
                ]);
                training_id += 1;
            }
            if mentors.end_group(self.conn)? {
                trainings.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done(mentors)?;
        self.done(trainings)?;
        self.progress.finish();
        Ok(())
    }

    pub(in crate::demo) fn assignments(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress
            .start("mentor assignments", plan.assignments.len() as u64);
        self.table(
            (
                mentor_assignments::id,
                mentor_assignments::mentor_id,
                mentor_assignments::client_id,
                mentor_assignments::started_on,
                mentor_assignments::ended_on,
                mentor_assignments::end_reason,
                mentor_assignments::created_by,
                mentor_assignments::created_at,
            ),
            &plan.assignments,
            0,
            |insert, a| {
                insert.row(&[
                    a.id.into(),
                    plan.mentors[a.mentor].id.into(),
                    plan.clients[a.client].id.into(),
                    a.started_on.into(),
                    a.ended_on.into(),
                    a.end_reason.into(),
                    CREATED_BY.into(),
                    a.created_at.into(),
                ]);
            },
        )?;
        self.progress.finish();
        Ok(())
    }
}
