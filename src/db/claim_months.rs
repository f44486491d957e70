//! What a month's claim is computed from, kept per adult DI client and month
//! (`claim_months`, `domain::subsidy::ClientMonth`): derived from the record like
//! `db::derived`'s runs. Every write to a client rewrites its months in the same transaction
//! (`db::derived::sync_client`, after the client's runs), as does every delivery recorded;
//! [`rebuild`] computes them all (after the migration that adds them, and after the demo
//! data is loaded). A claim, or every municipality's claims of a month, then reads one row
//! per client.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::bulk::BulkInsert;
use super::deliveries::latest_versions;
use super::derived::{Dates, interval};
use super::schema::{
    assessments, claim_months, client_runs, placements, service_deliveries, service_types, services,
};
use super::{DbConnection, MultiBackend, QueryResult};
use crate::domain::assessment::CareLevel;
use crate::domain::client::TargetGroup;
use crate::domain::codes::{MunicipalityCode, ServiceTypeCode};
use crate::domain::history::Dated;
use crate::domain::ids::{AssessmentId, ClientId, ServiceId};
use crate::domain::interval::Interval;
use crate::domain::registry::Setting;
use crate::domain::subsidy::{
    ClientMonth, ClientRecord, GROUP_APARTMENTS, Month, MonthDays, client_month,
};

/// The facts the client months of `only` (one client) or of every client are computed
/// from, each read once.
#[derive(Default)]
struct Record {
    /// The days of each community service delivered per client and month (latest versions).
    delivered: BTreeMap<(ClientId, NaiveDate), MonthDays>,
    /// The client's runs: when, whose case, which target group.
    runs: HashMap<ClientId, Vec<(Interval, MunicipalityCode, TargetGroup)>>,
    assessments: HashMap<ClientId, Vec<Dated>>,
    /// The client's placements in a group apartment.
    group_apartments: HashMap<ClientId, Vec<Interval>>,
}

impl Record {
    fn load(conn: &mut DbConnection, only: Option<ClientId>) -> QueryResult<Record> {
        let mut record = Record::default();
        let mut delivered = service_deliveries::table
            .inner_join(services::table.inner_join(service_types::table))
            .filter(service_types::setting.eq(Setting::Community))
            .into_boxed::<MultiBackend>();
        let mut runs = client_runs::table.into_boxed::<MultiBackend>();
        let mut assessed = assessments::table.into_boxed::<MultiBackend>();
        let apartments: Vec<ServiceTypeCode> = GROUP_APARTMENTS.map(ServiceTypeCode::new).to_vec();
        let mut placed = placements::table
            .inner_join(services::table)
            .filter(services::service_type.eq_any(apartments))
            .into_boxed::<MultiBackend>();
        if let Some(id) = only {
            delivered = delivered.filter(service_deliveries::client_id.eq(id));
            runs = runs.filter(client_runs::client_id.eq(id));
            assessed = assessed.filter(assessments::client_id.eq(id));
            placed = placed.filter(placements::client_id.eq(id));
        }
        let rows: Vec<(ClientId, ServiceId, NaiveDate, i32, MonthDays)> = delivered
            .select((
                service_deliveries::client_id,
                service_deliveries::service_id,
                service_deliveries::month,
                service_deliveries::version,
                service_deliveries::days,
            ))
            .load(conn)?;
        for (client_id, _, month, _, days) in latest_versions(rows, |d| (d.0, d.1, d.2), |d| d.3) {
            let all = record.delivered.entry((client_id, month)).or_default();
            *all = all.union(days);
        }
        if record.delivered.is_empty() {
            // Nothing delivered, no month: the rest need not be read.
            return Ok(record);
        }
        for (client_id, dates, municipality, target_group) in runs
            .select((
                client_runs::client_id,
                (client_runs::starts_on, client_runs::ends_on),
                client_runs::municipality,
                client_runs::target_group,
            ))
            .load::<(ClientId, Dates, MunicipalityCode, TargetGroup)>(conn)?
        {
            record.runs.entry(client_id).or_default().push((
                interval(dates),
                municipality,
                target_group,
            ));
        }
        for (client_id, id, assessed_on, care_level, next_reassessment_due) in assessed
            .select((
                assessments::client_id,
                assessments::id,
                assessments::assessed_on,
                assessments::care_level,
                assessments::next_reassessment_due,
            ))
            .load::<(ClientId, AssessmentId, NaiveDate, CareLevel, NaiveDate)>(conn)?
        {
            record
                .assessments
                .entry(client_id)
                .or_default()
                .push(Dated {
                    id,
                    assessed_on,
                    care_level,
                    next_reassessment_due,
                });
        }
        for (client_id, dates) in placed
            .select((
                placements::client_id,
                (placements::started_on, placements::ended_on),
            ))
            .load::<(ClientId, Dates)>(conn)?
        {
            record
                .group_apartments
                .entry(client_id)
                .or_default()
                .push(interval(dates));
        }
        Ok(record)
    }

    /// Each month with a community service delivered that counts in a claim
    /// (`domain::subsidy::client_month`).
    fn months(&self) -> Vec<(Month, ClientMonth)> {
        self.delivered
            .iter()
            .filter_map(|(&(client_id, first), &delivered)| {
                let client = ClientRecord {
                    client_id,
                    runs: self.runs.get(&client_id).map_or(&[][..], Vec::as_slice),
                    assessments: self
                        .assessments
                        .get(&client_id)
                        .map_or(&[][..], Vec::as_slice),
                    group_apartments: self
                        .group_apartments
                        .get(&client_id)
                        .map_or(&[][..], Vec::as_slice),
                };
                let month = Month::of(first);
                client_month(client, month, delivered).map(|m| (month, m))
            })
            .collect()
    }
}

fn insert(conn: &mut DbConnection, months: &[(Month, ClientMonth)]) -> QueryResult<()> {
    use claim_months as c;
    let mut out = BulkInsert::new(
        conn,
        (
            c::client_id,
            c::month,
            c::municipality,
            c::assessment_id,
            c::assessed_on,
            c::care_level,
            c::next_reassessment_due,
            c::in_group_apartment,
            c::delivered_days,
        ),
    );
    for (month, m) in months {
        let a = m.assessment;
        out.row(&[
            m.client_id.get().into(),
            month.first().into(),
            (&m.municipality).into(),
            a.map(|a| a.id.get()).into(),
            a.map(|a| a.assessed_on).into(),
            a.map(|a| a.care_level).into(),
            a.map(|a| a.next_reassessment_due).into(),
            m.in_group_apartment.into(),
            m.delivered.into(),
        ]);
        out.end_group(conn)?;
    }
    out.finish(conn).map(drop)
}

/// Rewrites the client's months from the record (the client's runs already rewritten).
pub fn sync_client(conn: &mut DbConnection, client_id: ClientId) -> QueryResult<()> {
    let record = Record::load(conn, Some(client_id))?;
    if record.delivered.is_empty() {
        // Deliveries are never removed: a client without any never had a month.
        return Ok(());
    }
    let months = record.months();
    diesel::delete(claim_months::table.filter(claim_months::client_id.eq(client_id)))
        .execute(conn)?;
    insert(conn, &months)
}

/// Computes every client's months from the record, replacing what is there.
pub fn rebuild(conn: &mut DbConnection) -> QueryResult<()> {
    let months = Record::load(conn, None)?.months();
    diesel::delete(claim_months::table).execute(conn)?;
    insert(conn, &months)
}

type Stored = (
    ClientId,
    MunicipalityCode,
    Option<AssessmentId>,
    Option<NaiveDate>,
    Option<CareLevel>,
    Option<NaiveDate>,
    bool,
    MonthDays,
);

/// The client months of `month`, of every municipality or of one (in no particular order:
/// `domain::subsidy::lines` orders the lines).
pub fn of_month(
    conn: &mut DbConnection,
    municipality: Option<&MunicipalityCode>,
    month: Month,
) -> QueryResult<Vec<ClientMonth>> {
    use claim_months as c;
    let mut query = c::table
        .filter(c::month.eq(month.first()))
        .into_boxed::<MultiBackend>();
    if let Some(code) = municipality {
        query = query.filter(c::municipality.eq(code.clone()));
    }
    query
        .select((
            c::client_id,
            c::municipality,
            c::assessment_id,
            c::assessed_on,
            c::care_level,
            c::next_reassessment_due,
            c::in_group_apartment,
            c::delivered_days,
        ))
        .load::<Stored>(conn)?
        .into_iter()
        .map(
            |(client_id, municipality, id, on, level, due, group, delivered)| {
                let assessment = match (id, on, level, due) {
                    (
                        Some(id),
                        Some(assessed_on),
                        Some(care_level),
                        Some(next_reassessment_due),
                    ) => Some(Dated {
                        id,
                        assessed_on,
                        care_level,
                        next_reassessment_due,
                    }),
                    (None, None, None, None) => None,
                    _ => {
                        return Err(diesel::result::Error::DeserializationError(
                            "an impossible value in claim_months.assessment_id".into(),
                        ));
                    }
                };
                Ok(ClientMonth {
                    municipality,
                    client_id,
                    assessment,
                    in_group_apartment: group,
                    delivered,
                })
            },
        )
        .collect()
}
