import type { AuthMethod } from "../bindings/AuthMethod";
import type { ClientApp } from "../bindings/ClientApp";
import type { ClientAppInput } from "../bindings/ClientAppInput";
import type { ClientType } from "../bindings/ClientType";

/** What a new app's redirect URIs start as: the loopback callback desktop logins use. */
export const DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback";

/** What the app form edits: lists as the text the user types. */
export interface AppDraft {
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
  audience: string;
  resource: string;
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

export function draftOf(app: ClientApp | null): AppDraft {
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
    audience: app?.audience ?? "",
    resource: app?.resource ?? "",
  };
}

/** The command input for a draft; a public client always authenticates with `none`. */
export function inputOf(draft: AppDraft, environmentId: string): ClientAppInput {
  return {
    environment_id: environmentId,
    display_name: draft.display_name,
    client_id: draft.client_id,
    client_type: draft.client_type,
    auth_method: draft.client_type === "public" ? "none" : draft.auth_method,
    description: draft.description,
    logo_uri: draft.logo_uri.trim() === "" ? null : draft.logo_uri.trim(),
    redirect_uris: lines(draft.redirect_uris),
    logout_urls: lines(draft.logout_urls),
    web_origins: lines(draft.web_origins),
    default_scopes: draft.default_scopes.split(/\s+/).filter(Boolean),
    labels: draft.labels
      .split(",")
      .map((label) => label.trim())
      .filter(Boolean),
    link: draft.link.trim() === "" ? null : draft.link.trim(),
    audience: draft.audience.trim() === "" ? null : draft.audience.trim(),
    resource: draft.resource.trim() === "" ? null : draft.resource.trim(),
  };
}

/** Applies one field's change; switching the client type picks a fitting auth method. */
export function withField<K extends keyof AppDraft>(draft: AppDraft, key: K, value: AppDraft[K]): AppDraft {
  const next = { ...draft, [key]: value };
  if (key === "client_type") {
    if (value === "public") next.auth_method = "none";
    else if (draft.auth_method === "none") next.auth_method = "client_secret_basic";
  }
  return next;
}
