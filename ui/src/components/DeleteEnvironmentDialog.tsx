import { useState } from "react";
import type { Environment } from "../bindings/Environment";
import type { EnvironmentDeleted } from "../bindings/EnvironmentDeleted";
import { api, toIpcError } from "../api/client";
import { plural } from "../lib/time";
import { ConfirmDialog } from "./ConfirmDialog";
import { useReportError } from "./Problems";

interface Props {
  environment: Environment;
  onClose: () => void;
  onDeleted: (deleted: EnvironmentDeleted) => void;
}

/**
 * Deleting an environment: refused by the backend while it holds apps (its message is shown),
 * unless the user ticks the explicit cascade that names what goes.
 */
export function DeleteEnvironmentDialog({ environment, onClose, onDeleted }: Props) {
  const [withApps, setWithApps] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const report = useReportError();
  const apps = environment.app_count;

  const confirm = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      onDeleted(await api.deleteEnvironment(environment.id, withApps));
    } catch (reason) {
      const failure = toIpcError(reason);
      if (failure.code === "environment_not_empty") setRefusal(failure.message);
      else {
        report(failure);
        onClose();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={`Delete “${environment.name}”?`}
      confirmLabel={withApps && apps > 0 ? `Delete “${environment.name}” and ${plural(apps, "app")}` : "Delete environment"}
      environment={environment}
      busy={busy}
      error={refusal}
      onCancel={onClose}
      onConfirm={() => void confirm()}
    >
      {apps === 0 ? (
        <p>It holds no client apps. Its name, colour and endpoints are removed from Authdeck.</p>
      ) : (
        <>
          <p>
            It still holds <strong>{plural(apps, "client app")}</strong>. An environment with apps is kept unless you
            choose to delete them with it.
          </p>
          <label className="checkbox-row">
            <input
              type="checkbox"
              data-testid="env-delete-with-apps"
              checked={withApps}
              onChange={(event) => {
                setWithApps(event.target.checked);
                setRefusal(null);
              }}
            />
            <span>
              Also delete its {plural(apps, "app")} and remove their secrets from the keychain. Tokens the provider already
              issued stay valid until they expire; the apps still exist at the provider.
            </span>
          </label>
        </>
      )}
    </ConfirmDialog>
  );
}
