import { useState } from "react";
import type { Environment } from "../bindings/Environment";
import type { EnvironmentDeleted } from "../bindings/EnvironmentDeleted";
import type { TeamBadge } from "../bindings/TeamBadge";
import { api, toIpcError } from "../api/client";
import { useTeam } from "../api/queries";
import { plural } from "../lib/time";
import { ConfirmDialog } from "./ConfirmDialog";
import { useReportError } from "./Problems";

/** What became of the environment: deleted (a local one), left, or deleted for the team. */
export type EnvironmentRemoval = "deleted" | "left" | "deleted_for_team";

interface Props {
  environment: Environment;
  onClose: () => void;
  onDeleted: (deleted: EnvironmentDeleted, how: EnvironmentRemoval) => void;
}

/**
 * Deleting an environment: refused by the backend while it holds apps (its message is shown),
 * unless the user ticks the explicit cascade that names what goes.
 */
export function DeleteEnvironmentDialog({ environment, onClose, onDeleted }: Props) {
  const team = useTeam(environment.id);
  if (team.isPending) return null;
  if (team.data) return <RemoveTeamEnvironmentDialog environment={environment} team={team.data} onClose={onClose} onDeleted={onDeleted} />;
  return <DeleteLocalEnvironmentDialog environment={environment} onClose={onClose} onDeleted={onDeleted} />;
}

function DeleteLocalEnvironmentDialog({ environment, onClose, onDeleted }: Props) {
  const [withApps, setWithApps] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const report = useReportError();
  const apps = environment.app_count;

  const confirm = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      onDeleted(await api.deleteEnvironment(environment.id, withApps), "deleted");
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

/**
 * A team environment is either left (forgotten on this computer, the vault untouched) or
 * deleted for the whole team (its set-up and every secret in the vault): two choices, never a
 * default; a production one is deleted for the team only once its name is typed.
 */
function RemoveTeamEnvironmentDialog({ environment, team, onClose, onDeleted }: Props & { team: TeamBadge }) {
  const [how, setHow] = useState<"left" | "deleted_for_team" | null>(null);
  const [typed, setTyped] = useState("");
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const report = useReportError();
  const production = environment.kind === "production";
  const named = !production || typed.trim() === environment.name;

  const confirm = async () => {
    if (how === null) {
      setRefusal("Choose whether to leave it or to delete it for the whole team.");
      return;
    }
    if (how === "deleted_for_team" && !named) {
      setRefusal(`Type “${environment.name}” to delete this production environment for the team.`);
      return;
    }
    setBusy(true);
    setRefusal(null);
    try {
      const removed = how === "left" ? await api.leaveEnvironment(environment.id) : await api.deleteEnvironmentForTeam(environment.id);
      onDeleted(removed, how);
    } catch (reason) {
      const failure = toIpcError(reason);
      // the vault's refusal (its policy) is shown in place: leaving is still open
      if (failure.code === "vault_refused") setRefusal(failure.message);
      else {
        report(failure);
        onClose();
      }
    } finally {
      setBusy(false);
    }
  };
  const choose = (next: "left" | "deleted_for_team") => {
    setHow(next);
    setRefusal(null);
  };

  return (
    <ConfirmDialog
      title={`Remove “${environment.name}”?`}
      confirmLabel={how === "deleted_for_team" ? `Delete “${environment.name}” for the team` : how === "left" ? `Leave “${environment.name}”` : "Choose one"}
      environment={environment}
      busy={busy}
      error={refusal}
      onCancel={onClose}
      onConfirm={() => void confirm()}
    >
      <p>
        “{environment.name}” is shared through the team vault “{team.team}”. Choose what happens:
      </p>
      <label className="checkbox-row">
        <input type="radio" name="team-removal" data-testid="env-leave" checked={how === "left"} onChange={() => { choose("left"); }} />
        <span>
          <strong>Leave — forget it on this computer.</strong> Its {plural(environment.app_count, "app")} and your tokens of
          them go from here. The team vault and the other members keep it; you can join it again.
        </span>
      </label>
      <label className="checkbox-row">
        <input type="radio" name="team-removal" data-testid="env-delete-for-team" checked={how === "deleted_for_team"} onChange={() => { choose("deleted_for_team"); }} />
        <span>
          <strong>Delete for the team.</strong> Its set-up and every secret are deleted from the team vault “{team.team}”
          for every member, with no way back. Your vault policy must allow deleting them.
        </span>
      </label>
      {how === "deleted_for_team" && production && (
        <label className="field">
          <span>Type “{environment.name}” to confirm</span>
          <input
            data-testid="env-delete-for-team-name"
            autoComplete="off"
            value={typed}
            onChange={(event) => {
              setTyped(event.target.value);
              setRefusal(null);
            }}
          />
        </label>
      )}
    </ConfirmDialog>
  );
}
