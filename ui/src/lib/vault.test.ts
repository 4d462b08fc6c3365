import { fakeBackend } from "../test/backend";
import { lookAtVault, type VaultState } from "./vault";

const refuse = (code: string, message: string) => () => {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
  throw { code, message, field: null };
};

describe("lookAtVault", () => {
  it("follows the set-up's version while the vault answers", async () => {
    const backend = fakeBackend({ watch_team: () => ({ version: 7, changed: true }) });
    expect(await lookAtVault("env-team", undefined)).toEqual({ kind: "following", version: 7 });
    expect(backend.callsOf("watch_team")).toEqual([{ environmentId: "env-team" }]);
  });

  it("keeps the time an outage began across looks, and forgets it once the vault answers", async () => {
    let down = true;
    fakeBackend({
      watch_team: () => {
        if (down) refuse("network", "The team vault “acme” could not be reached; tried http://127.0.0.1:1: refused")();
        return { version: 3, changed: false };
      },
    });
    const first = await lookAtVault("env-team", { kind: "following", version: 2 }, () => 1000);
    expect(first).toEqual({
      kind: "unreachable",
      since: 1000,
      message: "The team vault “acme” could not be reached; tried http://127.0.0.1:1: refused",
    });
    const second = await lookAtVault("env-team", first, () => 6000);
    expect(second).toMatchObject({ kind: "unreachable", since: 1000 });
    down = false;
    expect(await lookAtVault("env-team", second, () => 11000)).toEqual({ kind: "following", version: 3 });
  });

  it("tells an ended or revoked vault token apart from a policy's refusal", async () => {
    fakeBackend({ watch_team: refuse("vault_sign_in_required", "The vault token of the team vault “acme” has ended.") });
    expect(await lookAtVault("env-team", undefined)).toEqual<VaultState>({
      kind: "sign_in",
      message: "The vault token of the team vault “acme” has ended.",
    });
    fakeBackend({ watch_team: refuse("vault_refused", "Your vault policy does not allow reading this secret (path secret/x).") });
    expect(await lookAtVault("env-team", undefined)).toEqual<VaultState>({
      kind: "refused",
      message: "Your vault policy does not allow reading this secret (path secret/x).",
    });
  });
});
