import { useState } from "react";
import type { FieldError } from "../bindings/FieldError";
import { toIpcError } from "../api/client";
import { presentationOf } from "../lib/errors";
import { Field } from "./Field";
import { useReportError } from "./Problems";

export type CredentialMode = "generate" | "import";

/**
 * The store step the add-key and add-certificate dialogs share: errors cleared, the request
 * sent, a field's error shown at its field, any other under the form (and a banner's reported).
 */
export function useCredentialSave() {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  const report = useReportError();
  const save = async (store: () => Promise<void>) => {
    setSaving(true);
    setErrors([]);
    try {
      await store();
    } catch (reason) {
      const error = toIpcError(reason);
      setErrors([{ field: presentationOf(error.code) === "field" ? (error.field ?? "") : "", message: error.message }]);
      if (presentationOf(error.code) === "banner") report(error);
    } finally {
      setSaving(false);
    }
  };
  return { errors, saving, save, general: errors.filter((error) => error.field === "") };
}

/** Generate here or import one's own: `stem` names the radios (key-mode-generate …). */
export function ModeChoice(props: { stem: string; legend: string; generateLabel: string; mode: CredentialMode; onChange: (mode: CredentialMode) => void }) {
  const { stem, mode, onChange } = props;
  return (
    <fieldset className="choice-row">
      <legend>{props.legend}</legend>
      <label>
        <input type="radio" name={`${stem}-mode`} data-testid={`${stem}-mode-generate`} checked={mode === "generate"} onChange={() => { onChange("generate"); }} /> {props.generateLabel}
      </label>
      <label>
        <input type="radio" name={`${stem}-mode`} data-testid={`${stem}-mode-import`} checked={mode === "import"} onChange={() => { onChange("import"); }} /> Import mine
      </label>
    </fieldset>
  );
}

/** The optional label of a new key or certificate. */
export function LabelField(props: { stem: string; placeholder: string; label: string; onLabel: (label: string) => void; errors: FieldError[] }) {
  return (
    <Field label="Label" field="label" errors={props.errors} hint="Optional: where it is registered, or when.">
      <input data-testid={`${props.stem}-label-input`} autoComplete="off" placeholder={props.placeholder} value={props.label} onChange={(e) => { props.onLabel(e.target.value); }} />
    </Field>
  );
}

/** The errors about no one field. */
export function GeneralErrors({ general }: { general: FieldError[] }) {
  if (general.length === 0) return null;
  return (
    <p className="action-error" data-testid="action-error" role="alert">
      {general.map((error) => error.message).join(" ")}
    </p>
  );
}

/** Cancel, and the button that generates or stores. */
export function CredentialFooter(props: { stem: string; saving: boolean; ready: boolean; mode: CredentialMode; generateLabel: string; onClose: () => void }) {
  const { stem } = props;
  return (
    <footer className="dialog-footer">
      <button type="button" data-testid={`${stem}-cancel`} onClick={props.onClose}>Cancel</button>
      <button type="submit" className="primary" data-testid={`${stem}-save`} disabled={props.saving || !props.ready}>
        {props.saving ? "Storing…" : props.mode === "generate" ? props.generateLabel : "Store in keychain"}
      </button>
    </footer>
  );
}
