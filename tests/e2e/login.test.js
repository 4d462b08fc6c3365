// Browser and device sign-in end to end, in the real app in demo mode. "Sign in with browser"
// opens the system browser through the app's real opener path (xdg-open); in this run's XDG
// folders that is the stand-in browser (tests/support/standin-browser, registered by
// tests/e2e/run), which signs in as alice on the local oidc-provider's pages and follows the
// redirect to the app's loopback listener. The panel then shows the tokens and the verified ID
// token's claims.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { byTestId, click, dismissToasts, keychainValues, launch, openApp as openAppIn, screenshot, waitForGone, waitForText, closeApp, DEMO_NAMESPACE } from "./support.js";

const STANDIN_LOG = process.env.AUTHDECK_STANDIN_LOG;
const STANDIN_ACTION = process.env.AUTHDECK_STANDIN_ACTION_FILE;
let browser;

before(async () => {
  assert.ok(STANDIN_LOG && STANDIN_ACTION, "the stand-in browser is not set up: run through tests/e2e/run");
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 20000);
});

after(async () => {
  await closeApp(browser);
});

const openApp = (name) => openAppIn(browser, name);

const textOf = async (id) => (await byTestId(browser, id).getProperty("textContent")) ?? "";

test("a public client signs in through the system browser and shows its tokens and ID token", async () => {
  await openApp("Demo sign-in");
  await waitForText(browser, "token-state", "No token");
  assert.equal(await byTestId(browser, "token-get").isExisting(), false, "no client-credentials request for a public client");
  const before = readFileSync(STANDIN_LOG, "utf8");
  await click(browser, "login-browser");
  await waitForText(browser, "token-state", "Valid", 30000);
  await waitForGone(browser, "login-dialog");
  assert.equal(await textOf("token-source"), "Browser sign-in");
  assert.match(await textOf("token-refresh"), /held in the keychain/);
  await waitForText(browser, "token-id-claims", "Verified");
  assert.match(await textOf("token-id-claims"), /subalice/);
  const ran = readFileSync(STANDIN_LOG, "utf8").slice(before.length);
  assert.match(ran, /standin-browser: opened http:\/\/127\.0\.0\.1:\d+\/auth\n/, "the app opened the system browser");
  assert.match(
    ran,
    /ended at http:\/\/127\.0\.0\.1:\d+\/authdeck-sign-in-result \(HTTP 200\)/,
    "the browser ended on the app's listener, moved on to the result page without the code",
  );
  // the access, refresh and ID tokens are in the demo's keychain namespace, nowhere in the page
  const values = keychainValues(DEMO_NAMESPACE);
  const source = await browser.getPageSource();
  for (const value of values) assert.ok(!source.includes(value), "a keychain value is in the page");
  await dismissToasts(browser);
  await screenshot(browser, "15-browser-sign-in");
});

test("with no browser answering, the dialog shows the address, the port and the time left, and Cancel stops listening", async () => {
  writeFileSync(STANDIN_ACTION, "ignore\n");
  try {
    await click(browser, "login-browser");
    await byTestId(browser, "login-url").waitForDisplayed({ timeout: 10000 });
    const url = await byTestId(browser, "login-url").getValue();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    assert.match(url, /code_challenge_method=S256/);
    const port = Number((await textOf("login-port")).split(":")[1]);
    assert.match(await textOf("login-redirect"), new RegExp(`^http://127\\.0\\.0\\.1:${port}/callback$`));
    assert.match(await textOf("login-time-left"), /^[45]:\d\d$/);
    await screenshot(browser, "17-browser-sign-in-waiting");
    await click(browser, "login-cancel");
    await waitForGone(browser, "login-dialog");
    const refused = await fetch(`http://127.0.0.1:${port}/callback`).then(
      () => "answered",
      () => "refused",
    );
    assert.equal(refused, "refused", "nothing listens after Cancel");
  } finally {
    rmSync(STANDIN_ACTION, { force: true });
  }
});

test("a refused callback shows in the dialog at once, with its reason, and the sign-in keeps waiting", async () => {
  writeFileSync(STANDIN_ACTION, "ignore\n");
  try {
    await click(browser, "login-browser");
    await byTestId(browser, "login-url").waitForDisplayed({ timeout: 10000 });
    const port = Number((await textOf("login-port")).split(":")[1]);
    const forged = await fetch(`http://127.0.0.1:${port}/callback?code=stolen&state=forged`);
    assert.equal(forged.status, 400);
    await waitForText(browser, "login-refused", "A callback arrived and was refused");
    assert.equal(
      await textOf("login-refused-reason"),
      "The callback's state is not this sign-in's; it may be an old or forged link.",
    );
    assert.equal(await byTestId(browser, "login-url").isDisplayed(), true, "the sign-in is still waiting");
    await screenshot(browser, "21-browser-sign-in-refused-callback");
    await click(browser, "login-cancel");
    await waitForGone(browser, "login-dialog");
  } finally {
    rmSync(STANDIN_ACTION, { force: true });
  }
});

test("Refresh now rotates the refresh token and keeps the sign-in", async () => {
  const before = await textOf("token-fingerprint");
  await click(browser, "token-get");
  await browser.waitUntil(async () => (await textOf("token-fingerprint")) !== before, {
    timeout: 10000,
    timeoutMsg: "no refreshed token",
  });
  assert.equal(await textOf("token-source"), "Browser sign-in");
  assert.match(await textOf("token-refresh"), /held in the keychain/);
});

test("a device sign-in shows the code, the address and a QR code, and cancels cleanly", async () => {
  await click(browser, "login-device");
  await byTestId(browser, "device-user-code").waitForDisplayed({ timeout: 10000 });
  assert.match(await textOf("device-user-code"), /^[A-Z]{4}-[A-Z]{4}$/);
  assert.match(await textOf("device-uri"), /^http:\/\/127\.0\.0\.1:\d+\/device$/);
  assert.ok(await byTestId(browser, "device-qr").isDisplayed());
  await screenshot(browser, "16-device-sign-in");
  await click(browser, "login-cancel");
  await waitForGone(browser, "login-dialog");
  assert.equal(await textOf("token-source"), "Browser sign-in", "the earlier sign-in is kept");
});

test("a sign-in the provider ended shows as ended, hands out no token, and offers to sign in again", async () => {
  // the provider ends the grant: every token of this sign-in is revoked at it (RFC 7009)
  const opened = [...readFileSync(STANDIN_LOG, "utf8").matchAll(/opened (http:\/\/127\.0\.0\.1:\d+)\/auth/g)];
  const issuer = opened.at(-1)?.[1];
  assert.ok(issuer, "the stand-in browser's log names the provider");
  const seeded = ["admin-secret", "basic-secret", "jwt-secret", "post-secret"];
  for (const token of keychainValues(DEMO_NAMESPACE).filter((value) => !seeded.includes(value))) {
    const answer = await fetch(`${issuer}/token/revocation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, client_id: "native-client" }),
    });
    assert.ok(answer.status < 500, `revocation answered ${answer.status}`);
  }
  await click(browser, "token-get"); // Refresh now: the provider answers invalid_grant
  await waitForText(browser, "token-state", "Sign-in ended");
  assert.equal(await byTestId(browser, "token-copy").isEnabled(), false, "its token cannot be copied");
  assert.ok(await byTestId(browser, "token-ended-sign-in").isDisplayed(), "a way to sign in again");
  assert.equal(await byTestId(browser, "token-error").isExisting(), false, "said once, in the renewal notice");
  await dismissToasts(browser);
  await screenshot(browser, "22-sign-in-ended");
});
