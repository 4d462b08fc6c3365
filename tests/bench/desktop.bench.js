// The desktop benchmark (issue 14): the real app (a release build) under Xvfb with a real
// keychain, on a data folder with 1,000 and then 10,000 apps in each of two environments. It
// reports the app's own marks (ui/src/lib/marks.ts, src-tauri/startup.rs): start-up phases from
// the kernel's process start, opening an app, a filter keystroke, a command palette keystroke
// (over the apps of both environments), an environment switch (each until the next frame), and
// the PSS of the whole process tree after a minute idle, in all and by process (the app, WebKit's
// web and network processes).
// Run it with `bash tests/bench/desktop` (which builds and sets up what this needs); results
// go to stdout and to $AUTHDECK_BENCH_OUT as a Markdown table.
import { execFileSync } from "node:child_process";
import { writeFileSync, appendFileSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { Key, byTestId, instanceNamesOnBus, startApp, select } from "../e2e/support.js";

const CLI = process.env.AUTHDECK_CLI;
const APP = process.env.AUTHDECK_APP;
const OUT = process.env.AUTHDECK_BENCH_OUT;
const LAUNCHES = Number(process.env.AUTHDECK_BENCH_LAUNCHES ?? 7);
const SAMPLES = Number(process.env.AUTHDECK_BENCH_SAMPLES ?? 15);
const IDLE_SECONDS = Number(process.env.AUTHDECK_BENCH_IDLE ?? 60);
// Another build of the app (an earlier commit's) whose launches alternate with this one's, so
// both see the same load on a busy machine; its rows say "before".
const BEFORE = process.env.AUTHDECK_BENCH_BEFORE;
// "1": the start-up phases only (no interactions, no idle minute).
const STARTUP_ONLY = process.env.AUTHDECK_BENCH_STARTUP_ONLY === "1";
// A folder: when memory is read, each process's /proc/PID/smaps and its threads' names go there.
const SMAPS = process.env.AUTHDECK_BENCH_SMAPS;
if (!CLI || !APP || !OUT) throw new Error("run the desktop benchmark through tests/bench/desktop");

const rows = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median and the 10th–90th percentile range of `values` (ms), as table cells. */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  return { median: fmt(at(0.5)), spread: `${fmt(at(0.1))}–${fmt(at(0.9))}`, n: sorted.length };
}

function row(size, what, values, unit = "ms") {
  if (values.length === 0) {
    rows.push(`| ${size.toLocaleString("en")} | ${what} | none measured | — | 0 |`);
    console.log(`${size} apps, ${what}: none measured`);
    return;
  }
  const { median, spread, n } = summary(values);
  rows.push(`| ${size.toLocaleString("en")} | ${what} | ${median} ${unit} | ${spread} ${unit} | ${n} |`);
  console.log(`${size} apps, ${what}: median ${median} ${unit} (${spread}, n=${n})`);
}

/** Two environments of `count` apps each, imported with the CLI (apps numbered from `from`). */
function importApps(from, count) {
  const apps = (start) =>
    Array.from({ length: count }, (_, i) => {
      const n = start + i;
      return {
        display_name: `Bench app ${n}`,
        client_id: `bench-client-${n}`,
        client_type: "confidential",
        auth_method: "client_secret_basic",
        default_scopes: ["read"],
        labels: [n % 2 ? "odd" : "even"],
        link: `bench-${n}`,
      };
    });
  const file = {
    authdeck_export: 1,
    environments: ["Bench A", "Bench B"].map((name) => ({
      name,
      kind: "sandbox",
      color: "#2f80ed",
      endpoints: { token_url: "http://127.0.0.1:9/token" },
      apps: apps(from),
    })),
  };
  const path = join(mkdtempSync(join(tmpdir(), "authdeck-bench-")), "setup.json");
  writeFileSync(path, JSON.stringify(file));
  execFileSync(CLI, ["import", path], { stdio: "ignore" });
  execFileSync(CLI, ["use", "Bench A"], { stdio: "ignore" });
}

/** Every authdeck mark and measure on the webview's timeline. */
const timeline = (browser) =>
  browser.execute(() =>
    performance
      .getEntries()
      .filter((entry) => entry.name.startsWith("authdeck:"))
      .map((entry) => ({ name: entry.name, type: entry.entryType, start: entry.startTime, duration: entry.duration, detail: entry.detail ?? null })),
  );

async function until(browser, name, timeout = 30000) {
  const started = Date.now();
  for (;;) {
    const entries = await timeline(browser);
    if (entries.some((entry) => entry.name === name)) return entries;
    if (Date.now() - started > timeout) throw new Error(`no ${name} within ${timeout} ms`);
    await sleep(50);
  }
}

/**
 * Waits until the last launch has left the bus: a launch while its single-instance name is
 * still owned hands over to the old instance and fails with it. (The name, not the process, is
 * watched: it is private to this run's bus, where a process name could be another run's.)
 */
async function appGone(timeout = 20000) {
  const started = Date.now();
  while (instanceNamesOnBus().length > 0) {
    if (Date.now() - started > timeout) throw new Error(`the app's name was still on the bus ${timeout} ms after its session ended`);
    await sleep(100);
  }
}

/** The start-up phases of one launch of `application`, in ms after the kernel started the process. */
async function launchOnce(application = APP) {
  const browser = await startApp({ application });
  try {
    // the process's marks arrive after the first render, the list a frame after its data
    await until(browser, "authdeck:list-interactive");
    const entries = await until(browser, "authdeck:process:event-loop-ready");
    const at = (name) => {
      const entry = entries.find((e) => e.name === `authdeck:${name}`);
      if (!entry) throw new Error(`no mark ${name}`);
      return entry.detail?.before_origin_ms ?? entry.start;
    };
    // marks an earlier build may not make (its rows then have fewer samples, or none)
    const maybe = (name) => {
      const entry = entries.find((e) => e.name === `authdeck:${name}`);
      return entry ? (entry.detail?.before_origin_ms ?? entry.start) : null;
    };
    const exec = at("process:exec");
    const phases = {};
    for (const name of ["process:main", "process:store-opened", "process:set-up", "process:event-loop-ready"]) {
      phases[name] = at(name) - exec;
    }
    // the webview's time origin: when it began loading the app's page
    phases["webview-origin"] = 0 - exec;
    for (const name of ["first-screen-asked", "script", "first-commit", "first-render", "first-screen-answered", "list-interactive"]) {
      const time = ["script", "first-render", "list-interactive"].includes(name) ? at(name) : maybe(name);
      phases[name] = time === null ? null : time - exec;
    }
    return phases;
  } finally {
    await browser.deleteSession();
    await appGone();
  }
}

/** Real key presses into the filter; the measures from each keystroke to its frame. */
async function keystrokes(browser) {
  const filter = byTestId(browser, "app-filter");
  await filter.click();
  const durations = [];
  for (let round = 0; round < Math.ceil(SAMPLES / 8); round++) {
    await browser.execute(() => performance.clearMeasures("authdeck:filter"));
    for (const key of "app 12 7") {
      await browser.keys([key]);
      await sleep(120);
    }
    const entries = await timeline(browser);
    durations.push(...entries.filter((e) => e.name === "authdeck:filter").map((e) => e.duration));
    await browser.keys(["Escape"]);
    await sleep(200);
  }
  return durations;
}

/**
 * Real key presses into the command palette (Ctrl+K), which searches the apps of both
 * environments (twice the list's count) and the commands; the measures from each keystroke to
 * its results in the DOM and to its frame. Each round opens the palette anew, as a person does.
 */
async function paletteKeystrokes(browser) {
  const durations = { results: [], frame: [] };
  for (let round = 0; round < Math.ceil(SAMPLES / 8); round++) {
    await browser.keys([Key.Ctrl, "k"]);
    await byTestId(browser, "palette-input").waitForDisplayed({ timeout: 10000 });
    // the first opening loads the other environment's apps
    await browser.waitUntil(async () => (await byTestId(browser, "palette-results").getAttribute("aria-busy")) === "false", {
      timeout: 30000,
      timeoutMsg: "the palette never had every environment's apps",
    });
    await browser.execute(() => {
      performance.clearMeasures("authdeck:palette");
      performance.clearMeasures("authdeck:palette-results");
    });
    for (const key of "app 12 7") {
      await browser.keys([key]);
      await sleep(120);
    }
    const entries = await timeline(browser);
    durations.results.push(...entries.filter((e) => e.name === "authdeck:palette-results").map((e) => e.duration));
    durations.frame.push(...entries.filter((e) => e.name === "authdeck:palette").map((e) => e.duration));
    await browser.keys(["Escape"]);
    await sleep(200);
  }
  return durations;
}

/** Opens apps by filtering to one and pressing Enter; the measures from Enter to its frame. */
async function openApps(browser, count) {
  const durations = [];
  const filter = byTestId(browser, "app-filter");
  for (let i = 0; i < SAMPLES; i++) {
    const n = Math.floor(((i + 1) * count) / (SAMPLES + 1));
    await filter.click();
    await browser.keys(["Escape"]);
    await filter.setValue(`bench-client-${n}`);
    await sleep(300);
    // several apps match (bench-client-62, -620 …): highlight the first, then open it
    await browser.keys(["ArrowDown"]);
    await sleep(100);
    await browser.execute(() => performance.clearMeasures("authdeck:open-app"));
    await browser.keys(["Enter"]);
    const started = Date.now();
    for (;;) {
      const measures = (await timeline(browser)).filter((e) => e.name === "authdeck:open-app");
      if (measures.length > 0) {
        durations.push(measures[0].duration);
        break;
      }
      if (Date.now() - started > 10000) throw new Error(`opening bench-client-${n} was never measured`);
      await sleep(20);
    }
  }
  return durations;
}

async function switches(browser) {
  const durations = [];
  for (let i = 0; i < SAMPLES; i++) {
    await browser.execute(() => performance.clearMeasures("authdeck:switch"));
    await select(browser, "env-switcher", i % 2 ? "Bench A" : "Bench B");
    const started = Date.now();
    for (;;) {
      const measures = (await timeline(browser)).filter((e) => e.name === "authdeck:switch");
      if (measures.length > 0) {
        durations.push(measures[0].duration);
        break;
      }
      if (Date.now() - started > 10000) throw new Error("a switch was never measured");
      await sleep(20);
    }
  }
  return durations;
}

/**
 * PSS of the app and every process under it (WebKit's web and network processes), in MiB, in
 * all and by program (the file name of /proc's `exe`, whole: `comm` stops at 15 characters).
 */
function treePss(application = APP, tag = "") {
  const app = execFileSync("pgrep", ["-n", "-f", application]).toString().trim();
  const tree = [app];
  for (let i = 0; i < tree.length; i++) {
    let children = "";
    try {
      children = execFileSync("pgrep", ["-P", tree[i]], { encoding: "utf8" });
    } catch {
      // pgrep exits 1 when the process has no children
    }
    tree.push(...children.split("\n").map((pid) => pid.trim()).filter(Boolean));
  }
  let kib = 0;
  const byName = {};
  for (const pid of tree) {
    const rollup = execFileSync("cat", [`/proc/${pid}/smaps_rollup`], { encoding: "utf8" });
    const pss = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    const name = basename(readlinkSync(`/proc/${pid}/exe`));
    if (SMAPS) {
      const file = join(SMAPS, `${tag}-${name}-${pid}`);
      writeFileSync(`${file}.smaps`, readFileSync(`/proc/${pid}/smaps`));
      const threads = readdirSync(`/proc/${pid}/task`).map((task) => readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8"));
      writeFileSync(`${file}.threads`, threads.join(""));
    }
    kib += pss;
    byName[name] = (byName[name] ?? 0) + pss / 1024;
  }
  return { mib: kib / 1024, processes: tree.length, byName };
}

async function measure(size) {
  const launches = [];
  const before = [];
  for (let i = 0; i < LAUNCHES; i++) {
    // interleaved, each build first every other time
    if (BEFORE && i % 2 === 0) before.push(await launchOnce(BEFORE));
    launches.push(await launchOnce());
    if (BEFORE && i % 2 === 1) before.push(await launchOnce(BEFORE));
  }
  const measured = (list, phase) => list.map((l) => l[phase]).filter((time) => time !== null);
  for (const phase of Object.keys(launches[0] ?? {})) {
    if (BEFORE) row(size, `start-up: ${phase} (after the process started), before`, measured(before, phase));
    row(size, `start-up: ${phase} (after the process started)`, measured(launches, phase));
  }
  if (STARTUP_ONLY) return;
  // the earlier build's interactions and memory first, then this one's
  if (BEFORE) await interactions(size, BEFORE, ", before");
  await interactions(size, APP, "");
}

/** The interactions and the idle memory of one session of `application`; `label` ends each row's name. */
async function interactions(size, application, label) {
  const browser = await startApp({ application });
  try {
    await until(browser, "authdeck:list-interactive");
    row(size, `filter: keystroke to frame${label}`, await keystrokes(browser));
    const palette = await paletteKeystrokes(browser);
    const apps = (2 * size).toLocaleString("en");
    row(size, `palette (${apps} apps): keystroke to results in the DOM${label}`, palette.results);
    // fewer than one per keystroke when WebKit holds frames back while keys arrive
    row(size, `palette (${apps} apps): keystroke to frame${label}`, palette.frame);
    row(size, `open an app: Enter to token panel frame${label}`, await openApps(browser, size));
    row(size, `switch environment: choice to list frame${label}`, await switches(browser));
    await browser.keys(["Escape"]);
    await sleep(IDLE_SECONDS * 1000);
    const pss = treePss(application, `${size}${label ? "-before" : ""}`);
    row(size, `idle memory after ${IDLE_SECONDS} s, PSS of ${pss.processes} processes${label}`, [pss.mib], "MiB");
    for (const [name, mib] of Object.entries(pss.byName)) row(size, `  of it ${name}${label}`, [mib], "MiB");
  } finally {
    await browser.deleteSession();
    await appGone();
  }
}

test("desktop benchmark", { timeout: 60 * 60 * 1000 }, async () => {
  writeFileSync(OUT, "| apps per environment | what | median | p10–p90 | n |\n| ---: | --- | ---: | ---: | ---: |\n");
  importApps(0, 1000);
  await measure(1000);
  importApps(1000, 9000);
  await measure(10000);
  appendFileSync(OUT, `${rows.join("\n")}\n`);
});
