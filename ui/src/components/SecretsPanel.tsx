import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { SecretMeta } from "../bindings/SecretMeta";
import { api, toIpcError } from "../api/client";
import { keys, useSecrets, useTeam, useTeamPermissions } from "../api/queries";
import { credentialOf } from "../lib/authMethod";
import { ending } from "../lib/ending";
import { presentationOf } from "../lib/errors";
import { plural } from "../lib/time";
import type { AppRequest } from "../lib/palette";
import { usePaletteRequest } from "../lib/usePaletteRequest";
import { policyRefusals } from "../lib/vault";
import { AddSecretDialog } from "./AddSecretDialog";
import { useClipboard } from "./Clipboard";
import { ConfirmDialog } from "./ConfirmDialog";
import { Icon } from "./Icon";
import { useReportError } from "./Problems";
import { SecretRow } from "./SecretRow";
import { useToast } from "./Toasts";

interface Props {
  app: ClientApp;
  environment: Environment;
  /** An action asked for from the command palette (copying a secret is this panel's). */
  request?: AppRequest | null;
  onRequestTaken?: (serial: number) => void;
}

const PANEL_ACTIONS = ["copy-secret"] as const;

type Pending = { kind: "delete"; secret: SecretMeta } | { kind: "retire"; secrets: SecretMeta[] } | null;

const names = (secrets: readonly SecretMeta[]) => secrets.map((s) => `“${s.label || ending(s.fingerprint)}”`).join(", ");

/** The secrets of a confidential app: add, copy, reveal, rotate, retire, reactivate, delete. */
export function SecretsPanel({ app, environment, request, onRequestTaken }: Props) {
  const secrets = useSecrets(app.id);
  const client = useQueryClient();
  const toast = useToast();
  const report = useReportError();
  const [adding, setAdding] = useState<"add" | "rotate" | null>(null);
  const [offerRetire, setOfferRetire] = useState<SecretMeta[]>([]);
  const [pending, setPending] = useState<Pending>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [trimmed, setTrimmed] = useState<string | null>(null);
  const [verifying, setVerifying] = useState<string | null>(null);
  const production = environment.kind === "production";
  // a team environment's secrets are in its vault: changes there reach every member
  const team = useTeam(environment.id).data ?? null;
  const home = team ? `the team vault “${team.team}”` : "the keychain";
  // what the member's vault policy does not allow is disabled, by the vault's own answer
  const permissions = useTeamPermissions(environment.id, team !== null).data;
  const { copy } = useClipboard();

  const all = secrets.data ?? [];
  const active = all.filter((secret) => secret.state === "active");
  const retired = all.filter((secret) => secret.state === "retired");
  // asked of the vault secret by secret: the notes name every refusal among those shown
  const refusals = policyRefusals(permissions, all.map((secret) => secret.id));
  const policyNotes = [
    ...new Set(
      [refusals.change, ...all.flatMap((secret) => { const own = policyRefusals(permissions, [secret.id]); return [own.read, own.remove]; })].filter(
        (note) => note !== null,
      ),
    ),
  ];
  // the palette copies the first active secret, as its row's Copy button does
  usePaletteRequest({
    appId: app.id,
    appName: app.display_name,
    actions: PANEL_ACTIONS,
    request,
    onRequestTaken,
    ready: secrets.data !== undefined,
    refusal: () => (active[0] ? policyRefusals(permissions, [active[0].id]).read : "it has no active secret"),
    perform: { "copy-secret": () => { if (active[0]) void copy(active[0]); } },
  });

  /** Runs an action; a refusal to remove the last active secret is explained in place. */
  const run = async (action: () => Promise<unknown>, done: string) => {
    setRefusal(null);
    try {
      await action();
      toast(done, "success");
    } catch (reason) {
      const error = toIpcError(reason);
      if (presentationOf(error.code) === "notice") setRefusal(error.message);
      else report(error);
    }
  };
  const verify = async (secret: SecretMeta) => {
    setVerifying(secret.id);
    setRefusal(null);
    try {
      const checked = await api.verifySecret(secret.id);
      // the row shows the result at once, whatever the refetch brings later
      client.setQueryData<SecretMeta[]>(keys.secrets(app.id), (list) =>
        list?.map((item) => (item.id === checked.id ? checked : item)),
      );
      if (checked.last_verify_ok) toast(`${names([secret])} works: the provider issued a token`, "success");
      // the row says why, in the provider's words
      else toast(`${names([secret])} was refused by the provider; the row says why`, "error");
    } catch (reason) {
      const error = toIpcError(reason);
      if (presentationOf(error.code) === "notice") setRefusal(error.message);
      else report(error);
    } finally {
      setVerifying(null);
    }
  };
  const retire = (targets: SecretMeta[]) =>
    run(async () => {
      for (const secret of targets) await api.retireSecret(secret.id);
    }, `Retired ${names(targets)}`);
  const askRetire = (targets: SecretMeta[]) => {
    if (production) setPending({ kind: "retire", secrets: targets });
    else void retire(targets);
  };

  const header = (
    <header className="panel-header">
      <h3 id="secrets-title">
        Client secrets {all.length > 0 && <span className="count">{active.length} active</span>}
      </h3>
      <div className="panel-actions">
        {active.length > 0 && (
          <button
            type="button"
            data-testid="secret-rotate"
            disabled={refusals.change !== null}
            onClick={() => { setAdding("rotate"); }}
            title={refusals.change ?? "Add the new secret, then retire the old one"}
          >
            <Icon name="rotate" size={14} /> Rotate
          </button>
        )}
        <button
          type="button"
          className="primary"
          data-testid="secret-add"
          disabled={refusals.change !== null}
          title={refusals.change ?? undefined}
          onClick={() => { setAdding("add"); }}
        >
          <Icon name="plus" size={14} /> Add secret
        </button>
      </div>
    </header>
  );
  const body = (
    <>
      {policyNotes.length > 0 && (
        <div className="notice" data-testid="team-policy-note" role="note">
          <Icon name="lock" />
          <ul className="policy-notes">
            {policyNotes.map((note) => <li key={note}>{note}</li>)}
          </ul>
        </div>
      )}
      {refusal && (
        <div className="notice notice-refusal" data-testid="action-error" role="alert">
          <Icon name="warning" />
          <span>{refusal}</span>
          <button type="button" className="link-button" onClick={() => { setRefusal(null); }}>Dismiss</button>
        </div>
      )}
      {trimmed && (
        <div className="notice" data-testid="secret-trimmed-notice" role="status">
          <span>Whitespace around the pasted value was removed before {trimmed} was stored; the provider never puts spaces there.</span>
          <button type="button" className="link-button" onClick={() => { setTrimmed(null); }}>OK</button>
        </div>
      )}
      {offerRetire.length > 0 && (
        <div className="notice" role="status" data-testid="secret-retire-offer">
          <span>New secret stored. Retire the older {offerRetire.length === 1 ? "one" : "ones"} ({names(offerRetire)}) once nothing uses {offerRetire.length === 1 ? "it" : "them"}?</span>
          <button
            type="button"
            data-testid="secret-retire-older"
            onClick={() => {
              const older = offerRetire;
              setOfferRetire([]);
              askRetire(older);
            }}
          >
            Retire {plural(offerRetire.length, "older secret")}
          </button>
          <button type="button" className="link-button" onClick={() => { setOfferRetire([]); }}>Later</button>
        </div>
      )}
      {secrets.isPending && <div className="skeleton-row" aria-busy="true" aria-label="Loading secrets" />}
      {secrets.isError && <p className="action-error" data-testid="action-error">{toIpcError(secrets.error).message}</p>}
      {secrets.data && all.length === 0 && (
        <div className="empty empty-inline" data-testid="secrets-empty">
          <p className="empty-title">No secret stored for this app</p>
          <p>Paste the one the provider showed you when it created the app; it goes straight to {home}.</p>
        </div>
      )}
      {secrets.data && all.length > 0 && active.length === 0 && (
        <p className="hint-warning">No active secret: this app cannot get tokens until you add or reactivate one.</p>
      )}
      <ul className="secret-list">
        {active.map((secret) => (
          <SecretRow
            key={secret.id}
            secret={secret}
            rotationDays={environment.rotation_days}
            onRetire={(s) => { askRetire([s]); }}
            onReactivate={(s) => void run(() => api.reactivateSecret(s.id), `${names([s])} is active again`)}
            onDelete={(s) => { setPending({ kind: "delete", secret: s }); }}
            onVerify={(s) => void verify(s)}
            verifying={verifying === secret.id}
            refusals={policyRefusals(permissions, [secret.id])}
            home={home}
          />
        ))}
      </ul>
      {retired.length > 0 && (
        <details className="retired" open>
          <summary>Retired ({retired.length}) — kept until you delete them</summary>
          <ul className="secret-list">
            {retired.map((secret) => (
              <SecretRow
                key={secret.id}
                secret={secret}
                rotationDays={environment.rotation_days}
                onRetire={(s) => { askRetire([s]); }}
                onReactivate={(s) => void run(() => api.reactivateSecret(s.id), `${names([s])} is active again`)}
                onDelete={(s) => { setPending({ kind: "delete", secret: s }); }}
                onVerify={(s) => void verify(s)}
                verifying={verifying === secret.id}
                refusals={policyRefusals(permissions, [secret.id])}
                home={home}
              />
            ))}
          </ul>
        </details>
      )}
    </>
  );
  // A key or certificate app holds secrets only from before its auth method changed: they are
  // out of the way, and say why and how they come back.
  const unusedBy = credentialOf(app.auth_method) === "secret" ? null : app.auth_method;
  const unusedWhy = (
    <>
      not used: this app authenticates with <code>{unusedBy}</code>, not a client secret. Switching its auth method in
      Settings brings them back.
    </>
  );

  return (
    <section className={`panel secrets-panel${unusedBy ? " secrets-unused" : ""}`} aria-labelledby="secrets-title">
      {unusedBy === null ? (
        <>
          {header}
          {body}
        </>
      ) : secrets.data && all.length === 0 ? (
        <p className="panel-note muted" id="secrets-title" data-testid="secrets-unused">
          Client secrets — {unusedWhy}
        </p>
      ) : (
        <details data-testid="secrets-collapsed">
          <summary id="secrets-title">
            Client secrets ({all.length}) — {unusedWhy}
          </summary>
          {body}
        </details>
      )}
      {adding && (
        <AddSecretDialog
          app={app}
          environment={environment}
          rotating={adding === "rotate"}
          onClose={() => { setAdding(null); }}
          onAdded={(added) => {
            const olderActive = adding === "rotate" ? active : [];
            setAdding(null);
            setRefusal(null);
            setTrimmed(added.trimmed ? names([added.secret]) : null);
            toast(`Stored ${names([added.secret])} in ${home}`, "success");
            if (olderActive.length > 0) setOfferRetire(olderActive);
          }}
        />
      )}
      {pending?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete ${names([pending.secret])}?`}
          confirmLabel="Delete secret"
          environment={environment}
          onCancel={() => { setPending(null); }}
          onConfirm={() => {
            const secret = pending.secret;
            setPending(null);
            void run(() => api.deleteSecret(secret.id), `Deleted ${names([secret])} from ${home}`);
          }}
        >
          <p>
            {pending.secret.fingerprint ? (
              <>
                The secret ending in <code>…{pending.secret.fingerprint}</code>
              </>
            ) : (
              <>The secret “{pending.secret.label}”</>
            )}{" "}
            {team
              ? `is removed from ${home} with every version, for every member, and cannot be recovered there.`
              : "is removed from the keychain and cannot be recovered here."}{" "}
            At the provider it stays valid until you delete it there too.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === "retire" && (
        <ConfirmDialog
          title={`Retire ${names(pending.secrets)}?`}
          confirmLabel={pending.secrets.length === 1 ? "Retire secret" : `Retire ${pending.secrets.length} secrets`}
          environment={environment}
          onCancel={() => { setPending(null); }}
          onConfirm={() => {
            const targets = pending.secrets;
            setPending(null);
            void retire(targets);
          }}
        >
          <p>Retired secrets stay in {home} but are no longer used{team ? " by any member" : ""}. You can reactivate them later.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
