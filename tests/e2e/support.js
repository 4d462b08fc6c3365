// The one shared helper of the end-to-end tests: sessions of the real app, lookups by
// data-testid, screenshots, and the other processes a test reads from (clipboard, keychain).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { remote } from "webdriverio";

export const HOME = required("AUTHDECK_HOME");
export const NAMESPACE = required("AUTHDECK_KEYCHAIN_NAMESPACE");
const APP = required("AUTHDECK_APP");
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through tests/e2e/run`);
  return value;
}

/** Starts the app (a new process) and returns its WebDriver session. */
export async function launch() {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: 4444,
    logLevel: "error",
    connectionRetryCount: 1,
    capabilities: { "tauri:options": { application: APP } },
  });
  await browser.setTimeout({ implicit: 0 });
  await byTestId(browser, "env-switcher").waitForExist({ timeout: 20000 });
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
    await browser.saveScreenshot(join(SHOTS, `failure-${id.replaceAll(" ", "-")}.png`));
    throw error;
  });
  return last;
}

/** Waits until no element with `id` exists. */
export async function waitForGone(browser, id, timeout = 10000) {
  await browser.waitUntil(async () => (await allByTestId(browser, id)).length === 0, {
    timeout,
    timeoutMsg: `[data-testid=${id}] never went away`,
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
  } catch (error) {
    await browser.saveScreenshot(join(SHOTS, `failure-${id.replaceAll(" ", "-")}.png`));
    throw error;
  }
  await element.click();
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

/** Saves a screenshot; call it after waiting for what the screen must show. */
export async function screenshot(browser, name) {
  await browser.pause(300); // let the last frame paint
  await browser.saveScreenshot(join(SHOTS, `${name}.png`));
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

/** The secret values stored in the keychain under the test namespace (via libsecret's secret-tool). */
export function keychainValues() {
  const output = execFileSync("secret-tool", ["search", "--all", "--unlock", "service", NAMESPACE], {
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

/** Every file under the data folder, with its bytes. */
export function dataFiles(dir = HOME) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? dataFiles(path) : [{ path, bytes: readFileSync(path) }];
  });
}
