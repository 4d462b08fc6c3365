import { useState } from "react";
import type { Endpoints } from "../bindings/Endpoints";
import type { Environment } from "../bindings/Environment";
import type { EnvironmentInput } from "../bindings/EnvironmentInput";
import type { EnvironmentKind } from "../bindings/EnvironmentKind";
import { api, toIpcError } from "../api/client";
import { useFieldErrors } from "../lib/useFieldErrors";
import { Dialog } from "./Dialog";
import { Field } from "./Field";

const SWATCHES = ["#2f80ed", "#27ae60", "#8e44ad", "#f2994a", "#d64545", "#607d8b"];
const KIND_COLORS: Record<EnvironmentKind, string> = { sandbox: "#2f80ed", production: "#d64545", other: "#8e44ad" };

const ENDPOINTS: { key: keyof Endpoints; label: string; testId: string; placeholder: string }[] = [
  { key: "issuer_url", label: "Issuer URL", testId: "env-issuer-url", placeholder: "https://id.example.com" },
  { key: "authorization_url", label: "Authorization URL", testId: "env-authorization-url", placeholder: "https://id.example.com/oauth/authorize" },
  { key: "token_url", label: "Token URL", testId: "env-token-url", placeholder: "https://id.example.com/oauth/token" },
  { key: "token_info_url", label: "Token info URL", testId: "env-token-info-url", placeholder: "https://id.example.com/oauth/token/info" },
  { key: "introspection_url", label: "Introspection URL", testId: "env-introspection-url", placeholder: "https://id.example.com/oauth/introspect" },
  { key: "revocation_url", label: "Revocation URL", testId: "env-revocation-url", placeholder: "https://id.example.com/oauth/revoke" },
  { key: "api_base_url", label: "API base URL", testId: "env-api-base-url", placeholder: "https://api.example.com" },
];

function initial(environment: Environment | null): EnvironmentInput {
  if (environment) {
    const { name, kind, color, endpoints, rotation_days } = environment;
    return { name, kind, color, endpoints, rotation_days };
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
    },
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
  const [input, setInput] = useState<EnvironmentInput>(() => initial(environment));
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const id = environment?.id ?? null;
  const errors = useFieldErrors(input, (value: EnvironmentInput) => api.validateEnvironment(id, value));
  const shown = touched ? errors : errors.filter((error) => !(input.name === "" && error.field === "name"));

  const update = (patch: Partial<EnvironmentInput>) => {
    setTouched(true);
    setInput((current) => ({ ...current, ...patch }));
  };
  const setEndpoint = (key: keyof Endpoints, value: string) => {
    update({ endpoints: { ...input.endpoints, [key]: value === "" ? null : value } });
  };

  const save = async () => {
    setTouched(true);
    setSaving(true);
    setSaveError(null);
    try {
      const saved = id ? await api.updateEnvironment(id, input) : await api.createEnvironment(input);
      onSaved(saved);
    } catch (reason) {
      setSaveError(toIpcError(reason).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title={environment ? `Edit “${environment.name}”` : "New environment"} testId="env-form" onClose={onClose} wide>
      <form
        className="dialog-body form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label="Name" field="name" errors={shown}>
          <input data-testid="env-name" value={input.name} placeholder="Sandbox" onChange={(e) => { update({ name: e.target.value }); }} />
        </Field>
        <Field label="Kind" field="kind" errors={shown}>
          <select
            data-testid="env-kind"
            value={input.kind}
            onChange={(e) => {
              const kind = e.target.value as EnvironmentKind;
              const keepColor = !Object.values(KIND_COLORS).includes(input.color);
              update({ kind, color: keepColor ? input.color : KIND_COLORS[kind] });
            }}
          >
            <option value="sandbox">Sandbox</option>
            <option value="production">Production</option>
            <option value="other">Other</option>
          </select>
        </Field>
        <Field label="Colour" field="color" errors={shown}>
          <span className="color-row">
            {SWATCHES.map((swatch) => (
              <button
                key={swatch}
                type="button"
                className={`swatch swatch-${swatch.slice(1)}${input.color === swatch ? " swatch-selected" : ""}`}
                aria-label={`Colour ${swatch}`}
                onClick={() => { update({ color: swatch }); }}
              />
            ))}
            <input data-testid="env-color" className="color-text" value={input.color} onChange={(e) => { update({ color: e.target.value }); }} />
          </span>
        </Field>
        <Field label="Rotate secrets after (days)" field="rotation_days" errors={shown}>
          <input
            data-testid="env-rotation-days"
            type="number"
            min={1}
            max={3650}
            value={input.rotation_days}
            onChange={(e) => { update({ rotation_days: Number(e.target.value) }); }}
          />
        </Field>
        <h3 className="form-section">Endpoints <span className="muted">(optional until a flow needs them)</span></h3>
        {ENDPOINTS.map(({ key, label, testId, placeholder }) => (
          <Field key={key} label={label} field={`endpoints.${key}`} errors={shown}>
            <input
              data-testid={testId}
              value={input.endpoints[key] ?? ""}
              placeholder={placeholder}
              spellCheck={false}
              onChange={(e) => { setEndpoint(key, e.target.value); }}
            />
          </Field>
        ))}
        {saveError && <p className="action-error" data-testid="action-error" role="alert">{saveError}</p>}
        <footer className="dialog-footer form-span">
          <button type="button" data-testid="env-cancel" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="env-save" disabled={saving}>
            {environment ? "Save" : "Create environment"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
