import { useVirtualizer } from "@tanstack/react-virtual";
import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { AppSummary } from "../bindings/AppSummary";
import { filterApps } from "../lib/filter";

const ROW_HEIGHT = 56;

interface Props {
  apps: AppSummary[] | undefined;
  loading: boolean;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  canCreate: boolean;
}

/** The active environment's apps: filter as you type, virtualised for thousands of rows. */
export function AppList({ apps, loading, selectedId, onSelect, onNew, canCreate }: Props) {
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const visible = useMemo(() => filterApps(apps ?? [], deferredQuery), [apps, deferredQuery]);
  const scroller = useRef<HTMLDivElement>(null);
  const filter = useRef<HTMLInputElement>(null);
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  useEffect(() => {
    const focusFilter = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
      if (event.key === "/" && !typing && !document.querySelector("dialog[open]")) {
        event.preventDefault();
        filter.current?.focus();
      }
    };
    window.addEventListener("keydown", focusFilter);
    return () => {
      window.removeEventListener("keydown", focusFilter);
    };
  }, []);

  const selectedIndex = visible.findIndex((app) => app.id === selectedId);
  const move = (delta: number) => {
    if (visible.length === 0) return;
    const index = Math.min(visible.length - 1, Math.max(0, (selectedIndex < 0 ? -1 : selectedIndex) + delta));
    const app = visible[index];
    if (app) {
      onSelect(app.id);
      virtualizer.scrollToIndex(index, { align: "auto" });
    }
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "Escape" && query !== "") {
      setQuery("");
    }
  };

  return (
    <section className="app-list" aria-label="Client apps">
      <div className="app-list-toolbar">
        <input
          ref={filter}
          data-testid="app-filter"
          type="search"
          placeholder={`Filter ${apps?.length ?? 0} ${apps?.length === 1 ? "app" : "apps"}…  ( / )`}
          value={query}
          onChange={(event) => { setQuery(event.target.value); }}
          onKeyDown={onKeyDown}
          aria-label="Filter apps by name, client ID, label or link"
          spellCheck={false}
        />
        <button type="button" className="primary" data-testid="app-new" onClick={onNew} disabled={!canCreate}>
          + App
        </button>
      </div>
      {loading && (
        <div className="app-list-loading" aria-busy="true">
          {[0, 1, 2, 3].map((n) => <div key={n} className="skeleton-row" />)}
        </div>
      )}
      {!loading && apps?.length === 0 && (
        <div className="empty" data-testid="app-empty">
          <p className="empty-title">No client apps here yet</p>
          <p className="muted">Add the apps you registered with this environment’s provider: their client IDs, redirect URIs and secrets.</p>
          <button type="button" className="primary" onClick={onNew} disabled={!canCreate}>Add the first app</button>
        </div>
      )}
      {!loading && apps && apps.length > 0 && visible.length === 0 && (
        <div className="empty" data-testid="app-no-match">
          <p className="empty-title">No app matches “{query}”</p>
          <button type="button" onClick={() => { setQuery(""); }}>Clear the filter</button>
        </div>
      )}
      <div
        ref={scroller}
        className="app-list-scroll"
        data-testid="app-list"
        role="listbox"
        aria-label="Apps"
        tabIndex={0}
        onKeyDown={(event) => {
          onKeyDown(event);
          if (event.key === "Enter" && selectedId) onSelect(selectedId);
        }}
      >
        <div className="app-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const app = visible[item.index];
            if (!app) return null;
            const selected = app.id === selectedId;
            return (
              <div
                key={app.id}
                role="option"
                aria-selected={selected}
                data-testid="app-row"
                data-app-id={app.id}
                className={selected ? "app-row app-row-selected" : "app-row"}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => { onSelect(app.id); }}
              >
                <div className="app-row-main">
                  <span className="app-row-name">{app.display_name}</span>
                  {app.rotation_due && <span className="dot-warning" title="A secret is past the rotation policy" />}
                  <span className={`type-badge type-${app.client_type}`}>{app.client_type}</span>
                </div>
                <div className="app-row-sub">
                  <code>{app.client_id}</code>
                  {app.client_type === "confidential" && app.active_secrets === 0 && <span className="hint-warning">no secret</span>}
                  {app.labels.slice(0, 3).map((label) => <span key={label} className="label-chip">{label}</span>)}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
