// Quitting the way a person does, on a desktop with a window manager and a clipboard manager:
// the window manager's close (WM_DELETE_WINDOW, what the title bar's × sends) ends the app
// cleanly, and a secret it copied does not outlive it. The clipboard manager is Xfce's settings
// daemon, which implements the freedesktop clipboard-manager protocol (CLIPBOARD_MANAGER,
// SAVE_TARGETS) that GNOME and Xfce desktops use to keep a quitting program's clipboard.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { test } from "node:test";
import {
  byTestId,
  clipboard,
  EXIT_FILE,
  launch,
  manageAppWindow,
  openApp,
  recordForCanary,
  startSetUpProgram,
  succeeds,
  until,
  waitForText,
} from "./support.js";

const DEMO_SECRETS = ["admin-secret", "basic-secret", "jwt-secret", "post-secret"];

test("closing the window after copying a secret quits cleanly and leaves no secret on the clipboard", async () => {
  rmSync(EXIT_FILE, { force: true });
  const desktop = [];
  let browser;
  try {
    // it starts xfconfd over D-Bus first, which takes a while on a loaded machine
    const settings = await startSetUpProgram(
      "xfsettingsd",
      ["--disable-wm-check", "--sm-client-disable"],
      "xfsettingsd's window",
      () => succeeds("xdotool", ["search", "--class", "Xfsettingsd"]),
    );
    desktop.push(settings);
    browser = await launch({ args: ["--demo"], recordExit: true });
    await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 20000);
    await openApp(browser, "Demo service");
    await byTestId(browser, "secret-copy").click();
    await until("the copied secret on the clipboard", () => DEMO_SECRETS.includes(clipboard()));
    const copied = clipboard();
    await waitForText(browser, "clipboard-countdown", "clears in");

    desktop.push(await manageAppWindow());
    await recordForCanary(browser);
    execFileSync("wmctrl", ["-c", "Authdeck"], { timeout: 5000 });
    await until("the app's exit", () => existsSync(EXIT_FILE));

    assert.equal(readFileSync(EXIT_FILE, "utf8").trim(), "0", "the app did not end cleanly after its window was closed");
    const left = clipboard();
    assert.notEqual(left, copied, "the copied secret outlived the app");
    assert.equal(left, "");
  } finally {
    for (const program of desktop) program.kill();
    // The app is gone: ending its WebDriver session may fail, and there is nothing left to end.
    await browser?.deleteSession().catch(() => {});
  }
});
