//! The closed lists the domain uses (roles, meeting kinds, rating modes), each with the
//! kebab-case spelling used in documents, the CLI and JSON.

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::CoreError;
            fn from_str(s: &str) -> Result<Self, crate::CoreError> {
                let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| crate::CoreError::UnknownValue {
                        what: $what,
                        value: s.chars().take(40).collect(),
                        allowed: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}
/// Shared with the other modules that define closed lists (e.g. `casework`).
pub(crate) use vocabulary;

vocabulary!(
    /// A person's role in the family's case.
    PersonRole, "person role" {
        Child => "child",
        Parent => "parent",
        Carer => "carer",
        Sibling => "sibling",
        Relative => "relative",
        Teacher => "teacher",
        Pedagogue => "pedagogue",
        Professional => "professional",
        Other => "other",
    }
);

impl PersonRole {
    /// Children and siblings are the subjects whose age sets the cut-off; an adult role
    /// with no recorded date of birth is taken to be an adult.
    pub fn is_child(self) -> bool {
        matches!(self, PersonRole::Child | PersonRole::Sibling)
    }
}

vocabulary!(
    /// A team member's role (discipline) in the team.
    MemberRole, "member role" {
        SocialWorker => "social-worker",
        TeamManager => "team-manager",
        DomesticAbusePractitioner => "domestic-abuse-practitioner",
        ProbationWorker => "probation-worker",
        MentalHealthPractitioner => "mental-health-practitioner",
        RecoveryWorker => "recovery-worker",
        BusinessSupport => "business-support",
        FitConsultant => "fit-consultant",
    }
);

vocabulary!(
    /// The kind of meeting, as the FIT manual's casework steps name them.
    MeetingKind, "meeting kind" {
        NotificationConsultation => "notification-consultation",
        Phone => "phone",
        ChildInterview => "child-interview",
        Assessment => "assessment",
        CarePlan => "care-plan",
        Status => "status",
        Network => "network",
        Other => "other",
    }
);

impl MeetingKind {
    /// The SRS is used only when the family is alone with the worker, never in a
    /// network meeting (FIT manual L1307-1309, L1854).
    pub fn allows_session_rating(self) -> bool {
        !matches!(self, MeetingKind::Network)
    }
}

vocabulary!(
    /// How a score reached the record.
    RatingMode, "rating mode" {
        Screen => "screen",
        Paper => "paper",
        Phone => "phone",
        Email => "email",
    }
);

/// Whole years of age on `date` for someone born on `born`.
pub fn age_on(born: chrono::NaiveDate, date: chrono::NaiveDate) -> u32 {
    use chrono::Datelike;
    let mut years = date.year() - born.year();
    if (date.month(), date.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        assert_eq!(age_on(d("2014-06-15"), d("2026-06-14")), 11);
        assert_eq!(age_on(d("2014-06-15"), d("2026-06-15")), 12);
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-03-01")), 18);
        assert_eq!(age_on(d("2026-01-01"), d("2025-01-01")), 0);
    }

    #[test]
    fn vocabulary_parses_forgivingly_and_lists_what_is_allowed() {
        assert_eq!(
            "Team_Manager".parse::<MemberRole>().unwrap(),
            MemberRole::TeamManager
        );
        assert_eq!(
            "care plan".parse::<MeetingKind>().unwrap(),
            MeetingKind::CarePlan
        );
        let err = "boss".parse::<MemberRole>().unwrap_err().to_string();
        assert!(err.contains("team-manager"), "{err}");
        assert!(err.contains("boss"), "{err}");
    }
}
