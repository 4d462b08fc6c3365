import type { ErrorCode } from "../bindings/ErrorCode";

/**
 * How an error is presented, chosen by its code:
 * - `field`: next to the input it belongs to (the form handles it);
 * - `notice`: an explanation in place, where the refused action was (last secret, not empty);
 * - `banner`: a prominent banner that says what to do (keychain and store trouble);
 * - `gone`: the thing no longer exists: refresh and close it;
 * - `toast`: a transient message.
 */
export type Presentation = "field" | "notice" | "banner" | "gone" | "toast";

export function presentationOf(code: ErrorCode): Presentation {
  switch (code) {
    case "validation":
    case "conflict":
    case "file":
      return "field";
    case "last_secret":
    case "environment_not_empty":
      return "notice";
    case "keychain_unavailable":
    case "keychain_locked":
    case "keychain":
    case "store_too_new":
    case "store_corrupt":
    case "store":
      return "banner";
    case "not_found":
      return "gone";
    case "provider":
    case "bad_response":
    case "network":
    case "timeout":
    case "not_configured":
    case "login_required":
    case "renewal_paused":
    case "production_unconfirmed":
    case "vault_refused":
    case "vault_sign_in_required":
    case "setup_conflict":
      return "notice";
    case "secret_missing":
    case "internal":
      return "toast";
  }
}

/** What the user can do about an error, beyond the backend's message. */
export const WHAT_TO_DO: Partial<Record<ErrorCode, string>> = {
  keychain_unavailable:
    "Authdeck keeps secrets only in the system keychain and found none. Start your desktop’s keyring (GNOME Keyring, KWallet or another Secret Service), then try again. Nothing was saved in its place.",
  keychain_locked: "Unlock your keyring (often your login password does it), then try again.",
  keychain: "Check that your keyring is running and unlocked, then try again.",
  secret_missing:
    "The keychain entry was removed outside Authdeck. Paste the secret again, or reset it at the provider and add the new one.",
  store_too_new:
    "This data was written by a newer version of Authdeck. Install that version; your data was not changed.",
  store_corrupt:
    "Move the damaged file aside (or restore a backup) and start Authdeck again. The file was not changed.",
  store: "Check that the data folder is writable and the disk is not full, then try again.",
  // the message names the command (`authdeck team login <team>`); the window's banner signs in too
  vault_sign_in_required:
    "Sign in to the team vault with “Sign in to the vault” at the top of the window (or that command in a terminal), then try again.",
};
