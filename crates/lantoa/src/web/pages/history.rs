//! How an audit entry reads to a person, in one place for the clip's history
//! and the audit page: who (by the name people know them by), what (a
//! phrase per action), and the change in short sentences with field labels.

use std::collections::HashMap;

use crate::audit::Entry;
use crate::db::Tx;
use crate::error::Result;
use crate::web::pages::Layout;

/// The display names of the people in `entries`, by user id.
pub async fn names(tx: &mut Tx, entries: &[Entry]) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = entries.iter().filter_map(|e| e.actor_id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(crate::db::users::display_names(tx, &ids).await?)
}

/// Who did it: the person's name, or the system's own steps named as such.
pub fn actor(l: &Layout, e: &Entry, names: &HashMap<i64, String>) -> String {
    match (
        e.actor_id.and_then(|id| names.get(&id)),
        e.actor_name.as_str(),
    ) {
        (Some(n), _) => n.clone(),
        (None, "system") => l.tr.t("history-by-system"),
        (None, n) if n.starts_with("system:") => l.tr.t("history-by-system-check"),
        (None, n) => n.to_string(),
    }
}

/// What was done, as a phrase ("approved", "connected a channel").
pub fn label(l: &Layout, e: &Entry) -> String {
    l.tr.t(&format!("history-{}", e.action.replace('.', "-")))
}

/// What an entry's summary says, as short sentences in the reader's language.
pub fn details(l: &Layout, e: &Entry) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&e.summary).unwrap_or_default();
    let short = |x: &serde_json::Value| {
        let s = match x {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "—".into(),
            other => other.to_string(),
        };
        if s.chars().count() > 120 {
            format!("{}…", s.chars().take(120).collect::<String>())
        } else {
            s
        }
    };
    let mut out = Vec::new();
    match e.action.as_str() {
        "clip.edit" => {
            if let Some(o) = v.as_object() {
                for (k, ch) in o {
                    // A cover is a frame's time: shown as the player shows it.
                    let value = |x: &serde_json::Value| match x.as_f64() {
                        Some(ms) if k == "cover_ms" => {
                            crate::web::pages::clips::timecode(ms / 1000.0)
                        }
                        _ => short(x),
                    };
                    out.push(format!(
                        "{}: {} → {}",
                        crate::service::review::field_label(&l.tr, k),
                        value(&ch["before"]),
                        value(&ch["after"])
                    ));
                }
            }
        }
        "clip.approvals_void" => {
            if let Some(ch) = v["changed"].as_array().filter(|a| !a.is_empty()) {
                out.push(format!(
                    "{}: {}",
                    l.tr.t("history-changed"),
                    ch.iter()
                        .filter_map(|x| x.as_str())
                        .map(|f| crate::service::review::field_label(&l.tr, f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if let Some(r) = v["reason"].as_str() {
                out.push(l.tr.t(&format!("void-reason-{r}")));
            }
        }
        "clip.sign" => {
            out.push(format!(
                "{} {}/{} · {}",
                l.tr.t("history-step"),
                short(&v["step"]),
                short(&v["of"]),
                l.tr.t(&format!("role-{}", v["role"].as_str().unwrap_or("")))
            ));
            if !v["on_behalf_of"].is_null() {
                out.push("K/T".into());
            }
            out.push(format!(
                "digest {}…",
                &v["digest"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(12)
                    .collect::<String>()
            ));
        }
        "clip.comment" => out.push(short(&v["body"])),
        "clip.check_tick" | "clip.check_untick" => out.push(short(&v["item"])),
        _ => {
            if let Some(n) = v["detail"]["note"].as_str().filter(|n| !n.is_empty()) {
                out.push(n.to_string());
            }
        }
    }
    out
}
