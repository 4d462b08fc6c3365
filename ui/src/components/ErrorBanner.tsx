import type { IpcError } from "../bindings/IpcError";

const WHAT_TO_DO: Partial<Record<IpcError["code"], string>> = {
  store_too_new: "Install the newer version of Authdeck that wrote it. Your data was not changed.",
  store_corrupt: "Move the file aside (or restore a backup) and start Authdeck again. The file was not changed.",
  keychain_unavailable: "Start your desktop's keyring (GNOME Keyring, KWallet) and try again.",
  keychain_locked: "Unlock your keyring and try again.",
};

/** An error that blocks a whole view, with what the user can do about it. */
export function ErrorBanner({ error, title }: { error: IpcError; title: string }) {
  return (
    <div className="error-banner" data-testid="error-banner" role="alert">
      <strong>{title}</strong>
      <p>{error.message}</p>
      {WHAT_TO_DO[error.code] && <p className="muted">{WHAT_TO_DO[error.code]}</p>}
    </div>
  );
}
