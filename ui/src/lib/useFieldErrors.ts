import { useEffect, useState } from "react";
import type { FieldError } from "../bindings/FieldError";
import { toIpcError } from "../api/client";

/** Validates `input` with the backend as the user types (debounced) and returns the problems. */
export function useFieldErrors<T>(input: T, validate: (input: T) => Promise<FieldError[]>, delayMs = 200): FieldError[] {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const serialized = JSON.stringify(input);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      validate(JSON.parse(serialized) as T).then(
        (found) => {
          if (current) setErrors(found);
        },
        (reason: unknown) => {
          if (current) setErrors([{ field: "", message: toIpcError(reason).message }]);
        },
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [serialized, validate, delayMs]);
  return errors;
}

/** The message for one field (or any of its list entries: `redirect_uris` covers `redirect_uris.2`). */
export function messagesFor(errors: readonly FieldError[], field: string): FieldError[] {
  return errors.filter((error) => error.field === field || error.field.startsWith(`${field}.`));
}
