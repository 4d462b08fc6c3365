// What the command palette (Ctrl+K) searches and how it ranks: every app of every environment
// and every command, matched against keys lower-cased once per list (not per keystroke), with
// only the best few kept, so a keystroke stays cheap with tens of thousands of apps.

import type { AppSummary } from "../bindings/AppSummary";
import type { Environment } from "../bindings/Environment";

/** What can be done to one app from the palette: the token and secret panels' own actions. */
export type AppAction = "get-token" | "copy-token" | "copy-secret" | "sign-in" | "introspect" | "revoke";

/** An action on an app asked for from the palette; `serial` tells two asks for the same apart. */
export interface AppRequest {
  appId: string;
  action: AppAction;
  serial: number;
}

/** What choosing a palette entry does. */
export type Command =
  | { kind: "open-app"; environmentId: string; appId: string }
  | { kind: "app-action"; environmentId: string; appId: string; action: AppAction }
  | { kind: "switch-environment"; environmentId: string }
  | { kind: "settings" | "import-export" | "audit" | "tokens" | "new-environment" | "new-app" };

/** One palette entry with its search keys. */
export interface Entry {
  /** Unique in the list: the option's DOM id is made from it. */
  id: string;
  title: string;
  /** Shown after the title (a client ID, the app an action is for). */
  detail: string;
  /** An app's environment, shown beside it. */
  environment: Environment | null;
  command: Command;
  /** The app an app entry stands for (its actions can be listed). */
  app: AppSummary | null;
  /** Lower-cased title. */
  name: string;
  /** Lower-cased other keys (client ID, link, labels), each matched as a whole too. */
  keys: string[];
  /** The name and the keys, one a line: searched once for the whole query. */
  all: string;
}

export const APP_ACTIONS: readonly { action: AppAction; title: string }[] = [
  { action: "get-token", title: "Get token" },
  { action: "copy-token", title: "Copy token" },
  { action: "copy-secret", title: "Copy a secret" },
  { action: "sign-in", title: "Sign in with browser" },
  { action: "introspect", title: "Introspect token" },
  { action: "revoke", title: "Revoke token" },
];

/** How the palette names `action`. */
export function actionTitle(action: AppAction): string {
  return APP_ACTIONS.find((known) => known.action === action)?.title ?? action;
}

function entry(id: string, title: string, detail: string, command: Command, keys: string[] = [], environment: Environment | null = null, app: AppSummary | null = null): Entry {
  const name = title.toLowerCase();
  const lowered = keys.map((key) => key.toLowerCase());
  return { id, title, detail, command, environment, app, name, keys: lowered, all: [name, ...lowered].join("\n") };
}

/** One entry per app, with its environment beside it. */
export function appEntries(apps: readonly AppSummary[], environment: Environment): Entry[] {
  return apps.map((app) =>
    entry(
      `app-${app.id}`,
      app.display_name,
      app.client_id,
      { kind: "open-app", environmentId: environment.id, appId: app.id },
      [app.client_id, ...(app.link ? [app.link] : []), ...app.labels],
      environment,
      app,
    ),
  );
}

/** The actions on one app, each naming it (copying a secret only where there is one). */
export function actionEntries(app: AppSummary, environment: Environment): Entry[] {
  const offered = APP_ACTIONS.filter(({ action }) => action !== "copy-secret" || app.active_secrets > 0);
  return offered.map(({ action, title }) =>
    entry(
      `action-${action}-${app.id}`,
      title,
      app.display_name,
      { kind: "app-action", environmentId: environment.id, appId: app.id, action },
      [app.display_name, app.client_id],
      environment,
      app,
    ),
  );
}

/** The commands that need no app: switching to another environment, the dialogs. */
export function commandEntries(environments: readonly Environment[], active: Environment | null): Entry[] {
  const switches = environments
    .filter((environment) => environment.id !== active?.id)
    .map((environment) =>
      entry(`switch-${environment.id}`, `Switch to “${environment.name}”`, environment.kind, { kind: "switch-environment", environmentId: environment.id }, ["environment", environment.name], environment),
    );
  const dialogs: Entry[] = [
    entry("settings", "Open settings", "", { kind: "settings" }, ["preferences"]),
    entry("import-export", "Import or export", "", { kind: "import-export" }, ["import", "export"]),
    entry("audit", "Audit log", "", { kind: "audit" }, ["history"]),
  ];
  if (active) {
    dialogs.push(
      entry("tokens", "Token overview", active.name, { kind: "tokens" }, ["tokens"]),
      entry("new-app", "New app", active.name, { kind: "new-app" }, ["create", "add"]),
    );
  }
  dialogs.push(entry("new-environment", "New environment", "", { kind: "new-environment" }, ["create", "add"]));
  return [...switches, ...dialogs];
}

/** `query`'s letters in order within `text`: a score for how tightly, or -1. */
export function subsequence(query: string, text: string): number {
  let at = -1;
  let gaps = 0;
  for (const letter of query) {
    const next = text.indexOf(letter, at + 1);
    if (next < 0) return -1;
    if (at >= 0) gaps += next - at - 1;
    at = next;
  }
  return Math.max(0, 100 - gaps);
}

/** A query as every entry is scored against it: worked out once per keystroke, not per entry. */
interface Query {
  text: string;
  words: string[];
  /** The query without spaces, for letters in order. */
  letters: string;
}

function prepare(query: string): Query {
  const text = query.trim().toLowerCase();
  return { text, words: text.split(/\s+/).filter(Boolean), letters: text.replace(/\s+/g, "") };
}

const wordCharacter = (character: string) => (character >= "a" && character <= "z") || (character >= "0" && character <= "9");

/**
 * Ranks: exact name or key, then name prefix, key prefix, a word of the name, inside the name,
 * inside a key, every word somewhere, and last the name's letters in order; -1 for no match.
 * One search of all the entry's text rules most entries out before anything else is tried.
 */
function scoreQuery(entry: Entry, query: Query): number {
  const { name, keys, all } = entry;
  const at = all.indexOf(query.text);
  if (at >= 0) {
    if (name === query.text || keys.includes(query.text)) return 5000;
    if (at === 0) return 4000 - name.length;
    if (keys.some((key) => key.startsWith(query.text))) return 3500;
    // a match cannot run from the name into a key: the query holds no line break
    if (at < name.length) return (wordCharacter(name.charAt(at - 1)) ? 2500 : 3000) - at;
    return 2000;
  }
  if (query.words.length > 1 && query.words.every((word) => all.includes(word))) return 1500;
  const loose = subsequence(query.letters, name);
  return loose < 0 ? -1 : 1000 + loose;
}

/** A search's outcome, kept so that the next keystroke can look only at what matched. */
export interface Found {
  /** The best entries, best first (ties keep the list's order). */
  best: Entry[];
  /** Every entry that matched, in the list's order. */
  matched: readonly Entry[];
  /** The list and the query searched. */
  entries: readonly Entry[];
  query: string;
}

/**
 * The best `limit` entries for `query`. An empty query keeps the first `limit` entries as
 * listed. When `query` only adds to the `previous` search's query over the same list, only
 * what matched then is scored: an entry that missed a query misses every longer one too
 * (each rank needs the shorter query's text, words or letters in order as well).
 */
export function search(entries: readonly Entry[], query: string, limit: number, previous: Found | null = null): Found {
  const wanted = prepare(query);
  if (wanted.text === "") return { best: entries.slice(0, limit), matched: entries, entries, query: "" };
  const narrowing = previous !== null && previous.entries === entries && previous.query !== "" && wanted.text.startsWith(previous.query);
  const candidates = narrowing ? previous.matched : entries;
  const matched: Entry[] = [];
  // the best so far, kept sorted: a new entry enters only when it beats the last one
  const best: { entry: Entry; score: number }[] = [];
  for (const candidate of candidates) {
    const value = scoreQuery(candidate, wanted);
    if (value < 0) continue;
    matched.push(candidate);
    if (best.length === limit && value <= (best[limit - 1]?.score ?? -1)) continue;
    let slot = best.length;
    while (slot > 0 && (best[slot - 1]?.score ?? 0) < value) slot--;
    best.splice(slot, 0, { entry: candidate, score: value });
    if (best.length > limit) best.pop();
  }
  return { best: best.map((found) => found.entry), matched, entries, query: wanted.text };
}
