import { useEffect, useState } from "react";
import type { Endpoints } from "../bindings/Endpoints";
import type { ProfileDescription } from "../bindings/ProfileDescription";
import type { ProviderProfile } from "../bindings/ProviderProfile";
import { api, toIpcError } from "../api/client";
import { Field } from "./Field";

interface Props {
  profile: ProviderProfile;
  onProfile: (profile: ProviderProfile) => void;
  /** The endpoints the profile's templates gave, and the profile's name. */
  onFill: (endpoints: Endpoints, name: string) => void;
}

/** Whether a profile has endpoint templates to fill. */
const hasTemplates = (description: ProfileDescription) => Object.values(description.endpoints).some((value) => value !== null);

/**
 * The environment's provider profile: which provider's quirks Authdeck follows, the values its
 * endpoint templates need, and a button that fills the endpoints from them.
 */
export function ProfilePicker({ profile, onProfile, onFill }: Props) {
  const [profiles, setProfiles] = useState<ProfileDescription[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.providerProfiles().then(
      (all) => {
        if (live) setProfiles(all);
      },
      () => undefined, // without the list the select offers the stored profile alone
    );
    return () => {
      live = false;
    };
  }, []);

  const description = profiles.find((item) => item.profile === profile);
  const fill = async () => {
    if (!description) return;
    setFailure(null);
    try {
      const pairs = Object.entries(values).filter(([key, value]) => value.trim() !== "" && description.parameters.some((p) => p.key === key));
      onFill(await api.profileEndpoints(profile, pairs), description.name);
    } catch (reason) {
      setFailure(toIpcError(reason).message);
    }
  };

  return (
    <>
      <Field label="Provider profile" field="profile" errors={[]} hint="Where the provider departs from the standards; Authdeck follows it there.">
        <select
          data-testid="env-profile"
          value={profile}
          onChange={(e) => {
            setFailure(null);
            onProfile(e.target.value as ProviderProfile);
          }}
        >
          {profiles.length === 0 && <option value={profile}>{profile}</option>}
          {profiles.map((item) => (
            <option key={item.profile} value={item.profile}>
              {item.name}
            </option>
          ))}
        </select>
      </Field>
      {description?.parameters.map((parameter) => (
        <Field key={parameter.key} label={parameter.label} field={`profile.${parameter.key}`} errors={[]} hint={parameter.default ? `Default: ${parameter.default}` : undefined}>
          <input
            data-testid={`env-profile-${parameter.key}`}
            className="mono"
            value={values[parameter.key] ?? ""}
            placeholder={parameter.example}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setValues((current) => ({ ...current, [parameter.key]: e.target.value }));
            }}
          />
        </Field>
      ))}
      {description && hasTemplates(description) && (
        <div className="form-span profile-fill">
          <button type="button" data-testid="env-profile-fill" onClick={() => void fill()}>
            Fill endpoints from the profile
          </button>
          {failure && (
            <span className="action-error" data-testid="env-profile-error" role="alert">
              {failure}
            </span>
          )}
        </div>
      )}
      {description && description.quirks.length > 0 && (
        <div className="notice form-span profile-quirks" data-testid="env-profile-quirks">
          <p>
            <strong>What Authdeck does differently for {description.name}</strong>
          </p>
          <ul>
            {description.quirks.map((quirk) => (
              <li key={quirk}>{quirk}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
