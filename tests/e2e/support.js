// The one shared helper of the end-to-end tests: sessions of the real app, lookups by
// data-testid, screenshots, and the other processes a test reads from (clipboard, keychain).
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { remote } from "webdriverio";
// WebDriver's key codes (Key.Ctrl …), for specs and the benchmark, which cannot import webdriverio
export { Key } from "webdriverio";

export const HOME = required("AUTHDECK_HOME");
export const NAMESPACE = required("AUTHDECK_KEYCHAIN_NAMESPACE");
/** The checkout's top folder. */
export const ROOT = new URL("../../", import.meta.url).pathname;
/** The app under test: this checkout's target/debug/authdeck-desktop unless tests/e2e/run was told another. */
export const APP = required("AUTHDECK_APP");
// AUTHDECK_CLI may point at another build of the CLI, as AUTHDECK_APP does for the app
export const CLI = process.env.AUTHDECK_CLI ?? join(ROOT, "target/debug/authdeck");
const PORT = Number(process.env.AUTHDECK_DRIVER_PORT ?? 4444);
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through tests/e2e/run`);
  return value;
}

/**
 * Starts the app (a new process of target/debug/authdeck-desktop, through tauri-driver) and returns its
 * WebDriver session once the UI is up. The app inherits tauri-driver's environment, so every
 * session of one test run uses the same AUTHDECK_HOME and keychain: to restart the app, delete
 * the session and launch again. With `recordExit`, the app's exit status is written to EXIT_FILE
 * when it ends (tests/support/exit-recorder).
 */
export async function launch({ args = [], recordExit = false } = {}) {
  const browser = await startApp({ args, application: recordExit ? EXIT_RECORDER : APP });
  await byTestId(browser, "env-switcher").waitForExist({ timeout: 20000 });
  await recordIpc(browser);
  // closeApp waits for this name to go: it must be the one the app owns
  // (asked again for a while: one run's check, at a load of 7, found it not yet listed)
  await until("the app owning the single-instance name closeApp waits on", instanceOnBus, 10000);
  return browser;
}

/**
 * Ends an app session the canary sweep can account for: what the webview received over IPC is
 * saved, and so is every value the keychain holds now (tokens are replaced as they renew, so
 * the sweep searches for every value seen at any of these moments), then the app is closed.
 */
export async function closeApp(browser) {
  if (!browser) return;
  try {
    await recordForCanary(browser);
  } finally {
    await browser.deleteSession();
    // A launch while the ended app still owns its single-instance name hands over to it and
    // fails with it ("recipient disconnected"): the next launch waits for the name to go.
    await until("the closed app's single-instance name left the session bus", () => !instanceOnBus(), 20000);
  }
}

/** The single-instance bus name of the app on `home` and `namespace` (src-tauri/instance.rs). */
export function instanceName(home, namespace) {
  const digest = createHash("sha256").update(home).update(Buffer.from([0])).update(namespace).digest("hex");
  return `dev.authdeck.desktop.i${digest.slice(0, 16)}.SingleInstance`;
}

/** The single-instance names of every Authdeck app on the session bus now. */
export function instanceNamesOnBus() {
  const reply = execFileSync(
    "dbus-send",
    ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
    { encoding: "utf8", timeout: 5000 },
  );
  return [...reply.matchAll(/"(dev\.authdeck\.desktop\.[^"]*\.SingleInstance)"/g)].map((match) => match[1]);
}

/** Whether this run's app (its data folder, or demo mode) still owns its name on the bus. */
function instanceOnBus() {
  const names = instanceNamesOnBus();
  const ours = [instanceName(realpathSync(HOME), NAMESPACE)];
  // demo mode (`--demo`) keeps its own data folder and keychain namespace
  const demoHome = process.env.AUTHDECK_DEMO_HOME;
  if (demoHome && existsSync(demoHome)) ours.push(instanceName(realpathSync(demoHome), DEMO_NAMESPACE));
  return ours.some((name) => names.includes(name));
}

/** Saves what the canary sweep needs of a session that is about to end some other way than closeApp. */
export async function recordForCanary(browser) {
  recordKeychainValues();
  const calls = await browser.execute(() => JSON.stringify(window.__authdeckIpc ?? []));
  for (const call of JSON.parse(calls)) appendFileSync(join(CANARY_DIR, "ipc.jsonl"), `${JSON.stringify(call)}\n`);
}

/** Where the exit status of an app started with `recordExit` is written when it ends. */
export const EXIT_FILE = required("AUTHDECK_EXIT_FILE");
const EXIT_RECORDER = new URL("../support/exit-recorder", import.meta.url).pathname;

/**
 * Where a run keeps what the canary sweep reads: values seen in the keychain and the IPC the
 * webview received. A private folder of the run (tests/e2e/run makes it) outside every folder
 * the sweep searches, since it holds the values themselves.
 */
export const CANARY_DIR = required("AUTHDECK_CANARY_DIR");

/** Notes every value the keychain holds now, in the run's own keychain namespaces. */
export function recordKeychainValues() {
  const values = [...keychainValues(NAMESPACE), ...keychainValues(DEMO_NAMESPACE)];
  if (values.length) appendFileSync(join(CANARY_DIR, "keychain-values.txt"), `${values.join("\n")}\n`);
}

/** The keychain namespace of demo mode (the app's --demo flag). */
export const DEMO_NAMESPACE = "authdeck-demo";

/**
 * Records, inside the webview, the body of every IPC response (Tauri's IPC travels as fetch
 * requests to ipc://localhost/<command> in WebKitGTK) and the payload of every backend event.
 * What the app did before the window was up (its first list loads) is not seen.
 */
async function recordIpc(browser) {
  const events = ["store-changed", "clipboard-cleared", "token-renewed", "login-finished", "callback-refused"];
  await browser.execute(async (names) => {
    if (window.__authdeckIpc) return;
    const calls = [];
    window.__authdeckIpc = calls;
    const fetchOriginal = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const response = await fetchOriginal(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith("ipc:")) {
        const command = decodeURIComponent(new URL(url).pathname.slice(1));
        response.clone().text().then(
          (body) => calls.push({ kind: "response", command, status: response.status, body }),
          () => calls.push({ kind: "response", command, status: response.status, body: null }),
        );
      }
      return response;
    };
    const internals = window.__TAURI_INTERNALS__;
    for (const event of names) {
      const handler = internals.transformCallback((message) => {
        calls.push({ kind: "event", command: event, body: JSON.stringify(message) });
      });
      await internals.invoke("plugin:event|listen", { event, target: { kind: "Any" }, handler });
    }
  }, events);
}

/** Starts the app and returns its WebDriver session without waiting for any part of the UI. */
export async function startApp({ args = [], application = APP } = {}) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "error",
    connectionRetryCount: 1,
    capabilities: { "tauri:options": { application, args } },
  });
  await browser.setTimeout({ implicit: 0 });
  return browser;
}

/** A CSS selector for test ids; "app-form app-client-id" is the field inside the dialog. */
const selector = (ids) =>
  ids
    .split(" ")
    .map((id) => `[data-testid="${id}"]`)
    .join(" ");

export const byTestId = (browser, ids) => browser.$(selector(ids));

/** Every element with `id`, as a plain array. */
export async function allByTestId(browser, id) {
  const found = [];
  for await (const element of browser.$$(selector(id))) found.push(element);
  return found;
}

/** The texts of every element with `id`, in page order. */
export async function textsOf(browser, id) {
  const texts = [];
  for (const element of await allByTestId(browser, id)) texts.push((await element.getProperty("textContent")) ?? "");
  return texts;
}

/** Waits until the element with `id` shows text containing `text`; returns its text. */
export async function waitForText(browser, id, text, timeout = 10000) {
  let last = "";
  await browser.waitUntil(
    async () => {
      const elements = await allByTestId(browser, id);
      last = "";
      for (const element of elements) {
        // textContent: WebKitWebDriver's rendered-text check misses the virtual list's rows
        last = (await element.getProperty("textContent")) ?? "";
        if (last.includes(text)) return true;
      }
      return false;
    },
    { timeout, timeoutMsg: `“${text}” never appeared in [data-testid=${id}] (last: “${last}”)` },
  ).catch(async (error) => {
    await pageScreenshot(browser, join(SHOTS, `failure-${id.replaceAll(" ", "-")}.png`));
    throw error;
  });
  return last;
}

/** Waits until no element with `id` exists. */
export async function waitForGone(browser, id, timeout = 10000) {
  await browser
    .waitUntil(async () => (await allByTestId(browser, id)).length === 0, {
      timeout,
      timeoutMsg: `[data-testid=${id}] never went away`,
    })
    .catch(async (error) => {
      await pageScreenshot(browser, join(SHOTS, `failure-gone-${id.replaceAll(" ", "-")}.png`));
      throw error;
    });
}

/** Replaces a field's text the way a person would: empty it, then type `value` key by key. */
export async function type(browser, id, value) {
  const element = byTestId(browser, id);
  await element.waitForDisplayed({ timeout: 10000 });
  // WebDriver's clear does not fire the input event React listens to; emptying through the
  // native setter and an input event does, exactly like a person selecting all and deleting.
  const emptied = await browser.execute((css) => {
    const field = document.querySelector(css);
    if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement)) return false;
    const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(field, "");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }, selector(id));
  if (!emptied) throw new Error(`[data-testid=${id}] is not a text field`);
  if (value !== "") await element.addValue(value);
}

export async function click(browser, id) {
  const element = byTestId(browser, id);
  try {
    await element.waitForClickable({ timeout: 10000 });
    await settled(browser, id);
  } catch (error) {
    await pageScreenshot(browser, join(SHOTS, `failure-${id.replaceAll(" ", "-")}.png`));
    throw error;
  }
  await element.click();
}

/**
 * Brings the element into view and waits until its box stays put between two looks 100 ms
 * apart. WebDriver's click aims at where the element was when it scrolled: a dialog whose body
 * was still scrolling or growing (a form laying out its sections) took the click elsewhere.
 */
async function settled(browser, id) {
  const box = () =>
    browser.execute((css) => {
      const element = document.querySelector(css);
      if (!element) return "gone";
      element.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "instant" });
      const { x, y, width, height } = element.getBoundingClientRect();
      return [x, y, width, height].map(Math.round).join(",");
    }, selector(id));
  let last = await box();
  await browser.waitUntil(
    async () => {
      const now = await box();
      const still = now === last;
      last = now;
      return still;
    },
    { timeout: 10000, interval: 100, timeoutMsg: `[data-testid=${id}] kept moving (last box ${last})` },
  );
}

/**
 * Chooses an option of a <select> by its value or its visible text. WebKitWebDriver's option
 * click does not reliably fire `change`; this sets the value and fires `change` exactly as the
 * browser does when a person picks an option.
 */
export async function select(browser, id, valueOrText) {
  await byTestId(browser, id).waitForDisplayed({ timeout: 10000 });
  const chosen = await browser.execute(
    (css, wanted) => {
      const field = document.querySelector(css);
      if (!(field instanceof HTMLSelectElement)) return false;
      const option = [...field.options].find((o) => o.value === wanted || o.text === wanted);
      if (!option) return false;
      Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set.call(field, option.value);
      field.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    },
    selector(id),
    valueOrText,
  );
  if (!chosen) throw new Error(`[data-testid=${id}] has no option “${valueOrText}”`);
}

/**
 * Closes the transient notices (as a person would) so they do not cover a screenshot; fails
 * when some are still there after `timeout` ms.
 */
export async function dismissToasts(browser, { timeout = 5000 } = {}) {
  // a notice that arrives while the others close (a renewal, a cleared clipboard) is closed too
  let texts = [];
  await browser
    .waitUntil(
      async () => {
        texts = await browser.execute(() => {
          const toasts = [...document.querySelectorAll('[data-testid="toast"]')];
          for (const toast of toasts) toast.querySelector("button")?.click();
          return toasts.map((toast) => toast.textContent ?? "");
        });
        return texts.length === 0;
      },
      { timeout, interval: 250 },
    )
    .catch(async () => {
      await pageScreenshot(browser, join(SHOTS, "failure-toast.png"));
      throw new Error(`notices never went away: ${JSON.stringify(texts)}`);
    });
}

/** Saves a screenshot; call it after waiting for what the screen must show. */
export async function screenshot(browser, name) {
  recordKeychainValues();
  await browser.pause(300); // let the last frame paint
  await pageScreenshot(browser, join(SHOTS, `${name}.png`));
}

/**
 * WebDriver's screenshot of the page, saved as `file`. WebKitWebDriver copies the view after
 * the page's next presentation; without accelerated compositing (the app turns it off where
 * there is no GPU, as under Xvfb) a page with nothing to repaint presents nothing, and the
 * screenshot waited until something on the page changed (for ever on a settled page). So while
 * it waits, the page is given something to repaint every 250 ms: a transparent outline on the
 * body, put on and taken off, which changes no pixel and no layout.
 */
export async function pageScreenshot(browser, file) {
  let taken = false;
  const shot = browser.saveScreenshot(file).finally(() => {
    taken = true;
  });
  try {
    while (!taken) {
      await Promise.race([shot.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 250))]);
      if (!taken) await browser.execute(toggleTransparentOutline);
    }
    return await shot;
  } finally {
    await browser.execute(() => {
      document.body.style.outline = "";
    });
  }
}

function toggleTransparentOutline() {
  const style = document.body.style;
  style.outline = style.outline ? "" : "1px solid transparent";
}

/** The clipboard as another process (xclip) sees it. */
export function clipboard() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], {
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return ""; // xclip exits non-zero when the clipboard is empty
  }
}

/**
 * Another program takes the clipboard with `text` (xclip in the foreground, serving it until it
 * is killed). Returns the child process; kill it when done.
 */
export function ownClipboard(text) {
  const child = spawn("xclip", ["-quiet", "-i", "-selection", "clipboard"], { stdio: ["pipe", "ignore", "ignore"] });
  child.stdin.end(text);
  return child;
}

/** The values stored in the keychain under a namespace (via libsecret's secret-tool), sorted. */
export function keychainValues(namespace = NAMESPACE) {
  const output = execFileSync("secret-tool", ["search", "--all", "--unlock", "service", namespace], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 10000,
  });
  return output
    .split("\n")
    .filter((line) => line.startsWith("secret = "))
    .map((line) => line.slice("secret = ".length))
    .sort();
}

/** Every regular file under `dir` (the data folder by default), with its bytes. */
export function dataFiles(dir = HOME, { skip = [] } = {}) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (skip.includes(path)) return [];
    if (entry.isDirectory()) return dataFiles(path, { skip });
    return entry.isFile() ? [{ path, bytes: readFileSync(path) }] : [];
  });
}

/**
 * Every file the app's session could have written outside the data folder: the private XDG data,
 * config and cache folders (webview storage, caches, logs). The keychain's own files
 * (XDG_DATA_HOME/keyrings) are left out: that is where the secrets belong.
 */
export function sessionFiles() {
  const dataHome = required("XDG_DATA_HOME");
  const skip = [join(dataHome, "keyrings")];
  return [dataHome, required("XDG_CONFIG_HOME"), required("XDG_CACHE_HOME")]
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => dataFiles(dir, { skip }));
}

/** Selects the app whose row shows `name` and waits for its detail. */
export async function openApp(browser, name) {
  await waitForText(browser, "app-row", name);
  for (const row of await allByTestId(browser, "app-row")) {
    if (((await row.getProperty("textContent")) ?? "").includes(name)) {
      await row.click();
      await waitForText(browser, "app-title", name);
      return;
    }
  }
  throw new Error(`no app row named ${name}`);
}

/** Starts a desktop program (a window manager, a settings daemon) a test needs; what it says
 * on stderr is kept for the error when it ends early. The test stops it. */
export function startDesktopProgram(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  child.said = "";
  child.stderr.on("data", (chunk) => {
    child.said += chunk;
  });
  child.on("error", (error) => {
    throw new Error(`${command} could not be started: ${error.message}`);
  });
  // "close" comes after the last of its stderr was read ("exit" can come before it)
  child.closed = false;
  child.on("close", () => {
    child.closed = true;
  });
  return child;
}

/**
 * Whether `child` still runs; when it ended, the wait for it ends with what it said (once its
 * stderr is read to the end: a program that fails at once says why).
 */
export function stillRunning(child, command) {
  if (child.exitCode === null && child.signalCode === null) return true;
  if (child.closed === false) return false; // ended; its last words are still on the way
  throw new Error(`${command} ended (${child.exitCode ?? child.signalCode}) before its window appeared: ${child.said.trim()}`);
}

/**
 * Starts a desktop program a spec needs as its set-up (a window manager, a settings daemon) and
 * waits (up to 30 s) until `ready()` says it serves. In the full suite's run, never alone nor in
 * 20 looped runs of one spec, such a program has now and then ended at once: openbox with exit 1
 * saying nothing, xfsettingsd with "Unable to open display" (2026-12-01, after 13 specs): the X
 * server refused a connection, for a cause not known yet. The program is the spec's set-up, not
 * what it proves: a start that ends at once is logged, with what it said, and tried again twice.
 */
export async function startSetUpProgram(command, args, what, ready) {
  for (let attempt = 1; ; attempt += 1) {
    const started = startDesktopProgram(command, args);
    try {
      // slow to start on a loaded machine; if it ends instead, the error says what it said
      await until(what, () => stillRunning(started, command) && ready(), 30000);
      return started;
    } catch (error) {
      if (attempt === 3 || started.exitCode === null) {
        started.kill(); // one that did not get ready in time is not left running
        throw error;
      }
      console.log(`${command} start ${attempt} failed, trying again: ${error.message}`);
    }
  }
}

/** Starts openbox and waits until it manages the display ([startSetUpProgram]). */
export async function startWindowManager() {
  return startSetUpProgram("openbox", ["--sm-disable"], "a window manager", () => succeeds("wmctrl", ["-m"]));
}

/**
 * Starts openbox over the app's window, already shown, and waits until it manages that window
 * (`wmctrl -c` fails on one it does not manage yet), so a test can close it as the title bar's
 * × does. The caller stops the manager; a wait that fails stops it here.
 */
export async function manageAppWindow() {
  const manager = await startWindowManager();
  try {
    await until(
      "the window manager managing the window",
      () => {
        try {
          return /\sAuthdeck$/m.test(execFileSync("wmctrl", ["-l"], { encoding: "utf8", timeout: 5000 }));
        } catch {
          return false;
        }
      },
      30000,
    );
  } catch (error) {
    manager.kill();
    throw error;
  }
  return manager;
}

/** Whether a program succeeds, without output. */
export function succeeds(command, args) {
  try {
    execFileSync(command, args, { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check` (a function, or an async one) holds, polling every 100 ms. */
export async function until(what, check, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const NOTIFICATION_LISTENER = new URL("../support/notification-listener/notification-listener", import.meta.url).pathname;

/**
 * Starts one of the Python stand-ins of tests/support (on Debian's python3-dbus and python3-gi,
 * hence /usr/bin/python3) and resolves once it says "ready".
 */
export function startStandIn(program, args) {
  if (!existsSync("/usr/bin/python3")) throw new Error("/usr/bin/python3 is missing; run .ci/install-deps");
  const child = spawn("/usr/bin/python3", [program, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let said = "";
  child.stderr.on("data", (chunk) => {
    said += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      if (String(chunk).includes("ready")) resolve(child);
    });
    child.on("exit", (code) => {
      reject(new Error(`${program} ended (${code}) before it was ready: ${said.trim()} (python3-dbus and python3-gi: run .ci/install-deps)`));
    });
  });
}

/**
 * Starts the notification listener (tests/support/notification-listener), which owns the
 * session bus's org.freedesktop.Notifications and records every Notify call as a JSON line in
 * `log` (and clicks one when `clicks` names it); resolves once it owns the name.
 */
export function startNotificationListener(log, clicks) {
  return startStandIn(NOTIFICATION_LISTENER, [log, clicks]);
}

const TOOLS = process.env.AUTHDECK_TOOLS ?? join(process.env.HOME ?? "/nonexistent", ".cache/authdeck-tools");
const DUNST = join(TOOLS, "dunst/usr/bin/dunst");
const DUNSTCTL = join(TOOLS, "dunst/usr/bin/dunstctl");
const DUNSTRC = new URL("../support/dunstrc", import.meta.url).pathname;

/** dunstctl ARGS against the dunst of this session's bus; its output, trimmed. */
export function dunstctl(...args) {
  return execFileSync(DUNSTCTL, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * Starts dunst, a real notification server that draws each notification on the X display
 * (unpacked by .ci/install-deps, configured by tests/support/dunstrc); resolves once it answers
 * as org.freedesktop.Notifications on the session bus.
 */
export async function startDunst() {
  if (!existsSync(DUNST)) throw new Error(`dunst is missing at ${DUNST}; run .ci/install-deps`);
  const child = spawn(DUNST, ["-config", DUNSTRC], { stdio: ["ignore", "ignore", "pipe"] });
  let said = "";
  let ended = null;
  child.stderr.on("data", (chunk) => {
    said += chunk;
  });
  child.on("exit", (code, signal) => {
    ended = code ?? signal;
  });
  const answers = () => {
    try {
      return dunstctl("count", "displayed") === "0";
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10000;
  while (!answers()) {
    if (ended !== null) throw new Error(`dunst ended (${ended}) before it answered: ${said.trim()}`);
    if (Date.now() > deadline) throw new Error(`dunst did not answer on the session bus within 10 s: ${said.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

const DESKTOP_PICTURE = new URL("../support/desktop-picture/desktop-picture", import.meta.url).pathname;

/**
 * Saves the whole X screen as screenshots/NAME.png: the app's window with what the desktop
 * draws beside it (a notification), which the webview's own screenshot does not hold.
 */
export async function desktopScreenshot(name) {
  recordKeychainValues();
  await new Promise((resolve) => setTimeout(resolve, 300));
  execFileSync("/usr/bin/python3", [DESKTOP_PICTURE, join(SHOTS, `${name}.png`)], { timeout: 20000 });
}

/** Every notification the listener recorded in `log` so far. */
export function notificationsIn(log) {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
