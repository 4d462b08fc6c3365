import type { ReactNode } from "react";
import type { FieldError } from "../bindings/FieldError";
import { messagesFor } from "../lib/useFieldErrors";

interface Props {
  label: string;
  field: string;
  errors: readonly FieldError[];
  hint?: string;
  children: ReactNode;
}

/** A labelled form field with its validation messages right under it. */
export function Field({ label, field, errors, hint, children }: Props) {
  const problems = messagesFor(errors, field);
  return (
    <div className={problems.length > 0 ? "field field-invalid" : "field"}>
      <label>
        <span className="field-label">{label}</span>
        {children}
      </label>
      {hint && problems.length === 0 && <span className="field-hint">{hint}</span>}
      {problems.map((problem) => (
        <span key={problem.field + problem.message} className="field-error" data-testid={`field-error-${problem.field}`} role="alert">
          {problem.message}
        </span>
      ))}
    </div>
  );
}
