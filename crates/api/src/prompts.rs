//! Drift prompts over the caseload (rules in `hearth_core::prompts`) and the team's
//! thresholds. Read-only: a prompt never refuses or changes any action.

use hearth_core::CaseId;
use hearth_core::case::EpisodeStatus;
use hearth_core::prompts::{DriftSettings, Prompt, drift_prompts};

use crate::error::Result;
use crate::workspace::Workspace;

impl Workspace {
    /// The drift prompts of every case with an open episode, case by case as
    /// `list_cases` lists them. Open cases are found from the cached summaries and each
    /// case's view comes from the cache when current; plans and supervision records are
    /// not in the cached view, so each open case's document is loaded for them.
    pub fn prompts(&self) -> Result<Vec<Prompt>> {
        let mut out = Vec::new();
        for summary in self.case_summaries()? {
            if summary.status == Some(EpisodeStatus::Open) {
                out.extend(self.prompts_of(&summary.id)?);
            }
        }
        Ok(out)
    }

    /// The drift prompts of one case (none when it is closed).
    pub fn case_prompts(&self, case: &str) -> Result<Vec<Prompt>> {
        let case: CaseId = case.parse()?;
        self.prompts_of(&case)
    }

    fn prompts_of(&self, case: &CaseId) -> Result<Vec<Prompt>> {
        let view = self.case_view(case)?;
        let (doc, _) = self.load_case(case)?;
        let settings = self.team.view()?.settings.drift;
        Ok(drift_prompts(
            &view,
            &doc.plans()?,
            &doc.supervisions()?,
            &self.measures,
            &settings,
            self.clock.today(),
        ))
    }

    /// Sets the team's drift thresholds (team managers only). They change what the
    /// prompts show, never what anyone may do.
    pub fn set_drift_settings(&mut self, settings: &DriftSettings) -> Result<()> {
        let now = self.clock.now();
        self.team.set_drift_settings(settings, &self.member, now)?;
        self.save_team()
    }
}
