// Component tests against Tauri's IPC mocks: the commands answer as hearth-api would,
// and the tests check what the screens do with the answers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Unlock from "./Unlock.svelte";
import Caseload from "./Caseload.svelte";
import ClientMode from "./ClientMode.svelte";
import FitChart from "./FitChart.svelte";
import TeamView from "./TeamView.svelte";
import RaterRow from "./RaterRow.svelte";
import ExportCard from "./ExportCard.svelte";
import { setLocale } from "../lib/i18n/index.svelte";
import type { CaseloadRow, ChartScene, ExportOffer } from "../lib/types";

beforeEach(() => setLocale("en"));
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("unlock", () => {
  it("says so when the passphrase is wrong and unlocks with the right one", async () => {
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd !== "unlock") return null;
      const pass = (args as { passphrase: string }).passphrase;
      if (pass === "right one here") return { team: "T", member: "m", name: "N", role: "social-worker" };
      throw { code: "wrong-passphrase", detail: "wrong passphrase" };
    });
    const onDone = vi.fn();
    const { container } = render(Unlock, { onDone });
    const input = container.querySelector('[data-test="unlock-passphrase"]') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "nope" } });
    await fireEvent.submit(container.querySelector("form")!);
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "Wrong passphrase.");
    expect(onDone).not.toHaveBeenCalled();
    await fireEvent.input(input, { target: { value: "right one here" } });
    await fireEvent.submit(container.querySelector("form")!);
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls).toEqual(["unlock", "unlock"]);
  });
  it("words the error in Danish when the language is Danish", async () => {
    setLocale("da");
    mockIPC(() => {
      throw { code: "wrong-passphrase", detail: "wrong passphrase" };
    });
    const { container } = render(Unlock, { onDone: vi.fn() });
    await fireEvent.submit(container.querySelector("form")!);
    expect((await screen.findByRole("alert")).textContent).toBe("Forkert adgangsfrase.");
  });
});

const rows: CaseloadRow[] = [
  { id: "a", family: "Berg", reference: "R1", status: "open", flags: ["srs_always_max"], last_meeting: "2026-10-01", quiet_since: "2026-10-01",
    children: [{ person: "c1", name: "Liv Berg", measure: "CORS", totals: [22, 27, 30], cutoff: 32 }] },
  { id: "b", family: "Dahl", reference: "R2", status: "open", flags: [], last_meeting: null, quiet_since: null,
    children: [{ person: "c2", name: "Ole Dahl", measure: null, totals: [], cutoff: null }] },
];

describe("caseload", () => {
  it("shows the api's rows with sparklines and flags, and filters by flag", async () => {
    mockIPC((cmd) => (cmd === "caseload" ? rows : null));
    const { container } = render(Caseload, { open: vi.fn() });
    await screen.findByText("Berg");
    expect(container.querySelectorAll('[data-test="case-row"]').length).toBe(2);
    expect(container.querySelectorAll("svg.spark polyline").length).toBe(1);
    expect(container.querySelector('[data-flag="srs_always_max"]')!.textContent).toBe("SRS always 40");
    expect(screen.getByText("no ratings yet")).toBeTruthy();
    const filter = container.querySelector('[data-test="filter"]') as HTMLSelectElement;
    await fireEvent.change(filter, { target: { value: "srs_always_max" } });
    await waitFor(() => expect(container.querySelectorAll('[data-test="case-row"]').length).toBe(1));
  });
  it("opens a case the api just added", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "caseload") return [];
      if (cmd === "add_case") return `case-for-${(args as { family: string }).family}`;
      return null;
    });
    const open = vi.fn();
    const { container } = render(Caseload, { open });
    await fireEvent.click(container.querySelector('[data-test="add-case"]')!);
    await fireEvent.input(container.querySelector('[data-test="family-name"]')!, { target: { value: "Holm" } });
    await fireEvent.submit(container.querySelector('[data-test="add-case-form"]')!);
    await waitFor(() => expect(open).toHaveBeenCalledWith("case-for-Holm"));
  });
});

describe("client scoring mode", () => {
  const props = {
    caseId: "c", meeting: "m", pxPerCm: 40, faces: false, onExit: vi.fn(),
    rater: { id: "r", name: "Zofia", born: null, role: "child", party: true },
    subject: { id: "r", name: "Zofia", born: null, role: "child", party: true },
    measure: { id: "CORS", name: "Child Outcome Rating Scale", outcome: true, items: ["Me", "Family", "School", "Everything"], max_item: 10, step: 0.1 },
  };
  it("sends the marks as one-decimal items and stays until the PIN is given", async () => {
    const rated: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "rate") { rated.push(args); return { rating: "x", warnings: [] }; }
      if (cmd === "may_leave_client_mode") return (args as { secret: string }).secret === "4711" ? "leave" : "wrong";
      return null;
    });
    const onExit = vi.fn();
    const { container } = render(ClientMode, { ...props, onExit });
    const lines = container.querySelectorAll('[role="slider"]');
    expect(lines.length).toBe(4);
    expect((lines[0] as HTMLElement).style.width).toBe("400px");
    const done = container.querySelector('[data-test="client-done"]') as HTMLButtonElement;
    expect(done.disabled).toBe(true);
    for (const [i, key] of ["ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown"].entries()) {
      await fireEvent.keyDown(lines[i], { key });
    }
    expect(done.disabled).toBe(false);
    await fireEvent.click(done);
    await screen.findByText("Thank you! Please hand the screen back.");
    expect(rated).toEqual([{ case: "c", meeting: "m", measure: "CORS", subject: "r", rater: "r", items: ["5.1", "4.9", "5.1", "4.9"], mode: "screen", not_given: null }]);
    const secret = container.querySelector('[data-test="leave-secret"]') as HTMLInputElement;
    await fireEvent.input(secret, { target: { value: "0000" } });
    await fireEvent.submit(container.querySelector('[data-test="leave-form"]')!);
    await screen.findByText("That is not the PIN or the passphrase.");
    expect(onExit).not.toHaveBeenCalled();
    await fireEvent.input(secret, { target: { value: "4711" } });
    await fireEvent.submit(container.querySelector('[data-test="leave-form"]')!);
    await waitFor(() => expect(onExit).toHaveBeenCalledTimes(1));
  });
  it("says when the PIN is off after too many wrong tries, and stays", async () => {
    mockIPC((cmd) => (cmd === "may_leave_client_mode" ? "pin-blocked" : null));
    const onExit = vi.fn();
    const { container } = render(ClientMode, { ...props, onExit });
    const secret = container.querySelector('[data-test="leave-secret"]') as HTMLInputElement;
    await fireEvent.input(secret, { target: { value: "4711" } });
    await fireEvent.submit(container.querySelector('[data-test="leave-form"]')!);
    await screen.findByText("Too many wrong tries: the PIN is off until the worker's passphrase is given.");
    expect(onExit).not.toHaveBeenCalled();
  });
});

describe("FIT graph", () => {
  const style = (index: number, colour: string, marker: "circle" | "square") => ({ index, colour, dash: index ? [6, 3] : [], marker });
  const scene: ChartScene = {
    subject: "c1", subject_name: "Liv",
    x_axis: { start: "2026-09-01", end: "2026-11-01", ticks: [{ x: 0.1, date: "2026-09-10" }] },
    panels: [{
      kind: "outcome", y_min: 0, y_max: 40, y_ticks: [{ y: 0, value: 0 }, { y: 1, value: 40 }],
      reference_lines: [{ kind: "cutoff", value: 32, y: 0.8, x_from: 0, x_to: 1 }], band: null,
      series: [
        { key: "CORS:c1", measure: "CORS", rater: "c1", rater_name: "Liv", self_rated: true, style: style(0, "#0072B2", "circle"),
          points: [{ x: 0.1, y: 0.5, date: "2026-09-10", total: 20, meeting: "m1", rating: "r1" }, { x: 0.9, y: 0.7, date: "2026-10-20", total: 28, meeting: "m2", rating: "r2" }] },
        { key: "ORS:p", measure: "ORS", rater: "p", rater_name: "Mum", self_rated: false, style: style(1, "#D55E00", "square"),
          points: [{ x: 0.1, y: 0.4, date: "2026-09-10", total: 16, meeting: "m1", rating: "r3" }] },
      ],
    }],
    legend: [
      { rater: "c1", rater_name: "Liv", self_rated: true, measures: ["CORS"], style: style(0, "#0072B2", "circle") },
      { rater: "p", rater_name: "Mum", self_rated: false, measures: ["ORS"], style: style(1, "#D55E00", "square") },
    ],
    table: { columns: ["2026-09-10", "2026-10-20"], rows: [{ series: "CORS:c1", rater_name: "Liv", measure: "CORS", item: null, cells: [20, 28] }] },
    changes: [{ series: "CORS:c1", rater_name: "Liv", self_rated: true, measure: "CORS", purpose: "outcome", ratings: 2, first: 20, last: 28, change: 8,
      reliable_change: "improved", clinically_significant: false, cutoff: 32, flags: [] }],
    expected: { status: "not_enough_data", have: 3, need: 30 },
  };
  it("draws each series, the cut-off with its value, and words the change facts", async () => {
    const { container } = render(FitChart, { scene });
    expect(container.querySelectorAll('[data-test="series"]').length).toBe(2);
    expect(container.querySelector('[data-test="reference-cutoff"]')!.getAttribute("data-value")).toBe("32");
    expect(container.textContent).toContain("cut-off 32.0");
    expect(container.textContent).toContain("Liv's CORS went from 20.0 to 28.0 (+8.0).");
    expect(container.textContent).toContain("This is a reliable improvement.");
    expect(container.textContent).toContain("Not a clinically significant change (cut-off 32.0).");
    expect(container.textContent).toContain("need 30 closed episodes (3 so far)");
    // Square markers for the second rater, legible without colour.
    expect(container.querySelectorAll('[data-rater="Mum"] rect').length).toBe(1);
    await fireEvent.click(container.querySelector('[data-test="toggle-Mum"]')!);
    expect(container.querySelectorAll('[data-test="series"]').length).toBe(1);
  });
});

describe("team view", () => {
  it("shows coverage, and hides the change shares below the minimum with the reason", async () => {
    mockIPC((cmd) => cmd === "team_fit_summary" ? {
      scope: { scope: "own", member: "m" }, open_families: 10, covered_families: 9, coverage: 0.9,
      measured_closed_episodes: 4, unmeasured_closed_episodes: 1, minimum_episodes: 20,
      reliable_improvement: null, clinically_significant: null,
    } : null);
    const { container } = render(TeamView, { me: { team: "T", member: "m", name: "N", role: "social-worker" } });
    await waitFor(() => expect(container.querySelector('[data-test="coverage"]')!.textContent!.trim()).toBe("90% (9 of 10)"));
    expect(container.querySelector('[data-test="team-scope"]')!.textContent).toBe("Your own cases");
    expect(container.querySelector('[data-test="reliable"]')!.textContent!.trim()).toBe("Hidden until there are at least 20 closed episodes (4 so far).");
  });
  it("shows the shares once there are enough episodes", async () => {
    mockIPC((cmd) => cmd === "team_fit_summary" ? {
      scope: { scope: "team" }, open_families: 0, covered_families: 0, coverage: null,
      measured_closed_episodes: 40, unmeasured_closed_episodes: 0, minimum_episodes: 20,
      reliable_improvement: { count: 22, of: 40, share: 0.55 }, clinically_significant: { count: 10, of: 40, share: 0.25 },
    } : null);
    const { container } = render(TeamView, { me: { team: "T", member: "m", name: "N", role: "team-manager" } });
    await waitFor(() => expect(container.querySelector('[data-test="clinical"]')!.textContent!.trim()).toBe("25% (10 of 40)"));
    expect(container.querySelector('[data-test="reliable"]')!.textContent!.trim()).toBe("55% (22 of 40)");
    expect(container.querySelector('[data-test="team-scope"]')!.textContent).toBe("The whole team");
  });
});

describe("a family member's row at a meeting", () => {
  const ors = { id: "ORS", name: "Outcome Rating Scale", outcome: true, items: ["Individually", "Interpersonally", "Socially", "Overall"], max_item: 10, step: 0.1 };
  const srs = { id: "SRS", name: "Session Rating Scale", outcome: false, items: ["Relationship", "Goals and topics", "Approach or method", "Overall"], max_item: 10, step: 0.1 };
  const mum = { id: "m", name: "Ida", born: null, role: "parent", party: true };
  const child = { id: "c", name: "Liv", born: "2016-01-01", role: "child", party: true };
  const base = {
    person: mum,
    offer: { outcome: "ORS", session: "SRS", session_withheld: null, age: 40, faces: false },
    measure: (id: string) => [ors, srs].find((m) => m.id === id),
    outcomeAbout: child,
    onScreen: vi.fn(),
    onMore: vi.fn(),
  };
  it("offers each scale on screen and from paper, says whom the outcome is about, and saves four typed items on Enter", async () => {
    const saved: [string, string[]][] = [];
    const onQuick = vi.fn(async (id: string, items: string[]) => { saved.push([id, items]); return true; });
    const onScreen = vi.fn();
    const { container } = render(RaterRow, { ...base, onQuick, onScreen });
    expect(container.textContent).toContain("ORS about Liv from paper");
    expect(container.textContent).toContain("SRS from paper");
    await fireEvent.click(container.querySelector('[data-test="screen-SRS"]')!);
    expect(onScreen).toHaveBeenCalledWith("SRS", false);
    const field = container.querySelector('[data-test="quick-ORS"]') as HTMLInputElement;
    await fireEvent.input(field, { target: { value: " 4 4  5,5 6 " } });
    await fireEvent.submit(field.closest("form")!);
    await waitFor(() => expect(saved).toEqual([["ORS", ["4", "4", "5,5", "6"]]]));
    await waitFor(() => expect(field.value).toBe(""));
  });
  it("asks for the right number of items and sends nothing otherwise", async () => {
    const onQuick = vi.fn(async () => true);
    const { container } = render(RaterRow, { ...base, onQuick });
    const field = container.querySelector('[data-test="quick-ORS"]') as HTMLInputElement;
    await fireEvent.input(field, { target: { value: "4 4 5" } });
    await fireEvent.submit(field.closest("form")!);
    await screen.findByText("Type the 4 item scores of the ORS, with a space between them.");
    expect(onQuick).not.toHaveBeenCalled();
  });
  it("keeps what was typed when the score is refused", async () => {
    const { container } = render(RaterRow, { ...base, onQuick: vi.fn(async () => false) });
    const field = container.querySelector('[data-test="quick-ORS"]') as HTMLInputElement;
    await fireEvent.input(field, { target: { value: "4 4 5 11" } });
    await fireEvent.submit(field.closest("form")!);
    await new Promise((r) => setTimeout(r, 10));
    expect(field.value).toBe("4 4 5 11");
  });
});

describe("documents for the case file", () => {
  const offers: ExportOffer[] = [
    { kind: "graph", subject: "p1", subject_name: "Åse Øby", record: null, record_date: null, draft: false },
    { kind: "parenting-assessment", subject: null, subject_name: null, record: null, record_date: null, draft: true },
    { kind: "supervision", subject: null, subject_name: null, record: "s1", record_date: "2026-11-20", draft: false },
    { kind: "letter", subject: null, subject_name: null, record: null, record_date: null, draft: false },
    { kind: "letter", subject: "p1", subject_name: "Åse Øby", record: null, record_date: null, draft: false },
  ];

  it("loads only when asked, words each offer, marks drafts, and saves the chosen one", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "export_offers") return offers;
      if (cmd === "export_folder") return "/home/worker/Documents";
      if (cmd === "export_pdf") return { path: "/home/worker/Documents/FIT graph N-1 2026-11-24.pdf", bytes: 1000 };
      return null;
    });
    const { container } = render(ExportCard, { caseId: "c1", version: 1 });
    expect(calls).toEqual([]);
    await fireEvent.click(container.querySelector('[data-test="export-show"]')!);
    await screen.findByText(/FIT graph of Åse Øby/);
    const labels = [...container.querySelectorAll("li button")].map((b) => b.textContent?.trim());
    expect(labels).toEqual([
      "FIT graph of Åse Øby",
      "Parenting assessment (draft)",
      "Case supervision record of 20 Nov 2026",
      "Closure letter to the family",
      "Closure letter to Åse Øby",
    ]);
    expect(container.querySelector('[data-test="export-folder"]')?.textContent).toContain("/home/worker/Documents");
    await fireEvent.click(container.querySelector('[data-test="export-graph-Åse Øby"]')!);
    expect((await screen.findByText(/Saved/)).textContent).toBe("Saved “FIT graph N-1 2026-11-24.pdf” in /home/worker/Documents.");
    expect(calls.find((c) => c.cmd === "export_pdf")?.args).toEqual({
      case: "c1",
      kind: "graph",
      subject: "p1",
      record: null,
      language: "en",
    });
  });

  it("asks for the PDF in the app's language", async () => {
    setLocale("da");
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "export_offers") return offers.slice(0, 1);
      if (cmd === "export_folder") return "/home/worker/Dokumenter";
      if (cmd === "export_pdf") return { path: "/home/worker/Dokumenter/FIT-graf N-1 2026-11-24.pdf", bytes: 1000 };
      return null;
    });
    const { container } = render(ExportCard, { caseId: "c1", version: 1 });
    await fireEvent.click(container.querySelector('[data-test="export-show"]')!);
    await fireEvent.click(await screen.findByText(/Åse Øby/));
    await screen.findByText(/FIT-graf N-1/);
    expect((calls.find((c) => c.cmd === "export_pdf")?.args as { language: string }).language).toBe("da");
  });

  it("opens the PDF folder in the file manager, and says so when it cannot", async () => {
    const calls: string[] = [];
    let opens = 0;
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "export_offers") return offers.slice(0, 1);
      if (cmd === "export_folder") return "/home/worker/Documents";
      if (cmd === "open_export_folder" && ++opens > 1) {
        throw { code: "io", detail: "the file manager could not be started: not found" };
      }
      return null;
    });
    const { container } = render(ExportCard, { caseId: "c1", version: 1 });
    await fireEvent.click(container.querySelector('[data-test="export-show"]')!);
    const open = await screen.findByText("Open the folder");
    await fireEvent.click(open);
    await waitFor(() => expect(calls).toContain("open_export_folder"));
    expect(container.querySelector('[data-test="export-error"]')).toBeNull();
    await fireEvent.click(open);
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Something went wrong: the file manager could not be started: not found",
    );
    // Each click asks the shell again; the page never names the folder.
    expect(calls.filter((c) => c === "open_export_folder")).toHaveLength(2);
  });

  it("shows the api's refusal and no saved message", async () => {
    mockIPC((cmd) => {
      if (cmd === "export_offers") return offers.slice(1, 2);
      if (cmd === "export_folder") return "/gone";
      throw { code: "refused", detail: "the folder /gone does not exist; choose another folder for PDFs" };
    });
    const { container } = render(ExportCard, { caseId: "c1", version: 1 });
    await fireEvent.click(container.querySelector('[data-test="export-show"]')!);
    await fireEvent.click(await screen.findByText(/Parenting assessment/));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Not done: the folder /gone does not exist; choose another folder for PDFs",
    );
    expect(container.querySelector('[data-test="export-saved"]')).toBeNull();
  });
});
