//! Team actions: the roster and the team's settings (measure overrides, local norms).

use hearth_core::MemberId;
use hearth_core::MemberRole;

use crate::error::Result;
use crate::workspace::{Workspace, random_bytes};

impl Workspace {
    /// Overrides one measure for the whole team (e.g. other cut-offs, a reliable-change
    /// threshold of 6, or licensed item wording). Team managers only.
    pub fn set_measure_override(&mut self, json: &str) -> Result<()> {
        let now = self.clock.now();
        self.team.set_measure_override(json, &self.member, now)?;
        self.save_team()
    }

    /// The minimum number of closed episodes before local norms are shown.
    pub fn set_etr_min_episodes(&mut self, value: u32) -> Result<()> {
        let now = self.clock.now();
        self.team.set_etr_min_episodes(value, &self.member, now)?;
        self.save_team()
    }

    /// Adds a member to the roster. Team managers only.
    pub fn add_member(&mut self, name: &str, role: &str) -> Result<MemberId> {
        let role: MemberRole = role.parse()?;
        let id = MemberId::from_random(random_bytes());
        let now = self.clock.now();
        self.team.add_member(&id, name, role, &self.member, now)?;
        self.save_team()?;
        Ok(id)
    }
}
