import { useState } from "react";
import type { AuthMethod } from "../bindings/AuthMethod";
import type { ClientApp } from "../bindings/ClientApp";
import type { ClientAppInput } from "../bindings/ClientAppInput";
import type { ClientType } from "../bindings/ClientType";
import { api, toIpcError } from "../api/client";
import { useFieldErrors } from "../lib/useFieldErrors";
import { Field } from "./Field";

export const DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback";

/** What the form edits: lists as the text the user types. */
interface Draft {
  display_name: string;
  client_id: string;
  client_type: ClientType;
  auth_method: AuthMethod;
  description: string;
  logo_uri: string;
  redirect_uris: string;
  logout_urls: string;
  web_origins: string;
  default_scopes: string;
  labels: string;
  link: string;
}

const lines = (text: string) => text.split("\n").map((line) => line.trim()).filter(Boolean);

export function draftOf(app: ClientApp | null): Draft {
  return {
    display_name: app?.display_name ?? "",
    client_id: app?.client_id ?? "",
    client_type: app?.client_type ?? "confidential",
    auth_method: app?.auth_method ?? "client_secret_basic",
    description: app?.description ?? "",
    logo_uri: app?.logo_uri ?? "",
    redirect_uris: (app?.redirect_uris ?? [DEFAULT_REDIRECT_URI]).join("\n"),
    logout_urls: (app?.logout_urls ?? []).join("\n"),
    web_origins: (app?.web_origins ?? []).join("\n"),
    default_scopes: (app?.default_scopes ?? []).join(" "),
    labels: (app?.labels ?? []).join(", "),
    link: app?.link ?? "",
  };
}

export function inputOf(draft: Draft, environmentId: string): ClientAppInput {
  return {
    environment_id: environmentId,
    display_name: draft.display_name,
    client_id: draft.client_id,
    client_type: draft.client_type,
    auth_method: draft.client_type === "public" ? "none" : draft.auth_method,
    description: draft.description,
    logo_uri: draft.logo_uri.trim() === "" ? null : draft.logo_uri,
    redirect_uris: lines(draft.redirect_uris),
    logout_urls: lines(draft.logout_urls),
    web_origins: lines(draft.web_origins),
    default_scopes: draft.default_scopes.split(/\s+/).filter(Boolean),
    labels: draft.labels.split(",").map((label) => label.trim()).filter(Boolean),
    link: draft.link.trim() === "" ? null : draft.link,
  };
}

interface Props {
  app: ClientApp | null;
  environmentId: string;
  onSaved: (app: ClientApp) => void;
  onCancel: () => void;
}

/** Creates or edits a client app; every field is validated by the backend as the user types. */
export function AppForm({ app, environmentId, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(app));
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const input = inputOf(draft, environmentId);
  const id = app?.id ?? null;
  const errors = useFieldErrors(input, (value: ClientAppInput) => api.validateApp(id, value));
  // A new, untouched form does not shout about empty required fields.
  const shown = app ? errors : errors.filter((error) => touched.has(error.field.split(".")[0] ?? ""));
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(app));

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setTouched((current) => new Set(current).add(key));
    setDraft((current) => {
      const next = { ...current, [key]: value };
      if (key === "client_type") next.auth_method = value === "public" ? "none" : "client_secret_basic";
      return next;
    });
  };

  const save = async () => {
    setTouched(new Set(Object.keys(draft)));
    setSaving(true);
    setSaveError(null);
    try {
      onSaved(id ? await api.updateApp(id, input) : await api.createApp(input));
    } catch (reason) {
      setSaveError(toIpcError(reason).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="form-grid app-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Field label="Display name" field="display_name" errors={shown}>
        <input data-testid="app-display-name" value={draft.display_name} onChange={(e) => { set("display_name", e.target.value); }} />
      </Field>
      <Field label="Client ID" field="client_id" errors={shown}>
        <input data-testid="app-client-id" className="mono" spellCheck={false} value={draft.client_id} onChange={(e) => { set("client_id", e.target.value); }} />
      </Field>
      <Field label="Client type" field="client_type" errors={shown}>
        <select data-testid="app-client-type" value={draft.client_type} onChange={(e) => { set("client_type", e.target.value as ClientType); }}>
          <option value="confidential">Confidential (has a secret)</option>
          <option value="public">Public (native, SPA: no secret)</option>
        </select>
      </Field>
      <Field label="Token endpoint auth method" field="auth_method" errors={shown}>
        <select
          data-testid="app-auth-method"
          value={draft.client_type === "public" ? "none" : draft.auth_method}
          disabled={draft.client_type === "public"}
          onChange={(e) => { set("auth_method", e.target.value as AuthMethod); }}
        >
          <option value="client_secret_basic">client_secret_basic (HTTP Basic)</option>
          <option value="client_secret_post">client_secret_post (in the body)</option>
          <option value="none">none (public client)</option>
        </select>
      </Field>
      <Field label="Redirect URIs" field="redirect_uris" errors={shown} hint="One per line. Loopback (127.0.0.1) works for desktop logins.">
        <textarea data-testid="app-redirect-uris" className="mono" rows={3} spellCheck={false} value={draft.redirect_uris} onChange={(e) => { set("redirect_uris", e.target.value); }} />
      </Field>
      <Field label="Default scopes" field="default_scopes" errors={shown} hint="Separated by spaces, e.g. openid profile sign:read">
        <input data-testid="app-scopes" className="mono" spellCheck={false} value={draft.default_scopes} onChange={(e) => { set("default_scopes", e.target.value); }} />
      </Field>
      <Field label="Allowed logout URLs" field="logout_urls" errors={shown} hint="One per line">
        <textarea data-testid="app-logout-urls" className="mono" rows={2} spellCheck={false} value={draft.logout_urls} onChange={(e) => { set("logout_urls", e.target.value); }} />
      </Field>
      <Field label="Allowed web origins" field="web_origins" errors={shown} hint="One per line, e.g. https://app.example.com">
        <textarea data-testid="app-web-origins" className="mono" rows={2} spellCheck={false} value={draft.web_origins} onChange={(e) => { set("web_origins", e.target.value); }} />
      </Field>
      <Field label="Labels" field="labels" errors={shown} hint="Comma separated">
        <input data-testid="app-labels" value={draft.labels} onChange={(e) => { set("labels", e.target.value); }} />
      </Field>
      <Field label="Link across environments" field="link" errors={shown} hint="Apps with the same link name follow you when you switch environments">
        <input data-testid="app-link" value={draft.link} placeholder="e.g. Billing sync" onChange={(e) => { set("link", e.target.value); }} />
      </Field>
      <Field label="Logo URI" field="logo_uri" errors={shown}>
        <input data-testid="app-logo-uri" className="mono" spellCheck={false} value={draft.logo_uri} onChange={(e) => { set("logo_uri", e.target.value); }} />
      </Field>
      <Field label="Description" field="description" errors={shown}>
        <textarea data-testid="app-description" rows={2} value={draft.description} onChange={(e) => { set("description", e.target.value); }} />
      </Field>
      {saveError && <p className="action-error form-span" data-testid="action-error" role="alert">{saveError}</p>}
      <div className="form-actions form-span">
        <button type="button" data-testid="app-cancel" onClick={() => { setDraft(draftOf(app)); setTouched(new Set()); onCancel(); }} disabled={app !== null && !dirty}>
          {app ? "Discard changes" : "Cancel"}
        </button>
        <button type="submit" className="primary" data-testid="app-save" disabled={saving || (app !== null && !dirty)}>
          {app ? "Save changes" : "Create app"}
        </button>
      </div>
    </form>
  );
}
