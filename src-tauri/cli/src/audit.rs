//! `authdeck audit`: the audit log, newest first; metadata only, as core records it.

use crate::cli::AuditArgs;
use crate::failure::{Failure, exit};
use crate::output::{self, table};
use authdeck_core::Core;
use authdeck_core::audit::AuditQuery;
use authdeck_core::model::Timestamp;

/// `--since`: an RFC 3339 time, or a span before now such as `30m`, `12h`, `7d`.
fn since(text: &str, now: Timestamp) -> Result<Timestamp, Failure> {
    let text = text.trim();
    if let Ok(at) =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
    {
        return Ok(Timestamp(at));
    }
    let Some(last) = text.chars().last() else {
        return Err(too_far(text));
    };
    let unit = match last {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => 0,
    };
    let count = text[..text.len() - last.len_utf8()].parse::<i64>().ok();
    match (count, unit) {
        (Some(count), unit) if unit > 0 && count >= 0 => {
            Timestamp::from_unix(now.unix().saturating_sub(count.saturating_mul(unit)))
                .ok_or_else(|| too_far(text))
        }
        _ => Err(too_far(text)),
    }
}

fn too_far(text: &str) -> Failure {
    Failure::new(
        exit::INVALID,
        format!(
            "--since: “{text}” is neither a time such as 2026-11-01T09:30:00Z nor a span such \
             as 30m, 12h or 7d."
        ),
    )
}

/// `authdeck audit`.
pub fn audit(core: &Core, args: &AuditArgs) -> Result<u8, Failure> {
    let now = Timestamp(time::OffsetDateTime::now_utc());
    let query = AuditQuery {
        app: args.app.as_deref().map(str::trim).map(str::to_owned),
        since: args.since.as_deref().map(|s| since(s, now)).transpose()?,
        limit: (args.limit > 0).then_some(args.limit),
    };
    let entries = core.audit_log(&query)?;
    if args.json {
        return output::print_json(&entries).map(|()| 0);
    }
    if entries.is_empty() {
        return output::print("No entries.\n").map(|()| 0);
    }
    let dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                output::when(&e.at),
                e.actor.as_str().to_owned(),
                e.action.words().to_owned(),
                dash(&e.environment_name),
                dash(&e.app_name),
                e.detail.clone(),
            ]
        })
        .collect();
    output::print(&table(
        &["TIME", "BY", "ACTION", "ENVIRONMENT", "APP", "DETAIL"],
        &rows,
    ))
    .map(|()| 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_time_or_a_span_ago() {
        let now = Timestamp::from_unix(1_790_000_000).unwrap();
        assert_eq!(since("90s", now).unwrap().unix(), 1_790_000_000 - 90);
        assert_eq!(since("7d", now).unwrap().unix(), 1_790_000_000 - 7 * 86_400);
        assert_eq!(
            since("2026-09-21T00:00:00Z", now).unwrap().unix(),
            1_790_000_000 - 1_790_000_000 % 86_400
        );
        assert_eq!(
            since("yesterday", now).unwrap_err().message,
            "--since: “yesterday” is neither a time such as 2026-11-01T09:30:00Z nor a span \
             such as 30m, 12h or 7d."
        );
        assert!(since("-5m", now).is_err());
        assert!(since("", now).is_err());
        assert!(since("5é", now).is_err());
    }
}
