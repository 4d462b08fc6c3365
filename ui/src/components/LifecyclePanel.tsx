import type { ReactNode } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import { Icon } from "./Icon";
import { type Held, LifecycleConfirm, RefusalNotice, type useLifecycle } from "./KeyLifecycle";

/** What a row of one kind shows beside the parts every row has (label, state, actions). */
export interface RowParts<T> {
  /** Between the label and the state badge: the key's algorithm, the certificate's subject. */
  badges: (item: T) => ReactNode;
  /** After the state badge: a certificate's "expired". */
  marks?: (item: T) => ReactNode;
  /** The second line: thumbprints, dates. */
  meta: (item: T) => ReactNode;
  /** More data- attributes of the row. */
  attributes?: (item: T) => Record<string, string>;
}

interface Props<T extends Held> {
  /** The rows' and buttons' test-id stem: "key" gives key-row, key-retire, key-add… */
  stem: string;
  /** The panel's test-id stem: "keys" gives keys-panel, keys-collapsed, keys-empty. */
  panel: string;
  title: string;
  app: ClientApp;
  environment: Environment;
  lifecycle: ReturnType<typeof useLifecycle<T>>;
  /** The app authenticates with these: the panel is open; else collapsed, saying so. */
  uses: boolean;
  /** undefined until they arrive. */
  items: T[] | undefined;
  loading: boolean;
  loadingLabel: string;
  empty: { title: string; text: string };
  /** Said when the app uses them and none of its several is active. */
  noActive: string;
  /** A notice above the list (a certificate's JWK to register). */
  notice?: ReactNode;
  /** Header buttons before "Add" (Copy JWKS). */
  headerActions?: ReactNode;
  addLabel: string;
  onAdd: () => void;
  copyTitle: string;
  retireTitle: string;
  onCopyJwk: (item: T) => void;
  onRetire: (item: T) => Promise<unknown>;
  onReactivate: (item: T) => Promise<unknown>;
  onDelete: (item: T) => Promise<unknown>;
  row: RowParts<T>;
  /** The add dialog, when open. */
  children?: ReactNode;
}

/**
 * The list of an app's signing keys or client certificates with their shared lifecycle: each
 * row's public JWK, retire, reactivate and delete (through `useLifecycle`), the empty and
 * no-active states, open for an app that uses them and collapsed for one that only holds them.
 */
export function LifecyclePanel<T extends Held>(props: Props<T>) {
  const { stem, panel, title, app, lifecycle, uses, items, row } = props;
  const all = items ?? [];
  const active = all.filter((item) => item.state === "active");
  if (!uses && all.length === 0) return null;
  const titleId = `${panel}-title`;

  const body = (
    <>
      <RefusalNotice refusal={lifecycle.refusal} onDismiss={() => { lifecycle.setRefusal(null); }} />
      {props.notice}
      {props.loading && <div className="skeleton-row" aria-busy="true" aria-label={props.loadingLabel} />}
      {items && all.length === 0 && (
        <div className="empty empty-inline" data-testid={`${panel}-empty`}>
          <p className="empty-title">{props.empty.title}</p>
          <p>{props.empty.text}</p>
        </div>
      )}
      {uses && items && all.length > 0 && active.length === 0 && <p className="hint-warning">{props.noActive}</p>}
      <ul className="secret-list">
        {all.map((item) => (
          <li
            key={item.id}
            className={`secret-row secret-${item.state}`}
            data-testid={`${stem}-row`}
            {...{ [`data-${stem}-id`]: item.id }}
            data-state={item.state}
            {...row.attributes?.(item)}
          >
            <div className="secret-main">
              <span className="secret-label" data-testid={`${stem}-label`}>{item.label}</span>
              {row.badges(item)}
              <span className={`state-badge state-${item.state}`} data-testid={`${stem}-state`}>{item.state}</span>
              {row.marks?.(item)}
            </div>
            <div className="secret-meta">{row.meta(item)}</div>
            <div className="secret-actions">
              <button type="button" data-testid={`${stem}-copy-jwk`} onClick={() => { props.onCopyJwk(item); }} title={props.copyTitle}>
                <Icon name="copy" size={14} /> Public JWK
              </button>
              {item.state === "active" ? (
                <button type="button" data-testid={`${stem}-retire`} onClick={() => { lifecycle.ask("retire", item, () => props.onRetire(item)); }} title={props.retireTitle}>
                  Retire
                </button>
              ) : (
                <button type="button" data-testid={`${stem}-reactivate`} onClick={() => void lifecycle.run(() => props.onReactivate(item), `“${item.label}” is active again`)}>
                  Reactivate
                </button>
              )}
              <button
                type="button"
                className="icon-button danger-text"
                data-testid={`${stem}-delete`}
                onClick={() => { lifecycle.ask("delete", item, () => props.onDelete(item)); }}
                aria-label={`Delete “${item.label}”`}
                title="Delete from the keychain"
              >
                <Icon name="trash" size={14} />
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );

  return (
    <section className={`panel ${panel}-panel`} data-testid={`${panel}-panel`} aria-labelledby={titleId}>
      {uses ? (
        <>
          <header className="panel-header">
            <h3 id={titleId}>
              {title} {all.length > 0 && <span className="count">{active.length} active</span>}
            </h3>
            <div className="panel-actions">
              {props.headerActions}
              <button type="button" className="primary" data-testid={`${stem}-add`} onClick={props.onAdd}>
                <Icon name="plus" size={14} /> {props.addLabel}
              </button>
            </div>
          </header>
          {body}
        </>
      ) : (
        <details data-testid={`${panel}-collapsed`}>
          <summary id={titleId}>{title} ({all.length}) — not used: this app authenticates with {app.auth_method}</summary>
          {body}
        </details>
      )}
      {props.children}
      <LifecycleConfirm lifecycle={lifecycle} environment={props.environment} onRetire={props.onRetire} onDelete={props.onDelete} />
    </section>
  );
}
