// Opens the real Hearth app through tauri-driver (WebKitWebDriver under Xvfb) and gives
// the tests small helpers. The app binary and the driver's address come from the
// environment that scripts/test-e2e sets up.
import { remote } from "webdriverio";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const APP = process.env.HEARTH_APP;
if (!APP) throw new Error("HEARTH_APP (the path of the built hearth-app) is not set");

export function freshDataDir() {
  const base = process.env.HEARTH_E2E_TMP ?? tmpdir();
  return mkdtempSync(join(base, "hearth-e2e-"));
}

export async function openApp(dataDir) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: "error",
    connectionRetryCount: 0,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      // The app gets arguments only (no environment) through WebKitWebDriver.
      "tauri:options": {
        application: APP,
        args: ["--data", dataDir, ...(process.env.HEARTH_DEMO_CASES ? ["--demo-cases", process.env.HEARTH_DEMO_CASES] : [])],
      },
    },
  });
  return browser;
}

/// `[data-test="name"]`
export const T = (name) => `[data-test="${name}"]`;

/// Counts what a person does: each click, each field typed into, each choice made.
export class Actions {
  count = 0;
  log = [];
  constructor(browser) {
    this.b = browser;
  }
  async click(selector, what) {
    const el = await this.b.$(selector);
    await el.waitForClickable({ timeout: 10000 });
    await el.click();
    this.count++;
    this.log.push(what ?? `click ${selector}`);
  }
  async type(selector, text, what) {
    const el = await this.b.$(selector);
    await el.waitForDisplayed({ timeout: 10000 });
    await el.addValue(text);
    this.count++;
    this.log.push(what ?? `type into ${selector}`);
  }
  async choose(selector, value, what) {
    const el = await this.b.$(selector);
    await el.waitForDisplayed({ timeout: 10000 });
    await el.selectByAttribute("value", value);
    this.count++;
    this.log.push(what ?? `choose ${value}`);
  }
  /// A mark on a scoring line at `value` (0-10): one touch or click.
  async mark(index, value) {
    const el = await this.b.$(T(`line-${index}`));
    await el.waitForDisplayed({ timeout: 10000 });
    const size = await el.getSize();
    const x = Math.round((value / 10 - 0.5) * size.width);
    await el.click({ x, y: 0 });
    this.count++;
    this.log.push(`mark line ${index} at ${value}`);
  }
}

/// Sets a field without counting it (setup that is not part of a measured scenario).
export async function fill(browser, selector, text) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 10000 });
  await el.addValue(text);
}

export async function text(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 15000 });
  return el.getText();
}

export async function waitText(browser, selector, expected, timeout = 15000) {
  try {
    await browser.waitUntil(async () => {
      const els = await browser.$$(selector);
      for (const el of els) {
        if ((await el.getText()).includes(expected)) return true;
      }
      return false;
    }, { timeout });
  } catch {
    // Say what the screen showed instead: its alerts are the likeliest reason.
    const alerts = [];
    for (const el of await browser.$$('[role="alert"]')) alerts.push(await el.getText());
    throw new Error(`no ${selector} containing ${JSON.stringify(expected)}; alerts on screen: ${JSON.stringify(alerts)}`);
  }
}
