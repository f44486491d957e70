//! A mentor's completed trainings, which make them eligible (INV-M04).

use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::common::{self, Created, IdempotencyKey, Idempotent};
use super::mentors::{Mentor, area, mentor_view, record_change};
use super::paths::{MentorPath, MentorTrainingPath};
use crate::auth::AuthUser;
use crate::db::mentors::{self as q, MentorArea, TrainingRow};
use crate::db::{Db, DbConnection, reference};
use crate::domain::access::may_manage_mentor;
use crate::domain::change::{ChangeAction, ChangeType};
use crate::domain::codes::ProgrammeCode;
use crate::domain::ids::TrainingId;
use crate::domain::policy::Policy;
use crate::domain::{DomainError, Reference};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Serialize, ToSchema)]
pub struct Training {
    pub id: TrainingId,
    #[schema(example = "life_skills")]
    pub programme: ProgrammeCode,
    pub hours: i32,
    pub completed_on: NaiveDate,
}

pub(super) fn training_view(t: TrainingRow) -> Training {
    Training {
        id: t.id,
        programme: t.programme,
        hours: t.hours,
        completed_on: t.completed_on,
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTraining {
    /// Training programme code (`GET /api/v1/training-programmes`).
    #[schema(example = "life_skills")]
    pub programme: ProgrammeCode,
    #[validate(range(min = 1, max = 2000))]
    #[schema(minimum = 1, maximum = 2000)]
    pub hours: i32,
    pub completed_on: NaiveDate,
}

/// Records a completed training of a mentor the caller employs. The response is the mentor
/// with their eligibility recomputed; `Location` names the training.
#[utoipa::path(
    tag = "mentors",
    request_body = CreateTraining,
    params(MentorPath, IdempotencyKey),
    responses(
        (status = 201, body = Mentor, headers(("Location" = String, description = "The training recorded: `/api/v1/mentors/{id}/trainings/{training_id}`."))),
    )
)]
#[post("/mentors/{id}/trainings")]
pub async fn create_training(
    db: web::Data<Db>,
    policy: web::Data<Policy>,
    user: AuthUser,
    id: web::Path<MentorPath>,
    request: Idempotent<CreateTraining>,
) -> ApiResult<HttpResponse> {
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let id = id.into_inner().id;
    common::create(db.get_ref(), key, user.sub.clone(), None, move |conn| {
        let area = area(conn, &user.scope)?;
        let current = q::get(conn, &area, id)?.row;
        may_manage_mentor(&user.scope, current.employer_kind, &current.employer_code)?;
        check_training(conn, &input)?;
        let training = q::insert_training(
            conn,
            id,
            &input.programme,
            input.hours,
            input.completed_on,
            Utc::now().naive_utc(),
        )?;
        let (kind, created) = (ChangeType::MentorTraining, ChangeAction::Created);
        record_change(conn, &current, kind, training.id.get(), created)?;
        Ok(Created {
            record_id: training.id.get(),
            location: Some(format!("/api/v1/mentors/{id}/trainings/{}", training.id)),
            etag: None,
            body: mentor_view(q::get(conn, &MentorArea::All, id)?, &policy),
        })
    })
    .await
}

/// Reads one training of a mentor the caller may read.
#[utoipa::path(
    tag = "mentors",
    params(MentorTrainingPath),
    responses(
        (status = 200, body = Training),
    )
)]
#[get("/mentors/{id}/trainings/{training_id}")]
pub async fn get_training(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<MentorTrainingPath>,
) -> ApiResult<web::Json<Training>> {
    let MentorTrainingPath { id, training_id } = path.into_inner();
    let entry = db
        .run(move |conn| -> ApiResult<_> {
            let area = area(conn, &user.scope)?;
            Ok(q::get(conn, &area, id)?)
        })
        .await?;
    let training = entry
        .trainings
        .into_iter()
        .find(|t| t.id == training_id)
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(training_view(training)))
}

/// A training names a programme of the catalogue and is not completed in the future.
pub(super) fn check_training(conn: &mut DbConnection, input: &CreateTraining) -> ApiResult<()> {
    if !reference::list_training_programmes(conn)?
        .iter()
        .any(|p| p.code == input.programme)
    {
        return Err(DomainError::UnknownReference {
            what: Reference::TrainingProgramme,
            code: input.programme.to_string(),
        }
        .into());
    }
    if input.completed_on > crate::domain::today() {
        return Err(ApiError::field(
            "/completed_on",
            "must not be in the future",
        ));
    }
    Ok(())
}
