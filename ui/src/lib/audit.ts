import type { AuditAction } from "../bindings/AuditAction";
import type { AuditEntry } from "../bindings/AuditEntry";

/** Each action in words (exhaustive: a new action fails the type check until it is named). */
export const ACTION_WORDS: Record<AuditAction, string> = {
  secret_added: "Secret added",
  secret_copied: "Secret copied",
  secret_revealed: "Secret revealed",
  secret_retired: "Secret retired",
  secret_reactivated: "Secret reactivated",
  secret_deleted: "Secret deleted",
  signing_key_added: "Signing key added",
  signing_key_retired: "Signing key retired",
  signing_key_reactivated: "Signing key reactivated",
  signing_key_deleted: "Signing key deleted",
  client_cert_added: "Client certificate added",
  client_cert_retired: "Client certificate retired",
  client_cert_reactivated: "Client certificate reactivated",
  client_cert_deleted: "Client certificate deleted",
  token_minted: "Token minted",
  token_refreshed: "Token refreshed",
  token_revoked: "Token revoked",
  token_copied: "Token copied",
  app_created: "App created",
  app_edited: "App edited",
  app_deleted: "App deleted",
  dpop_switched: "DPoP binding switched",
  par_switched: "PAR switched",
  environment_created: "Environment created",
  environment_edited: "Environment edited",
  environment_deleted: "Environment deleted",
  environment_switched: "Environment switched",
  import_applied: "Import applied",
  remote_app_created: "App created at the provider",
  remote_app_deleted: "App deleted at the provider",
};

export const ACTOR_WORDS = { desktop: "Desktop app", cli: "Command line" } as const;

/** An entry with the lower-cased text the filter searches, built once per load. */
export interface IndexedEntry {
  entry: AuditEntry;
  text: string;
}

export function indexEntries(entries: readonly AuditEntry[]): IndexedEntry[] {
  return entries.map((entry) => ({
    entry,
    text: [
      ACTION_WORDS[entry.action],
      ACTOR_WORDS[entry.actor],
      entry.actor,
      entry.environment_name ?? "",
      entry.app_name ?? "",
      entry.detail,
    ]
      .join("\n")
      .toLowerCase(),
  }));
}

/** The entries whose action, actor, environment, app or detail contain every word of `query`. */
export function filterEntries(index: readonly IndexedEntry[], query: string): AuditEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return index.filter((item) => words.every((word) => item.text.includes(word))).map((item) => item.entry);
}
