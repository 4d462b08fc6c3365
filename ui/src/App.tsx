import { useQueryClient } from "@tanstack/react-query";
import { Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { TokenRenewed } from "./bindings/TokenRenewed";
import type { OpenedApp } from "./bindings/OpenedApp";
import type { Environment } from "./bindings/Environment";
import type { LinkedApp } from "./bindings/LinkedApp";
import type { Settings } from "./bindings/Settings";
import { api, toIpcError } from "./api/client";
import { useOpenRequests, useStoreEvents, useTokenRenewed } from "./api/events";
import { invalidateScope, keys, useApps, useEnvironments, useSettings, useTeam } from "./api/queries";
import { mark, markOnce, recordProcessMarks } from "./lib/marks";
import type { AppRequest, Command } from "./lib/palette";
import { plural } from "./lib/time";
import { usePaletteEntries, usePaletteKey } from "./lib/usePalette";
import { useTheme } from "./lib/useTheme";
import { useVaultState } from "./lib/vault";
import { AppList } from "./components/AppList";
import { DetailLoading, EmptyDetail } from "./components/EmptyDetail";
import { ErrorBanner } from "./components/ErrorBanner";
import { ProblemBanner, useReportError } from "./components/Problems";
import { StatusBar } from "./components/StatusBar";
import { VaultSignInBanner } from "./components/VaultSignIn";
import { useToast } from "./components/Toasts";
import { ProductionBanner, TopBar } from "./components/TopBar";
import { Welcome } from "./components/Welcome";
import {
  AppDetail,
  AuditLogDialog,
  CommandPalette,
  DeleteEnvironmentDialog,
  EnvironmentForm,
  ImportExportDialog,
  NewAppDialog,
  ProviderDialog,
  SettingsDialog,
  TokenOverview,
  loadTheRest,
} from "./later";

type Open =
  | { kind: "new-environment" }
  | { kind: "edit-environment"; environment: Environment }
  | { kind: "delete-environment"; environment: Environment }
  | { kind: "new-app"; environment: Environment }
  | { kind: "settings" }
  | { kind: "import-export" }
  | { kind: "audit" }
  | { kind: "provider"; environment: Environment }
  | { kind: "tokens"; environment: Environment }
  | null;

export function App() {
  const client = useQueryClient();
  useStoreEvents(client);
  const toast = useToast();
  const report = useReportError();
  const [theme, toggleTheme] = useTheme();
  const environments = useEnvironments();
  const settings = useSettings();
  // The open app of each environment, so switching back returns to where you were.
  const [selected, setSelected] = useState<Record<string, string | null>>({});
  const [open, setOpen] = useState<Open>(null);
  const [palette, setPalette] = useState(false);
  // an action chosen in the palette, run by the open app's panel that owns it
  const [request, setRequest] = useState<AppRequest | null>(null);
  const requests = useRef(0);
  usePaletteKey(useCallback(() => { setPalette(true); }, []));
  useTokenRenewed(
    useCallback(
      (event: TokenRenewed) => {
        // the panels and the overview show the new token (or the failure) at once
        void invalidateScope(client, "tokens");
        if (event.error === null) toast(`Renewed the token of “${event.app_name}”`, "info");
        else toast(`Automatic renewal of “${event.app_name}” failed: ${event.error}`, "error");
      },
      [client, toast],
    ),
  );

  const activeId = settings.data?.active_environment_id ?? null;
  const active = environments.data?.find((environment) => environment.id === activeId) ?? null;
  const apps = useApps(active?.id ?? null);
  // a shared environment follows its set-up in the team vault while the window shows it
  const team = useTeam(active?.id ?? null).data ?? null;
  const vault = useVaultState(active?.id ?? null, team !== null).data;
  const selectedAppId = active ? (selected[active.id] ?? null) : null;

  const select = useCallback(
    (appId: string | null) => {
      if (appId) mark("open-app-start");
      setRequest(null);
      if (active) setSelected((current) => ({ ...current, [active.id]: appId }));
    },
    [active],
  );
  useLayoutEffect(() => {
    // the first render is in the DOM, not yet laid out or painted
    markOnce("first-commit");
  }, []);
  useEffect(() => {
    markOnce("first-render");
    // after the first paint, nothing waits for it: the process's marks join the timeline
    api.startupMarks().then(recordProcessMarks, () => undefined);
  }, []);
  const closeDetail = useCallback(() => {
    select(null);
  }, [select]);

  /**
   * Makes `id` the active environment: shown at once (its list from the cache when it was loaded
   * before), then told to the store, whose answer replaces it. A refusal is reported and the
   * settings are read again, so the window shows the environment that is still active.
   */
  const activate = useCallback(
    async (id: string) => {
      client.setQueryData<Settings>(keys.settings, (current) => (current ? { ...current, active_environment_id: id } : current));
      try {
        client.setQueryData(keys.settings, await api.setActiveEnvironment(id));
      } catch (reason) {
        report(reason);
        await client.invalidateQueries({ queryKey: keys.settings });
      }
    },
    [client, report],
  );
  /** Switches environment; the open app's linked app there (same link) is opened with it. */
  const switchEnvironment = async (id: string) => {
    mark("switch-start");
    setRequest(null);
    const linked = selectedAppId ? await api.linkedApps(selectedAppId).catch(() => []) : [];
    const follow = linked.find((other) => other.environment_id === id);
    if (follow) setSelected((current) => ({ ...current, [id]: follow.app_id }));
    await activate(id);
  };
  /** Shows `appId` of environment `environmentId`, switching to that environment. */
  const showApp = useCallback(
    (environmentId: string, appId: string) => {
      setRequest(null);
      setSelected((current) => ({ ...current, [environmentId]: appId }));
      void activate(environmentId);
    },
    [activate],
  );
  const openLinked = (linked: LinkedApp) => {
    showApp(linked.environment_id, linked.app_id);
  };
  // `authdeck open APP`, a notification, the tray; an open dialog stays open (it may hold
  // unsaved input) over the app. The tray's "Sign in…" runs as the palette's sign-in does.
  useOpenRequests(
    useCallback(
      ({ app, action }: OpenedApp) => {
        showApp(app.environment_id, app.id);
        if (action === "sign_in") setRequest({ appId: app.id, action: "sign-in", serial: ++requests.current });
      },
      [showApp],
    ),
    report,
  );

  const requestTaken = useCallback((serial: number) => {
    setRequest((current) => (current?.serial === serial ? null : current));
  }, []);
  const openApp = apps.data?.find((app) => app.id === selectedAppId) ?? null;
  const paletteEntries = usePaletteEntries(environments.data ?? [], active, openApp, palette);
  /** Runs what was chosen in the palette with the handlers the rest of the window uses. */
  const run = (command: Command) => {
    switch (command.kind) {
      case "open-app":
        mark("open-app-start");
        showApp(command.environmentId, command.appId);
        break;
      case "app-action":
        showApp(command.environmentId, command.appId);
        setRequest({ appId: command.appId, action: command.action, serial: ++requests.current });
        break;
      case "switch-environment":
        void switchEnvironment(command.environmentId);
        break;
      case "tokens":
      case "new-app":
        if (active) setOpen({ kind: command.kind, environment: active });
        break;
      default:
        setOpen({ kind: command.kind });
    }
  };
  const choose = (command: Command) => {
    setPalette(false);
    // once the palette has closed and given the focus back, so that a dialog opened now
    // returns it to the same place when it closes
    setTimeout(() => { run(command); }, 0);
  };

  const blocking = settings.error ?? environments.error;
  const loading = environments.isPending || settings.isPending;
  const production = active?.kind === "production";
  const firstRun = environments.data?.length === 0;
  // the first screen is up (the list, the welcome or the error): the rest loads behind it
  const firstScreenUp = !loading && (apps.data !== undefined || active === null || blocking !== null);
  useEffect(() => {
    if (!firstScreenUp) return;
    // after the frame that shows it
    const frame = requestAnimationFrame(() => setTimeout(() => void loadTheRest(), 0));
    return () => { cancelAnimationFrame(frame); };
  }, [firstScreenUp]);

  return (
    <div className={production ? "app-shell production" : "app-shell"}>
      <TopBar
        environments={environments.data ?? []}
        active={active}
        loading={loading}
        onSwitch={(id) => void switchEnvironment(id)}
        onNew={() => { setOpen({ kind: "new-environment" }); }}
        onEdit={() => { if (active) setOpen({ kind: "edit-environment", environment: active }); }}
        onDelete={() => { if (active) setOpen({ kind: "delete-environment", environment: active }); }}
        onSettings={() => { setOpen({ kind: "settings" }); }}
        onTokens={() => { if (active) setOpen({ kind: "tokens", environment: active }); }}
        onAudit={() => { setOpen({ kind: "audit" }); }}
        onProvider={() => { if (active) setOpen({ kind: "provider", environment: active }); }}
        onToggleTheme={toggleTheme}
        theme={theme}
        team={team}
      />
      {active && production && <ProductionBanner environment={active} />}
      <ProblemBanner />
      {active && team && <VaultSignInBanner environmentId={active.id} team={team} state={vault} />}
      {blocking ? (
        <main className="blocked">
          <ErrorBanner
            error={toIpcError(blocking)}
            title="Authdeck could not open its data"
            onRetry={() => {
              void environments.refetch();
              void settings.refetch();
            }}
          />
        </main>
      ) : firstRun ? (
        <Welcome onCreate={() => { setOpen({ kind: "new-environment" }); }} />
      ) : (
        <main className="workspace">
          <AppList
            key={active?.id ?? "none"}
            apps={apps.data}
            loading={loading || apps.isLoading}
            selectedId={selectedAppId}
            onSelect={select}
            onNew={() => { if (active) setOpen({ kind: "new-app", environment: active }); }}
            canCreate={active !== null}
            environmentName={active?.name ?? null}
          />
          {selectedAppId && active ? (
            <Suspense fallback={<DetailLoading />}>
              <AppDetail
                key={selectedAppId}
                appId={selectedAppId}
                environment={active}
                onOpenLinked={openLinked}
                onClosed={closeDetail}
                request={request?.appId === selectedAppId ? request : null}
                onRequestTaken={requestTaken}
              />
            </Suspense>
          ) : (
            <EmptyDetail hasApps={(apps.data?.length ?? 0) > 0} />
          )}
        </main>
      )}
      <StatusBar active={active} team={team} vault={vault} />
      <Suspense fallback={null}>
      {(open?.kind === "new-environment" || open?.kind === "edit-environment") && (
        <EnvironmentForm
          environment={open.kind === "edit-environment" ? open.environment : null}
          onClose={() => { setOpen(null); }}
          onSaved={(saved) => {
            setOpen(null);
            toast(`Saved “${saved.name}”`, "success");
          }}
        />
      )}
      {open?.kind === "delete-environment" && (
        <DeleteEnvironmentDialog
          environment={open.environment}
          onClose={() => { setOpen(null); }}
          onDeleted={(deleted, how) => {
            const name = open.environment.name;
            setOpen(null);
            if (how === "left") toast(`Left “${name}”: forgotten on this computer, the team vault keeps it`, "success");
            else if (how === "deleted_for_team") toast(`Deleted “${name}” for the team`, "success");
            else
              toast(
                deleted.apps_removed > 0
                  ? `Deleted “${name}”, ${plural(deleted.apps_removed, "app")} and ${plural(deleted.keychain_entries_removed, "keychain entry", "keychain entries")}`
                  : `Deleted “${name}”`,
                "success",
              );
          }}
        />
      )}
      {open?.kind === "new-app" && (
        <NewAppDialog
          environment={open.environment}
          onClose={() => { setOpen(null); }}
          onCreated={(created) => {
            setOpen(null);
            setSelected((current) => ({ ...current, [created.environment_id]: created.id }));
            toast(`Created “${created.display_name}”`, "success");
          }}
        />
      )}
      {open?.kind === "tokens" && (
        <TokenOverview
          environment={open.environment}
          currentAppId={selected[open.environment.id] ?? null}
          onClose={() => { setOpen(null); }}
          onOpen={(appId) => {
            setOpen(null);
            setSelected((current) => ({ ...current, [open.environment.id]: appId }));
          }}
        />
      )}
      {open?.kind === "settings" && settings.data && (
        <SettingsDialog
          settings={settings.data}
          onClose={() => { setOpen(null); }}
          onImportExport={() => { setOpen({ kind: "import-export" }); }}
        />
      )}
      {palette && (
        <CommandPalette entries={paletteEntries.entries} loading={paletteEntries.loading} onChoose={choose} onClose={() => { setPalette(false); }} />
      )}
      {open?.kind === "import-export" && <ImportExportDialog onClose={() => { setOpen(null); }} />}
      {open?.kind === "audit" && <AuditLogDialog onClose={() => { setOpen(null); }} />}
      {open?.kind === "provider" && (
        <ProviderDialog
          environment={open.environment}
          onClose={() => { setOpen(null); }}
          onOpenApp={(appId) => {
            setOpen(null);
            setSelected((current) => ({ ...current, [open.environment.id]: appId }));
          }}
        />
      )}
      </Suspense>
    </div>
  );
}
