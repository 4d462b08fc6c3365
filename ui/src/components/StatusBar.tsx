import type { Environment } from "../bindings/Environment";
import type { TeamBadge } from "../bindings/TeamBadge";
import { localDateTime, plural } from "../lib/time";
import type { VaultState } from "../lib/vault";
import { ClipboardCountdown } from "./Clipboard";
import { Icon } from "./Icon";

interface Props {
  active: Environment | null;
  /** The team vault the active environment is shared through, and what the last look found. */
  team?: TeamBadge | null;
  vault?: VaultState;
}

/** The team vault's state in a few quiet words: an outage says since when, once, not each try. */
export function vaultWords(team: TeamBadge, vault: VaultState | undefined): string {
  const name = `Team vault “${team.team}”`;
  switch (vault?.kind) {
    case undefined:
      return `${name} · checking…`;
    case "following":
      return `${name} · set-up version ${vault.version}, checked every 5 s`;
    case "unreachable":
      return `${name} unreachable since ${localDateTime(new Date(vault.since).toISOString())} · tokens already got are still served`;
    case "sign_in":
      return `${name} · sign-in needed`;
    case "refused":
      return `${name} · ${vault.message}`;
  }
}

/** The bottom line: where you are, a copied secret's countdown, and where secrets are kept. */
export function StatusBar({ active, team, vault }: Props) {
  return (
    <footer className="statusbar">
      <span className="status-environment" data-testid="status-environment">
        {active ? `${active.name} · ${plural(active.app_count, "app")}` : "No environment"}
      </span>
      <ClipboardCountdown />
      {team ? (
        <span
          className={vault?.kind === "following" || vault === undefined ? "status-keychain muted" : "status-keychain status-vault-trouble"}
          data-testid="vault-status"
          data-state={vault?.kind ?? "checking"}
          title={vault && vault.kind !== "following" ? vault.message : "Secrets are read from the team vault; none is kept on this computer"}
        >
          <Icon name="lock" size={12} /> {vaultWords(team, vault)}
        </span>
      ) : (
        <span className="status-keychain muted" title="Secrets are kept only in the system keychain">
          <Icon name="lock" size={12} /> Secrets stay in the system keychain
        </span>
      )}
    </footer>
  );
}
