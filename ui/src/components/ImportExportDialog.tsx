import { useEffect, useState } from "react";
import type { ExportSummary } from "../bindings/ExportSummary";
import type { FieldChange } from "../bindings/FieldChange";
import type { FieldError } from "../bindings/FieldError";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { ImportReport } from "../bindings/ImportReport";
import type { IpcError } from "../bindings/IpcError";
import { api, toIpcError } from "../api/client";
import { presentationOf } from "../lib/errors";
import { plural } from "../lib/time";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { useReportError } from "./Problems";

interface Props {
  onClose: () => void;
}

type Tab = "export" | "import";

/** Sharing a setup: every environment and app to a file, or a file's into the store after a preview. */
export function ImportExportDialog({ onClose }: Props) {
  const [tab, setTab] = useState<Tab>("export");
  return (
    <Dialog
      title="Import / export"
      subtitle="Share environments and apps as a file. Secrets and tokens are never in it: hand them on separately."
      testId="import-export-dialog"
      wide
      onClose={onClose}
    >
      <div className="dialog-body">
        <div className="segmented" role="tablist" aria-label="Import or export">
          {(["export", "import"] as const).map((which) => (
            <button
              key={which}
              type="button"
              role="tab"
              aria-selected={tab === which}
              className={tab === which ? "segment segment-selected" : "segment"}
              data-testid={`tab-${which}`}
              onClick={() => { setTab(which); }}
            >
              {which === "export" ? "Export" : "Import"}
            </button>
          ))}
        </div>
        {tab === "export" ? <ExportPane onClose={onClose} /> : <ImportPane onClose={onClose} />}
      </div>
    </Dialog>
  );
}

/** The path field's errors: a refusal of the file or the path shows under the path. */
function useFileErrors(): [FieldError[], (error: IpcError) => boolean, () => void] {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const show = (error: IpcError) => {
    // an unconfirmed production change means the file changed since its preview: said there too
    const aboutTheFile = presentationOf(error.code) === "field" || error.code === "not_found" || error.code === "production_unconfirmed";
    if (!aboutTheFile) return false;
    setErrors([{ field: "path", message: error.message }]);
    return true;
  };
  return [errors, show, () => { setErrors([]); }];
}

function ExportPane({ onClose }: Props) {
  const report = useReportError();
  const [path, setPath] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportSummary | null>(null);
  const [errors, showError, clearErrors] = useFileErrors();

  useEffect(() => {
    let live = true;
    api.suggestedExportPath().then(
      (suggested) => {
        if (live && suggested) setPath((current) => current || suggested);
      },
      () => undefined, // no suggestion: the field stays empty
    );
    return () => {
      live = false;
    };
  }, []);

  /** Exports to the typed path, or (`withDialog`) to the file picked in the system's save dialog. */
  const save = async (withDialog: boolean) => {
    setBusy(true);
    clearErrors();
    setDone(null);
    try {
      const summary = withDialog ? await api.exportWithDialog() : await api.exportSetup(path, overwrite);
      // a cancelled dialog changes nothing
      if (summary) {
        setDone(summary);
        setPath(summary.path);
      }
    } catch (reason) {
      const error = toIpcError(reason);
      if (!showError(error)) report(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="portable-pane"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save(false);
      }}
    >
      <p className="muted">Writes every environment and its apps — endpoints, client IDs, redirect URIs, scopes — as JSON.</p>
      <Field label="Save to" field="path" errors={errors} hint="A full path (~/ is your home folder), or pick the file with Save as.">
        <input
          data-testid="export-path"
          value={path}
          spellCheck={false}
          onChange={(event) => {
            setPath(event.target.value);
            setDone(null);
          }}
        />
      </Field>
      <label className="checkbox-row">
        <input type="checkbox" data-testid="export-overwrite" checked={overwrite} onChange={(event) => { setOverwrite(event.target.checked); }} />
        <span>Replace the file if it exists</span>
      </label>
      {done && (
        <p className="portable-done" data-testid="export-done" role="status">
          Exported {plural(done.environments, "environment")} and {plural(done.apps, "app")} to <code>{done.path}</code>. The file holds no
          secrets and no tokens.
        </p>
      )}
      <footer className="dialog-footer">
        <button type="button" onClick={onClose}>
          {done ? "Close" : "Cancel"}
        </button>
        <button type="button" data-testid="export-choose" disabled={busy} onClick={() => void save(true)}>
          Save as…
        </button>
        <button type="submit" className="primary" data-testid="export-save" disabled={busy || path.trim() === ""}>
          {busy ? "Exporting…" : "Export"}
        </button>
      </footer>
    </form>
  );
}

function ImportPane({ onClose }: Props) {
  const report = useReportError();
  const [path, setPath] = useState("");
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  // the production environments the user ticked, by name, for this preview
  const [confirmed, setConfirmed] = useState<string[]>([]);
  const [errors, showError, clearErrors] = useFileErrors();

  const run = async (apply: boolean) => {
    setBusy(true);
    clearErrors();
    try {
      if (apply) {
        setDone(await api.applyImport(path, confirmed));
        setPreview(null);
      } else {
        setPreview(await api.previewImport(path));
      }
      setConfirmed([]);
    } catch (reason) {
      const error = toIpcError(reason);
      if (error.code === "production_unconfirmed") setPreview(null);
      if (!showError(error)) report(error);
    } finally {
      setBusy(false);
    }
  };
  /** The system's open dialog: the picked file's path and preview, as if typed and previewed. */
  const choose = async () => {
    setBusy(true);
    clearErrors();
    try {
      const chosen = await api.previewWithDialog();
      // a cancelled dialog changes nothing
      if (chosen) {
        setPath(chosen.path);
        setPreview(chosen.report);
        setDone(null);
        setConfirmed([]);
      }
    } catch (reason) {
      const error = toIpcError(reason);
      if (!showError(error)) report(error);
    } finally {
      setBusy(false);
    }
  };
  const shown = done ?? preview;
  const blocked = preview !== null && preview.problems.length > 0;
  const nothingToDo = preview !== null && preview.added + preview.changed === 0;
  const unconfirmed = preview?.production_to_confirm.filter((name) => !confirmed.includes(name)) ?? [];

  return (
    <form
      className="portable-pane"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void run(preview !== null && !blocked && !nothingToDo);
      }}
    >
      <p className="muted">
        Shows first what the file adds, changes and leaves alone. Environments are matched by name, apps by client ID; nothing
        here is deleted.
      </p>
      <Field label="File" field="path" errors={errors} hint="A full path (~/ is your home folder), or pick the file with Choose file.">
        <input
          data-testid="import-path"
          value={path}
          autoFocus
          placeholder="~/authdeck-export.json"
          spellCheck={false}
          onChange={(event) => {
            setPath(event.target.value);
            // a preview belongs to the file it was made from
            setPreview(null);
            setDone(null);
            setConfirmed([]);
          }}
        />
      </Field>
      {shown && <ImportPreview report={shown} />}
      {preview && !blocked && preview.production_to_confirm.length > 0 && (
        <ProductionConfirmation
          names={preview.production_to_confirm}
          confirmed={confirmed}
          onChange={(name, on) => {
            setConfirmed((current) => (on ? [...current, name] : current.filter((other) => other !== name)));
          }}
        />
      )}
      <footer className="dialog-footer">
        <button type="button" onClick={onClose}>
          {done ? "Close" : "Cancel"}
        </button>
        <button type="button" data-testid="import-choose" disabled={busy} onClick={() => void choose()}>
          Choose file…
        </button>
        {preview === null ? (
          <button type="submit" className={done ? "" : "primary"} data-testid="import-preview-button" disabled={busy || path.trim() === ""}>
            {busy ? "Reading…" : "Preview"}
          </button>
        ) : (
          <button type="submit" className="primary" data-testid="import-apply" disabled={busy || blocked || nothingToDo || unconfirmed.length > 0}>
            {busy ? "Importing…" : `Import ${plural(preview.added + preview.changed, "change")}`}
          </button>
        )}
      </footer>
    </form>
  );
}

/** One tick per stored production environment the import changes: applying sends the ticked names. */
function ProductionConfirmation({
  names,
  confirmed,
  onChange,
}: {
  names: string[];
  confirmed: string[];
  onChange: (name: string, on: boolean) => void;
}) {
  return (
    <fieldset className="production-warning import-confirm" data-testid="import-production-confirm">
      <legend>
        <strong>Production.</strong> Confirm each production environment this import changes:
      </legend>
      {names.map((name) => (
        <label key={name} className="checkbox-row">
          <input
            type="checkbox"
            data-testid={`import-confirm-${name}`}
            checked={confirmed.includes(name)}
            onChange={(event) => {
              onChange(name, event.target.checked);
            }}
          />
          <span>Change the production environment “{name}” and its apps</span>
        </label>
      ))}
    </fieldset>
  );
}

const OUTCOME: Record<ImportOutcome, [string, string]> = {
  // preview, done
  added: ["New", "Added"],
  changed: ["Changes", "Changed"],
  skipped: ["Same", "Unchanged"],
};

const LABELS: Record<string, string> = {
  kind: "Kind",
  color: "Colour",
  "endpoints.issuer_url": "Issuer",
  "endpoints.authorization_url": "Authorization endpoint",
  "endpoints.token_url": "Token endpoint",
  "endpoints.device_authorization_url": "Device authorization endpoint",
  "endpoints.token_info_url": "Token info endpoint",
  "endpoints.introspection_url": "Introspection endpoint",
  "endpoints.revocation_url": "Revocation endpoint",
  "endpoints.api_base_url": "API base URL",
  rotation_days: "Rotate secrets after (days)",
  display_name: "Display name",
  client_type: "Client type",
  auth_method: "Token endpoint authentication",
  description: "Description",
  logo_uri: "Logo URI",
  redirect_uris: "Redirect URIs",
  logout_urls: "Allowed logout URLs",
  web_origins: "Allowed web origins",
  default_scopes: "Default scopes",
  labels: "Labels",
  link: "Link across environments",
  audience: "Audience",
  resource: "Resource indicator",
};

/** A field as the forms label it: `redirect_uris.0` → “Redirect URIs #1”. */
export function fieldLabel(field: string): string {
  if (field in LABELS) return LABELS[field] ?? field;
  const match = /^(.*)\.(\d+)$/.exec(field);
  if (match?.[1] && match[2]) return `${LABELS[match[1]] ?? match[1]} #${Number(match[2]) + 1}`;
  return field;
}

function Outcome({ outcome, applied }: { outcome: ImportOutcome; applied: boolean }) {
  return <span className={`outcome outcome-${outcome}`}>{OUTCOME[outcome][applied ? 1 : 0]}</span>;
}

/**
 * Where Authdeck sends secrets, tokens or the user's browser, and the issuer whose keys sign ID
 * tokens: a change there is shown in red (core's WATCHED_ENDPOINTS, src-tauri/core/src/portable.rs).
 */
const WATCHED = new Set([
  "endpoints.token_url",
  "endpoints.authorization_url",
  "endpoints.device_authorization_url",
  "endpoints.introspection_url",
  "endpoints.revocation_url",
  "endpoints.token_info_url",
  "endpoints.issuer_url",
  "endpoints.api_base_url",
]);

/** One row of a change table; `environment` only in the table of every environment's endpoints. */
interface ChangeRow {
  key: string;
  environment?: string;
  field: string;
  before: string;
  after: string;
  watched: boolean;
}

/** Fields with their value here and in the file (before and after, once applied); an empty value is a dash. */
function ChangeTable({ rows, applied, testId }: { rows: ChangeRow[]; applied: boolean; testId?: string }) {
  const withEnvironment = rows.some((row) => row.environment !== undefined);
  const value = (text: string) => (text === "" ? <span className="faint">—</span> : text);
  return (
    <table className="import-changes" data-testid={testId}>
      <thead>
        <tr>
          {withEnvironment && <th scope="col">Environment</th>}
          <th scope="col">Field</th>
          <th scope="col">{applied ? "Before" : "Here now"}</th>
          <th scope="col">{applied ? "After" : "In the file"}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} className={row.watched ? "endpoint-change" : undefined}>
            {withEnvironment && <td className="import-change-environment">{row.environment}</td>}
            <th scope="row">{fieldLabel(row.field)}</th>
            <td>{value(row.before)}</td>
            <td>{value(row.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Changes({ changes, testId, applied }: { changes: FieldChange[]; testId: string; applied: boolean }) {
  if (changes.length === 0) return null;
  const rows = changes.map((change) => ({ ...change, key: change.field, watched: WATCHED.has(change.field) }));
  return <ChangeTable rows={rows} applied={applied} testId={testId} />;
}

/** What the file adds, changes and skips, field by field, and what stands in its way. */
export function ImportPreview({ report }: { report: ImportReport }) {
  const applied = report.applied;
  const needSecrets = report.environments.flatMap((environment) => environment.apps).filter((app) => app.needs_secret).length;
  const production = report.production_to_confirm.map((name) => `“${name}”`);
  return (
    <section className="import-preview" data-testid="import-preview" aria-label={applied ? "What was imported" : "What importing does"}>
      <p className="import-summary" data-testid="import-summary" role="status">
        {applied ? "Imported: " : ""}
        {report.added} {applied ? "added" : "to add"} · {report.changed} {applied ? "changed" : "to change"} · {report.skipped} already the same
      </p>
      {report.endpoint_changes.length > 0 && <EndpointChanges report={report} />}
      {report.problems.length > 0 && (
        <div className="import-problems" role="alert" data-testid="import-problems">
          <strong>Nothing can be imported until the file is fixed:</strong>
          <ul>
            {report.problems.map((problem) => (
              <li key={`${problem.place}/${problem.field}/${problem.message}`}>
                {problem.place} — {fieldLabel(problem.field)}: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!applied && production.length > 0 && (
        <p className="production-warning" data-testid="import-production-warning" role="note">
          This changes the production environment{production.length === 1 ? "" : "s"} {production.join(", ")}: settings live systems use.
        </p>
      )}
      {needSecrets > 0 && (
        <p className="import-note" data-testid="import-needs-secrets">
          {applied
            ? `${plural(needSecrets, "confidential app")} ${needSecrets === 1 ? "has" : "have"} no secret here yet: add ${needSecrets === 1 ? "it" : "them"} in the app's Secrets panel.`
            : `${plural(needSecrets, "confidential app")} will have no secret here: add ${needSecrets === 1 ? "it" : "them"} after importing.`}
        </p>
      )}
      <div className="import-list-scroll">
        <ul className="import-list">
          {report.environments.map((environment) => (
            <li key={environment.name} data-testid={`import-env-${environment.name}`}>
              <div className="import-item">
                <Outcome outcome={environment.outcome} applied={applied} />
                <strong>{environment.name}</strong>
                <span className={`kind-badge kind-${environment.kind}`}>{environment.kind}</span>
              </div>
              <Changes changes={environment.changes} testId={`import-env-changes-${environment.name}`} applied={applied} />
              {environment.apps.length > 0 && (
                <ul className="import-apps">
                  {environment.apps.map((app) => (
                    <li key={app.client_id} data-testid={`import-app-${app.client_id}`}>
                      <div className="import-item">
                        <Outcome outcome={app.outcome} applied={applied} />
                        <span>{app.display_name}</span>
                        <code className="client-id">{app.client_id}</code>
                        {app.needs_secret && <span className="hint-warning">No secret yet</span>}
                      </div>
                      <Changes changes={app.changes} testId={`import-app-changes-${app.client_id}`} applied={applied} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

/** The changed endpoints of every environment, first and in red: where secrets and tokens will go. */
function EndpointChanges({ report }: { report: ImportReport }) {
  const applied = report.applied;
  const pauses = report.endpoint_changes.some((change) => change.pauses_renewal);
  return (
    <div className="import-endpoints" role="alert" data-testid="import-endpoint-changes">
      <strong>
        {applied ? "Endpoints changed" : "Endpoints this changes"} — secrets, tokens and sign-ins go to the new addresses:
      </strong>
      <ChangeTable
        rows={report.endpoint_changes.map((change) => ({ ...change, key: `${change.environment}/${change.field}`, watched: true }))}
        applied={applied}
      />
      {pauses && (
        <p data-testid="import-renewal-pause">
          Automatic renewal of {applied ? "their" : "these environments’"} apps {applied ? "is" : "will be"} paused until you get a
          token by hand.
        </p>
      )}
    </div>
  );
}
