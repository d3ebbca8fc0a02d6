//! The audit trail's hash chain: how an entry is hashed and how a chain is checked.
//!
//! Each entry stores the SHA-256 of the previous entry; its own hash covers every
//! field including that link. Altering a field breaks the entry's own hash; removing
//! an entry leaves a gap in the sequence numbers and a broken link; inserting one
//! breaks the link of the entry after it. The single-row head records the last
//! sequence number and hash, so removing entries from the end is caught too.
//! Storage is in `db::audit`; every state change in Lantoa writes through it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored entry, as the verifier sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub agency_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// A short JSON summary of the change (before/after).
    pub summary: String,
    pub client_addr: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry's content and its link to the previous entry.
pub fn entry_hash(e: &Entry) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different entries encode to the same bytes.
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(e.prev_hash.as_bytes());
    field(&e.seq.to_be_bytes());
    field(&e.at.to_be_bytes());
    field(
        e.actor_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(e.actor_name.as_bytes());
    field(
        e.agency_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(e.action.as_bytes());
    field(e.object_type.as_bytes());
    field(e.object_id.as_bytes());
    field(e.summary.as_bytes());
    field(e.client_addr.as_bytes());
    hex::encode(h.finalize())
}

/// What is wrong with a chain, naming the first entry affected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit entry #{seq} was altered: its content does not match its hash")]
    Altered { seq: i64 },
    #[error("audit entries #{from}..#{to} are missing (removed); the chain resumes at #{resumes}")]
    Removed { from: i64, to: i64, resumes: i64 },
    #[error(
        "audit entry #{seq} does not link to the entry before it: an entry was removed, inserted or altered just before #{seq}"
    )]
    BrokenLink { seq: i64 },
    #[error("audit entries after #{last} were removed: the chain head says #{head_seq}")]
    TruncatedEnd { last: i64, head_seq: i64 },
    #[error(
        "audit entry #{seq} was inserted or altered at the end of the chain: the chain head does not match it"
    )]
    HeadMismatch { seq: i64 },
}

/// Checks a chain given in sequence order, page by page.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    expected_prev: String,
    checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            expected_seq: 1,
            expected_prev: GENESIS.to_string(),
            checked: 0,
        }
    }
}

impl Verifier {
    /// Checks the next entry of the chain.
    pub fn push(&mut self, e: &Entry) -> Result<(), ChainError> {
        if e.seq > self.expected_seq {
            return Err(ChainError::Removed {
                from: self.expected_seq,
                to: e.seq - 1,
                resumes: e.seq,
            });
        }
        if e.seq < self.expected_seq || entry_hash(e) != e.hash {
            return Err(ChainError::Altered { seq: e.seq });
        }
        if e.prev_hash != self.expected_prev {
            return Err(ChainError::BrokenLink { seq: e.seq });
        }
        self.expected_prev = e.hash.clone();
        self.expected_seq += 1;
        self.checked += 1;
        Ok(())
    }

    /// Checks the end of the chain against the head row; returns entries checked.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<u64, ChainError> {
        let last = self.expected_seq - 1;
        if head_seq > last {
            return Err(ChainError::TruncatedEnd { last, head_seq });
        }
        if head_seq < last || head_hash != self.expected_prev {
            return Err(ChainError::HeadMismatch { seq: last });
        }
        Ok(self.checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at: 1_700_000_000_000 + seq,
                    actor_id: Some(7),
                    actor_name: "baotinh.quantri".into(),
                    agency_id: Some(2),
                    action: "user.create".into(),
                    object_type: "user".into(),
                    object_id: seq.to_string(),
                    summary: format!("{{\"after\":\"người dùng {seq}\"}}"),
                    client_addr: "127.0.0.1".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[Entry], head_seq: i64, head_hash: &str) -> Result<u64, ChainError> {
        let mut v = Verifier::default();
        for e in entries {
            v.push(e)?;
        }
        v.finish(head_seq, head_hash)
    }

    fn head(c: &[Entry]) -> (i64, String) {
        c.last()
            .map(|e| (e.seq, e.hash.clone()))
            .unwrap_or((0, GENESIS.into()))
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let (s, h) = head(&c);
        assert_eq!(verify(&c, s, &h), Ok(5));
        assert_eq!(verify(&[], 0, GENESIS), Ok(0));
    }

    #[test]
    fn any_altered_field_names_the_entry() {
        let base = chain(5);
        let (s, h) = head(&base);
        let edits: Vec<fn(&mut Entry)> = vec![
            |e| e.summary.push('x'),
            |e| e.at += 1,
            |e| e.actor_name = "someone".into(),
            |e| e.agency_id = Some(3),
            |e| e.actor_id = None,
            |e| e.client_addr = "10.0.0.1".into(),
            |e| e.object_id = "99".into(),
            |e| e.hash.replace_range(0..1, "f"),
        ];
        for edit in edits {
            let mut c = base.clone();
            edit(&mut c[2]);
            assert_eq!(verify(&c, s, &h), Err(ChainError::Altered { seq: 3 }));
        }
    }

    #[test]
    fn removed_entry_is_named() {
        let mut c = chain(5);
        let (s, h) = head(&c);
        c.remove(1);
        assert_eq!(
            verify(&c, s, &h),
            Err(ChainError::Removed {
                from: 2,
                to: 2,
                resumes: 3
            })
        );
    }

    #[test]
    fn removed_tail_is_caught_by_head() {
        let mut c = chain(5);
        let (s, h) = head(&c);
        c.truncate(3);
        assert_eq!(
            verify(&c, s, &h),
            Err(ChainError::TruncatedEnd {
                last: 3,
                head_seq: 5
            })
        );
    }

    #[test]
    fn inserted_entry_breaks_the_link() {
        let c = chain(5);
        // Rebuild entry 3 as if a forged entry had been slipped in before it:
        // renumbered and rehashed, but linking to the forged predecessor.
        let mut forged = c.clone();
        forged[2].prev_hash = entry_hash(&c[0]);
        forged[2].hash = entry_hash(&forged[2]);
        let (s, h) = head(&c);
        assert_eq!(
            verify(&forged, s, &h),
            Err(ChainError::BrokenLink { seq: 3 })
        );
    }
}
