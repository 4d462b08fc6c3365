import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { KeyAlg } from "../bindings/KeyAlg";
import type { KeySource } from "../bindings/KeySource";
import type { SigningKeyMeta } from "../bindings/SigningKeyMeta";
import { api } from "../api/client";
import { useKeyAlgorithms } from "../api/queries";
import { CredentialFooter, type CredentialMode, GeneralErrors, LabelField, ModeChoice, useCredentialSave } from "./AddCredential";
import { Dialog } from "./Dialog";
import { Field } from "./Field";

/** The RSA key sizes core generates (its RSA_BITS, as `authdeck key add --bits` offers). */
const RSA_BITS = [2048, 3072, 4096] as const;
type RsaBits = (typeof RSA_BITS)[number];
const isRsa = (alg: KeyAlg) => alg === "RS256" || alg === "PS256";

interface Props {
  app: ClientApp;
  environment: Environment;
  onClose: () => void;
  onAdded: (key: SigningKeyMeta) => void;
}

/**
 * Generates a signing key (an algorithm from core's list; an RSA one of the size chosen) or
 * imports one pasted as PKCS#8 PEM or a private JWK. The pasted text goes to core and the
 * keychain, never back to the window.
 */
export function AddSigningKeyDialog({ app, environment, onClose, onAdded }: Props) {
  const algorithms = useKeyAlgorithms();
  const [mode, setMode] = useState<CredentialMode>("generate");
  const [chosen, setChosen] = useState<KeyAlg | null>(null);
  const [bits, setBits] = useState<RsaBits>(RSA_BITS[0]);
  const [label, setLabel] = useState("");
  const [pasted, setPasted] = useState("");
  const { errors, general, saving, save } = useCredentialSave();
  const alg = chosen ?? algorithms.data?.[0] ?? null;

  const store = async () => {
    if (mode === "generate" && alg === null) return;
    await save(async () => {
      const source: KeySource =
        mode === "import" || alg === null
          ? { kind: "import", value: pasted }
          : isRsa(alg)
            ? { kind: "generate_rsa", value: { alg, bits } }
            : { kind: "generate", value: alg };
      const added = await api.addSigningKey({ app_id: app.id, label: label.trim(), source });
      setPasted("");
      onAdded(added);
    });
  };
  const ready = mode === "generate" ? alg !== null : pasted.trim() !== "";

  return (
    <Dialog
      title={`Add a signing key to “${app.display_name}”`}
      subtitle={`${environment.name} · client ID ${app.client_id}`}
      testId="key-form"
      onClose={onClose}
      production={environment.kind === "production"}
    >
      <form className="dialog-body" noValidate onSubmit={(event) => { event.preventDefault(); void store(); }}>
        <ModeChoice stem="key" legend="Key" generateLabel="Generate in Authdeck" mode={mode} onChange={setMode} />
        {mode === "generate" ? (
          <>
            <Field label="Algorithm" field="alg" errors={errors} hint="The private key is made here and kept in the system keychain only.">
              <select data-testid="key-alg-choice" value={alg ?? ""} onChange={(e) => { setChosen(e.target.value as KeyAlg); }} disabled={!algorithms.data}>
                {(algorithms.data ?? []).map((name) => (
                  <option key={name} value={name}>{name}</option>
                ))}
              </select>
            </Field>
            {alg !== null && isRsa(alg) && (
              <Field label="Key size" field="bits" errors={errors} hint="2048 bits is the least RFC 7518 allows; larger keys take longer to make.">
                <select data-testid="key-bits-choice" value={bits} onChange={(e) => { setBits(Number(e.target.value) as RsaBits); }}>
                  {RSA_BITS.map((size) => (
                    <option key={size} value={size}>{size} bits</option>
                  ))}
                </select>
              </Field>
            )}
          </>
        ) : (
          <Field label="Private key" field="key" errors={errors} hint="Paste a PKCS#8 PEM (BEGIN PRIVATE KEY) or a private JWK. It goes straight to the keychain and is never shown here again.">
            <textarea
              data-testid="key-import-text"
              className="mono masked"
              rows={5}
              autoComplete="off"
              spellCheck={false}
              autoCorrect="off"
              autoCapitalize="off"
              value={pasted}
              onChange={(e) => { setPasted(e.target.value); }}
            />
          </Field>
        )}
        <LabelField stem="key" placeholder="Key 1" label={label} onLabel={setLabel} errors={errors} />
        <GeneralErrors general={general} />
        <CredentialFooter stem="key" saving={saving} ready={ready} mode={mode} generateLabel="Generate key" onClose={onClose} />
      </form>
    </Dialog>
  );
}
