// The desktop app serves as the agent while it runs (issue 14): `authdeck token` finds it on the
// same socket a CLI agent would use and is handed the stored token without opening the keychain;
// once the app quits (SIGTERM, or its window closed) the socket is gone and the same command is
// served from the keychain; a crash's socket is replaced by the next launch; `agent stop` ends
// only the app's listener; and a CLI agent already serving a data folder is left to serve. Demo
// mode gives a real token from its local server in one click; the CLI is pointed at the demo's
// data folder and keychain namespace.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import {
  APP,
  CLI,
  click,
  DEMO_NAMESPACE,
  EXIT_FILE,
  HOME,
  instanceName,
  instanceNamesOnBus,
  launch,
  manageAppWindow,
  NAMESPACE,
  openApp,
  recordForCanary,
  recordKeychainValues,
  textsOf,
  until,
  waitForText,
} from "./support.js";

const DEMO_HOME = process.env.AUTHDECK_DEMO_HOME;
const RUNTIME = process.env.XDG_RUNTIME_DIR;
const DEMO = { AUTHDECK_HOME: DEMO_HOME, AUTHDECK_KEYCHAIN_NAMESPACE: DEMO_NAMESPACE };

before(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: cargo build -p authdeck-cli`);
  assert.ok(DEMO_HOME, "AUTHDECK_DEMO_HOME is not set: run through tests/e2e/run");
  assert.ok(RUNTIME, "XDG_RUNTIME_DIR is not set: run under .ci/with-keychain");
});

/** Runs the CLI (on the demo's data folder unless `env` says otherwise): status, stdout, stderr. */
function cli(args, env = DEMO) {
  const run = spawnSync(CLI, args, { encoding: "utf8", timeout: 20000, env: { ...process.env, ...env } });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The agent's socket of a data folder and keychain namespace (core's agent::socket, store_tag). */
function socketOf(home, namespace) {
  const digest = createHash("sha256").update(realpathSync(home)).update(Buffer.from([0])).update(namespace).digest("hex");
  return join(RUNTIME, "authdeck", `agent-${digest.slice(0, 16)}.sock`);
}

/** `agent status --json` once an agent answers (the app's starts after its first paint). */
async function agentStatus(env = DEMO, pid = null) {
  let status = null;
  await until(
    "an agent answering `authdeck agent status`",
    () => {
      const run = cli(["agent", "status", "--json"], env);
      status = run.status === 0 ? JSON.parse(run.stdout) : null;
      return status !== null && (pid === null || status.pid !== pid);
    },
    30000,
  );
  return status;
}

/** Whether process `pid` has ended (gone, or a zombie its parent has not reaped yet). */
function ended(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return true;
  }
}

/** Gets the demo app's token in the window, as a person does; the window's one click. */
async function tokenInTheWindow(browser) {
  await waitForText(browser, "status-environment", "Demo (local) · 5 apps", 20000);
  await openApp(browser, "Demo service");
  await click(browser, "token-get");
  await waitForText(browser, "token-state", "Valid");
  recordKeychainValues();
}

/** `authdeck token -v "Demo service"`: the token printed, and what it said on stderr. */
function demoToken() {
  const run = cli(["token", "-v", "Demo service"]);
  assert.equal(run.status, 0, run.stderr);
  return { value: run.stdout.trim(), said: run.stderr };
}

test("the running app hands its stored token to `authdeck token`; after SIGTERM its socket is gone and the keychain serves", async () => {
  const browser = await launch({ args: ["--demo"] });
  let pid = null;
  try {
    await tokenInTheWindow(browser);
    const status = await agentStatus();
    pid = status.pid;
    const socket = socketOf(DEMO_HOME, DEMO_NAMESPACE);
    assert.equal(status.served_by, "desktop-app");
    assert.equal(status.socket, socket);
    assert.equal(status.namespace, DEMO_NAMESPACE);
    assert.equal(status.idle_limit_seconds, undefined, "the app's agent has no idle limit");
    assert.match(readFileSync(`/proc/${pid}/cmdline`, "utf8"), /authdeck-desktop\0--demo\0/);
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.equal(statSync(join(RUNTIME, "authdeck")).mode & 0o777, 0o700);

    const served = demoToken();
    assert.ok(served.said.startsWith("authdeck: served by the agent\n"), served.said);
    assert.ok(served.said.includes("cached token for “Demo service”"), served.said);
    assert.ok(served.value.length > 20, served.value);
    // what the window got is what the agent hands on: the one value in the keychain
    const usual = cli(["token", "Demo service"], { ...DEMO, AUTHDECK_AGENT: "off" });
    assert.equal(usual.stdout.trim(), served.value);
    const after = JSON.parse(cli(["agent", "status", "--json"]).stdout);
    assert.deepEqual([after.served, after.held, after.refused], [status.served + 1, 1, 0]);

    // A token that no longer serves (asked valid longer than the provider's live) is renewed by
    // the app's agent, and the window shows the new one without being asked.
    const [shown] = await textsOf(browser, "token-fingerprint");
    const renewal = cli(["token", "-v", "--min-valid", "100000", "Demo service"]);
    assert.equal(renewal.status, 0, renewal.stderr);
    assert.ok(renewal.stderr.startsWith("authdeck: renewed by the agent\n"), renewal.stderr);
    assert.ok(renewal.stderr.includes("renewed token for “Demo service”"), renewal.stderr);
    const renewed = renewal.stdout.trim();
    assert.notEqual(renewed, served.value);
    recordKeychainValues();
    let now = shown;
    await until("the window showing the renewed token", async () => {
      [now] = await textsOf(browser, "token-fingerprint");
      return now !== shown;
    });
    assert.ok(renewal.stderr.includes(`(Bearer ${now})`), `${now} in ${renewal.stderr}`);
    const counted = JSON.parse(cli(["agent", "status", "--json"]).stdout);
    assert.deepEqual([counted.served, counted.renewed, counted.held], [after.served + 1, 1, 1]);

    const text = cli(["agent", "status"]);
    assert.ok(text.stdout.startsWith(`The desktop app serves as the agent (pid ${pid}), listening on ${socket}`), text.stdout);
    const start = cli(["agent", "start"]);
    assert.deepEqual(start, {
      status: 0,
      stdout:
        `authdeck agent: the desktop app (pid ${pid}) already serves as the agent of this data folder, listening on ` +
        `${socket}; it serves until the app quits.\n`,
      stderr: "",
    });

    // the listener started after the window's first render (the app's own marks, one time line)
    const marks = await browser.execute(async () => {
      const process = await window.__TAURI_INTERNALS__.invoke("startup_marks");
      const render = performance.getEntriesByName("authdeck:first-render", "mark")[0];
      return { process, firstRender: render ? performance.timeOrigin + render.startTime : null };
    });
    const listening = marks.process.marks.find((mark) => mark.name === "agent-listening");
    assert.ok(listening, JSON.stringify(marks));
    assert.ok(marks.firstRender !== null, "the window marks its first render");
    const listeningAt = marks.process.main_epoch_ms + listening.at_ms;
    console.log(`the agent listened ${Math.round(listeningAt - marks.firstRender)} ms after the first render`);
    assert.ok(listeningAt > marks.firstRender, `listening at ${listeningAt}, first render at ${marks.firstRender}`);

    await recordForCanary(browser);
    process.kill(pid, "SIGTERM");
    await until("the app's end after SIGTERM", () => ended(pid), 20000);
    assert.equal(existsSync(socket), false, "the socket outlived the app");
    const fromKeychain = demoToken();
    assert.equal(fromKeychain.value, renewed);
    assert.ok(fromKeychain.said.startsWith("authdeck: cached token for “Demo service”"), fromKeychain.said);
    assert.ok(!fromKeychain.said.includes("agent"), fromKeychain.said);
    assert.equal(cli(["agent", "status"]).status, 3);
  } finally {
    if (pid !== null && !ended(pid)) process.kill(pid, "SIGKILL");
    // the app is gone: ending its WebDriver session may fail, and there is nothing left to end
    await browser.deleteSession().catch(() => {});
  }
});

test("a crashed app's socket is replaced by the next launch, whose window closed by the window manager takes its socket along", async () => {
  const socket = socketOf(DEMO_HOME, DEMO_NAMESPACE);
  const first = await launch({ args: ["--demo"] });
  let crashed = null;
  try {
    // each demo launch seeds its folder anew: a token to fall back on
    await tokenInTheWindow(first);
    crashed = (await agentStatus()).pid;
    await recordForCanary(first);
    process.kill(crashed, "SIGKILL");
    await until("the killed app's end", () => ended(crashed), 20000);
  } finally {
    await first.deleteSession().catch(() => {});
  }
  assert.ok(existsSync(socket), "a killed app cannot remove its socket");
  // nobody answers on it: a command asking falls back at once
  const missed = cli(["agent", "status"]);
  assert.equal(missed.status, 3, missed.stdout);
  const fallback = demoToken();
  assert.ok(fallback.said.startsWith("authdeck: agent: miss (no answer)\n"), fallback.said);

  rmSync(EXIT_FILE, { force: true });
  const desktop = [];
  let browser;
  try {
    browser = await launch({ args: ["--demo"], recordExit: true });
    await tokenInTheWindow(browser);
    // the stale socket replaced: the new app answers on it
    const status = await agentStatus(DEMO, crashed);
    assert.equal(status.served_by, "desktop-app");
    assert.equal(status.socket, socket);
    const served = demoToken();
    assert.ok(served.said.startsWith("authdeck: served by the agent\n"), served.said);

    desktop.push(await manageAppWindow());
    await recordForCanary(browser);
    execFileSync("wmctrl", ["-c", "Authdeck"], { timeout: 5000 });
    await until("the app's exit", () => existsSync(EXIT_FILE), 20000);
    assert.equal(readFileSync(EXIT_FILE, "utf8").trim(), "0", "the app did not quit cleanly");
    assert.equal(existsSync(socket), false, "the socket outlived the app");
    const fromKeychain = demoToken();
    assert.equal(fromKeychain.value, served.value);
    assert.ok(!fromKeychain.said.includes("agent"), fromKeychain.said);
  } finally {
    for (const program of desktop) program.kill();
    await browser?.deleteSession().catch(() => {});
  }
});

test("`authdeck agent stop` ends only the app's listener; the app goes on, and SIGTERM still quits it", async () => {
  const socket = socketOf(DEMO_HOME, DEMO_NAMESPACE);
  const browser = await launch({ args: ["--demo"] });
  let pid = null;
  try {
    pid = (await agentStatus()).pid;
    const stopped = cli(["agent", "stop"]);
    assert.deepEqual(stopped, {
      status: 0,
      stdout:
        "Stopped the desktop app's agent (the app goes on without it until it is started again); the tokens it held " +
        "in memory went with it.\n",
      stderr: "",
    });
    assert.equal(existsSync(socket), false);
    assert.equal(cli(["agent", "status"]).status, 3);
    // the window still works
    await openApp(browser, "Demo JWT API");
    assert.equal(ended(pid), false);
    await recordForCanary(browser);
    process.kill(pid, "SIGTERM");
    await until("the app's end after SIGTERM", () => ended(pid), 20000);
  } finally {
    if (pid !== null && !ended(pid)) process.kill(pid, "SIGKILL");
    await browser.deleteSession().catch(() => {});
  }
});

test("a CLI agent already serving the data folder is left to serve, and the app says so once", async () => {
  // the run's own data folder (the demo's is seeded anew by each launch)
  const own = { AUTHDECK_HOME: HOME, AUTHDECK_KEYCHAIN_NAMESPACE: NAMESPACE };
  const started = cli(["agent", "start", "--idle", "120"], own);
  assert.equal(started.status, 0, started.stderr);
  assert.ok(started.stdout.startsWith("authdeck agent: listening on "), started.stdout);
  const agent = JSON.parse(cli(["agent", "status", "--json"], own).stdout);
  assert.equal(agent.served_by, "cli-agent");
  const socket = socketOf(HOME, NAMESPACE);
  const inode = statSync(socket).ino;
  // started directly (not through the driver) to read what it logs
  const app = spawn(APP, [], { stdio: ["ignore", "ignore", "pipe"], env: process.env });
  let said = "";
  app.stderr.on("data", (chunk) => {
    said += chunk;
  });
  try {
    const line =
      `authdeck-desktop: agent: not serving: an agent (pid ${agent.pid}) already serves this data folder, ` +
      `listening on ${socket}; it goes on serving.\n`;
    await until("the app's line about the CLI agent", () => said.includes(line), 30000);
    const still = JSON.parse(cli(["agent", "status", "--json"], own).stdout);
    assert.deepEqual([still.served_by, still.pid], ["cli-agent", agent.pid]);
    assert.equal(statSync(socket).ino, inode, "the app took the CLI agent's socket");
    assert.equal(said.split(line).length - 1, 1, said);
    assert.ok(!said.includes("it serves until the app quits"), said);
  } finally {
    app.kill("SIGTERM");
    await until("the app's end", () => app.exitCode !== null || app.signalCode !== null, 20000);
    const stopped = cli(["agent", "stop"], own);
    assert.equal(stopped.stdout, "Stopped the agent; the tokens it held in memory went with it.\n");
    // the next launch must not hand over to this one: wait until it left the bus
    const name = instanceName(realpathSync(HOME), NAMESPACE);
    await until("the app left the session bus", () => !instanceNamesOnBus().includes(name), 20000);
  }
  assert.equal(existsSync(socket), false);
});
