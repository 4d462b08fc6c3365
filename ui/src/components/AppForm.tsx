import { useState } from "react";
import type { AuthMethod } from "../bindings/AuthMethod";
import type { Choices } from "../bindings/Choices";
import type { ClientApp } from "../bindings/ClientApp";
import type { ClientAppInput } from "../bindings/ClientAppInput";
import type { ClientType } from "../bindings/ClientType";
import type { FieldError } from "../bindings/FieldError";
import type { SetupConflicts } from "../bindings/SetupConflicts";
import { api, toIpcError } from "../api/client";
import { useAuthMethods } from "../api/queries";
import { draftOf, inputOf, withField, type AppDraft } from "../lib/appDraft";
import { presentationOf } from "../lib/errors";
import { useFieldErrors } from "../lib/useFieldErrors";
import { Field } from "./Field";
import { useReportError } from "./Problems";
import { SetupConflictDialog } from "./SetupConflictDialog";

interface Props {
  app: ClientApp | null;
  environmentId: string;
  onSaved: (app: ClientApp) => void;
  onCancel: () => void;
  /** A conflict with another member's change is shown (true) or settled (false): the form keeps its draft meanwhile. */
  onConflict?: (open: boolean) => void;
}

/** Creates or edits a client app; every field is validated by the backend as the user types. */
export function AppForm({ app, environmentId, onSaved, onCancel, onConflict }: Props) {
  const [draft, setDraft] = useState<AppDraft>(() => draftOf(app));
  // A new form does not complain about fields the user has not reached yet.
  const [touched, setTouched] = useState<Set<string>>(() => new Set(app ? ["*"] : []));
  const [saving, setSaving] = useState(false);
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  // another member changed the same fields of the team environment's set-up
  const [conflicts, setConflicts] = useState<SetupConflicts | null>(null);
  // the app as it was when the conflict was shown: the window may follow the vault meanwhile
  const [conflictSeen, setConflictSeen] = useState<string | null>(null);
  const showConflicts = (shown: SetupConflicts | null) => {
    setConflicts(shown);
    setConflictSeen(shown ? (app?.updated_at ?? null) : null);
    onConflict?.(shown !== null);
  };
  const report = useReportError();
  const input = inputOf(draft, environmentId);
  const id = app?.id ?? null;
  const errors = useFieldErrors(input, (value: ClientAppInput) => api.validateApp(id, value));
  const shown = [...errors, ...saveErrors].filter(
    (error) => touched.has("*") || touched.has(error.field.split(".")[0] ?? "") || error.field === "",
  );
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(app));
  const isPublic = draft.client_type === "public";
  const authMethods = useAuthMethods(environmentId);
  // until the backend answers, the method set is the only one offered
  const choices = authMethods.data?.methods ?? [{ method: draft.auth_method, summary: "", listed: true }];
  const providerLists = authMethods.data?.listed_by_provider ?? null;

  const set = <K extends keyof AppDraft>(key: K, value: AppDraft[K]) => {
    setTouched((current) => new Set(current).add(key));
    setSaveErrors([]);
    setDraft((current) => withField(current, key, value));
  };

  const save = async (choices?: Choices, from: AppDraft = draft) => {
    setTouched(new Set(["*"]));
    setSaving(true);
    try {
      const changes = inputOf(from, environmentId);
      const saved = id ? await api.updateApp(id, changes, choices) : await api.createApp(changes, choices);
      showConflicts(null);
      onSaved(saved);
    } catch (reason) {
      const error = toIpcError(reason);
      if (error.code === "setup_conflict" && error.conflicts) showConflicts(error.conflicts);
      else if (presentationOf(error.code) === "field") setSaveErrors([{ field: error.field ?? "", message: error.message }]);
      else report(error);
    } finally {
      setSaving(false);
    }
  };
  /**
   * Saves again with a side chosen per field. When this window followed the vault while the
   * dialog was open, the app here already holds their values, which are now the merge's base:
   * a field kept as "theirs" must then be theirs in the draft too, or the draft would win.
   */
  const saveChosen = (choices: Choices) => {
    let from = draft;
    if (app && conflictSeen !== app.updated_at) {
      const current = draftOf(app);
      for (const choice of choices.each) {
        if (choice.side === "theirs" && choice.client_id === app.client_id && choice.field in current) {
          const field = choice.field as keyof AppDraft;
          from = withField(from, field, current[field]);
        }
      }
      setDraft(from);
    }
    void save(choices, from);
  };
  const text = (key: keyof AppDraft) => ({
    value: draft[key],
    onChange: (event: { target: { value: string } }) => {
      set(key, event.target.value);
    },
  });
  const generalErrors = shown.filter((error) => error.field === "");

  return (
    <form
      className="form-grid app-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Field label="Display name" field="display_name" errors={shown}>
        <input data-testid="app-display-name" autoComplete="off" placeholder="Billing sync" {...text("display_name")} />
      </Field>
      <Field label="Client ID" field="client_id" errors={shown} hint="The public ID the provider issued.">
        <input data-testid="app-client-id" className="mono" spellCheck={false} autoComplete="off" {...text("client_id")} />
      </Field>
      <Field label="Client type" field="client_type" errors={shown}>
        <select data-testid="app-client-type" value={draft.client_type} onChange={(e) => { set("client_type", e.target.value as ClientType); }}>
          <option value="confidential">Confidential — keeps a secret (server, CI)</option>
          <option value="public">Public — native or browser app, no secret</option>
        </select>
      </Field>
      <Field
        label="Token endpoint authentication"
        field="auth_method"
        errors={shown}
        hint={
          isPublic ? (
            "Public clients never send a secret: PKCE protects their logins."
          ) : providerLists ? (
            <span data-testid="app-auth-methods-listed">The provider lists {providerLists.join(", ")}.</span>
          ) : undefined
        }
      >
        <select
          data-testid="app-auth-method"
          value={isPublic ? "none" : draft.auth_method}
          disabled={isPublic}
          onChange={(e) => { set("auth_method", e.target.value as AuthMethod); }}
        >
          {/* the methods come from the backend, so a method it learns appears here unasked */}
          {choices.map((choice) => (
            <option key={choice.method} value={choice.method} disabled={!choice.listed}>
              {choice.method}
              {choice.summary ? ` — ${choice.summary}` : ""}
              {choice.listed ? "" : " — not listed by the provider"}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Redirect URIs" field="redirect_uris" errors={shown} hint="One per line. A loopback URI (127.0.0.1) suits desktop logins.">
        <textarea data-testid="app-redirect-uris" className="mono" rows={3} spellCheck={false} {...text("redirect_uris")} />
      </Field>
      <Field label="Default scopes" field="default_scopes" errors={shown} hint="Separated by spaces, e.g. openid profile sign:read">
        <input data-testid="app-scopes" className="mono" spellCheck={false} autoComplete="off" {...text("default_scopes")} />
      </Field>
      <Field label="Allowed logout URLs" field="logout_urls" errors={shown} hint="One per line.">
        <textarea data-testid="app-logout-urls" className="mono" rows={2} spellCheck={false} {...text("logout_urls")} />
      </Field>
      <Field label="Allowed web origins" field="web_origins" errors={shown} hint="One per line, e.g. https://app.example.com">
        <textarea data-testid="app-web-origins" className="mono" rows={2} spellCheck={false} {...text("web_origins")} />
      </Field>
      <Field label="Labels" field="labels" errors={shown} hint="Comma separated; the filter searches them.">
        <input data-testid="app-labels" autoComplete="off" placeholder="payments, internal" {...text("labels")} />
      </Field>
      <Field label="Link across environments" field="link" errors={shown} hint="Apps with the same link follow you when you switch environments.">
        <input data-testid="app-link" autoComplete="off" placeholder="e.g. Billing sync" {...text("link")} />
      </Field>
      <Field label="Audience" field="audience" errors={shown} hint="Sent as audience with token requests (Auth0 and others ask for it).">
        <input data-testid="app-audience" className="mono" spellCheck={false} autoComplete="off" placeholder="https://api.example.com" {...text("audience")} />
      </Field>
      <Field label="Resource indicator" field="resource" errors={shown} hint="Sent as resource with token requests (RFC 8707).">
        <input data-testid="app-resource" className="mono" spellCheck={false} autoComplete="off" placeholder="https://api.example.com/" {...text("resource")} />
      </Field>
      <Field label="Logo URI" field="logo_uri" errors={shown}>
        <input data-testid="app-logo-uri" className="mono" spellCheck={false} autoComplete="off" {...text("logo_uri")} />
      </Field>
      <Field label="Description" field="description" errors={shown}>
        <textarea data-testid="app-description" rows={2} {...text("description")} />
      </Field>
      {generalErrors.length > 0 && (
        <p className="action-error form-span" data-testid="action-error" role="alert">
          {generalErrors.map((error) => error.message).join(" ")}
        </p>
      )}
      {conflicts && (
        <SetupConflictDialog
          conflicts={conflicts}
          busy={saving}
          onChoose={saveChosen}
          onCancel={() => {
            showConflicts(null);
          }}
        />
      )}
      <div className="form-actions form-span">
        {app && dirty && <span className="unsaved muted">Unsaved changes</span>}
        <button
          type="button"
          data-testid="app-cancel"
          onClick={() => {
            setDraft(draftOf(app));
            setTouched(new Set(app ? ["*"] : []));
            setSaveErrors([]);
            onCancel();
          }}
          disabled={app !== null && !dirty}
        >
          {app ? "Discard changes" : "Cancel"}
        </button>
        <button type="submit" className="primary" data-testid="app-save" disabled={saving || (app !== null && !dirty)}>
          {saving ? "Saving…" : app ? "Save changes" : "Create app"}
        </button>
      </div>
    </form>
  );
}
