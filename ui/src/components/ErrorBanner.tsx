import type { IpcError } from "../bindings/IpcError";
import { WHAT_TO_DO } from "../lib/errors";

interface Props {
  error: IpcError;
  title: string;
  onRetry?: () => void;
}

/** An error that blocks the whole window (store too new, damaged, no keychain), with what to do. */
export function ErrorBanner({ error, title, onRetry }: Props) {
  return (
    <div className="error-banner" data-testid="error-banner" role="alert">
      <h1>{title}</h1>
      <p className="error-banner-message">{error.message}</p>
      {WHAT_TO_DO[error.code] && <p>{WHAT_TO_DO[error.code]}</p>}
      {onRetry && (
        <p>
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </p>
      )}
    </div>
  );
}
