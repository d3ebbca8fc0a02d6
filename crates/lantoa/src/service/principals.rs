//! The signed-in people of this process, kept for a moment: a page no longer
//! reads the session, the account and its memberships on every request (three
//! queries before each page's own).
//!
//! How soon a change is seen:
//! - made by this process (signing out, a password changed or reset, an
//!   account disabled, roles changed, the language switched): at once. Every
//!   write to accounts, memberships or sessions moves the accounts'
//!   generation ([`users::accounts_changed`]) inside its transaction, and the
//!   service moves it again once committed; a person kept under an older
//!   generation is read again.
//! - made by another process (a second web process, the command line):
//!   within [`KEEP`], after which a kept person is read again.
//!
//! A session's end (idle or absolute) is checked against the clock on every
//! request, kept or not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::accounts::Principal;
use crate::db::users;

/// How long a person is kept: the longest another process's change (a
/// session ended, roles changed) goes unseen here.
pub const KEEP: Duration = Duration::from_secs(2);

/// Sessions kept at most; past it the stale ones go, then all.
const MAX_KEPT: usize = 10_000;

struct Kept {
    p: Arc<Principal>,
    generation: u64,
    at: Instant,
    /// When the session ends (UTC ms), idle or absolute, as last read.
    ends_at: i64,
}

/// The kept people, by the hash of their session token.
#[derive(Default)]
pub struct Principals {
    kept: Mutex<HashMap<String, Kept>>,
}

impl Principals {
    /// The person of the session `hash` if kept, still current and the
    /// session not ended at `now`.
    pub fn get(&self, hash: &str, now: i64) -> Option<Arc<Principal>> {
        let generation = users::accounts_generation();
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let k = kept.get(hash)?;
        let fresh = k.generation == generation && k.at.elapsed() < KEEP && now < k.ends_at;
        fresh.then(|| k.p.clone())
    }

    /// Keeps the person of the session `hash`, read from the database
    /// after the accounts' generation was `generation`.
    pub fn keep(&self, hash: &str, p: Arc<Principal>, generation: u64, ends_at: i64) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX_KEPT {
            kept.retain(|_, k| k.at.elapsed() < KEEP);
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
        }
        let k = Kept {
            p,
            generation,
            at: Instant::now(),
            ends_at,
        };
        kept.insert(hash.to_string(), k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Locale, UserId};
    use crate::service::accounts::AuthVia;

    fn person() -> Arc<Principal> {
        Arc::new(Principal {
            user_id: UserId(7),
            username: "hoa".into(),
            display_name: "Hoa".into(),
            locale: Locale::Vi,
            is_system_admin: false,
            must_change_password: false,
            memberships: vec![],
            via: AuthVia::Session {
                token_hash: "h".into(),
            },
        })
    }

    #[test]
    fn kept_until_the_session_ends_or_an_account_changes() {
        let kept = Principals::default();
        assert!(kept.get("h", 0).is_none());
        kept.keep("h", person(), users::accounts_generation(), 1_000);
        assert_eq!(kept.get("h", 999).map(|p| p.user_id), Some(UserId(7)));
        // The session's end is checked on every request.
        assert!(kept.get("h", 1_000).is_none());
        assert!(kept.get("other", 0).is_none());
        // A change to any account in this process: read again.
        users::accounts_changed();
        assert!(kept.get("h", 0).is_none());
        // Read before a change committed: never taken.
        let before = users::accounts_generation();
        users::accounts_changed();
        kept.keep("h", person(), before, 1_000);
        assert!(kept.get("h", 0).is_none());
    }
}
