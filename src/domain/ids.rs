//! Typed record ids: a `ServiceId` cannot be passed where a `ClientId` is meant. How they
//! are stored is `db/types.rs`'s business; here they are only values.

macro_rules! record_ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

record_ids! {
    /// A provider in the register.
    ProviderId;
    /// A service of a provider.
    ServiceId;
    /// A client in the DI process.
    ClientId;
    /// A care-level assessment.
    AssessmentId;
    /// A support plan version.
    PlanId;
    /// A goal of a support plan.
    GoalId;
    /// A social mentor.
    MentorId;
    /// A completed training of a mentor.
    TrainingId;
    /// A mentor's assignment to a client.
    AssignmentId;
    /// A client's placement in a service.
    PlacementId;
    /// A change of the case-owning municipality.
    TransferId;
    /// A DI transition (institution to community).
    TransitionId;
    /// An access-audit record.
    AuditId;
    /// A webhook subscription.
    WebhookId;
    /// A webhook delivery (one event to one subscription).
    DeliveryId;
    /// A municipality's decision on a service for a client.
    DecisionId;
    /// A client's entry in a waiting list.
    WaitingEntryId;
    /// A referral of a client to a service.
    ReferralId;
    /// A municipality's request for another municipality's case.
    TransferRequestId;
    /// A note on a client's case.
    CaseNoteId;
    /// A staff member of a provider, municipality or planning region (beyond mentors).
    StaffId;
    /// A completed training of a staff member.
    StaffTrainingId;
    /// A version of a tariff.
    TariffId;
    /// A version of the services delivered to a client in a month.
    ServiceDeliveryId;
}
