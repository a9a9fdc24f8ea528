//! Rules the desktop app shows at the worker's desk: the caseload row of a case (a
//! trend per child and the warning flags) and which scale a family member is offered in
//! client scoring mode. Pure functions over a case view; the app only displays them.

mod caseload;
mod offer;

pub use caseload::{CaseloadFlag, CaseloadRow, ChildTrend, QUIET_AFTER_DAYS, caseload_row};
pub use offer::{ScaleOffer, scales_offered, scales_offered_at};
