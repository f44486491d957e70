//! How the domain's typed values are stored, on both backends of the `MultiConnection`:
//! ids as `BIGINT`, codes and closed sets as `TEXT`. Decoding a stored value that is not
//! one of a closed set's values is an error naming the set (a 500 whose log says which
//! column kind held it), never a default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{BigInt, Text};

use super::bulk::Lit;

use crate::domain::access::Role;
use crate::domain::assessment::{CareLevel, OrganisationType};
use crate::domain::audit::{AuditAction, AuditOutcome, RecordType};
use crate::domain::case_note::NoteKind;
use crate::domain::change::{ChangeAction, ChangeType};
use crate::domain::client::{DiStatus, TargetGroup, TransferRequestStatus};
use crate::domain::codes::{
    MunicipalityCode, ProgrammeCode, RegionCode, ServiceTypeCode, SpecialistRoleCode,
    TargetGroupCode,
};
use crate::domain::decision::{AppealOutcome, DecisionMaker, DecisionOutcome};
use crate::domain::ids::*;
use crate::domain::indicator::{Geography, IndicatorMeasure, Programme, Unit};
use crate::domain::mentor::{ContractType, EmployerKind};
use crate::domain::placement::TimeLimitRule;
use crate::domain::plan_goal::GoalStatus;
use crate::domain::referral::ReferralStatus;
use crate::domain::registry::{
    LegalStatus, MunicipalityKind, PriceUnit, ProviderStatus, Sector, ServiceStatus, Setting,
};
use crate::domain::staff::{StaffEmployerKind, TraineeKind};
use crate::domain::subsidy::{LivingSituation, MonthDays};
use crate::domain::support_plan::PlanStatus;
use crate::domain::tariff::{TariffKind, TariffUnit};
use crate::domain::waiting::{CloseReason, Priority};
use crate::domain::webhook::DeliveryStatus;

macro_rules! stored_as_bigint {
    ($($id:ty),+) => {$(
        impl<DB: Backend> ToSql<BigInt, DB> for $id
        where
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <i64 as ToSql<BigInt, DB>>::to_sql(&self.0, out)
            }
        }

        impl<DB: Backend> FromSql<BigInt, DB> for $id
        where
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map(Self)
            }
        }
    )+};
}

stored_as_bigint!(
    ProviderId,
    ServiceId,
    ClientId,
    AssessmentId,
    PlanId,
    GoalId,
    MentorId,
    TrainingId,
    AssignmentId,
    PlacementId,
    TransferId,
    TransitionId,
    AuditId,
    WebhookId,
    DeliveryId,
    DecisionId,
    WaitingEntryId,
    ReferralId,
    TransferRequestId,
    CaseNoteId,
    TariffId,
    ServiceDeliveryId,
    StaffId,
    StaffTrainingId
);

macro_rules! stored_as_text {
    ($($code:ty),+) => {$(
        impl<DB: Backend> ToSql<Text, DB> for $code
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $code
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                String::from_sql(bytes).map(Self::new)
            }
        }

        impl<'a> From<&'a $code> for Lit<'a> {
            fn from(code: &'a $code) -> Self {
                Lit::Text(code.as_str())
            }
        }
    )+};
}

impl<DB: Backend> ToSql<BigInt, DB> for MonthDays
where
    i64: ToSql<BigInt, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <i64 as ToSql<BigInt, DB>>::to_sql(&self.0, out)
    }
}

impl<DB: Backend> FromSql<BigInt, DB> for MonthDays
where
    i64: FromSql<BigInt, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let stored = i64::from_sql(bytes)?;
        MonthDays::from_stored(stored).ok_or_else(|| {
            format!("days {stored} beyond a month stored in service_deliveries").into()
        })
    }
}

impl From<MonthDays> for Lit<'_> {
    fn from(days: MonthDays) -> Self {
        Lit::Int(days.0)
    }
}

stored_as_text!(
    MunicipalityCode,
    RegionCode,
    ServiceTypeCode,
    ProgrammeCode,
    SpecialistRoleCode,
    TargetGroupCode
);

macro_rules! stored_as_closed_text {
    ($($set:ty => $column:literal),+ $(,)?) => {$(
        impl<DB: Backend> ToSql<Text, DB> for $set
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $set
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let stored = String::from_sql(bytes)?;
                Self::parse(&stored).ok_or_else(|| {
                    format!("unknown value {stored:?} stored in a {} column", $column).into()
                })
            }
        }

        impl From<$set> for Lit<'_> {
            fn from(value: $set) -> Self {
                Lit::Text(value.as_str())
            }
        }
    )+};
}

stored_as_closed_text!(
    TargetGroup => "target_group",
    DiStatus => "di_status",
    LegalStatus => "legal_status",
    Sector => "sector",
    ProviderStatus => "provider status",
    ServiceStatus => "service status",
    Setting => "setting",
    PriceUnit => "price_unit",
    MunicipalityKind => "municipality kind",
    ContractType => "contract_type",
    EmployerKind => "employer_kind",
    OrganisationType => "organisation_type",
    CareLevel => "care_level",
    PlanStatus => "support plan status",
    GoalStatus => "support plan goal status",
    AuditAction => "audit action",
    RecordType => "audit record_type",
    AuditOutcome => "audit outcome",
    ChangeType => "change resource_type",
    ChangeAction => "change action",
    DeliveryStatus => "webhook delivery status",
    Role => "audit actor_role",
    TimeLimitRule => "time_limit_rule",
    DecisionOutcome => "decision outcome",
    DecisionMaker => "decision decided_by",
    AppealOutcome => "decision appeal_outcome",
    Priority => "waiting list priority",
    CloseReason => "waiting list close_reason",
    ReferralStatus => "referral status",
    TransferRequestStatus => "transfer request status",
    NoteKind => "case note kind",
    TariffKind => "tariff kind",
    TariffUnit => "tariff unit",
    LivingSituation => "living_situation",
    StaffEmployerKind => "staff employer_kind",
    TraineeKind => "programme completion trainee_kind",
    Programme => "indicator programme",
    Unit => "indicator unit",
    IndicatorMeasure => "indicator measure",
    Geography => "indicator geography",
);

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;
    use crate::db::DbConnection;

    fn sqlite() -> DbConnection {
        DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").expect("sqlite"))
    }

    #[test]
    fn a_closed_set_round_trips_and_an_unknown_stored_value_is_an_error() {
        let mut conn = sqlite();
        let known: TargetGroup = diesel::select(sql::<Text>("'adult_with_mental_disorder'"))
            .get_result(&mut conn)
            .expect("known value");
        assert_eq!(known, TargetGroup::AdultWithMentalDisorder);
        let unknown =
            diesel::select(sql::<Text>("'martian'")).get_result::<ProviderStatus>(&mut conn);
        // The error's source names the set and the value; the 500's log shows both.
        let message = format!("{:?}", unknown.expect_err("unknown value"));
        assert!(message.contains("provider status"), "{message}");
        assert!(message.contains("martian"), "{message}");
    }
}
