// UI micro-benchmarks (issue 14/17): what one keystroke in the app list's filter and in the
// command palette, and one environment switch, cost the page's own code over generated apps
// shaped like tests/bench/desktop's (React renders and commits in jsdom; no layout, no paint).
// Run with `npm --prefix ui run bench` (BENCH_ROUNDS rounds, default 20). Figures are for
// comparing two builds interleaved on one machine, not absolute webview times.
import { Profiler, act, type ProfilerOnRenderCallback } from "react";
import { fireEvent, render, screen } from "@testing-library/react";
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

/** Commits counted by a Profiler around what is measured. */
let commits = 0;
const onRender: ProfilerOnRenderCallback = () => {
  commits++;
};

/** Types TYPED a key at a time into `input` (and clears it after), each key flushed by act. */
function typeInto(input: HTMLElement, times: number[], commitCounts: number[]): void {
  for (let round = 0; round < ROUNDS; round++) {
    for (let length = 1; length <= TYPED.length; length++) {
      commits = 0;
      const started = performance.now();
      act(() => {
        fireEvent.change(input, { target: { value: TYPED.slice(0, length) } });
      });
      times.push(performance.now() - started);
      commitCounts.push(commits);
    }
    act(() => {
      fireEvent.change(input, { target: { value: "" } });
    });
  }
}

afterAll(() => {
  console.log(`\nUI micro-benchmarks, ${SIZE.toLocaleString("en")} apps per environment, ${ROUNDS} rounds of "${TYPED}"\n${results.join("\n")}\n`);
});

describe("keystrokes", () => {
  it("filter: a keystroke in the app list's filter, to its rows in the DOM", () => {
    render(
      <Profiler id="list" onRender={onRender}>
        <AppList apps={listA} loading={false} selectedId={null} onSelect={() => undefined} onNew={() => undefined} canCreate environmentName="Bench A" />
      </Profiler>,
    );
    const times: number[] = [];
    const counts: number[] = [];
    typeInto(screen.getByTestId("app-filter"), times, counts);
    report("filter (10,000 apps): keystroke to DOM", stats(times));
    report("filter: median per keystroke", perKey(times));
    report("filter: React commits per keystroke", (counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(2));
  });

  it("palette: a keystroke in the command palette, to its results in the DOM", () => {
    const entries = [...commandEntries([envA, envB], envA), ...appEntries(listA, envA), ...appEntries(listB, envB)];
    render(
      <Profiler id="palette" onRender={onRender}>
        <CommandPalette entries={entries} loading={false} onChoose={() => undefined} onClose={() => undefined} />
      </Profiler>,
    );
    const times: number[] = [];
    const counts: number[] = [];
    typeInto(screen.getByTestId("palette-input"), times, counts);
    report("palette (20,000 apps): keystroke to DOM", stats(times));
    report("palette: median per keystroke", perKey(times));
    report("palette: React commits per keystroke", (counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(2));
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

  it("switch: the list of the other environment shown (10,000 apps)", () => {
    const view = (list: AppSummary[], name: string) => (
      <Profiler id="switch" onRender={onRender}>
        <AppList key={name} apps={list} loading={false} selectedId={null} onSelect={() => undefined} onNew={() => undefined} canCreate environmentName={name} />
      </Profiler>
    );
    const { rerender } = render(view(listA, "Bench A"));
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [list, name] = round % 2 ? [listA, "Bench A"] : [listB, "Bench B"];
      const started = performance.now();
      act(() => {
        rerender(view(list, name));
      });
      times.push(performance.now() - started);
    }
    report("switch: another environment's cached list mounted (10,000 apps)", stats(times));
  });
});
