//! Finding the environment and the app a command names, as every caller spells them (the
//! CLI's `--env` and APP, the agent's requests): exactly first, then ignoring case, and a
//! not-found error that lists the close names.

use super::Core;
use crate::error::{Error, Result};
use crate::model::{AppSummary, Environment};

impl Core {
    /// The environment named by `--env` (by name, case-insensitively when unambiguous, or by ID),
    /// else the active one.
    pub fn find_environment(&self, name: Option<&str>) -> Result<Environment> {
        let all = self.environments()?;
        let Some(name) = name else {
            let active = self.settings()?.active_environment_id;
            return active
                .and_then(|id| all.into_iter().find(|e| e.id == id))
                .ok_or_else(|| {
                    Error::NotFound(
                        "There is no environment yet; add one with `authdeck env add NAME \
                         --kind sandbox`."
                            .into(),
                    )
                });
        };
        let wanted = name.trim();
        let exact: Vec<&Environment> = all.iter().filter(|e| e.name == wanted).collect();
        let chosen = match exact.as_slice() {
            [one] => Some(*one),
            _ => {
                let folded: Vec<&Environment> = all
                    .iter()
                    .filter(|e| e.name.to_lowercase() == wanted.to_lowercase() || e.id.0 == wanted)
                    .collect();
                match folded.as_slice() {
                    [one] => Some(*one),
                    [] => None,
                    several => {
                        return Err(Error::NotFound(format!(
                            "“{wanted}” names {} environments: {}. Spell the name exactly.",
                            several.len(),
                            quoted(several.iter().map(|e| e.name.as_str()))
                        )));
                    }
                }
            }
        };
        if let Some(environment) = chosen {
            return Ok(environment.clone());
        }
        let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
        let close = close_to(wanted, names.iter().map(|n| (*n, *n)));
        let message = if !close.is_empty() {
            format!(
                "No environment named “{wanted}”. Did you mean {}?",
                quoted(close.iter().copied())
            )
        } else if names.is_empty() {
            format!("No environment named “{wanted}”: there is none yet.")
        } else {
            format!(
                "No environment named “{wanted}”. Environments: {}.",
                quoted(names.iter().copied())
            )
        };
        Err(Error::NotFound(message))
    }

    /// The app of `environment` that `query` names: by display name, client ID or link name,
    /// exactly first, then ignoring case. Without a query, the environment's only app.
    pub fn find_app(&self, environment: &Environment, query: Option<&str>) -> Result<AppSummary> {
        let query = query.map(str::trim);
        if let Some(query) = query {
            // The usual case, a name given exactly: looked up, not read from the whole list.
            let named = self.apps_named(&environment.id, query)?;
            let exact: Vec<&AppSummary> = named
                .iter()
                .filter(|a| names(a, &|value| value == query, query))
                .collect();
            if let [one] = exact.as_slice() {
                return Ok((*one).clone());
            }
        }
        let apps = self.apps(&environment.id)?;
        let Some(query) = query else {
            return match apps.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(Error::NotFound(format!(
                    "“{}” holds no app yet; add one with `authdeck app add`.",
                    environment.name
                ))),
                several => Err(Error::NotFound(format!(
                    "“{}” holds {} apps; name one: {}.",
                    environment.name,
                    several.len(),
                    quoted(several.iter().map(|a| a.display_name.as_str()))
                ))),
            };
        };
        let matches = |same: &dyn Fn(&str) -> bool| -> Vec<&AppSummary> {
            apps.iter().filter(|a| names(a, same, query)).collect()
        };
        let mut found = matches(&|value| value == query);
        if found.is_empty() {
            let lower = query.to_lowercase();
            found = matches(&|value| value.to_lowercase() == lower);
        }
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => {
                let close = close_to(
                    query,
                    apps.iter().flat_map(|a| {
                        [
                            Some(a.display_name.as_str()),
                            Some(&a.client_id),
                            a.link.as_deref(),
                        ]
                        .into_iter()
                        .flatten()
                        .map(|key| (key, a.display_name.as_str()))
                    }),
                );
                let message = if !close.is_empty() {
                    format!(
                        "No app “{query}” in “{}”. Did you mean {}?",
                        environment.name,
                        quoted(close.iter().copied())
                    )
                } else if apps.is_empty() {
                    format!("No app “{query}” in “{}”: it holds none.", environment.name)
                } else {
                    format!(
                        "No app “{query}” in “{}”. Its apps: {}.",
                        environment.name,
                        quoted(apps.iter().take(10).map(|a| a.display_name.as_str()))
                    )
                };
                Err(Error::NotFound(message))
            }
            several => Err(Error::NotFound(format!(
                "“{query}” matches {} apps in “{}”: {}. Name one by its display name or client ID.",
                several.len(),
                environment.name,
                several
                    .iter()
                    .map(|a| format!("“{}” (client ID {})", a.display_name, a.client_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

/// Whether `app` is the one `query` names: its display name, client ID or link as `same` compares
/// them, or its ID.
fn names(app: &AppSummary, same: &dyn Fn(&str) -> bool, query: &str) -> bool {
    same(&app.display_name)
        || same(&app.client_id)
        || app.link.as_deref().is_some_and(same)
        || app.id.0 == query
}

/// `“a”, “b”, “c”`: names as messages quote them.
pub fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names whose key looks like `query` (a typo, a different case, a part of it), best
/// first, at most five, each once.
fn close_to<'a>(query: &str, keys: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<&'a str> {
    let query = query.to_lowercase();
    let mut scored: Vec<(f64, &str)> = keys
        .filter_map(|(key, name)| {
            let key = key.to_lowercase();
            let score = if query.len() >= 3 && (key.contains(&query) || query.contains(&key)) {
                1.0
            } else {
                strsim::jaro_winkler(&query, &key)
            };
            (score >= 0.8).then_some((score, name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut names: Vec<&str> = Vec::new();
    for (_, name) in scored {
        if !names.contains(&name) && names.len() < 5 {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_catch_typos_and_parts_but_not_strangers() {
        let keys = [
            ("Billing sync", "Billing sync"),
            ("billing-sbx-123", "Billing sync"),
            ("Reports", "Reports"),
        ];
        assert_eq!(close_to("Biling sync", keys.into_iter()), ["Billing sync"]);
        assert_eq!(close_to("billing", keys.into_iter()), ["Billing sync"]);
        assert_eq!(close_to("report", keys.into_iter()), ["Reports"]);
        assert!(close_to("zzz", keys.into_iter()).is_empty());
    }
}
