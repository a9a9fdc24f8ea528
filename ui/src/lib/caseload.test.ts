import { describe, expect, it } from "vitest";
import { selectRows, sparkPoints } from "./caseload";
import type { CaseloadRow } from "./types";

const row = (id: string, family: string, flags: CaseloadRow["flags"], last: string | null, child = "Ann"): CaseloadRow => ({
  id, family, reference: `R-${id}`, status: "open", flags, last_meeting: last, quiet_since: last,
  children: [{ person: `p${id}`, name: child, measure: "CORS", totals: [20, 24], cutoff: 32 }],
});
const rows = [
  row("1", "Nielsen", ["below_cutoff"], "2026-10-01", "Emil"),
  row("2", "Andersen", [], "2026-11-01", "Sofie"),
  row("3", "Østergaard", ["below_cutoff", "not_improving", "nothing_recorded_lately"], null, "Noah"),
];

describe("caseload selection", () => {
  it("searches family, reference and children's names, case-insensitively, every word", () => {
    expect(selectRows(rows, { search: "sofie", flag: "all", sort: "family" }).map((r) => r.id)).toEqual(["2"]);
    expect(selectRows(rows, { search: "R-3 noah", flag: "all", sort: "family" }).map((r) => r.id)).toEqual(["3"]);
    expect(selectRows(rows, { search: "nobody", flag: "all", sort: "family" })).toEqual([]);
  });
  it("filters by a flag the api computed", () => {
    expect(selectRows(rows, { search: "", flag: "below_cutoff", sort: "family" }).map((r) => r.id)).toEqual(["1", "3"]);
    expect(selectRows(rows, { search: "", flag: "nothing_recorded_lately", sort: "family" }).map((r) => r.id)).toEqual(["3"]);
  });
  it("sorts by name, by number of flags, and by the longest since the last meeting", () => {
    expect(selectRows(rows, { search: "", flag: "all", sort: "family" }).map((r) => r.family)).toEqual(["Andersen", "Nielsen", "Østergaard"]);
    expect(selectRows(rows, { search: "", flag: "all", sort: "flags" }).map((r) => r.id)).toEqual(["3", "1", "2"]);
    expect(selectRows(rows, { search: "", flag: "all", sort: "last_meeting" }).map((r) => r.id)).toEqual(["3", "1", "2"]);
  });
  it("does not reorder the rows it was given", () => {
    const before = rows.map((r) => r.id);
    selectRows(rows, { search: "", flag: "all", sort: "flags" });
    expect(rows.map((r) => r.id)).toEqual(before);
  });
  it("draws a sparkline from the totals it is given, higher totals higher up", () => {
    const pts = sparkPoints([0, 40], 100, 20).split(" ").map((p) => p.split(",").map(Number));
    expect(pts).toEqual([[0, 20], [100, 0]]);
  });
});
