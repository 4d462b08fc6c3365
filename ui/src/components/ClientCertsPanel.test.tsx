import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ClientCertMeta } from "../bindings/ClientCertMeta";
import { fakeBackend } from "../test/backend";
import { clientApp, environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { ClientCertsPanel } from "./ClientCertsPanel";

const cert = (overrides: Partial<ClientCertMeta> = {}): ClientCertMeta => ({
  id: "cert-1",
  app_id: "app-1",
  subject: "CN=Authdeck billing",
  not_after: "2099-01-01T00:00:00Z",
  x5t_s256: "x5t-one-000000000000000000000000000000000000",
  cert_pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  label: "Certificate 1",
  origin: "generated",
  added_at: "2026-11-20T10:00:00Z",
  state: "active",
  ...overrides,
});
const mtlsApp = clientApp({ auth_method: "self_signed_tls_client_auth" });

describe("ClientCertsPanel", () => {
  it("lists subject, thumbprint and expiry, and marks an expired certificate", async () => {
    fakeBackend({ list_client_certs: () => [cert(), cert({ id: "cert-0", label: "Old", not_after: "2020-01-01T00:00:00Z" })] });
    renderWithProviders(<ClientCertsPanel app={mtlsApp} environment={environment()} />);
    const rows = await screen.findAllByTestId("cert-row");
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(rows.map((row) => row.getAttribute("data-expired"))).toEqual(["false", "true"]);
    expect(within(first).getByTestId("cert-subject")).toHaveTextContent("CN=Authdeck billing");
    expect(within(first).getByTestId("cert-x5t")).toHaveTextContent(cert().x5t_s256);
    expect(within(first).queryByTestId("cert-expired")).toBeNull();
    expect(within(second).getByTestId("cert-expired")).toHaveTextContent("expired");
    expect(within(second).getByTestId("cert-not-after")).toHaveTextContent("Expired");
  });

  it("says the app cannot get tokens when every active certificate has expired, and not while one is valid", async () => {
    const old = cert({ id: "cert-0", label: "Old", not_after: "2020-01-01T00:00:00Z" });
    fakeBackend({ list_client_certs: () => [old, cert({ id: "cert-9", state: "retired" })] });
    const { unmount } = renderWithProviders(<ClientCertsPanel app={mtlsApp} environment={environment()} />);
    expect(await screen.findByTestId("certs-all-expired")).toHaveTextContent("Every active certificate has expired");
    unmount();
    fakeBackend({ list_client_certs: () => [old, cert()] });
    renderWithProviders(<ClientCertsPanel app={mtlsApp} environment={environment()} />);
    expect(await screen.findAllByTestId("cert-row")).toHaveLength(2);
    expect(screen.queryByTestId("certs-all-expired")).toBeNull();
  });

  it("generates a self-signed certificate and shows its public JWK to register, copied by the backend", async () => {
    const jwk = '{"kty":"EC","crv":"P-256","x":"x","y":"y","x5c":["MIIB"],"x5t#S256":"x5t-one"}';
    const backend = fakeBackend({
      list_client_certs: () => [],
      add_client_cert: () => ({ certificate: cert(), public_jwk: jwk }),
      copy_cert_jwk: () => ({ clear_after_seconds: 30 }),
    });
    renderWithProviders(<ClientCertsPanel app={mtlsApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("cert-add"));
    await userEvent.click(screen.getByTestId("cert-save"));
    expect(await screen.findByTestId("cert-added-jwk")).toHaveTextContent(jwk);
    expect(backend.callsOf("add_client_cert")).toEqual([{ input: { app_id: "app-1", label: "", source: { kind: "generate" } } }]);
    await userEvent.click(screen.getByTestId("cert-added-copy"));
    expect(backend.callsOf("copy_cert_jwk")).toEqual([{ id: "cert-1" }]);
  });

  it("imports a certificate with its key through a masked field, and shows a wrong pair in the dialog", async () => {
    const backend = fakeBackend({
      list_client_certs: () => [],
      add_client_cert: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "validation", field: "key_pair", message: "This private key does not belong to the certificate." };
      },
    });
    renderWithProviders(<ClientCertsPanel app={mtlsApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("cert-add"));
    await userEvent.click(screen.getByTestId("cert-mode-import"));
    expect(screen.getByTestId("cert-import-key")).toHaveClass("masked");
    await userEvent.click(screen.getByTestId("cert-import-certificate"));
    await userEvent.paste("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    await userEvent.click(screen.getByTestId("cert-import-key"));
    await userEvent.paste("-----BEGIN PRIVATE KEY-----\nSECRETKEYBODY\n-----END PRIVATE KEY-----");
    await userEvent.click(screen.getByTestId("cert-save"));
    expect(await screen.findByTestId("cert-pair-error")).toHaveTextContent("does not belong to the certificate");
    expect(screen.getByTestId("cert-form")).toBeInTheDocument();
    expect(backend.callsOf("add_client_cert")).toHaveLength(1);
    // kept (masked) for the user to correct, as a refused secret's field is
  });

  it("says why the last active certificate cannot be retired", async () => {
    const refusal = "This is the last active client certificate of “Billing sync”, so it cannot be retired.";
    fakeBackend({
      list_client_certs: () => [cert()],
      retire_client_cert: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "last_secret", message: refusal, field: null };
      },
    });
    renderWithProviders(<ClientCertsPanel app={mtlsApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("cert-retire"));
    await waitFor(() => {
      expect(screen.getByTestId("action-error")).toHaveTextContent(refusal);
    });
  });
});
