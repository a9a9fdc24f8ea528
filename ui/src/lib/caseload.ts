// Sorting, filtering and searching the caseload rows the api sends. No rule lives
// here: flags and trends come computed from hearth-api.
import type { CaseloadFlag, CaseloadRow } from "./types";

export type SortKey = "family" | "flags" | "last_meeting";

export interface CaseloadQuery {
  search: string;
  flag: CaseloadFlag | "all";
  sort: SortKey;
}

function matches(row: CaseloadRow, search: string): boolean {
  const words = search.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [row.family, row.reference, ...row.children.map((c) => c.name)]
    .join(" ")
    .toLocaleLowerCase();
  return words.every((w) => text.includes(w));
}

export function selectRows(rows: CaseloadRow[], q: CaseloadQuery): CaseloadRow[] {
  const out = rows.filter(
    (r) => matches(r, q.search) && (q.flag === "all" || r.flags.includes(q.flag)),
  );
  const byFamily = (a: CaseloadRow, b: CaseloadRow) =>
    a.family.localeCompare(b.family) || a.id.localeCompare(b.id);
  switch (q.sort) {
    case "flags":
      out.sort((a, b) => b.flags.length - a.flags.length || byFamily(a, b));
      break;
    case "last_meeting":
      // Never met first, then the oldest last meeting.
      out.sort((a, b) => {
        const x = a.last_meeting ?? "";
        const y = b.last_meeting ?? "";
        return x === y ? byFamily(a, b) : x < y ? -1 : 1;
      });
      break;
    default:
      out.sort(byFamily);
  }
  return out;
}

/// Points of a sparkline in a w x h box for totals on a 0..max scale.
export function sparkPoints(totals: number[], w: number, h: number, max = 40): string {
  if (totals.length === 0) return "";
  const step = totals.length > 1 ? w / (totals.length - 1) : 0;
  return totals
    .map((v, i) => `${(totals.length > 1 ? i * step : w / 2).toFixed(1)},${(h - (v / max) * h).toFixed(1)}`)
    .join(" ");
}
