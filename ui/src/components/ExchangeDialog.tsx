import { useState, type ReactNode } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { ExchangeError } from "../bindings/ExchangeError";
import type { ExchangePart } from "../bindings/ExchangePart";
import type { TokenStatus } from "../bindings/TokenStatus";
import { api, toExchangeError } from "../api/client";
import { useTokenStatuses } from "../api/queries";
import { TOKEN_TYPES, exchangeRequest } from "../lib/exchange";
import { STATE_LABEL, liveState, useNow } from "../lib/tokens";
import { useFocusReturn } from "../lib/useFocusReturn";
import { ConfirmDialog } from "./ConfirmDialog";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { Icon } from "./Icon";

/** What the dialog starts from: the last exchange's fields, when there was one. */
export interface ExchangeForm {
  subject: string;
  /** The app whose token is the actor token (RFC 8693 §2.1); "" for none. */
  actor: string;
  audiences: string;
  resources: string;
  scopes: string;
  tokenType: string;
}

interface Props {
  app: ClientApp;
  environment: Environment;
  initial?: Partial<ExchangeForm>;
  onExchanged: (status: TokenStatus, form: ExchangeForm) => void;
  onClose: () => void;
}

/** Where each part's failure is shown: next to the field it is about. */
function Failure({ error, part }: { error: ExchangeError | null; part: ExchangePart }): ReactNode {
  if (error?.part !== part) return null;
  return (
    <span className="inline-refusal" data-testid="exchange-error" data-part={part} role="alert">
      {error.message}
      {error.provider_error && (
        <span className="exchange-provider-said" data-testid="exchange-provider-error">
          {" "}The provider said <code>{error.provider_error}</code>
          {error.provider_description ? `: ${error.provider_description}` : ""}.
        </span>
      )}
    </span>
  );
}

/**
 * Token exchange (RFC 8693): another app's access token traded for one of this app, kept as its
 * token. A failure is shown next to what caused it; in production the exchange asks first.
 */
export function ExchangeDialog({ app, environment, initial, onExchanged, onClose }: Props) {
  const statuses = useTokenStatuses(environment.id);
  const now = useNow();
  // the environment's other apps that hold a token, whatever its state: the backend gets a
  // new one first where it can, or says why not
  const subjects = (statuses.data ?? []).filter((status) => status.app_id !== app.id && status.token !== null);
  const [form, setForm] = useState<ExchangeForm>({
    subject: initial?.subject ?? "",
    actor: initial?.actor ?? "",
    audiences: initial?.audiences ?? "",
    resources: initial?.resources ?? "",
    scopes: initial?.scopes ?? "",
    tokenType: initial?.tokenType ?? "",
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ExchangeError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const rememberFocus = useFocusReturn(busy);
  const production = environment.kind === "production";
  // a remembered subject that no longer holds a token is not offered
  const subject = subjects.some((status) => status.app_id === form.subject) ? form.subject : (subjects[0]?.app_id ?? "");
  // any other app may act for the subject: the backend gets its token first where it can
  const actors = (statuses.data ?? []).filter((status) => status.app_id !== app.id);
  const actor = actors.some((status) => status.app_id === form.actor) ? form.actor : "";
  const set = (key: keyof ExchangeForm) => (event: { target: { value: string } }) => {
    setError(null);
    setForm((current) => ({ ...current, [key]: event.target.value }));
  };

  const exchange = async () => {
    if (!subject || busy) return;
    rememberFocus();
    setBusy(true);
    setError(null);
    try {
      const status = await api.exchangeToken(app.id, exchangeRequest(subject, { ...form, actor }));
      onExchanged(status, { ...form, subject, actor });
    } catch (reason) {
      setError(toExchangeError(reason));
    } finally {
      setBusy(false);
    }
  };
  // a field is marked invalid only by a failure about it
  const refusalFor = (part: ExchangePart) => (error?.part === part ? <Failure error={error} part={part} /> : undefined);
  const submit = () => {
    if (production) setConfirming(true);
    else void exchange();
  };

  return (
    <Dialog
      title={`Exchange a token for “${app.display_name}”`}
      subtitle="Another app’s access token is traded for a token of this app (RFC 8693); it replaces this app’s token."
      testId="exchange-dialog"
      production={production}
      wide
      onClose={onClose}
    >
      <form
        className="dialog-body form-grid exchange-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {error?.part === "grant" && (
          <div className="notice notice-refusal form-span" role="alert">
            <Icon name="warning" />
            <Failure error={error} part="grant" />
          </div>
        )}
        <Field
          label="Subject token from"
          field="subject_app"
          errors={[]}
          wide
          hint="Its current access token is sent as the subject token; a new one is got first when it has expired."
          refusal={refusalFor("subject")}
        >
          <select data-testid="exchange-subject" value={subject} disabled={subjects.length === 0} onChange={set("subject")}>
            {subjects.map((status) => (
              <option key={status.app_id} value={status.app_id}>
                {status.app_name} — {STATE_LABEL[liveState(status, now).state]}
              </option>
            ))}
          </select>
        </Field>
        {statuses.isSuccess && subjects.length === 0 && (
          <p className="notice form-span" data-testid="exchange-no-subject">
            No other app of “{environment.name}” holds a token. Get one for the app whose token is to be exchanged first.
          </p>
        )}
        <Field
          label="Actor token from"
          field="actor_app"
          errors={[]}
          wide
          hint="Optional, for delegation: its current access token is sent as the actor token, the party acting for the subject."
          refusal={refusalFor("actor")}
        >
          <select data-testid="exchange-actor" value={actor} onChange={set("actor")}>
            <option value="">None</option>
            {actors.map((status) => (
              <option key={status.app_id} value={status.app_id}>
                {status.app_name} — {status.token ? STATE_LABEL[liveState(status, now).state] : "no token yet"}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Audience" field="audiences" errors={[]} hint="Where the new token is to be used; separate several by spaces.">
          <input data-testid="exchange-audience" className="mono" spellCheck={false} autoComplete="off" value={form.audiences} onChange={set("audiences")} />
        </Field>
        <Field label="Resource" field="resources" errors={[]} hint="Resource indicators (RFC 8707), URIs; separate several by spaces.">
          <input data-testid="exchange-resource" className="mono" spellCheck={false} autoComplete="off" value={form.resources} onChange={set("resources")} />
        </Field>
        {error?.part === "target" && (
          <p className="form-span">
            <Failure error={error} part="target" />
          </p>
        )}
        <Field
          label="Scope"
          field="scopes"
          errors={[]}
          hint="At most the subject token’s; empty lets the provider decide."
          refusal={refusalFor("scope")}
        >
          <input data-testid="exchange-scope" className="mono" spellCheck={false} autoComplete="off" value={form.scopes} onChange={set("scopes")} />
        </Field>
        <Field label="Requested token type" field="requested_token_type" errors={[]}>
          <select data-testid="exchange-token-type" value={form.tokenType} onChange={set("tokenType")}>
            {TOKEN_TYPES.map((type) => (
              <option key={type.uri} value={type.uri} title={type.uri || undefined}>
                {type.name}
              </option>
            ))}
          </select>
        </Field>
        {error?.part === "request" && (
          <p className="form-span">
            <Failure error={error} part="request" />
          </p>
        )}
        <footer className="dialog-footer form-span">
          <button type="button" data-testid="exchange-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="exchange-submit" disabled={busy || !subject} aria-busy={busy}>
            {busy ? "Exchanging…" : "Exchange"}
          </button>
        </footer>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Exchange a token for “${app.display_name}” in production?`}
          confirmLabel="Exchange"
          environment={environment}
          busy={busy}
          onCancel={() => { setConfirming(false); }}
          onConfirm={() => {
            setConfirming(false);
            void exchange();
          }}
        >
          <p>The exchanged token replaces the token “{app.display_name}” holds now; anything using that token gets the new one.</p>
        </ConfirmDialog>
      )}
    </Dialog>
  );
}
