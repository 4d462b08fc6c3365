import { useState } from "react";
import type { Choices } from "../bindings/Choices";
import type { SetupConflict } from "../bindings/SetupConflict";
import type { SetupConflicts } from "../bindings/SetupConflicts";
import type { Side } from "../bindings/Side";
import { Dialog } from "./Dialog";

interface Props {
  conflicts: SetupConflicts;
  busy?: boolean;
  /** Writes the change again with a side chosen for every conflicting field. */
  onChoose: (choices: Choices) => void;
  onCancel: () => void;
}

const keyOf = (conflict: SetupConflict) => `${conflict.client_id ?? ""}\u0000${conflict.field}`;

const placeOf = (conflict: SetupConflict) =>
  conflict.client_id === null ? "The environment" : `“${conflict.app ?? conflict.client_id}” (${conflict.client_id})`;

const fieldOf = (conflict: SetupConflict) => (conflict.field === "app" ? "the whole app" : conflict.field);

/** A value as the vault holds it (JSON text), or what its absence means. */
const shown = (value: string | null) => value ?? "removed";

/**
 * Another member changed the same fields of a shared environment: both sides of each field,
 * one chosen per field, then the change is written again (check-and-set on what the vault holds).
 */
export function SetupConflictDialog({ conflicts, busy, onChoose, onCancel }: Props) {
  const [chosen, setChosen] = useState<Record<string, Side>>({});
  const complete = conflicts.fields.every((conflict) => chosen[keyOf(conflict)] !== undefined);
  const choose = () => {
    onChoose({
      all: null,
      each: conflicts.fields.map((conflict) => ({
        client_id: conflict.client_id,
        field: conflict.field,
        side: chosen[keyOf(conflict)] ?? "theirs",
      })),
    });
  };
  const when = conflicts.theirs_written_at ? ` ${new Date(conflicts.theirs_written_at).toLocaleString()}` : "";
  const who = conflicts.theirs_written_by ? ` by ${conflicts.theirs_written_by}` : "";
  const written = when || who ? ` (theirs written${when}${who})` : "";
  return (
    <Dialog title="Another member changed this too" testId="setup-conflict-dialog" onClose={onCancel} wide>
      <div className="dialog-body">
        <p>
          Someone else changed the same {conflicts.fields.length === 1 ? "field" : "fields"} in the team vault since this
          computer last read it{written}. Nothing was written. Choose which value to keep for each.
        </p>
        {conflicts.fields.map((conflict) => {
          const key = keyOf(conflict);
          return (
            <fieldset key={key} className="setup-conflict" data-testid="setup-conflict">
              <legend>
                {placeOf(conflict)}: <span className="mono">{fieldOf(conflict)}</span>
              </legend>
              {(["mine", "theirs"] as const).map((side) => (
                <label key={side} className="setup-conflict-side">
                  <input
                    type="radio"
                    name={key}
                    data-testid={`setup-conflict-${side}`}
                    checked={chosen[key] === side}
                    onChange={() => {
                      setChosen((current) => ({ ...current, [key]: side }));
                    }}
                  />
                  <span>{side === "mine" ? "Yours" : "Theirs"}</span>
                  <code className="mono" data-testid={`setup-conflict-${side}-value`}>
                    {shown(side === "mine" ? conflict.mine : conflict.theirs)}
                  </code>
                </label>
              ))}
            </fieldset>
          );
        })}
      </div>
      <footer className="dialog-footer">
        <button type="button" data-testid="setup-conflict-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" data-testid="setup-conflict-save" disabled={!complete || busy} onClick={choose}>
          {busy ? "Saving…" : "Save with these choices"}
        </button>
      </footer>
    </Dialog>
  );
}
