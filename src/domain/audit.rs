//! What the access audit records: the closed sets of audited actions and record kinds.

use super::codes::closed_set;
use super::ids::ClientId;

closed_set! {
    /// An audited read or change of client-level data; `….replay` is a repeated creation
    /// answered from its `Idempotency-Key` (a read of the record it created).
    pub enum AuditAction {
        ClientCreate = "client.create",
        ClientCreateReplay = "client.create.replay",
        ClientRead = "client.read",
        ClientUpdate = "client.update",
        ClientList = "client.list",
        ClientSearch = "client.search",
        ClientTransfer = "client.transfer",
        ClientTransferReplay = "client.transfer.replay",
        ClientTransfersRead = "client.transfers.read",
        /// Another municipality asked for the case (or read, accepted or declined a request).
        ClientTransferRequest = "client.transfer_request",
        ClientTransferRequestList = "client.transfer_request.list",
        ClientTransferRequestAnswer = "client.transfer_request.answer",
        ClientAccessLogRead = "client.access_log.read",
        /// A provider's read of the shared case record (need-to-know).
        ClientSharedRecordRead = "client.shared_record.read",
        /// Everything held on the client, as one document (GDPR art. 15).
        ClientExport = "client.export",
        AuditRead = "audit.read",
        AssessmentCreate = "assessment.create",
        AssessmentCreateReplay = "assessment.create.replay",
        AssessmentRead = "assessment.read",
        AssessmentList = "assessment.list",
        AssessmentDueList = "assessment.due.list",
        SupportPlanCreate = "support_plan.create",
        SupportPlanCreateReplay = "support_plan.create.replay",
        SupportPlanRead = "support_plan.read",
        SupportPlanUpdate = "support_plan.update",
        SupportPlanList = "support_plan.list",
        /// A goal's status and progress note on a final plan (no new plan version).
        SupportPlanGoalProgress = "support_plan.goal_progress",
        /// The case owner's plans due for review, across its clients.
        SupportPlanDueList = "support_plan.due.list",
        MentorAssignmentCreate = "mentor_assignment.create",
        MentorAssignmentCreateReplay = "mentor_assignment.create.replay",
        MentorAssignmentEnd = "mentor_assignment.end",
        MentorAssignmentRead = "mentor_assignment.read",
        MentorAssignmentList = "mentor_assignment.list",
        DecisionCreate = "decision.create",
        DecisionCreateReplay = "decision.create.replay",
        DecisionRead = "decision.read",
        DecisionList = "decision.list",
        DecisionAppeal = "decision.appeal",
        WaitingListCreate = "waiting_list.create",
        WaitingListCreateReplay = "waiting_list.create.replay",
        WaitingListRead = "waiting_list.read",
        WaitingListList = "waiting_list.list",
        WaitingListClose = "waiting_list.close",
        /// A queue across clients: the municipality's, or a named service's for its provider.
        WaitingListQueue = "waiting_list.queue",
        GapsWaitingWithoutAssessment = "gaps.waiting_without_assessment",
        ReferralCreate = "referral.create",
        ReferralCreateReplay = "referral.create.replay",
        ReferralRead = "referral.read",
        ReferralList = "referral.list",
        ReferralRevoke = "referral.revoke",
        /// A provider's read of the referrals to its service.
        ReferralServiceList = "referral.service_list",
        ReferralAccept = "referral.accept",
        ReferralDecline = "referral.decline",
        ServiceDeliveryRecord = "service_delivery.record",
        ServiceDeliveryRecordReplay = "service_delivery.record.replay",
        ServiceDeliveryList = "service_delivery.list",
        /// A monthly claim's lines read (one record per client on it).
        ClaimRead = "claim.read",
        /// A monthly claim closed, its lines frozen (one record per client on it).
        ClaimClose = "claim.close",
        CaseNoteCreate = "case_note.create",
        CaseNoteCreateReplay = "case_note.create.replay",
        CaseNoteRead = "case_note.read",
        CaseNoteList = "case_note.list",
        PlacementCreate = "placement.create",
        PlacementCreateReplay = "placement.create.replay",
        PlacementEnd = "placement.end",
        PlacementRead = "placement.read",
        PlacementList = "placement.list",
        GapsClientsWithoutMentor = "gaps.clients_without_mentor",
        GapsReassessmentsAfterTransition = "gaps.reassessments_after_transition",
        GapsPlacementsPastTimeLimit = "gaps.placements_past_time_limit",
    }
}

closed_set! {
    /// What came of an audited access: allowed, or refused (and how).
    pub enum AuditOutcome {
        Allowed = "allowed",
        /// The caller's role may not do this (403).
        Forbidden = "forbidden",
        /// The client or record is not within the caller's reach, or does not exist (404).
        NotFound = "not_found",
        /// A registration refused because the person is registered already (409).
        Duplicate = "duplicate",
    }
}

/// What an audited access names: one record of a client, a client's records as a whole, or
/// nothing in particular (a list across clients).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subject {
    pub record_id: Option<i64>,
    pub client_id: Option<ClientId>,
}

/// An access to one client's data: their records as a whole, or one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfClient {
    pub client_id: ClientId,
    pub record_id: Option<i64>,
}

impl OfClient {
    /// The client's records as a whole (a list of them).
    pub fn records(client_id: ClientId) -> Self {
        Self {
            client_id,
            record_id: None,
        }
    }

    /// One record of the client (the client's own record when `record_id` is the client).
    pub fn record(client_id: ClientId, record_id: i64) -> Self {
        Self {
            client_id,
            record_id: Some(record_id),
        }
    }
}

impl From<OfClient> for Subject {
    fn from(of: OfClient) -> Self {
        Self {
            record_id: of.record_id,
            client_id: Some(of.client_id),
        }
    }
}

impl AuditAction {
    /// The kind of record the action names: one per action, so a record and its replay
    /// are always filed under the same kind.
    pub fn record_type(self) -> RecordType {
        use AuditAction as A;
        match self {
            A::ClientCreate
            | A::ClientCreateReplay
            | A::ClientRead
            | A::ClientUpdate
            | A::ClientList
            | A::ClientSearch
            | A::ClientTransfer
            | A::ClientTransferReplay
            | A::ClientExport
            | A::ClientSharedRecordRead
            | A::GapsClientsWithoutMentor
            | A::GapsReassessmentsAfterTransition
            | A::GapsWaitingWithoutAssessment => RecordType::Client,
            A::ClientTransfersRead
            | A::ClientTransferRequest
            | A::ClientTransferRequestList
            | A::ClientTransferRequestAnswer => RecordType::ClientTransfer,
            A::ClientAccessLogRead | A::AuditRead => RecordType::AccessLog,
            A::AssessmentCreate
            | A::AssessmentCreateReplay
            | A::AssessmentRead
            | A::AssessmentList
            | A::AssessmentDueList => RecordType::Assessment,
            A::SupportPlanCreate
            | A::SupportPlanCreateReplay
            | A::SupportPlanRead
            | A::SupportPlanUpdate
            | A::SupportPlanList
            | A::SupportPlanGoalProgress
            | A::SupportPlanDueList => RecordType::SupportPlan,
            A::MentorAssignmentCreate
            | A::MentorAssignmentCreateReplay
            | A::MentorAssignmentEnd
            | A::MentorAssignmentRead
            | A::MentorAssignmentList => RecordType::MentorAssignment,
            A::DecisionCreate
            | A::DecisionCreateReplay
            | A::DecisionRead
            | A::DecisionList
            | A::DecisionAppeal => RecordType::Decision,
            A::WaitingListCreate
            | A::WaitingListCreateReplay
            | A::WaitingListRead
            | A::WaitingListList
            | A::WaitingListClose
            | A::WaitingListQueue => RecordType::WaitingListEntry,
            A::ReferralCreate
            | A::ReferralCreateReplay
            | A::ReferralRead
            | A::ReferralList
            | A::ReferralRevoke
            | A::ReferralServiceList
            | A::ReferralAccept
            | A::ReferralDecline => RecordType::Referral,
            A::ServiceDeliveryRecord | A::ServiceDeliveryRecordReplay | A::ServiceDeliveryList => {
                RecordType::ServiceDelivery
            }
            A::ClaimRead | A::ClaimClose => RecordType::Claim,
            A::CaseNoteCreate | A::CaseNoteCreateReplay | A::CaseNoteRead | A::CaseNoteList => {
                RecordType::CaseNote
            }
            A::PlacementCreate
            | A::PlacementCreateReplay
            | A::PlacementEnd
            | A::PlacementRead
            | A::PlacementList
            | A::GapsPlacementsPastTimeLimit => RecordType::Placement,
        }
    }

    /// The action a replay of this creation is audited as; `None` for an action that is
    /// not a creation.
    pub fn replay(self) -> Option<AuditAction> {
        Some(match self {
            AuditAction::ClientCreate => AuditAction::ClientCreateReplay,
            AuditAction::ClientTransfer => AuditAction::ClientTransferReplay,
            AuditAction::AssessmentCreate => AuditAction::AssessmentCreateReplay,
            AuditAction::SupportPlanCreate => AuditAction::SupportPlanCreateReplay,
            AuditAction::MentorAssignmentCreate => AuditAction::MentorAssignmentCreateReplay,
            AuditAction::DecisionCreate => AuditAction::DecisionCreateReplay,
            AuditAction::WaitingListCreate => AuditAction::WaitingListCreateReplay,
            AuditAction::ReferralCreate => AuditAction::ReferralCreateReplay,
            AuditAction::PlacementCreate => AuditAction::PlacementCreateReplay,
            AuditAction::CaseNoteCreate => AuditAction::CaseNoteCreateReplay,
            AuditAction::ServiceDeliveryRecord => AuditAction::ServiceDeliveryRecordReplay,
            _ => return None,
        })
    }
}

closed_set! {
    /// The kind of record an audit entry names.
    pub enum RecordType {
        Client = "client",
        ClientTransfer = "client_transfer",
        AccessLog = "access_log",
        Assessment = "assessment",
        SupportPlan = "support_plan",
        MentorAssignment = "mentor_assignment",
        Decision = "decision",
        WaitingListEntry = "waiting_list_entry",
        Referral = "referral",
        CaseNote = "case_note",
        Placement = "placement",
        ServiceDelivery = "service_delivery",
        Claim = "claim",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_is_filed_under_the_record_kind_of_its_creation() {
        for action in AuditAction::ALL {
            if let Some(replay) = action.replay() {
                assert_eq!(replay.record_type(), action.record_type(), "{action}");
                assert_eq!(replay.as_str(), format!("{action}.replay"));
            }
        }
    }
}
