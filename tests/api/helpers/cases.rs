//! The client's methods for clients, their assessments and support plans, and the audit log.

use kopiena::api::assessments::{CreateAssessment, DueQuery};
use kopiena::api::audit::ListAuditQuery;
use kopiena::api::clients::{CreateClient, ListClientsQuery, SearchClients, UpdateClient};
use kopiena::api::plan_goals::{PlansDueQuery, RecordGoalProgress};
use kopiena::api::support_plans::{CreateSupportPlan, UpdateSupportPlan};
use kopiena::api::transfers::TransferClient;
use kopiena::domain::ids::ClientId;
use serde_json::Value;

use super::auth::{admin, municipality, token};
use super::bodies::{audit_query, page};
use super::call::Call;
use super::harness::TestApp;

impl TestApp {
    // Clients.

    pub fn create_client(&self, token: &str, body: &CreateClient) -> Call {
        self.post_as("/api/v1/clients", token, body)
    }

    /// Registers `body` as `municipality_code`; its id.
    pub async fn new_client(&self, municipality_code: &str, body: &CreateClient) -> i64 {
        self.create_client(&token(&municipality(municipality_code)), body)
            .created_id()
            .await
    }

    pub fn get_client(&self, token: &str, id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{id}"), token)
    }

    pub fn update_client(&self, token: &str, id: i64, body: &UpdateClient) -> Call {
        self.patch_as(&format!("/api/v1/clients/{id}"), token, body)
    }

    pub fn list_clients(&self, token: &str, query: &ListClientsQuery) -> Call {
        self.get_as("/api/v1/clients", token).query(query)
    }

    pub fn search_clients(&self, token: &str, body: &SearchClients) -> Call {
        self.post_as("/api/v1/clients/search", token, body)
    }

    pub fn transfer_client(&self, token: &str, id: i64, body: &TransferClient) -> Call {
        self.post_as(&format!("/api/v1/clients/{id}/transfer"), token, body)
    }

    pub fn list_transfers(&self, token: &str, id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{id}/transfers"), token)
    }

    pub fn client_access_log(&self, token: &str, id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{id}/access-log"), token)
    }

    // Assessments.

    pub fn create_assessment(&self, token: &str, client_id: i64, body: &CreateAssessment) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/assessments"),
            token,
            body,
        )
    }

    pub fn list_assessments(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/assessments"), token)
    }

    pub fn get_assessment(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/assessments/{id}"),
            token,
        )
    }

    pub fn list_due_assessments(&self, token: &str, query: &DueQuery) -> Call {
        self.get_as("/api/v1/assessments/due", token).query(query)
    }

    // Support plans.

    pub fn create_support_plan(
        &self,
        token: &str,
        client_id: i64,
        body: &CreateSupportPlan,
    ) -> Call {
        self.post_as(
            &format!("/api/v1/clients/{client_id}/support-plans"),
            token,
            body,
        )
    }

    pub fn list_support_plans(&self, token: &str, client_id: i64) -> Call {
        self.get_as(&format!("/api/v1/clients/{client_id}/support-plans"), token)
    }

    /// `POST …/support-plans/{plan}/goals/{goal}/progress`.
    pub fn record_goal_progress(
        &self,
        token: &str,
        (client_id, plan_id, goal_id): (i64, i64, i64),
        body: &RecordGoalProgress,
    ) -> Call {
        self.post_as(
            &format!(
                "/api/v1/clients/{client_id}/support-plans/{plan_id}/goals/{goal_id}/progress"
            ),
            token,
            body,
        )
    }

    pub fn list_due_plans(&self, token: &str, query: &PlansDueQuery) -> Call {
        self.get_as("/api/v1/support-plans/due", token).query(query)
    }

    pub fn get_support_plan(&self, token: &str, client_id: i64, id: i64) -> Call {
        self.get_as(
            &format!("/api/v1/clients/{client_id}/support-plans/{id}"),
            token,
        )
    }

    pub fn update_support_plan(
        &self,
        token: &str,
        client_id: i64,
        id: i64,
        body: &UpdateSupportPlan,
    ) -> Call {
        self.patch_as(
            &format!("/api/v1/clients/{client_id}/support-plans/{id}"),
            token,
            body,
        )
    }

    // The audit log.

    pub fn list_audit(&self, token: &str, query: &ListAuditQuery) -> Call {
        self.get_as("/api/v1/audit", token).query(query)
    }

    /// Every audit record matching `query` (admin view), newest first, over all pages.
    pub async fn audit_records(&self, query: &ListAuditQuery) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        loop {
            let offset = i64::try_from(out.len()).expect("offset");
            let page = self
                .list_audit(&token(&admin()), query)
                .query(&page(100, offset))
                .ok()
                .await;
            let items = page["items"].as_array().expect("items").clone();
            let total = page["total"].as_u64().expect("total") as usize;
            let done = items.is_empty();
            out.extend(items);
            if done || out.len() >= total {
                // Reading the log is itself audited (`audit.read`): what an operation left
                // is the rest.
                out.retain(|r| r["action"] != "audit.read");
                return out;
            }
        }
    }

    /// The audit records of one client.
    pub async fn audit_of_client(&self, client_id: i64) -> Vec<Value> {
        self.audit_records(&ListAuditQuery {
            client_id: Some(ClientId(client_id)),
            ..audit_query()
        })
        .await
    }
}
