import { invoke } from "@tauri-apps/api/core";
import { api, setAfterWrite, toIpcError } from "./client";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

describe("toIpcError", () => {
  it("keeps an IpcError from the backend as it is", () => {
    expect(toIpcError({ code: "last_secret", message: "Add the new secret first.", field: null })).toEqual({
      code: "last_secret",
      message: "Add the new secret first.",
      field: null,
    });
  });

  it("turns a plain string rejection into an internal error with that message", () => {
    expect(toIpcError("command not allowed")).toEqual({ code: "internal", message: "command not allowed", field: null });
  });

  it("does not trust an unknown code", () => {
    expect(toIpcError({ code: "teapot", message: "short and stout" })).toEqual({
      code: "internal",
      message: "Something went wrong.",
      field: null,
    });
  });
});

describe("api", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("passes camelCase argument names, as Tauri expects", async () => {
    invokeMock.mockResolvedValue([]);
    await api.listApps("env-1");
    await api.deleteEnvironment("env-1", true);
    expect(invokeMock.mock.calls).toEqual([
      ["list_apps", { environmentId: "env-1" }],
      ["delete_environment", { id: "env-1", withApps: true }],
    ]);
  });

  it("rejects with an IpcError", async () => {
    invokeMock.mockRejectedValue({ code: "keychain_locked", message: "The keychain is locked.", field: null });
    await expect(api.copySecret("s-1")).rejects.toEqual({
      code: "keychain_locked",
      message: "The keychain is locked.",
      field: null,
    });
  });

  it("refreshes what a write changed before its promise resolves, and nothing after a refusal", async () => {
    const order: string[] = [];
    setAfterWrite((scopes) => {
      order.push(`refresh ${scopes.join(",")}`);
      return Promise.resolve();
    });
    invokeMock.mockImplementation((command) => {
      order.push(command);
      return Promise.resolve(command === "delete_app" ? { keychain_entries_removed: 2 } : []);
    });
    const deleted = await api.deleteApp("app-1");
    order.push("resolved");
    expect(deleted).toEqual({ keychain_entries_removed: 2 });
    await api.listApps("env-1");
    invokeMock.mockRejectedValueOnce({ code: "last_secret", message: "Add the new secret first.", field: null });
    await expect(api.deleteSecret("s-1")).rejects.toMatchObject({ code: "last_secret" });
    setAfterWrite(null);
    expect(order).toEqual(["delete_app", "refresh apps,secrets,environments", "resolved", "list_apps"]);
  });
});
