/** The right column when no app is open. */
export function EmptyDetail({ hasApps }: { hasApps: boolean }) {
  return (
    <section className="detail detail-empty" aria-label="No app selected">
      <div className="detail-empty-inner">
        <p className="empty-title">{hasApps ? "Select an app" : "Nothing to show yet"}</p>
        {hasApps ? (
          <p>
            Its settings, linked apps and secrets appear here. <kbd>/</kbd> filters the list, <kbd>↑</kbd> <kbd>↓</kbd>{" "}
            move, <kbd>Enter</kbd> opens.
          </p>
        ) : (
          <p>Create an app on the left; its secrets and settings appear here.</p>
        )}
      </div>
    </section>
  );
}

/** The right column while an app is loading (its data, or its detail's code). */
export function DetailLoading() {
  return (
    <section className="detail" aria-busy="true" aria-label="Loading the app">
      <div className="skeleton-title" />
      <div className="skeleton-block" />
    </section>
  );
}
