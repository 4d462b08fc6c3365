import { useState } from "react";
import type { Choices } from "../bindings/Choices";
import type { Discovery } from "../bindings/Discovery";
import type { Endpoints } from "../bindings/Endpoints";
import type { Environment } from "../bindings/Environment";
import type { EnvironmentInput } from "../bindings/EnvironmentInput";
import type { EnvironmentKind } from "../bindings/EnvironmentKind";
import type { FieldError } from "../bindings/FieldError";
import type { SetupConflicts } from "../bindings/SetupConflicts";
import { api, toIpcError } from "../api/client";
import { presentationOf } from "../lib/errors";
import { useFieldErrors } from "../lib/useFieldErrors";
import { ColorPicker, KIND_COLORS } from "./ColorPicker";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { useReportError } from "./Problems";
import { ProfilePicker } from "./ProfilePicker";
import { SetupConflictDialog } from "./SetupConflictDialog";

const ENDPOINTS: { key: keyof Endpoints; label: string; testId: string; placeholder: string }[] = [
  { key: "issuer_url", label: "Issuer", testId: "env-issuer-url", placeholder: "https://id.example.com" },
  { key: "authorization_url", label: "Authorization endpoint", testId: "env-authorization-url", placeholder: "https://id.example.com/oauth/authorize" },
  { key: "token_url", label: "Token endpoint", testId: "env-token-url", placeholder: "https://id.example.com/oauth/token" },
  { key: "token_info_url", label: "Token info endpoint", testId: "env-token-info-url", placeholder: "https://id.example.com/oauth/token/info" },
  { key: "introspection_url", label: "Introspection endpoint", testId: "env-introspection-url", placeholder: "https://id.example.com/oauth/introspect" },
  { key: "revocation_url", label: "Revocation endpoint", testId: "env-revocation-url", placeholder: "https://id.example.com/oauth/revoke" },
  { key: "device_authorization_url", label: "Device authorization endpoint", testId: "env-device-authorization-url", placeholder: "https://id.example.com/oauth/device/code" },
  { key: "api_base_url", label: "API base URL", testId: "env-api-base-url", placeholder: "https://api.example.com" },
];

interface Discovered {
  discovery: Discovery;
  changed: (keyof Endpoints)[];
  /** What the changed fields held before (null: they were empty). */
  before: Partial<Record<keyof Endpoints, string | null>>;
}

/** Why discovery failed: the issuer itself (next to the field) or anything else (under the button). */
type DiscoveryFailure = { onIssuer: boolean; message: string };

const labelOf = (key: keyof Endpoints) => ENDPOINTS.find((endpoint) => endpoint.key === key)?.label ?? key;

/** The endpoints with each one a profile's templates gave; the others stay as they are. */
export function withTemplates(current: Endpoints, filled: Endpoints): { endpoints: Endpoints; changed: (keyof Endpoints)[] } {
  const endpoints = { ...current };
  const changed: (keyof Endpoints)[] = [];
  for (const key of ENDPOINTS.map((endpoint) => endpoint.key)) {
    const value = filled[key];
    if (value && value !== current[key]) {
      endpoints[key] = value;
      changed.push(key);
    }
  }
  return { endpoints, changed };
}

/** The endpoints with what discovery found; the token info and API base URL stay the user's. */
export function withDiscovered(current: Endpoints, found: Discovery): { endpoints: Endpoints; changed: (keyof Endpoints)[] } {
  const endpoints = { ...current };
  const changed: (keyof Endpoints)[] = [];
  for (const key of ["authorization_url", "token_url", "introspection_url", "revocation_url", "device_authorization_url"] as const) {
    const value = found.endpoints[key];
    if (value && value !== current[key]) {
      endpoints[key] = value;
      changed.push(key);
    }
  }
  return { endpoints, changed };
}

export function initialEnvironment(environment: Environment | null): EnvironmentInput {
  if (environment) {
    const { name, kind, color, endpoints, profile, rotation_days } = environment;
    return { name, kind, color, endpoints, profile, rotation_days };
  }
  return {
    name: "",
    kind: "sandbox",
    color: KIND_COLORS.sandbox,
    endpoints: {
      issuer_url: null,
      authorization_url: null,
      token_url: null,
      token_info_url: null,
      introspection_url: null,
      revocation_url: null,
      api_base_url: null,
      device_authorization_url: null,
    },
    profile: "standard",
    rotation_days: 90,
  };
}

interface Props {
  environment: Environment | null;
  onClose: () => void;
  onSaved: (environment: Environment) => void;
}

/** Creates or edits an environment, validated by the backend as the user types. */
export function EnvironmentForm({ environment, onClose, onSaved }: Props) {
  const [input, setInput] = useState<EnvironmentInput>(() => initialEnvironment(environment));
  // Fields the user has changed: a new, empty form does not open with complaints.
  const [touched, setTouched] = useState<Set<string>>(() => new Set(environment ? ["*"] : []));
  const [saving, setSaving] = useState(false);
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  // another member changed the same fields of the team environment's set-up
  const [conflicts, setConflicts] = useState<SetupConflicts | null>(null);
  const [discovering, setDiscovering] = useState(false);
  const [discovered, setDiscovered] = useState<Discovered | null>(null);
  const [discoveryFailure, setDiscoveryFailure] = useState<DiscoveryFailure | null>(null);
  const [templated, setTemplated] = useState<{ name: string; changed: (keyof Endpoints)[] } | null>(null);
  const report = useReportError();
  const id = environment?.id ?? null;
  const errors = useFieldErrors(input, (value: EnvironmentInput) => api.validateEnvironment(id, value));
  const shown = [...errors, ...saveErrors].filter((error) => touched.has("*") || touched.has(error.field) || error.field === "");

  const update = (field: string, patch: Partial<EnvironmentInput>) => {
    setTouched((current) => new Set(current).add(field));
    setSaveErrors([]);
    setInput((current) => ({ ...current, ...patch }));
  };
  const setEndpoint = (key: keyof Endpoints, value: string) => {
    update(`endpoints.${key}`, { endpoints: { ...input.endpoints, [key]: value.trim() === "" ? null : value } });
  };

  const discover = async () => {
    const issuer = (input.endpoints.issuer_url ?? "").trim();
    setDiscovering(true);
    setDiscovered(null);
    setDiscoveryFailure(null);
    try {
      const found = await api.discover(issuer);
      const { endpoints, changed } = withDiscovered(input.endpoints, found);
      const before = Object.fromEntries(changed.map((key) => [key, input.endpoints[key]]));
      setTouched((current) => new Set([...current, "endpoints.issuer_url", ...changed.map((key) => `endpoints.${key}`)]));
      setSaveErrors([]);
      setInput((current) => ({ ...current, endpoints }));
      setDiscovered({ discovery: found, changed, before });
    } catch (reason) {
      const failure = toIpcError(reason);
      if (failure.code === "validation" || presentationOf(failure.code) === "notice") {
        setDiscoveryFailure({ onIssuer: failure.code === "validation", message: failure.message });
      } else {
        report(failure);
      }
    } finally {
      setDiscovering(false);
    }
  };

  const fillFromProfile = (filled: Endpoints, name: string) => {
    const { endpoints, changed } = withTemplates(input.endpoints, filled);
    setTouched((current) => new Set([...current, ...changed.map((key) => `endpoints.${key}`)]));
    setSaveErrors([]);
    setInput((current) => ({ ...current, endpoints }));
    setDiscovered(null);
    setTemplated({ name, changed });
  };

  const save = async (choices?: Choices) => {
    setTouched(new Set(["*"]));
    setSaving(true);
    try {
      const saved = id ? await api.updateEnvironment(id, input, choices) : await api.createEnvironment(input);
      setConflicts(null);
      onSaved(saved);
    } catch (reason) {
      const failure = toIpcError(reason);
      if (failure.code === "setup_conflict" && failure.conflicts) setConflicts(failure.conflicts);
      else if (presentationOf(failure.code) === "field") setSaveErrors([{ field: failure.field ?? "", message: failure.message }]);
      else report(failure);
    } finally {
      setSaving(false);
    }
  };

  const production = input.kind === "production";
  const issuerProblems = shown.some((error) => error.field === "endpoints.issuer_url");
  return (
    <Dialog
      title={environment ? `Edit “${environment.name}”` : "New environment"}
      subtitle="Where a set of client apps is registered: a provider’s sandbox, production or another."
      testId="env-form"
      onClose={onClose}
      production={environment?.kind === "production"}
      wide
    >
      <form
        className="dialog-body form-grid"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label="Name" field="name" errors={shown}>
          <input data-testid="env-name" value={input.name} placeholder="Sandbox" autoComplete="off" onChange={(e) => { update("name", { name: e.target.value }); }} />
        </Field>
        <Field label="Kind" field="kind" errors={shown} hint={production ? "Marked in red everywhere; destructive actions ask first." : undefined}>
          <select
            data-testid="env-kind"
            value={input.kind}
            onChange={(e) => {
              const kind = e.target.value as EnvironmentKind;
              // keep a colour the user picked; follow the kind while it is a kind's default
              const followKind = Object.values(KIND_COLORS).includes(input.color.toLowerCase());
              update("kind", { kind, color: followKind ? KIND_COLORS[kind] : input.color });
            }}
          >
            <option value="sandbox">Sandbox</option>
            <option value="production">Production</option>
            <option value="other">Other</option>
          </select>
        </Field>
        <Field label="Colour" field="color" errors={shown} group>
          <ColorPicker value={input.color} onChange={(color) => { update("color", { color }); }} />
        </Field>
        <Field label="Rotate secrets after (days)" field="rotation_days" errors={shown} hint="Older active secrets are flagged.">
          <input
            data-testid="env-rotation-days"
            type="number"
            min={1}
            max={3650}
            value={input.rotation_days === 0 ? "" : input.rotation_days}
            onChange={(e) => { update("rotation_days", { rotation_days: e.target.value === "" ? 0 : Number(e.target.value) }); }}
          />
        </Field>
        <div className="form-section form-span">
          <h3>Endpoints</h3>
          <p className="muted">Optional until a flow needs them. HTTPS, or plain http on a loopback address.</p>
        </div>
        <ProfilePicker
          profile={input.profile}
          onProfile={(profile) => {
            setTemplated(null);
            update("profile", { profile });
          }}
          onFill={fillFromProfile}
        />
        {templated && (
          <p className="muted form-span" data-testid="env-profile-filled" role="status">
            {templated.changed.length === 0
              ? `The endpoints already match the ${templated.name} profile.`
              : `Filled ${templated.changed.map(labelOf).join(", ")} from the ${templated.name} profile. Check them, then save.`}
          </p>
        )}
        <div className="form-span discover-line">
          <Field
            label="Issuer"
            field="endpoints.issuer_url"
            errors={shown}
            hint="Its metadata can fill the endpoints below."
            refusal={
              discoveryFailure?.onIssuer && (
                // the form's name for the field and the backend's (discover says "issuer_url")
                <span
                  className="field-error"
                  data-testid={issuerProblems ? undefined : "field-error-endpoints.issuer_url"}
                >
                  <span data-testid="field-error-issuer_url">{discoveryFailure.message}</span>
                </span>
              )
            }
          >
            <input
              data-testid="env-issuer-url"
              className="mono"
              type="url"
              value={input.endpoints.issuer_url ?? ""}
              placeholder="https://id.example.com"
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                setDiscoveryFailure(null);
                setEndpoint("issuer_url", e.target.value);
              }}
              onKeyDown={(e) => {
                // Enter in the issuer field reads its metadata instead of saving the form
                if (e.key === "Enter" && input.endpoints.issuer_url && !discovering) {
                  e.preventDefault();
                  void discover();
                }
              }}
            />
          </Field>
          <button
            type="button"
            data-testid="env-discover"
            disabled={discovering || !input.endpoints.issuer_url}
            aria-busy={discovering}
            onClick={() => void discover()}
            title={
              input.endpoints.issuer_url
                ? "Read the issuer's metadata (/.well-known/openid-configuration or RFC 8414) and fill the endpoints"
                : "Enter the issuer URL first"
            }
          >
            {discovering ? "Reading metadata…" : "Discover endpoints"}
          </button>
        </div>
        {discoveryFailure && !discoveryFailure.onIssuer && (
          <div className="notice notice-refusal form-span" data-testid="action-error" role="alert">
            <span className="action-error">{discoveryFailure.message}</span>
            <button type="button" className="link-button" onClick={() => { setDiscoveryFailure(null); }}>Dismiss</button>
          </div>
        )}
        {discovered && (
          <DiscoveryResult
            discovered={discovered}
            kept={(["token_info_url", "api_base_url"] as const).filter((key) => input.endpoints[key])}
            onClose={() => { setDiscovered(null); }}
          />
        )}
        {ENDPOINTS.filter(({ key }) => key !== "issuer_url").map(({ key, label, testId, placeholder }) => (
          <Field
            key={key}
            label={label}
            field={`endpoints.${key}`}
            errors={shown}
            hint={
              discovered?.changed.includes(key)
                ? discoveredHint(discovered, key)
                : templated?.changed.includes(key)
                  ? `Filled from the ${templated.name} profile`
                  : undefined
            }
          >
            <input
              data-testid={testId}
              className={discovered?.changed.includes(key) || templated?.changed.includes(key) ? "mono discovered" : "mono"}
              type="url"
              value={input.endpoints[key] ?? ""}
              placeholder={placeholder}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => { setEndpoint(key, e.target.value); }}
            />
          </Field>
        ))}
        {shown.some((error) => error.field === "") && (
          <p className="action-error form-span" data-testid="action-error" role="alert">
            {shown.filter((error) => error.field === "").map((error) => error.message).join(" ")}
          </p>
        )}
        {conflicts && (
          <SetupConflictDialog
            conflicts={conflicts}
            busy={saving}
            onChoose={(choices) => void save(choices)}
            onCancel={() => {
              setConflicts(null);
            }}
          />
        )}
        <footer className="dialog-footer form-span">
          <button type="button" data-testid="env-cancel" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="env-save" disabled={saving}>
            {saving ? "Saving…" : environment ? "Save changes" : "Create environment"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

/** The metadata document's name in its URL: “openid-configuration”, “oauth-authorization-server”. */
export function documentName(url: string): string {
  const name = /\/\.well-known\/([^/?#]+)/.exec(url)?.[1];
  return name ?? url;
}

/** What a field filled by discovery says: which document named it, and what it replaced. */
function discoveredHint(discovered: Discovered, key: keyof Endpoints): string {
  const source = discovered.discovery.sources.find((item) => item.field === key);
  const from = source ? `the issuer’s ${documentName(source.metadata_url)}` : "the issuer’s metadata";
  const before = discovered.before[key];
  return before ? `Replaced from ${from} (was ${before})` : `Filled from ${from}`;
}

/** What discovery found and what it changed in the form; nothing is saved until Save. */
function DiscoveryResult({ discovered, kept, onClose }: { discovered: Discovered; kept: (keyof Endpoints)[]; onClose: () => void }) {
  const { discovery, changed } = discovered;
  const list = (values: readonly string[]) => (values.length > 0 ? values.join(", ") : "not stated");
  const scopes = discovery.scopes_supported;
  return (
    <div className="notice discovery-result form-span" data-testid="env-discovery-result" role="status">
      <div className="discovery-body">
        <p>
          <strong>
            {changed.length === 0
              ? "The issuer’s metadata matches the endpoints already entered."
              : `Filled ${changed.map(labelOf).join(", ")} from the issuer’s metadata.`}
          </strong>{" "}
          {changed.length > 0 && "Check them, then save; nothing is stored until you do."}
        </p>
        <dl className="discovery-facts">
          <dt>Metadata</dt>
          <dd data-testid="env-discovery-documents">
            {discovery.metadata_urls.map((url) => (
              <code key={url} className="discovery-document">{url}</code>
            ))}
          </dd>
          <dt>Grant types</dt>
          <dd>{list(discovery.grant_types_supported)}</dd>
          <dt>Client authentication</dt>
          <dd>{list(discovery.token_endpoint_auth_methods_supported)}</dd>
          <dt title="pushed_authorization_request_endpoint (RFC 9126)">Pushed requests (PAR)</dt>
          <dd data-testid="env-discovery-par">
            {discovery.par_endpoint ? (
              <>
                <code>{discovery.par_endpoint}</code>
                {discovery.par_required
                  ? " — required for every sign-in (require_pushed_authorization_requests): Authdeck pushes them"
                  : " — offered; apps that opt in push their sign-ins"}
              </>
            ) : discovery.par_required ? (
              "required (require_pushed_authorization_requests), yet no endpoint named: sign-ins will be refused"
            ) : (
              "not offered"
            )}
          </dd>
          {discovery.code_challenge_methods_supported.length > 0 && (
            <>
              <dt>PKCE</dt>
              <dd>{discovery.code_challenge_methods_supported.join(", ")}</dd>
            </>
          )}
          {scopes.length > 0 && (
            <>
              <dt>Scopes</dt>
              <dd title={scopes.join(" ")}>
                {scopes.slice(0, 12).join(" ")}
                {scopes.length > 12 ? ` and ${String(scopes.length - 12)} more` : ""}
              </dd>
            </>
          )}
        </dl>
        {kept.length > 0 && (
          <p className="muted">
            Kept yours: {kept.map(labelOf).join(" and ")} (not part of the metadata).
          </p>
        )}
      </div>
      <button type="button" className="link-button" onClick={onClose}>
        OK
      </button>
    </div>
  );
}
