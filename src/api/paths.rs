//! Typed path parameters: a handler's path says which record's id it takes, so a service id
//! cannot reach a query for a client. Each struct documents its parameters in the OpenAPI.

use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::domain::codes::{MunicipalityCode, RegionCode, ServiceTypeCode};
use crate::domain::ids::{
    AssessmentId, AssignmentId, CaseNoteId, ClientId, DecisionId, GoalId, MentorId, PlacementId,
    PlanId, ProviderId, ReferralId, ServiceId, StaffId, StaffTrainingId, TrainingId, TransferId,
    TransferRequestId, WaitingEntryId, WebhookId,
};
use crate::domain::subsidy::Month;

macro_rules! path_params {
    ($($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty),+ $(,)? })+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
        #[into_params(parameter_in = Path)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)+
        }
    )+};
}

path_params! {
    ClaimPath {
        /// The municipality's code.
        municipality: MunicipalityCode,
        /// The month, `YYYY-MM`.
        month: Month,
    }
    ProviderPath {
        /// The provider's id.
        id: ProviderId,
    }
    ServicePath {
        /// The service's id.
        id: ServiceId,
    }
    ClientPath {
        /// The client's id.
        id: ClientId,
    }
    ClientAssessmentPath {
        /// The client's id.
        id: ClientId,
        /// The assessment's id.
        assessment_id: AssessmentId,
    }
    ClientPlanPath {
        /// The client's id.
        id: ClientId,
        /// The support plan's id.
        plan_id: PlanId,
    }
    ClientPlanGoalPath {
        /// The client's id.
        id: ClientId,
        /// The support plan's id.
        plan_id: PlanId,
        /// The goal's id.
        goal_id: GoalId,
    }
    ClientAssignmentPath {
        /// The client's id.
        id: ClientId,
        /// The mentor assignment's id.
        assignment_id: AssignmentId,
    }
    ClientTransferPath {
        /// The client's id.
        id: ClientId,
        /// The transfer's id.
        transfer_id: TransferId,
    }
    ClientDecisionPath {
        /// The client's id.
        id: ClientId,
        /// The decision's id.
        decision_id: DecisionId,
    }
    ClientNotePath {
        /// The client's id.
        id: ClientId,
        /// The case note's id.
        note_id: CaseNoteId,
    }
    ClientWaitingPath {
        /// The client's id.
        id: ClientId,
        /// The waiting-list entry's id.
        entry_id: WaitingEntryId,
    }
    ClientReferralPath {
        /// The client's id.
        id: ClientId,
        /// The referral's id.
        referral_id: ReferralId,
    }
    ReferralPath {
        /// The referral's id.
        id: ReferralId,
    }
    TransferRequestPath {
        /// The transfer request's id.
        id: TransferRequestId,
    }
    ClientPlacementPath {
        /// The client's id.
        id: ClientId,
        /// The placement's id.
        placement_id: PlacementId,
    }
    MentorPath {
        /// The mentor's id.
        id: MentorId,
    }
    MentorTrainingPath {
        /// The mentor's id.
        id: MentorId,
        /// The training's id.
        training_id: TrainingId,
    }
    StaffPath {
        /// The staff member's id.
        id: StaffId,
    }
    StaffTrainingPath {
        /// The staff member's id.
        id: StaffId,
        /// The training's id.
        training_id: StaffTrainingId,
    }
    WebhookPath {
        /// The subscription's id.
        id: WebhookId,
    }
    AssignmentPath {
        /// The assignment's id.
        id: AssignmentId,
    }
    PlacementPath {
        /// The placement's id.
        id: PlacementId,
    }
    RegionPath {
        /// The planning region's code.
        code: RegionCode,
    }
    MunicipalityPath {
        /// The municipality's code.
        code: MunicipalityCode,
    }
    ServiceTypePath {
        /// The service type's code.
        code: ServiceTypeCode,
    }
}
