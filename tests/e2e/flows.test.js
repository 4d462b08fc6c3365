// The desktop app end to end, in its real webview, with the real keychain: the flows of the
// foundation issue in order, each building on the last, then a restart and the canary.
import assert from "node:assert/strict";
import { basename } from "node:path";
import { after, before, test } from "node:test";
import {
  allByTestId,
  byTestId,
  click,
  clipboard,
  ownClipboard,
  dataFiles,
  dismissToasts,
  keychainValues,
  launch,
  screenshot,
  sessionFiles,
  textsOf,
  select,
  type,
  waitForGone,
  waitForText,
  closeApp,
} from "./support.js";

const FIRST = "sbx-secret-Alpha-1111";
const SECOND = "sbx-secret-Bravo-2222";
const PRD_OLD = "prd-secret-Charlie-3333";
const PRD_NEW = "prd-secret-Delta+/=%&-4444"; // characters that break naive encoding
const SECRETS = [FIRST, SECOND, PRD_OLD, PRD_NEW];
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await closeApp(browser);
});

async function switchTo(name) {
  await select(browser, "env-switcher", name);
  // the switch is stored when the status bar names the environment
  await waitForText(browser, "status-environment", `${name} ·`);
}

async function createEnvironment(name, kind, tokenUrl) {
  await click(browser, "env-new");
  await byTestId(browser, "env-form").waitForDisplayed();
  await type(browser, "env-name", name);
  await select(browser, "env-kind", kind);
  await type(browser, "env-token-url", tokenUrl);
  await click(browser, "env-save");
  await waitForGone(browser, "env-form");
}

async function rowNamed(id, text) {
  await waitForText(browser, id, text);
  for (const row of await allByTestId(browser, id)) {
    if (((await row.getProperty("textContent")) ?? "").includes(text)) return row;
  }
  throw new Error(`no [data-testid=${id}] containing “${text}”`);
}

async function createApp(name, clientId, { link = "", clientType = "confidential" } = {}) {
  await click(browser, "app-new");
  await byTestId(browser, "app-form").waitForDisplayed();
  await type(browser, "app-form app-display-name", name);
  await type(browser, "app-form app-client-id", clientId);
  await select(browser, "app-form app-client-type", clientType);
  if (link) await type(browser, "app-form app-link", link);
  await click(browser, "app-form app-save");
  await waitForGone(browser, "app-form");
  await waitForText(browser, "app-title", name);
}

async function addSecret(label, value) {
  await click(browser, "secret-add");
  await byTestId(browser, "secret-form").waitForDisplayed();
  await type(browser, "secret-label", label);
  await type(browser, "secret-value", value);
  await click(browser, "secret-save");
  await waitForGone(browser, "secret-form");
}

const secretRow = (fingerprint) => rowNamed("secret-row", `…${fingerprint}`);

/** The seconds in the countdown's text “… clears in N s”. */
function secondsLeft(text) {
  const match = /clears in (\d+) s/.exec(text);
  assert.ok(match, `no seconds in the countdown “${text}”`);
  return Number(match[1]);
}

const countdownText = async () =>
  (await allByTestId(browser, "clipboard-countdown")).length
    ? ((await byTestId(browser, "clipboard-countdown").getProperty("textContent")) ?? "")
    : "clears in 0 s";

test("first run shows a welcome and no environment", async () => {
  await waitForText(browser, "welcome", "Welcome to Authdeck");
  assert.equal(await byTestId(browser, "env-switcher").getValue(), "");
  await screenshot(browser, "01-first-run");
});

test("environment input errors are specific and shown next to the field", async () => {
  await click(browser, "env-new");
  await type(browser, "env-name", "Sandbox");
  await type(browser, "env-token-url", "sandbox.example.com/token");
  await waitForText(browser, "field-error-endpoints.token_url", "is not a valid URL");
  await type(browser, "env-token-url", "http://sandbox.example.com/oauth/token");
  await waitForText(browser, "field-error-endpoints.token_url", "plain http is allowed only for loopback");
  await type(browser, "env-token-url", "http://127.0.0.1:8080/token");
  await waitForGone(browser, "field-error-endpoints.token_url");
  await click(browser, "env-cancel");
  await waitForGone(browser, "env-form");
});

test("a sandbox and a production environment are created; the first becomes active", async () => {
  await createEnvironment("Sandbox", "sandbox", "https://sandbox.example.com/oauth/token");
  await createEnvironment("Production", "production", "https://id.example.com/oauth/token");
  let names = [];
  await browser.waitUntil(
    async () => {
      names = [];
      for await (const option of browser.$$('[data-testid="env-switcher"] option')) names.push(await option.getText());
      return names.length === 2;
    },
    { timeout: 10000, timeoutMsg: `the switcher never listed both environments (last: ${names})` },
  );
  assert.deepEqual(names, ["Production", "Sandbox"]);
  // production is marked while it is active, and only then
  await switchTo("Production");
  await waitForText(browser, "env-banner", "Production");
  await switchTo("Sandbox");
  await waitForGone(browser, "env-banner");
  await waitForText(browser, "app-empty", "No client apps here yet");
  await dismissToasts(browser);
  await screenshot(browser, "02-environments");
});

test("a duplicate environment name is refused with a message", async () => {
  await click(browser, "env-new");
  await type(browser, "env-name", "sandbox");
  await waitForText(browser, "field-error-name", "An environment named “sandbox” already exists.");
  await click(browser, "env-cancel");
  await waitForGone(browser, "env-form");
});

test("a provider profile fills the endpoints from its templates and lists its quirks", async () => {
  await click(browser, "env-new");
  await byTestId(browser, "env-form").waitForDisplayed();
  await type(browser, "env-name", "Contoso");
  await select(browser, "env-profile", "Microsoft Entra ID");
  await waitForText(browser, "env-profile-quirks", "<resource>/.default");
  await type(browser, "env-profile-tenant", "contoso.onmicrosoft.com");
  await click(browser, "env-profile-fill");
  await waitForText(browser, "env-profile-filled", "from the Microsoft Entra ID profile");
  assert.equal(
    await byTestId(browser, "env-token-url").getValue(),
    "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
  );
  await screenshot(browser, "23-provider-profile");
  await click(browser, "env-cancel");
  await waitForGone(browser, "env-form");
});

test("an app needs a client ID", async () => {
  await click(browser, "app-new");
  await type(browser, "app-form app-display-name", "Billing sync");
  await type(browser, "app-form app-client-id", "x");
  await type(browser, "app-form app-client-id", "");
  await waitForText(browser, "app-form field-error-client_id", "Enter the client ID the provider gave this app.");
  await click(browser, "app-form app-cancel");
  await waitForGone(browser, "app-form");
});

test("an app gets two secrets by pasting; surrounding whitespace is trimmed and said so", async () => {
  await createApp("Billing sync", "billing-sbx-123", { link: "Billing sync" });
  await addSecret("CI runner", `  ${FIRST}\n`);
  await waitForText(browser, "secret-trimmed-notice", "Whitespace around the pasted value was removed");
  await addSecret("Rotation 2026-11", SECOND);
  await browser.waitUntil(async () => (await allByTestId(browser, "secret-row")).length === 2);
  const fingerprints = await textsOf(browser, "secret-fingerprint");
  assert.deepEqual(fingerprints.sort(), ["…1111", "…2222"]);
  const page = await browser.getPageSource();
  assert.ok(!page.includes(FIRST) && !page.includes(SECOND), "a secret value is in the page");
  await dismissToasts(browser);
  await screenshot(browser, "04-app-with-secrets");
});

test("a copied secret reaches other programs and is cleared after the timeout", async () => {
  await click(browser, "settings-open");
  await type(browser, "settings-clipboard-seconds", "5");
  await click(browser, "settings-save");
  await waitForGone(browser, "settings-dialog");

  const row = await secretRow("2222");
  await row.$('[data-testid="secret-copy"]').click();
  await browser.waitUntil(() => clipboard() === SECOND, { timeout: 5000, timeoutMsg: "xclip never read the secret" });
  // the countdown runs: it starts at 5 or 4 and goes down; the value stays until it ends
  const first = secondsLeft(await waitForText(browser, "clipboard-countdown", "clears in"));
  assert.ok(first >= 3 && first <= 5, `the countdown started at ${first}`);
  await browser.waitUntil(async () => secondsLeft(await countdownText()) < first, {
    timeout: 3000,
    timeoutMsg: "the countdown did not go down",
  });
  assert.equal(clipboard(), SECOND, "the clipboard was cleared before the countdown ended");
  await browser.waitUntil(() => clipboard() === "", { timeout: 12000, timeoutMsg: "the clipboard was not cleared" });
  await waitForText(browser, "toast", "Clipboard cleared");
  await waitForGone(browser, "clipboard-countdown");
});

test("the clipboard is left alone when something else was copied after the secret", async () => {
  const row = await secretRow("2222");
  await row.$('[data-testid="secret-copy"]').click();
  await browser.waitUntil(() => clipboard() === SECOND, { timeout: 5000, timeoutMsg: "xclip never read the secret" });
  const other = ownClipboard("copied by someone else");
  try {
    await browser.waitUntil(() => clipboard() === "copied by someone else", { timeout: 5000 });
    await waitForText(browser, "toast", "Clipboard left as it was", 12000);
    assert.equal(clipboard(), "copied by someone else");
  } finally {
    other.kill();
  }
  await waitForGone(browser, "clipboard-countdown");
});

test("reveal shows the value, then hides it", async () => {
  const row = await secretRow("1111");
  await row.$('[data-testid="secret-reveal"]').click();
  await waitForText(browser, "secret-revealed", FIRST);
  await row.$('[data-testid="secret-reveal"]').click();
  await waitForGone(browser, "secret-revealed");
});

test("the last active secret cannot be deleted", async () => {
  await (await secretRow("1111")).$('[data-testid="secret-retire"]').click();
  await browser.waitUntil(async () => (await (await secretRow("1111")).getAttribute("data-state")) === "retired");
  await (await secretRow("2222")).$('[data-testid="secret-delete"]').click();
  await click(browser, "confirm-ok");
  await waitForText(browser, "action-error", "Add the new secret first, then retire or delete this one.");
  assert.equal(await (await secretRow("2222")).getAttribute("data-state"), "active");
  await screenshot(browser, "06-last-secret-refused");
});

test("the list fills and filters as you type", async () => {
  await createApp("Reports exporter", "reports-sbx-77");
  await createApp("Mobile app", "mobile-sbx-9", { clientType: "public" });
  // a public client keeps no secret: a notice instead of the secrets panel
  await waitForText(browser, "public-client-notice", "Public client");
  assert.equal((await allByTestId(browser, "secret-add")).length, 0, "a public client offers to add a secret");
  await type(browser, "app-filter", "report");
  await browser.waitUntil(async () => (await allByTestId(browser, "app-row")).length === 1);
  await type(browser, "app-filter", "");
  await browser.waitUntil(async () => (await allByTestId(browser, "app-row")).length === 3);
  await (await rowNamed("app-row", "Billing sync")).click();
  await waitForText(browser, "app-title", "Billing sync");
  await dismissToasts(browser);
  await screenshot(browser, "03-app-list");
  await click(browser, "theme-toggle");
  await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "dark");
  await screenshot(browser, "07-dark-theme");
  await click(browser, "theme-toggle");
});

test("switching environments follows a linked app, and production is unmistakable", async () => {
  await switchTo("Production");
  await waitForText(browser, "env-banner", "Production");
  await createApp("Billing sync", "billing-prd-456", { link: "Billing sync" });
  await dismissToasts(browser);
  await screenshot(browser, "05-production");
  await switchTo("Sandbox");
  await waitForGone(browser, "env-banner");
  await waitForText(browser, "app-detail", "billing-sbx-123");
  await waitForText(browser, "linked-app", "Production");
  await (await byTestId(browser, "linked-app")).click();
  await waitForText(browser, "env-banner", "Production");
  await waitForText(browser, "app-detail", "billing-prd-456");
  await switchTo("Sandbox");
});

test("rotation in production: the new secret first, then the older one retired after a production warning", async () => {
  await switchTo("Production");
  await waitForText(browser, "app-detail", "billing-prd-456");
  await addSecret("Production 1", PRD_OLD);
  await waitForText(browser, "secret-fingerprint", "…3333");
  await click(browser, "secret-rotate");
  await byTestId(browser, "secret-form").waitForDisplayed();
  await type(browser, "secret-label", "Production 2");
  await type(browser, "secret-value", PRD_NEW);
  await click(browser, "secret-save");
  await waitForGone(browser, "secret-form");
  await waitForText(browser, "secret-retire-offer", "“Production 1”");
  await click(browser, "secret-retire-older");
  await waitForText(browser, "confirm-dialog", "production environment");
  await click(browser, "confirm-ok");
  await waitForGone(browser, "confirm-dialog");
  await browser.waitUntil(async () => (await (await secretRow("3333")).getAttribute("data-state")) === "retired", {
    timeout: 10000,
    timeoutMsg: "the older production secret was not retired",
  });
  assert.equal(await (await secretRow("4444")).getAttribute("data-state"), "active");
  await switchTo("Sandbox");
});

test("after a restart everything is still there; values only in the keychain", async () => {
  await closeApp(browser);
  browser = await launch();
  await waitForText(browser, "app-row", "Billing sync");
  assert.equal((await textsOf(browser, "app-row")).length, 3);
  await (await rowNamed("app-row", "Billing sync")).click();
  await browser.waitUntil(async () => (await allByTestId(browser, "secret-row")).length === 2);
  assert.deepEqual(keychainValues(), [...SECRETS].sort());
  const database = dataFiles().filter((file) => /authdeck\.db(-wal)?$/.test(file.path));
  assert.ok(database.length >= 1, "the database file exists");
  for (const file of database) {
    for (const secret of SECRETS) assert.ok(!file.bytes.includes(secret), `${file.path} holds a secret`);
  }
});

test("canary: no secret value anywhere in the data folder", () => {
  const files = dataFiles();
  const names = files.map((file) => basename(file.path));
  assert.ok(names.includes("authdeck.db"), `the data folder holds ${names.join(", ")}`);
  for (const file of files) {
    for (const secret of SECRETS) {
      assert.ok(!file.bytes.includes(Buffer.from(secret)), `${file.path} holds ${secret.slice(0, 4)}…`);
    }
  }
});

test("canary: no secret value in the webview's storage, caches or config", (t) => {
  const files = sessionFiles();
  t.diagnostic(`${files.length} files searched in the private XDG data, config and cache folders`);
  assert.ok(files.length > 0, "the webview wrote nothing at all: is the app using the private XDG folders?");
  for (const file of files) {
    for (const secret of SECRETS) {
      assert.ok(!file.bytes.includes(Buffer.from(secret)), `${file.path} holds ${secret.slice(0, 4)}…`);
    }
  }
});
