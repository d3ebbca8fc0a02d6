//! Web Push for the people who allow it on a device: subscribing a browser,
//! and handing each new notification to the push services of its person's
//! browsers, in the person's language, so a head's phone hears of a political
//! clip waiting. A message says what the inbox says; the inbox stays the
//! record.

use serde_json::json;

use super::accounts::Principal;
use super::audit;
use crate::db::push as pdb;
use crate::domain::{Invalid, Locale};
use crate::error::{Error, Result};
use crate::push::{Keys, Message, Sent, Vapid};
use crate::state::AppState;

/// The most browsers one person receives push notices in.
pub const MAX_DEVICES: i64 = 10;

/// The install's VAPID identity (from its session secret), derived once per
/// process.
pub fn vapid(st: &AppState) -> Result<&Vapid> {
    if let Some(v) = st.vapid.get() {
        return Ok(v);
    }
    let v = Vapid::from_secret(&st.keys.session).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(st.vapid.get_or_init(|| v))
}

/// Whether an endpoint is at a push service this install sends to: HTTPS to
/// a host in `push_hosts` (`*.` for any subdomain). An entry `http://host`
/// allows plain HTTP to that host (a test or an in-house push service). No
/// other address is ever called: a subscription cannot make the server
/// reach into its own network.
pub fn allowed_endpoint(st: &AppState, endpoint: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    st.config.push_hosts.iter().any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        let (scheme, pattern) = match entry.strip_prefix("http://") {
            Some(h) => ("http", h.to_string()),
            None => ("https", entry.trim_start_matches("https://").to_string()),
        };
        let host_ok = match pattern.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == pattern,
        };
        url.scheme() == scheme && host_ok
    })
}

/// Records this browser's subscription for the person (audited).
pub async fn subscribe(
    st: &AppState,
    p: &Principal,
    client: &str,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<()> {
    if endpoint.len() > 2048 || !allowed_endpoint(st, endpoint) {
        return Err(Invalid::new("endpoint", "push-endpoint-not-allowed").into());
    }
    Keys::parse(p256dh, auth).map_err(|_| Invalid::new("p256dh", "push-keys-invalid"))?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    pdb::subscribe(&mut tx, p.user_id, endpoint, p256dh, auth, now).await?;
    // A phone, a desk, a laptop…: a person's newest devices, a few, so that
    // one notice never fans out without bound.
    pdb::keep_newest(&mut tx, p.user_id, MAX_DEVICES).await?;
    audit_device(&mut tx, p, client, "user.push_subscribe", endpoint, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets this browser's subscription for the person (audited when there
/// was one).
pub async fn unsubscribe(st: &AppState, p: &Principal, client: &str, endpoint: &str) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    if pdb::unsubscribe(&mut tx, p.user_id, endpoint).await? > 0 {
        audit_device(&mut tx, p, client, "user.push_unsubscribe", endpoint, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The audit entry of a device turned on or off: the push service's host
/// (the endpoint itself is a bearer address, kept out of the log).
async fn audit_device(
    tx: &mut crate::db::Tx,
    p: &Principal,
    client: &str,
    action: &str,
    endpoint: &str,
    now: i64,
) -> Result<()> {
    audit(
        tx,
        &p.actor(client),
        None,
        action,
        "user",
        p.user_id,
        json!({"service": host_of(endpoint)}),
        now,
    )
    .await?;
    Ok(())
}

/// How many browsers the person has subscribed.
pub async fn devices(st: &AppState, p: &Principal) -> Result<usize> {
    let mut tx = st.db.read().await?;
    Ok(pdb::subscriptions_of(&mut tx, p.user_id).await?.len())
}

fn host_of(endpoint: &str) -> String {
    reqwest::Url::parse(endpoint)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// Who runs this server, for the push services (RFC 8292 `sub`): the
/// public address, or the sender of notification e-mails.
fn subject(st: &AppState) -> String {
    match st.config.public_url.as_deref() {
        Some(u) if u.starts_with("https://") => u.trim_end_matches('/').to_string(),
        _ => format!("mailto:{}", st.config.smtp_from),
    }
}

/// Pushes the notifications of the last day not yet pushed to every browser
/// of their people. Each is claimed before it is sent, so several workers
/// never push one twice; a subscription its service calls gone is
/// forgotten; a refused message is not tried again (the inbox has it).
/// Returns how many messages were delivered.
pub async fn send_pending(st: &AppState, http: &reqwest::Client) -> Result<usize> {
    let now = st.now();
    let pending = {
        let mut tx = st.db.read().await?;
        pdb::pending(&mut tx, now - 24 * 3_600_000, 100).await?
    };
    if pending.is_empty() {
        return Ok(0);
    }
    let vapid = vapid(st)?;
    let subject = subject(st);
    let mut delivered = 0;
    for n in pending {
        let (claimed, devices) = {
            let mut tx = st.db.write().await?;
            let c = pdb::claim(&mut tx, n.id, st.now()).await?;
            let d = pdb::subscriptions_of(&mut tx, n.user_id).await?;
            tx.commit().await?;
            (c, d)
        };
        if !claimed {
            continue;
        }
        let locale = Locale::parse(&n.locale).unwrap_or_default();
        let tr = crate::i18n::Tr::new(locale);
        let text = super::review::notification_text(
            &tr,
            n.clip_title.as_deref(),
            &n.kind,
            &n.args,
            &st.config.time_zone,
        );
        let url = super::review::notification_link(n.agency_id, n.clip_id, &n.args);
        let payload = json!({
            "title": "Lantoa",
            "body": text.chars().take(600).collect::<String>(),
            "url": url,
            "tag": format!("n{}", n.id),
            "lang": locale.code(),
        })
        .to_string();
        for d in devices {
            let Ok(keys) = Keys::parse(&d.p256dh, &d.auth) else {
                continue;
            };
            let m = Message {
                endpoint: &d.endpoint,
                keys: &keys,
                payload: payload.as_bytes(),
                ttl: 24 * 3600,
                urgency: "high",
                topic: None,
            };
            let sent = crate::push::send(http, vapid, &subject, &m, st.now() / 1000).await;
            let mut tx = st.db.write().await?;
            match sent {
                Sent::Delivered => delivered += 1,
                Sent::Gone => pdb::forget(&mut tx, d.id).await?,
                Sent::Failed(e) => {
                    tracing::warn!(error = %e, subscription = d.id, "push message refused");
                    pdb::mark_failed(&mut tx, d.id, st.now()).await?;
                }
            }
            tx.commit().await?;
        }
    }
    Ok(delivered)
}
