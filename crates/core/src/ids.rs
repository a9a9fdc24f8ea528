//! Random identifiers. IDs never carry names or case content: they are UUIDs chosen
//! by the caller's random source (so rules stay testable) and shown as plain strings.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new identifier from 16 random bytes supplied by the caller.
            pub fn from_random(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = crate::CoreError;
            /// Accepts only a UUID, so a typo or a name pasted as an ID is refused early.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s.trim())
                    .map(|u| Self(u.to_string()))
                    .map_err(|_| crate::CoreError::InvalidId(s.chars().take(40).collect()))
            }
        }
    };
}

id_type!(
    /// One case document: a family's record across episodes.
    CaseId
);
id_type!(
    /// A family member (or professional) inside one case.
    PersonId
);
id_type!(
    /// A meeting inside one case.
    MeetingId
);
id_type!(
    /// A rating inside one case; corrections keep the same id and add a version.
    RatingId
);
id_type!(
    /// An episode (waiting list, open, closed) inside one case.
    EpisodeId
);
id_type!(
    /// A member of the team (a worker), in the team document.
    MemberId
);
id_type!(
    /// The team document.
    TeamId
);
id_type!(
    /// An entry in a case's Family Safeguarding workbook.
    WorkbookEntryId
);
id_type!(
    /// A Family Safeguarding case supervision record inside one case.
    SupervisionId
);
id_type!(
    /// One dated stage-of-change observation inside one case.
    StageEntryId
);
id_type!(
    /// A significant event entered by hand in a case's chronology.
    ChronologyEventId
);
id_type!(
    /// One dated consent record (a status change, or a share without consent).
    ConsentRecordId
);
id_type!(
    /// A plan inside one case.
    PlanId
);
id_type!(
    /// A review of a plan.
    PlanReviewId
);
