//! The client's methods for mentors, their assignments, placements in services and the gaps.

use chrono::NaiveDate;
use kopiena::api::case_notes::CreateCaseNote;
use kopiena::api::decisions::{AppealRecord, CreateDecision};
use kopiena::api::mentors::{
    CreateAssignment, CreateMentor, CreateTraining, EndRequest, ListMentorsQuery, UpdateMentor,
};
use kopiena::api::placements::{CreatePlacement, ListPlacementsQuery, TimeLimitQuery};
use kopiena::api::referrals::{CreateReferral, DeclineReferral};
use kopiena::api::waiting_lists::{CloseWaitingEntry, CreateWaitingEntry};
use kopiena::domain::decision::DecisionOutcome;
use kopiena::domain::waiting::Priority;

use super::call::Call;
use super::harness::TestApp;

impl TestApp {
    /// Registers a staff member (`POST /api/v1/staff`), expecting 201.
    pub async fn register_staff(&self, token: &str, body: &serde_json::Value) -> serde_json::Value {
        self.post_as("/api/v1/staff", token, body).created().await
    }

    /// Records `hours` of `programme` completed `on` by staff member `id`, expecting 201; the
    /// staff member as the response shows them.
    pub async fn train_staff(
        &self,
        token: &str,
        id: &serde_json::Value,
        programme: &str,
        hours: i32,
        on: NaiveDate,
    ) -> serde_json::Value {
        let body = super::training(programme, hours, on);
        self.post_as(&format!("/api/v1/staff/{id}/trainings"), token, &body)
            .created()
            .await
    }

    // Mentors.

    pub fn create_mentor(&self, token: &str, body: &CreateMentor) -> Call {
        self.post_as("/api/v1/mentors", token, body)
    }

    pub fn get_mentor(&self, token: &str, id: i64) -> Call {
        self.get_as(&format!("/api/v1/mentors/{id}"), token)
    }

    pub fn update_mentor(&self, token: &str, id: i64, body: &UpdateMentor) -> Call {
        self.patch_as(
            &format!("/api/v1/mentors/{id}"),
            token,
            &super::registry::without_nulls(body),
        )
    }

    pub fn list_mentors(&self, token: &str, query: &ListMentorsQuery) -> Call {
        self.get_as("/api/v1/mentors", token).query(query)
    }

    pub fn add_training(&self, token: &str, mentor_id: i64, body: &CreateTraining) -> Call {
        self.post_as(
            &format!("/api/v1/mentors/{mentor_id}/trainings"),
            token,
            body,
        )
    }

    // Assignments.

    pub fn create_assignment(&self, token: &str, mentor_id: i64, body: &CreateAssignment) -> Call {
        self.post_as(
            &format!("/api/v1/mentors/{mentor_id}/assignments"),
            token,
            body,
        )
    }

    pub fn end_assignment(&self, token: &str, id: i64, body: &EndRequest) -> Call {
        self.post_as(&format!("/api/v1/mentor-assignments/{id}/end"), token, body)
    }

    pub fn list_mentor_assignments(&self, token: &str, mentor_id: i64) -> Call {
        self.get_as(&format!("/api/v1/mentors/{mentor_id}/assignments"), token)
    }

    pub fn list_client_assignments(&self, token: &str, client_id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/mentor-assignments"),
            token,
        )
    }

    // Decisions.

    pub fn create_decision(&self, token: &str, client_id: i64, body: &CreateDecision) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/decisions"),
            token,
            body,
        )
    }

    pub fn list_decisions(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/decisions"), token)
    }

    pub fn get_decision(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/decisions/{id}"),
            token,
        )
    }

    pub fn record_appeal(&self, token: &str, client_id: i64, id: i64, body: &AppealRecord) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/decisions/{id}/appeal"),
            token,
            body,
        )
    }

    /// Grants `client_id` the service type of `service_id`, open-ended from 2000 on (decided
    /// then, with the summary a VSAC grant attaches): the decision a placement rests on, for
    /// tests whose subject is not the decision. Its id.
    pub async fn grant(&self, token: &str, client_id: i64, service_id: i64) -> i64 {
        let service = self.get_service(service_id).ok().await;
        let service_type = service["service_type"].as_str().expect("a service type");
        let since = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
        let body = CreateDecision {
            prior_work_summary: Some("Family support and day services did not suffice.".into()),
            ..super::decision(service_type, DecisionOutcome::Granted, since, Some(since))
        };
        self.create_decision(token, client_id, &body)
            .created_id()
            .await
    }

    /// Grants `client_id` the service type of `service_id` ([`Self::grant`]) and puts them
    /// in the municipality's queue for it from today: a client `waiting_list`. The entry's id.
    pub async fn wait(&self, token: &str, client_id: i64, service_id: i64) -> i64 {
        let decision = self.grant(token, client_id, service_id).await;
        let today = kopiena::domain::today();
        let body = super::waiting(decision, Priority::Normal, today);
        self.create_waiting_entry(token, client_id, &body)
            .created_id()
            .await
    }

    // Waiting lists.

    pub fn create_waiting_entry(
        &self,
        token: &str,
        client_id: i64,
        body: &CreateWaitingEntry,
    ) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/waiting-list"),
            token,
            body,
        )
    }

    pub fn list_waiting_entries(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/waiting-list"), token)
    }

    pub fn get_waiting_entry(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/waiting-list/{id}"),
            token,
        )
    }

    pub fn close_waiting_entry(
        &self,
        token: &str,
        client_id: i64,
        id: i64,
        body: &CloseWaitingEntry,
    ) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/waiting-list/{id}/close"),
            token,
            body,
        )
    }

    pub fn municipality_queue(&self, token: &str, service_type: &str) -> Call {
        self.get_as("/api/v1/waiting-list", token)
            .query(&[("service_type", service_type)])
    }

    pub fn service_queue(&self, token: &str, service_id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/services/{service_id}/waiting-list"),
            token,
        )
    }

    pub fn waiting_without_assessment(&self, token: &str) -> Call {
        self.get_as("/api/v1/gaps/waiting-without-assessment", token)
    }

    // Referrals.

    pub fn create_referral(&self, token: &str, client_id: i64, body: &CreateReferral) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/referrals"),
            token,
            body,
        )
    }

    pub fn list_referrals(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/referrals"), token)
    }

    pub fn get_referral(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/referrals/{id}"),
            token,
        )
    }

    pub fn revoke_referral(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/referrals/{id}/revoke"),
            token,
            &serde_json::json!({}),
        )
    }

    pub fn service_referrals(&self, token: &str, service_id: i64) -> Call {
        self.get_as(&format!("/api/v1/services/{service_id}/referrals"), token)
    }

    pub fn accept_referral(&self, token: &str, id: i64) -> Call {
        self.post_as(
            &format!("/api/v1/referrals/{id}/accept"),
            token,
            &serde_json::json!({}),
        )
    }

    pub fn decline_referral(&self, token: &str, id: i64, body: &DeclineReferral) -> Call {
        self.post_as(&format!("/api/v1/referrals/{id}/decline"), token, body)
    }

    pub fn shared_record(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/shared-record"), token)
    }

    // Case notes.

    pub fn create_case_note(&self, token: &str, client_id: i64, body: &CreateCaseNote) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/case-notes"),
            token,
            body,
        )
    }

    pub fn list_case_notes(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/case-notes"), token)
    }

    pub fn get_case_note(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/case-notes/{id}"),
            token,
        )
    }

    // Placements.

    pub fn create_placement(&self, token: &str, client_id: i64, body: &CreatePlacement) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/placements"),
            token,
            body,
        )
    }

    pub fn get_placement(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/placements/{id}"),
            token,
        )
    }

    pub fn end_placement(&self, token: &str, id: i64, body: &EndRequest) -> Call {
        self.post_as(&format!("/api/v1/placements/{id}/end"), token, body)
    }

    #[expect(
        dead_code,
        reason = "a method per endpoint; no test calls this one yet"
    )]
    pub fn list_client_placements(
        &self,
        token: &str,
        client_id: i64,
        query: &ListPlacementsQuery,
    ) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/placements"), token)
            .query(query)
    }

    pub fn list_service_placements(
        &self,
        token: &str,
        service_id: i64,
        query: &ListPlacementsQuery,
    ) -> Call {
        self.get_as(&format!("/api/v1/services/{service_id}/placements"), token)
            .query(query)
    }

    // Gaps.

    pub fn clients_without_mentor(&self, token: &str) -> Call {
        self.get_as("/api/v1/gaps/clients-without-mentor", token)
    }

    pub fn reassessments_after_transition(&self, token: &str) -> Call {
        self.get_as("/api/v1/gaps/reassessments-after-transition", token)
    }

    pub fn placements_past_time_limit(&self, token: &str, query: &TimeLimitQuery) -> Call {
        self.get_as("/api/v1/gaps/placements-past-time-limit", token)
            .query(query)
    }
}
