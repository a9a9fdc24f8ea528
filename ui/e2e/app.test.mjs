// End-to-end tests of the real desktop app in a real window (WebKitWebDriver under
// Xvfb, driven through tauri-driver). Each test starts the app on a fresh workspace
// directory and always ends its session, so no app is left running.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, freshDataDir, T, Actions, fill, text, waitText } from "./session.mjs";

const PASS = "correct horse battery staple";
/// The WebDriver key code for Enter: typed at the end of a field, it submits it.
const ENTER = "\uE007";

async function withApp(dataDir, body) {
  const browser = await openApp(dataDir);
  try {
    await body(browser);
  } finally {
    await browser.deleteSession();
  }
}

async function createTeam(b) {
  await (await b.$(T("first-run"))).waitForDisplayed({ timeout: 20000 });
  await fill(b, T("team-name"), "Vesterby FS");
  await fill(b, T("member-name"), "Bjørn Holm");
  await fill(b, T("passphrase"), PASS);
  await fill(b, T("passphrase2"), PASS);
  await (await b.$(T("create-team"))).click();
  await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 20000 });
}

test("first run creates a team; lock, a wrong passphrase is refused, the right one unlocks", async () => {
  const dir = freshDataDir();
  await withApp(dir, async (b) => {
    await (await b.$(T("first-run"))).waitForDisplayed({ timeout: 20000 });
    assert.equal(await b.getTitle(), "Hearth");
    // The strength hint comes from hearth-api as the passphrase is typed.
    await fill(b, T("passphrase"), "short");
    await waitText(b, T("strength"), "Too short");
    await (await b.$(T("passphrase"))).clearValue();
    await fill(b, T("team-name"), "Vesterby FS");
    await fill(b, T("member-name"), "Bjørn Holm");
    await fill(b, T("passphrase"), PASS);
    await waitText(b, T("strength"), "Strong");
    // Two different passphrases: said, and nothing is created.
    await fill(b, T("passphrase2"), PASS + "x");
    await (await b.$(T("create-team"))).click();
    await waitText(b, T("error"), "not the same");
    await (await b.$(T("passphrase2"))).clearValue();
    await fill(b, T("passphrase2"), PASS);
    await (await b.$(T("create-team"))).click();
    await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 20000 });
    await waitText(b, "header", "Bjørn Holm, Vesterby FS");

    await (await b.$(T("lock-now"))).click();
    await (await b.$(T("unlock-form"))).waitForDisplayed({ timeout: 10000 });
    assert.equal(await (await b.$(T("caseload"))).isExisting(), false, "the caseload is gone when locked");
    await fill(b, T("unlock-passphrase"), "not the passphrase");
    await (await b.$(T("unlock-button"))).click();
    await waitText(b, T("error"), "Wrong passphrase.");
    assert.equal(await (await b.$(T("caseload"))).isExisting(), false);
    await (await b.$(T("unlock-passphrase"))).clearValue();
    await fill(b, T("unlock-passphrase"), PASS);
    await (await b.$(T("unlock-button"))).click();
    await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 20000 });
  });
  // A second start of the app asks for the passphrase, not for a new team.
  await withApp(dir, async (b) => {
    await (await b.$(T("unlock-form"))).waitForDisplayed({ timeout: 20000 });
    assert.equal(await (await b.$(T("first-run"))).isExisting(), false);
  });
});

test("new family, a meeting: the child scores CORS on screen, the mother a collateral ORS, the child a CSRS; the graph shows two outcome lines and the cut-off at 32 and is saved as a PDF", async () => {
  const dir = freshDataDir();
  await withApp(dir, async (b) => {
    await createTeam(b);
    // One-time setup, not part of the scenario: this screen's calibration.
    await (await b.$(T("nav-settings"))).click();
    await (await b.$(T("calibrate"))).click();
    await (await b.$(T("calib-save"))).click();
    // ... and the folder exported PDFs go to.
    const pdfDir = mkdtempSync(join(tmpdir(), "hearth-e2e-pdf-"));
    await fill(b, T("export-dir"), pdfDir);
    await (await b.$(T("save-export-dir"))).click();
    await waitText(b, T("export-dir-now"), pdfDir);
    await (await b.$(T("nav-caseload"))).click();

    const a = new Actions(b);
    // The family: a 10-year-old and the mother.
    await a.click(T("add-case"), "add a case");
    await a.type(T("family-name"), "Wiśniewska", "type the family name");
    await a.click(T("save-case"), "save the case");
    await (await b.$(T("case-view"))).waitForDisplayed({ timeout: 10000 });
    await a.click(T("add-person"), "add a family member");
    await a.type(T("person-name"), "Zofia Wiśniewska", "type the child's name");
    const born = new Date();
    born.setFullYear(born.getFullYear() - 10);
    born.setMonth(born.getMonth() - 2);
    const iso = born.toISOString().slice(0, 10);
    // A date field takes its value through the page (WebKit's date input has no text caret).
    await b.execute((v) => {
      const el = document.querySelector('[data-test="person-born"]');
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, iso);
    a.count++; a.log.push("enter the child's date of birth");
    await a.click(T("save-person"), "add the child");
    await waitText(b, T("members"), "Zofia Wiśniewska");
    await a.click(T("add-person"), "add a family member");
    await a.type(T("person-name"), "Małgorzata Wiśniewska", "type the mother's name");
    await a.choose(T("person-role"), "parent", "choose the role parent");
    await a.click(T("save-person"), "add the mother");
    await waitText(b, T("members"), "Małgorzata Wiśniewska");
    const familyActions = a.count;

    // The meeting with its three ratings. With no meeting today the case shows today's
    // meeting ready to score (everyone present); the first score given records it.
    await a.click(`${T("rater-Zofia Wiśniewska")} ${T("screen-CORS")}`, "CORS on screen for the child");
    await (await b.$(T("client-mode"))).waitForDisplayed({ timeout: 10000 });
    // Nothing of the case is visible in client mode.
    assert.equal(await (await b.$(T("case-view"))).isExisting(), false);
    assert.equal(await (await b.$(T("nav-caseload"))).isExisting(), false);
    for (const [i, v] of [[0, 5], [1, 6], [2, 5.5], [3, 6]].entries()) await a.mark(v[0], v[1]);
    await a.click(T("client-done"), "child: done");
    await (await b.$(T("client-thanks"))).waitForDisplayed({ timeout: 10000 });
    await a.type(T("leave-secret"), PASS + ENTER, "worker types the passphrase and presses Enter");
    await (await b.$(T("case-view"))).waitForDisplayed({ timeout: 10000 });
    assert.equal((await b.$$(T("meeting"))).length, 1, "the score recorded today's meeting");

    const mother = `${T("rater-Małgorzata Wiśniewska")} ${T("quick-ORS")}`;
    assert.match(await text(b, `${T("rater-Małgorzata Wiśniewska")} label`), /ORS about Zofia Wiśniewska/, "an adult is offered the ORS about the child");
    await a.type(mother, "4 4 5 5" + ENTER, "type the mother's four ORS items from paper and press Enter");
    await waitText(b, T("case-notice"), "saved");

    await a.click(`${T("rater-Zofia Wiśniewska")} ${T("screen-CSRS")}`, "CSRS on screen for the child");
    await (await b.$(T("client-mode"))).waitForDisplayed({ timeout: 10000 });
    for (const [i, v] of [7, 8, 9, 8.5].entries()) await a.mark(i, v);
    await a.click(T("client-done"), "child: done");
    await (await b.$(T("client-thanks"))).waitForDisplayed({ timeout: 10000 });
    await a.type(T("leave-secret"), PASS + ENTER, "worker types the passphrase and presses Enter");
    await (await b.$(T("case-view"))).waitForDisplayed({ timeout: 10000 });
    const meetingActions = a.count - familyActions;

    // The graph: two outcome lines (the child's CORS, the mother's ORS), cut-off 32.
    const chart = await b.$(T("fit-chart"));
    await chart.waitForDisplayed({ timeout: 10000 });
    await b.waitUntil(async () => (await b.$$('[data-panel="outcome"] [data-test="series"]')).length === 2, {
      timeout: 10000, timeoutMsg: "two outcome lines",
    });
    const measures = [];
    for (const s of await b.$$('[data-panel="outcome"] [data-test="series"]')) measures.push(await s.getAttribute("data-measure"));
    assert.deepEqual(measures.sort(), ["CORS", "ORS"]);
    const cutoffs = [];
    for (const r of await b.$$('[data-panel="outcome"] [data-test="reference-cutoff"]')) cutoffs.push(await r.getAttribute("data-value"));
    assert.ok(cutoffs.length > 0 && cutoffs.every((c) => c === "32"), `cut-off lines ${cutoffs}`);
    const session = await b.$$('[data-panel="session"] [data-test="series"]');
    assert.equal(session.length, 1, "the child's CSRS in its own panel");
    assert.equal(await session[0].getAttribute("data-measure"), "CSRS");
    assert.equal(await (await b.$('[data-panel="session"] [data-test="reference-session_threshold"]')).getAttribute("data-value"), "36");
    // The item table shows what was marked and typed; the totals come from hearth-core.
    const table = await text(b, T("item-table"));
    assert.match(table, /22[.,]5/, "the child's CORS total 5 + 6 + 5.5 + 6");
    assert.match(table, /18[.,]0/, "the mother's ORS total");
    // Raters can be toggled.
    await (await b.$(T("toggle-Małgorzata Wiśniewska"))).click();
    await b.waitUntil(async () => (await b.$$('[data-panel="outcome"] [data-test="series"]')).length === 1, { timeout: 5000 });

    // Graph review: the child's graph full screen, nothing else of the case.
    await (await b.$(T("review"))).click();
    await (await b.$(T("graph-review"))).waitForDisplayed({ timeout: 10000 });
    for (const hidden of ["case-view", "nav-caseload", "members", "meeting"]) {
      assert.equal(await (await b.$(T(hidden))).isExisting(), false, `${hidden} hidden in graph review`);
    }
    assert.equal((await b.$$('[data-test="graph-review"] [data-test="series"]')).length, 3);
    await (await b.$(T("leave-review"))).click();
    await (await b.$(T("case-view"))).waitForDisplayed({ timeout: 10000 });

    // The graph for the case file: saved as a PDF in the chosen folder, under a file
    // name that names no one, with the child's name and scores inside.
    await (await b.$(T("export-show"))).click();
    await (await b.$(T("export-graph-Zofia Wiśniewska"))).click();
    await waitText(b, T("export-saved"), pdfDir);
    const saved = readdirSync(pdfDir);
    assert.equal(saved.length, 1, `one file: ${saved}`);
    assert.match(saved[0], /^FIT graph \S+ \d{4}-\d{2}-\d{2}\.pdf$/);
    assert.doesNotMatch(saved[0], /Zofia|Wiśniewska|Małgorzata/);
    const pdf = execFileSync("pdftotext", [join(pdfDir, saved[0]), "-"], { encoding: "utf8" });
    assert.match(pdf, /Zofia Wiśniewska/);
    assert.match(pdf, /CORS/);
    // In Danish the graph is written, dated and named in Danish.
    await (await b.$(T("language"))).selectByAttribute("value", "da");
    await (await b.$(T("export-graph-Zofia Wiśniewska"))).click();
    await waitText(b, T("export-saved"), "FIT-graf");
    const danish = readdirSync(pdfDir).filter((f) => f !== saved[0]);
    assert.equal(danish.length, 1, `one more file: ${readdirSync(pdfDir)}`);
    assert.match(danish[0], /^FIT-graf \S+ \d{4}-\d{2}-\d{2}\.pdf$/);
    const pdfDa = execFileSync("pdftotext", [join(pdfDir, danish[0]), "-"], { encoding: "utf8" });
    assert.match(pdfDa, /Zofia Wiśniewska/);
    assert.match(pdfDa, /skæringspunkt 32,0/);
    assert.match(pdfDa, /Side 1 af/);
    await (await b.$(T("language"))).selectByAttribute("value", "en");
    rmSync(pdfDir, { recursive: true, force: true });

    const report = { family: familyActions, meeting: meetingActions, total: a.count, steps: a.log };
    writeFileSync(process.env.HEARTH_E2E_ACTIONS ?? "/dev/null", JSON.stringify(report, null, 2));
    console.log(`scenario actions: family ${familyActions}, meeting with three ratings ${meetingActions}`);
  });
});

test("leaving client mode without the PIN fails and shows nothing of the case; guessing blocks the PIN", async () => {
  const dir = freshDataDir();
  await withApp(dir, async (b) => {
    await createTeam(b);
    await (await b.$(T("nav-settings"))).click();
    await fill(b, T("pin"), "4711");
    await (await b.$(T("save-pin"))).click();
    await waitText(b, T("pin-state"), "A PIN is set");
    await (await b.$(T("calibrate"))).click();
    await (await b.$(T("calib-save"))).click();
    await (await b.$(T("nav-caseload"))).click();
    await (await b.$(T("add-case"))).click();
    await fill(b, T("family-name"), "Holm");
    await (await b.$(T("save-case"))).click();
    await (await b.$(T("add-person"))).click();
    await fill(b, T("person-name"), "Ida Holm");
    await (await b.$(T("person-role"))).selectByAttribute("value", "parent");
    await (await b.$(T("save-person"))).click();
    await waitText(b, T("members"), "Ida Holm");
    await (await b.$(`${T("rater-Ida Holm")} ${T("screen-ORS")}`)).click();
    await (await b.$(T("client-mode"))).waitForDisplayed({ timeout: 10000 });

    // No PIN, a wrong PIN: still in client mode, nothing of the case on screen.
    await (await b.$(T("leave-button"))).click();
    await waitText(b, T("leave-error"), "not the PIN");
    await fill(b, T("leave-secret"), "1234");
    await (await b.$(T("leave-button"))).click();
    await waitText(b, T("leave-error"), "not the PIN");
    assert.equal(await (await b.$(T("client-mode"))).isDisplayed(), true);
    for (const hidden of ["case-view", "nav-caseload", "caseload", "lock-now"]) {
      assert.equal(await (await b.$(T(hidden))).isExisting(), false, `${hidden} hidden in client mode`);
    }
    // The keyboard moves a mark by 0.1.
    const line = await b.$(T("line-0"));
    await line.click();
    const before = Number(await line.getAttribute("data-value"));
    await b.keys(["ArrowRight"]);
    const after = Number(await line.getAttribute("data-value"));
    assert.equal(Math.round((after - before) * 10), 1);
    // Guessing: after five wrong tries the PIN is off, even the right one; the worker's
    // passphrase still leaves. (The field empties when the answer has come.)
    const tryLeave = async (secret) => {
      await fill(b, T("leave-secret"), secret);
      await (await b.$(T("leave-button"))).click();
      await b.waitUntil(async () => (await (await b.$(T("leave-secret"))).getValue()) === "", { timeout: 15000 });
      return text(b, T("leave-error"));
    };
    for (const guess of ["1111", "2222", "3333"]) assert.match(await tryLeave(guess), /not the PIN/);
    assert.match(await tryLeave("5555"), /Too many wrong tries/);
    assert.match(await tryLeave("4711"), /Too many wrong tries/);
    assert.equal(await (await b.$(T("client-mode"))).isDisplayed(), true);
    await fill(b, T("leave-secret"), PASS);
    await (await b.$(T("leave-button"))).click();
    await (await b.$(T("case-view"))).waitForDisplayed({ timeout: 10000 });
  });
});

test("after the idle time set in Settings the app locks itself and shows nothing of the caseload", async () => {
  const dir = freshDataDir();
  await withApp(dir, async (b) => {
    await createTeam(b);
    await (await b.$(T("nav-settings"))).click();
    const minutes = await b.$(T("idle-minutes"));
    await minutes.waitForDisplayed({ timeout: 10000 });
    await minutes.clearValue();
    await minutes.addValue("1");
    await (await b.$(T("save-idle"))).click();
    await (await b.$(T("settings-message"))).waitForDisplayed({ timeout: 10000 });
    await (await b.$(T("nav-caseload"))).click();
    await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 10000 });
    // One minute without input (nothing is sent to the window meanwhile).
    await (await b.$(T("unlock-form"))).waitForDisplayed({ timeout: 90000, interval: 1000 });
    await waitText(b, T("notice"), "locked itself after 1 min.");
    assert.equal(await (await b.$(T("caseload"))).isExisting(), false, "the caseload is gone when locked");
    await fill(b, T("unlock-passphrase"), PASS);
    await (await b.$(T("unlock-button"))).click();
    await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 20000 });
  });
});

test("in Danish: the whole screen and the api's errors, and the choice is kept after a restart", async () => {
  const dir = freshDataDir();
  try {
    await withApp(dir, async (b) => {
      await createTeam(b);
      await (await b.$(T("language"))).selectByAttribute("value", "da");
      await waitText(b, T("nav-caseload"), "Sagsstamme");
      await waitText(b, T("add-case"), "Tilføj en sag");
      // hearth-api refuses the wrong passphrase; the screen words it in Danish.
      await (await b.$(T("lock-now"))).click();
      await fill(b, T("unlock-passphrase"), "not the passphrase");
      await (await b.$(T("unlock-button"))).click();
      await waitText(b, T("error"), "Forkert adgangsfrase.");
    });
    await withApp(dir, async (b) => {
      await (await b.$(T("unlock-form"))).waitForDisplayed({ timeout: 20000 });
      await waitText(b, T("unlock-button"), "Lås op");
    });
  } finally {
    // The language is kept by the web view for the app, not per workspace: put English
    // back for the other tests.
    await withApp(dir, async (b) => {
      await (await b.$(T("unlock-form"))).waitForDisplayed({ timeout: 20000 });
      await b.execute(() => localStorage.setItem("hearth.locale", "en"));
    });
  }
});
