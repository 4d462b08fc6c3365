import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, toIpcError } from "../api/client";
import { keys } from "../api/queries";
import { ACTION_WORDS, ACTOR_WORDS, filterEntries, indexEntries } from "../lib/audit";
import { localDateTime, plural } from "../lib/time";
import { Dialog } from "./Dialog";
import { Icon } from "./Icon";

interface Props {
  onClose: () => void;
}

/** How many of the newest entries the view loads; the CLI reads them all. */
export const AUDIT_VIEW_LIMIT = 1000;

/** The audit log, newest first, filtered as you type. */
export function AuditLogDialog({ onClose }: Props) {
  const log = useQuery({
    queryKey: keys.audit,
    queryFn: () => api.auditLog({ app: null, since: null, limit: AUDIT_VIEW_LIMIT }),
    // Entries come with every action (copies and reveals too, which announce no store change):
    // read afresh when it opens, and every few seconds while it is open, for what the CLI or
    // automatic renewal does meanwhile. A local read of at most AUDIT_VIEW_LIMIT rows.
    refetchOnMount: "always",
    refetchInterval: 3000,
  });
  const [query, setQuery] = useState("");
  const index = useMemo(() => indexEntries(log.data ?? []), [log.data]);
  const shown = useMemo(() => filterEntries(index, query), [index, query]);
  const total = log.data?.length ?? 0;

  return (
    <Dialog
      title="Audit log"
      subtitle="What was done with secrets, tokens, apps and environments, newest first. It never holds a secret or token value."
      testId="audit-log"
      wide
      onClose={onClose}
    >
      <div className="dialog-body">
        <div className="filter-box audit-filter">
          <Icon name="search" size={14} />
          <input
            type="search"
            data-testid="audit-filter"
            aria-label="Filter the audit log"
            placeholder="Filter by app, environment, action, detail…"
            value={query}
            onChange={(event) => { setQuery(event.target.value); }}
          />
        </div>
        {log.isError && (
          <p className="action-error" data-testid="action-error" role="alert">
            {toIpcError(log.error).message}
          </p>
        )}
        {log.isPending && <div className="skeleton-row" aria-busy="true" aria-label="Loading the audit log" />}
        {log.isSuccess && total === 0 && (
          <p className="muted" data-testid="audit-empty">
            Nothing recorded yet.
          </p>
        )}
        {total > 0 && shown.length === 0 && (
          <p className="muted" data-testid="audit-no-match">
            No entry matches “{query.trim()}”.
          </p>
        )}
        {shown.length > 0 && (
          <div className="audit-scroll">
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Environment</th>
                  <th scope="col">App</th>
                  <th scope="col">Detail</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((entry) => (
                  <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                    <td className="audit-when" title={entry.at}>
                      {localDateTime(entry.at)}
                    </td>
                    <td>{ACTION_WORDS[entry.action]}</td>
                    <td>{entry.environment_name ?? <span className="faint">—</span>}</td>
                    <td>{entry.app_name ?? <span className="faint">—</span>}</td>
                    <td className="audit-detail">{entry.detail}</td>
                    <td className="muted">{ACTOR_WORDS[entry.actor]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > 0 && (
          <p className="muted audit-count" data-testid="audit-count">
            {shown.length === total ? plural(total, "entry", "entries") : `${shown.length.toLocaleString()} of ${plural(total, "entry", "entries")}`}
            {total >= AUDIT_VIEW_LIMIT ? ` (the newest ${AUDIT_VIEW_LIMIT.toLocaleString()}; authdeck audit --limit 0 lists them all)` : ""}
          </p>
        )}
      </div>
    </Dialog>
  );
}
