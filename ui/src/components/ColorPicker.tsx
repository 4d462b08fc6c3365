import type { EnvironmentKind } from "../bindings/EnvironmentKind";

export const KIND_COLORS: Record<EnvironmentKind, string> = { sandbox: "#2f80ed", production: "#d64545", other: "#8e44ad" };
const SWATCHES = ["#2f80ed", "#27ae60", "#0f9d9a", "#8e44ad", "#f2994a", "#d64545", "#607d8b"];

interface Props {
  value: string;
  onChange: (color: string) => void;
}

/** Preset swatches plus a hex field; the field is the source of truth. */
export function ColorPicker({ value, onChange }: Props) {
  const valid = /^#[0-9a-f]{6}$/i.test(value);
  return (
    <span className="color-row">
      <span className="swatches" role="radiogroup" aria-label="Preset colours">
        {SWATCHES.map((swatch) => (
          <button
            key={swatch}
            type="button"
            role="radio"
            aria-checked={value.toLowerCase() === swatch}
            className="swatch"
            style={{ background: swatch }}
            aria-label={`Colour ${swatch}`}
            onClick={() => {
              onChange(swatch);
            }}
          />
        ))}
      </span>
      <span className="color-text-wrap">
        <span className="color-preview" style={valid ? { background: value } : undefined} aria-hidden="true" />
        <input
          data-testid="env-color"
          className="color-text mono"
          value={value}
          maxLength={7}
          spellCheck={false}
          autoComplete="off"
          aria-label="Colour as #rrggbb"
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      </span>
    </span>
  );
}
