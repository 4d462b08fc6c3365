// The app on the desktop (issue 17). One Authdeck per data folder: launching the app again
// brings the running window forward and the new process exits 0 (tauri-plugin-single-instance,
// over the session bus); `--open APP` and `authdeck open APP` show that app, at start and
// through the hand-over; a launch on another data folder is its own instance. Import and export
// through the system's file dialogs. The command palette (Ctrl+K), keyboard only. One app session serves every test here; a window manager
// (openbox) runs so that minimizing and coming forward mean what they mean on a desktop.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  APP,
  byTestId,
  CLI,
  click,
  closeApp,
  dismissToasts,
  HOME,
  instanceName,
  instanceNamesOnBus,
  Key,
  launch,
  NAMESPACE,
  notificationsIn,
  screenshot,
  startNotificationListener,
  startWindowManager,
  stillRunning,
  textsOf,
  until,
  waitForGone,
  waitForText,
} from "./support.js";

const ENV = "Hand-over";
const IMPORTED = "Dialog team"; // the environment the dialog test imports
const FAR = "Palette far"; // another environment, for the palette to reach into

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

/** Minimizes the app's window through the window manager, as its title bar's button does. */
async function minimize(window) {
  execFileSync("xdotool", ["windowminimize", window], { timeout: 5000 });
  await until("the window minimized", () => !shownWindows().includes(window));
}

// the run's data folder is shared with the specs after this one: left as it was found
let activeBefore = null;

before(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: cargo build -p authdeck-cli`);
  activeBefore = JSON.parse(cli(["envs", "--json"])).find((environment) => environment.active)?.name ?? null;
  cli(["env", "add", ENV, "--kind", "sandbox", "--token-url", "https://hand-over.example/token"]);
  for (const [name, clientId] of [
    ["Hand-over first", "hand-over-1"],
    ["Hand-over second", "hand-over-2"],
  ]) {
    cli(["app", "add", name, "--env", ENV, "--client-id", clientId, "--public"]);
  }
  for (const app of JSON.parse(cli(["apps", "--env", ENV, "--json"]))) apps[app.display_name] = app.id;
  cli(["env", "add", FAR, "--kind", "production", "--token-url", "https://far.example/token"]);
  cli(["app", "add", "Faraway ledger", "--env", FAR, "--client-id", "faraway-ledger-1", "--public"]);
  openbox = await startWindowManager();
  // started on an app: `--open` when no Authdeck runs yet opens the window on it
  browser = await launch({ args: ["--open", apps["Hand-over first"]] });
});

after(async () => {
  await closeApp(browser);
  openbox?.kill();
  if (activeBefore) cli(["use", activeBefore]);
  // (IMPORTED only once the dialog test made it: AUTHDECK_E2E_TESTS may have run a few tests)
  const present = JSON.parse(cli(["envs", "--json"])).map((environment) => environment.name);
  for (const name of [ENV, IMPORTED, FAR]) if (present.includes(name)) cli(["env", "rm", name, "--with-apps"]);
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

/** The PID of the process that owns `name` on the session bus; null while nobody does. */
function ownerPid(name) {
  let reply;
  try {
    reply = execFileSync(
      "dbus-send",
      ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.GetConnectionUnixProcessID", `string:${name}`],
      { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (error) {
    // the name can be let go of between a listing and this question
    if (String(error.stderr).includes("NameHasNoOwner")) return null;
    throw error;
  }
  return Number(/uint32 (\d+)/.exec(reply)[1]);
}

test("a launch whose running instance dies during the hand-over starts as the instance itself", async () => {
  const home = mkdtempSync(join(tmpdir(), "authdeck-dying-home-"));
  const name = instanceName(realpathSync(home), NAMESPACE);
  const first = startDesktop([], { AUTHDECK_HOME: home });
  // sees the hand-over call on the bus, so the first instance dies exactly while it is asked
  const monitor = spawn("dbus-monitor", ["--session", "type='method_call',interface='org.SingleInstance.DBus'"], { stdio: ["ignore", "pipe", "ignore"] });
  let calls = "";
  monitor.stdout.on("data", (chunk) => {
    calls += chunk;
  });
  let second = null;
  try {
    await until("the first instance on the bus", () => stillRunning(first, "the first launch") && instanceNamesOnBus().includes(name), 30000);
    // stopped, it cannot answer; killed once the call is out, the bus answers for it
    process.kill(first.pid, "SIGSTOP");
    second = startDesktop([], { AUTHDECK_HOME: home });
    await until("the second launch's hand-over call", () => stillRunning(second, "the second launch") && calls.includes("member=ExecuteCallback"), 30000);
    process.kill(first.pid, "SIGKILL");
    await until(
      "the second launch owning the instance name",
      () => stillRunning(second, "the second launch") && ownerPid(name) === second.pid,
      30000,
    );
    // the same process, started again once: its hand-over failed, then it became the instance
    const environment = readFileSync(`/proc/${second.pid}/environ`, "utf8").split("\0");
    assert.ok(environment.includes("AUTHDECK_HAND_OVER_TRIES=1"), "the launch started again after its hand-over failed");
    await until("its window", () => stillRunning(second, "the second launch") && shownWindows().length === 2, 30000);
  } finally {
    monitor.kill();
    for (const child of [first, second]) {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await child.exited;
      }
    }
    rmSync(home, { recursive: true, force: true });
  }
  // the first instance of the run's own data folder is untouched and still answers
  await waitForText(browser, "app-title", "Hand-over first");
});

test("a launch while the running app does not answer (stopped) says so within seconds, on stderr and as a notification, exits 3 and starts nothing; `authdeck open` exits 10", async () => {
  const pid = ownerPid(instanceName(realpathSync(HOME), NAMESPACE));
  assert.ok(pid, "the run's app owns its instance name");
  const windows = shownWindows();
  const told = (pid) =>
    `Authdeck already runs on this data folder (process ${pid}) but did not answer within 2 s: it is stopped or hung. ` +
    `No second Authdeck was started beside it. Wait and try again, or end it (kill ${pid}) and start Authdeck again.`;
  // a person who launched from a desktop menu sees no stderr: the launch also raises a
  // notification, recorded here by a listener owning org.freedesktop.Notifications
  const scratch = mkdtempSync(join(tmpdir(), "authdeck-notices-"));
  const log = join(scratch, "notifications.jsonl");
  const listener = await startNotificationListener(log, join(scratch, "clicks"));
  process.kill(pid, "SIGSTOP");
  try {
    const started = Date.now();
    const second = startDesktop();
    const exit = await exitOf(second, started, 20000);
    console.log(`a launch beside the stopped app ended in ${exit.ms} ms`);
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 3, signal: null }, second.said);
    // bounded: the session bus alone would have waited 25 s (generous: a loaded machine)
    assert.ok(exit.ms < 12000, `the launch took ${exit.ms} ms to give up`);
    assert.equal(second.said, `authdeck-desktop: ${told(pid)}\n`);
    assert.deepEqual(
      notificationsIn(log).map((n) => ({ summary: n.summary, body: n.body })),
      [{ summary: "Authdeck is not answering", body: told(pid) }],
    );
    assert.deepEqual(shownWindows(), windows, "a window opened beside the stopped app");
    assert.equal(ownerPid(instanceName(realpathSync(HOME), NAMESPACE)), pid, "the stopped app lost its name");

    const opened = Date.now();
    const open = spawnSync(CLI, ["open"], { encoding: "utf8", timeout: 30000, env: { ...process.env, AUTHDECK_DESKTOP: APP } });
    console.log(`authdeck open beside the stopped app ended in ${Date.now() - opened} ms`);
    assert.deepEqual(
      { status: open.status, stdout: open.stdout, stderr: open.stderr },
      {
        status: 10,
        stdout: "",
        stderr:
          "authdeck: Authdeck already runs on this data folder but did not answer within a few seconds: it is stopped or hung. " +
          "Nothing was started beside it. Wait and try again, or quit or end the running Authdeck and run this again.\n",
      },
    );
    assert.deepEqual(shownWindows(), windows, "a window opened beside the stopped app");
  } finally {
    process.kill(pid, "SIGCONT");
    listener.kill("SIGTERM");
    rmSync(scratch, { recursive: true, force: true });
  }
  // going on, it answers again: a launch hands over to it and it still works
  const again = startDesktop(["--open", apps["Hand-over first"]]);
  const exit = await exitOf(again, Date.now());
  assert.equal(exit.code, 0, again.said);
  await waitForText(browser, "app-title", "Hand-over first");
});

// Native file dialogs (issue 17): the backend opens GTK's file chooser itself; WebDriver
// cannot reach it (it is not part of the page), so xdotool drives it as a person does with
// the keyboard: Ctrl+L, the path, Enter.

/** The file chooser window titled `title`, once it is shown. */
async function chooser(title) {
  let found = [];
  await until(`the “${title}” file chooser`, () => {
    try {
      found = execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`], { encoding: "utf8", timeout: 5000 })
        .split("\n")
        .filter(Boolean);
    } catch {
      found = [];
    }
    return found.length === 1;
  });
  return found[0];
}

function isClosed(title) {
  try {
    execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`], { stdio: "ignore", timeout: 5000 });
    return false;
  } catch {
    return true; // xdotool search exits 1 when nothing matches
  }
}

async function chooserClosed(title, timeout = 15000) {
  await until(`the “${title}” file chooser closed`, () => isClosed(title), timeout);
}

/**
 * Types `path` into the chooser and confirms, through the X server as a keyboard does: the save
 * dialog's name field takes a whole path (Ctrl+A replaces the suggested name); the open dialog
 * takes one in its location field (Ctrl+L). Enter may first accept the field's completion, so
 * it is pressed until the chooser closes.
 */
async function pickInChooser(window, title, path, { save }) {
  execFileSync("xdotool", ["windowactivate", "--sync", window], { timeout: 5000 });
  execFileSync("xdotool", ["key", "--clearmodifiers", save ? "ctrl+a" : "ctrl+l"], { timeout: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (!save) execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"], { timeout: 5000 });
  execFileSync("xdotool", ["type", "--delay", "5", path], { timeout: 10000 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (let press = 0; press < 3; press++) {
    // GTK ignores synthetic key events sent to a window: the key goes through XTEST to the
    // focused window, so the chooser is activated first (after a check that it is still open)
    if (press > 0 && isClosed(title)) return;
    execFileSync("xdotool", ["windowactivate", "--sync", window], { timeout: 5000 });
    execFileSync("xdotool", ["key", "Return"], { timeout: 5000 });
    try {
      await chooserClosed(title, 3000);
      return;
    } catch {
      // still open: Enter took the completion
    }
  }
  execFileSync("import", ["-window", "root", join(SHOTS, "failure-chooser.png")], { timeout: 10000 });
  throw new Error(`the “${title}” chooser did not take ${path} (failure-chooser.png)`);
}

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const FILES = mkdtempSync(join(tmpdir(), "authdeck-dialogs-"));
after(() => rmSync(FILES, { recursive: true, force: true }));

test("Save as… exports through the system's save dialog to the file picked there", async () => {
  await dismissToasts(browser);
  await click(browser, "settings-open");
  await click(browser, "import-export-open");
  await click(browser, "tab-export");
  await click(browser, "export-choose");
  const window = await chooser("Export setup");
  await new Promise((resolve) => setTimeout(resolve, 500)); // let it paint
  // the chooser is not in the page: a picture of the whole display shows it
  execFileSync("import", ["-window", "root", join(SHOTS, "27-system-save-dialog.png")], { timeout: 10000 });
  const file = join(FILES, "picked-export.json");
  await pickInChooser(window, "Export setup", file, { save: true });
  await waitForText(browser, "export-done", "picked-export.json");
  const exported = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(exported.authdeck_export, 1);
  assert.ok(exported.environments.some((environment) => environment.name === ENV), "the export holds the environment");
});

test("Choose file… previews the file picked in the system's open dialog; Escape there changes nothing", async () => {
  await click(browser, "tab-import");
  await click(browser, "import-choose");
  const cancelled = await chooser("Import setup");
  execFileSync("xdotool", ["windowactivate", "--sync", cancelled], { timeout: 5000 });
  execFileSync("xdotool", ["key", "Escape"], { timeout: 5000 });
  await chooserClosed("Import setup");
  await browser.waitUntil(async () => (await browser.$('[data-testid="import-choose"]').isEnabled()), { timeout: 10000 });
  assert.equal(await browser.$('[data-testid="import-path"]').getValue(), "", "a cancelled dialog leaves the field as it was");
  assert.equal(await browser.$$('[data-testid="import-preview"]').length, 0);

  const file = join(FILES, "team.json");
  writeFileSync(
    file,
    JSON.stringify({
      authdeck_export: 1,
      environments: [{ name: IMPORTED, kind: "sandbox", color: "#27ae60", endpoints: { token_url: "https://team.example/token" }, apps: [] }],
    }),
  );
  await click(browser, "import-choose");
  await pickInChooser(await chooser("Import setup"), "Import setup", file, { save: false });
  await waitForText(browser, "import-summary", "1 to add · 0 to change");
  assert.equal(await browser.$('[data-testid="import-path"]').getValue(), file);
  await screenshot(browser, "26-import-chosen-in-the-system-dialog");
  await click(browser, "import-apply");
  await waitForText(browser, "import-summary", "Imported: 1 added");
  await browser.keys("Escape");
  await waitForGone(browser, "import-export-dialog");
});

/** The name of the active environment, as the switcher shows it. */
const activeEnvironment = () =>
  browser.execute(() => document.querySelector('[data-testid="env-switcher"]')?.selectedOptions[0]?.textContent ?? "");

/** Presses Ctrl+K as a person does (real key events) and waits for the palette's field. */
async function openPalette() {
  await browser.keys([Key.Ctrl, "k"]);
  const input = byTestId(browser, "palette-input");
  await input.waitForDisplayed({ timeout: 10000 });
  await browser.waitUntil(async () => browser.execute(() => document.activeElement?.getAttribute("data-testid") === "palette-input"), {
    timeout: 5000,
    timeoutMsg: "the palette's field never had the focus",
  });
}

test("palette: Ctrl+K, part of an app of another environment, Enter: that environment is active and the app shown", async () => {
  await dismissToasts(browser);
  assert.equal(await activeEnvironment(), ENV);
  await openPalette();
  // keyboard only from here: letters in order of “Faraway ledger”, not a whole word
  await browser.keys([..."farledg"]);
  await waitForText(browser, "palette-option", "Faraway ledger");
  const [first] = await textsOf(browser, "palette-option");
  assert.equal(first, `Faraway ledgerfaraway-ledger-1${FAR}`, "the best match first, its environment beside it");
  assert.equal(await byTestId(browser, "palette-input").getValue(), "farledg");
  // WebKit under Xvfb paints late (see the README's desktop performance notes)
  await browser.pause(1000);
  await screenshot(browser, "28-command-palette");
  await browser.keys(["Enter"]);
  await waitForGone(browser, "palette");
  await waitForText(browser, "app-title", "Faraway ledger");
  assert.equal(await activeEnvironment(), FAR);
});

test("palette: an action run from it (switch environment), and Escape closes it with the focus back where it was", async () => {
  await click(browser, "app-filter");
  await openPalette();
  await browser.keys(["Escape"]);
  await waitForGone(browser, "palette");
  assert.equal(await browser.execute(() => document.activeElement?.getAttribute("data-testid")), "app-filter");

  // Tab on an app lists its actions, each for that app; Escape goes back, then closes
  await openPalette();
  await browser.keys([..."faraway", "Tab"]);
  await waitForText(browser, "palette-scope", "Faraway ledger");
  assert.deepEqual((await textsOf(browser, "palette-option")).slice(0, 2), [`Get tokenFaraway ledger${FAR}`, `Copy tokenFaraway ledger${FAR}`]);
  await browser.pause(1000); // WebKit under Xvfb paints late
  await screenshot(browser, "29-command-palette-app-actions");
  await browser.keys(["Escape"]);
  await waitForGone(browser, "palette-scope");
  await browser.keys(["Escape"]);
  await waitForGone(browser, "palette");

  await openPalette();
  await browser.keys([..."switch hand"]);
  await waitForText(browser, "palette-option", `Switch to “${ENV}”`);
  await browser.keys(["Enter"]);
  await waitForGone(browser, "palette");
  await browser.waitUntil(async () => (await activeEnvironment()) === ENV, { timeout: 10000, timeoutMsg: `${ENV} never became active` });
  // the environment's open app is shown again, as a switch from the switcher does
  await waitForText(browser, "app-title", "Hand-over first");
});
