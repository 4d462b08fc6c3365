import type { SecretMeta } from "../bindings/SecretMeta";
import { NO_ENDING, ending } from "../lib/ending";
import { NO_REFUSALS, type PolicyRefusals } from "../lib/vault";
import { daysAgo, daysSince, localDate, localDateTime, relativeTime } from "../lib/time";
import { useNow } from "../lib/tokens";
import { CopyButton, useClipboard } from "./Clipboard";
import { Icon } from "./Icon";
import { RevealedValue, useReveal } from "./RevealedValue";

interface Props {
  secret: SecretMeta;
  rotationDays: number;
  onRetire: (secret: SecretMeta) => void;
  onReactivate: (secret: SecretMeta) => void;
  onDelete: (secret: SecretMeta) => void;
  onVerify: (secret: SecretMeta) => void;
  /** A verification of this secret is under way. */
  verifying: boolean;
  /** What the member's vault policy does not allow (a team secret); those buttons are disabled. */
  refusals?: PolicyRefusals;
  /** Where the secret's value lives, in words: "the keychain" or "the team vault “acme”". */
  home?: string;
}

/** How old a secret is, in words: the provider's creation date when known, else when it was added. */
export function ageWords(secret: SecretMeta, now: number = Date.now()): string {
  if (secret.provider_created_at) {
    return `created ${daysAgo(secret.age_days)} at the provider (${localDate(secret.provider_created_at)}) · added here ${daysAgo(daysSince(secret.added_at, now))}`;
  }
  return `added ${daysAgo(secret.age_days)}`;
}

/** The last verification in words: "Verified 2 min ago", "Failed 5 min ago: <the provider's refusal>". */
export function verifiedWords(secret: SecretMeta, now: number = Date.now()): string | null {
  if (!secret.last_verified_at) return null;
  const when = relativeTime(secret.last_verified_at, now);
  return secret.last_verify_ok
    ? `Verified ${when}`
    : `Failed ${when}: ${secret.last_verify_message ?? "the provider gave no reason."}`;
}

/** One secret: what it is, how old, and what can be done with it. The value is never shown unasked. */
export function SecretRow({ secret, rotationDays, onRetire, onReactivate, onDelete, onVerify, verifying, refusals = NO_REFUSALS, home = "the keychain" }: Props) {
  const { copy } = useClipboard();
  const reveal = useReveal(secret.id);
  const active = secret.state === "active";
  // "2 min ago" keeps moving while the row is on screen
  const now = useNow(30_000);
  const verified = verifiedWords(secret, now);

  return (
    <li className={`secret-row secret-${secret.state}`} data-testid="secret-row" data-secret-id={secret.id} data-state={secret.state}>
      <div className="secret-main">
        <span className={secret.label ? "secret-label" : "secret-label muted"} data-testid="secret-label-text">
          {secret.label || "Unlabelled secret"}
        </span>
        <code
          className="fingerprint"
          data-testid="secret-fingerprint"
          title={secret.fingerprint ? "The last four characters of the value" : NO_ENDING}
        >
          {ending(secret.fingerprint)}
        </code>
        <span className={`state-badge state-${secret.state}`}>{secret.state}</span>
      </div>
      <div className="secret-meta">
        <span data-testid="secret-age" title={`Added ${localDateTime(secret.added_at)}`}>
          {ageWords(secret)}
        </span>
        {secret.rotation_due && (
          <span className="rotation-warning" data-testid="secret-rotation-warning">
            <Icon name="warning" size={13} /> {secret.age_days} days old — older than the {rotationDays}-day rotation policy
          </span>
        )}
        {secret.last_verified_at && verified && (
          <span
            className={secret.last_verify_ok ? "verified-ok" : "verified-failed"}
            data-testid="secret-verified"
            data-ok={secret.last_verify_ok ? "true" : "false"}
            title={`Verified with a token request on ${localDateTime(secret.last_verified_at)}`}
          >
            <span aria-hidden="true">{secret.last_verify_ok ? "✓ " : "✗ "}</span>
            {verified}
          </span>
        )}
        {secret.last_used_at && (
          <span title={`A token was last requested with it on ${localDateTime(secret.last_used_at)}`}>
            Last used {relativeTime(secret.last_used_at, now)}
          </span>
        )}
      </div>
      <div className="secret-actions">
        <CopyButton
          id={secret.id}
          testId="secret-copy"
          label={`Copy “${secret.label || secret.fingerprint}” to the clipboard`}
          onCopy={() => void copy(secret)}
          refused={refusals.read ?? undefined}
        />
        <button
          type="button"
          data-testid="secret-reveal"
          disabled={refusals.read !== null && reveal.value === null}
          title={refusals.read ?? undefined}
          onClick={reveal.toggle}
          aria-pressed={reveal.value !== null}
          aria-label={reveal.value === null ? `Reveal “${secret.label || secret.fingerprint}”` : "Hide the value"}
        >
          <Icon name={reveal.value === null ? "eye" : "eyeOff"} size={14} /> {reveal.value === null ? "Reveal" : "Hide"}
        </button>
        <button
          type="button"
          data-testid="secret-verify"
          disabled={verifying || refusals.read !== null}
          onClick={() => { onVerify(secret); }}
          aria-busy={verifying}
          aria-label={`Verify “${secret.label || secret.fingerprint}” with a real token request`}
          title={refusals.read ?? "Make a real token request with this secret and record the result"}
        >
          {verifying ? "Verifying…" : "Verify"}
        </button>
        {active ? (
          <button
            type="button"
            data-testid="secret-retire"
            disabled={refusals.change !== null}
            onClick={() => { onRetire(secret); }}
            title={refusals.change ?? "Keep it, but stop using it"}
          >
            Retire
          </button>
        ) : (
          <button
            type="button"
            data-testid="secret-reactivate"
            disabled={refusals.change !== null}
            title={refusals.change ?? undefined}
            onClick={() => { onReactivate(secret); }}
          >
            Reactivate
          </button>
        )}
        <button
          type="button"
          className="icon-button danger-text"
          data-testid="secret-delete"
          disabled={refusals.remove !== null}
          onClick={() => { onDelete(secret); }}
          aria-label={`Delete “${secret.label || secret.fingerprint}”`}
          title={refusals.remove ?? `Delete from ${home}`}
        >
          <Icon name="trash" size={14} />
        </button>
      </div>
      {reveal.value !== null && <RevealedValue value={reveal.value} left={reveal.left} onHide={reveal.hide} />}
    </li>
  );
}
