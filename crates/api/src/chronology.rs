//! The case chronology: hand-entered significant events, and the whole date-ordered
//! list with the events derived from every other record (see
//! `hearth_core::casework::chronology`).

use hearth_core::casework::{ChronologyEvent, NewChronologyEvent};
use hearth_core::dates::parse_past_date;
use hearth_core::{CaseId, ChronologyEventId};

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

impl Workspace {
    /// Adds a significant event to the case's chronology as this workspace's member;
    /// returns its id. `date` is `YYYY-MM-DD`, never in the future.
    pub fn add_chronology_event(
        &mut self,
        case: &str,
        date: &str,
        what: &str,
        source: Option<&str>,
        impact: Option<&str>,
    ) -> Result<ChronologyEventId> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.add_chronology_event(
            NewChronologyEvent {
                id: ChronologyEventId::from_random(random_bytes()),
                date,
                what: what.to_string(),
                source: source.map(str::to_string),
                impact: impact.map(str::to_string),
            },
            &team,
            &self.member,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// The case's chronology, in date order.
    pub fn chronology(&self, case: &str) -> Result<Vec<ChronologyEvent>> {
        let case: CaseId = case.parse()?;
        let (doc, _) = self.load_case(&case)?;
        Ok(doc.chronology()?)
    }
}
