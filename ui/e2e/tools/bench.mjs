// Benchmarks of the release app with 500 demo families, in a real window:
//   start to unlock screen, unlock to caseload shown, opening a case until its graph
//   is drawn (median of 10), and resident memory (VmRSS) of the app and its web views.
// Run:  HEARTH_DEMO_CASES=500 HEARTH_APP_PROFILE=release scripts/test-e2e ui/e2e/tools/bench.mjs
import { readdirSync, readFileSync } from "node:fs";
import { openApp, freshDataDir, T, fill } from "../session.mjs";

const dir = freshDataDir();
const now = () => performance.now();

// Create the demo team once (not timed).
let b = await openApp(dir);
try {
  await (await b.$(T("open-demo"))).waitForClickable({ timeout: 30000 });
  await (await b.$(T("open-demo"))).click();
  await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 300000 });
  const count = await (await b.$(T("count"))).getText();
  console.log(`demo team: ${count}`);
} finally {
  await b.deleteSession();
}

function rssOf(pred) {
  let total = 0;
  const found = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!pred(cmd)) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      total += kb;
      found.push(`${cmd[0].split("/").pop()} ${Math.round(kb / 1024)} MB`);
    } catch {}
  }
  return { mb: Math.round(total / 1024), found };
}

const t0 = now();
b = await openApp(dir);
try {
  await (await b.$(T("unlock-form"))).waitForDisplayed({ timeout: 30000 });
  const tUnlockShown = now();
  await fill(b, T("unlock-passphrase"), "demo passphrase");
  const tClick = now();
  await (await b.$(T("unlock-button"))).click();
  await b.waitUntil(async () => (await b.$$(T("case-row"))).length >= 500, { timeout: 60000, interval: 20 });
  const tCaseload = now();
  console.log(`start to unlock screen: ${Math.round(tUnlockShown - t0)} ms (includes the WebDriver session)`);
  console.log(`unlock (Argon2id) to caseload of 500 shown: ${Math.round(tCaseload - tClick)} ms`);
  console.log(`start to caseload, without the time spent typing: ${Math.round(tUnlockShown - t0 + tCaseload - tClick)} ms`);

  const opens = [];
  for (let i = 0; i < 10; i++) {
    const rows = await b.$$(T("open-case"));
    const target = rows[(i * 37) % rows.length];
    const s = now();
    await target.click();
    await (await b.$(T("fit-chart"))).waitForExist({ timeout: 20000, interval: 10 });
    opens.push(now() - s);
    await (await b.$(T("back"))).click();
    await (await b.$(T("caseload"))).waitForDisplayed({ timeout: 20000 });
  }
  opens.sort((x, y) => x - y);
  console.log(`open a case to graph drawn: median ${Math.round(opens[5])} ms, max ${Math.round(opens[9])} ms (WebDriver round trips included)`);

  const app = rssOf((cmd) => cmd[0].endsWith("/hearth-app") && cmd.includes(dir));
  const web = rssOf((cmd) => /WebKit(Web|Network)Process/.test(cmd[0]));
  console.log(`resident memory: hearth-app ${app.mb} MB; WebKit processes ${web.mb} MB (${web.found.join(", ")})`);
} finally {
  await b.deleteSession();
}
