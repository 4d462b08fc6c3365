import { memo, type CSSProperties } from "react";
import type { AppSummary } from "../bindings/AppSummary";

export const ROW_HEIGHT = 58;

interface Props {
  app: AppSummary;
  selected: boolean;
  highlighted: boolean;
  top: number;
  onOpen: (id: string) => void;
}

/** One app in the list: name, client ID, type, labels, and what needs attention. */
export const AppRow = memo(function AppRow({ app, selected, highlighted, top, onOpen }: Props) {
  const style: CSSProperties = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  const classes = ["app-row", selected ? "app-row-selected" : "", highlighted ? "app-row-highlighted" : ""].filter(Boolean).join(" ");
  // an app that signs with a key or presents a certificate needs no secret
  const noSecret = app.uses_secret && app.active_secrets === 0;
  return (
    <div
      id={`app-row-${app.id}`}
      role="option"
      aria-selected={selected}
      data-testid="app-row"
      data-app-id={app.id}
      className={classes}
      style={style}
      onClick={() => {
        onOpen(app.id);
      }}
    >
      <div className="app-row-main">
        <span className="app-row-name">{app.display_name}</span>
        {app.rotation_due && (
          <span className="dot-warning" role="img" aria-label="A secret is older than the rotation policy" title="A secret is older than the rotation policy" />
        )}
        <span className={`type-badge type-${app.client_type}`}>{app.client_type === "public" ? "public" : "confidential"}</span>
      </div>
      <div className="app-row-sub">
        <code className="app-row-client-id">{app.client_id}</code>
        {noSecret && <span className="hint-warning">no secret</span>}
        {app.labels.slice(0, 3).map((label) => (
          <span key={label} className="label-chip">
            {label}
          </span>
        ))}
        {app.labels.length > 3 && <span className="muted">+{app.labels.length - 3}</span>}
      </div>
    </div>
  );
});
