// Desktop notifications (issue 17), checked where a desktop shows them: on the session bus's
// org.freedesktop.Notifications, owned here by a small listener the test starts
// (tests/support/notification-listener) that records every Notify call and can click one.
// The real app in demo mode signs in to "Demo sign-in" through the stand-in browser with a
// short-lived access token; the test then has the provider end the grant (RFC 7009
// revocation), so automatic renewal's refresh is refused (invalid_grant). That raises exactly
// one "sign-in needed" notification naming the app and its environment and holding no
// secret; clicking it shows that app. With the kind turned off in the settings, the same
// refusal raises none. Last, the stand-in makes way for a real notification server (dunst),
// which draws the notification on the display for screenshot 44 and reports its click.
import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import {
  DEMO_NAMESPACE,
  byTestId,
  click,
  closeApp,
  desktopScreenshot,
  dismissToasts,
  dunstctl,
  keychainValues,
  launch,
  notificationsIn,
  openApp,
  screenshot,
  startDunst,
  startNotificationListener,
  until,
  waitForGone,
  waitForText,
} from "./support.js";

const SCRATCH = dirname(process.env.XDG_DATA_HOME ?? "/nonexistent/x");
const LOG = join(SCRATCH, "notifications.jsonl");
const CLICKS = join(SCRATCH, "notification-clicks");
// the demo's own client secrets (src-tauri/demo.rs); everything else in its keychain is a token
const SEEDED = ["admin-secret", "basic-secret", "jwt-secret", "post-secret"];
const SIGN_IN_NEEDED = "Sign in again to “Demo sign-in”";

let listener;
let dunst;
let browser;
let issuer;
const seen = new Set(); // every keychain value seen during the run, for the no-secret check

const signInNeeded = () => notificationsIn(LOG).filter((n) => n.summary === SIGN_IN_NEEDED);

/** Calls one of the app's own commands from the page (the way the UI does). */
const command = (name) => browser.execute(async (n) => window.__TAURI_INTERNALS__.invoke(n, {}), name);

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
 * Signs in to "Demo sign-in" through the stand-in browser, then has the provider end the grant:
 * every token of the sign-in is revoked at it, so the next refresh is refused (invalid_grant).
 */
async function signInThenEndTheGrant() {
  await openApp(browser, "Demo sign-in");
  const button = (await byTestId(browser, "token-ended-sign-in").isExisting()) ? "token-ended-sign-in" : "login-browser";
  await click(browser, button);
  // a failed sign-in fails the test with what the dialog says, not with a timeout
  await browser.waitUntil(
    async () =>
      (await byTestId(browser, "login-error").isExisting()) ||
      ((await byTestId(browser, "token-state").getProperty("textContent")) ?? "").includes("Valid"),
    { timeout: 30000, timeoutMsg: "the sign-in neither finished nor failed" },
  );
  if (await byTestId(browser, "login-error").isExisting()) {
    assert.fail(`the sign-in failed: ${(await byTestId(browser, "login-error").getProperty("textContent")) ?? ""}`);
  }
  await waitForText(browser, "token-state", "Valid", 30000);
  await waitForGone(browser, "login-dialog");
  const tokens = keychainValues(DEMO_NAMESPACE).filter((value) => !SEEDED.includes(value));
  assert.ok(tokens.length >= 2, "the sign-in's access and refresh tokens are in the keychain");
  for (const value of keychainValues(DEMO_NAMESPACE)) seen.add(value);
  for (const token of tokens) {
    const answer = await fetch(`${issuer}/token/revocation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, client_id: "native-client" }),
    });
    assert.ok(answer.status < 500, `revocation answered ${answer.status}`);
  }
}

/** Waits until automatic renewal (not the test) has tried the refresh and the provider refused it. */
async function renewalRefused() {
  // a 20 s token is renewed in the last quarter of its life: about 15 s after the sign-in
  await waitForText(browser, "token-state", "Sign-in ended", 45000);
}

before(async () => {
  rmSync(LOG, { force: true });
  rmSync(CLICKS, { force: true });
  listener = await startNotificationListener(LOG, CLICKS);
  browser = await launch({ args: ["--demo"] });
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 20000);
  issuer = (await command("app_info")).demo_issuer;
  assert.match(issuer ?? "", /^http:\/\/127\.0\.0\.1:\d+$/, "demo mode names its issuer");
  // short-lived access tokens, so automatic renewal comes within the test
  await configureServer({ token_ttl: 20 });
});

after(async () => {
  try {
    if (issuer) await configureServer({ token_ttl: 600 }).catch(() => {});
    await closeApp(browser);
  } finally {
    listener?.kill("SIGTERM");
    dunst?.kill("SIGTERM");
    rmSync(CLICKS, { force: true });
  }
});

/** Turns one notification kind on or off in the settings dialog and saves. */
async function turn(kind, on, { shot } = {}) {
  await click(browser, "settings-open");
  await byTestId(browser, "settings-notifications").waitForDisplayed({ timeout: 10000 });
  const toggle = byTestId(browser, `settings-notify-${kind}`);
  assert.equal(await toggle.isSelected(), !on, `${kind} is ${on ? "off" : "on"}`);
  await toggle.click();
  assert.equal(await toggle.isSelected(), on);
  if (shot) {
    await dismissToasts(browser);
    await byTestId(browser, "settings-notifications").scrollIntoView();
    // WebKit under Xvfb paints late (README, desktop performance), the more so on a busy machine
    await browser.pause(2500);
    await screenshot(browser, shot);
  }
  await click(browser, "settings-save");
  await waitForGone(browser, "settings-dialog");
}

test("each kind is on at first and has a switch in the settings", async () => {
  assert.deepEqual((await command("get_settings")).notifications, {
    sign_in_needed: true,
    renewal_failed: true,
    rotation_due: true,
    sign_in_completed: true,
  });
  // the finished sign-ins of the tests below are not what they are about
  await turn("sign_in_completed", false, { shot: "32-settings-notifications" });
  assert.equal((await command("get_settings")).notifications.sign_in_completed, false, "kept in the settings");
});

test("a refresh refused during automatic renewal raises one notification naming the app, with no secret", async () => {
  assert.deepEqual(signInNeeded(), [], "nothing told before the sign-in");
  await signInThenEndTheGrant();
  await renewalRefused();
  await until("the sign-in-needed notification", () => signInNeeded().length > 0, 10000);
  // renewal stops after the refusal, and the once-per-token rule holds besides: a few more
  // ticks (and the minute's look for ending sign-ins) add nothing
  await browser.pause(3000);
  const told = signInNeeded();
  assert.equal(told.length, 1, `exactly one: ${JSON.stringify(told)}`);
  const [notice] = told;
  assert.equal(notice.body, "Demo sign-in (Demo (local)): automatic renewal could not refresh the sign-in. Open Authdeck and sign in again.");
  assert.ok(notice.actions.includes("default"), `a click is reported back (actions ${JSON.stringify(notice.actions)})`);
  for (const value of keychainValues(DEMO_NAMESPACE)) seen.add(value);
  const everything = JSON.stringify(notificationsIn(LOG));
  for (const value of seen) assert.ok(!everything.includes(value), "a keychain value is in a notification");
});

test("clicking the notification brings the window forward on its app", async () => {
  await openApp(browser, "Demo service");
  const [notice] = signInNeeded();
  writeFileSync(CLICKS, `${notice.id}\n`);
  await waitForText(browser, "app-title", "Demo sign-in", 10000);
  assert.equal(existsSync(CLICKS), false, "the listener clicked it");
});

test("with the kind turned off in the settings, the same refusal raises no notification", async () => {
  await turn("sign_in_needed", false);
  assert.equal((await command("get_settings")).notifications.sign_in_needed, false, "kept in the settings");

  const before = signInNeeded().length;
  await signInThenEndTheGrant();
  await renewalRefused();
  await browser.pause(3000);
  assert.equal(signInNeeded().length, before, "no sign-in-needed notification while the kind is off");
  const everything = JSON.stringify(notificationsIn(LOG));
  for (const value of seen) assert.ok(!everything.includes(value), "a keychain value is in a notification");
});

test("a real notification server shows it, and its click opens the app (screenshot 44)", async () => {
  const gone = new Promise((resolve) => listener.once("exit", resolve));
  listener.kill("SIGTERM");
  await gone;
  dunst = await startDunst();
  await turn("sign_in_needed", true);
  await signInThenEndTheGrant();
  await renewalRefused();
  await until("dunst showing the notification", () => dunstctl("count", "displayed") === "1", 10000);
  await openApp(browser, "Demo service");
  await dismissToasts(browser);
  await desktopScreenshot("44-notification");
  // the notification's default action, invoked through dunst as a click bound to it does
  dunstctl("action", "0");
  await waitForText(browser, "app-title", "Demo sign-in", 10000);
  dunstctl("close");
  await until("dunst closing the notification", () => dunstctl("count", "displayed") === "0", 10000);
  const shown = JSON.parse(dunstctl("history")).data[0].map((n) => ({ summary: n.summary.data, body: n.body.data }));
  assert.deepEqual(shown, [
    {
      summary: SIGN_IN_NEEDED,
      body: "Demo sign-in (Demo (local)): automatic renewal could not refresh the sign-in. Open Authdeck and sign in again.",
    },
  ]);
});
