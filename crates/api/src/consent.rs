//! The consent register: consent given, refused or withdrawn per family member and
//! purpose, and sharing without consent with its legal basis (rules in
//! `hearth_core::casework::consent`).

use hearth_core::casework::{ConsentRegister, ConsentStatus, NewConsent, NewShareWithoutConsent};
use hearth_core::dates::parse_past_date;
use hearth_core::{CaseId, ConsentRecordId, PersonId};

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

impl Workspace {
    /// Records consent `given`, `refused` or `withdrawn` for a person and purpose;
    /// returns the record's id. `date` defaults to today.
    pub fn set_consent(
        &mut self,
        case: &str,
        person: &str,
        purpose: &str,
        status: &str,
        date: Option<&str>,
    ) -> Result<ConsentRecordId> {
        let case: CaseId = case.parse()?;
        let person: PersonId = person.parse()?;
        let status: ConsentStatus = status.parse()?;
        let today = self.clock.today();
        let date = match date {
            Some(d) => parse_past_date(d, today)?,
            None => today,
        };
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.record_consent(
            NewConsent {
                id: ConsentRecordId::from_random(random_bytes()),
                person,
                purpose: purpose.to_string(),
                status,
                date,
            },
            &team,
            &self.member,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// Records that information about a person was shared without their consent, on
    /// the legal basis given; returns the record's id. `date` defaults to today.
    pub fn share_without_consent(
        &mut self,
        case: &str,
        person: &str,
        purpose: &str,
        basis: &str,
        date: Option<&str>,
    ) -> Result<ConsentRecordId> {
        let case: CaseId = case.parse()?;
        let person: PersonId = person.parse()?;
        let today = self.clock.today();
        let date = match date {
            Some(d) => parse_past_date(d, today)?,
            None => today,
        };
        let team = self.team.view()?;
        let (mut doc, base) = self.load_case(&case)?;
        let id = doc.record_share_without_consent(
            NewShareWithoutConsent {
                id: ConsentRecordId::from_random(random_bytes()),
                person,
                purpose: purpose.to_string(),
                basis: basis.to_string(),
                date,
            },
            &team,
            &self.member,
            today,
            self.clock.now(),
        )?;
        self.save_case(&case, doc, base)?;
        Ok(id)
    }

    /// The case's consent register.
    pub fn consent(&self, case: &str) -> Result<ConsentRegister> {
        let case: CaseId = case.parse()?;
        Ok(self.casework_views(&case)?.consent)
    }
}
