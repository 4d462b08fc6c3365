import { clientApp, environment, summaryOf } from "../test/fixtures";
import { actionEntries, appEntries, commandEntries, search, subsequence, type Found } from "./palette";

const sandbox = environment({ id: "env-sbx", name: "Sandbox" });
const production = environment({ id: "env-prd", name: "Production", kind: "production" });
const summary = (id: string, display_name: string, client_id: string, environment_id = "env-sbx", labels: string[] = [], link: string | null = null) =>
  summaryOf(clientApp({ id, display_name, client_id, environment_id, labels, link }));

const sandboxApps = [
  summary("a1", "Reports billing", "reports-1"),
  summary("a2", "Billing sync", "billing-sbx-123", "env-sbx", ["payments"], "billing"),
  summary("a3", "Bill", "bill-9"),
  summary("a4", "Mobile app", "mob-9", "env-sbx", [], "Mobile"),
];
const productionApps = [summary("p1", "Ledger export", "ledger-prd-1", "env-prd")];
const entries = [...commandEntries([sandbox, production], sandbox), ...appEntries(sandboxApps, sandbox), ...appEntries(productionApps, production)];
const titles = (query: string, limit = 10) => search(entries, query, limit).best.map((entry) => entry.title);

describe("palette search", () => {
  it("ranks an exact name first, then prefixes, then a word inside a name", () => {
    expect(titles("bill")).toEqual(["Bill", "Billing sync", "Reports billing"]);
  });
  it("ranks a shorter prefix match before a longer one", () => {
    expect(titles("bil").slice(0, 2)).toEqual(["Bill", "Billing sync"]);
  });
  it("finds apps of every environment, by client ID, label and link, with their environment", () => {
    const found = search(entries, "ledger-prd", 10).best;
    expect(found.map((entry) => [entry.title, entry.environment?.name])).toEqual([["Ledger export", "Production"]]);
    expect(titles("payments")).toEqual(["Billing sync"]);
    expect(titles("mobile")).toEqual(["Mobile app"]);
  });
  it("matches letters in order when nothing matches as a whole (fuzzy), tighter first", () => {
    expect(titles("ldgexp")).toEqual(["Ledger export"]);
    expect(titles("mbapp")).toEqual(["Mobile app"]);
    expect(titles("zzz")).toEqual([]);
  });
  it("matches commands by their words: switch environment, settings, audit log", () => {
    expect(titles("switch prod")).toEqual(["Switch to “Production”"]);
    expect(titles("settings")).toEqual(["Open settings"]);
    expect(titles("audit")).toEqual(["Audit log"]);
    // no switch to the environment already active
    expect(titles("switch sandbox")).toEqual([]);
  });
  it("keeps only the best `limit` entries, and the list's order for an empty query", () => {
    expect(titles("b", 2)).toEqual(["Bill", "Billing sync"]);
    expect(search(entries, "  ", 3).best.map((entry) => entry.id)).toEqual(["switch-env-prd", "settings", "import-export"]);
  });
  it("lists every action on an app, naming the app and carrying its environment", () => {
    const [first] = productionApps;
    if (!first) throw new Error("no app");
    const actions = actionEntries(first, production);
    expect(actions.map((entry) => entry.title)).toEqual(["Get token", "Copy token", "Copy a secret", "Sign in with browser", "Introspect token", "Revoke token"]);
    expect(actions[5]?.command).toEqual({ kind: "app-action", environmentId: "env-prd", appId: "p1", action: "revoke" });
    expect(search(actions, "rev", 10).best.map((entry) => entry.title)).toEqual(["Revoke token"]);
  });
  it("narrows from the last search when the query grows, finding exactly what a search of everything finds", () => {
    const typed = ["b", "bi", "bil", "bill", "bill ", "bill s", "bill sy", "bl", "ldg", "ldgexp"];
    let previous: Found | null = null;
    for (const query of typed) {
      const narrowed = search(entries, query, 10, previous);
      const whole = search(entries, query, 10);
      expect({ query, best: narrowed.best.map((entry) => entry.id), matched: narrowed.matched.length }).toEqual({
        query,
        best: whole.best.map((entry) => entry.id),
        matched: whole.matched.length,
      });
      previous = narrowed;
    }
    // a longer query scores only what matched the shorter one
    const bill = search(entries, "bill", 10);
    expect(search(entries, "bill sync", 10, bill).matched).toHaveLength(1);
    expect(bill.matched.length).toBeGreaterThan(1);
  });
  it("scores a subsequence by how tightly it matches", () => {
    expect(subsequence("abc", "abc")).toBe(100);
    expect(subsequence("abc", "a-b-c")).toBe(98);
    expect(subsequence("acb", "abc")).toBe(-1);
  });
});
