// What the first screen does not show (issue 14: the window ready at once): an app's detail
// and every dialog, each in a chunk of its own that the bundle's first run need not parse. They
// are loaded once the list is shown (loadTheRest), so opening one later waits for nothing; one
// shown before that (`--open APP` at launch) loads then, behind its Suspense fallback.
import { createElement, lazy, useState, type ComponentType } from "react";

/** A component from a chunk, and how to load the chunk ahead of its first showing. */
type Later<P> = ComponentType<P> & { load: () => Promise<unknown> };

export function later<P extends object>(loadComponent: () => Promise<ComponentType<P>>): Later<P> {
  let loaded: ComponentType<P> | null = null;
  const load = () =>
    loadComponent().then((component) => {
      loaded = component;
      return component;
    });
  const Lazy = lazy(() => load().then((component) => ({ default: component })));
  function Shown(props: P) {
    // chosen once per instance, so it is never remounted when its chunk arrives; once loaded,
    // shown at once (React.lazy would suspend for a tick even then)
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return createElement(Component, props);
  }
  return Object.assign(Shown, { load });
}

export const AppDetail = later(() => import("./components/AppDetail").then((m) => m.AppDetail));
export const AuditLogDialog = later(() => import("./components/AuditLogDialog").then((m) => m.AuditLogDialog));
export const CommandPalette = later(() => import("./components/CommandPalette").then((m) => m.CommandPalette));
export const DeleteEnvironmentDialog = later(() =>
  import("./components/DeleteEnvironmentDialog").then((m) => m.DeleteEnvironmentDialog),
);
export const EnvironmentForm = later(() => import("./components/EnvironmentForm").then((m) => m.EnvironmentForm));
export const ImportExportDialog = later(() => import("./components/ImportExportDialog").then((m) => m.ImportExportDialog));
export const NewAppDialog = later(() => import("./components/NewAppDialog").then((m) => m.NewAppDialog));
export const ProviderDialog = later(() => import("./components/ProviderDialog").then((m) => m.ProviderDialog));
export const SettingsDialog = later(() => import("./components/SettingsDialog").then((m) => m.SettingsDialog));
export const TokenOverview = later(() => import("./components/TokenOverview").then((m) => m.TokenOverview));

const ALL: { load: () => Promise<unknown> }[] = [
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
];

/** Loads every chunk above (once the first screen is up); each is loaded once. */
export function loadTheRest(): Promise<unknown> {
  return Promise.all(ALL.map((component) => component.load()));
}
