//! Staff beyond mentors (issue 18, point 5): provider, municipal and planning-region staff,
//! their qualifications for the specialist team (INV-A06) and their trainings per programme.
//! Employees' personal data: their employer, its planning region and administrators read
//! them (`access::staff_read_access`); the ministry has their statistics
//! (`/stats/staff`, `/stats/trained-staff`).

use actix_web::{HttpRequest, HttpResponse, Responder, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::body::Body;
use super::common::{self, Created, IdempotencyKey, Idempotent, IfMatch, Page, PageQuery};
use super::paths::{StaffPath, StaffTrainingPath};
use super::providers::check_municipality;
use super::trainings::{CreateTraining, check_training};
use crate::auth::AuthUser;
use crate::db::staff::{self as q, NewStaff, StaffEntry, StaffFilter, StaffTrainingRow};
use crate::db::{Db, DbConnection, Listed, providers, reference};
use crate::domain::access::{StaffReach, may_manage_staff, own_staff_employer, staff_read_access};
use crate::domain::codes::*;
use crate::domain::ids::*;
use crate::domain::staff::{
    Qualifications, StaffEmployerKind, TeamQualification, team_qualification,
};
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult, unknown_reference};

/// Who employs the staff member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffEmployer {
    pub kind: StaffEmployerKind,
    /// The provider's id, or the municipality's or planning region's code.
    #[schema(example = "050")]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffTraining {
    pub id: StaffTrainingId,
    #[schema(example = "di_assessment")]
    pub programme: ProgrammeCode,
    pub hours: i32,
    pub completed_on: NaiveDate,
}

fn training_view(t: StaffTrainingRow) -> StaffTraining {
    StaffTraining {
        id: t.id,
        programme: t.programme,
        hours: t.hours,
        completed_on: t.completed_on,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Staff {
    pub id: StaffId,
    pub given_name: String,
    pub family_name: String,
    /// Profession (`GET /api/v1/specialist-roles`).
    #[schema(example = "social_worker")]
    pub role: SpecialistRoleCode,
    pub employer: StaffEmployer,
    /// Where the employer is: a provider's or a municipality's municipality; `null` for a
    /// planning region.
    pub municipality: Option<MunicipalityCode>,
    /// The employer's planning region.
    pub region: RegionCode,
    pub qualifications: Qualifications,
    pub employed_from: NaiveDate,
    /// The last day of employment, once recorded.
    pub employed_until: Option<NaiveDate>,
    pub trainings: Vec<StaffTraining>,
    /// Whether the staff member may sit on an assessment team (INV-A06), from the
    /// qualifications and the trainings recorded.
    pub assessment_team: TeamQualification,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn staff_view(e: StaffEntry) -> Staff {
    let r = e.row;
    let qualifications = r.qualifications();
    let assessment_team = team_qualification(
        &qualifications,
        e.trainings.iter().map(|t| (t.programme.as_str(), t.hours)),
    );
    Staff {
        id: r.id,
        given_name: r.given_name,
        family_name: r.family_name,
        role: r.role,
        employer: StaffEmployer {
            kind: r.employer_kind,
            code: r.employer_code,
        },
        municipality: r.municipality,
        region: r.region,
        qualifications,
        employed_from: r.employed_from,
        employed_until: r.employed_until,
        trainings: e.trainings.into_iter().map(training_view).collect(),
        assessment_team,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

fn respond(entry: StaffEntry) -> HttpResponse {
    let tag = common::etag(entry.row.id, entry.row.version);
    common::with_etag(&staff_view(entry), tag)
}

/// Where an employer is (its municipality, if any, and its planning region), checking it
/// exists: a provider of the register, a municipality valid on `on` (REF-MUNICIPALITY-VALIDITY),
/// a planning region.
fn employer_place(
    conn: &mut DbConnection,
    employer: &StaffEmployer,
    on: NaiveDate,
) -> ApiResult<(Option<MunicipalityCode>, RegionCode)> {
    let municipality = match employer.kind {
        StaffEmployerKind::Region => {
            let code = RegionCode::new(employer.code.as_str());
            let region = reference::get_planning_region(conn, &code)
                .map_err(unknown_reference(Reference::PlanningRegion, &employer.code))?;
            return Ok((None, region.code));
        }
        StaffEmployerKind::Provider => {
            let unknown = || ApiError::field("/employer/code", "no provider has this id");
            let id = employer.code.parse().map_err(|_| unknown())?;
            providers::get(conn, ProviderId(id))
                .map_err(|_| unknown())?
                .municipality
        }
        StaffEmployerKind::Municipality => MunicipalityCode::new(employer.code.as_str()),
    };
    let region = check_municipality(conn, &municipality, on)?.planning_region;
    Ok((Some(municipality), region))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaff {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
    /// Profession (`GET /api/v1/specialist-roles`).
    #[schema(example = "social_worker")]
    pub role: SpecialistRoleCode,
    /// Defaults to the caller's provider, municipality or region; administrators must give it.
    pub employer: Option<StaffEmployer>,
    #[validate(nested)]
    pub qualifications: Qualifications,
    pub employed_from: NaiveDate,
    /// Not before `employed_from`.
    pub employed_until: Option<NaiveDate>,
}

/// Registers a staff member of the caller (a provider, a municipality's social service or a
/// planning region); an administrator names the employer.
#[utoipa::path(
    tag = "staff",
    request_body = CreateStaff,
    params(IdempotencyKey),
    responses(
        (status = 201, body = Staff, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/staff")]
pub async fn create_staff(
    db: web::Data<Db>,
    user: AuthUser,
    request: Idempotent<CreateStaff>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    input.validate()?;
    if input
        .employed_until
        .is_some_and(|u| u < input.employed_from)
    {
        return Err(ApiError::field(
            "/employed_until",
            "must not be before employed_from",
        ));
    }
    let employer = match input.employer {
        Some(e) => e,
        None => own_staff_employer(&user.scope)
            .map(|(kind, code)| StaffEmployer { kind, code })
            .ok_or_else(|| ApiError::field("/employer", "required"))?,
    };
    may_manage_staff(&user.scope, employer.kind, &employer.code)?;
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        if !reference::list_specialist_roles(conn)?
            .iter()
            .any(|r| r.code == input.role)
        {
            return Err(DomainError::UnknownReference {
                what: Reference::SpecialistRole,
                code: input.role.to_string(),
            }
            .into());
        }
        // The employer exists on the employment's last day so far (or today).
        let today = crate::domain::today();
        let on = input.employed_until.map_or(today, |u| u.min(today));
        let (municipality, region) = employer_place(conn, &employer, on)?;
        let now = Utc::now().naive_utc();
        let id = q::insert(
            conn,
            &NewStaff {
                given_name: input.given_name,
                family_name: input.family_name,
                role: input.role,
                employer_kind: employer.kind,
                employer_code: employer.code,
                municipality,
                region,
                higher_education_in_field: input.qualifications.higher_education_in_field,
                target_group_experience_years: input.qualifications.target_group_experience_years,
                instrument_certificate: input.qualifications.instrument_certificate,
                employed_from: input.employed_from,
                employed_until: input.employed_until,
                created_at: now,
                updated_at: now,
            },
        )?;
        let entry = q::get(conn, &StaffReach::All, id)?;
        Ok(Created {
            record_id: id.get(),
            location: Some(format!("/api/v1/staff/{id}")),
            etag: Some(common::etag(id, entry.row.version)),
            body: staff_view(entry),
        })
    })
    .await
}

/// Reads a staff member the caller may read, with INV-A06 worked out.
#[utoipa::path(
    tag = "staff",
    params(StaffPath),
    responses(
        (status = 200, body = Staff, headers(("ETag" = String))),
    )
)]
#[get("/staff/{id}")]
pub async fn get_staff(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<StaffPath>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner().id;
    let reach = staff_read_access(&user.scope)?;
    let entry = db.run(move |conn| q::get(conn, &reach, id)).await?;
    Ok(respond(entry))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStaff {
    /// The last day of employment: not before `employed_from`.
    pub employed_until: NaiveDate,
}

/// Records the end of a staff member's employment (the employer, or an administrator).
#[utoipa::path(
    tag = "staff",
    request_body = UpdateStaff,
    params(StaffPath, IfMatch),
    responses(
        (status = 200, body = Staff, headers(("ETag" = String))),
    )
)]
#[patch("/staff/{id}")]
pub async fn update_staff(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<StaffPath>,
    if_match: IfMatch,
    body: Body<UpdateStaff>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let id = id.into_inner().id;
    let reach = staff_read_access(&user.scope)?;
    let entry = db
        .write(move |conn| -> ApiResult<StaffEntry> {
            let current = q::get(conn, &reach, id)?.row;
            may_manage_staff(&user.scope, current.employer_kind, &current.employer_code)?;
            if_match.check(&common::etag(current.id, current.version))?;
            if input.employed_until < current.employed_from {
                return Err(ApiError::field(
                    "/employed_until",
                    "must not be before employed_from",
                ));
            }
            let now = Utc::now().naive_utc();
            if !q::end_employment(conn, id, current.version, input.employed_until, now)? {
                return Err(ApiError::PreconditionFailed);
            }
            Ok(q::get(conn, &StaffReach::All, id)?)
        })
        .await?;
    Ok(respond(entry))
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListStaffQuery {
    /// Only this profession.
    pub role: Option<SpecialistRoleCode>,
    /// Only staff of this kind of employer.
    pub employer_kind: Option<StaffEmployerKind>,
    /// Only those employed on this day.
    pub employed_on: Option<NaiveDate>,
}

/// The staff the caller may read, by family and given name.
#[utoipa::path(
    tag = "staff",
    params(ListStaffQuery, PageQuery),
    responses(
        (status = 200, body = Page<Staff>),
    )
)]
#[get("/staff")]
pub async fn list_staff(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<ListStaffQuery>,
    page: web::Query<PageQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (limit, offset) = page.resolve()?;
    let reach = staff_read_access(&user.scope)?;
    let query = query.into_inner();
    let filter = StaffFilter {
        role: query.role,
        employer_kind: query.employer_kind,
        employed_on: query.employed_on,
    };
    let Listed { rows, total } = db
        .run(move |conn| q::list(conn, &reach, &filter, limit, offset))
        .await?;
    let page = Page {
        items: rows.into_iter().map(staff_view).collect(),
        total,
        limit,
        offset,
    };
    Ok(page.respond_to(&req))
}

/// Records a completed training of a staff member the caller employs. The response is the
/// staff member with INV-A06 worked out again; `Location` names the training.
#[utoipa::path(
    tag = "staff",
    request_body = CreateTraining,
    params(StaffPath, IdempotencyKey),
    responses(
        (status = 201, body = Staff, headers(("Location" = String, description = "The training recorded: `/api/v1/staff/{id}/trainings/{training_id}`."))),
    )
)]
#[post("/staff/{id}/trainings")]
pub async fn create_staff_training(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<StaffPath>,
    request: Idempotent<CreateTraining>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let id = id.into_inner().id;
    let reach = staff_read_access(&user.scope)?;
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        let current = q::get(conn, &reach, id)?.row;
        may_manage_staff(&user.scope, current.employer_kind, &current.employer_code)?;
        check_training(conn, &input)?;
        let training = q::insert_training(
            conn,
            id,
            &input.programme,
            input.hours,
            input.completed_on,
            Utc::now().naive_utc(),
        )?;
        Ok(Created {
            record_id: training.id.get(),
            location: Some(format!("/api/v1/staff/{id}/trainings/{}", training.id)),
            etag: None,
            body: staff_view(q::get(conn, &StaffReach::All, id)?),
        })
    })
    .await
}

/// Reads one training of a staff member the caller may read.
#[utoipa::path(
    tag = "staff",
    params(StaffTrainingPath),
    responses(
        (status = 200, body = StaffTraining),
    )
)]
#[get("/staff/{id}/trainings/{training_id}")]
pub async fn get_staff_training(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<StaffTrainingPath>,
) -> ApiResult<web::Json<StaffTraining>> {
    let StaffTrainingPath { id, training_id } = path.into_inner();
    let reach = staff_read_access(&user.scope)?;
    let entry = db.run(move |conn| q::get(conn, &reach, id)).await?;
    let training = entry
        .trainings
        .into_iter()
        .find(|t| t.id == training_id)
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(training_view(training)))
}
