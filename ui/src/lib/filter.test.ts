import type { AppSummary } from "../bindings/AppSummary";
import { filterApps } from "./filter";

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
});
