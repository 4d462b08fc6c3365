import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";

export type ToastKind = "info" | "success" | "error";
interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const ToastContext = createContext<(message: string, kind?: ToastKind) => void>(() => undefined);

const LIFETIME_MS: Record<ToastKind, number> = { info: 5000, success: 5000, error: 10000 };

/** Short notices at the bottom right; errors stay longer; never more than four at once. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);
  const push = useCallback(
    (message: string, kind: ToastKind = "info") => {
      const id = next.current++;
      setToasts((current) => [...current.slice(-3), { id, kind, message }]);
      setTimeout(() => {
        dismiss(id);
      }, LIFETIME_MS[kind]);
    },
    [dismiss],
  );
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`} data-testid="toast" role={toast.kind === "error" ? "alert" : "status"}>
            <span className="toast-message">{toast.message}</span>
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => { dismiss(toast.id); }}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
