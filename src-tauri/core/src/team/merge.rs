//! The three-way merge of a shared environment's set-up: this member's change and the one the
//! vault holds now, each against the set-up this member last read (what its own rows hold,
//! since they change only once the vault took a change, or when they follow the vault).
//!
//! Fields are compared one by one: the environment's own (each endpoint apart) and each app's,
//! apps matched by client ID. A field only one side changed takes that side's value; a field
//! both changed to different values, or an app one side removed while the other changed it,
//! is a conflict, settled by the member's choice or reported with both sides. Pure: no I/O.

use crate::portable::ExportedEnvironment;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// The field name of a conflict over a whole app: one side removed it, the other changed it.
pub const WHOLE_APP: &str = "app";

/// Which side a conflict is settled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// This member's change.
    Mine,
    /// What the vault holds, written by another member.
    Theirs,
}

/// The member's choice for one conflicting field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FieldChoice {
    /// The app's client ID; `None` for a field of the environment itself.
    pub client_id: Option<String>,
    pub field: String,
    pub side: Side,
}

/// How conflicts are settled: a field's own choice, else `all`, else the conflict is reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Choices {
    pub all: Option<Side>,
    #[serde(default)]
    pub each: Vec<FieldChoice>,
}

impl Choices {
    fn side_for(&self, client_id: Option<&str>, field: &str) -> Option<Side> {
        self.each
            .iter()
            .find(|c| c.client_id.as_deref() == client_id && c.field == field)
            .map(|c| c.side)
            .or(self.all)
    }
}

/// One field both members changed, with both values as JSON text (`None`: removed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SetupConflict {
    /// The app's client ID; `None` for a field of the environment itself.
    pub client_id: Option<String>,
    /// The app's display name, as either side has it.
    pub app: Option<String>,
    /// The field (`description`, `endpoints.token_url`), or `app` when one side removed the
    /// app and the other changed it.
    pub field: String,
    pub mine: Option<String>,
    pub theirs: Option<String>,
}

type Fields = BTreeMap<String, Value>;

/// Merges `mine` and `theirs`, both changed from `base`; the conflicts that `choices` does not
/// settle are the error, all of them.
pub fn merge(
    base: &ExportedEnvironment,
    mine: &ExportedEnvironment,
    theirs: &ExportedEnvironment,
    choices: &Choices,
) -> Result<ExportedEnvironment, Vec<SetupConflict>> {
    let mut conflicts = Vec::new();
    let (base_env, base_apps) = split(base);
    let (mine_env, mine_apps) = split(mine);
    let (theirs_env, theirs_apps) = split(theirs);
    let place = Place {
        client_id: None,
        app: None,
        choices,
    };
    let mut merged = merge_fields(&base_env, &mine_env, &theirs_env, &place, &mut conflicts);
    let mut order: Vec<&String> = theirs_apps.iter().map(|(id, _)| id).collect();
    order.extend(
        mine_apps
            .iter()
            .map(|(id, _)| id)
            .filter(|id| !theirs_apps.iter().any(|(t, _)| t == *id)),
    );
    let find = |apps: &[(String, Fields)], id: &str| {
        apps.iter()
            .find(|(other, _)| other == id)
            .map(|(_, f)| f.clone())
    };
    let mut apps = Vec::new();
    for id in order {
        let (b, m, t) = (
            find(&base_apps, id),
            find(&mine_apps, id),
            find(&theirs_apps, id),
        );
        let name = [&m, &t, &b]
            .iter()
            .find_map(|f| f.as_ref()?.get("display_name")?.as_str().map(str::to_owned));
        let place = Place {
            client_id: Some(id),
            app: name,
            choices,
        };
        if let Some(app) = merge_app(b, m, t, &place, &mut conflicts) {
            apps.push(unflatten(app));
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    merged.insert("apps".into(), Value::Array(apps));
    serde_json::from_value(unflatten(merged)).map_err(|e| {
        vec![SetupConflict {
            client_id: None,
            app: None,
            field: "set-up".into(),
            mine: None,
            theirs: Some(e.to_string()),
        }]
    })
}

/// Where a field is, for its conflict and its choice.
struct Place<'a> {
    client_id: Option<&'a str>,
    app: Option<String>,
    choices: &'a Choices,
}

impl Place<'_> {
    fn conflict(&self, field: &str, mine: Option<String>, theirs: Option<String>) -> SetupConflict {
        SetupConflict {
            client_id: self.client_id.map(str::to_owned),
            app: self.app.clone(),
            field: field.to_owned(),
            mine,
            theirs,
        }
    }
}

/// One app on each side (`None`: not there); the merged app, or `None` when it is gone.
fn merge_app(
    base: Option<Fields>,
    mine: Option<Fields>,
    theirs: Option<Fields>,
    place: &Place<'_>,
    conflicts: &mut Vec<SetupConflict>,
) -> Option<Fields> {
    match (base, mine, theirs) {
        (base, Some(mine), Some(theirs)) => Some(merge_fields(
            &base.unwrap_or_default(),
            &mine,
            &theirs,
            place,
            conflicts,
        )),
        (None, kept, None) | (None, None, kept) => kept,
        (Some(_), None, None) => None,
        // One side removed it: gone, unless the other side changed it.
        (Some(base), None, Some(theirs)) if theirs == base => None,
        (Some(base), Some(mine), None) if mine == base => None,
        (Some(base), mine, theirs) => {
            let shown = |side: &Option<Fields>| side.as_ref().map(|f| changed(&base, f));
            match place.choices.side_for(place.client_id, WHOLE_APP) {
                Some(Side::Mine) => mine,
                Some(Side::Theirs) => theirs,
                None => {
                    conflicts.push(place.conflict(WHOLE_APP, shown(&mine), shown(&theirs)));
                    None
                }
            }
        }
    }
}

/// Field by field: the side that changed it, or the same change on both, or a conflict.
fn merge_fields(
    base: &Fields,
    mine: &Fields,
    theirs: &Fields,
    place: &Place<'_>,
    conflicts: &mut Vec<SetupConflict>,
) -> Fields {
    let mut names: Vec<&String> = theirs.keys().chain(mine.keys()).collect();
    names.sort();
    names.dedup();
    let mut merged = Fields::new();
    for name in names {
        let (b, m, t) = (base.get(name), mine.get(name), theirs.get(name));
        let value = if m == t || m == b {
            t
        } else if t == b {
            m
        } else {
            match place.choices.side_for(place.client_id, name) {
                Some(Side::Mine) => m,
                Some(Side::Theirs) => t,
                None => {
                    let text = |v: Option<&Value>| v.map(Value::to_string);
                    conflicts.push(place.conflict(name, text(m), text(t)));
                    t
                }
            }
        };
        if let Some(value) = value {
            merged.insert(name.clone(), value.clone());
        }
    }
    merged
}

/// The fields of `side` that differ from `base`, as JSON text (what the other member changed).
fn changed(base: &Fields, side: &Fields) -> String {
    let differ: Map<String, Value> = side
        .iter()
        .filter(|(name, value)| base.get(*name) != Some(*value))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Value::Object(differ).to_string()
}

/// The environment's own fields and each app's, by client ID in the set-up's order.
fn split(environment: &ExportedEnvironment) -> (Fields, Vec<(String, Fields)>) {
    let mut own = flatten(serde_json::to_value(environment).unwrap_or_default());
    own.remove("apps");
    let apps = environment
        .apps
        .iter()
        .map(|app| {
            let fields = flatten(serde_json::to_value(app).unwrap_or_default());
            (app.client_id.clone(), fields)
        })
        .collect();
    (own, apps)
}

/// An object's fields, an object-valued field's own fields named `outer.inner` (endpoints).
fn flatten(value: Value) -> Fields {
    let mut fields = Fields::new();
    if let Value::Object(object) = value {
        for (name, value) in object {
            match value {
                Value::Object(inner) if name != "apps" => {
                    for (inner_name, inner_value) in inner {
                        fields.insert(format!("{name}.{inner_name}"), inner_value);
                    }
                }
                other => {
                    fields.insert(name, other);
                }
            }
        }
    }
    fields
}

fn unflatten(fields: Fields) -> Value {
    let mut object = Map::new();
    for (name, value) in fields {
        match name.split_once('.') {
            Some((outer, inner)) => {
                let entry = object
                    .entry(outer.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(inner_object) = entry {
                    inner_object.insert(inner.to_owned(), value);
                }
            }
            None => {
                object.insert(name, value);
            }
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests;

/// ` (theirs written <when> by <who>)` for a conflict's message, with what is known of the
/// other side's version; empty when neither is.
pub fn theirs_written(at: Option<&str>, by: Option<&str>) -> String {
    match (at, by) {
        (Some(at), Some(by)) => format!(" (theirs written {at} by {by})"),
        (Some(at), None) => format!(" (theirs written {at})"),
        (None, Some(by)) => format!(" (theirs written by {by})"),
        (None, None) => String::new(),
    }
}
