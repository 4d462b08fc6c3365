// Following a team environment's set-up in its vault while the window shows it: a look every
// few seconds (none while the window is hidden), whose outcome the status line, the sign-in
// banner and the badge read. A failed look is a state to show quietly, never an error to raise.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { EnvironmentId } from "../bindings/EnvironmentId";
import type { SecretMeta } from "../bindings/SecretMeta";
import type { TeamPermissions } from "../bindings/TeamPermissions";
import { api, toIpcError } from "../api/client";
import { keys } from "../api/queries";

/** How often the vault is asked while the window is visible: a rotation shows within 10 s. */
export const WATCH_INTERVAL_MS = 5000;

/** What the last look at a team environment's set-up found. */
export type VaultState =
  | { kind: "following"; version: number }
  /** The vault could not be reached since `since` (ms); tokens already minted are still served. */
  | { kind: "unreachable"; since: number; message: string }
  /** The vault token has ended or was revoked: a sign-in mends it. */
  | { kind: "sign_in"; message: string }
  /** The vault refused for another reason (its policy, a missing set-up). */
  | { kind: "refused"; message: string };

/**
 * Looks at the set-up once. An outage keeps the time it began across looks, so the status
 * line says since when, not since the last try.
 */
export async function lookAtVault(
  environmentId: EnvironmentId,
  previous: VaultState | undefined,
  now: () => number = Date.now,
): Promise<VaultState> {
  try {
    const watch = await api.watchTeam(environmentId);
    return { kind: "following", version: watch.version };
  } catch (reason) {
    const error = toIpcError(reason);
    switch (error.code) {
      case "network":
      case "timeout":
        return { kind: "unreachable", since: previous?.kind === "unreachable" ? previous.since : now(), message: error.message };
      case "vault_sign_in_required":
        return { kind: "sign_in", message: error.message };
      default:
        return { kind: "refused", message: error.message };
    }
  }
}

/**
 * The vault state of the active environment when it is a team one, looked at every
 * WATCH_INTERVAL_MS while the window is visible (React Query pauses the interval while the
 * document is hidden: minimized, or closed to the tray).
 */
export function useVaultState(environmentId: EnvironmentId | null, shared: boolean) {
  const client = useQueryClient();
  const key = keys.vault(environmentId ?? "");
  return useQuery({
    queryKey: key,
    queryFn: () => lookAtVault(environmentId ?? "", client.getQueryData<VaultState>(key)),
    enabled: environmentId !== null && shared,
    refetchInterval: WATCH_INTERVAL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

/** Why the member's vault policy keeps each kind of secret action from them; null: allowed. */
export interface PolicyRefusals {
  /** Adding, rotating, retiring, reactivating (update on the set-up). */
  change: string | null;
  /** Copying, revealing, verifying (read on the values). */
  read: string | null;
  /** Deleting (delete on the values' metadata). */
  remove: string | null;
}

/** Everything allowed: a local environment, or a team one whose answer has not come yet. */
export const NO_REFUSALS: PolicyRefusals = { change: null, read: null, remove: null };

/**
 * The refusals in the vault's answer (`team_permissions`) for the secrets `secretIds` (asked of
 * the vault path by path: a policy may allow one secret and not another), each naming the
 * capability and path; read and remove are refused when any of those secrets is. A secret the
 * answer does not list yet (added since) is not refused here: the vault still decides.
 */
export function policyRefusals(permissions: TeamPermissions | null | undefined, secretIds: readonly string[]): PolicyRefusals {
  if (!permissions) return NO_REFUSALS;
  const of = secretIds.map((id) => permissions.secrets.find((secret) => secret.secret_id === id)).filter((secret) => secret !== undefined);
  return {
    change: permissions.change_setup.refusal,
    read: of.map((secret) => secret.read.refusal).find((refusal) => refusal !== null) ?? null,
    remove: of.map((secret) => secret.remove.refusal).find((refusal) => refusal !== null) ?? null,
  };
}

/** The secret core mints with: the newest active one (by when it was added here). */
export function newestActive(secrets: readonly SecretMeta[]): SecretMeta | undefined {
  return secrets
    .filter((secret) => secret.state === "active")
    .reduce<SecretMeta | undefined>((newest, secret) => (newest === undefined || secret.added_at > newest.added_at ? secret : newest), undefined);
}
