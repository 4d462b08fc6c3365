import type { ReactNode } from "react";
import { Icon } from "./Icon";

/** Why an action was refused, in place, where it was tried. */
export function Refusal({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <div className="notice notice-refusal" data-testid={testId} role="alert">
      <Icon name="warning" />
      <span className="action-error">{children}</span>
    </div>
  );
}
