//! Social mentors, their trainings, and mentor assignments (at most the configured number of
//! clients each: `KOPIENA_MENTOR_CAPACITY`, default 5).

use actix_web::{HttpRequest, HttpResponse, Responder, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::audit::{ClientReader, ClientWriter};
use super::body::Body;
use super::common::{
    self, Created, FeedEvents, IdempotencyKey, Idempotent, IfMatch, Modified, Page, PageQuery,
    SyncQuery,
};
use super::paths::{AssignmentPath, ClientAssignmentPath, ClientPath, MentorPath};
use super::problems as p;
use super::providers::{check_municipality, phone_schema, validate_phone};
use super::trainings::training_view;
pub use super::trainings::{CreateTraining, Training};
use crate::auth::AuthUser;
use crate::db::Listed;
use crate::db::changes::{self, Change};
use crate::db::mentors::{
    self as q, AssignmentView, MentorArea, MentorChanges, MentorEntry, MentorRow,
};
use crate::db::{Db, DbConnection, Slice, clients, reference};
use crate::domain::access::{
    ClientAccess, MentorAccess, Scope, may_manage_mentor, mentor_read_access, own_employer,
};
use crate::domain::audit::{AuditAction, OfClient, Subject};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::interval::RecordedDate;
use crate::domain::mentor::{
    ContractType, EmployerKind, MissingTraining, check_assignment, missing_trainings,
};
use crate::domain::policy::{MENTOR_TRAININGS, Policy};
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unique_violation_as, unknown_reference};

/// Who engages the mentor: a municipality or a planning region (SM-9).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Employer {
    pub kind: EmployerKind,
    /// Municipality code or planning region code.
    #[schema(example = "050")]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Mentor {
    pub id: MentorId,
    pub given_name: String,
    pub family_name: String,
    pub employer: Employer,
    /// Planning region of the employer.
    pub region: RegionCode,
    pub contract_type: ContractType,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub trainings: Vec<Training>,
    /// All four required trainings are complete (INV-M04).
    pub eligible: bool,
    /// What is still missing for eligibility.
    pub missing_trainings: Vec<MissingTraining>,
    /// Assignments active today.
    pub active_assignments: i64,
    /// Free places today under the caseload cap (INV-M01); a planned assignment may still
    /// need one of them on a later day.
    pub free_places: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn mentor_view(e: MentorEntry, policy: &Policy) -> Mentor {
    let missing = missing_trainings(e.trainings.iter().map(|t| (t.programme.as_str(), t.hours)));
    let active_assignments = e.active_assignments;
    let r = e.row;
    Mentor {
        id: r.id,
        given_name: r.given_name,
        family_name: r.family_name,
        employer: Employer {
            kind: r.employer_kind,
            code: r.employer_code,
        },
        region: r.region,
        contract_type: r.contract_type,
        phone: r.phone,
        email: r.email,
        trainings: e.trainings.into_iter().map(training_view).collect(),
        eligible: missing.is_empty(),
        missing_trainings: missing,
        free_places: (i64::from(policy.mentor_capacity) - active_assignments).max(0),
        active_assignments,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

/// The mentors a caller may read (`access::mentor_read_access`), with a municipality's region.
pub(super) fn area(conn: &mut DbConnection, scope: &Scope) -> ApiResult<MentorArea> {
    Ok(match mentor_read_access(scope)? {
        MentorAccess::Municipality(code) => {
            let m = reference::get_municipality(conn, &code)?;
            MentorArea::Municipality {
                code,
                region: m.planning_region,
            }
        }
        MentorAccess::Region(region) => MentorArea::Region(region),
        MentorAccess::All => MentorArea::All,
    })
}

/// The region of an employer, checking the employer exists (a municipality: on `on`, the
/// date of the fact that names it; REF-MUNICIPALITY-VALIDITY).
fn employer_region(
    conn: &mut DbConnection,
    employer: &Employer,
    on: NaiveDate,
) -> ApiResult<RegionCode> {
    match employer.kind {
        EmployerKind::Municipality => {
            let code = MunicipalityCode::new(employer.code.as_str());
            Ok(check_municipality(conn, &code, on)?.planning_region)
        }
        EmployerKind::Region => {
            reference::get_planning_region(conn, &RegionCode::new(employer.code.as_str()))
                .map(|r| r.code)
                .map_err(unknown_reference(Reference::PlanningRegion, &employer.code))
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMentor {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
    /// Defaults to the caller's municipality or region; admins must give it.
    pub employer: Option<Employer>,
    /// Employment contract or contract for services (INV-M05).
    pub contract_type: ContractType,
    #[validate(custom(function = "validate_phone"))]
    #[schema(schema_with = phone_schema)]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
}

/// Registers a mentor employed by the caller's municipality or region.
#[utoipa::path(
    tag = "mentors",
    request_body = CreateMentor,
    params(IdempotencyKey),
    responses(
        (status = 201, body = Mentor, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/mentors")]
pub async fn create_mentor(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    request: Idempotent<CreateMentor>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let employer = match input.employer {
        Some(e) => e,
        None => own_employer(&user.scope)
            .map(|(kind, code)| Employer { kind, code })
            .ok_or_else(|| ApiError::field("/employer", "required"))?,
    };
    may_manage_mentor(&user.scope, employer.kind, &employer.code)?;
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        let region = employer_region(conn, &employer, crate::domain::today())?;
        let row = q::insert(
            conn,
            &MentorChanges {
                given_name: input.given_name,
                family_name: input.family_name,
                employer_kind: employer.kind,
                employer_code: employer.code,
                region,
                contract_type: input.contract_type,
                phone: input.phone,
                email: input.email,
                updated_at: Utc::now().naive_utc(),
            },
        )?;
        let entry = q::get(conn, &MentorArea::All, row.id)?;
        record_change(
            conn,
            &entry.row,
            ChangeType::Mentor,
            row.id.get(),
            ChangeAction::Created,
        )?;
        Ok(Created {
            record_id: entry.row.id.get(),
            location: Some(format!("/api/v1/mentors/{}", entry.row.id)),
            etag: Some(common::etag(entry.row.id, entry.row.version)),
            body: mentor_view(entry, &policy),
        })
    })
    .await
}

/// Tells the change feed that `mentor`'s record (`kind` `id`: the mentor, or a training of
/// theirs) changed.
pub(super) fn record_change(
    conn: &mut DbConnection,
    mentor: &MentorRow,
    kind: ChangeType,
    id: i64,
    action: ChangeAction,
) -> ApiResult<()> {
    let audience = Audience::of_mentor(
        mentor.employer_kind,
        &mentor.employer_code,
        mentor.region.clone(),
    );
    let change = Change::new(kind, id, action, audience).of(mentor.id.get());
    Ok(changes::record(conn, &change)?)
}

/// Reads a mentor, with eligibility and free places.
#[utoipa::path(
    tag = "mentors",
    params(MentorPath),
    responses(
        (status = 200, body = Mentor, headers(("ETag" = String))),
    )
)]
#[get("/mentors/{id}")]
pub async fn get_mentor(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    id: web::Path<MentorPath>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let entry = db
        .run(move |conn| -> ApiResult<_> {
            let area = area(conn, &user.scope)?;
            Ok(q::get(conn, &area, id)?)
        })
        .await?;
    let tag = common::etag(entry.row.id, entry.row.version);
    Ok(common::with_etag(&mentor_view(entry, &policy), tag))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMentor {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: Option<String>,
    pub contract_type: Option<ContractType>,
    #[validate(custom(function = "validate_phone"))]
    #[schema(schema_with = phone_schema)]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
}

/// Updates a mentor the caller employs.
#[utoipa::path(
    tag = "mentors",
    request_body = UpdateMentor,
    params(MentorPath, IfMatch),
    responses(
        (status = 200, body = Mentor, headers(("ETag" = String))),
    )
)]
#[patch("/mentors/{id}")]
pub async fn update_mentor(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    id: web::Path<MentorPath>,
    if_match: IfMatch,
    body: Body<UpdateMentor>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let id = id.into_inner().id;
    let entry = db
        .write(move |conn| -> ApiResult<MentorEntry> {
            let area = area(conn, &user.scope)?;
            let current = q::get(conn, &area, id)?.row;
            may_manage_mentor(&user.scope, current.employer_kind, &current.employer_code)?;
            if_match.check(&common::etag(current.id, current.version))?;
            let mut changes = MentorChanges::from(&current);
            if let Some(v) = input.given_name {
                changes.given_name = v;
            }
            if let Some(v) = input.family_name {
                changes.family_name = v;
            }
            if let Some(v) = input.contract_type {
                changes.contract_type = v;
            }
            if let Some(v) = input.phone {
                changes.phone = Some(v);
            }
            if let Some(v) = input.email {
                changes.email = Some(v);
            }
            changes.updated_at = Utc::now().naive_utc();
            q::update(conn, id, current.version, &changes)?.ok_or(ApiError::PreconditionFailed)?;
            record_change(
                conn,
                &current,
                ChangeType::Mentor,
                id.get(),
                ChangeAction::Updated,
            )?;
            Ok(q::get(conn, &MentorArea::All, id)?)
        })
        .await?;
    let tag = common::etag(entry.row.id, entry.row.version);
    Ok(common::with_etag(&mentor_view(entry, &policy), tag))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMentorsQuery {
    /// Only mentors eligible by training with a free place.
    pub available: Option<bool>,
    pub contract_type: Option<ContractType>,
}

/// A mentor changes with its own fields and its trainings.
pub enum MentorFields {}

impl Modified for MentorFields {
    const MEANING: &'static str = "their own fields, as `updated_at` shows, or a training recorded since; a new or ended assignment is not a change of the mentor (`active_assignments` follows the assignments).";
}

/// Mentors in the caller's area, by family and given name, or every one as ndjson in id
/// order.
#[utoipa::path(
    tag = "mentors",
    params(ListMentorsQuery, PageQuery, SyncQuery<MentorFields>),
    responses(
        (status = 200, content(
            (Page<Mentor> = "application/json"),
            (Mentor = "application/x-ndjson"),
        )),
    )
)]
#[get("/mentors")]
pub async fn list_mentors(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    query: web::Query<ListMentorsQuery>,
    page: web::Query<PageQuery>,
    sync: web::Query<SyncQuery<MentorFields>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let streams = sync.streams(&req, &page, None)?;
    let (limit, offset) = page.resolve()?;
    let listing = sync.listing(&req);
    let available = query.available == Some(true);
    let filter = q::MentorFilter {
        with_capacity_below: available.then_some(policy.mentor_capacity),
        trained_in: if available { &MENTOR_TRAININGS } else { &[] },
        contract_type: query.contract_type,
    };
    let scope = user.scope.clone();
    let area = db.run(move |conn| area(conn, &scope)).await?;
    if streams {
        return Ok(common::ndjson(&db, move |conn, after| {
            let rows = q::batch(conn, &area, &filter, &listing.batch(after))?;
            Ok(rows
                .into_iter()
                .map(|e| (e.row.id.get(), mentor_view(e, &policy)))
                .collect())
        }));
    }
    let slice = listing.slice;
    let Listed { rows, total } = db
        .run(move |conn| q::list(conn, &area, &filter, &slice, limit, offset))
        .await?;
    let page = Page {
        items: rows.into_iter().map(|e| mentor_view(e, &policy)).collect(),
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Assignment {
    pub id: AssignmentId,
    pub mentor_id: MentorId,
    pub client_id: ClientId,
    pub client_given_name: String,
    pub client_family_name: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub active: bool,
}

pub(crate) fn assignment_view(view: AssignmentView) -> Assignment {
    let a = view.assignment;
    Assignment {
        id: a.id,
        mentor_id: a.mentor_id,
        client_id: a.client_id,
        client_given_name: view.client_given_name,
        client_family_name: view.client_family_name,
        active: Interval {
            start: a.started_on,
            end: a.ended_on,
        }
        .active_on(crate::domain::today()),
        started_on: a.started_on,
        ended_on: a.ended_on,
        end_reason: a.end_reason,
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    pub client_id: ClientId,
    /// Defaults to today.
    pub started_on: Option<NaiveDate>,
}

/// Assigns a client of the caller's municipality to an eligible mentor of its area. A
/// mentor has at most the configured number of active clients (`KOPIENA_MENTOR_CAPACITY`,
/// default 5); a client one active mentor.
#[utoipa::path(
    tag = "mentors",
    request_body = CreateAssignment,
    params(MentorPath, IdempotencyKey),
    responses(
        (status = 201, body = Assignment, headers(("Location" = String, description = "The assignment: `/api/v1/clients/{client_id}/mentor-assignments/{assignment_id}`."))),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/mentors/{id}/assignments")]
pub async fn create_assignment(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<MentorPath>,
    request: Idempotent<CreateAssignment>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    let subject = OfClient::records(input.client_id).into();
    let municipality = writer
        .reach(&db, AuditAction::MentorAssignmentCreate, subject)
        .await?;
    let ClientWriter { user, auditor, .. } = writer;
    let mentor_id = id.into_inner().id;
    let capacity = policy.mentor_capacity;
    let sub = user.sub.clone();
    let client_id = input.client_id;
    common::create(
        db.get_ref(),
        key,
        user.sub.clone(),
        Some(common::Private::audited(
            &auditor,
            AuditAction::MentorAssignmentCreate,
            Some(client_id),
            Some(ClientAccess::Municipality(municipality.clone())),
        )),
        move |conn| {
            let client = clients::get(
                conn,
                &ClientAccess::Municipality(municipality.clone()),
                input.client_id,
            )?;
            let area = area(conn, &user.scope)?;
            let mentor = q::get(conn, &area, mentor_id)?;
            let today = crate::domain::today();
            let started_on = input.started_on.unwrap_or(today);
            policy
                .dating
                .check(RecordedDate::Start, started_on, today)?;
            let candidate = Interval::new(started_on, None)?;
            // Client first, then mentor: every writer takes the locks in this order.
            clients::lock(conn, client.id)?;
            q::lock(conn, mentor_id)?;
            check_assignment(
                capacity,
                &q::assignment_intervals(conn, Some(mentor_id), None)?,
                &q::assignment_intervals(conn, None, Some(client.id))?,
                &candidate,
                mentor
                    .trainings
                    .iter()
                    .map(|t| (t.programme.as_str(), t.hours, t.completed_on)),
            )?;
            let row = q::insert_assignment(
                conn,
                mentor_id,
                client.id,
                started_on,
                &sub,
                Utc::now().naive_utc(),
            )
            .map_err(unique_violation_as(DomainError::ClientHasMentor {
                on: started_on,
            }))?;
            auditor.record(
                conn,
                AuditAction::MentorAssignmentCreate,
                Some(row.id.get()),
                Some(client.id),
            )?;
            let audience = Audience::case_of(client.municipality.clone());
            let change = Change::new(
                ChangeType::MentorAssignment,
                row.id.get(),
                ChangeAction::Created,
                audience,
            );
            changes::record(conn, &change.of(client.id.get()))?;
            Ok(Created {
                record_id: row.id.get(),
                location: Some(format!(
                    "/api/v1/clients/{}/mentor-assignments/{}",
                    client.id, row.id
                )),
                etag: None,
                body: assignment_view(AssignmentView {
                    assignment: row,
                    client_given_name: client.given_name,
                    client_family_name: client.family_name,
                }),
            })
        },
    )
    .await
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndRequest {
    /// Defaults to today.
    pub ended_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 1000))]
    #[schema(example = "Client moved to another municipality")]
    pub reason: String,
}

/// Sets the end of an assignment: the mentor's place is free from `ended_on` (the first day
/// without the assignment) on. The end may be planned ahead, within the recording window;
/// an end once set is not moved.
#[utoipa::path(
    tag = "mentors",
    request_body = EndRequest,
    params(AssignmentPath),
    responses(
        (status = 200, body = Assignment),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/mentor-assignments/{id}/end")]
pub async fn end_assignment(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    writer: ClientWriter,
    id: web::Path<AssignmentPath>,
    body: Body<EndRequest>,
) -> ApiResult<web::Json<Assignment>> {
    let input = body.into_inner();
    input.validate()?;
    let id = id.into_inner().id;
    let subject = Subject {
        record_id: Some(id.get()),
        client_id: None,
    };
    let action = AuditAction::MentorAssignmentEnd;
    let view = writer
        .write(&db, action, subject, move |conn, municipality, auditor| {
            let current = q::get_assignment(conn, id)?;
            let access = ClientAccess::Municipality(municipality.clone());
            let client = clients::get(conn, &access, current.client_id)?;
            let today = crate::domain::today();
            let ended_on = input.ended_on.unwrap_or(today);
            policy.dating.check(RecordedDate::End, ended_on, today)?;
            Interval::new(current.started_on, Some(ended_on))?;
            let row = q::end_assignment(conn, id, ended_on, &input.reason)?
                .ok_or(DomainError::AlreadyEnded)?;
            auditor.record(
                conn,
                AuditAction::MentorAssignmentEnd,
                Some(id.get()),
                Some(client.id),
            )?;
            let audience = Audience::case_of(client.municipality.clone());
            let kind = ChangeType::MentorAssignment;
            let change = Change::new(kind, id.get(), ChangeAction::Ended, audience);
            changes::record(conn, &change.of(client.id.get()))?;
            Ok(assignment_view(AssignmentView {
                assignment: row,
                client_given_name: client.given_name,
                client_family_name: client.family_name,
            }))
        })
        .await?;
    Ok(web::Json(view))
}

/// Shows an assignment with its id, the key of a streamed list.
fn keyed(view: AssignmentView) -> (i64, Assignment) {
    (view.assignment.id.get(), assignment_view(view))
}

/// A mentor's assignments, newest first, or as ndjson in id order, each batch audited as a
/// whole list is (a municipality sees those of its own clients).
#[utoipa::path(
    tag = "mentors",
    params(MentorPath, SyncQuery<FeedEvents>),
    responses(
        (status = 200, content(
            (Vec<Assignment> = "application/json"),
            (Assignment = "application/x-ndjson"),
        )),
    )
)]
#[get("/mentors/{id}/assignments")]
pub async fn list_mentor_assignments(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<MentorPath>,
    sync: web::Query<SyncQuery<FeedEvents>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let mentor_id = id.into_inner().id;
    let scope = reader.user.scope.clone();
    let listing = sync.listing(&req);
    let read = move |conn: &mut DbConnection, access: &ClientAccess, slice: &Slice| {
        let municipality = match access {
            ClientAccess::Municipality(code) => Some(code),
            ClientAccess::All => None,
        };
        Ok(q::assignments(
            conn,
            Some(mentor_id),
            None,
            municipality,
            slice,
        )?)
    };
    let action = AuditAction::MentorAssignmentList;
    // The mentor must be in the caller's area (404, audited, otherwise) either way.
    let in_area = move |conn: &mut DbConnection| -> ApiResult<()> {
        let area = area(conn, &scope)?;
        q::get(conn, &area, mentor_id)?;
        Ok(())
    };
    if listing.ndjson {
        let check = move |conn: &mut _, _: &_, _: &_| in_area(conn);
        reader.write(&db, action, Subject::default(), check).await?;
        let view = |v| Ok(keyed(v));
        return reader.streamed(&db, action, listing, read, view).await;
    }
    let rows = reader
        .listed(&db, action, move |conn, access| {
            in_area(conn)?;
            read(conn, access, &listing.slice)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(assignment_view).collect::<Vec<_>>()))
}

/// A client's mentor assignments, newest first, or as ndjson in id order.
#[utoipa::path(
    tag = "mentors",
    params(ClientPath, SyncQuery<FeedEvents>),
    responses(
        (status = 200, content(
            (Vec<Assignment> = "application/json"),
            (Assignment = "application/x-ndjson"),
        )),
    )
)]
#[get("/clients/{id}/mentor-assignments")]
pub async fn list_client_assignments(
    db: web::Data<Db>,
    reader: ClientReader,
    id: web::Path<ClientPath>,
    sync: web::Query<SyncQuery<FeedEvents>>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let read = move |conn: &mut _, _: &_, slice: &_| {
        Ok(q::assignments(conn, None, Some(client_id), None, slice)?)
    };
    let view = |v: AssignmentView, _: &_| keyed(v);
    let action = AuditAction::MentorAssignmentList;
    reader
        .records_list(&db, action, client_id, sync.listing(&req), (read, view))
        .await
}

/// Reads one mentor assignment of a client (where a new assignment's `Location` points).
#[utoipa::path(
    tag = "mentors",
    params(ClientAssignmentPath),
    responses(
        (status = 200, body = Assignment),
    )
)]
#[get("/clients/{id}/mentor-assignments/{assignment_id}")]
pub async fn get_client_assignment(
    db: web::Data<Db>,
    reader: ClientReader,
    path: web::Path<ClientAssignmentPath>,
) -> ApiResult<web::Json<Assignment>> {
    let ClientAssignmentPath {
        id: client_id,
        assignment_id,
    } = path.into_inner();
    let subject = OfClient::record(client_id, assignment_id.get());
    let row = reader
        .records_of(
            &db,
            AuditAction::MentorAssignmentRead,
            subject,
            move |conn, _| {
                q::assignments(conn, None, Some(client_id), None, &Slice::default())?
                    .into_iter()
                    .find(|v| v.assignment.id == assignment_id)
                    .ok_or(ApiError::NotFound)
            },
        )
        .await?;
    Ok(web::Json(assignment_view(row)))
}
