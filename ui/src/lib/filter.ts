import type { AppSummary } from "../bindings/AppSummary";

/** An app with the lower-cased text the filter searches: built once per list, not per keystroke. */
export interface IndexedApp {
  app: AppSummary;
  text: string;
}

export function indexApps(apps: readonly AppSummary[]): IndexedApp[] {
  return apps.map((app) => ({
    app,
    text: [app.display_name, app.client_id, app.link ?? "", ...app.labels].join("\n").toLowerCase(),
  }));
}

/** The apps whose display name, client ID, labels or link contain every word of `query`. */
export function filterIndexed(index: readonly IndexedApp[], query: string): AppSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return index.map((entry) => entry.app);
  const found: AppSummary[] = [];
  for (const entry of index) {
    if (words.every((word) => entry.text.includes(word))) found.push(entry.app);
  }
  return found;
}

export function filterApps(apps: readonly AppSummary[], query: string): AppSummary[] {
  return filterIndexed(indexApps(apps), query);
}
