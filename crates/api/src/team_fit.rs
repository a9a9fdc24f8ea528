//! The team view's FIT numbers for whoever is signed in: their own caseload, or the
//! team's for a team manager.

use hearth_core::analytics::{FitScope, TeamFitSummary, team_fit_summary};

use crate::error::Result;
use crate::workspace::Workspace;

impl Workspace {
    /// FIT coverage of open families and the share of measured closed episodes with
    /// reliable and clinically significant change (hidden below the team's minimum of
    /// closed episodes, the same minimum as for local norms).
    pub fn team_fit_summary(&self) -> Result<TeamFitSummary> {
        let me = self.whoami()?;
        let minimum = self.team.view()?.settings.etr_min_episodes as usize;
        let mut views = Vec::new();
        for id in self.case_ids()? {
            views.push(self.case_view(&id)?);
        }
        Ok(team_fit_summary(
            &views,
            &self.measures,
            FitScope::for_member(&me.member, me.role),
            minimum,
        ))
    }
}
