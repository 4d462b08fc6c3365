import { Icon } from "./Icon";

/** The first-run screen: no environment yet. */
export function Welcome({ onCreate }: { onCreate: () => void }) {
  return (
    <main className="welcome" data-testid="welcome">
      <div className="welcome-card">
        <span className="brand-mark brand-mark-large" aria-hidden="true">
          <Icon name="key" size={26} />
        </span>
        <h1>Welcome to Authdeck</h1>
        <p className="welcome-lead">
          Keep your OAuth client apps and their secrets in one place — sandbox and production side by side, secrets in
          the system keychain.
        </p>
        <ol className="welcome-steps">
          <li>
            <strong>Create an environment</strong>
            <span>where your apps are registered: a provider’s sandbox, production or another.</span>
          </li>
          <li>
            <strong>Add its client apps</strong>
            <span>client ID, redirect URIs, scopes — link the same integration across environments.</span>
          </li>
          <li>
            <strong>Paste each client secret</strong>
            <span>once, as the provider shows it. Copy it later with an automatic clipboard clear.</span>
          </li>
        </ol>
        <button type="button" className="primary large" onClick={onCreate}>
          <Icon name="plus" /> Create your first environment
        </button>
        <p className="muted welcome-note">
          <Icon name="lock" size={12} /> Secrets go to your system keychain, never to Authdeck’s own files.
        </p>
      </div>
    </main>
  );
}
