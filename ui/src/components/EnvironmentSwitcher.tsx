import type { Environment } from "../bindings/Environment";
import type { TeamBadge } from "../bindings/TeamBadge";
import { Icon } from "./Icon";

interface Props {
  environments: Environment[];
  active: Environment | null;
  loading: boolean;
  onSwitch: (id: string) => void;
  /** The team vault the active environment is shared through; null for a local one. */
  team?: TeamBadge | null;
}

/** The native select of environments, coloured with the active one's colour. */
export function EnvironmentSwitcher({ environments, active, loading, onSwitch, team }: Props) {
  return (
    <label className={active?.kind === "production" ? "env-switcher env-switcher-production" : "env-switcher"}>
      <span className="env-dot" aria-hidden="true" />
      <span className="visually-hidden">Active environment</span>
      <select
        data-testid="env-switcher"
        value={active?.id ?? ""}
        disabled={environments.length === 0}
        onChange={(event) => {
          onSwitch(event.target.value);
        }}
      >
        {environments.length === 0 && <option value="">{loading ? "Loading…" : "No environment yet"}</option>}
        {environments.length > 0 && active === null && <option value="">Choose an environment</option>}
        {environments.map((environment) => (
          <option key={environment.id} value={environment.id}>
            {environment.name}
          </option>
        ))}
      </select>
      {active && <span className={`kind-badge kind-${active.kind}`}>{active.kind}</span>}
      {active && team && (
        <span className="team-badge" data-testid="team-badge" title={`Shared through the team vault “${team.team}”: its secrets are read from there`}>
          <Icon name="lock" size={11} /> {team.team}
        </span>
      )}
    </label>
  );
}
