// One Authdeck per data folder (issue 17): launching the app again brings the running window
// forward and the new process exits 0 (tauri-plugin-single-instance, over the session bus);
// `--open APP` shows that app, at start and through the hand-over; a launch on another data
// folder is its own instance. One app session serves every test here; a window manager
// (openbox) runs so that minimizing and coming forward mean what they mean on a desktop.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { closeApp, launch, screenshot, waitForText } from "./support.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const APP = process.env.AUTHDECK_APP;
const CLI = join(ROOT, "target/debug/authdeck");
const ENV = "Hand-over";

let browser;
let openbox;
const apps = {};

/** Runs the CLI on the run's data folder; returns its stdout. */
function cli(args, env = {}) {
  return execFileSync(CLI, args, { encoding: "utf8", timeout: 20000, env: { ...process.env, ...env } });
}

/** Starts the desktop binary itself (not through the driver) and resolves with its exit. */
function startDesktop(args = [], env = {}) {
  const child = spawn(APP, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  child.said = "";
  child.stderr.on("data", (chunk) => {
    child.said += chunk;
  });
  child.exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return child;
}

/** Waits for `child` to end within `timeout` ms; its exit code and how long it ran. */
async function exitOf(child, started, timeout = 20000) {
  const timer = new Promise((resolve) => setTimeout(() => resolve(null), timeout));
  const exit = await Promise.race([child.exited, timer]);
  if (exit === null) {
    child.kill();
    throw new Error(`the second launch still ran after ${timeout} ms (it was not handed over): ${child.said}`);
  }
  return { ...exit, ms: Date.now() - started };
}

/** The X windows named exactly "Authdeck" that are mapped (shown, not minimized). */
function shownWindows() {
  try {
    return execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Authdeck$"], { encoding: "utf8", timeout: 5000 })
      .split("\n")
      .filter(Boolean);
  } catch {
    return []; // xdotool search exits 1 when nothing matches
  }
}

function activeWindow() {
  try {
    return execFileSync("xdotool", ["getactivewindow"], { encoding: "utf8", timeout: 5000 }).trim();
  } catch {
    return "";
  }
}

async function until(what, check, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Minimizes the app's window through the window manager, as its title bar's button does. */
async function minimize(window) {
  execFileSync("xdotool", ["windowminimize", window], { timeout: 5000 });
  await until("the window minimized", () => !shownWindows().includes(window));
}

before(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: cargo build -p authdeck-cli`);
  cli(["env", "add", ENV, "--kind", "sandbox", "--token-url", "https://hand-over.example/token"]);
  for (const [name, clientId] of [
    ["Hand-over first", "hand-over-1"],
    ["Hand-over second", "hand-over-2"],
  ]) {
    cli(["app", "add", name, "--env", ENV, "--client-id", clientId, "--public"]);
  }
  for (const app of JSON.parse(cli(["apps", "--env", ENV, "--json"]))) apps[app.display_name] = app.id;
  openbox = spawn("openbox", ["--sm-disable"], { stdio: "ignore" });
  await until("a window manager", () => {
    try {
      execFileSync("wmctrl", ["-m"], { stdio: "ignore", timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  });
  // started on an app: `--open` when no Authdeck runs yet opens the window on it
  browser = await launch({ args: ["--open", apps["Hand-over first"]] });
});

after(async () => {
  await closeApp(browser);
  openbox?.kill();
});

test("a first launch with --open APP opens the window on that app", async () => {
  await waitForText(browser, "app-title", "Hand-over first");
  assert.equal(shownWindows().length, 1);
});

test("launching the app again on the same data folder hands over: it exits 0 and the window comes forward", async () => {
  const [window] = shownWindows();
  await minimize(window);
  const started = Date.now();
  const second = startDesktop();
  const exit = await exitOf(second, started);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, second.said);
  console.log(`second launch handed over and exited in ${exit.ms} ms`);
  await until("the window shown again", () => shownWindows().includes(window));
  await until("the window focused", () => activeWindow() === window);
  assert.deepEqual(shownWindows(), [window], "no second window opened");
});

test("a second launch with --open APP shows that app in the running window", async () => {
  const second = startDesktop(["--open", apps["Hand-over second"]]);
  const exit = await exitOf(second, Date.now());
  assert.equal(exit.code, 0, second.said);
  await waitForText(browser, "app-title", "Hand-over second");
  await screenshot(browser, "24-opened-by-a-second-launch");
});

test("`authdeck open APP` brings the running window forward on that app", async () => {
  const [window] = shownWindows();
  await minimize(window);
  const said = cli(["open", "hand-over-1", "--env", ENV], { AUTHDECK_DESKTOP: APP });
  assert.equal(said, `Authdeck shows “Hand-over first” of “${ENV}”.\n`);
  await waitForText(browser, "app-title", "Hand-over first");
  await until("the window shown again", () => shownWindows().includes(window));
  await until("the window focused", () => activeWindow() === window);
  await screenshot(browser, "25-opened-by-authdeck-open");
});

test("a launch on another data folder is its own instance, not handed over", async () => {
  const home = mkdtempSync(join(tmpdir(), "authdeck-other-home-"));
  const other = startDesktop([], { AUTHDECK_HOME: home });
  try {
    await until(
      "a second window, of the other data folder's own instance",
      () => {
        if (other.exitCode !== null) throw new Error(`the other data folder's launch ended (${other.exitCode}): ${other.said}`);
        return shownWindows().length === 2;
      },
      30000,
    );
    assert.equal(other.exitCode, null, "it still runs");
  } finally {
    other.kill();
    await other.exited;
    rmSync(home, { recursive: true, force: true });
  }
  // the first instance is untouched and still answers
  await waitForText(browser, "app-title", "Hand-over first");
});
