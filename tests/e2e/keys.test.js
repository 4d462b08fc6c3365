// Signing keys and client certificates end to end, in the real app in demo mode (`authdeck
// --demo`, whose local oidc-provider takes private_key_jwt and dynamic client registration): a
// private_key_jwt app gets a key generated in the window; its public JWK, copied from the
// window and read back from the clipboard, is registered at the server the way a provider's
// console takes it (RFC 7591, as tests/client_jwt.rs does); the app then gets a token whose
// assertion the server verified with that kid, and the last active key cannot be deleted. A
// self_signed_tls_client_auth app gets a certificate generated in the window whose copied JWK
// carries its x5c and x5t#S256.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  byTestId,
  click,
  clipboard,
  closeApp,
  dismissToasts,
  launch,
  screenshot,
  select,
  type,
  waitForGone,
  waitForText,
} from "./support.js";

let browser;
let issuer;
// A notice closes by itself after 5 s; on a loaded machine the window may take longer.
const NOTICES_GONE = 15000;
// A dialog that writes to the keychain closes when the write is done: on a loaded machine (two
// cores shared by builds) a key generated and stored there took more than 10 s.
const STORED = 30000;

before(async () => {
  assert.ok(process.env.AUTHDECK_DEMO_HOME, "AUTHDECK_DEMO_HOME is not set: run through tests/e2e/run");
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local)", 20000);
  issuer = (await browser.execute(async () => window.__TAURI_INTERNALS__.invoke("app_info", {}))).demo_issuer;
  assert.match(issuer ?? "", /^http:\/\/127\.0\.0\.1:\d+$/, "demo mode names its issuer");
});

after(async () => {
  await closeApp(browser);
});

const textOf = async (id) => ((await byTestId(browser, id).getProperty("textContent")) ?? "").trim();

/** Creates a confidential app with `method` in the window; its detail opens. */
async function createApp(name, method) {
  await click(browser, "app-new");
  await byTestId(browser, "app-form").waitForDisplayed();
  await type(browser, "app-form app-display-name", name);
  await type(browser, "app-form app-client-id", "to-be-registered");
  await select(browser, "app-form app-client-type", "confidential");
  await select(browser, "app-form app-auth-method", method);
  await type(browser, "app-form app-scopes", "read");
  await click(browser, "app-form app-save");
  await waitForGone(browser, "app-form", STORED);
  await waitForText(browser, "app-title", name);
}

/** The clipboard's JSON once it is what `expected` looks for (the copy lands a moment after the click). */
async function copiedJson(expected) {
  let parsed = null;
  await browser.waitUntil(
    () => {
      try {
        parsed = JSON.parse(clipboard());
        return expected(parsed);
      } catch {
        return false;
      }
    },
    { timeout: 5000, timeoutMsg: "the copied JSON never reached the clipboard" },
  );
  return parsed;
}

test("a private_key_jwt app's key generated in the window, registered by its copied JWK, signs its token", async () => {
  const name = `Keyed service ${Date.now()}`;
  await createApp(name, "private_key_jwt");
  await byTestId(browser, "keys-empty").waitForDisplayed();

  await click(browser, "key-add");
  await byTestId(browser, "key-form").waitForDisplayed();
  await select(browser, "key-alg-choice", "ES256");
  await type(browser, "key-label-input", "Registered key");
  await click(browser, "key-save");
  await waitForGone(browser, "key-form", STORED);
  await waitForText(browser, "key-row", "Registered key");
  const kid = await textOf("key-kid");
  assert.match(kid, /^[A-Za-z0-9_-]{43}$/, "the kid is an RFC 7638 thumbprint");
  assert.equal(await textOf("key-alg"), "ES256");
  assert.equal(await byTestId(browser, "key-row").getAttribute("data-state"), "active");

  await click(browser, "key-copy-jwk");
  const jwk = await copiedJson((copied) => copied.kid === kid);
  assert.deepEqual(Object.keys(jwk).sort(), ["alg", "crv", "kid", "kty", "use", "x", "y"], "the public part only");
  await click(browser, "key-copy-jwks");
  const jwks = await copiedJson((copied) => Array.isArray(copied.keys));
  assert.deepEqual(jwks, { keys: [jwk] }, "the JWKS holds the one active key");

  // registered the way a provider's console takes it: the JWKS, then the client ID it gives
  const answer = await fetch(`${issuer}/reg`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      token_endpoint_auth_method: "private_key_jwt",
      jwks: { keys: [jwk] },
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "read",
    }),
  });
  assert.equal(answer.status, 201, await answer.clone().text());
  const clientId = (await answer.json()).client_id;
  await type(browser, "app-client-id", clientId);
  await click(browser, "app-save");
  await waitForText(browser, "toast", "Saved");
  await dismissToasts(browser, { timeout: NOTICES_GONE });

  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid", 15000);
  const records = await fetch(`${issuer}/test/client-auth`).then((r) => r.json());
  const mine = records.filter((record) => record.client_id === clientId);
  assert.equal(mine.length, 1, JSON.stringify(records));
  assert.equal(mine[0].endpoint, "token");
  assert.equal(mine[0].status, 200);
  assert.equal(mine[0].auth_method, "private_key_jwt");
  assert.deepEqual(mine[0].assertion.header, { alg: "ES256", kid, typ: "JWT" });

  await dismissToasts(browser, { timeout: NOTICES_GONE });
  await byTestId(browser, "keys-panel").scrollIntoView();
  await screenshot(browser, "38-signing-keys");

  // the last active key of a private_key_jwt app stays, and the window says why
  await click(browser, "key-delete");
  await byTestId(browser, "confirm-dialog").waitForDisplayed();
  await click(browser, "confirm-ok");
  await waitForText(browser, "keys-panel action-error", "last active signing key");
  assert.equal(await byTestId(browser, "key-row").getAttribute("data-state"), "active");
});

test("a self-signed certificate generated in the window shows and copies its JWK with x5c and x5t#S256", async () => {
  const name = `Certified service ${Date.now()}`;
  await createApp(name, "self_signed_tls_client_auth");
  await byTestId(browser, "certs-empty").waitForDisplayed();

  await click(browser, "cert-add");
  await byTestId(browser, "cert-form").waitForDisplayed();
  await click(browser, "cert-save");
  await waitForGone(browser, "cert-form", STORED);
  await waitForText(browser, "cert-row", "Certificate 1");
  const x5t = await textOf("cert-x5t");
  assert.match(x5t, /^[A-Za-z0-9_-]{43}$/, "x5t#S256 is a base64url SHA-256");
  await waitForText(browser, "cert-subject", "CN=Authdeck to-be-registered");
  assert.equal(await byTestId(browser, "cert-row").getAttribute("data-expired"), "false");
  await waitForText(browser, "cert-added-jwk", x5t);

  await click(browser, "cert-added-copy");
  const jwk = await copiedJson((copied) => copied["x5t#S256"] === x5t);
  assert.equal(jwk.x5c.length, 1);
  assert.equal(jwk.d, undefined, "the public part only");

  await click(browser, "cert-retire");
  await waitForText(browser, "certs-panel action-error", "last active client certificate");
  assert.equal(await byTestId(browser, "cert-row").getAttribute("data-state"), "active");
  await dismissToasts(browser, { timeout: NOTICES_GONE });
  await byTestId(browser, "certs-panel").scrollIntoView();
  await screenshot(browser, "39-client-certificates");
});
