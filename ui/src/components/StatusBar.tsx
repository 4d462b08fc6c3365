import type { Environment } from "../bindings/Environment";
import { plural } from "../lib/time";
import { ClipboardCountdown } from "./Clipboard";
import { Icon } from "./Icon";

/** The bottom line: where you are, and a copied secret's countdown. */
export function StatusBar({ active }: { active: Environment | null }) {
  return (
    <footer className="statusbar">
      <span className="status-environment" data-testid="status-environment">
        {active ? `${active.name} · ${plural(active.app_count, "app")}` : "No environment"}
      </span>
      <ClipboardCountdown />
      <span className="status-keychain muted" title="Secrets are kept only in the system keychain">
        <Icon name="lock" size={12} /> Secrets stay in the system keychain
      </span>
    </footer>
  );
}
