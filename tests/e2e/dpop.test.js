// DPoP-bound tokens end to end, in the real app in demo mode (`authdeck --demo`, whose local
// oidc-provider has DPoP on): an app's settings mark it DPoP-bound and show its proof key's
// thumbprint; its next token is a DPoP token whose cnf.jkt the token panel shows as that key.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  byTestId,
  click,
  clipboard,
  closeApp,
  dismissToasts,
  launch,
  openApp,
  screenshot,
  waitForText,
} from "./support.js";

let browser;

before(async () => {
  assert.ok(process.env.AUTHDECK_DEMO_HOME, "AUTHDECK_DEMO_HOME is not set: run through tests/e2e/run");
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local)", 20000);
});

after(async () => {
  await closeApp(browser);
});

const textOf = async (id) => (await byTestId(browser, id).getProperty("textContent")) ?? "";

test("an app turned DPoP-bound gets a DPoP token bound to its own key, and the panel says so", async () => {
  await openApp(browser, "Demo JWT API");
  await click(browser, "token-get");
  await waitForText(browser, "token-type", "Bearer");
  assert.equal(await byTestId(browser, "token-binding").isExisting(), false, "an unbound app's Bearer token shows no binding");

  await click(browser, "binding-dpop");
  await byTestId(browser, "binding-jkt").waitForExist({ timeout: 10000 });
  const jkt = (await textOf("binding-jkt")).trim();
  assert.match(jkt, /^[A-Za-z0-9_-]{43}$/, "the thumbprint is an RFC 7638 SHA-256 thumbprint, base64url");
  await waitForText(browser, "token-binding", "the next token will be");
  await click(browser, "binding-jkt-copy");
  await browser.waitUntil(() => clipboard() === jkt, { timeout: 5000, timeoutMsg: "the thumbprint never reached the clipboard" });

  await dismissToasts(browser);
  await click(browser, "token-get");
  await waitForText(browser, "token-type", "DPoP");
  await waitForText(browser, "token-binding", "bound to this app’s key");
  assert.equal(await byTestId(browser, "token-binding").getAttribute("data-binding"), "this_key");
  assert.ok((await textOf("token-binding")).includes(jkt), "the token's cnf.jkt is the thumbprint the settings show");
  await dismissToasts(browser);
  await byTestId(browser, "token-panel").scrollIntoView();
  await screenshot(browser, "30-dpop-bound-token");
  await byTestId(browser, "binding-settings").scrollIntoView();
  await screenshot(browser, "31-dpop-and-par-settings");
});
