//! The registry: providers, and services with their target groups and search terms.

use super::Writer;
use crate::db::bulk::{BulkInsert, Lit};
use crate::db::schema::{
    provider_status_periods, providers, service_periods, service_search_terms,
    service_target_groups, services,
};
use crate::domain::registry::search_terms;
use crate::domain::registry::{ProviderStatus, ServiceStatus};

impl Writer<'_, '_> {
    pub(in crate::demo) fn providers(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress
            .start("providers", plan.providers.len() as u64);
        self.table(
            (
                providers::id,
                providers::name,
                providers::register_number,
                providers::legal_status,
                providers::sector,
                providers::municipality,
                providers::address,
                providers::phone,
                providers::email,
                providers::website,
                providers::status,
                providers::registered_on,
                providers::status_changed_on,
                providers::excluded_on,
                providers::version,
                providers::created_at,
                providers::updated_at,
            ),
            &plan.providers,
            0,
            |insert, p| {
                insert.row(&[
                    p.id.into(),
                    (&p.name).into(),
                    (&p.register_number).into(),
                    p.legal.into(),
                    p.legal.sector().into(),
                    (&plan.reference.municipalities[p.municipality].code).into(),
                    (&p.address).into(),
                    p.phone.as_ref().into(),
                    p.email.as_ref().into(),
                    p.website.as_ref().into(),
                    p.status.into(),
                    p.registered_on.into(),
                    p.status_changed_on.into(),
                    Lit::Null,
                    Lit::Int(1),
                    p.created_at.into(),
                    p.updated_at.into(),
                ]);
            },
        )?;
        // Active from registration until the last status change, as the migration that
        // introduced the periods reconstructs them.
        self.table(
            (
                provider_status_periods::provider_id,
                provider_status_periods::starts_on,
                provider_status_periods::ends_on,
                provider_status_periods::status,
            ),
            &plan.providers,
            0,
            |insert, p| match p.status_changed_on {
                Some(on) if p.status != ProviderStatus::Active && on > p.registered_on => {
                    insert.row(&[
                        p.id.into(),
                        p.registered_on.into(),
                        on.into(),
                        ProviderStatus::Active.into(),
                    ]);
                    insert.row(&[p.id.into(), on.into(), Lit::Null, p.status.into()]);
                }
                _ => insert.row(&[
                    p.id.into(),
                    p.registered_on.into(),
                    Lit::Null,
                    p.status.into(),
                ]),
            },
        )?;
        self.progress.finish();
        Ok(())
    }

    pub(in crate::demo) fn services(&mut self) -> anyhow::Result<()> {
        let plan = self.plan;
        self.progress.start("services", plan.services.len() as u64);
        let mut services = BulkInsert::new(
            self.conn,
            (
                services::id,
                services::provider_id,
                services::service_type,
                services::name,
                services::name_en,
                services::description,
                services::description_en,
                services::municipality,
                services::address,
                services::capacity,
                services::status,
                services::price_cents,
                services::price_unit,
                services::closed_on,
                services::version,
                services::created_at,
                services::updated_at,
            ),
        );
        let mut groups = BulkInsert::new(
            self.conn,
            (
                service_target_groups::service_id,
                service_target_groups::target_group,
            ),
        );
        let mut terms = BulkInsert::new(
            self.conn,
            (service_search_terms::term, service_search_terms::service_id),
        );
        let mut periods = BulkInsert::new(
            self.conn,
            (
                service_periods::service_id,
                service_periods::starts_on,
                service_periods::ends_on,
                service_periods::status,
                service_periods::capacity,
            ),
        );
        for (i, s) in plan.services.iter().enumerate() {
            services.row(&[
                s.id.into(),
                plan.providers[s.provider].id.into(),
                (&plan.reference.types[s.service_type].code).into(),
                (&s.name).into(),
                (&s.name_en).into(),
                s.description.as_ref().into(),
                s.description_en.as_ref().into(),
                (&plan.reference.municipalities[s.municipality].code).into(),
                (&s.address).into(),
                s.capacity.into(),
                s.status.into(),
                s.price.as_ref().map(|p| p.0).into(),
                s.price.as_ref().map(|p| &p.1).into(),
                s.closed_on.into(),
                Lit::Int(1),
                s.created_at.into(),
                s.created_at.into(),
            ]);
            for g in &s.groups {
                groups.row(&[s.id.into(), g.into()]);
            }
            // A closed service was active from its creation until it closed.
            let created = s.created_at.date();
            match s.closed_on {
                Some(closed) if s.status == ServiceStatus::Closed && closed > created => {
                    let active = ServiceStatus::Active;
                    periods.row(&[
                        s.id.into(),
                        created.into(),
                        closed.into(),
                        active.into(),
                        s.capacity.into(),
                    ]);
                    periods.row(&[
                        s.id.into(),
                        closed.into(),
                        Lit::Null,
                        s.status.into(),
                        s.capacity.into(),
                    ]);
                }
                _ => periods.row(&[
                    s.id.into(),
                    created.into(),
                    Lit::Null,
                    s.status.into(),
                    s.capacity.into(),
                ]),
            }
            // The words `db::services::insert` stores for search.
            let texts = [
                Some(s.name.as_str()),
                Some(s.name_en.as_str()),
                s.description.as_deref(),
                s.description_en.as_deref(),
            ];
            for term in search_terms(texts.into_iter().flatten()) {
                terms.row(&[(&term).into(), s.id.into()]);
            }
            // Children go out only after the services they reference.
            if services.end_group(self.conn)? {
                groups.flush(self.conn)?;
                terms.flush(self.conn)?;
                periods.flush(self.conn)?;
            }
            self.progress.tick(i as u64 + 1);
        }
        self.done(services)?;
        self.done(groups)?;
        self.done(terms)?;
        self.done(periods)?;
        self.progress.finish();
        Ok(())
    }
}
