import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { listen } from "@tauri-apps/api/event";
import { useState } from "react";
import type { DeviceLoginStarted } from "../bindings/DeviceLoginStarted";
import type { LoginStarted } from "../bindings/LoginStarted";
import type { TokenStatus } from "../bindings/TokenStatus";
import { EVENTS } from "../bindings/ipc";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { LoginDialog } from "./LoginDialog";

const app = clientApp({ client_type: "public", auth_method: "none" });
const inFiveMinutes = () => new Date(Date.now() + 300_000).toISOString();

const started = (): LoginStarted => ({
  login_id: "login-1",
  app_id: app.id,
  url: "https://id.example.com/auth?client_id=billing-sbx-123&state=s",
  redirect_uri: "http://127.0.0.1:43123/callback",
  port: 43123,
  expires_at: inFiveMinutes(),
});

/** The dialog inside a parent that gives it new callbacks at every render, as TokenPanel does. */
function RenderedAgain({ onSignedIn }: { onSignedIn: (status: TokenStatus) => void }) {
  const [renders, setRenders] = useState(0);
  return (
    <>
      <button type="button" onClick={() => { setRenders(renders + 1); }}>
        render again
      </button>
      <LoginDialog
        app={app}
        environment={environment()}
        mode="browser"
        scopes={null}
        onSignedIn={(status) => { onSignedIn(status); }}
        onClose={() => undefined}
      />
    </>
  );
}

const finishedEvents = () => vi.mocked(listen).mock.calls.filter(([name]) => name === EVENTS.loginFinished).length;

describe("LoginDialog", () => {
  it("shows the address, port and time left while the browser signs in, then reports the sign-in", async () => {
    const backend = fakeBackend({ start_login: started, cancel_login: () => null, copy_login_url: () => ({ clear_after_seconds: 30 }) });
    const onSignedIn = vi.fn();
    renderWithProviders(
      <LoginDialog app={app} environment={environment()} mode="browser" scopes="openid read" onSignedIn={onSignedIn} onClose={vi.fn()} />,
    );
    expect(await screen.findByTestId("login-url")).toHaveValue(started().url);
    expect(backend.callsOf("start_login")).toEqual([{ appId: "app-1", input: { scopes: ["openid", "read"], timeout_seconds: null } }]);
    expect(screen.getByTestId("login-port")).toHaveTextContent("127.0.0.1:43123");
    expect(screen.getByTestId("login-redirect")).toHaveTextContent("http://127.0.0.1:43123/callback");
    expect(screen.getByTestId("login-time-left").textContent).toMatch(/^[45]:\d\d$/);
    await userEvent.click(screen.getByTestId("login-copy"));
    expect(backend.callsOf("copy_login_url")).toEqual([{ loginId: "login-1" }]);

    const status = tokenStatus({ token: { source: "authorization_code", has_refresh_token: true } });
    act(() => {
      backend.emit(EVENTS.loginFinished, { login_id: "other", app_id: app.id, outcome: "signed_in", status, error: null });
    });
    expect(onSignedIn).not.toHaveBeenCalled();
    act(() => {
      backend.emit(EVENTS.loginFinished, { login_id: "login-1", app_id: app.id, outcome: "signed_in", status, error: null });
    });
    expect(onSignedIn).toHaveBeenCalledWith(status);
  });

  it("shows each refused callback at once, counting repeats, while the sign-in goes on waiting", async () => {
    const backend = fakeBackend({ start_login: started, cancel_login: () => null });
    renderWithProviders(<LoginDialog app={app} environment={environment()} mode="browser" scopes={null} onSignedIn={vi.fn()} onClose={vi.fn()} />);
    await screen.findByTestId("login-url");
    expect(screen.queryByTestId("login-refused")).toBeNull();
    const noIss = "The callback has no iss, which this provider always sends (RFC 9207), so it cannot be told from a forged one.";
    act(() => {
      backend.emit(EVENTS.callbackRefused, { login_id: "other", reason: "of another sign-in" });
      backend.emit(EVENTS.callbackRefused, { login_id: "login-1", reason: noIss });
    });
    expect(await screen.findByTestId("login-refused")).toHaveTextContent(`A callback arrived and was refused — still waiting for a valid one:${noIss}`);
    act(() => {
      backend.emit(EVENTS.callbackRefused, { login_id: "login-1", reason: noIss });
      backend.emit(EVENTS.callbackRefused, { login_id: "login-1", reason: "The callback's state is not this sign-in's." });
    });
    expect(screen.getByTestId("login-refused")).toHaveTextContent(/^3 callbacks arrived and were refused/);
    expect(screen.getAllByTestId("login-refused-reason").map((item) => item.textContent)).toEqual([
      `${noIss} ×2`,
      "The callback's state is not this sign-in's.",
    ]);
    expect(screen.getByTestId("login-url")).toBeInTheDocument();
  });

  it("cancels the sign-in it started when closed", async () => {
    const backend = fakeBackend({ start_login: started, cancel_login: () => null });
    const onClose = vi.fn();
    const { unmount } = renderWithProviders(
      <LoginDialog app={app} environment={environment()} mode="browser" scopes={null} onSignedIn={vi.fn()} onClose={onClose} />,
    );
    await screen.findByTestId("login-url");
    await userEvent.click(screen.getByTestId("login-cancel"));
    expect(onClose).toHaveBeenCalled();
    unmount();
    expect(backend.callsOf("cancel_login")).toEqual([{ loginId: "login-1" }]);
  });

  it("shows the provider's refusal and starts a new sign-in on Try again", async () => {
    const backend = fakeBackend({ start_login: started, cancel_login: () => null });
    renderWithProviders(<LoginDialog app={app} environment={environment()} mode="browser" scopes={null} onSignedIn={vi.fn()} onClose={vi.fn()} />);
    await screen.findByTestId("login-url");
    act(() => {
      backend.emit(EVENTS.loginFinished, {
        login_id: "login-1",
        app_id: app.id,
        outcome: "failed",
        status: null,
        error: { code: "provider", field: null, message: "The provider refused the sign-in (access_denied)." },
      });
    });
    expect(await screen.findByTestId("login-error")).toHaveTextContent("The provider refused the sign-in (access_denied).");
    await userEvent.click(screen.getByTestId("login-retry"));
    await screen.findByTestId("login-url");
    expect(backend.callsOf("start_login")).toHaveLength(2);
  });

  it("shows why a sign-in cannot start", async () => {
    fakeBackend({
      start_login: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "not_configured", field: null, message: "“Billing sync” has no loopback redirect URI." };
      },
    });
    renderWithProviders(<LoginDialog app={app} environment={environment()} mode="browser" scopes={null} onSignedIn={vi.fn()} onClose={vi.fn()} />);
    expect(await screen.findByTestId("login-error")).toHaveTextContent("has no loopback redirect URI");
  });

  it("shows the device code, the address and its QR code", async () => {
    const device: DeviceLoginStarted = {
      login_id: "login-2",
      app_id: app.id,
      user_code: "WDJB-MJHT",
      verification_uri: "https://id.example.com/device",
      verification_uri_complete: "https://id.example.com/device?user_code=WDJBMJHT",
      qr_svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
      interval_seconds: 5,
      expires_at: inFiveMinutes(),
    };
    fakeBackend({ start_device_login: () => device, cancel_login: () => null });
    renderWithProviders(<LoginDialog app={app} environment={environment()} mode="device" scopes={null} onSignedIn={vi.fn()} onClose={vi.fn()} />);
    expect(await screen.findByTestId("device-user-code")).toHaveTextContent("WDJB-MJHT");
    expect(screen.getByTestId("device-uri")).toHaveTextContent("https://id.example.com/device");
    const qr = screen.getByTestId("device-qr");
    expect(qr.getAttribute("src")).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(device.qr_svg)}`);
    expect(qr).toHaveAttribute("alt", "QR code of https://id.example.com/device?user_code=WDJBMJHT");
  });
  it("keeps listening for its finish, once, while its parent renders it again with new callbacks", async () => {
    const backend = fakeBackend({ start_login: started, cancel_login: () => null });
    const onSignedIn = vi.fn();
    renderWithProviders(<RenderedAgain onSignedIn={onSignedIn} />);
    await screen.findByTestId("login-url");
    const subscribed = finishedEvents();
    for (let i = 0; i < 3; i += 1) await userEvent.click(screen.getByText("render again"));
    // subscribing again at each render left a round trip in which the backend's event was lost
    expect(finishedEvents()).toBe(subscribed);
    const status = tokenStatus({ token: { source: "authorization_code", has_refresh_token: true } });
    act(() => {
      backend.emit(EVENTS.loginFinished, { login_id: "login-1", app_id: app.id, outcome: "signed_in", status, error: null });
    });
    expect(onSignedIn).toHaveBeenCalledTimes(1);
    expect(onSignedIn).toHaveBeenCalledWith(status);
  });

  it("takes its finish when the event came before the start's answer named the sign-in", async () => {
    let answer: (value: LoginStarted) => void = () => undefined;
    const backend = fakeBackend({
      start_login: () =>
        new Promise<LoginStarted>((resolve) => {
          answer = resolve;
        }),
      cancel_login: () => null,
    });
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginDialog app={app} environment={environment()} mode="browser" scopes={null} onSignedIn={onSignedIn} onClose={vi.fn()} />);
    await waitFor(() => {
      expect(backend.callsOf("start_login")).toHaveLength(1);
    });
    const status = tokenStatus({ token: { source: "authorization_code", has_refresh_token: true } });
    act(() => {
      backend.emit(EVENTS.loginFinished, { login_id: "other", app_id: app.id, outcome: "signed_in", status, error: null });
      backend.emit(EVENTS.loginFinished, { login_id: "login-1", app_id: app.id, outcome: "signed_in", status, error: null });
    });
    expect(onSignedIn).not.toHaveBeenCalled();
    await act(async () => {
      answer(started());
      await Promise.resolve();
    });
    expect(onSignedIn).toHaveBeenCalledTimes(1);
    expect(onSignedIn).toHaveBeenCalledWith(status);
    expect(backend.callsOf("cancel_login")).toEqual([]);
  });
});
