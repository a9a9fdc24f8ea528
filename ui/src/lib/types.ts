// The shapes hearth-api sends (serde JSON). The UI only displays them.

export interface WhoAmI { team: string; member: string; name: string; role: string }
export interface Status { exists: boolean; unlocked: boolean }
export type Strength = "too_short" | "weak" | "fair" | "strong";

export interface ChildTrend {
  person: string;
  name: string;
  measure: string | null;
  totals: number[];
  cutoff: number | null;
}
export type CaseloadFlag =
  | "not_improving"
  | "below_cutoff"
  | "deteriorated"
  | "srs_below_cutoff"
  | "srs_always_max"
  | "nothing_recorded_lately";
export interface CaseloadRow {
  id: string;
  family: string;
  reference: string;
  status: "open" | "closed" | "waiting-list" | null;
  children: ChildTrend[];
  flags: CaseloadFlag[];
  last_meeting: string | null;
  quiet_since: string | null;
}

export interface Person { id: string; name: string; born: string | null; role: string; party: boolean }
export interface Meeting { id: string; episode: string | null; date: string; kind: string; present: string[]; notes: string }
export interface RatingVersion { items: number[]; reason: string | null; at: string; by: string | null }
export interface Rating {
  id: string;
  meeting: string;
  date: string;
  measure: string;
  subject: string;
  rater: string;
  mode: string;
  not_given: string | null;
  versions: RatingVersion[];
}
export interface CaseView {
  id: string;
  family: { name: string; reference: string };
  people: Person[];
  episodes: { id: string; status: string; opened: string | null; closed: string | null }[];
  meetings: Meeting[];
  ratings: Rating[];
}

export interface ScaleOffer {
  outcome: string | null;
  session: string | null;
  session_withheld: string | null;
  age: number | null;
  faces: boolean;
}
/// The answer to a try at leaving client scoring mode.
export type ClientModeExit = "leave" | "wrong" | "pin-blocked";
export interface AppSettings { idle_lock_minutes: number; px_per_cm: number | null; pin_set: boolean; export_dir: string | null }
/// A document the case can export now (hearth_api::ExportOffer).
export type ExportKind = "parenting-assessment" | "closing-summary" | "graph" | "supervision" | "letter";
export interface ExportOffer {
  kind: ExportKind;
  subject: string | null;
  subject_name: string | null;
  record: string | null;
  record_date: string | null;
  draft: boolean;
}
export interface Exported { path: string; bytes: number }
export interface MeasureInfo { id: string; name: string; outcome: boolean; items: string[]; max_item: number; step: number }
export interface Vocabulary {
  member_roles: string[];
  person_roles: string[];
  meeting_kinds: string[];
  rating_modes: string[];
  measures: MeasureInfo[];
}
export interface Recorded { rating: string; warnings: string[] }

// The chart scene (hearth_core::chart::ChartScene).
export interface PlotXY { x: number; y: number }
export interface SeriesStyle { index: number; colour: string; dash: number[]; marker: "circle" | "square" | "triangle" | "diamond" | "cross" }
export interface PlotPoint { x: number; y: number; date: string; total: number; meeting: string; rating: string }
export interface SeriesLine { key: string; measure: string; rater: string; rater_name: string; self_rated: boolean; style: SeriesStyle; points: PlotPoint[] }
export interface ReferenceLine { kind: "cutoff" | "session_threshold"; value: number; y: number; x_from: number; x_to: number }
export interface Panel {
  kind: "outcome" | "session";
  y_min: number;
  y_max: number;
  y_ticks: { y: number; value: number }[];
  reference_lines: ReferenceLine[];
  band: { measure: string; expected: PlotXY[]; outline: PlotXY[] } | null;
  series: SeriesLine[];
}
export interface LegendEntry { rater: string; rater_name: string; self_rated: boolean; measures: string[]; style: SeriesStyle }
export interface ChangeFact {
  series: string;
  rater_name: string;
  self_rated: boolean;
  measure: string;
  purpose: "outcome" | "session" | string;
  ratings: number;
  first: number;
  last: number;
  change: number;
  reliable_change: "improved" | "deteriorated" | "none" | null;
  clinically_significant: boolean | null;
  cutoff: number | null;
  flags: string[];
}
export type ExpectedStatus =
  | { status: "shown"; measure: string }
  | { status: "no_own_rating" }
  | { status: "too_few_ratings" }
  | { status: "not_enough_data"; have: number; need: number }
  | { status: "no_model" }
  | { status: "not_for_measure"; measure: string };
export interface ChartScene {
  subject: string;
  subject_name: string;
  x_axis: { start: string; end: string; ticks: { x: number; date: string }[] } | null;
  panels: Panel[];
  legend: LegendEntry[];
  table: { columns: string[]; rows: { series: string; rater_name: string; measure: string; item: string | null; cells: (number | null)[] }[] };
  changes: ChangeFact[];
  expected: ExpectedStatus;
}

export interface Share { count: number; of: number; share: number }
export interface TeamFitSummary {
  scope: { scope: "own"; member: string } | { scope: "team" };
  open_families: number;
  covered_families: number;
  coverage: number | null;
  measured_closed_episodes: number;
  unmeasured_closed_episodes: number;
  minimum_episodes: number;
  reliable_improvement: Share | null;
  clinically_significant: Share | null;
}
