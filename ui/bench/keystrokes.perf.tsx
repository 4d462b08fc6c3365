// UI micro-benchmarks (issue 14/17): what one keystroke in the app list's filter and in the
// command palette, and one environment switch, cost the page's own code over generated apps
// shaped like tests/bench/desktop's (React renders and commits in jsdom; no layout, no paint).
// Run with `npm --prefix ui run bench` (BENCH_ROUNDS rounds, default 20), or `bash
// ui/bench/compare REV` to alternate with an earlier commit's UI: React's production build, as
// in the app, each keystroke a real input event, timed by the app's own marks. Figures are for
// comparing two builds interleaved on one machine, not absolute webview times.
import type { ReactNode } from "react";
import { flushSync } from "react-dom";
import { createRoot, type Root } from "react-dom/client";
import type { AppSummary } from "../src/bindings/AppSummary";
import { AppList } from "../src/components/AppList";
import { CommandPalette } from "../src/components/CommandPalette";
import { appEntries, commandEntries, search, type Found } from "../src/lib/palette";
import { environment } from "../src/test/fixtures";

// Node's, under Vitest (the UI's types are the browser's)
declare const process: { env: Record<string, string | undefined> };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SIZE = 10_000;
/** What tests/bench/desktop types. */
const TYPED = "app 12 7";

const envA = environment({ id: "env-a", name: "Bench A" });
const envB = environment({ id: "env-b", name: "Bench B" });
function apps(environmentId: string, from: number): AppSummary[] {
  return Array.from({ length: SIZE }, (_, i) => {
    const n = from + i;
    return {
      id: `${environmentId}-${n}`,
      environment_id: environmentId,
      display_name: `Bench app ${n}`,
      client_id: `bench-client-${n}`,
      client_type: "confidential",
      labels: [n % 2 ? "odd" : "even"],
      link: `bench-${n}`,
      active_secrets: 1,
      rotation_due: false,
      uses_secret: true,
    };
  });
}
const listA = apps(envA.id, 0);
const listB = apps(envB.id, SIZE);

/** The median of each keystroke of TYPED (times holds ROUNDS runs of them, in order). */
function perKey(times: number[]): string {
  return Array.from({ length: TYPED.length }, (_, at) => {
    const sorted = times.filter((_t, i) => i % TYPED.length === at).sort((a, b) => a - b);
    return `"${TYPED.slice(0, at + 1)}" ${(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(1)}`;
  }).join(", ");
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] ?? NaN;
  return `median ${at(0.5).toFixed(2)} ms (p10–p90 ${at(0.1).toFixed(2)}–${at(0.9).toFixed(2)}, n=${sorted.length})`;
}
const results: string[] = [];
const report = (what: string, line: string) => {
  results.push(`${what}: ${line}`);
};

let root: Root | null = null;
/** Renders `node` into a fresh document body, synchronously. */
function mount(node: ReactNode): Root {
  root?.unmount();
  document.body.innerHTML = "";
  const container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
  const mounted = root;
  flushSync(() => {
    mounted.render(node);
  });
  return mounted;
}
const byTestId = (id: string): HTMLElement => {
  const found = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

// jsdom paints nothing: a frame is asked for, it comes at once. So the app's "to the next
// frame" measures (ui/src/lib/marks.ts) end when the effect that asks for the frame runs: after
// the commit that shows what was typed, whether that commit is the keystroke's own or deferred.
window.requestAnimationFrame = (callback) => {
  callback(performance.now());
  return 0;
};
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Waits for the app's measure `name` (work React deferred runs in later tasks), and clears it. */
async function measured(name: string): Promise<number> {
  for (let waited = 0; waited < 5000; waited++) {
    const [entry] = performance.getEntriesByName(`authdeck:${name}`, "measure");
    if (entry) {
      performance.clearMeasures(`authdeck:${name}`);
      return entry.duration;
    }
    await nextTask();
  }
  throw new Error(`no ${name} measure`);
}

/**
 * Types TYPED a key at a time into `input` (then clears it), each key a real input event; per
 * key, the app's own measure `name` from the keystroke to the commit that shows its result.
 */
async function typeInto(input: HTMLElement, name: string, times: number[]): Promise<void> {
  // the value set past React's own tracking of it, then the event a keystroke sends
  const value = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  if (!value?.set) throw new Error("no value setter");
  const type = (typed: string) => {
    flushSync(() => {
      value.set?.call(input, typed);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (let length = 1; length <= TYPED.length; length++) {
      type(TYPED.slice(0, length));
      times.push(await measured(name));
    }
    type("");
    await measured(name);
  }
}

afterAll(() => {
  root?.unmount();
  console.log(`\nUI micro-benchmarks, ${SIZE.toLocaleString("en")} apps per environment, ${ROUNDS} rounds of "${TYPED}"\n${results.join("\n")}\n`);
});

describe("keystrokes", () => {
  it("filter: a keystroke in the app list's filter, to its rows in the DOM", async () => {
    mount(<AppList apps={listA} loading={false} selectedId={null} onSelect={() => undefined} onNew={() => undefined} canCreate environmentName="Bench A" />);
    const times: number[] = [];
    await typeInto(byTestId("app-filter"), "filter", times);
    report("filter (10,000 apps): keystroke to DOM", stats(times));
    report("filter: median per keystroke", perKey(times));
  });

  it("palette: a keystroke in the command palette, to its results in the DOM", async () => {
    const entries = [...commandEntries([envA, envB], envA), ...appEntries(listA, envA), ...appEntries(listB, envB)];
    mount(<CommandPalette entries={entries} loading={false} onChoose={() => undefined} onClose={() => undefined} />);
    const times: number[] = [];
    await typeInto(byTestId("palette-input"), "palette-results", times);
    report("palette (20,000 apps): keystroke to DOM", stats(times));
    report("palette: median per keystroke", perKey(times));
  });

  it("palette search alone, per keystroke over 20,000 apps", () => {
    const entries = [...commandEntries([envA, envB], envA), ...appEntries(listA, envA), ...appEntries(listB, envB)];
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let last: Found | null = null;
      for (let length = 1; length <= TYPED.length; length++) {
        const started = performance.now();
        last = search(entries, TYPED.slice(0, length), 30, last);
        times.push(performance.now() - started);
      }
    }
    report("palette search alone (20,000 apps): per keystroke", stats(times));
    report("palette search alone: median per keystroke", perKey(times));
  });

  it("switch: the list of the other environment shown (10,000 apps)", async () => {
    const view = (list: AppSummary[], name: string) => (
      <AppList key={name} apps={list} loading={false} selectedId={null} onSelect={() => undefined} onNew={() => undefined} canCreate environmentName={name} />
    );
    const shown = mount(view(listA, "Bench A"));
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [list, name] = round % 2 ? [listA, "Bench A"] : [listB, "Bench B"];
      performance.mark("authdeck:switch-start");
      flushSync(() => {
        shown.render(view(list, name));
      });
      times.push(await measured("switch"));
    }
    report("switch: another environment's cached list mounted (10,000 apps)", stats(times));
  });
});
