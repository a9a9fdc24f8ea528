// The sentences under a graph, worded from the change facts hearth-core computed.
import { points, signedPoints, t } from "./i18n/index.svelte";
import type { ChangeFact } from "./types";

export function changeSentences(f: ChangeFact): string[] {
  const rater = f.self_rated ? f.rater_name : f.rater_name;
  const base = { rater, measure: f.measure, first: points(f.first), last: points(f.last), change: signedPoints(f.change) };
  if (f.ratings < 2) return [t("change.one", base)];
  if (f.purpose === "session") return [t("change.session", base)];
  const out = [t("change.line", base)];
  if (f.reliable_change === "improved") out.push(t("change.reliableUp"));
  else if (f.reliable_change === "deteriorated") out.push(t("change.reliableDown"));
  else if (f.reliable_change === "none") out.push(t("change.noReliable"));
  if (f.cutoff !== null && f.clinically_significant !== null) {
    out.push(t(f.clinically_significant ? "change.clinical" : "change.notClinical", { cutoff: points(f.cutoff) }));
  }
  return out;
}
