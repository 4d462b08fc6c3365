import type { AppSummary } from "../bindings/AppSummary";

/** An app with the lower-cased text the filter searches: built once per list, not per keystroke. */
export interface IndexedApp {
  app: AppSummary;
  text: string;
}

/** A list's index, kept while the list is: switching back to an environment does not build it again. */
const indexes = new WeakMap<readonly AppSummary[], IndexedApp[]>();
/** The list each index was built from, so a filter that keeps every app gives that very list. */
const sources = new WeakMap<readonly IndexedApp[], readonly AppSummary[]>();

export function indexApps(apps: readonly AppSummary[]): IndexedApp[] {
  const kept = indexes.get(apps);
  if (kept) return kept;
  const index = apps.map((app) => ({
    app,
    text: [app.display_name, app.client_id, app.link ?? "", ...app.labels].join("\n").toLowerCase(),
  }));
  indexes.set(apps, index);
  sources.set(index, apps);
  return index;
}

/** A filter's outcome, kept so that the next keystroke can look only at what matched. */
export interface Filtered {
  /** The apps that matched, in the list's order. */
  apps: readonly AppSummary[];
  /** Their index entries. */
  matched: readonly IndexedApp[];
  /** The index and the lower-cased query filtered. */
  index: readonly IndexedApp[];
  query: string;
}

/**
 * The apps whose display name, client ID, labels or link contain every word of `query`. When
 * `query` only adds to the `previous` filter's query over the same index, only what matched then
 * is looked at (each word of the shorter query is part of a word of the longer one, so an app
 * that missed it misses the longer one too); when nothing more drops out, the previous `apps`
 * array is returned as it was, so the list need not render again.
 */
export function filterIndexed(index: readonly IndexedApp[], query: string, previous: Filtered | null = null): Filtered {
  const lowered = query.toLowerCase();
  const words = lowered.split(/\s+/).filter(Boolean);
  const all = (): Filtered => ({ apps: sources.get(index) ?? index.map((entry) => entry.app), matched: index, index, query: lowered });
  if (words.length === 0) return all();
  const narrowing = previous !== null && previous.index === index && lowered.startsWith(previous.query);
  const candidates = narrowing ? previous.matched : index;
  const matched = candidates.filter((entry) => words.every((word) => entry.text.includes(word)));
  if (matched.length === index.length) return all();
  if (narrowing && matched.length === candidates.length) return { ...previous, query: lowered };
  return { apps: matched.map((entry) => entry.app), matched, index, query: lowered };
}

export function filterApps(apps: readonly AppSummary[], query: string): AppSummary[] {
  return [...filterIndexed(indexApps(apps), query).apps];
}
