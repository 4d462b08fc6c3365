import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import { AppForm } from "./AppForm";
import { Dialog } from "./Dialog";

interface Props {
  environment: Environment;
  onClose: () => void;
  onCreated: (app: ClientApp) => void;
}

/** The app form in a dialog, for a new app in the active environment. */
export function NewAppDialog({ environment, onClose, onCreated }: Props) {
  return (
    <Dialog
      title="New client app"
      subtitle={`In “${environment.name}”. Copy the details from the provider’s app page; add the secret next.`}
      testId="app-form"
      onClose={onClose}
      production={environment.kind === "production"}
      wide
    >
      <div className="dialog-body">
        <AppForm app={null} environmentId={environment.id} onSaved={onCreated} onCancel={onClose} />
      </div>
    </Dialog>
  );
}
