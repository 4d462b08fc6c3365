// The app as a package put it on the machine opens its window on a first run: the .deb's
// /usr/bin/authdeck-desktop, or the AppImage started as itself (a release build with the UI
// embedded either way). Run only by .ci/package, after `dpkg -i` as
// `AUTHDECK_APP=/usr/bin/authdeck-desktop tests/e2e/run installed.test.js`, and with
// AUTHDECK_APP=<the .AppImage> for the AppImage; not in the e2e list.
// AUTHDECK_INSTALLED_NAME names the screenshots (<name>-first-run.png, <name>-display.png).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { APP, byTestId, closeApp, pageScreenshot, startApp, waitForText } from "./support.js";

const DEB_PROGRAM = "/usr/bin/authdeck-desktop";
const APPIMAGE = APP?.endsWith(".AppImage");
const SHOTS = process.env.AUTHDECK_INSTALLED_SHOTS;
const NAME = process.env.AUTHDECK_INSTALLED_NAME ?? "installed";

let browser;

before(async () => {
  assert.ok(SHOTS, "AUTHDECK_INSTALLED_SHOTS is not set: run this spec through .ci/package");
  assert.ok(
    APP === DEB_PROGRAM || APPIMAGE,
    `AUTHDECK_APP is ${APP}: this spec checks the .deb's ${DEB_PROGRAM} or an .AppImage only`,
  );
  browser = await startApp();
});

after(async () => {
  await closeApp(browser);
});

/** The environment process `pid` was started with. */
function environmentOf(pid) {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf("=");
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

/**
 * The program the app's process `pid` must be running: the .deb's, or the one inside the
 * AppImage it was started from (the runtime tells the app its AppImage and the folder it
 * mounted or extracted it to: APPIMAGE, APPDIR).
 */
function expectedProgram(pid) {
  if (!APPIMAGE) return DEB_PROGRAM;
  const env = environmentOf(pid);
  assert.equal(env.APPIMAGE, realpathSync(APP), "the window's process was started from this AppImage");
  assert.ok(env.APPDIR, "the AppImage runtime set APPDIR for the app's process");
  return realpathSync(join(env.APPDIR, "usr/bin/authdeck-desktop"));
}

/** How many colours the PNG `file` holds, and the signature of its pixels (identify's %k, %#). */
function pictureIn(file) {
  const [colours, signature] = execFileSync("identify", ["-format", "%k %#", file], { encoding: "utf8" }).split(" ");
  return { colours: Number(colours), signature };
}

/**
 * Takes screenshots with `shoot(file)` until one shows a painted screen that the next one, 300 ms
 * later, shows again. Under load the webview paints after its DOM is ready: a screenshot taken
 * then was one flat colour (seen on the busy two-core machine), or the frame before (the
 * loading skeleton); the welcome screen has over a thousand colours.
 */
async function paintedScreenshot(file, shoot) {
  const deadline = Date.now() + 15000;
  let previous;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the last frame paint
    await shoot(file);
    const { colours, signature } = pictureIn(file);
    if (colours > 16 && signature === previous) return;
    previous = signature;
    assert.ok(Date.now() < deadline, `${file} showed no painted, settled screen within 15 s (${colours} colours)`);
  }
}

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

test("the packaged app opens on the first-run welcome with no environment", async () => {
  await waitForText(browser, "welcome", "Welcome to Authdeck", 20000);
  assert.equal(await browser.getTitle(), "Authdeck");
  assert.equal(await byTestId(browser, "env-switcher").getValue(), "");
  await paintedScreenshot(join(SHOTS, `${NAME}-first-run.png`), (file) => pageScreenshot(browser, file));
});

test("the window on the display belongs to the packaged program", async () => {
  const windows = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Authdeck$"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .filter(Boolean);
  assert.equal(windows.length, 1, "exactly one visible window named Authdeck on the display");
  const owner = execFileSync("xdotool", ["getwindowpid", windows[0]], { encoding: "utf8" }).trim();
  const program = expectedProgram(owner);
  const running = processesOf(program);
  assert.deepEqual(running, [owner], `processes of ${program} (the window's _NET_WM_PID is ${owner})`);
  // the whole display, as a person would see it (the webview's own screenshot is above)
  await paintedScreenshot(join(SHOTS, `${NAME}-display.png`), (file) => execFileSync("import", ["-window", "root", file]));
});
