import type { CSSProperties } from "react";
import type { Environment } from "../bindings/Environment";

interface Props {
  environments: Environment[];
  active: Environment | null;
  onSwitch: (id: string) => void;
  onNew: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onSettings: () => void;
  onToggleTheme: () => void;
  theme: "light" | "dark";
}

/** Product name, the always-visible environment switcher and the environment actions. */
export function TopBar({ environments, active, onSwitch, onNew, onEdit, onDelete, onSettings, onToggleTheme, theme }: Props) {
  const style = { "--env-color": active?.color ?? "var(--muted)" } as CSSProperties;
  return (
    <header className={active?.kind === "production" ? "topbar topbar-production" : "topbar"} style={style}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Authdeck
      </div>
      <label className="env-switcher">
        <span className="env-dot" aria-hidden="true" />
        <span className="visually-hidden">Environment</span>
        <select
          data-testid="env-switcher"
          value={active?.id ?? ""}
          disabled={environments.length === 0}
          onChange={(event) => { onSwitch(event.target.value); }}
          aria-label="Active environment"
        >
          {environments.length === 0 && <option value="">No environments</option>}
          {environments.map((environment) => (
            <option key={environment.id} value={environment.id}>
              {environment.name}
            </option>
          ))}
        </select>
        {active && <span className={`kind-badge kind-${active.kind}`}>{active.kind}</span>}
      </label>
      <div className="topbar-actions">
        <button type="button" data-testid="env-new" onClick={onNew}>+ Environment</button>
        <button type="button" data-testid="env-edit" onClick={onEdit} disabled={!active}>Edit</button>
        <button type="button" data-testid="env-delete" onClick={onDelete} disabled={!active}>Delete</button>
        <span className="topbar-divider" />
        <button type="button" className="icon-button" data-testid="theme-toggle" onClick={onToggleTheme} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}>
          {theme === "dark" ? "☀" : "☾"}
        </button>
        <button type="button" className="icon-button" data-testid="settings-open" onClick={onSettings} aria-label="Settings and about">
          ⚙
        </button>
      </div>
    </header>
  );
}

/** The banner that makes production impossible to miss. */
export function ProductionBanner({ environment }: { environment: Environment }) {
  return (
    <div className="production-banner" data-testid="env-banner" role="note">
      <strong>Production</strong> — “{environment.name}” holds live credentials. Deleting or rotating here affects real systems.
    </div>
  );
}
