// Tokens end to end, in the real app started in demo mode (`authdeck --demo`): it starts the
// local oidc-provider server and seeds the "Demo (local)" sandbox. A developer gets a token,
// watches it count down, asks the provider about it, revokes it, decodes a JWT, tries the API,
// and sees every app's state at a glance. The demo never touches the user's own data.
import assert from "node:assert/strict";
import { basename } from "node:path";
import { after, before, test } from "node:test";
import {
  HOME,
  NAMESPACE,
  allByTestId,
  byTestId,
  click,
  clipboard,
  dataFiles,
  dismissToasts,
  keychainValues,
  launch,
  screenshot,
  type,
  waitForGone,
  waitForText,
  openApp as openAppIn,
  closeApp,
  DEMO_NAMESPACE,
} from "./support.js";

const DEMO_HOME = process.env.AUTHDECK_DEMO_HOME;
const DEMO_SECRETS = ["admin-secret", "basic-secret", "jwt-secret", "post-secret"];
let browser;
let userFilesBefore;
let userKeychainBefore;

before(async () => {
  assert.ok(DEMO_HOME, "AUTHDECK_DEMO_HOME is not set: run through tests/e2e/run");
  // what the earlier specs left in the user's own data folder and keychain namespace
  userFilesBefore = dataFiles(HOME);
  userKeychainBefore = keychainValues(NAMESPACE);
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 20000);
});

after(async () => {
  await closeApp(browser);
});

const openApp = (name) => openAppIn(browser, name);

const textOf = async (id) => (await byTestId(browser, id).getProperty("textContent")) ?? "";
const stateOf = async (id) => byTestId(browser, id).getAttribute("data-state");

/** The token values the demo's keychain namespace holds (everything but the seeded secrets). */
const demoTokens = () => keychainValues(DEMO_NAMESPACE).filter((value) => !DEMO_SECRETS.includes(value));

test("a token is one click away and its countdown runs", async () => {
  await openApp("Demo service");
  await waitForText(browser, "token-state", "No token");
  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid");
  assert.equal(await stateOf("token-state"), "valid");
  assert.match(await textOf("token-scopes-granted"), /read/);
  assert.match(await textOf("token-type"), /Bearer/);
  const first = await textOf("token-countdown");
  await browser.waitUntil(async () => (await textOf("token-countdown")) !== first, {
    timeout: 5000,
    timeoutMsg: `the countdown stayed at “${first}”`,
  });
  assert.equal(demoTokens().length, 1, "the token is in the demo's keychain namespace");
  await dismissToasts(browser);
  await screenshot(browser, "08-token-valid");
});

test("copying the token puts exactly the keychain's value on the clipboard, never in the page", async () => {
  await click(browser, "token-copy");
  const [token] = demoTokens();
  await browser.waitUntil(() => clipboard() === token, { timeout: 5000, timeoutMsg: "the token never reached the clipboard" });
  assert.ok(!(await browser.getPageSource()).includes(token), "the token is not in the page");
  await dismissToasts(browser);
});

test("introspection and token info show what the provider says", async () => {
  await click(browser, "token-introspect");
  await waitForText(browser, "introspection-active", "Active");
  await waitForText(browser, "token-result", "basic-client");
  await screenshot(browser, "09-token-introspected");
  await click(browser, "token-info");
  await waitForText(browser, "token-info-result", "basic-client");
});

test("revoking changes the state and the provider then calls it inactive", async () => {
  await click(browser, "token-revoke");
  await click(browser, "confirm-ok");
  await waitForText(browser, "token-state", "Revoked");
  assert.equal(await stateOf("token-state"), "revoked");
  await click(browser, "token-introspect");
  await waitForText(browser, "introspection-active", "Inactive");
  await dismissToasts(browser);
  await screenshot(browser, "10-token-revoked");
});

test("a JWT access token is decoded and labelled unverified", async () => {
  await openApp("Demo JWT API");
  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid");
  await waitForText(browser, "token-jwt", "Unverified");
  await waitForText(browser, "token-jwt", "jwt-client");
  await waitForText(browser, "token-jwt", "RS256");
  await dismissToasts(browser);
  await screenshot(browser, "11-token-jwt");
});

test("Try it calls the API with the token", async () => {
  await openApp("Demo service (post)");
  await click(browser, "try-it-open");
  await byTestId(browser, "try-it").waitForDisplayed();
  await type(browser, "try-path", "/oauth/token/info");
  await click(browser, "try-send");
  await waitForText(browser, "try-status", "200", 15000);
  await waitForText(browser, "try-body-result", "post-client");
  await screenshot(browser, "12-try-it");
  await browser.keys("Escape");
  await waitForGone(browser, "try-it");
  // it fetched a token first
  await waitForText(browser, "token-state", "Valid");
});

test("the overview shows every app's token state at a glance", async () => {
  await click(browser, "tokens-overview-open");
  await byTestId(browser, "token-overview").waitForDisplayed();
  await browser.waitUntil(async () => (await allByTestId(browser, "token-overview-row")).length === 5, {
    timeout: 10000,
    timeoutMsg: "the overview does not list the 5 demo apps",
  });
  const states = {};
  for (const row of await allByTestId(browser, "token-overview-row")) {
    states[(await row.getProperty("textContent")) ?? ""] = await row.getAttribute("data-state");
  }
  const stateFor = (name) =>
    Object.entries(states).find(([text]) => text.startsWith(name) && !text.startsWith(`${name} (`))?.[1];
  assert.equal(stateFor("Demo service"), "revoked");
  assert.equal(stateFor("Demo JWT API"), "valid");
  assert.equal(stateFor("Demo service (post)"), "valid");
  assert.equal(stateFor("Demo sign-in"), "none", "the public client has no token until someone signs in");
  assert.equal(stateFor("Demo admin"), "none");
  await screenshot(browser, "13-token-overview");
  await browser.keys("Escape");
  await waitForGone(browser, "token-overview");
});

test("discovery fills the endpoints from the issuer and refuses metadata of another issuer", async () => {
  await click(browser, "env-edit");
  await byTestId(browser, "env-form").waitForDisplayed();
  const issuer = await byTestId(browser, "env-issuer-url").getValue();
  await type(browser, "env-introspection-url", "");
  await type(browser, "env-revocation-url", "");
  await click(browser, "env-discover");
  await waitForText(browser, "env-discovery-result", "Filled");
  await waitForText(browser, "env-discovery-result", `${issuer}/.well-known/openid-configuration`);
  assert.equal(await byTestId(browser, "env-introspection-url").getValue(), `${issuer}/token/introspection`);
  assert.equal(await byTestId(browser, "env-revocation-url").getValue(), `${issuer}/token/revocation`);
  await screenshot(browser, "14-discovery");
  // the metadata names the issuer without the slash: refused, and said why
  await type(browser, "env-issuer-url", `${issuer}/`);
  await click(browser, "env-discover");
  await waitForText(browser, "field-error-issuer_url", "trailing slash");
  await click(browser, "env-cancel");
  await waitForGone(browser, "env-form");
});

test("automatic renewal replaces a short-lived token before it expires", async () => {
  // the demo server's issuer, as the environment form shows it
  await click(browser, "env-edit");
  await byTestId(browser, "env-form").waitForDisplayed();
  const issuer = await byTestId(browser, "env-issuer-url").getValue();
  await click(browser, "env-cancel");
  await waitForGone(browser, "env-form");
  const configured = await fetch(`${issuer}/test/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token_ttl: 12 }),
  });
  assert.equal(configured.status, 200);

  await openApp("Demo service (post)");
  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid");
  const before = await textOf("token-fingerprint");
  // renewal window: a quarter of 12 s; the app checks every 5 s
  await browser.waitUntil(async () => (await textOf("token-fingerprint")) !== before, {
    timeout: 20000,
    timeoutMsg: "the token was not renewed before it expired",
  });
  assert.equal(await stateOf("token-state"), "valid");
  await waitForText(browser, "toast", "Demo service (post)");
  await fetch(`${issuer}/test/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token_ttl: 600 }),
  });
  // a long-lived token again, so renewal stops before the canary reads the keychain
  const renewedAt = await textOf("token-fingerprint");
  await click(browser, "token-get");
  await browser.waitUntil(async () => (await textOf("token-fingerprint")) !== renewedAt, {
    timeout: 10000,
    timeoutMsg: "no new token",
  });
});

test("no token value reaches the demo's data folder, and the user's data is untouched", () => {
  const tokens = demoTokens();
  assert.equal(tokens.length, 3, "three tokens are held in the keychain");
  for (const { path, bytes } of dataFiles(DEMO_HOME)) {
    for (const token of tokens) {
      assert.ok(!bytes.includes(Buffer.from(token)), `a token value is in ${basename(path)}`);
    }
  }
  assert.deepEqual(dataFiles(HOME), userFilesBefore, "the user's data folder is untouched");
  assert.deepEqual(keychainValues(NAMESPACE), userKeychainBefore, "the user's keychain is untouched");
});
