// Token exchange end to end, in the real app in demo mode (`authdeck --demo`, whose local
// oidc-provider registers the RFC 8693 grant): one demo app's token is traded for a token of
// another from its token panel; a scope beyond the subject token's is refused next to the scope
// field with the provider's words, and the exchanged token's panel says where it came from.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  byTestId,
  click,
  closeApp,
  dismissToasts,
  launch,
  openApp,
  screenshot,
  select,
  type,
  waitForGone,
  waitForText,
} from "./support.js";

let browser;
// A notice closes by itself after 5 s; on a loaded machine the window may take longer to
// show a closed one gone, so the wait allows for both.
const NOTICES_GONE = 15000;

before(async () => {
  assert.ok(process.env.AUTHDECK_DEMO_HOME, "AUTHDECK_DEMO_HOME is not set: run through tests/e2e/run");
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local)", 20000);
});

after(async () => {
  await closeApp(browser);
});

const textOf = async (id) => (await byTestId(browser, id).getProperty("textContent")) ?? "";

test("one demo app's token is exchanged for a token of another, and its panel says so", async () => {
  await openApp(browser, "Demo service");
  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid");
  await dismissToasts(browser, { timeout: NOTICES_GONE });

  await openApp(browser, "Demo service (post)");
  await waitForText(browser, "token-state", "No token");
  await click(browser, "token-exchange-open");
  await byTestId(browser, "exchange-dialog").waitForDisplayed();
  await waitForText(browser, "exchange-subject", "Demo service — Valid");
  assert.ok(!(await textOf("exchange-subject")).includes("Demo JWT API"), "only apps holding a token are offered");
  await select(browser, "exchange-subject", "Demo service — Valid");

  // the subject token holds read and write: admin is beyond it
  await type(browser, "exchange-scope", "read admin");
  await click(browser, "exchange-submit");
  await waitForText(browser, "exchange-error", "invalid_scope");
  assert.equal(await byTestId(browser, "exchange-error").getAttribute("data-part"), "scope");
  await waitForText(browser, "exchange-provider-error", "scope exceeds the subject token's");
  assert.equal(await byTestId(browser, "exchange-scope").getAttribute("aria-invalid"), "true");
  await waitForText(browser, "token-state", "No token");

  await type(browser, "exchange-scope", "read");
  await type(browser, "exchange-audience", "https://reports.example");
  await select(browser, "exchange-token-type", "Access token");
  await click(browser, "exchange-submit");
  await waitForGone(browser, "exchange-dialog", 15000);

  await waitForText(browser, "token-source", "Token exchange");
  await waitForText(browser, "token-state", "Valid");
  await waitForText(browser, "token-issued-type", "Access token");
  await waitForText(browser, "token-issued-type", "urn:ietf:params:oauth:token-type:access_token");
  await waitForText(browser, "token-scopes-granted", "read");
  assert.ok(!(await textOf("token-scopes-granted")).includes("write"), "downscoped to read");
  await waitForText(browser, "token-get", "Exchange again");
  await waitForText(browser, "token-refresh", "exchange again when it expires");
  // the provider says whose token it is: post-client's
  await click(browser, "token-introspect");
  await waitForText(browser, "introspection-active", "Active");
  await waitForText(browser, "token-result", "post-client");
  await dismissToasts(browser, { timeout: NOTICES_GONE });
  await byTestId(browser, "token-panel").scrollIntoView();
  await screenshot(browser, "37-token-exchanged");

  // "Exchange again" opens the dialog with the last exchange's fields, never a renewal
  await click(browser, "token-get");
  await byTestId(browser, "exchange-dialog").waitForDisplayed();
  assert.equal(await byTestId(browser, "exchange-scope").getValue(), "read");
  assert.equal(await byTestId(browser, "exchange-audience").getValue(), "https://reports.example");
  await click(browser, "exchange-cancel");
  await waitForGone(browser, "exchange-dialog");
});
