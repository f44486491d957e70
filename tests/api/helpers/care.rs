//! The client's methods for mentors, their assignments, placements in services and the gaps.

use kopiena::api::mentors::{
    CreateAssignment, CreateMentor, CreateTraining, EndRequest, ListMentorsQuery, UpdateMentor,
};
use kopiena::api::placements::{CreatePlacement, ListPlacementsQuery, TimeLimitQuery};

use super::call::Call;
use super::harness::TestApp;

impl TestApp {
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
