// Admin work at the provider end to end, in the real app in demo mode: the demo environment's
// connector is the local server's REST "OAuth apps" API, authenticated with "Demo admin". An
// admin creates an app there, copies the secret the provider showed once (it is already in the
// keychain), opens the linked app, sees it in sync, and deletes it at the provider.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { byTestId, click, clipboard, dismissToasts, keychainValues, launch, screenshot, type, waitForGone, waitForText, closeApp, DEMO_NAMESPACE } from "./support.js";

let browser;
/** The demo keychain's values once the connector's own token is there. */
let baseline = [];

before(async () => {
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 20000);
});

after(async () => {
  await closeApp(browser);
});

const textOf = async (id) => (await byTestId(browser, id).getProperty("textContent")) ?? "";
const added = () => keychainValues(DEMO_NAMESPACE).filter((value) => !baseline.includes(value));

test("an app created at the provider arrives with its secret in the keychain, offered once for copying", async () => {
  await click(browser, "provider-open");
  await byTestId(browser, "provider-dialog").waitForDisplayed();
  assert.equal(await byTestId(browser, "connector-kind").getValue(), "oauth_apps");
  await click(browser, "remote-load");
  await browser.waitUntil(async () => (await textOf("provider-dialog")).includes("The provider lists no apps."), {
    timeout: 10000,
    timeoutMsg: "the provider's list did not load",
  });
  // listing fetched the connector's token (Demo admin's): everything new from here is the app's
  baseline = keychainValues(DEMO_NAMESPACE);
  await click(browser, "remote-create-open");
  await type(browser, "remote-display_name", "Reports exporter");
  await type(browser, "remote-description", "Created from Authdeck");
  await type(browser, "remote-redirect_uris", "https://reports.example.com/callback");
  await type(browser, "remote-scopes", "read");
  await click(browser, "remote-create-submit");
  await waitForText(browser, "remote-created", "went straight into the keychain", 15000);
  const stored = added();
  assert.equal(stored.length, 1, "the provider's secret is in the keychain");
  assert.ok(!(await browser.getPageSource()).includes(stored[0]), "the secret is not in the page");
  await click(browser, "remote-secret-copy");
  await browser.waitUntil(() => clipboard() === stored[0], { timeout: 5000, timeoutMsg: "the secret never reached the clipboard" });
  await screenshot(browser, "18-provider-created");
});

test("the linked app shows where it lives, is in sync, and is deleted at the provider", async () => {
  await click(browser, "remote-open-app");
  await waitForGone(browser, "provider-dialog");
  await waitForText(browser, "app-title", "Reports exporter");
  assert.match(await textOf("remote-id"), /^oauthApps\/app\d+$/);
  await click(browser, "remote-compare");
  await byTestId(browser, "remote-in-sync").waitForDisplayed({ timeout: 10000 });
  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid", 10000);
  await dismissToasts(browser);
  await screenshot(browser, "19-provider-linked-app");
  await click(browser, "remote-delete");
  await waitForText(browser, "confirm-dialog", "Tokens it already issued stay valid");
  assert.equal(await byTestId(browser, "remote-revoke-first").isSelected(), true, "revoking first is offered");
  await click(browser, "confirm-ok");
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 15000);
  assert.deepEqual(added(), [], "its secret and token left the keychain");
});
