import type { Environment } from "../bindings/Environment";
import type { TokenState } from "../bindings/TokenState";
import { toIpcError } from "../api/client";
import { useTokenStatuses } from "../api/queries";
import { STATE_LABEL, liveState, useNow } from "../lib/tokens";
import { Dialog } from "./Dialog";
import { TokenStateBadge, timeLeft } from "./TokenPanel";

interface Props {
  environment: Environment;
  /** The app open in the detail pane, marked in the list. */
  currentAppId?: string | null;
  onOpen: (appId: string) => void;
  onClose: () => void;
}

const ORDER: TokenState[] = ["valid", "expiring_soon", "expired", "revoked", "sign_in_ended", "none"];

/** Every app of the environment with its token state and time left, live. */
export function TokenOverview({ environment, currentAppId = null, onOpen, onClose }: Props) {
  const statuses = useTokenStatuses(environment.id);
  const now = useNow();
  const rows = statuses.data ?? [];
  const counts = new Map<TokenState, number>();
  for (const status of rows) {
    const { state } = liveState(status, now);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const summary = ORDER.filter((state) => counts.has(state))
    .map((state) => `${String(counts.get(state))} ${STATE_LABEL[state].toLowerCase()}`)
    .join(" · ");

  return (
    <Dialog title={`Tokens in ${environment.name}`} subtitle={summary || "No apps yet."} testId="token-overview" wide production={environment.kind === "production"} onClose={onClose}>
      <div className="dialog-body">
      {statuses.isError && <p className="action-error" data-testid="action-error">{toIpcError(statuses.error).message}</p>}
      {statuses.isPending && <div className="skeleton-row" aria-busy="true" aria-label="Loading token states" />}
      {rows.length > 0 && (
        <table className="overview-table">
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">State</th>
              <th scope="col">Time left</th>
              <th scope="col">Scopes</th>
              <th scope="col">Renewal</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((status) => (
              <tr
                key={status.app_id}
                data-testid="token-overview-row"
                data-app-id={status.app_id}
                data-state={liveState(status, now).state}
                className={status.app_id === currentAppId ? "current" : undefined}
                aria-current={status.app_id === currentAppId ? "true" : undefined}
                tabIndex={0}
                onClick={() => { onOpen(status.app_id); }}
                onKeyDown={(event) => {
                  if (event.key === "Enter" || event.key === " ") {
                    event.preventDefault();
                    onOpen(status.app_id);
                  }
                }}
                title={`Open “${status.app_name}”`}
              >
                <th scope="row">{status.app_name}</th>
                <td>
                  <TokenStateBadge status={status} now={now} />
                </td>
                <td className="numeric">{timeLeft(status, now)}</td>
                <td>
                  {status.token ? (status.token.granted_scopes ?? status.token.requested_scopes).join(" ") || "—" : "—"}
                  {status.scopes_missing.length > 0 && <span className="hint-warning"> missing {status.scopes_missing.join(" ")}</span>}
                </td>
                <td>
                  {status.client_type === "public"
                    ? "browser sign-in"
                    : status.token?.renew_error
                      ? "stopped (failed)"
                      : status.auto_renew
                        ? "automatic"
                        : "off"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      </div>
    </Dialog>
  );
}
