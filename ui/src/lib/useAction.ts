import { useCallback, useState } from "react";
import { toIpcError } from "../api/client";
import type { IpcError } from "../bindings/IpcError";

/**
 * One backend action at a time: which one runs (`busy`, by name), and why the last one failed.
 * `run(name, work, done)` clears the error, runs `work`, passes its value to `done`, and keeps
 * the failure for the caller to show.
 */
export function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const run = useCallback(async <T,>(name: string, work: () => Promise<T>, done: (value: T) => void) => {
    setBusy(name);
    setError(null);
    try {
      done(await work());
    } catch (reason) {
      setError(toIpcError(reason));
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, error, setError, run };
}
