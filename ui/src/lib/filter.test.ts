import type { AppSummary } from "../bindings/AppSummary";
import { filterApps, filterIndexed, indexApps, type Filtered } from "./filter";

const app = (display_name: string, client_id: string, labels: string[] = [], link: string | null = null): AppSummary => ({
  id: client_id,
  environment_id: "env",
  display_name,
  client_id,
  client_type: "confidential",
  labels,
  link,
  active_secrets: 1,
  rotation_due: false,
  uses_secret: true,
});

const apps = [
  app("Billing sync", "billing-sbx-123", ["payments"], "Billing"),
  app("Reports exporter", "reports-77", ["internal"]),
  app("Mobile app", "mob-9", [], "Mobile"),
];

const names = (query: string) => filterApps(apps, query).map((a) => a.display_name);

describe("filterApps", () => {
  it("matches display names case-insensitively", () => {
    expect(names("BILL")).toEqual(["Billing sync"]);
  });
  it("matches client IDs, labels and links", () => {
    expect(names("reports-77")).toEqual(["Reports exporter"]);
    expect(names("payments")).toEqual(["Billing sync"]);
    expect(names("mobile")).toEqual(["Mobile app"]);
  });
  it("needs every word to match", () => {
    expect(names("billing internal")).toEqual([]);
    expect(names("sync payments")).toEqual(["Billing sync"]);
  });
  it("returns everything for an empty query", () => {
    expect(names("  ")).toHaveLength(3);
  });
  it("ignores extra spaces and matches parts of words", () => {
    expect(names("  ync   pay ")).toEqual(["Billing sync"]);
  });
  it("finds one app among 10,000", () => {
    const many = Array.from({ length: 10_000 }, (_, n) => app(`App ${n}`, `client-${n}`, ["x"]));
    expect(filterApps(many, "client-9999").map((a) => a.client_id)).toEqual(["client-9999"]);
  });

  it("finds the same apps narrowing from the last keystroke as searching every app", () => {
    const many = Array.from({ length: 300 }, (_, n) => app(`App ${n}`, `client-${n}`, [n % 2 ? "odd" : "even"], n % 7 ? null : `Link ${n}`));
    const index = indexApps(many);
    let last: Filtered | null = null;
    // typed on, with spaces, then a Backspace (not a longer query: all apps looked at again)
    for (const query of ["A", "Ap", "App", "App ", "App 1", "App 12", "App 12 ", "App 12 o", "App 12 od", "App 12 o", "li", "link 14"]) {
      last = filterIndexed(index, query, last);
      expect(last.apps.map((a) => a.id), query).toEqual(filterApps(many, query).map((a) => a.id));
    }
    expect(last?.apps.map((a) => a.display_name)).toEqual(["App 14", "App 140", "App 147"]);
  });

  it("gives back the same array when a keystroke drops no app, so the list need not render again", () => {
    const index = indexApps(apps);
    const everything = filterIndexed(index, "");
    const typed = filterIndexed(index, "e", everything);
    expect(typed.apps.map((a) => a.display_name)).toEqual(["Billing sync", "Reports exporter", "Mobile app"]);
    expect(typed.apps).toBe(everything.apps);
    // the very list the index was built from, which the unfiltered list shows as it came
    expect(everything.apps).toBe(apps);
    const billing = filterIndexed(index, "e syn", typed);
    expect(billing.apps.map((a) => a.display_name)).toEqual(["Billing sync"]);
    expect(filterIndexed(index, "e sync", billing).apps).toBe(billing.apps);
    // another list is filtered afresh
    const other = indexApps([...apps]);
    expect(filterIndexed(other, "e sync", billing).apps).not.toBe(billing.apps);
  });

  it("indexes a list once while it is kept", () => {
    expect(indexApps(apps)).toBe(indexApps(apps));
    expect(indexApps([...apps])).not.toBe(indexApps(apps));
  });
});
