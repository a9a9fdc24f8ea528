// Typed calls to the Tauri commands: one per hearth-api function. Errors arrive as
// { code, detail }; `ApiFailure` carries them so screens can word them.
import { invoke } from "@tauri-apps/api/core";
import type {
  AppSettings, CaseView, ClientModeExit, CaseloadRow, ChartScene, ExportOffer, Exported, Recorded, ScaleOffer, Status, Strength,
  TeamFitSummary, Vocabulary, WhoAmI,
} from "./types";

export class ApiFailure extends Error {
  constructor(public code: string, public detail: string) {
    super(detail);
  }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) {
      const err = e as { code: string; detail?: string };
      throw new ApiFailure(err.code, err.detail ?? "");
    }
    throw new ApiFailure("unknown", String(e));
  }
}

export interface RateArgs {
  case: string;
  meeting: string;
  measure: string;
  subject: string;
  rater: string | null;
  items: string[];
  mode: string | null;
  not_given: string | null;
}

export const api = {
  status: () => call<Status>("status"),
  memberRoles: () => call<string[]>("member_roles"),
  passphraseStrength: (passphrase: string) => call<Strength>("passphrase_strength", { passphrase }),
  createTeam: (team: string, name: string, role: string, passphrase: string) =>
    call<WhoAmI>("create_team", { team, name, role, passphrase }),
  createDemo: () => call<{ me: WhoAmI; passphrase: string }>("create_demo"),
  unlock: (passphrase: string) => call<WhoAmI>("unlock", { passphrase }),
  lock: () => call<void>("lock"),
  whoami: () => call<WhoAmI>("whoami"),
  vocabulary: () => call<Vocabulary>("vocabulary"),
  caseload: () => call<CaseloadRow[]>("caseload"),
  addCase: (family: string, reference: string | null) => call<string>("add_case", { family, reference }),
  caseView: (id: string) => call<CaseView>("case_view", { case: id }),
  addPerson: (caseId: string, name: string, role: string, born: string | null) =>
    call<string>("add_person", { case: caseId, name, role, born }),
  addMeeting: (caseId: string, date: string, kind: string, present: string[]) =>
    call<string>("add_meeting", { case: caseId, date, kind, present }),
  rate: (args: RateArgs) => call<Recorded>("rate", { ...args }),
  correctRating: (caseId: string, rating: string, items: string[], reason: string) =>
    call<void>("correct_rating", { case: caseId, rating, items, reason }),
  scalesOffered: (caseId: string, meeting: string, rater: string) =>
    call<ScaleOffer>("scales_offered", { case: caseId, meeting, rater }),
  scalesOfferedAt: (caseId: string, date: string, kind: string, rater: string) =>
    call<ScaleOffer>("scales_offered_at", { case: caseId, date, kind, rater }),
  checkItems: (measure: string, items: string[]) => call<void>("check_items", { measure, items }),
  appSettings: () => call<AppSettings>("app_settings"),
  setIdleLockMinutes: (minutes: number) => call<AppSettings>("set_idle_lock_minutes", { minutes }),
  setPxPerCm: (pxPerCm: number) => call<AppSettings>("set_px_per_cm", { pxPerCm }),
  setClientPin: (pin: string) => call<void>("set_client_pin", { pin }),
  mayLeaveClientMode: (secret: string) => call<ClientModeExit>("may_leave_client_mode", { secret }),
  teamFitSummary: () => call<TeamFitSummary>("team_fit_summary"),
  chart: (caseId: string, subject: string) => call<ChartScene>("chart", { case: caseId, subject }),
  exportOffers: (caseId: string) => call<ExportOffer[]>("export_offers", { case: caseId }),
  exportFolder: () => call<string>("export_folder"),
  openExportFolder: () => call<null>("open_export_folder"),
  setExportDir: (dir: string) => call<AppSettings>("set_export_dir", { dir }),
  exportPdf: (caseId: string, o: ExportOffer, language: string) =>
    call<Exported>("export_pdf", { case: caseId, kind: o.kind, subject: o.subject, record: o.record, language }),
};
