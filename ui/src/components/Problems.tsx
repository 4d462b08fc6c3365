import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { IpcError } from "../bindings/IpcError";
import { toIpcError } from "../api/client";
import { presentationOf, WHAT_TO_DO } from "../lib/errors";
import { useToast } from "./Toasts";

interface Problems {
  /** The keychain or store problem the banner shows, if any. */
  problem: IpcError | null;
  dismiss: () => void;
  /** Presents an error of an action by its code (see lib/errors). */
  report: (reason: unknown) => IpcError;
}

const ProblemsContext = createContext<Problems>({
  problem: null,
  dismiss: () => undefined,
  report: toIpcError,
});

/** Holds the one prominent problem (keychain, store) and routes every other error by its code. */
export function ProblemsProvider({ children }: { children: ReactNode }) {
  const [problem, setProblem] = useState<IpcError | null>(null);
  const toast = useToast();
  const client = useQueryClient();
  const report = useCallback(
    (reason: unknown) => {
      const error = toIpcError(reason);
      switch (presentationOf(error.code)) {
        case "banner":
          setProblem(error);
          break;
        case "gone":
          // Something was deleted elsewhere (another window, the CLI): show what is there now.
          void client.invalidateQueries();
          toast(`${error.message} The view was refreshed.`, "error");
          break;
        default:
          toast(WHAT_TO_DO[error.code] ? `${error.message} ${WHAT_TO_DO[error.code] ?? ""}` : error.message, "error");
      }
      return error;
    },
    [client, toast],
  );
  const dismiss = useCallback(() => {
    setProblem(null);
  }, []);
  const value = useMemo(() => ({ problem, dismiss, report }), [problem, dismiss, report]);
  return <ProblemsContext.Provider value={value}>{children}</ProblemsContext.Provider>;
}

export const useProblems = () => useContext(ProblemsContext);
/** The function that presents an action's error; returns it as an IpcError. */
export const useReportError = () => useContext(ProblemsContext).report;

/** The prominent banner for keychain and store trouble an action ran into. */
export function ProblemBanner() {
  const { problem, dismiss } = useProblems();
  if (!problem) return null;
  return (
    <div className="problem-banner" data-testid="action-error" role="alert">
      <div>
        <strong>{problem.message}</strong>
        {WHAT_TO_DO[problem.code] && <p>{WHAT_TO_DO[problem.code]}</p>}
      </div>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
