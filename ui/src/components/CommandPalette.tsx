import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import type { AppSummary } from "../bindings/AppSummary";
import type { Environment } from "../bindings/Environment";
import { mark, measureSince, measureToFrame } from "../lib/marks";
import { actionEntries, search, type Command, type Entry, type Found } from "../lib/palette";
import { Dialog } from "./Dialog";

/** Entries shown at most: the rest are found by typing more. */
export const SHOWN = 30;

interface Props {
  /** Every entry the palette searches: commands, the open app's actions, every app. */
  entries: readonly Entry[];
  /** True while some environment's apps are still being loaded. */
  loading: boolean;
  onChoose: (command: Command) => void;
  onClose: () => void;
}

/**
 * The command palette (Ctrl+K, ⌘K on macOS): one field, the best matches under it. Arrow keys
 * move, Enter runs, Escape closes (focus goes back where it was); Tab (or →) on an app lists its
 * actions, Escape (or ←, or Backspace in an empty field) goes back to everything.
 */
export function CommandPalette({ entries, loading, onChoose, onClose }: Props) {
  const [query, setQuery] = useState("");
  const [scope, setScope] = useState<{ app: AppSummary; environment: Environment } | null>(null);
  const [highlight, setHighlight] = useState(0);
  const searched = useMemo(() => (scope ? actionEntries(scope.app, scope.environment) : entries), [scope, entries]);
  // the last search, so that typing on narrows it (read and written only by the memo below)
  const last = useRef<Found | null>(null);
  const results = useMemo(() => {
    last.current = search(searched, query, SHOWN, last.current);
    return last.current.best;
  }, [searched, query]);
  const list = useRef<HTMLUListElement>(null);
  // The results for what was typed: in the DOM, then on screen. Searched in the keystroke's own
  // render, not deferred: narrowed from the last search and capped, it costs less than the
  // extra render and paint a deferred one would put between the keystroke and its results.
  useEffect(() => {
    measureSince("palette-results", "palette-input");
    measureToFrame("palette", "palette-input");
  }, [results]);

  const current = results[Math.min(highlight, results.length - 1)] ?? null;
  const optionId = (entry: Entry) => `palette-option-${entry.id}`;
  useEffect(() => {
    if (current) list.current?.querySelector(`#${CSS.escape(optionId(current))}`)?.scrollIntoView({ block: "nearest" });
  }, [current]);

  const enterScope = (entry: Entry) => {
    if (!entry.app || !entry.environment || entry.command.kind !== "open-app") return false;
    setScope({ app: entry.app, environment: entry.environment });
    setQuery("");
    setHighlight(0);
    return true;
  };
  const leaveScope = () => {
    setScope(null);
    setQuery("");
    setHighlight(0);
  };
  const move = (delta: number) => {
    setHighlight(Math.max(0, Math.min(results.length - 1, highlight + delta)));
    return true;
  };
  const back = () => {
    if (!scope) return false;
    leaveScope();
    return true;
  };
  /** Whether the palette took the key. */
  const take = (event: KeyboardEvent<HTMLInputElement>): boolean => {
    const field = event.currentTarget;
    switch (event.key) {
      case "ArrowDown":
        return move(1);
      case "ArrowUp":
        return move(-1);
      case "PageDown":
        return move(10);
      case "PageUp":
        return move(-10);
      case "Enter":
        if (current) onChoose(current.command);
        return current !== null;
      case "Tab":
        return event.shiftKey ? back() : current !== null && enterScope(current);
      case "ArrowRight":
        return field.selectionStart === field.value.length && current !== null && enterScope(current);
      case "ArrowLeft":
        return field.selectionStart === 0 && back();
      case "Backspace":
        return field.value === "" && back();
      case "Escape":
        return back();
      default:
        return false;
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // a key taken here goes no further (the dialog would close on Escape, move on Tab)
    if (take(event)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <Dialog title="Go to an app or run a command" testId="palette" className="dialog-palette" onClose={onClose} subtitle={scope ? undefined : "Apps of every environment, and every action"}>
      <div className="palette">
        <div className="palette-field">
          {scope && (
            <span className="palette-scope" data-testid="palette-scope">
              {scope.app.display_name} ›
            </span>
          )}
          <input
            data-testid="palette-input"
            type="text"
            role="combobox"
            aria-label={scope ? `Actions on ${scope.app.display_name}` : "Search apps and commands"}
            aria-expanded="true"
            aria-controls="palette-results"
            aria-autocomplete="list"
            aria-activedescendant={current ? optionId(current) : undefined}
            placeholder={scope ? "Get token, copy, sign in, introspect, revoke…" : "App name, client ID, label, link, or a command"}
            value={query}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => {
              mark("palette-input");
              setQuery(event.target.value);
              setHighlight(0);
            }}
            onKeyDown={onKeyDown}
          />
        </div>
        <ul
          ref={list}
          id="palette-results"
          className="palette-results"
          role="listbox"
          aria-label="Results"
          aria-busy={loading}
          data-testid="palette-results"
        >
          {/* keyed by place, not entry: a keystroke updates the options shown instead of replacing them */}
          {results.map((entry, index) => (
            <PaletteOption key={index} entry={entry} id={optionId(entry)} highlighted={index === Math.min(highlight, results.length - 1)} onChoose={onChoose} />
          ))}
        </ul>
        {results.length === 0 && (
          <p className="palette-empty muted" data-testid="palette-empty">
            {loading ? "Loading the apps of every environment…" : `Nothing matches “${query.trim()}”`}
          </p>
        )}
        <p className="palette-keys muted" aria-hidden="true">
          <kbd>↑</kbd> <kbd>↓</kbd> choose · <kbd>Enter</kbd> run · <kbd>Tab</kbd> an app’s actions · <kbd>Esc</kbd> {scope ? "back" : "close"}
        </p>
      </div>
    </Dialog>
  );
}

const PaletteOption = memo(function PaletteOption({
  entry,
  id,
  highlighted,
  onChoose,
}: {
  entry: Entry;
  id: string;
  highlighted: boolean;
  onChoose: (command: Command) => void;
}) {
  const environment = entry.environment;
  const style = { "--env-color": environment?.color ?? "var(--border-strong)" } as CSSProperties;
  return (
    <li
      id={id}
      role="option"
      aria-selected={highlighted}
      className={highlighted ? "palette-option palette-option-highlighted" : "palette-option"}
      data-testid="palette-option"
      data-kind={entry.command.kind}
      onMouseDown={(event) => {
        // the field keeps the focus
        event.preventDefault();
      }}
      onClick={() => {
        onChoose(entry.command);
      }}
    >
      <span className="palette-option-title">{entry.title}</span>
      {entry.detail && <span className="palette-option-detail muted">{entry.detail}</span>}
      {environment && entry.command.kind !== "switch-environment" && (
        <span className={`palette-option-env kind-${environment.kind}`} style={style} data-testid="palette-option-env">
          <span className="env-dot" aria-hidden="true" />
          {environment.name}
        </span>
      )}
    </li>
  );
});
