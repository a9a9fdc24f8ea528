// Screenshots for the README, taken from the real app with the demo team:
// docs/app-caseload.png, docs/app-case-graph.png, docs/app-export.png,
// docs/app-client-mode.png.
// Run through scripts/test-e2e (which starts Xvfb and tauri-driver):
//   scripts/test-e2e ui/e2e/tools/screenshots.mjs
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { openApp, freshDataDir, T, fill } from "../session.mjs";

const docs = join(dirname(fileURLToPath(import.meta.url)), "../../../docs");
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

const b = await openApp(freshDataDir());
try {
  await b.setWindowSize(1280, 860);
  await (await b.$(T("open-demo"))).waitForClickable({ timeout: 20000 });
  await (await b.$(T("open-demo"))).click();
  await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 60000 });
  await (await b.$('[data-test="notice"] button')).click();
  await pause(800);
  await b.saveScreenshot(join(docs, "app-caseload.png"));

  // Exported PDFs go to a throwaway "Documents" folder, removed at the end.
  const shots = mkdtempSync(join(tmpdir(), "hearth-shots-"));
  const pdfDir = join(shots, "Documents");
  mkdirSync(pdfDir);
  await (await b.$(T("nav-settings"))).click();
  await fill(b, T("export-dir"), pdfDir);
  await (await b.$(T("save-export-dir"))).click();
  await (await b.$(T("export-dir-now"))).waitForDisplayed({ timeout: 10000 });
  await (await b.$(T("nav-caseload"))).click();
  await (await b.$(T("case-row"))).waitForDisplayed({ timeout: 20000 });

  // A family whose first child has a trend: open it.
  const rows = await b.$$(T("case-row"));
  let opened = false;
  for (const row of rows) {
    if ((await row.$$("svg.spark polyline")).length > 0 && (await row.$$(".flag")).length > 0) {
      await (await row.$(T("open-case"))).click();
      opened = true;
      break;
    }
  }
  if (!opened) throw new Error("no demo family with ratings");
  await (await b.$(T("chart-svg"))).waitForDisplayed({ timeout: 20000 });
  await pause(800);
  await b.saveScreenshot(join(docs, "app-case-graph.png"));

  // Documents for the case file: the list, and one graph saved.
  await (await b.$(T("export-show"))).click();
  const firstGraph = await b.$('[data-test="export-card"] li button');
  await firstGraph.waitForClickable({ timeout: 20000 });
  await firstGraph.click();
  await (await b.$(T("export-saved"))).waitForDisplayed({ timeout: 20000 });
  // The whole window (an element screenshot comes out black in WebKitWebDriver),
  // scrolled so the card is in view.
  await (await b.$(T("export-card"))).scrollIntoView({ block: "end" });
  await pause(500);
  await b.saveScreenshot(join(docs, "app-export.png"));
  rmSync(shots, { recursive: true, force: true });

  // Client mode for the first child present at the latest meeting.
  await (await b.$(T("nav-settings"))).click();
  await (await b.$(T("calibrate"))).click();
  await (await b.$(T("calib-save"))).click();
  await (await b.$(T("nav-caseload"))).click();
  await (await b.$(T("case-row"))).waitForDisplayed({ timeout: 20000 });
  // An open case of a family with a child who rates the CORS.
  for (const row of await b.$$(T("case-row"))) {
    const text = await row.getText();
    if (text.includes("CORS") && !text.includes("YCORS") && text.includes("· open")) {
      await (await row.$(T("open-case"))).click();
      break;
    }
  }
  await (await b.$(T("case-view"))).waitForDisplayed({ timeout: 20000 });
  const start = await b.$('[data-test="screen-CORS"]');
  await start.waitForClickable({ timeout: 20000 });
  await start.click();
  await (await b.$(T("client-mode"))).waitForDisplayed({ timeout: 20000 });
  for (const [i, v] of [[0, 6.3], [1, 4.1]]) {
    const el = await b.$(T(`line-${i}`));
    const size = await el.getSize();
    await el.click({ x: Math.round((v / 10 - 0.5) * size.width), y: 0 });
  }
  await pause(800);
  await b.saveScreenshot(join(docs, "app-client-mode.png"));
  console.log("screenshots written to docs/");
} finally {
  await b.deleteSession();
}
