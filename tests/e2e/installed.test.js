// The app as the .deb installed it: /usr/bin/authdeck-desktop (a release build with the UI
// embedded) opens its window on a first run. Run only by .ci/package, after `dpkg -i`, as
// `AUTHDECK_APP=/usr/bin/authdeck-desktop tests/e2e/run installed.test.js`; not in the e2e list.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { byTestId, closeApp, startApp, waitForText } from "./support.js";

const INSTALLED = "/usr/bin/authdeck-desktop";
const SHOTS = process.env.AUTHDECK_INSTALLED_SHOTS;

let browser;

before(async () => {
  assert.ok(SHOTS, "AUTHDECK_INSTALLED_SHOTS is not set: run this spec through .ci/package");
  assert.equal(process.env.AUTHDECK_APP, INSTALLED, "this spec checks the installed app only");
  browser = await startApp();
});

after(async () => {
  await closeApp(browser);
});

/** The IDs of running processes whose executable is `path`. */
function processesOf(path) {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`) === path;
      } catch {
        return false; // ended meanwhile, or not ours to read
      }
    });
}

test("the installed app opens on the first-run welcome with no environment", async () => {
  await waitForText(browser, "welcome", "Welcome to Authdeck", 20000);
  assert.equal(await browser.getTitle(), "Authdeck");
  assert.equal(await byTestId(browser, "env-switcher").getValue(), "");
  await browser.pause(300); // let the last frame paint
  await browser.saveScreenshot(join(SHOTS, "installed-first-run.png"));
});

test("the window on the display belongs to the installed binary", () => {
  const running = processesOf(INSTALLED);
  assert.equal(running.length, 1, `processes of ${INSTALLED}: ${running.join(", ") || "none"}`);
  const windows = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Authdeck$"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .filter(Boolean);
  assert.equal(windows.length, 1, "exactly one visible window named Authdeck on the display");
  const owner = execFileSync("xdotool", ["getwindowpid", windows[0]], { encoding: "utf8" }).trim();
  assert.equal(owner, running[0], "the window's _NET_WM_PID is the installed app's process");
  // the whole display, as a person would see it (the webview's own screenshot is above)
  execFileSync("import", ["-window", "root", join(SHOTS, "installed-display.png")]);
});
