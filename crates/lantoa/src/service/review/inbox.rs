//! The inbox and e-mail: a notification's sentence in a language, sending
//! notifications by e-mail, and marking them read.

use crate::db::review as rdb;
use crate::error::Result;
use crate::service::accounts::Principal;
use crate::state::AppState;

/// A field of the outgoing content, named for people.
pub fn field_label(tr: &crate::i18n::Tr, field: &str) -> String {
    match field.strip_prefix("variant:") {
        Some(p) => format!(
            "{} ({})",
            tr.t("edit-variant"),
            tr.t(&format!("platform-{p}"))
        ),
        None => tr.t(&format!("edit-{field}")),
    }
}

/// Where a notification leads, on this site: the page its notice names
/// (an incident, a campaign), else its clip, else the agency's delegations.
pub fn notification_link(
    agency: crate::domain::OrgId,
    clip: Option<crate::domain::ClipId>,
    args: &str,
) -> String {
    let named = serde_json::from_str::<serde_json::Value>(args)
        .ok()
        .and_then(|a| a["link"].as_str().map(str::to_string))
        .filter(|l| l.starts_with('/') && !l.starts_with("//"));
    match (named, clip) {
        (Some(l), _) => l,
        (None, Some(c)) => format!("/a/{agency}/clips/{c}"),
        (None, None) => format!("/a/{agency}/delegations"),
    }
}

/// A notification's sentence in a language.
pub fn notification_text(
    tr: &crate::i18n::Tr,
    clip_title: Option<&str>,
    kind: &str,
    args: &str,
    tz: &str,
) -> String {
    let args: serde_json::Value = serde_json::from_str(args).unwrap_or_default();
    let s = |k: &str| match &args[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    };
    let mut a: Vec<(&'static str, String)> = vec![
        ("clip", clip_title.unwrap_or_default().to_string()),
        ("by", s("by")),
        ("step", s("step")),
        ("note", s("note")),
        ("from", s("from")),
        ("at", s("at")),
    ];
    let changed = match args["changed"].as_array().filter(|c| !c.is_empty()) {
        Some(ch) => ch
            .iter()
            .filter_map(|x| x.as_str())
            .map(|f| field_label(tr, f))
            .collect::<Vec<_>>()
            .join(", "),
        None => match s("reason") {
            r if r.is_empty() => String::new(),
            r => tr.t(&format!("void-reason-{r}")),
        },
    };
    a.push(("changed", changed));
    if kind == "publish_refused" {
        // The note is the refusal's message id.
        a.retain(|(k, _)| *k != "note");
        a.push(("note", tr.t(&s("note"))));
    }
    if let Some(u) = args["until"].as_i64() {
        a.push(("until", crate::clock::format_local_in(u, tz, tr.locale)));
    }
    // A comment pinned to a time says where.
    let kind = match kind {
        "comment" if !s("at").is_empty() => "comment-at",
        "mention" if !s("at").is_empty() => "mention-at",
        k => k,
    };
    tr.t_args(&format!("notify-{}", kind.replace('_', "-")), &a)
}

/// E-mails notifications of the last day not yet sent, to users who gave an
/// address, when an SMTP relay is configured. Each is claimed before it is sent,
/// so several workers never send one twice; a failed send is given back for a
/// retry; a crash in between loses that e-mail (the inbox keeps the
/// notification). Returns how many were sent.
pub async fn send_mail(st: &AppState) -> Result<usize> {
    let Some(url) = st.config.smtp_url.as_deref() else {
        return Ok(0);
    };
    let relay = url.trim_start_matches("smtp://");
    let now = st.now();
    let pending = {
        let mut tx = st.db.read().await?;
        rdb::pending_mail(&mut tx, now - 24 * 3_600_000, 100).await?
    };
    let host = st
        .config
        .public_url
        .as_deref()
        .and_then(|u| u.split("://").nth(1))
        .and_then(|h| h.split(['/', ':']).next())
        .unwrap_or("localhost")
        .to_string();
    let mut sent = 0;
    for m in pending {
        let claimed = {
            let mut tx = st.db.write().await?;
            let c = rdb::claim_mail(&mut tx, m.id, st.now()).await?;
            tx.commit().await?;
            c
        };
        if !claimed {
            continue;
        }
        let tr = crate::i18n::Tr::new(crate::domain::Locale::parse(&m.locale).unwrap_or_default());
        let text = notification_text(
            &tr,
            m.clip_title.as_deref(),
            &m.kind,
            &m.args,
            &st.config.time_zone,
        );
        let link = match &st.config.public_url {
            Some(base) => format!(
                "\n\n{}{}",
                base.trim_end_matches('/'),
                notification_link(m.agency_id, m.clip_id, &m.args)
            ),
            None => String::new(),
        };
        let body = format!("{text}{link}\n\n-- \nLantoa · {}", tr.t("mail-footer"));
        let subject = format!("[Lantoa] {text}");
        let subject: String = subject.chars().take(150).collect();
        match crate::mail::send(
            relay,
            &host,
            &crate::mail::Mail {
                from: &st.config.smtp_from,
                to: &m.email,
                subject: &subject,
                body: &body,
            },
        )
        .await
        {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!(error = %e, notification = m.id, "notification e-mail not sent; will retry");
                let mut tx = st.db.write().await?;
                rdb::release_mail(&mut tx, m.id).await?;
                tx.commit().await?;
                break;
            }
        }
    }
    Ok(sent)
}

pub async fn mark_read(st: &AppState, p: &Principal, id: Option<i64>) -> Result<u64> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let n = rdb::mark_read(&mut tx, p.user_id, id, now).await?;
    tx.commit().await?;
    Ok(n)
}
