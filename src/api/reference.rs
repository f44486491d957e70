//! Public reference data: planning regions, municipalities, the service-type catalogue,
//! target groups, specialist roles and training programmes.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::List;
use super::lang::{Lang, ListLang, Localized, LocalizedList};
use super::paths::{MunicipalityPath, RegionPath, ServiceTypePath};
use crate::db::{self, Db, reference as q};
use crate::domain::codes::*;
use crate::domain::registry::{MunicipalityKind, PriceUnit, Setting};
use crate::error::ApiResult;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanningRegion {
    /// Stable code, e.g. `KURZEME`.
    #[schema(example = "KURZEME")]
    pub code: RegionCode,
    pub name: String,
}

impl PlanningRegion {
    fn new(row: q::PlanningRegionRow, lang: Lang) -> Self {
        Self {
            name: lang.pick(&row.name_lv, &row.name_en).to_string(),
            code: row.code,
        }
    }
}

/// A local government (2021 territorial reform), with the dates it exists.
#[derive(Debug, Serialize, ToSchema)]
pub struct Municipality {
    /// Code used across the API: the ISO 3166-2:LV subdivision code without `LV-`.
    #[schema(example = "RIX")]
    pub code: MunicipalityCode,
    #[schema(example = "LV-RIX")]
    pub iso_3166_2: String,
    /// ATVK code of the official classification.
    pub atvk_code: String,
    pub name: String,
    pub kind: MunicipalityKind,
    /// Code of the planning region.
    pub planning_region: RegionCode,
    pub valid_from: NaiveDate,
    /// Last day the municipality existed; `null` while it exists.
    pub valid_to: Option<NaiveDate>,
    /// Code of the municipality that took over, when dissolved.
    pub successor: Option<MunicipalityCode>,
}

impl Municipality {
    fn new(row: q::MunicipalityRow, lang: Lang) -> Self {
        Self {
            name: lang.pick(&row.name_lv, &row.name_en).to_string(),
            kind: row.kind,
            code: row.code,
            iso_3166_2: row.iso_3166_2,
            atvk_code: row.atvk_code,
            planning_region: row.planning_region,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            successor: row.successor,
        }
    }
}

/// Numeric limits the DI plan sets for a service type.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceTypeLimits {
    /// Most places (or children placed at once) a service of this type may have.
    #[schema(example = 8)]
    pub max_capacity: Option<i32>,
    /// Oldest age at which a person may be placed (youth home: 23, i.e. under 24).
    pub max_age_at_placement: Option<i32>,
}

/// An entry of the service-type catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceType {
    #[schema(example = "family_like_care_home")]
    pub code: ServiceTypeCode,
    pub label: String,
    pub setting: Setting,
    /// `false` for forms of social assistance kept for completeness (social apartment,
    /// housing adaptation).
    pub is_social_service: bool,
    /// Named as an alternative to institutional care.
    pub is_di_alternative: bool,
    /// Codes of the target groups the service type serves.
    pub target_groups: Vec<TargetGroupCode>,
    pub limits: ServiceTypeLimits,
    /// The unit its price is usually quoted in.
    pub default_price_unit: Option<PriceUnit>,
}

impl ServiceType {
    fn new(entry: q::ServiceTypeEntry, lang: Lang) -> Self {
        let row = entry.row;
        Self {
            label: lang.pick(&row.label_lv, &row.label_en).to_string(),
            setting: row.setting,
            is_social_service: row.is_social_service,
            is_di_alternative: row.is_di_alternative,
            target_groups: entry.target_groups,
            limits: ServiceTypeLimits {
                max_capacity: row.max_capacity,
                max_age_at_placement: row.max_age_at_placement,
            },
            default_price_unit: row.default_price_unit,
            code: row.code,
        }
    }
}

// Named `TargetGroupEntry` in the document: `TargetGroup` is the closed set of the groups a
// client belongs to, and two schemas of one name would overwrite each other.
/// A target group of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TargetGroupEntry)]
pub struct TargetGroup {
    #[schema(example = "adult_with_mental_disorder")]
    pub code: TargetGroupCode,
    pub label: String,
    /// One of the three target groups of the DI plan (the others are register-level groups).
    pub is_di: bool,
    /// Youngest age of a person in the group, when it is age-bound.
    pub min_age: Option<i32>,
    /// Oldest age of a person in the group, when it is age-bound (children: 17).
    pub max_age: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialistRole {
    #[schema(example = "social_worker")]
    pub code: SpecialistRoleCode,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingProgramme {
    #[schema(example = "life_skills")]
    pub code: ProgrammeCode,
    pub label: String,
    /// Minimum hours the DI plan requires, when it sets one.
    pub min_hours: Option<i32>,
}

/// Lists the five planning regions.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListLang),
    responses(
        (status = 200, content((List<PlanningRegion> = "application/json"), (PlanningRegion = "application/x-ndjson")), headers(("Content-Language" = String))),
    )
)]
#[get("/planning-regions")]
pub async fn list_planning_regions(
    db: web::Data<Db>,
    lang: ListLang,
) -> ApiResult<LocalizedList<PlanningRegion>> {
    let rows = db.run(q::list_planning_regions).await?;
    Ok(Localized::list(lang, rows, PlanningRegion::new))
}

/// Reads one planning region.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(RegionPath, Lang),
    responses(
        (status = 200, body = PlanningRegion, headers(("Content-Language" = String))),
    )
)]
#[get("/planning-regions/{code}")]
pub async fn get_planning_region(
    db: web::Data<Db>,
    code: web::Path<RegionPath>,
    lang: Lang,
) -> ApiResult<Localized<PlanningRegion>> {
    let code = code.into_inner().code;
    let row = db.run(move |c| q::get_planning_region(c, &code)).await?;
    Ok(Localized {
        lang,
        body: PlanningRegion::new(row, lang),
    })
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMunicipalitiesQuery {
    /// Only municipalities of this planning region.
    #[param(example = "KURZEME")]
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub region: Option<RegionCode>,
    /// Only municipalities that exist on this date.
    pub valid_on: Option<NaiveDate>,
}

/// Lists municipalities, optionally by planning region and by the date they are valid on.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListMunicipalitiesQuery, ListLang),
    responses(
        (status = 200, content((List<Municipality> = "application/json"), (Municipality = "application/x-ndjson")), headers(("Content-Language" = String))),
    )
)]
#[get("/municipalities")]
pub async fn list_municipalities(
    db: web::Data<Db>,
    query: web::Query<ListMunicipalitiesQuery>,
    lang: ListLang,
) -> ApiResult<LocalizedList<Municipality>> {
    let query = query.into_inner();
    let filter = q::MunicipalityFilter {
        region: query.region,
        valid_on: query.valid_on,
    };
    let rows = db.run(move |c| q::list_municipalities(c, &filter)).await?;
    Ok(Localized::list(lang, rows, Municipality::new))
}

/// Reads one municipality, including dissolved ones.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(MunicipalityPath, Lang),
    responses(
        (status = 200, body = Municipality, headers(("Content-Language" = String))),
    )
)]
#[get("/municipalities/{code}")]
pub async fn get_municipality(
    db: web::Data<Db>,
    code: web::Path<MunicipalityPath>,
    lang: Lang,
) -> ApiResult<Localized<Municipality>> {
    let code = code.into_inner().code;
    let row = db.run(move |c| q::get_municipality(c, &code)).await?;
    Ok(Localized {
        lang,
        body: Municipality::new(row, lang),
    })
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListServiceTypesQuery {
    /// Only institutional or only community-based service types.
    pub setting: Option<Setting>,
    /// Only service types that serve this target group.
    #[param(example = "adult_with_mental_disorder")]
    #[serde(default, deserialize_with = "crate::api::common::empty_as_none")]
    pub target_group: Option<TargetGroupCode>,
    /// Only alternatives to institutional care (`true`) or only the others (`false`).
    pub di_alternative: Option<bool>,
}

/// Lists the service-type catalogue.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListServiceTypesQuery, ListLang),
    responses(
        (status = 200, content((List<ServiceType> = "application/json"), (ServiceType = "application/x-ndjson")), headers(("Content-Language" = String))),
    )
)]
#[get("/service-types")]
pub async fn list_service_types(
    db: web::Data<Db>,
    query: web::Query<ListServiceTypesQuery>,
    lang: ListLang,
) -> ApiResult<LocalizedList<ServiceType>> {
    let query = query.into_inner();
    let filter = q::ServiceTypeFilter {
        setting: query.setting,
        target_group: query.target_group,
        is_di_alternative: query.di_alternative,
    };
    let rows = db.run(move |c| q::list_service_types(c, &filter)).await?;
    Ok(Localized::list(lang, rows, ServiceType::new))
}

/// Reads one service type of the catalogue.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ServiceTypePath, Lang),
    responses(
        (status = 200, body = ServiceType, headers(("Content-Language" = String))),
    )
)]
#[get("/service-types/{code}")]
pub async fn get_service_type(
    db: web::Data<Db>,
    code: web::Path<ServiceTypePath>,
    lang: Lang,
) -> ApiResult<Localized<ServiceType>> {
    let code = code.into_inner().code;
    let entry = db.run(move |c| q::get_service_type(c, &code)).await?;
    Ok(Localized {
        lang,
        body: ServiceType::new(entry, lang),
    })
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTargetGroupsQuery {
    /// Only the three DI target groups (`true`) or only register-level groups (`false`).
    pub di: Option<bool>,
}

/// Lists target groups: the three DI target groups and the register-level groups.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListTargetGroupsQuery, ListLang),
    responses(
        (status = 200, content((List<TargetGroup> = "application/json"), (TargetGroup = "application/x-ndjson")), headers(("Content-Language" = String))),
    )
)]
#[get("/target-groups")]
pub async fn list_target_groups(
    db: web::Data<Db>,
    query: web::Query<ListTargetGroupsQuery>,
    lang: ListLang,
) -> ApiResult<LocalizedList<TargetGroup>> {
    let is_di = query.di;
    let rows = db.run(move |c| q::list_target_groups(c, is_di)).await?;
    Ok(Localized::list(lang, rows, |r, lang| TargetGroup {
        label: lang.pick(&r.label_lv, &r.label_en).to_string(),
        code: r.code,
        is_di: r.is_di,
        min_age: r.min_age,
        max_age: r.max_age,
    }))
}

/// Lists specialist roles (assessment team members and social-service staff).
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListLang),
    responses((status = 200, content((List<SpecialistRole> = "application/json"), (SpecialistRole = "application/x-ndjson")), headers(("Content-Language" = String))))
)]
#[get("/specialist-roles")]
pub async fn list_specialist_roles(
    db: web::Data<Db>,
    lang: ListLang,
) -> ApiResult<LocalizedList<SpecialistRole>> {
    let rows = db.run(db::reference::list_specialist_roles).await?;
    Ok(Localized::list(lang, rows, |r, lang| SpecialistRole {
        label: lang.pick(&r.label_lv, &r.label_en).to_string(),
        code: r.code,
    }))
}

/// Lists training programmes with the minimum hours the DI plan requires.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(ListLang),
    responses((status = 200, content((List<TrainingProgramme> = "application/json"), (TrainingProgramme = "application/x-ndjson")), headers(("Content-Language" = String))))
)]
#[get("/training-programmes")]
pub async fn list_training_programmes(
    db: web::Data<Db>,
    lang: ListLang,
) -> ApiResult<LocalizedList<TrainingProgramme>> {
    let rows = db.run(q::list_training_programmes).await?;
    Ok(Localized::list(lang, rows, |r, lang| TrainingProgramme {
        label: lang.pick(&r.label_lv, &r.label_en).to_string(),
        code: r.code,
        min_hours: r.min_hours,
    }))
}
