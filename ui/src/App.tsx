import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import type { ClipboardCleared } from "./bindings/ClipboardCleared";
import type { Environment } from "./bindings/Environment";
import type { LinkedApp } from "./bindings/LinkedApp";
import type { SecretMeta } from "./bindings/SecretMeta";
import { api, toIpcError } from "./api/client";
import { useClipboardCleared, useStoreEvents } from "./api/events";
import { keys, useApps, useEnvironments, useSettings } from "./api/queries";
import { useCountdown } from "./lib/useCountdown";
import { AppDetail } from "./components/AppDetail";
import { AppForm } from "./components/AppForm";
import { AppList } from "./components/AppList";
import { ConfirmDialog } from "./components/ConfirmDialog";
import { Dialog } from "./components/Dialog";
import { EnvironmentForm } from "./components/EnvironmentForm";
import { ErrorBanner } from "./components/ErrorBanner";
import { SettingsDialog } from "./components/SettingsDialog";
import { useToast } from "./components/Toasts";
import { ProductionBanner, TopBar } from "./components/TopBar";

type Theme = "light" | "dark";
type Editing = { kind: "new-environment" } | { kind: "edit-environment"; environment: Environment } | { kind: "new-app" } | { kind: "delete-environment"; environment: Environment } | { kind: "settings" } | null;

function systemTheme(): Theme {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function App() {
  const client = useQueryClient();
  useStoreEvents(client);
  const toast = useToast();
  const environments = useEnvironments();
  const settings = useSettings();
  const [theme, setTheme] = useState<Theme>(systemTheme);
  const [selectedAppId, setSelectedAppId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [clipboardLeft, startClipboard, stopClipboard] = useCountdown();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const activeId = settings.data?.active_environment_id ?? null;
  const active = environments.data?.find((environment) => environment.id === activeId) ?? null;
  const apps = useApps(active?.id ?? null);

  useClipboardCleared(
    useCallback(
      (event: ClipboardCleared) => {
        stopClipboard();
        toast(event.reason === "timeout" ? "Clipboard cleared" : "Clipboard left alone: something else was copied since", "info");
      },
      [stopClipboard, toast],
    ),
  );

  const switchEnvironment = async (id: string) => {
    try {
      // Follow the same integration into the other environment, if it exists there.
      const linked = selectedAppId ? await api.linkedApps(selectedAppId) : [];
      await api.setActiveEnvironment(id);
      await client.invalidateQueries({ queryKey: keys.settings });
      setSelectedAppId(linked.find((other) => other.environment_id === id)?.app_id ?? null);
    } catch (reason) {
      toast(toIpcError(reason).message, "error");
    }
  };
  const openLinked = (linked: LinkedApp) => {
    void api.setActiveEnvironment(linked.environment_id).then(async () => {
      await client.invalidateQueries({ queryKey: keys.settings });
      setSelectedAppId(linked.app_id);
    });
  };
  const copy = async (secret: SecretMeta) => {
    try {
      const started = await api.copySecret(secret.id);
      startClipboard(started.clear_after_seconds);
      toast(`Copied “${secret.label}” — cleared from the clipboard in ${started.clear_after_seconds} s`, "success");
    } catch (reason) {
      toast(toIpcError(reason).message, "error");
    }
  };
  const deleteEnvironment = async (environment: Environment) => {
    setEditing(null);
    try {
      const deleted = await api.deleteEnvironment(environment.id, environment.app_count > 0);
      setSelectedAppId(null);
      toast(
        deleted.apps_removed > 0
          ? `Deleted “${environment.name}”, its ${deleted.apps_removed} apps and ${deleted.keychain_entries_removed} keychain entries`
          : `Deleted “${environment.name}”`,
        "success",
      );
    } catch (reason) {
      toast(toIpcError(reason).message, "error");
    }
  };

  const blocking = settings.error ?? environments.error;
  if (blocking) {
    return (
      <div className="app-shell">
        <ErrorBanner error={toIpcError(blocking)} title="Authdeck could not open its data" />
      </div>
    );
  }

  return (
    <div className={active?.kind === "production" ? "app-shell production" : "app-shell"}>
      <TopBar
        environments={environments.data ?? []}
        active={active}
        onSwitch={(id) => void switchEnvironment(id)}
        onNew={() => { setEditing({ kind: "new-environment" }); }}
        onEdit={() => { if (active) setEditing({ kind: "edit-environment", environment: active }); }}
        onDelete={() => { if (active) setEditing({ kind: "delete-environment", environment: active }); }}
        onSettings={() => { setEditing({ kind: "settings" }); }}
        onToggleTheme={() => { setTheme(theme === "dark" ? "light" : "dark"); }}
        theme={theme}
      />
      {active?.kind === "production" && <ProductionBanner environment={active} />}
      {environments.data?.length === 0 ? (
        <main className="welcome" data-testid="welcome">
          <h1>Welcome to Authdeck</h1>
          <p>Start with an environment: the place your client apps are registered, such as a provider’s sandbox or production.</p>
          <button type="button" className="primary" onClick={() => { setEditing({ kind: "new-environment" }); }}>
            Create your first environment
          </button>
          <p className="muted">Secrets you add later go to your system keychain, never to Authdeck’s own files.</p>
        </main>
      ) : (
        <main className="workspace">
          <AppList apps={apps.data} loading={apps.isLoading} selectedId={selectedAppId} onSelect={setSelectedAppId} onNew={() => { setEditing({ kind: "new-app" }); }} canCreate={active !== null} />
          {selectedAppId && active ? (
            <AppDetail key={selectedAppId} appId={selectedAppId} environment={active} onOpenLinked={openLinked} onDeleted={() => { setSelectedAppId(null); }} onCopy={(secret) => void copy(secret)} />
          ) : (
            <section className="detail empty">
              <p className="muted">Select an app to see its settings and secrets.</p>
            </section>
          )}
        </main>
      )}
      <footer className="statusbar">
        {clipboardLeft !== null && clipboardLeft > 0 ? (
          <span data-testid="clipboard-countdown" className="clipboard-countdown" role="status">
            Secret on the clipboard — cleared in {clipboardLeft} s
          </span>
        ) : (
          <span className="muted" data-testid="status-environment">
            {active ? `${active.name} · ${active.app_count} ${active.app_count === 1 ? "app" : "apps"}` : ""}
          </span>
        )}
      </footer>
      {(editing?.kind === "new-environment" || editing?.kind === "edit-environment") && (
        <EnvironmentForm
          environment={editing.kind === "edit-environment" ? editing.environment : null}
          onClose={() => { setEditing(null); }}
          onSaved={(saved) => {
            setEditing(null);
            toast(`Saved “${saved.name}”`, "success");
          }}
        />
      )}
      {editing?.kind === "new-app" && active && (
        <Dialog title={`New app in “${active.name}”`} testId="app-form" onClose={() => { setEditing(null); }} wide>
          <div className="dialog-body">
            <AppForm
              app={null}
              environmentId={active.id}
              onSaved={(created) => {
                setEditing(null);
                setSelectedAppId(created.id);
                toast(`Created “${created.display_name}”`, "success");
              }}
              onCancel={() => { setEditing(null); }}
            />
          </div>
        </Dialog>
      )}
      {editing?.kind === "delete-environment" && (
        <ConfirmDialog
          title={`Delete “${editing.environment.name}”?`}
          confirmLabel={editing.environment.app_count > 0 ? `Delete it and its ${editing.environment.app_count} apps` : "Delete environment"}
          production={editing.environment.kind === "production"}
          onCancel={() => { setEditing(null); }}
          onConfirm={() => void deleteEnvironment(editing.environment)}
        >
          {editing.environment.app_count > 0 ? (
            <p>
              It holds <strong>{editing.environment.app_count} apps</strong>. They go too, and their secrets are removed from the
              keychain. Tokens the provider already issued stay valid.
            </p>
          ) : (
            <p>It holds no apps.</p>
          )}
        </ConfirmDialog>
      )}
      {editing?.kind === "settings" && settings.data && <SettingsDialog settings={settings.data} onClose={() => { setEditing(null); }} />}
    </div>
  );
}
