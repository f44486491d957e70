//! Care-level assessments: append-only, derived by a versioned instrument.

use actix_web::{HttpRequest, HttpResponse, Responder, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::List;
use super::audit::{ClientReader, ClientWriter};
use super::common::{
    Created, FeedEvents, IdempotencyKey, Idempotent, Modified, Page, PageQuery, SyncQuery,
};
use super::lang::{Lang, ListLang, Localized, LocalizedList};
use super::paths::{ClientAssessmentPath, ClientPath};
use super::problems as p;
use crate::db::Listed;
use crate::db::assessments::{self as q, AssessmentEntry, InstrumentEntry, NewAssessmentRow};
use crate::db::changes::{self, Change};
use crate::db::{Db, DbConnection, clients, reference};
use crate::domain::assessment::CareLevel;
use crate::domain::assessment::{
    AssessmentFacts, AssessmentOutcome, Derivation, NewAssessment, NewTeamMember, OrganisationType,
    Scores, SubmittedAssessment,
};
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::policy::Policy;
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unknown_reference};

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMemberInput {
    /// Specialist role code (`GET /api/v1/specialist-roles`).
    #[schema(example = "social_worker")]
    pub role: SpecialistRoleCode,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The team lead: the social worker (INV-A05).
    #[serde(default)]
    pub lead: bool,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssessment {
    /// Not in the future.
    pub assessed_on: NaiveDate,
    /// Only a municipal social service or a long-term care institution sets a care level (INV-A08).
    pub organisation_type: OrganisationType,
    /// The team, with the specialists the client's target group requires (INV-A04).
    #[validate(length(min = 1, max = 20), nested)]
    pub team: Vec<TeamMemberInput>,
    pub scores: Scores,
    pub quality_of_life_score: i32,
    /// Service type codes the client needs.
    #[serde(default)]
    #[validate(length(max = 40))]
    #[schema(max_items = 40)]
    pub needed_service_types: Vec<ServiceTypeCode>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// Instrument code and version; the default instrument when omitted.
    pub instrument: Option<InstrumentRef>,
    /// Set when this assessment corrects the client's current one.
    pub corrects: Option<AssessmentId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstrumentRef {
    #[schema(example = "kopiena-default")]
    pub code: String,
    #[schema(example = 1)]
    pub version: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMemberView {
    pub role: SpecialistRoleCode,
    pub name: Option<String>,
    pub lead: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Assessment {
    pub id: AssessmentId,
    pub client_id: ClientId,
    pub assessed_on: NaiveDate,
    pub organisation_type: OrganisationType,
    pub team: Vec<TeamMemberView>,
    pub scores: Scores,
    pub quality_of_life_score: i32,
    /// I, II, III or IV.
    #[schema(example = "II")]
    pub care_level: CareLevel,
    /// How the level was reached.
    pub derivation: Derivation,
    pub needed_service_types: Vec<ServiceTypeCode>,
    pub notes: Option<String>,
    /// Assessment date plus the reassessment period (INV-A01).
    pub next_reassessment_due: NaiveDate,
    /// The assessment this one corrects or follows.
    pub supersedes_id: Option<AssessmentId>,
    /// The later assessment that replaced this one; `null` while current.
    pub superseded_by_id: Option<AssessmentId>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<AssessmentEntry> for Assessment {
    fn from(e: AssessmentEntry) -> Self {
        let r = e.row;
        Self {
            id: r.id,
            client_id: r.client_id,
            assessed_on: r.assessed_on,
            organisation_type: r.organisation_type,
            team: e
                .team
                .into_iter()
                .map(|m| TeamMemberView {
                    role: m.role,
                    name: m.name,
                    lead: m.lead,
                })
                .collect(),
            scores: Scores {
                health: r.health_score,
                self_care: r.self_care_score,
                communication: r.communication_score,
            },
            quality_of_life_score: r.quality_of_life_score,
            derivation: Derivation {
                instrument: r.instrument_code,
                instrument_version: r.instrument_version,
                total: r.total_score,
                level_by_total: r.level_by_total,
                raised_by_domain: r.raised_by_domain,
                care_level: r.care_level,
            },
            care_level: r.care_level,
            needed_service_types: e.needed_service_types,
            notes: r.notes,
            next_reassessment_due: r.next_reassessment_due,
            supersedes_id: r.supersedes_id,
            superseded_by_id: r.superseded_by_id,
            created_by: r.created_by,
            created_at: r.created_at.and_utc(),
        }
    }
}

/// Records an assessment of a client of the caller's municipality. The care level is
/// derived by the instrument; the previous assessment becomes superseded.
#[utoipa::path(
    tag = "assessments",
    request_body = CreateAssessment,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = Assessment, headers(("Location" = String))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/clients/{id}/assessments")]
pub async fn create_assessment(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<ClientPath>,
    request: Idempotent<CreateAssessment>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let record = writer
        .creating(&db, AuditAction::AssessmentCreate, client_id)
        .await?;
    let Idempotent { key, body } = request;
    let new = NewAssessment::try_from(body)?;
    let reassessment_months = policy.reassessment_months;
    record
        .create(db.get_ref(), key, move |conn, access, sub| {
            let client = clients::get(conn, access, client_id)?;
            clients::lock(conn, client_id)?;
            let target_group = client.target_group;
            check_references(conn, &new)?;
            let instrument = instrument(conn, &new)?;
            let outcome = new.judge(AssessmentFacts {
                target_group,
                birth_date: client.birth_date,
                instrument: &instrument.instrument,
                current: q::current(conn, client_id)?,
                reassessment_months,
            })?;
            let row = q::insert(
                conn,
                &assessment_row(client_id, &new, outcome, sub),
                &new.team,
                &new.needed_service_types,
            )?;
            let entry = q::get(conn, client_id, row.id)?;
            super::plan_goals::flag_on_care_level_change(conn, &client.municipality, &row)?;
            let audience = Audience::case_of(client.municipality);
            let created = Change::new(
                ChangeType::Assessment,
                row.id.get(),
                ChangeAction::Created,
                audience.clone(),
            );
            changes::record(conn, &created.of(client_id.get()))?;
            if let Some(superseded) = row.supersedes_id {
                let kind = ChangeType::Assessment;
                let updated = Change::new(kind, superseded.get(), ChangeAction::Updated, audience);
                changes::record(conn, &updated.of(client_id.get()))?;
            }
            Ok(Created {
                record_id: entry.row.id.get(),
                location: Some(format!(
                    "/api/v1/clients/{client_id}/assessments/{}",
                    entry.row.id
                )),
                etag: None,
                body: Assessment::from(entry),
            })
        })
        .await
}

/// Parses a request body once: its field limits, a date not in the future, an organisation
/// that sets care levels.
impl TryFrom<CreateAssessment> for NewAssessment {
    type Error = ApiError;

    fn try_from(input: CreateAssessment) -> ApiResult<Self> {
        input.validate()?;
        let submitted = SubmittedAssessment {
            assessed_on: input.assessed_on,
            organisation_type: input.organisation_type,
            team: input
                .team
                .into_iter()
                .map(|m| NewTeamMember {
                    role: m.role,
                    name: m.name,
                    lead: m.lead,
                })
                .collect(),
            scores: input.scores,
            quality_of_life: input.quality_of_life_score,
            needed_service_types: input.needed_service_types,
            notes: input.notes,
            instrument: input.instrument.map(|i| (i.code, i.version)),
            corrects: input.corrects,
        };
        Ok(NewAssessment::parse(submitted, crate::domain::today())?)
    }
}

/// The specialist roles and service types an assessment names exist.
fn check_references(conn: &mut DbConnection, new: &NewAssessment) -> ApiResult<()> {
    let roles = reference::list_specialist_roles(conn)?;
    for member in &new.team {
        if !roles.iter().any(|r| r.code == member.role) {
            return Err(DomainError::UnknownReference {
                what: Reference::SpecialistRole,
                code: member.role.to_string(),
            }
            .into());
        }
    }
    for code in &new.needed_service_types {
        reference::get_service_type(conn, code)
            .map_err(unknown_reference(Reference::ServiceType, code))?;
    }
    Ok(())
}

/// The instrument an assessment names, or the default one.
fn instrument(conn: &mut DbConnection, new: &NewAssessment) -> ApiResult<InstrumentEntry> {
    let named = new.instrument.as_ref();
    q::instrument(conn, named.map(|(code, version)| (code.as_str(), *version))).map_err(
        unknown_reference(
            Reference::AssessmentInstrument,
            named.map_or_else(
                || "default".into(),
                |(code, version)| format!("{code}@{version}"),
            ),
        ),
    )
}

fn assessment_row(
    client_id: ClientId,
    new: &NewAssessment,
    outcome: AssessmentOutcome,
    created_by: String,
) -> NewAssessmentRow {
    let derivation = outcome.derivation;
    NewAssessmentRow {
        client_id,
        assessed_on: new.assessed_on,
        organisation_type: new.organisation_type,
        health_score: new.scores.health,
        self_care_score: new.scores.self_care,
        communication_score: new.scores.communication,
        quality_of_life_score: new.quality_of_life,
        instrument_code: derivation.instrument,
        instrument_version: derivation.instrument_version,
        total_score: derivation.total,
        level_by_total: derivation.level_by_total,
        raised_by_domain: derivation.raised_by_domain,
        care_level: derivation.care_level,
        notes: new.notes.clone(),
        next_reassessment_due: outcome.next_reassessment_due,
        supersedes_id: outcome.supersedes,
        created_by,
        created_at: Utc::now().naive_utc(),
    }
}

/// The client's assessments, newest first (the history is append-only), or as ndjson in id
/// order.
#[utoipa::path(
    tag = "assessments",
    params(ClientPath, SyncQuery<FeedEvents>),
    responses(
        (status = 200, content(
            (Vec<Assessment> = "application/json"),
            (Assessment = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/assessments")]
pub async fn list_assessments(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<FeedEvents>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let read =
        move |conn: &mut _, _: &_, slice: &_| Ok(q::list_for_client(conn, client_id, slice)?);
    let view = |e: AssessmentEntry, _: &_| (e.row.id.get(), Assessment::from(e));
    let action = AuditAction::AssessmentList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one assessment of a client.
#[utoipa::path(
    tag = "assessments",
    params(ClientAssessmentPath),
    responses(
        (status = 200, body = Assessment),
    )
)]
#[get("/clients/{id}/assessments/{assessment_id}")]
pub async fn get_assessment(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientAssessmentPath>,
) -> ApiResult<web::Json<Assessment>> {
    let ClientAssessmentPath {
        id: client_id,
        assessment_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, assessment_id.get());
    let entry = reader
        .read_records_of(&db, AuditAction::AssessmentRead, subject, move |conn, _| {
            Ok(q::get(conn, client_id, assessment_id)?)
        })
        .await?;
    Ok(web::Json(Assessment::from(entry)))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Due on or before this date (default: today).
    pub before: Option<NaiveDate>,
}

/// A client whose reassessment is due.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueItem {
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub assessment_id: AssessmentId,
    pub assessed_on: NaiveDate,
    pub care_level: CareLevel,
    pub next_reassessment_due: NaiveDate,
    /// Due before today.
    pub overdue: bool,
}

/// A due item: an assessment made (or superseded) since; one that only fell due with time.
pub enum DueChanges {}

impl Modified for DueChanges {
    const MEANING: &'static str = "the current assessments made after it, or named by the change feed since; an assessment that only fell due with the passing of time is not a change (read the whole list, or its ndjson stream, to see those).";
}

/// The caller's clients whose current assessment is due for reassessment on or before
/// `before`, earliest first; or all of them as ndjson in assessment id order, each batch
/// audited like a page.
#[utoipa::path(
    tag = "assessments",
    params(DueQuery, PageQuery, SyncQuery<DueChanges>),
    responses(
        (status = 200, content(
            (Page<DueItem> = "application/json"),
            (DueItem = "application/x-ndjson"),
        )),
    )
)]
#[get("/assessments/due")]
pub async fn list_due_assessments(
    db: web::Data<Db>,
    reader: ClientReader,
    query: web::Query<DueQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery<DueChanges>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let streams = sync.streams(&req, &page, None)?;
    let (limit, offset) = page.resolve()?;
    let listing = sync.listing(&req);
    let today = crate::domain::today();
    let before = query.before.unwrap_or(today);
    let due_item = move |(a, given_name, family_name): q::DueRow| DueItem {
        client_id: a.client_id,
        given_name,
        family_name,
        assessment_id: a.id,
        assessed_on: a.assessed_on,
        care_level: a.care_level,
        overdue: a.next_reassessment_due < today,
        next_reassessment_due: a.next_reassessment_due,
    };
    let action = AuditAction::AssessmentDueList;
    if streams {
        let read = move |conn: &mut DbConnection, access: &_, slice: &_| {
            Ok(q::due(conn, access, before, slice, (0, 0))?.rows)
        };
        let view = move |row: q::DueRow| Ok((row.0.id.get(), due_item(row)));
        return reader.streamed(&db, action, listing, read, view).await;
    }
    let Listed { rows, total } = reader
        .listed(&db, action, move |conn, access| {
            Ok(q::due(
                conn,
                access,
                before,
                &listing.slice,
                (limit, offset),
            )?)
        })
        .await?;
    let page = Page {
        items: rows.into_iter().map(due_item).collect(),
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstrumentDomain {
    #[schema(example = "health")]
    pub domain: String,
    pub min_score: i32,
    pub max_score: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstrumentLevel {
    #[schema(example = "II")]
    pub care_level: CareLevel,
    /// Lowest total score that reaches this level.
    pub min_total: i32,
}

/// A versioned care-level instrument.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentInstrument {
    #[schema(example = "kopiena-default")]
    pub code: String,
    pub version: i32,
    pub name: String,
    pub description: String,
    pub domains: Vec<InstrumentDomain>,
    pub quality_of_life_min: i32,
    pub quality_of_life_max: i32,
    pub levels: Vec<InstrumentLevel>,
    /// A single domain at or above `floor_score` raises the level to at least `floor_level`.
    pub floor_score: Option<i32>,
    pub floor_level: Option<CareLevel>,
    /// Used when an assessment names no instrument.
    pub is_default: bool,
    pub published_on: NaiveDate,
}

impl AssessmentInstrument {
    fn new(e: InstrumentEntry, lang: Lang) -> Self {
        Self {
            name: lang.pick(&e.row.name_lv, &e.row.name_en).to_string(),
            code: e.row.code,
            version: e.row.version,
            description: e.row.description_en,
            domains: e
                .instrument
                .domains
                .into_iter()
                .map(|(domain, (min_score, max_score))| InstrumentDomain {
                    domain,
                    min_score,
                    max_score,
                })
                .collect(),
            quality_of_life_min: e.row.quality_of_life_min,
            quality_of_life_max: e.row.quality_of_life_max,
            levels: e
                .instrument
                .thresholds
                .into_iter()
                .map(|(care_level, min_total)| InstrumentLevel {
                    care_level,
                    min_total,
                })
                .collect(),
            floor_score: e.row.floor_score,
            floor_level: e.row.floor_level,
            is_default: e.row.is_default,
            published_on: e.row.published_on,
        }
    }
}

/// The care-level instruments, published as reference data.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListLang),
    responses((status = 200, content((List<AssessmentInstrument> = "application/json"), (AssessmentInstrument = "application/x-ndjson")), headers(("Content-Language" = String))))
)]
#[get("/assessment-instruments")]
pub async fn list_instruments(
    db: web::Data<Db>,
    lang: ListLang,
) -> ApiResult<LocalizedList<AssessmentInstrument>> {
    let rows = db.run(q::list_instruments).await?;
    Ok(Localized::list(lang, rows, AssessmentInstrument::new))
}
