//! Case actions: add and list cases, people and meetings.

use hearth_core::case::{CaseDoc, CaseSummary, CaseView, NewCase, NewMeeting, NewPerson};
use hearth_core::dates::parse_past_date;
use hearth_core::{CaseId, EpisodeId, MeetingId, MeetingKind, PersonId, PersonRole};

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

impl Workspace {
    /// Adds a case allocated to this workspace's member; returns its id.
    pub fn add_case(&mut self, family_name: &str, reference: Option<&str>) -> Result<CaseId> {
        let id = CaseId::from_random(random_bytes());
        let doc = CaseDoc::create(
            NewCase {
                id: id.clone(),
                first_episode: EpisodeId::from_random(random_bytes()),
                family_name: family_name.to_string(),
                reference: reference.map(str::to_string),
                allocated_to: self.member.clone(),
            },
            &self.actor,
            self.clock.today(),
            self.clock.now(),
        )?;
        self.save_case(&id, doc, 0)?;
        Ok(id)
    }

    /// Every case in the workspace, by family name.
    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        let mut out = self.case_summaries()?;
        out.sort_by(|a, b| {
            (a.family.name.to_lowercase(), &a.id).cmp(&(b.family.name.to_lowercase(), &b.id))
        });
        Ok(out)
    }

    pub fn case(&self, id: &str) -> Result<CaseView> {
        let id: CaseId = id.parse()?;
        self.case_view(&id)
    }

    pub fn add_person(
        &mut self,
        case: &str,
        name: &str,
        role: &str,
        born: Option<&str>,
        party: Option<bool>,
    ) -> Result<PersonId> {
        let case: CaseId = case.parse()?;
        let role: PersonRole = role.parse()?;
        let today = self.clock.today();
        let born = born.map(|b| parse_past_date(b, today)).transpose()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.add_person(
            NewPerson {
                id: PersonId::from_random(random_bytes()),
                name: name.to_string(),
                role,
                born,
                party,
            },
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    pub fn add_meeting(
        &mut self,
        case: &str,
        date: &str,
        kind: &str,
        present: &[String],
        notes: &str,
    ) -> Result<MeetingId> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let kind: MeetingKind = kind.parse()?;
        let present = present
            .iter()
            .map(|p| p.parse::<PersonId>())
            .collect::<Result<Vec<_>, _>>()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.add_meeting(
            NewMeeting {
                id: MeetingId::from_random(random_bytes()),
                date,
                kind,
                present,
                notes: notes.to_string(),
            },
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Closes the case's current episode.
    pub fn close_case(&mut self, case: &str, date: &str, reason: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.close_episode(date, reason, today, self.clock.now())?;
        self.save_case(&case, doc, base)
    }

    /// A re-referral: opens a new episode in a closed case.
    pub fn reopen_case(&mut self, case: &str, date: &str) -> Result<()> {
        let case: CaseId = case.parse()?;
        let today = self.clock.today();
        let date = parse_past_date(date, today)?;
        let (mut doc, base) = self.load_case(&case)?;
        doc.open_episode(
            &EpisodeId::from_random(random_bytes()),
            date,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)
    }
}
