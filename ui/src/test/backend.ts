// A fake backend for component tests: answers commands from a table, records the calls, and
// lets a test emit the backend's events.
import { invoke } from "@tauri-apps/api/core";
import { listen, type EventCallback } from "@tauri-apps/api/event";
import type { Command } from "../bindings/ipc";
import { authMethodChoices } from "./fixtures";

type Handler = (args: Record<string, unknown>) => unknown;
export type Handlers = Partial<Record<Command, Handler>>;

export interface FakeBackend {
  calls: { command: Command; args: Record<string, unknown> }[];
  callsOf: (command: Command) => Record<string, unknown>[];
  emit: (event: string, payload: unknown) => void;
}

/**
 * Installs `handlers`; a handler that throws rejects the command with what it threw. No launch
 * asked to open an app unless `take_open_request` says otherwise, and no environment has
 * metadata listing client authentication methods unless `auth_methods` says otherwise, and
 * every environment is a local one unless `team_of_environment` says otherwise.
 */
export function fakeBackend(given: Handlers): FakeBackend {
  const handlers: Handlers = {
    take_open_request: () => null,
    auth_methods: () => authMethodChoices(),
    team_of_environment: () => null,
    ...given,
  };
  const calls: FakeBackend["calls"] = [];
  const listeners = new Map<string, Set<EventCallback<unknown>>>();
  vi.mocked(invoke).mockImplementation((command: string, args?: unknown) => {
    const name = command as Command;
    const input = (args ?? {}) as Record<string, unknown>;
    calls.push({ command: name, args: input });
    const handler = handlers[name];
    if (!handler) return Promise.reject(new Error(`the fake backend has no ${command}`));
    try {
      return Promise.resolve(handler(input));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the backend rejects with IpcError objects
      return Promise.reject(error);
    }
  });
  vi.mocked(listen).mockImplementation((event, handler) => {
    const set = listeners.get(event) ?? new Set();
    set.add(handler);
    listeners.set(event, set);
    return Promise.resolve(() => {
      set.delete(handler);
    });
  });
  return {
    calls,
    callsOf: (command) => calls.filter((call) => call.command === command).map((call) => call.args),
    emit: (event, payload) => {
      for (const handler of listeners.get(event) ?? []) handler({ event, id: 0, payload });
    },
  };
}
