import { useEffect, useState } from "react";
import type { SecretMeta } from "../bindings/SecretMeta";
import { api, toIpcError } from "../api/client";
import { ageText, localDate, localDateTime } from "../lib/time";
import { useCountdown } from "../lib/useCountdown";

interface Props {
  secret: SecretMeta;
  rotationDays: number;
  onCopy: (secret: SecretMeta) => void;
  onRetire: (secret: SecretMeta) => void;
  onReactivate: (secret: SecretMeta) => void;
  onDelete: (secret: SecretMeta) => void;
  onError: (message: string) => void;
}

/** One secret: what it is, how old, and what can be done with it. */
export function SecretRow({ secret, rotationDays, onCopy, onRetire, onReactivate, onDelete, onError }: Props) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [left, startCountdown, stopCountdown] = useCountdown();

  useEffect(() => {
    if (left === 0) {
      setRevealed(null);
      stopCountdown();
    }
  }, [left, stopCountdown]);

  const reveal = async () => {
    try {
      const shown = await api.revealSecret(secret.id);
      setRevealed(shown.value);
      startCountdown(shown.hide_after_seconds);
    } catch (reason) {
      onError(toIpcError(reason).message);
    }
  };
  const hide = () => {
    setRevealed(null);
    stopCountdown();
  };
  const active = secret.state === "active";
  const created = secret.provider_created_at
    ? `created ${localDate(secret.provider_created_at)} at the provider`
    : `added ${localDate(secret.added_at)}`;

  return (
    <li className={`secret-row secret-${secret.state}`} data-testid="secret-row" data-secret-id={secret.id} data-state={secret.state}>
      <div className="secret-main">
        <span className="secret-label" data-testid="secret-label-text">{secret.label}</span>
        <code className="fingerprint" data-testid="secret-fingerprint" title="Last four characters">…{secret.fingerprint}</code>
        <span className={`state-badge state-${secret.state}`}>{secret.state}</span>
      </div>
      <div className="secret-meta">
        <span data-testid="secret-age" title={localDateTime(secret.provider_created_at ?? secret.added_at)}>
          {ageText(secret.age_days)} · {created}
        </span>
        {secret.rotation_due && (
          <span className="rotation-warning" data-testid="secret-rotation-warning">
            ⚠ {secret.age_days} days old — past the {rotationDays}-day rotation policy
          </span>
        )}
        {secret.last_verified_at && <span>verified {localDateTime(secret.last_verified_at)}</span>}
        {secret.last_used_at && <span>used {localDateTime(secret.last_used_at)}</span>}
      </div>
      {revealed !== null && (
        <div className="revealed">
          <code data-testid="secret-revealed">{revealed}</code>
          <span className="muted">hides in {left ?? 0} s</span>
          <button type="button" className="link-button" onClick={hide}>Hide</button>
        </div>
      )}
      <div className="secret-actions">
        <button type="button" data-testid="secret-copy" onClick={() => { onCopy(secret); }}>Copy</button>
        <button type="button" data-testid="secret-reveal" onClick={() => { if (revealed === null) void reveal(); else hide(); }}>
          {revealed === null ? "Reveal" : "Hide"}
        </button>
        {active ? (
          <button type="button" data-testid="secret-retire" onClick={() => { onRetire(secret); }}>Retire</button>
        ) : (
          <button type="button" data-testid="secret-reactivate" onClick={() => { onReactivate(secret); }}>Reactivate</button>
        )}
        <button type="button" className="danger-text" data-testid="secret-delete" onClick={() => { onDelete(secret); }}>Delete</button>
      </div>
    </li>
  );
}
