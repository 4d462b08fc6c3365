import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { clientApp, environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { ClipboardCountdown } from "./Clipboard";
import { TryItDialog, buildRequest } from "./TryItDialog";

const withApi = environment({
  endpoints: { ...environment().endpoints, api_base_url: "https://api.example.com/v1/" },
});

describe("buildRequest", () => {
  it("sends the path under the API base URL, the typed headers, and a body only where the method has one", () => {
    expect(buildRequest("app-1", { method: "POST", path: " users/me ", headers: "Accept: application/json\n\nX-Trace: a:b", body: "{}" })).toEqual({
      request: {
        app_id: "app-1",
        method: "POST",
        path: "/users/me",
        headers: [
          { name: "Accept", value: "application/json" },
          { name: "X-Trace", value: "a:b" },
        ],
        body: "{}",
      },
      error: null,
    });
    expect(buildRequest("app-1", { method: "GET", path: "", headers: "", body: "left over from a POST" }).request).toMatchObject({
      path: "/",
      headers: [],
      body: "",
    });
  });

  it("names the header line it cannot read instead of sending", () => {
    expect(buildRequest("app-1", { method: "GET", path: "/", headers: "Accept: x\nno colon here", body: "" })).toEqual({
      request: null,
      error: "Line 2 is not “Name: value”.",
    });
  });
});

describe("TryItDialog", () => {
  it("sends the request and shows status, time, headers and the pretty body", async () => {
    const backend = fakeBackend({
      call_api: () => ({
        url: "https://api.example.com/v1/oauth/token/info",
        status: 200,
        reason: "OK",
        headers: [{ name: "content-type", value: "application/json" }],
        body: '{\n  "scope": [\n    "read"\n  ]\n}',
        is_json: true,
        elapsed_ms: 123,
      }),
    });
    renderWithProviders(<TryItDialog app={clientApp()} environment={withApi} onClose={vi.fn()} />);
    expect(screen.getByTestId("try-it")).toHaveTextContent("https://api.example.com/v1");
    expect(screen.queryByTestId("try-body")).toBeNull();
    await userEvent.selectOptions(screen.getByTestId("try-method"), "POST");
    await userEvent.type(screen.getByTestId("try-body"), "hello");
    await userEvent.selectOptions(screen.getByTestId("try-method"), "GET");
    await userEvent.clear(screen.getByTestId("try-path"));
    await userEvent.type(screen.getByTestId("try-path"), "/oauth/token/info");
    await userEvent.click(screen.getByTestId("try-send"));
    expect(await screen.findByTestId("try-status")).toHaveTextContent("200 OK");
    expect(screen.getByTestId("try-time")).toHaveTextContent("123 ms");
    expect(screen.getByTestId("try-headers-result")).toHaveTextContent("content-type");
    expect(screen.getByTestId("try-body-result").textContent).toBe('{\n  "scope": [\n    "read"\n  ]\n}');
    expect(backend.callsOf("call_api")).toEqual([
      {
        request: {
          app_id: "app-1",
          method: "GET",
          path: "/oauth/token/info",
          headers: [{ name: "Accept", value: "application/json" }],
          body: "",
        },
      },
    ]);
  });

  it("shows a refusal in the backend's words", async () => {
    fakeBackend({
      call_api: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "validation", message: "Leave out the Authorization header: Authdeck adds the app's token.", field: "headers" };
      },
    });
    renderWithProviders(<TryItDialog app={clientApp()} environment={withApi} onClose={vi.fn()} />);
    await userEvent.click(screen.getByTestId("try-send"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("Leave out the Authorization header");
    expect(screen.queryByTestId("try-status")).toBeNull();
  });

  it("copies curl with $TOKEN at once, and with the token only after asking", async () => {
    const backend = fakeBackend({ copy_curl: () => ({ clear_after_seconds: 30 }) });
    renderWithProviders(
      <>
        <TryItDialog app={clientApp()} environment={withApi} onClose={vi.fn()} />
        <ClipboardCountdown />
      </>,
    );
    await userEvent.click(screen.getByTestId("try-copy-curl"));
    expect(backend.callsOf("copy_curl")).toHaveLength(1);
    expect(backend.callsOf("copy_curl")[0]).toMatchObject({ withToken: false, request: { path: "/", method: "GET" } });

    await userEvent.click(screen.getByTestId("try-copy-curl-with-token"));
    const confirm = screen.getByTestId("confirm-dialog");
    expect(confirm).toHaveTextContent("Anyone who sees the command can use the token");
    expect(backend.callsOf("copy_curl")).toHaveLength(1);
    await userEvent.click(within(confirm).getByTestId("confirm-ok"));
    expect(backend.callsOf("copy_curl")[1]).toMatchObject({ withToken: true });
    expect(await screen.findByTestId("clipboard-countdown")).toHaveTextContent("clears in 30 s");
  });

  it("explains where to set the API base URL when the environment has none", () => {
    fakeBackend({});
    renderWithProviders(<TryItDialog app={clientApp()} environment={environment()} onClose={vi.fn()} />);
    expect(screen.getByTestId("try-no-base")).toHaveTextContent("has no API base URL yet");
    expect(screen.queryByTestId("try-send")).toBeNull();
  });
});
