// The harness itself: tauri-driver starts the real app, its window opens on the virtual display
// and the embedded UI loads. Runs first; when this fails, the flows cannot say anything.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { startApp, closeApp } from "./support.js";

let browser;

before(async () => {
  browser = await startApp();
});

after(async () => {
  await closeApp(browser);
});

test("the app's window opens with the title Authdeck and the UI loaded", async () => {
  await browser.waitUntil(async () => (await browser.getTitle()) === "Authdeck", {
    timeout: 20000,
    timeoutMsg: "the document title never became “Authdeck”",
  });
  // the UI's script ran: React rendered into the root element
  await browser.waitUntil(
    async () => browser.execute(() => (document.getElementById("root")?.childElementCount ?? 0) > 0),
    { timeout: 20000, timeoutMsg: "the UI never rendered into #root" },
  );
  const { width, height } = await browser.getWindowSize();
  assert.ok(width > 0 && height > 0, `window size ${width}x${height}`);
});

test("the window is mapped on the X display", () => {
  // xdotool asks the X server, not the webview: the window really exists on $DISPLAY.
  const ids = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Authdeck$"], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .filter(Boolean);
  assert.ok(ids.length >= 1, "no visible window named Authdeck on the display");
});
