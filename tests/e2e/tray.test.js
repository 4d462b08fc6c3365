// The system tray (issue 17), driven the way a desktop panel drives it: the panel owns
// org.kde.StatusNotifierWatcher on the session bus, the app (through libayatana-appindicator)
// registers its StatusNotifierItem there, and the panel reads the item's menu and sends clicks
// over com.canonical.dbusmenu. tests/support/tray-watcher is that panel, on the run's private
// bus: every label and click below goes through the real tray icon's exported menu, not a
// test hook. The real app runs in demo mode (its local authorization server gives real tokens).
// A notification listener (tests/support/notification-listener) records the one-time note of
// the first close; openbox closes the window as its title bar's × does.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import {
  byTestId,
  CLI,
  click,
  clipboard,
  DEMO_NAMESPACE,
  EXIT_FILE,
  instanceName,
  instanceNamesOnBus,
  keychainValues,
  launch,
  ownClipboard,
  recordForCanary,
  screenshot,
  startStandIn,
  startWindowManager,
  succeeds,
  type,
  until,
  waitForGone,
  waitForText,
} from "./support.js";

const SUPPORT = new URL("../support/", import.meta.url).pathname;
const WATCHER = join(SUPPORT, "tray-watcher/tray-watcher");
const LISTENER = join(SUPPORT, "notification-listener/notification-listener");
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const SCRATCH = dirname(process.env.XDG_DATA_HOME ?? "/nonexistent/x");
const ITEMS = join(SCRATCH, "tray-items.jsonl");
const NOTIFICATIONS = join(SCRATCH, "tray-notifications.jsonl");
// the demo's own client secrets (src-tauri/demo.rs); any other keychain value is a token
const SEEDED = ["admin-secret", "basic-secret", "jwt-secret", "post-secret"];
const KEPT_IN_TRAY = "Authdeck is still running in the tray";

let watcher;
let listener;
let openbox;
let browser;
let issuer;

/** The tray items registered with the stand-in watcher so far. */
function items() {
  if (!existsSync(ITEMS)) return [];
  return readFileSync(ITEMS, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

/** The registered item of the running app (the last one: each launch registers anew). */
function item() {
  const all = items();
  assert.ok(all.length > 0, "the app registered a tray item with the watcher");
  return all[all.length - 1];
}

/** The tray menu as the panel reads it (GetLayout): the root entry and its children. */
function layout() {
  const { service, path } = item();
  return JSON.parse(execFileSync("/usr/bin/python3", [WATCHER, "layout", service, path], { encoding: "utf8", timeout: 10000 }));
}

/** The labels of the visible top-level entries, separators as "—". */
function labels(root = layout()) {
  return root.children.filter((entry) => entry.visible).map((entry) => (entry.type === "separator" ? "—" : entry.label));
}

/** The entry whose label `matches` (a string: exactly; a RegExp: tested), at the top or in `parent`. */
function entry(matches, parent = layout()) {
  const found = parent.children.find((child) => (typeof matches === "string" ? child.label === matches : matches.test(child.label)));
  assert.ok(found, `no tray entry ${String(matches)} among ${JSON.stringify(labels(parent))}`);
  return found;
}

/**
 * Clicks the entry `label` (in the submenu `app` when given: its label, or a pattern for it)
 * exactly as a panel does. An app's label carries its token's time left, which a rebuild can
 * change between reading the menu and the click: a pattern is looked up again and the click
 * tried again (three times at most).
 */
function clickTray(label, app) {
  const { service, path } = item();
  for (let attempt = 1; ; attempt++) {
    const name = app instanceof RegExp ? entry(app).label : app;
    const labels = name === undefined ? [label] : [name, label];
    try {
      execFileSync("/usr/bin/python3", [WATCHER, "click", service, path, ...labels], { timeout: 20000, stdio: ["ignore", "pipe", "pipe"] });
      return;
    } catch (error) {
      if (!(app instanceof RegExp) || attempt === 3) throw error;
    }
  }
}

/** Waits until the tray menu's top-level labels satisfy `check`; returns them. */
async function menuShows(what, check, timeout = 10000) {
  let last = [];
  try {
    await until(`the tray menu shows ${what}`, () => check((last = labels())), timeout);
  } catch (error) {
    // the menu as it was at the deadline, not as it was when the wait began
    throw new Error(`${error.message} (last: ${JSON.stringify(last)})`);
  }
  return last;
}

/** Whether the Authdeck window is on screen (mapped), as the X server sees it. */
const windowShown = () => succeeds("xdotool", ["search", "--onlyvisible", "--name", "^Authdeck$"]);

/** Whether the demo app still owns its single-instance name: the process runs. */
const demoOnBus = () =>
  instanceNamesOnBus().includes(instanceName(realpathSync(process.env.AUTHDECK_DEMO_HOME), DEMO_NAMESPACE));

function keptInTrayNotices() {
  if (!existsSync(NOTIFICATIONS)) return [];
  return readFileSync(NOTIFICATIONS, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((notice) => notice.summary === KEPT_IN_TRAY);
}

/** Starts the demo app with its exit status recorded; resolves once its tray item registered. */
async function launchDemo() {
  rmSync(EXIT_FILE, { force: true });
  const before = items().length;
  const session = await launch({ args: ["--demo"], recordExit: true });
  await waitForText(session, "status-environment", "Demo (local) · 5 apps", 20000);
  if (watcher) await until("the app's tray item registered with the watcher", () => items().length > before, 15000);
  return session;
}

before(async () => {
  rmSync(ITEMS, { force: true });
  rmSync(NOTIFICATIONS, { force: true });
  watcher = await startStandIn(WATCHER, ["serve", ITEMS]);
  listener = await startStandIn(LISTENER, [NOTIFICATIONS, join(SCRATCH, "tray-notification-clicks")]);
  openbox = await startWindowManager();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: cargo build -p authdeck-cli`);
  browser = await launchDemo();
  issuer = (await browser.execute(async () => window.__TAURI_INTERNALS__.invoke("app_info", {}))).demo_issuer;
  assert.match(issuer ?? "", /^http:\/\/127\.0\.0\.1:\d+$/, "demo mode names its issuer");
});

/** Configures the demo's authorization server (tests/authserver, POST /test/config). */
async function configureServer(config) {
  const answer = await fetch(`${issuer}/test/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  assert.equal(answer.status, 200, "the test server took the configuration");
}

/**
 * The token values (not the demo's seeded secrets) the demo's keychain holds now, or null when
 * the keychain changed under the search (a renewal deletes the old entry between secret-tool's
 * listing and its read: "No such secret item"); the callers poll, so they ask again.
 */
function tokensInKeychain() {
  try {
    return keychainValues(DEMO_NAMESPACE).filter((value) => !SEEDED.includes(value));
  } catch (error) {
    if (String(error.stderr ?? "").includes("No such secret item")) return null;
    throw error;
  }
}

after(async () => {
  if (issuer) await configureServer({ token_ttl: 600 }).catch(() => {});
  watcher?.kill("SIGTERM");
  listener?.kill("SIGTERM");
  openbox?.kill();
  // the app quit through the tray or its window: ending its session may fail
  await browser?.deleteSession().catch(() => {});
});

test("the settings keep Authdeck in the tray by default", async () => {
  await click(browser, "settings-open");
  const toggle = byTestId(browser, "settings-keep-in-tray");
  await toggle.waitForDisplayed({ timeout: 10000 });
  assert.equal(await toggle.isSelected(), true);
  await byTestId(browser, "settings-tray").scrollIntoView();
  // WebKit under Xvfb paints late (README, desktop performance)
  await browser.pause(2500);
  await screenshot(browser, "33-settings-tray");
  await click(browser, "settings-save");
  await waitForGone(browser, "settings-dialog");
});

test("the tray menu names the active environment and each app with its token state", async () => {
  assert.deepEqual(labels(), [
    "Environment: Demo (local)",
    "—",
    "Demo admin — No token",
    "Demo JWT API — No token",
    "Demo service — No token",
    "Demo service (post) — No token",
    "Demo sign-in — Sign-in needed",
    "—",
    "Hide window",
    "Quit Authdeck",
  ]);
  const service = entry("Demo service — No token");
  assert.deepEqual(service.children.map((child) => child.label), ["Copy token", "Open"]);
  const signIn = entry("Demo sign-in — Sign-in needed");
  assert.deepEqual(signIn.children.map((child) => child.label), ["Sign in…", "Open"]);
  assert.equal(entry("Environment: Demo (local)").enabled, false, "the environment is a heading, not an action");
});

/** Whether the clipboard holds a token the keychain holds (never the value in a message: the canary sweep searches the test logs). */
const tokenCopied = () => {
  const copied = clipboard();
  return copied !== "" && (tokensInKeychain()?.includes(copied) ?? false);
};

test("Copy token gets a token and puts it on the clipboard, and the menu shows it valid", async () => {
  clickTray("Copy token", "Demo service — No token");
  await until("the access token the keychain holds on the clipboard", tokenCopied, 20000);
  await menuShows("the token valid", (shown) => shown.some((label) => /^Demo service — Valid · \d+ min$/.test(label)));
  // the menu says what is on the clipboard, under the environment, counting down to its clearing
  await menuShows("the copy named", (shown) => /^Copied: Demo service’s token \(clears in ([1-9]|[12]\d|30) s\)$/.test(shown[1]));
  assert.equal(entry(/^Copied: /).enabled, false, "the copied line is a note, not an action");
  // the menu as a panel shows it (the tray itself cannot be captured under Xvfb)
  const { service, path } = item();
  execFileSync("/usr/bin/python3", [WATCHER, "picture", service, path, join(SHOTS, "43-tray-menu-countdown.png")], { timeout: 20000 });
});

const FOLLOWED = join(SCRATCH, "tray-followed.jsonl");

/**
 * The copied line as the stand-in panel saw it change (`tray-watcher follow`): each time a
 * rebuild showed it ("layout") or its label alone changed ("label"), with its dbusmenu id and
 * seconds left; `gone` once a rebuild after a line of `at most` seconds showed none.
 */
function copiedHistory(atMost) {
  const records = existsSync(FOLLOWED) ? readFileSync(FOLLOWED, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line)) : [];
  const seconds = (label) => {
    const match = /^Copied: Demo service’s token \(clears in (\d+) s\)$/.exec(label);
    assert.ok(match, `the copied line reads “${label}”`);
    return Number(match[1]);
  };
  const shown = [];
  let gone = false;
  for (const record of records) {
    if (record.event === "layout") {
      const line = record.entries.find((entry) => entry.label.startsWith("Copied: "));
      if (line) shown.push({ how: "layout", id: line.id, seconds: seconds(line.label) });
      else if (shown.some((seen) => seen.seconds <= atMost)) gone = true;
    } else if (record.label.startsWith("Copied: ")) {
      shown.push({ how: "label", id: record.id, seconds: seconds(record.label) });
    }
  }
  // the copy before (30 s) is replaced by this one: its line, of the same token, goes
  const first = shown.findIndex((seen) => seen.seconds <= atMost);
  return { shown: first === -1 ? [] : shown.slice(first), gone };
}

async function setClipboardSeconds(seconds) {
  await click(browser, "settings-open");
  await type(browser, "settings-clipboard-seconds", String(seconds));
  await click(browser, "settings-save");
  await waitForGone(browser, "settings-dialog");
}

test("the copied line counts down in place and goes when the clipboard is cleared, which is then empty", async () => {
  await setClipboardSeconds(5); // the settings' minimum
  const { service, path } = item();
  rmSync(FOLLOWED, { force: true });
  const follower = await startStandIn(WATCHER, ["follow", service, path, FOLLOWED]);
  try {
    clickTray("Copy token", /^Demo service — /);
    let history;
    await until("the copied line shown, counting down, then gone", () => (history = copiedHistory(5)).gone, 20000);
    // the clipboard is cleared first, and then the line goes
    assert.equal(clipboard(), "", "the clipboard was not empty once the line had gone");
    const seconds = history.shown.map((seen) => seen.seconds);
    assert.deepEqual(seconds, [...seconds].sort((a, b) => b - a), `the countdown did not only go down: ${JSON.stringify(history.shown)}`);
    // once a second the line's own text changes, the item staying (a rebuild renumbers every entry)
    const inPlace = history.shown.filter((seen, i) => seen.how === "label" && i > 0 && seen.id === history.shown[i - 1].id && seen.seconds < history.shown[i - 1].seconds);
    assert.ok(inPlace.length >= 1, `the line's text never changed in place: ${JSON.stringify(history.shown)}`);
  } finally {
    follower.kill("SIGTERM");
    await setClipboardSeconds(30);
  }
});

test("another program's copy takes the copied line away, and what it copied stays on the clipboard", async () => {
  await setClipboardSeconds(5); // the settings' minimum
  const other = "copied by another program";
  let owner;
  try {
    clickTray("Copy token", /^Demo service — /);
    await until("the token on the clipboard", tokenCopied, 20000);
    await menuShows("the copied line", (shown) => shown.some((label) => label.startsWith("Copied: ")));
    owner = ownClipboard(other);
    await until("the other program's text on the clipboard", () => clipboard() === other, 5000);
    // the countdown looks at the clipboard each second: no longer the token, the line goes
    await menuShows("no copied line", (shown) => !shown.some((label) => label.startsWith("Copied: ")), 5000);
    // and past the clear time the other program's text is still there, untouched
    await browser.pause(7000);
    assert.equal(clipboard(), other, "the other program's copy was cleared or replaced");
  } finally {
    owner?.kill("SIGTERM");
    await setClipboardSeconds(30);
  }
});

test("Open shows the window on the app", async () => {
  clickTray("Open", "Demo service (post) — No token");
  await waitForText(browser, "app-title", "Demo service (post)", 10000);
});

test("Sign in… opens the window on the app's sign-in, which then shows in the menu", async () => {
  clickTray("Sign in…", "Demo sign-in — Sign-in needed");
  await waitForText(browser, "app-title", "Demo sign-in", 10000);
  // the stand-in browser signs in as alice (tests/support/standin-browser)
  await waitForText(browser, "token-state", "Valid", 30000);
  await waitForGone(browser, "login-dialog", 15000);
  await menuShows("the sign-in valid", (shown) => shown.some((label) => /^Demo sign-in — Valid · \d+ (min|s)$/.test(label)));
});

test("Hide window and Show window hide and show it", async () => {
  assert.equal(windowShown(), true);
  clickTray("Hide window");
  await until("the window hidden", () => !windowShown());
  await menuShows("Show window", (shown) => shown.includes("Show window"));
  clickTray("Show window");
  await until("the window shown", windowShown);
  await menuShows("Hide window", (shown) => shown.includes("Hide window"));
});

test("closing the window keeps Authdeck running in the tray, and says so once", async () => {
  execFileSync("wmctrl", ["-c", "Authdeck"], { timeout: 5000 });
  await until("the window hidden", () => !windowShown());
  await until("the first close told", () => keptInTrayNotices().length === 1, 10000);
  assert.equal(existsSync(EXIT_FILE), false, "the app ended when its window was closed");
  assert.equal(demoOnBus(), true, "the app left the session bus");
  await menuShows("Show window", (shown) => shown.includes("Show window"));

  clickTray("Show window");
  await until("the window shown", windowShown);
  execFileSync("wmctrl", ["-c", "Authdeck"], { timeout: 5000 });
  await until("the window hidden again", () => !windowShown());
  await browser.pause(2000);
  assert.equal(keptInTrayNotices().length, 1, "the second close was told too");
  assert.equal(existsSync(EXIT_FILE), false, "the app ended at the second close");
});

test("automatic renewal goes on while Authdeck is only in the tray", async () => {
  assert.equal(windowShown(), false, "the window is closed into the tray");
  // a 20 s token is renewed in the last quarter of its life: about 15 s after it was got
  await configureServer({ token_ttl: 20 });
  clickTray("Copy token", "Demo JWT API — No token");
  await menuShows("the short token valid", (shown) => shown.some((label) => /^Demo JWT API — Valid · \d+ s$/.test(label)), 20000);
  let got = null;
  await until("the keychain read", () => (got = tokensInKeychain()) !== null);
  const renewed = () => tokensInKeychain()?.some((value) => !got.includes(value)) ?? false;
  await until("a renewed token in the keychain", renewed, 45000);
  assert.equal(windowShown(), false, "the window stayed closed");
  await configureServer({ token_ttl: 600 });
});

test("Switch environment in the tray switches the window and the menu", async () => {
  // another program (the CLI) adds an environment: the app follows the store and so does the menu
  execFileSync(CLI, ["env", "add", "--kind", "production", "Live"], {
    encoding: "utf8",
    timeout: 20000,
    env: { ...process.env, AUTHDECK_HOME: process.env.AUTHDECK_DEMO_HOME, AUTHDECK_KEYCHAIN_NAMESPACE: DEMO_NAMESPACE },
  });
  await until("the switch in the menu", () => layout().children.some((child) => child.label === "Switch environment"), 15000);
  assert.deepEqual(entry("Switch environment").children.map((child) => child.label), ["Live (production)"]);
  clickTray("Live (production)", "Switch environment");
  await menuShows("the new environment", (shown) => shown[0] === "Environment: Live (production)" && shown.includes("No apps in this environment"));
  clickTray("Show window");
  await waitForText(browser, "status-environment", "Live · 0 apps", 10000);
  clickTray("Demo (local)", "Switch environment");
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 10000);
});

test("Quit in the tray ends the app", async () => {
  await recordForCanary(browser);
  clickTray("Quit Authdeck");
  await until("the app's exit", () => existsSync(EXIT_FILE), 15000);
  assert.equal(readFileSync(EXIT_FILE, "utf8").trim(), "0");
  await until("the app's single-instance name gone", () => !demoOnBus(), 20000);
  await browser.deleteSession().catch(() => {});
  browser = undefined;
});

test("where no tray is shown, closing the window quits as before", async () => {
  watcher.kill("SIGTERM");
  await until("the watcher gone", () => watcher.exitCode !== null || watcher.signalCode !== null);
  watcher = undefined;
  browser = await launchDemo();
  await recordForCanary(browser);
  execFileSync("wmctrl", ["-c", "Authdeck"], { timeout: 5000 });
  await until("the app's exit", () => existsSync(EXIT_FILE), 15000);
  assert.equal(readFileSync(EXIT_FILE, "utf8").trim(), "0");
  await until("the app's single-instance name gone", () => !demoOnBus(), 20000);
});
