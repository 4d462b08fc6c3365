import { useEffect, useRef, useState } from "react";
import type { FieldError } from "../bindings/FieldError";
import { toIpcError } from "../api/client";

/**
 * Validates `input` with the backend as the user types (debounced) and returns the problems.
 * Only a change of the input starts a new validation: `validate` is read through a ref, so a
 * caller passing a fresh arrow function on every render does not cause a request loop.
 */
export function useFieldErrors<T>(input: T, validate: (input: T) => Promise<FieldError[]>, delayMs = 200): FieldError[] {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const validateRef = useRef(validate);
  useEffect(() => {
    validateRef.current = validate;
  });
  const serialized = JSON.stringify(input);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      validateRef.current(JSON.parse(serialized) as T).then(
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
  }, [serialized, delayMs]);
  return errors;
}

/** The messages for one field (or any of its list entries: `redirect_uris` covers `redirect_uris.2`). */
export function messagesFor(errors: readonly FieldError[], field: string): FieldError[] {
  return errors.filter((error) => error.field === field || error.field.startsWith(`${field}.`));
}
