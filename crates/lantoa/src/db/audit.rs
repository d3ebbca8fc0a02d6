//! Storage of the hash-chained audit trail (see `crate::audit` for the chain rules).
//!
//! Entries are only ever inserted, inside the transaction of the change they record.

use super::{DbResult, Tx, sql};
use crate::audit::{ChainError, Entry, Verifier, entry_hash};
use crate::domain::{OrgId, UserId};

/// A change to record.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub actor_id: Option<UserId>,
    pub actor_name: &'a str,
    pub agency_id: Option<OrgId>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    /// Short before/after summary as JSON.
    pub summary: serde_json::Value,
    pub client_addr: &'a str,
}

/// Longest summary kept; longer ones are cut (the chain still covers what is kept).
const MAX_SUMMARY: usize = 2000;

/// Appends an entry and returns its sequence number. Must run in the transaction
/// of the change it records, so both land or neither does.
pub async fn append(tx: &mut Tx, e: &NewEntry<'_>, now: i64) -> DbResult<i64> {
    // Updating the head first takes the lock that orders concurrent appends.
    let (seq, prev): (i64, String) = sql!(tx, fetch_one
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")?;
    let mut summary = e.summary.to_string();
    if summary.len() > MAX_SUMMARY {
        let mut cut = MAX_SUMMARY;
        while !summary.is_char_boundary(cut) {
            cut -= 1;
        }
        summary.truncate(cut);
    }
    let mut entry = Entry {
        seq,
        at: now,
        actor_id: e.actor_id.map(|u| u.0),
        actor_name: e.actor_name.to_string(),
        agency_id: e.agency_id.map(|a| a.0),
        action: e.action.to_string(),
        object_type: e.object_type.to_string(),
        object_id: e.object_id.clone(),
        summary,
        client_addr: e.client_addr.to_string(),
        prev_hash: prev,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    sql!(tx, execute
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, agency_id, action, object_type,
                                object_id, summary, client_addr, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        entry.seq, entry.at, entry.actor_id, &entry.actor_name, entry.agency_id, &entry.action,
        &entry.object_type, &entry.object_id, &entry.summary, &entry.client_addr, &entry.prev_hash,
        &entry.hash)?;
    sql!(tx, execute "UPDATE audit_head SET hash = $1 WHERE id = 1", &entry.hash)?;
    Ok(seq)
}

macro_rules! select_entry {
    ($rest:literal) => {
        concat!(
            "SELECT seq, at, actor_id, actor_name, agency_id, action, object_type, object_id,
                    summary, client_addr, prev_hash, hash FROM audit_log ",
            $rest
        )
    };
}

/// What the audit page filters on. `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub agency_id: Option<OrgId>,
    pub actor_name: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Only entries with a smaller sequence number (for paging backwards).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// Entries matching the filter, newest first.
pub async fn list(tx: &mut Tx, f: &Filter) -> DbResult<Vec<Entry>> {
    Ok(sql!(tx, fetch_all select_entry!(
        "WHERE ($1 IS NULL OR agency_id = $1)
           AND ($2 IS NULL OR actor_name = $2)
           AND ($3 IS NULL OR object_type = $3)
           AND ($4 IS NULL OR object_id = $4)
           AND ($5 IS NULL OR at >= $5)
           AND ($6 IS NULL OR at < $6)
           AND ($7 IS NULL OR seq < $7)
         ORDER BY seq DESC LIMIT $8"),
        f.agency_id, f.actor_name.as_deref(), f.object_type.as_deref(), f.object_id.as_deref(),
        f.from, f.until, f.before_seq, f.limit)?)
}

/// Number of entries for an agency since a time.
pub async fn count_since(tx: &mut Tx, agency: OrgId, since: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM audit_log WHERE agency_id = $1 AND at >= $2",
        agency, since)?)
}

/// Outcome of walking the whole chain.
#[derive(Debug)]
pub enum Verdict {
    Intact { entries: u64 },
    Broken(ChainError),
}

/// Walks the whole chain in pages and checks it against the head.
pub async fn verify(db: &super::Db) -> DbResult<Verdict> {
    let mut tx = db.read().await?;
    let mut v = Verifier::default();
    let mut after = 0i64;
    loop {
        let page: Vec<Entry> = sql!(&mut tx, fetch_all select_entry!(
            "WHERE seq > $1 ORDER BY seq LIMIT 1000"),
            after)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            if let Err(err) = v.push(e) {
                return Ok(Verdict::Broken(err));
            }
        }
    }
    let (head_seq, head_hash): (i64, String) = sql!(&mut tx, fetch_one
        "SELECT seq, hash FROM audit_head WHERE id = 1")?;
    Ok(match v.finish(head_seq, &head_hash) {
        Ok(n) => Verdict::Intact { entries: n },
        Err(e) => Verdict::Broken(e),
    })
}
