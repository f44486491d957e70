//! Monthly claims (issue 18, point 3): a municipality is paid per result, monthly (INV-F06,
//! INV-F07): for each adult DI client who received community services in the month, the
//! Table 3 package of the client's care level, halved below half of the month's working days
//! (INV-F01, INV-F02; the decisions the seeds leave open are in `domain::subsidy`).
//!
//! An open month's claim is computed from the record whenever it is read. Closing it freezes
//! its lines (CLAIM-CLOSE); a later correction of what a closed month was computed from (a
//! delivery, an assessment, a placement recorded after the last closing) shows as an
//! adjustment line in the next claim to close (CLAIM-ADJUST), the difference between what the
//! closed month is due now and what the closed claims paid for it.

use std::collections::BTreeMap;

use actix_web::{get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audit::Caller;
use super::paths::ClaimPath;
use super::stats::StatsCache;
use crate::auth::AuthUser;
use crate::db::audit::Discloses;
use crate::db::claims::{self as q, ClaimRow};
use crate::db::{Db, DbConnection};
use crate::domain::access::{
    ClaimList, ClaimReach, claim_access, claim_in_reach, claim_list, may_close_claim,
};
use crate::domain::assessment::CareLevel;
use crate::domain::audit::{AuditAction, Subject};
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::{AssessmentId, ClientId, TariffId};
use crate::domain::money;
use crate::domain::subsidy::{
    Calendar, Line, LivingSituation, Month, Subsidy, adjustment, check_close, lines, total,
};
use crate::error::ApiResult;

/// One client's line on a claim: the subsidy of a month with every input it is computed
/// from. An adjustment line (`month` before the claim's) corrects a closed month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimLine {
    pub client_id: ClientId,
    /// The month the line pays for.
    pub month: Month,
    /// The assessment current on that month's last day, which set its care level (INV-A01);
    /// `null` on an adjustment for a client no longer due anything for that month.
    pub assessment_id: Option<AssessmentId>,
    pub assessed_on: Option<NaiveDate>,
    pub care_level: Option<CareLevel>,
    /// Where the client lived on the month's last day, as Table 3 prices it.
    pub living_situation: Option<LivingSituation>,
    /// The Table 3 monthly package (tariff version) of the care level and living situation.
    pub tariff_id: Option<TariffId>,
    #[schema(example = "pkg_adult_l3_group_apartment")]
    pub tariff_code: Option<String>,
    /// EUR.
    #[schema(example = "862.68")]
    pub package: String,
    /// Working days on which a community service was delivered (every service together).
    pub delivered_days: u32,
    /// The month's working days: Monday to Friday, not a public holiday.
    pub working_days: u32,
    /// Fewer than half of the working days had a delivery: the package is halved (INV-F01).
    pub halved: bool,
    /// What the month is due, EUR.
    #[schema(example = "862.68")]
    pub due: String,
    /// On an adjustment: what the closed claims already paid for the month, EUR.
    pub already_claimed: Option<String>,
    /// What this claim pays on the line, EUR (an adjustment may be negative).
    #[schema(example = "862.68")]
    pub amount: String,
    /// The rules applied.
    #[schema(example = json!(["INV-F01", "INV-F02", "INV-F06"]))]
    pub rules: Vec<&'static str>,
}

const LINE_RULES: [&str; 3] = ["INV-F01", "INV-F02", "INV-F06"];

fn line_view(line: &Line, amount: i64, already_claimed: Option<i64>) -> ClaimLine {
    let s = line.subsidy;
    let mut rules = LINE_RULES.to_vec();
    if already_claimed.is_some() {
        rules.push("CLAIM-ADJUST");
    }
    ClaimLine {
        client_id: line.client_id,
        month: line.month,
        assessment_id: line.assessment.map(|a| a.id),
        assessed_on: line.assessment.map(|a| a.assessed_on),
        care_level: line.assessment.map(|a| a.care_level),
        living_situation: line.living_situation,
        tariff_id: line.package.as_ref().map(|(id, _)| *id),
        tariff_code: line.package.as_ref().map(|(_, code)| code.clone()),
        package: money::eur(s.package_cents),
        delivered_days: s.delivered_days,
        working_days: s.working_days,
        halved: s.halved,
        due: money::eur(s.due_cents),
        already_claimed: already_claimed.map(money::eur),
        amount: money::eur(amount),
        rules,
    }
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Computed from the record as it is now.
    Open,
    /// Frozen when closed; corrections since show in the next claim.
    Closed,
}

/// A municipality's monthly claim.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Claim {
    pub municipality: MunicipalityCode,
    pub month: Month,
    pub status: ClaimStatus,
    pub closed_at: Option<DateTime<Utc>>,
    /// The token subject of who closed it.
    pub closed_by: Option<String>,
    pub working_days: u32,
    /// The month's public holidays (reference data), which are not working days.
    pub holidays: Vec<NaiveDate>,
    /// The month's lines, one per client paid (the municipality's own claims and an
    /// administrator; `null` for the ministry and regions, who see the totals).
    pub lines: Option<Vec<ClaimLine>>,
    /// Corrections of closed months (CLAIM-ADJUST): in the claim after the last closed one.
    pub adjustments: Option<Vec<ClaimLine>>,
    /// Clients on the month's lines (`null` with the lines).
    pub clients: Option<usize>,
    /// EUR: the month's lines, the adjustments, and both.
    #[schema(example = "12345.67")]
    pub lines_total: String,
    #[schema(example = "0.00")]
    pub adjustments_total: String,
    #[schema(example = "12345.67")]
    pub total: String,
}

/// A claim as computed or frozen.
struct Computed {
    municipality: MunicipalityCode,
    month: Month,
    closed: Option<ClaimRow>,
    calendar: Calendar,
    lines: Vec<Line>,
    /// Each with what the closed claims had paid and what this one pays.
    adjustments: Vec<(Line, i64, i64)>,
}

impl Computed {
    fn lines_total(&self) -> i64 {
        total(self.lines.iter().map(|l| l.subsidy.due_cents))
    }

    fn adjustments_total(&self) -> i64 {
        total(self.adjustments.iter().map(|(_, _, amount)| *amount))
    }

    fn view(&self, with_lines: bool) -> Claim {
        let (lines_total, adjustments_total) = (self.lines_total(), self.adjustments_total());
        Claim {
            municipality: self.municipality.clone(),
            month: self.month,
            status: match self.closed {
                Some(_) => ClaimStatus::Closed,
                None => ClaimStatus::Open,
            },
            closed_at: self.closed.as_ref().map(|c| c.closed_at.and_utc()),
            closed_by: self.closed.as_ref().map(|c| c.closed_by.clone()),
            working_days: self.calendar.working_days(),
            holidays: self.calendar.holidays.clone(),
            lines: with_lines.then(|| {
                self.lines
                    .iter()
                    .map(|l| line_view(l, l.subsidy.due_cents, None))
                    .collect()
            }),
            adjustments: with_lines.then(|| {
                self.adjustments
                    .iter()
                    .map(|(l, claimed, amount)| line_view(l, *amount, Some(*claimed)))
                    .collect()
            }),
            clients: with_lines.then_some(self.lines.len()),
            lines_total: money::eur(lines_total),
            adjustments_total: money::eur(adjustments_total),
            total: money::eur(lines_total + adjustments_total),
        }
    }
}

impl Discloses for Computed {
    fn disclosed(&self) -> Vec<ClientId> {
        self.lines
            .iter()
            .map(|l| l.client_id)
            .chain(self.adjustments.iter().map(|(l, _, _)| l.client_id))
            .collect()
    }
}

/// Where a municipality's claim of a month stands: the month's calendar, the claim if it is
/// closed, and the municipality's last closed month.
struct Standing {
    calendar: Calendar,
    closed: Option<ClaimRow>,
    last_closed: Option<Month>,
}

impl Standing {
    fn of(
        conn: &mut DbConnection,
        municipality: &MunicipalityCode,
        month: Month,
    ) -> ApiResult<Self> {
        Ok(Standing {
            calendar: q::calendar(conn, month)?,
            closed: q::closed(conn, municipality, month)?,
            last_closed: q::last_closed(conn, municipality)?,
        })
    }
}

/// The claim of `municipality` for `month`: as frozen if closed, else as the record shows it
/// now, with `lines` the month's lines when computed together for every municipality.
fn computed(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
    month: Month,
    standing: Standing,
    month_lines: Option<Vec<Line>>,
) -> ApiResult<Computed> {
    let Standing {
        calendar,
        closed,
        last_closed,
    } = standing;
    if let Some(closed) = closed {
        let mut lines = Vec::new();
        let mut adjustments = Vec::new();
        let stored = q::closed_lines(conn, municipality, month)?;
        for (line, amount) in q::stored_lines(conn, stored)? {
            if line.month == month {
                lines.push(line);
            } else {
                let claimed = line.subsidy.due_cents - amount;
                adjustments.push((line, claimed, amount));
            }
        }
        return Ok(Computed {
            municipality: municipality.clone(),
            month,
            closed: Some(closed),
            calendar,
            lines,
            adjustments,
        });
    }
    let lines = match month_lines {
        Some(lines) => lines,
        None => self::lines(&q::month_facts(conn, Some(municipality), month)?),
    };
    let next_to_close = last_closed == Some(month.previous());
    let adjustments = if next_to_close {
        adjustments(conn, municipality)?
    } else {
        Vec::new()
    };
    Ok(Computed {
        municipality: municipality.clone(),
        month,
        closed: None,
        calendar,
        lines,
        adjustments,
    })
}

/// CLAIM-ADJUST: for every closed month of `municipality` whose facts changed since the last
/// closing, each client's difference between what the month is due now and what the closed
/// claims paid for it.
fn adjustments(
    conn: &mut DbConnection,
    municipality: &MunicipalityCode,
) -> ApiResult<Vec<(Line, i64, i64)>> {
    let closed = q::closed_months(conn, municipality)?;
    let Some(since) = closed.iter().map(|c| c.closed_at).max() else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for claim in &closed {
        let month = Month::of(claim.month);
        if !q::changed_since(conn, month, since)? {
            continue;
        }
        let facts = q::month_facts(conn, Some(municipality), month)?;
        let mut now: BTreeMap<ClientId, Line> = lines(&facts)
            .into_iter()
            .map(|l| (l.client_id, l))
            .collect();
        let claimed = q::claimed_for(conn, municipality, month)?;
        let mut clients: Vec<ClientId> = now.keys().chain(claimed.keys()).copied().collect();
        clients.sort();
        clients.dedup();
        for client_id in clients {
            let paid = claimed.get(&client_id).copied().unwrap_or(0);
            let line = now.remove(&client_id).unwrap_or_else(|| Line {
                municipality: municipality.clone(),
                client_id,
                month,
                assessment: None,
                living_situation: None,
                package: None,
                subsidy: Subsidy {
                    package_cents: 0,
                    delivered_days: 0,
                    working_days: facts.calendar.working_days(),
                    halved: false,
                    due_cents: 0,
                },
            });
            if let Some(delta) = adjustment(line.subsidy.due_cents, paid) {
                found.push((line, paid, delta));
            }
        }
    }
    Ok(found)
}

/// The claim's municipality within the caller's reach (`403` otherwise).
fn check_reach(
    conn: &mut DbConnection,
    reach: &ClaimReach,
    municipality: &MunicipalityCode,
) -> ApiResult<()> {
    let region = q::region_of(conn, municipality)?;
    claim_in_reach(reach, municipality, &region)?;
    Ok(())
}

/// A municipality's claim for a month: for the municipality itself (and an administrator)
/// line by line, each client's subsidy with every input (care level and the assessment that
/// set it, living situation and the Table 3 package, days delivered against working days,
/// the halving, the rules applied), then the adjustments of closed months; for the ministry
/// and the municipality's planning region the totals only. An open month is computed as the
/// record is now; a closed one is as frozen. Reading the lines is audited once per client on
/// them (`claim.read`).
#[utoipa::path(
    tag = "money",
    params(ClaimPath),
    responses(
        (status = 200, body = Claim),
        (status = 403, response = super::problems::Forbidden),
        (status = 404, response = super::problems::NotFound),
    )
)]
#[get("/claims/{municipality}/{month}")]
pub async fn get_claim(
    db: web::Data<Db>,
    caller: Caller,
    path: web::Path<ClaimPath>,
) -> ApiResult<web::Json<Claim>> {
    let ClaimPath {
        municipality,
        month,
    } = path.into_inner();
    let action = AuditAction::ClaimRead;
    let claim = caller
        .write(
            &db,
            action,
            Subject::default(),
            move |conn, user, auditor| {
                let reach = claim_access(&user.scope)?;
                check_reach(conn, &reach, &municipality)?;
                let standing = Standing::of(conn, &municipality, month)?;
                let claim = computed(conn, &municipality, month, standing, None)?;
                let with_lines = matches!(reach, ClaimReach::Lines(_));
                if with_lines {
                    auditor.record_disclosed(conn, action, &claim)?;
                }
                Ok(claim.view(with_lines))
            },
        )
        .await?;
    Ok(web::Json(claim))
}

/// Closes (freezes) the municipality's claim for a month, once the month is over and after
/// the month before it, if that one was closed (CLAIM-CLOSE): its lines and the adjustments
/// of earlier closed months are kept as computed now, and later corrections go to the next
/// claim. The municipality closes its own claims; answered with the closed claim, audited
/// once per client on it (`claim.close`). A second close is `409`.
#[utoipa::path(
    tag = "money",
    params(ClaimPath),
    responses(
        (status = 200, body = Claim),
        (status = 403, response = super::problems::Forbidden),
        (status = 409, response = super::problems::Conflict),
    )
)]
#[post("/claims/{municipality}/{month}/close")]
pub async fn close_claim(
    db: web::Data<Db>,
    caller: Caller,
    path: web::Path<ClaimPath>,
) -> ApiResult<web::Json<Claim>> {
    let ClaimPath {
        municipality,
        month,
    } = path.into_inner();
    let action = AuditAction::ClaimClose;
    let claim = caller
        .write(
            &db,
            action,
            Subject::default(),
            move |conn, user, auditor| {
                may_close_claim(&user.scope, &municipality)?;
                q::lock(conn, &municipality)?;
                let standing = Standing::of(conn, &municipality, month)?;
                check_close(month, crate::domain::today(), standing.last_closed)?;
                let open = computed(conn, &municipality, month, standing, None)?;
                let closed = close(conn, open, user)?;
                auditor.record_disclosed(conn, action, &closed)?;
                Ok(closed.view(true))
            },
        )
        .await?;
    Ok(web::Json(claim))
}

/// Stores `open` as closed by `user`, now.
fn close(conn: &mut DbConnection, open: Computed, user: &AuthUser) -> ApiResult<Computed> {
    let row = ClaimRow {
        municipality: open.municipality.clone(),
        month: open.month.first(),
        working_days: open.calendar.working_days() as i32,
        total_cents: open.lines_total() + open.adjustments_total(),
        closed_by: user.sub.clone(),
        closed_at: Utc::now().naive_utc(),
    };
    let lines: Vec<_> = open
        .lines
        .iter()
        .map(|l| q::line_row(l, open.month, l.subsidy.due_cents))
        .chain(
            open.adjustments
                .iter()
                .map(|(l, _, amount)| q::line_row(l, open.month, *amount)),
        )
        .collect();
    q::close(conn, &row, &lines)?;
    Ok(Computed {
        closed: Some(row),
        ..open
    })
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimsQuery {
    /// The month (default: the month before this one, the latest that can close).
    pub month: Option<Month>,
    /// Only the municipalities of this planning region (a region coordinator's own, if given).
    pub region: Option<RegionCode>,
}

/// Every municipality's claim for a month within the caller's reach, as totals (no lines):
/// the ministry every municipality's, a planning region its municipalities', a municipality
/// its own, an administrator every one. Open months are computed from the record as it is now
/// (and kept until the record changes).
#[utoipa::path(
    tag = "money",
    params(ClaimsQuery),
    responses(
        (status = 200, body = Vec<Claim>),
        (status = 403, response = super::problems::Forbidden),
    )
)]
#[get("/claims")]
pub async fn list_claims(
    db: web::Data<Db>,
    cache: web::Data<StatsCache>,
    user: AuthUser,
    query: web::Query<ClaimsQuery>,
) -> ApiResult<web::Json<Vec<Claim>>> {
    let reach = claim_access(&user.scope)?;
    let ClaimsQuery { month, region } = query.into_inner();
    let list = claim_list(&reach, region.as_ref())?;
    let month = month.unwrap_or_else(|| Month::of(crate::domain::today()).previous());
    let claims = db
        .run(move |conn| -> ApiResult<Vec<Claim>> {
            let within: Vec<MunicipalityCode> = match list {
                ClaimList::Own(own) => vec![own],
                ClaimList::Region(region) => q::municipalities_in(conn, month, region.as_ref())?
                    .into_iter()
                    .map(|(code, _)| code)
                    .collect(),
            };
            // Every municipality's totals of the month, kept at the record's data version.
            let key = format!("claims:{month}");
            let all = cache.through(
                conn,
                key,
                |c: &Vec<Claim>| 400 * c.len(),
                |conn| national(conn, month),
            )?;
            Ok(all
                .iter()
                .filter(|c| within.contains(&c.municipality))
                .cloned()
                .collect())
        })
        .await?;
    Ok(web::Json(claims))
}

/// Every municipality's claim of `month`, as totals: the month's facts, calendar and closed
/// claims read once for all of them.
fn national(conn: &mut DbConnection, month: Month) -> ApiResult<Vec<Claim>> {
    let mut by_municipality: BTreeMap<MunicipalityCode, Vec<Line>> = BTreeMap::new();
    let facts = q::month_facts(conn, None, month)?;
    for line in lines(&facts) {
        by_municipality
            .entry(line.municipality.clone())
            .or_default()
            .push(line);
    }
    let mut closed: BTreeMap<MunicipalityCode, ClaimRow> = q::closed_in(conn, month, None)?
        .into_iter()
        .map(|c| (c.municipality.clone(), c))
        .collect();
    let last_closed = q::last_closed_all(conn)?;
    q::municipalities_in(conn, month, None)?
        .into_iter()
        .map(|(code, _)| {
            let standing = Standing {
                calendar: facts.calendar.clone(),
                closed: closed.remove(&code),
                last_closed: last_closed.get(&code).copied(),
            };
            let known = by_municipality.remove(&code).unwrap_or_default();
            Ok(computed(conn, &code, month, standing, Some(known))?.view(false))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustment_line_names_the_rule_and_what_was_paid() {
        let line = Line {
            municipality: MunicipalityCode::new("RIX"),
            client_id: ClientId(1),
            month: Month::parse("2027-01").expect("a month"),
            assessment: None,
            living_situation: None,
            package: None,
            subsidy: Subsidy {
                package_cents: 0,
                delivered_days: 0,
                working_days: 20,
                halved: false,
                due_cents: 0,
            },
        };
        let view = line_view(&line, -43134, Some(43134));
        assert_eq!(view.amount, "-431.34");
        assert_eq!(view.already_claimed.as_deref(), Some("431.34"));
        assert_eq!(view.rules.last(), Some(&"CLAIM-ADJUST"));
        assert!(line_view(&line, 0, None).rules.len() == 3);
    }
}
