// The canary sweep: runs last, after every other spec has used the app through its screens
// (secrets added, revealed and copied; signing keys and client certificates made and their
// public parts copied; tokens got, introspected, revoked, renewed, tried; a
// browser sign-in and a device sign-in; an app created at the provider) with the values the
// keychain held at each of those moments noted, and every IPC response and event recorded.
// It adds an export and an import through the settings, then searches every byte the app,
// its webview and the test tools wrote for any of those values: none may be found, and the
// IPC traffic may carry one only in the reveal_secret response the flows asked for.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CANARY_DIR,
  DEMO_NAMESPACE,
  HOME,
  NAMESPACE,
  byTestId,
  click,
  closeApp,
  dataFiles,
  keychainValues,
  launch,
  recordKeychainValues,
  screenshot,
  sessionFiles,
  type,
  waitForText,
} from "./support.js";

const EXPORT_DIR = mkdtempSync(join(tmpdir(), "authdeck-canary-export-"));
const EXPORT_FILE = join(EXPORT_DIR, "setup.json");
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await closeApp(browser);
});

/** Every value any spec saw in the keychain (both namespaces), once each, longest first. */
function canaries() {
  recordKeychainValues();
  const seen = readFileSync(join(CANARY_DIR, "keychain-values.txt"), "utf8").split("\n");
  const all = new Set([...seen, ...keychainValues(NAMESPACE), ...keychainValues(DEMO_NAMESPACE)]);
  // A value this short could match by chance; none of the run's values is this short.
  return [...all].filter((value) => value.length >= 8).sort((a, b) => b.length - a.length);
}

/** The forms a value could take when written somewhere: as is, and percent-encoded. */
const forms = (value) => [...new Set([value, encodeURIComponent(value)])];

/** Regular files under `dir` changed since `since` (ms), skipping `skip` folders; unreadable ones are skipped. */
function filesChangedSince(dir, since, skip) {
  const found = [];
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found; // another user's folder, or gone meanwhile
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (skip.some((folder) => path === folder || path.startsWith(`${folder}/`))) continue;
    if (entry.isDirectory()) found.push(...filesChangedSince(path, since, skip));
    else if (entry.isFile()) {
      try {
        const stat = statSync(path);
        if (stat.mtimeMs >= since && stat.size <= 64 * 1024 * 1024) found.push({ path, bytes: readFileSync(path) });
      } catch {
        // removed while we looked, or not readable by us: not written by this run's app
      }
    }
  }
  return found;
}

test("an export and an import through the settings (the file holds no value)", async () => {
  await click(browser, "settings-open");
  await click(browser, "import-export-open");
  await click(browser, "tab-export");
  await type(browser, "export-path", EXPORT_FILE);
  await click(browser, "export-save");
  await waitForText(browser, "export-done", "setup.json");
  await click(browser, "tab-import");
  await type(browser, "import-path", EXPORT_FILE);
  await click(browser, "import-preview-button");
  await waitForText(browser, "import-summary", "0 to add · 0 to change");
  const exported = readFileSync(EXPORT_FILE, "utf8");
  assert.match(exported, /"authdeck_export": 1/);
  assert.match(exported, /Billing sync/);
});

test("an import that moves token endpoints shows them first, in red, and asks to confirm production by name", async () => {
  const moved = readFileSync(EXPORT_FILE, "utf8")
    .replaceAll("https://sandbox.example.com/oauth/token", "https://collector.example.net/sandbox/token")
    .replaceAll("https://id.example.com/oauth/token", "https://collector.example.net/prod/token");
  const movedFile = join(EXPORT_DIR, "moved.json");
  writeFileSync(movedFile, moved);
  await type(browser, "import-path", movedFile);
  await click(browser, "import-preview-button");
  await waitForText(browser, "import-endpoint-changes", "collector.example.net/prod/token");
  await waitForText(browser, "import-endpoint-changes", "collector.example.net/sandbox/token");
  await byTestId(browser, "import-confirm-Production").waitForDisplayed({ timeout: 10000 });
  assert.equal(await byTestId(browser, "import-apply").isEnabled(), false, "Import waits for the production tick");
  await screenshot(browser, "20-import-endpoint-changes");
  // nothing is applied: the rest of the sweep reads the store as the flows left it
  await browser.keys("Escape");
});

test("canary: no keychain value in any file the app, its webview or the tests wrote", (t) => {
  const values = canaries();
  t.diagnostic(`${values.length} distinct keychain values seen during the run`);
  // secrets of the flows, the demo's secrets, and at least one token, sign-in or provider value
  assert.ok(values.length >= 8, `only ${values.length} values were seen: did the other specs run first?`);
  const started = Number(process.env.AUTHDECK_RUN_STARTED);
  assert.ok(started > 0, "AUTHDECK_RUN_STARTED is not set: run the specs through tests/e2e/run");
  const keyrings = join(process.env.XDG_DATA_HOME, "keyrings");
  const files = [
    ...dataFiles(HOME),
    ...(existsSync(process.env.AUTHDECK_DEMO_HOME) ? dataFiles(process.env.AUTHDECK_DEMO_HOME) : []),
    ...sessionFiles(),
    // temporary files of this run (the export above among them), but not the keychain's own
    // files or the notes this sweep keeps of the values themselves
    ...filesChangedSince(tmpdir(), started, [keyrings, CANARY_DIR]),
    ...dataFiles(new URL(".", import.meta.url).pathname).filter((file) => file.path.endsWith(".log")),
  ];
  const paths = new Set(files.map((file) => file.path));
  t.diagnostic(`${paths.size} files searched`);
  assert.ok(paths.has(EXPORT_FILE), "the export file was not among the files searched");
  assert.ok([...paths].some((path) => path.endsWith("authdeck.db")), "the database was not among the files searched");
  const hits = [];
  for (const file of files) {
    for (const value of values) {
      if (forms(value).some((form) => file.bytes.includes(Buffer.from(form)))) {
        hits.push(`${file.path} holds ${value.slice(0, 4)}… (${value.length} characters)`);
      }
    }
  }
  assert.deepEqual(hits, []);
});

test("canary: IPC carries a value only in the reveal_secret response the flows asked for", async (t) => {
  await closeApp(browser); // saves this session's IPC too
  browser = undefined;
  const calls = readFileSync(join(CANARY_DIR, "ipc.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const commands = new Set(calls.map((call) => call.command));
  t.diagnostic(`${calls.length} IPC responses and events recorded, ${commands.size} distinct commands and events`);
  // the recorder saw the screens that handle values, or this test could not fail
  for (const expected of ["reveal_secret", "copy_secret", "get_token", "copy_token", "token_details", "introspect_token", "call_api", "start_login", "create_remote_app", "export_setup", "preview_import", "login-finished", "add_signing_key", "list_signing_keys", "copy_public_jwk", "copy_jwks", "add_client_cert", "copy_cert_jwk"]) {
    assert.ok(commands.has(expected), `no ${expected} was recorded: ${[...commands].sort().join(", ")}`);
  }
  const values = canaries();
  const hits = [];
  for (const call of calls) {
    const body = call.body ?? "";
    for (const value of values) {
      // the body is JSON: a value inside a JSON string may have its characters escaped
      const escaped = JSON.stringify(value).slice(1, -1);
      if ([value, escaped].some((form) => body.includes(form))) hits.push(`${call.kind} ${call.command}`);
    }
  }
  assert.deepEqual(hits, ["response reveal_secret"]);
});
