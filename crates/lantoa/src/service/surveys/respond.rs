//! Answering a survey at its public address, anonymously.
//!
//! What is kept of an answer is the answers and the hour. Nothing else: no
//! account, no cookie, no address, no browser name. Against answers made by
//! the thousand, four things, none of which keeps who answered:
//! - **one answer per device and day**: a keyed hash of the address and the
//!   browser's name, keyed with the day's random salt (`survey_salts`); the
//!   hash is all that is stored, and the salt and every hash of a day are
//!   deleted when the next day's first answer comes, so no hash can be
//!   recomputed or linked afterwards. A second answer the same day is not
//!   counted, and the person is told so kindly;
//! - **a honeypot**: a field people do not see; a form that fills it is
//!   refused (and shown again, so a person whose browser filled it can send it);
//! - **a proof of work**: the page carries a challenge signed by the server;
//!   its script finds a number whose SHA-256 with the challenge starts with
//!   [`POW_BITS`] zero bits (a fraction of a second on a cheap phone). A
//!   browser without JavaScript sends no proof: its answer is accepted when
//!   the form was given out at least [`NO_SCRIPT_WAIT_MS`] before, and it
//!   costs twice as much of the address's budget. A wrong proof is refused;
//!   each challenge is taken once (per process);
//! - **a budget per address**, in memory only: [`BUDGET`] units a minute in
//!   a fixed table of [`LIMIT_SLOTS`] slots indexed by a keyed hash of the
//!   address (a new address takes the slot of another: memory never grows).

use std::hash::BuildHasher;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::{Status, form_of};
use crate::crypto::{constant_time_eq, hmac_hex};
use crate::db::surveys::{self as sdb, Survey};
use crate::domain::SurveyId;
use crate::domain::survey::{Submitted, parse_answers};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Leading zero bits the proof's hash needs.
pub const POW_BITS: u32 = 14;
/// How long a form given out to a browser without script must have been open.
pub const NO_SCRIPT_WAIT_MS: i64 = 3_000;
/// How long a form given out stays good.
const CHALLENGE_TTL_MS: i64 = 24 * 3_600_000;
/// Units an address may spend a minute: an answer with a proof costs 1,
/// without 2, a refused one 1.
pub const BUDGET: u32 = 30;
pub const LIMIT_SLOTS: usize = 16_384;
const USED_SLOTS: usize = 65_536;
const DAY_MS: i64 = 86_400_000;

/// This process's memory of the addresses' budgets, the challenges taken
/// and the day's salt. Bounded: two fixed tables (about 1 MiB in all).
pub struct Guard {
    hasher: std::collections::hash_map::RandomState,
    /// (keyed hash of the address, minute, units spent)
    budgets: Mutex<Vec<(u64, i64, u32)>>,
    /// Challenges already answered, by their nonce.
    used: Mutex<Vec<u64>>,
    salt: Mutex<Option<(i64, String)>>,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            hasher: std::collections::hash_map::RandomState::new(),
            budgets: Mutex::new(vec![(0, 0, 0); LIMIT_SLOTS]),
            used: Mutex::new(vec![0; USED_SLOTS]),
            salt: Mutex::new(None),
        }
    }
}

impl Guard {
    /// Spends `units` of the address's budget for the minute of `now`;
    /// false when it has run out.
    pub fn spend(&self, addr: &str, units: u32, now: i64) -> bool {
        self.spend_within(addr, units, BUDGET, now)
    }

    /// Spends `units` of a key's `budget` for the minute of `now` (the
    /// outlet's beacons and pages keep theirs in the same table, under keys
    /// of their own); false when it has run out.
    pub fn spend_within(&self, key: &str, units: u32, budget: u32, now: i64) -> bool {
        let h = self.hasher.hash_one(key) | 1;
        let minute = now / 60_000;
        let mut b = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut b[slot_of(h, LIMIT_SLOTS)];
        if slot.0 != h || slot.1 != minute {
            *slot = (h, minute, 0);
        }
        if slot.2.saturating_add(units) > budget {
            return false;
        }
        slot.2 += units;
        true
    }

    /// Marks a challenge's nonce taken; false when it already was.
    fn take(&self, nonce: u64) -> bool {
        let mut u = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut u[slot_of(nonce, USED_SLOTS)];
        if *slot == nonce {
            return false;
        }
        *slot = nonce;
        true
    }
}

/// The slot of a key in a table of `slots`: keys are odd (0 marks an empty
/// slot), so the slot is read from the other bits, or every key would land
/// in an odd slot and half the table would stay empty.
fn slot_of(key: u64, slots: usize) -> usize {
    ((key >> 1) % slots as u64) as usize
}

/// A fresh challenge for a form of `survey` given out at `now`:
/// `survey.issued.nonce.signature`.
pub fn challenge(st: &AppState, survey: SurveyId, now: i64) -> String {
    let nonce = u64::from_le_bytes(crate::crypto::random_bytes::<8>()) | 1;
    let body = format!("{survey}.{now}.{nonce:016x}");
    format!("{body}.{}", sign(st, &body))
}

fn sign(st: &AppState, body: &str) -> String {
    let mut s = hmac_hex(&st.keys.session, format!("survey-pow:{body}").as_bytes());
    s.truncate(32);
    s
}

/// Whether SHA-256 of `challenge:answer` starts with [`POW_BITS`] zero bits.
pub fn proof_holds(challenge: &str, answer: &str) -> bool {
    let d = Sha256::digest(format!("{challenge}:{answer}").as_bytes());
    let lead = u32::from_be_bytes([d[0], d[1], d[2], d[3]]).leading_zeros();
    lead >= POW_BITS
}

/// Finds a proof (what the page's script does; for tests and the benchmark).
pub fn solve(challenge: &str) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| proof_holds(challenge, n))
        .unwrap_or_default()
}

/// What became of an answer.
#[derive(Debug)]
pub enum Outcome {
    Accepted,
    /// This device already answered today: not counted.
    Again,
    /// Answers to correct, each beside its question; everything kept.
    Problems(Submitted),
    /// Refused as a whole for the message's reason, the answers kept.
    Refused(&'static str, Submitted),
    /// The address has used its budget for the minute.
    TooFast,
    /// Not open (draft, not yet, closed).
    NotOpen(Status),
}

/// Where an answer comes from: used for the budget and the day's hash, then dropped.
pub struct Origin<'a> {
    pub addr: &'a str,
    pub user_agent: &'a str,
}

/// Takes one person's answers to the survey at `token`.
pub async fn submit(
    st: &AppState,
    token: &str,
    from: Origin<'_>,
    fields: &[(String, String)],
) -> Result<Outcome> {
    let now = st.now();
    let s = open_survey(st, token).await?;
    let status = Status::of(&s, now);
    if status != Status::Open {
        return Ok(Outcome::NotOpen(status));
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let proof = field("pow").trim();
    let units = if proof.is_empty() { 2 } else { 1 };
    if !st.surveys.spend(from.addr, units, now) {
        return Ok(Outcome::TooFast);
    }
    let form = form_of(&s)?;
    let sent = parse_answers(&form, fields);
    if !field("website").is_empty() {
        return Ok(Outcome::Refused("survey-refused-honeypot", sent));
    }
    if let Err(why) = check_challenge(st, s.id, field("challenge"), proof, now) {
        return Ok(Outcome::Refused(why, sent));
    }
    if !sent.errors.is_empty() {
        return Ok(Outcome::Problems(sent));
    }
    let answers = serde_json::to_string(&sent.answers)
        .map_err(|e| Error::Internal(format!("answers: {e}")))?;
    let day = now.div_euclid(DAY_MS);
    let salt = day_salt(st, day).await?;
    let device = device_hash(&salt, s.id, &from);
    let (id, hour) = (s.id, now - now.rem_euclid(3_600_000));
    let counted = st
        .db
        .write_shared(move |tx| {
            let (device, answers) = (device.clone(), answers.clone());
            Box::pin(async move {
                if !sdb::claim_device(tx, id, day, &device).await? {
                    return Ok(false);
                }
                sdb::insert_response(tx, id, hour, &answers).await?;
                Ok(true)
            })
        })
        .await?;
    Ok(if counted {
        Outcome::Accepted
    } else {
        Outcome::Again
    })
}

/// The survey at a public address (a draft's address answers "not open").
pub async fn open_survey(st: &AppState, token: &str) -> Result<Survey> {
    if token.len() > 64 {
        return Err(Error::NotFound);
    }
    let mut tx = st.db.read().await?;
    sdb::by_token(&mut tx, token).await?.ok_or(Error::NotFound)
}

/// Checks the form's challenge and proof; the reason's message id when refused.
fn check_challenge(
    st: &AppState,
    survey: SurveyId,
    challenge: &str,
    proof: &str,
    now: i64,
) -> std::result::Result<(), &'static str> {
    let expired = "survey-refused-expired";
    let parts: Vec<&str> = challenge.split('.').collect();
    let [sid, issued, nonce, sig] = parts.as_slice() else {
        return Err(expired);
    };
    let body = format!("{sid}.{issued}.{nonce}");
    if !constant_time_eq(sig.as_bytes(), sign(st, &body).as_bytes()) || *sid != survey.to_string() {
        return Err(expired);
    }
    let issued: i64 = issued.parse().map_err(|_| expired)?;
    let nonce = u64::from_str_radix(nonce, 16).map_err(|_| expired)?;
    if now - issued > CHALLENGE_TTL_MS || issued > now + 60_000 {
        return Err(expired);
    }
    if proof.is_empty() {
        if now - issued < NO_SCRIPT_WAIT_MS {
            return Err("survey-refused-too-quick");
        }
    } else if proof.len() > 20 || !proof_holds(challenge, proof) {
        return Err("survey-refused-proof");
    }
    if !st.surveys.take(nonce) {
        return Err("survey-refused-used");
    }
    Ok(())
}

/// The day's salt: kept in this process once read, made by the first
/// process to need it, shared through the database. The outlet's viewer
/// hashes are keyed with it too.
pub(crate) async fn day_salt(st: &AppState, day: i64) -> Result<String> {
    if let Some((d, s)) = st
        .surveys
        .salt
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        && d == day
    {
        return Ok(s);
    }
    let fresh = crate::crypto::random_token();
    let mut tx = st.db.write().await?;
    let salt = sdb::salt_of(&mut tx, day, &fresh).await?;
    tx.commit().await?;
    *st.surveys.salt.lock().unwrap_or_else(|e| e.into_inner()) = Some((day, salt.clone()));
    Ok(salt)
}

/// The device's hash for the day: the only trace of where an answer came
/// from, meaningless once the day's salt is gone.
fn device_hash(salt: &str, survey: SurveyId, from: &Origin<'_>) -> String {
    day_hash(
        salt,
        &format!("{survey}\n{}\n{}", from.addr, from.user_agent),
    )
}

/// A keyed hash of `text` with the day's salt (32 hex digits).
pub(crate) fn day_hash(salt: &str, text: &str) -> String {
    let mut key = [0u8; 32];
    let raw = hex::decode(salt).unwrap_or_default();
    let n = raw.len().min(32);
    key[..n].copy_from_slice(&raw[..n]);
    let mut h = hmac_hex(&key, text.as_bytes());
    h.truncate(32);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_is_found_and_checked() {
        let c = "7.1000.00000000000000ff.abc";
        let p = solve(c);
        assert!(proof_holds(c, &p));
        // About one number in 2^14 holds: a guess is nearly always refused.
        let holding = (0..2000).filter(|n| proof_holds(c, &n.to_string())).count();
        assert!(holding < 10, "{holding}");
    }

    #[test]
    fn the_budget_runs_out_per_address_and_minute_and_memory_is_fixed() {
        let g = Guard::default();
        for _ in 0..BUDGET {
            assert!(g.spend("10.0.0.1", 1, 0));
        }
        assert!(!g.spend("10.0.0.1", 1, 59_000));
        assert!(g.spend("10.0.0.2", 1, 59_000));
        assert!(g.spend("10.0.0.1", 1, 60_000));
        for i in 0..100_000 {
            g.spend(&format!("addr-{i}"), 1, 0);
        }
        assert_eq!(g.budgets.lock().unwrap().len(), LIMIT_SLOTS);
    }

    #[test]
    fn odd_keys_fill_the_whole_of_both_tables_not_only_their_odd_slots() {
        let g = Guard::default();
        for i in 0..4 * LIMIT_SLOTS {
            g.spend(
                &format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255),
                1,
                0,
            );
        }
        let filled = g
            .budgets
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.0 != 0)
            .count();
        assert!(filled > LIMIT_SLOTS * 9 / 10, "{filled} of {LIMIT_SLOTS}");
        for _ in 0..4 * USED_SLOTS {
            // Odd, as `challenge` makes them.
            g.take(u64::from_le_bytes(crate::crypto::random_bytes::<8>()) | 1);
        }
        let filled = g.used.lock().unwrap().iter().filter(|n| **n != 0).count();
        assert!(filled > USED_SLOTS * 9 / 10, "{filled} of {USED_SLOTS}");
    }

    #[test]
    fn a_challenge_is_taken_once() {
        let g = Guard::default();
        assert!(g.take(12345));
        assert!(!g.take(12345));
    }

    #[test]
    fn the_device_hash_depends_on_the_day_salt() {
        let from = Origin {
            addr: "203.0.113.9",
            user_agent: "Phone",
        };
        let a = device_hash(&"11".repeat(32), SurveyId(1), &from);
        let b = device_hash(&"22".repeat(32), SurveyId(1), &from);
        assert_ne!(a, b);
        assert!(!a.contains("203.0.113.9"));
    }
}
