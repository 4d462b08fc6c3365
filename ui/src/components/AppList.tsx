import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { AppSummary } from "../bindings/AppSummary";
import { filterIndexed, indexApps, type Filtered } from "../lib/filter";
import { mark, markOnce, measureToFrame } from "../lib/marks";
import { grouped, plural } from "../lib/time";
import { AppRow, ROW_HEIGHT } from "./AppRow";
import { Icon } from "./Icon";

const NONE: readonly AppSummary[] = [];

interface Props {
  apps: AppSummary[] | undefined;
  loading: boolean;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  canCreate: boolean;
  environmentName: string | null;
}

/**
 * The active environment's apps: filter as you type (name, client ID, labels, link), virtualised
 * for tens of thousands of rows. Arrow keys move the highlight, Enter opens it, "/" focuses the
 * filter and Escape clears it.
 */
export function AppList({ apps, loading, selectedId, onSelect, onNew, canCreate, environmentName }: Props) {
  const [query, setQuery] = useState("");
  const [highlightId, setHighlightId] = useState<string | null>(null);
  // The last filter, so that typing on narrows it (read and written only by the memo below).
  // Filtered in the keystroke's own render, not deferred: narrowed from the last keystroke's
  // matches, it costs less than the second render and frame a deferred one would add.
  const last = useRef<Filtered | null>(null);
  // Without a filter the list is shown as it came, and its search index is not needed for the
  // first frame (tens of milliseconds with 10,000 apps): it is built after it, below.
  const visible = useMemo(() => {
    if (query.trim() === "") {
      last.current = null;
      return apps ?? NONE;
    }
    last.current = filterIndexed(indexApps(apps ?? NONE), query, last.current);
    return last.current.apps;
  }, [apps, query]);
  const scroller = useRef<HTMLDivElement>(null);
  const filter = useRef<HTMLInputElement>(null);
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  useEffect(() => {
    const focusFilter = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target !== null && (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !document.querySelector("dialog[open]")) {
        event.preventDefault();
        filter.current?.focus();
        filter.current?.select();
      }
    };
    window.addEventListener("keydown", focusFilter);
    return () => {
      window.removeEventListener("keydown", focusFilter);
    };
  }, []);

  // The list as shown: at start-up, after a switch (a new list), after a keystroke (the
  // filtered rows for what was typed last).
  useEffect(() => {
    if (loading || apps === undefined) return;
    requestAnimationFrame(() => {
      markOnce("list-interactive");
    });
    measureToFrame("switch", "switch-start");
  }, [apps, loading]);
  // The search index, built once the list's frame is out, so the first keystroke finds it.
  useEffect(() => {
    if (apps === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => indexApps(apps), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [apps]);
  useEffect(() => {
    measureToFrame("filter", "filter-input");
  }, [query]);

  // The highlight starts on the open app and stays on a visible row.
  // (each look is a pass over up to every app: none is made for an id that is not there)
  const highlighted =
    highlightId !== null && visible.some((app) => app.id === highlightId)
      ? highlightId
      : selectedId !== null
        ? (visible.find((app) => app.id === selectedId)?.id ?? null)
        : null;
  const highlightIndex = highlighted === null ? -1 : visible.findIndex((app) => app.id === highlighted);

  const move = (delta: number) => {
    if (visible.length === 0) return;
    const next = highlightIndex < 0 ? (delta > 0 ? 0 : visible.length - 1) : Math.min(visible.length - 1, Math.max(0, highlightIndex + delta));
    const app = visible[next];
    if (!app) return;
    setHighlightId(app.id);
    virtualizer.scrollToIndex(next, { align: "auto" });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        break;
      case "PageDown":
        event.preventDefault();
        move(10);
        break;
      case "PageUp":
        event.preventDefault();
        move(-10);
        break;
      case "Enter": {
        const target = highlighted ?? (visible.length === 1 ? visible[0]?.id : undefined);
        if (target) {
          event.preventDefault();
          onSelect(target);
        }
        break;
      }
      case "Escape":
        if (query !== "") {
          event.preventDefault();
          setQuery("");
        }
        break;
    }
  };
  const open = useCallback(
    (id: string) => {
      setHighlightId(id);
      onSelect(id);
    },
    [onSelect],
  );

  const total = apps?.length ?? 0;
  const ready = !loading && apps !== undefined;
  return (
    <section className="app-list" aria-label="Client apps">
      <div className="app-list-toolbar">
        <div className="filter-box">
          <Icon name="search" size={14} />
          <input
            ref={filter}
            data-testid="app-filter"
            type="search"
            placeholder={total > 0 ? `Filter ${plural(total, "app")}` : "Filter apps"}
            value={query}
            onChange={(event) => {
              mark("filter-input");
              setQuery(event.target.value);
            }}
            onKeyDown={onKeyDown}
            aria-label="Filter apps by name, client ID, label or link"
            aria-controls="app-listbox"
            spellCheck={false}
            autoComplete="off"
          />
          <kbd className="filter-key" aria-hidden="true">/</kbd>
        </div>
        <button type="button" className="primary" data-testid="app-new" onClick={onNew} disabled={!canCreate} title="New app (in this environment)">
          <Icon name="plus" size={14} /> App
        </button>
      </div>
      {ready && total > 0 && query.trim() !== "" && visible.length > 0 && (
        <div className="app-list-count muted" aria-live="polite">
          {grouped(visible.length)} of {plural(total, "app")}
        </div>
      )}
      {(loading || (apps === undefined && canCreate)) && (
        <div className="app-list-loading" aria-busy="true" aria-label="Loading apps">
          {[0, 1, 2, 3, 4].map((n) => (
            <div key={n} className="skeleton-row" />
          ))}
        </div>
      )}
      {ready && total === 0 && (
        <div className="empty" data-testid="app-empty">
          <Icon name="key" size={28} />
          <p className="empty-title">No client apps here yet</p>
          <p>
            Add the apps you registered with the provider{environmentName ? ` for “${environmentName}”` : ""}: client ID,
            redirect URIs, and the secret it showed you once.
          </p>
          <button type="button" className="primary" onClick={onNew} disabled={!canCreate}>
            New app
          </button>
        </div>
      )}
      {ready && total > 0 && visible.length === 0 && (
        <div className="empty" data-testid="app-no-match">
          <p className="empty-title">No app matches “{query.trim()}”</p>
          <p>The filter looks at names, client IDs, labels and links.</p>
          <button
            type="button"
            onClick={() => {
              setQuery("");
              filter.current?.focus();
            }}
          >
            Clear the filter
          </button>
        </div>
      )}
      <div
        ref={scroller}
        id="app-listbox"
        className="app-list-scroll"
        data-testid="app-list"
        role="listbox"
        aria-label={environmentName ? `Apps in ${environmentName}` : "Apps"}
        aria-activedescendant={highlighted ? `app-row-${highlighted}` : undefined}
        tabIndex={visible.length > 0 ? 0 : -1}
        onKeyDown={onKeyDown}
      >
        <div className="app-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const app = visible[item.index];
            if (!app) return null;
            // keyed by the row's place, not the app: a keystroke that changes which apps are
            // shown updates the rows on screen instead of replacing them
            return (
              <AppRow
                key={item.index}
                app={app}
                selected={app.id === selectedId}
                highlighted={app.id === highlighted && app.id !== selectedId}
                top={item.start}
                onOpen={open}
              />
            );
          })}
        </div>
      </div>
    </section>
  );
}
