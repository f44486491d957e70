//! The client's methods for the statistics.

use super::bodies::{IndicatorsQuery, StatsQuery};

use super::call::Call;
use super::harness::TestApp;

impl TestApp {
    /// `GET /api/v1/stats/{metric}` (`registry`, `clients`, `transitions`, `mentor-coverage`,
    /// `reassessments-overdue`, `care-levels`, `mentor-load`, `waiting`) as `token`.
    fn stats(&self, metric: &str, token: &str, query: &StatsQuery) -> Call {
        self.get_as(&format!("/api/v1/stats/{metric}"), token)
            .query(query)
    }

    pub fn registry_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("registry", token, query)
    }

    pub fn client_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("clients", token, query)
    }

    pub fn transition_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("transitions", token, query)
    }

    pub fn mentor_coverage_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("mentor-coverage", token, query)
    }

    pub fn overdue_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("reassessments-overdue", token, query)
    }

    pub fn care_level_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("care-levels", token, query)
    }

    pub fn plan_goal_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("plan-goals", token, query)
    }

    pub fn mentor_load_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("mentor-load", token, query)
    }

    pub fn waiting_stats(&self, token: &str, query: &StatsQuery) -> Call {
        self.stats("waiting", token, query)
    }

    pub fn indicator_stats(&self, token: &str, query: &IndicatorsQuery) -> Call {
        self.get_as("/api/v1/stats/indicators", token).query(query)
    }
}
