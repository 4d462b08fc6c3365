import { useEffect, useState, type ReactNode } from "react";
import type { Choices } from "../bindings/Choices";
import type { Environment } from "../bindings/Environment";
import type { SetupConflicts } from "../bindings/SetupConflicts";
import type { LinkedApp } from "../bindings/LinkedApp";
import { api, toIpcError } from "../api/client";
import { useApp, useAppBinding, useLinkedApps, useSecrets, useTeam, useTokenDetails } from "../api/queries";
import { credentialOf } from "../lib/authMethod";
import { measureToFrame } from "../lib/marks";
import type { AppRequest } from "../lib/palette";
import { localDateTime, plural } from "../lib/time";
import { AppForm } from "./AppForm";
import { BindingSettings } from "./BindingSettings";
import { ConfirmDialog } from "./ConfirmDialog";
import { DetailLoading } from "./EmptyDetail";
import { Icon } from "./Icon";
import { useReportError } from "./Problems";
import { RemotePanel } from "./RemotePanel";
import { ClientCertsPanel } from "./ClientCertsPanel";
import { SecretsPanel } from "./SecretsPanel";
import { SetupConflictDialog } from "./SetupConflictDialog";
import { SigningKeysPanel } from "./SigningKeysPanel";
import { TokenPanel } from "./TokenPanel";
import { useToast } from "./Toasts";

interface Props {
  appId: string;
  environment: Environment;
  onOpenLinked: (linked: LinkedApp) => void;
  /** The app is gone (deleted here or elsewhere): close the detail. */
  onClosed: () => void;
  /** An action on this app asked for from the command palette, and where to say it was taken. */
  request?: AppRequest | null;
  onRequestTaken?: (serial: number) => void;
}

/** Everything about one client app: its secrets, linked apps in other environments, its fields. */
export function AppDetail({ appId, environment, onOpenLinked, onClosed, request, onRequestTaken }: Props) {
  const app = useApp(appId);
  const linked = useLinkedApps(appId);
  const toast = useToast();
  const report = useReportError();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  // another member changed the app this member is deleting from a team environment
  const [removalConflicts, setRemovalConflicts] = useState<SetupConflicts | null>(null);
  // while the form shows a conflict, a refresh of the app (the team watch followed the vault)
  // must not start the form afresh: that would close the dialog and drop the draft
  const [formHeldAt, setFormHeldAt] = useState<string | null>(null);
  const missing = app.error ? toIpcError(app.error).code === "not_found" : false;
  // What the panels show first, asked for now with the app rather than once it has arrived and
  // the panels are drawn (a second round trip): they read the same cache. The app is open once
  // its token panel and its secrets are shown.
  const token = useTokenDetails(appId);
  const secrets = useSecrets(appId);
  const binding = useAppBinding(appId);
  const team = useTeam(environment.id).data ?? null;
  const shown = app.isSuccess && !token.isPending && !secrets.isPending && !binding.isPending;
  useEffect(() => {
    if (shown) measureToFrame("open-app", "open-app-start");
  }, [shown]);

  // Deleted elsewhere (the CLI, another window) or just now: close the detail; the list is
  // refreshed by the same change.
  useEffect(() => {
    if (missing) onClosed();
  }, [missing, onClosed]);

  if (missing) return <section className="detail detail-empty" aria-label="The app no longer exists" />;
  if (app.isPending) return <DetailLoading />;
  if (app.isError) {
    return (
      <section className="detail detail-empty">
        <p className="action-error" data-testid="action-error">{toIpcError(app.error).message}</p>
      </section>
    );
  }
  const current = app.data;
  const remove = async (choices?: Choices) => {
    setBusy(true);
    try {
      const deleted = await api.deleteApp(current.id, choices);
      setConfirming(false);
      setRemovalConflicts(null);
      toast(`Deleted — ${plural(deleted.keychain_entries_removed, "keychain entry", "keychain entries")} removed`, "success");
      onClosed();
    } catch (reason) {
      setConfirming(false);
      const error = toIpcError(reason);
      if (error.code === "setup_conflict" && error.conflicts) setRemovalConflicts(error.conflicts);
      else report(reason);
    } finally {
      setBusy(false);
    }
  };
  // "Theirs" for an app being deleted is the app as the other member changed it: nothing to
  // write (this window follows the vault); "yours" deletes it over their change.
  const settleRemoval = (choices: Choices) => {
    if (choices.each.every((choice) => choice.side === "theirs")) {
      setRemovalConflicts(null);
      toast(`Kept “${current.display_name}” as the other member changed it`, "info");
      return;
    }
    void remove(choices);
  };

  return (
    <section className="detail" data-testid="app-detail" aria-label={current.display_name}>
      <header className="detail-header">
        <div className="detail-heading">
          <h2 data-testid="app-title">{current.display_name}</h2>
          <div className="detail-facts">
            <code className="client-id" title="Client ID">{current.client_id}</code>
            <span className={`type-badge type-${current.client_type}`}>{current.client_type}</span>
            <span className="muted">{current.auth_method}</span>
          </div>
          <p className="muted detail-times">
            Created {localDateTime(current.created_at)} · updated {localDateTime(current.updated_at)}
          </p>
        </div>
        <button type="button" className="danger-text" data-testid="app-delete" onClick={() => { setConfirming(true); }}>
          <Icon name="trash" size={14} /> Delete app
        </button>
      </header>
      {current.description && <p className="detail-description">{current.description}</p>}
      {linked.data && linked.data.length > 0 && (
        <nav className="linked-apps" data-testid="linked-apps" aria-label="The same integration in other environments">
          <span className="linked-title">
            <Icon name="link" size={14} /> Also in
          </span>
          {linked.data.map((other) => (
            <button
              key={other.app_id}
              type="button"
              className={`linked-app kind-${other.environment_kind}`}
              data-testid="linked-app"
              title={`Switch to ${other.environment_name} and open ${other.display_name}`}
              onClick={() => { onOpenLinked(other); }}
            >
              <strong>{other.environment_name}</strong> · {other.display_name}
            </button>
          ))}
        </nav>
      )}
      <TokenPanel key={current.id + current.updated_at} app={current} environment={environment} request={request} onRequestTaken={onRequestTaken} />
      <RemotePanel app={current} environment={environment} onDeleted={onClosed} />
      {current.client_type === "confidential" ? (
        <CredentialPanels
          credential={credentialOf(current.auth_method)}
          secrets={<SecretsPanel app={current} environment={environment} request={request} onRequestTaken={onRequestTaken} />}
          keys={<SigningKeysPanel app={current} environment={environment} />}
          certificates={<ClientCertsPanel app={current} environment={environment} />}
        />
      ) : (
        <div className="notice" data-testid="public-client-notice">
          <strong>Public client — no secret.</strong> Native and browser apps cannot keep a secret, so this app
          authenticates with <code>none</code> and signs users in with PKCE. Switch it to confidential to store secrets.
        </div>
      )}
      <section className="panel" aria-labelledby="app-settings-title">
        <header className="panel-header">
          <h3 id="app-settings-title">Settings</h3>
        </header>
        <BindingSettings app={current} environment={environment} />
        <AppForm
          key={current.id + (formHeldAt ?? current.updated_at)}
          app={current}
          environmentId={current.environment_id}
          onSaved={(saved) => { toast(`Saved “${saved.display_name}”`, "success"); }}
          onCancel={() => undefined}
          onConflict={(open) => { setFormHeldAt(open ? current.updated_at : null); }}
        />
      </section>
      {confirming && (
        <ConfirmDialog
          title={`Delete “${current.display_name}”?`}
          confirmLabel="Delete app and its secrets"
          environment={environment}
          busy={busy}
          onCancel={() => { setConfirming(false); }}
          onConfirm={() => void remove()}
        >
          <p>
            {team
              ? `It is removed from the team vault “${team.team}” for every member, with its secrets (every version), and its tokens from this computer’s keychain. This cannot be undone here.`
              : "Its secrets are removed from this computer’s keychain and its settings from Authdeck. This cannot be undone here."}
          </p>
          <p>
            <strong>Tokens the provider already issued stay valid</strong> until they expire, and the app itself still
            exists at the provider: delete it there too if it should stop working.
          </p>
        </ConfirmDialog>
      )}
      {removalConflicts && (
        <SetupConflictDialog
          conflicts={removalConflicts}
          busy={busy}
          onChoose={settleRemoval}
          onCancel={() => { setRemovalConflicts(null); }}
        />
      )}
    </section>
  );
}

/** The credential panels, the one the app authenticates with first. */
function CredentialPanels(props: { credential: ReturnType<typeof credentialOf>; secrets: ReactNode; keys: ReactNode; certificates: ReactNode }) {
  const { credential, secrets, keys, certificates } = props;
  if (credential === "key") return <>{keys}{secrets}{certificates}</>;
  if (credential === "certificate") return <>{certificates}{secrets}{keys}</>;
  return <>{secrets}{keys}{certificates}</>;
}
