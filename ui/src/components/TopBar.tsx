import type { CSSProperties } from "react";
import type { Environment } from "../bindings/Environment";
import type { TeamBadge } from "../bindings/TeamBadge";
import type { Theme } from "../lib/useTheme";
import { EnvironmentSwitcher } from "./EnvironmentSwitcher";
import { Icon } from "./Icon";

interface Props {
  environments: Environment[];
  active: Environment | null;
  loading: boolean;
  onSwitch: (id: string) => void;
  onNew: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onSettings: () => void;
  onTokens: () => void;
  onAudit: () => void;
  onProvider: () => void;
  onToggleTheme: () => void;
  theme: Theme;
  /** The team vault the active environment is shared through, for its badge. */
  team?: TeamBadge | null;
}

/** Product name, the always-visible environment switcher and the environment actions. */
export function TopBar({ environments, active, loading, onSwitch, onNew, onEdit, onDelete, onSettings, onTokens, onAudit, onProvider, onToggleTheme, theme, team }: Props) {
  const style = { "--env-color": active?.color ?? "var(--border-strong)" } as CSSProperties;
  const production = active?.kind === "production";
  return (
    <header className={production ? "topbar topbar-production" : "topbar"} style={style}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="key" size={13} />
        </span>
        <span>Authdeck</span>
      </div>
      <EnvironmentSwitcher environments={environments} active={active} loading={loading} onSwitch={onSwitch} team={team} />
      <div className="env-actions" role="group" aria-label="Environment">
        <button type="button" className="ghost" data-testid="env-new" onClick={onNew} title="New environment">
          + New
        </button>
        <button type="button" className="ghost" data-testid="env-edit" onClick={onEdit} disabled={!active} title="Edit this environment">
          Edit
        </button>
        <button type="button" className="ghost danger-text" data-testid="env-delete" onClick={onDelete} disabled={!active} title="Delete this environment">
          Delete
        </button>
      </div>
      <div className="topbar-actions">
        <button
          type="button"
          className="ghost"
          data-testid="tokens-overview-open"
          onClick={onTokens}
          disabled={!active}
          title="Every app's token state in this environment"
        >
          <Icon name="key" size={14} /> Tokens
        </button>
        <button
          type="button"
          className="ghost"
          data-testid="provider-open"
          onClick={onProvider}
          disabled={!active}
          title="Manage this environment's apps at the provider: connector, import, create"
        >
          Provider
        </button>
        <button type="button" className="ghost" data-testid="audit-open" onClick={onAudit} title="What was done with secrets, tokens, apps and environments">
          Audit log
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="theme-toggle"
          onClick={onToggleTheme}
          aria-label={`Switch to the ${theme === "dark" ? "light" : "dark"} theme`}
          title={`Switch to the ${theme === "dark" ? "light" : "dark"} theme`}
        >
          <Icon name={theme === "dark" ? "sun" : "moon"} />
        </button>
        <button type="button" className="icon-button" data-testid="settings-open" onClick={onSettings} aria-label="Settings and about" title="Settings and about">
          <Icon name="gear" />
        </button>
      </div>
    </header>
  );
}

/** The banner that makes production impossible to miss. */
export function ProductionBanner({ environment }: { environment: Environment }) {
  return (
    <div className="production-banner" data-testid="env-banner" role="note">
      <strong>Production</strong> — changes here affect live systems.
      <span className="production-banner-name">“{environment.name}” holds live credentials; deleting, retiring and rotating ask first.</span>
    </div>
  );
}
