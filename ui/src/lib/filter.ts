import type { AppSummary } from "../bindings/AppSummary";

/** The apps whose display name, client ID, labels or link contain every word of `query`. */
export function filterApps(apps: readonly AppSummary[], query: string): AppSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...apps];
  return apps.filter((app) => {
    const haystack = [app.display_name, app.client_id, app.link ?? "", ...app.labels].join("\n").toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
