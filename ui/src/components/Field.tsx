import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from "react";
import type { FieldError } from "../bindings/FieldError";
import { messagesFor } from "../lib/useFieldErrors";

interface Props {
  label: string;
  field: string;
  errors: readonly FieldError[];
  hint?: ReactNode;
  /** Spans both columns of a form grid. */
  wide?: boolean;
  /** Several controls (not one input): labelled as a group instead of wrapped in a <label>. */
  group?: boolean;
  /** A problem found outside validation (an action on the field refused it), shown with the others. */
  refusal?: ReactNode;
  children: ReactNode;
}

/** A labelled form field with its validation messages right under it. */
export function Field({ label, field, errors, hint, wide, group, refusal, children }: Props) {
  const problems = messagesFor(errors, field);
  const describedBy = useId();
  const labelId = useId();
  const invalid = problems.length > 0 || Boolean(refusal);
  const control = isValidElement(children) && !group
    ? cloneElement(children as ReactElement<Record<string, unknown>>, {
        "aria-invalid": invalid || undefined,
        "aria-describedby": describedBy,
      })
    : children;
  const classes = ["field", invalid ? "field-invalid" : "", wide ? "form-span" : ""].filter(Boolean).join(" ");
  return (
    <div className={classes}>
      {group ? (
        <div role="group" aria-labelledby={labelId} className="field-group">
          <span id={labelId} className="field-label">
            {label}
          </span>
          {control}
        </div>
      ) : (
        <label>
          <span className="field-label">{label}</span>
          {control}
        </label>
      )}
      <div id={describedBy} className="field-notes" aria-live="polite">
        {hint && !invalid && <span className="field-hint">{hint}</span>}
        {problems.map((problem) => (
          <span key={problem.field + problem.message} className="field-error" data-testid={`field-error-${problem.field}`}>
            {problem.message}
          </span>
        ))}
        {refusal}
      </div>
    </div>
  );
}
