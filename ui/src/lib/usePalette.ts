import { useEffect, useMemo, useRef } from "react";
import type { AppSummary } from "../bindings/AppSummary";
import type { Environment } from "../bindings/Environment";
import { useAppsOf } from "../api/queries";
import { actionEntries, appEntries, commandEntries, type Entry } from "./palette";

/** Whether this is a Mac, where the palette's key is ⌘K rather than Ctrl+K. */
export const onMac = () => /Macintosh|Mac OS X/.test(navigator.userAgent);

/** Calls `open` on Ctrl+K (⌘K on macOS), even from a field, unless a dialog is open. */
export function usePaletteKey(open: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const modifier = onMac() ? event.metaKey : event.ctrlKey;
      if (!modifier || event.altKey || event.shiftKey || event.key.toLowerCase() !== "k") return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      open();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [open]);
}

/**
 * What the palette searches, in the order shown for an empty query: the commands, the open
 * app's actions, then the apps of the active environment and of the others. The apps of every
 * environment are loaded (one list_apps each, shared with the app list) once the palette opens;
 * the entries are rebuilt only when a list or an environment changes, never per keystroke.
 */
export function usePaletteEntries(environments: readonly Environment[], active: Environment | null, openApp: AppSummary | null, enabled: boolean): { entries: Entry[]; loading: boolean } {
  const ordered = useMemo(
    () => (active ? [active, ...environments.filter((environment) => environment.id !== active.id)] : [...environments]),
    [environments, active],
  );
  const lists = useAppsOf(
    useMemo(() => ordered.map((environment) => environment.id), [ordered]),
    enabled,
  );
  const commands = useMemo(
    () => [...commandEntries(environments, active), ...(openApp && active ? actionEntries(openApp, active) : [])],
    [environments, active, openApp],
  );
  // Built only while the palette is open (the app list's own start-up does not pay for it), and
  // kept per list: reopening it does not build 20,000 entries again, a changed list is rebuilt.
  const built = useRef(new WeakMap<readonly AppSummary[], { environment: Environment; entries: Entry[] }>());
  const apps = useMemo(() => {
    if (!enabled) return [];
    return ordered.flatMap((environment, at) => {
      const list = lists[at];
      if (!list) return [];
      const kept = built.current.get(list);
      if (kept?.environment === environment) return kept.entries;
      const entries = appEntries(list, environment);
      built.current.set(list, { environment, entries });
      return entries;
    });
  }, [enabled, ordered, lists]);
  return useMemo(() => ({ entries: [...commands, ...apps], loading: lists.some((list) => list === undefined) }), [commands, apps, lists]);
}
