//! Sharing across the network: the terms a clip is offered on, and the rules
//! that follow from them for the agencies that take it (the credit line every
//! caption carries, captions locked or not, the clip cut or not).

use std::collections::BTreeMap;

use super::{Invalid, one_line};

/// What an offer asks of the agencies that take the clip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// The line every caption must carry ("Nguồn: Báo Thái Nguyên").
    pub credit: String,
    /// The takers may rewrite the captions (keeping the credit line).
    pub may_adapt: bool,
    /// The takers may upload a cut of their own.
    pub may_cut: bool,
    /// Until when it may be taken (UTC ms); none: until withdrawn.
    pub ends_at: Option<i64>,
}

impl Terms {
    pub fn parse(
        credit: &str,
        may_adapt: bool,
        may_cut: bool,
        ends_at: Option<i64>,
        now: i64,
    ) -> Result<Terms, Invalid> {
        let credit = one_line(credit, 3..=200, "credit", "share-credit-invalid")?;
        if ends_at.is_some_and(|e| e <= now) {
            return Err(Invalid::new("ends_on", "share-ends-past"));
        }
        Ok(Terms {
            credit,
            may_adapt,
            may_cut,
            ends_at,
        })
    }

    /// The credit line a source agency's offers carry unless it writes another.
    pub fn default_credit(agency_name: &str) -> String {
        format!("Nguồn: {agency_name}")
    }

    /// `text` with the credit line at its end (once: a text that carries it
    /// already is left as it is).
    pub fn credited(&self, text: &str) -> String {
        if carries(text, &self.credit) {
            return text.to_string();
        }
        let text = text.trim_end();
        if text.is_empty() {
            self.credit.clone()
        } else {
            format!("{text}\n\n{}", self.credit)
        }
    }

    /// Whether a taker's edit of the captions keeps the terms: locked
    /// captions stay as they are; adapted ones still carry the credit line.
    pub fn check_captions(
        &self,
        before: (&str, &BTreeMap<String, String>),
        after: (&str, &BTreeMap<String, String>),
    ) -> Result<(), Invalid> {
        if !self.may_adapt && (before.0 != after.0 || before.1 != after.1) {
            return Err(Invalid::new("caption", "share-caption-locked"));
        }
        let all = std::iter::once(after.0).chain(after.1.values().map(String::as_str));
        for text in all {
            if !carries(text, &self.credit) {
                return Err(Invalid::new("caption", "share-credit-missing"));
            }
        }
        Ok(())
    }
}

/// Whether `text` carries `credit` (spacing aside).
fn carries(text: &str, credit: &str) -> bool {
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    squeeze(text).contains(&squeeze(credit))
}

/// Where an offer stands for someone who would take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    Open,
    Withdrawn,
    Ended,
}

impl OfferState {
    pub fn of(withdrawn_at: Option<i64>, ends_at: Option<i64>, now: i64) -> OfferState {
        if withdrawn_at.is_some() {
            OfferState::Withdrawn
        } else if ends_at.is_some_and(|e| e <= now) {
            OfferState::Ended
        } else {
            OfferState::Open
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            OfferState::Open => "open",
            OfferState::Withdrawn => "withdrawn",
            OfferState::Ended => "ended",
        }
    }
}

/// A recommendation the body's overseer writes when placing a clip.
pub fn recommendation(s: &str) -> Result<String, Invalid> {
    let s = s.trim().replace("\r\n", "\n");
    if s.chars().count() > 2000 {
        return Err(Invalid::new(
            "recommendation",
            "share-recommendation-invalid",
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(adapt: bool) -> Terms {
        Terms::parse("Nguồn: Báo Thái Nguyên", adapt, false, None, 0).unwrap()
    }

    #[test]
    fn the_credit_line_is_added_once() {
        let t = terms(true);
        let once = t.credited("Chợ phiên vùng cao");
        assert_eq!(once, "Chợ phiên vùng cao\n\nNguồn: Báo Thái Nguyên");
        assert_eq!(t.credited(&once), once);
        assert_eq!(t.credited("  "), "Nguồn: Báo Thái Nguyên");
        // Spacing does not hide it.
        assert_eq!(
            t.credited("a Nguồn:  Báo Thái\nNguyên"),
            "a Nguồn:  Báo Thái\nNguyên"
        );
    }

    #[test]
    fn locked_captions_refuse_any_change_and_adapted_ones_keep_the_credit() {
        let v = BTreeMap::from([("tiktok".to_string(), "b Nguồn: Báo Thái Nguyên".to_string())]);
        let before = ("a Nguồn: Báo Thái Nguyên", &v);
        let locked = terms(false);
        assert!(locked.check_captions(before, before).is_ok());
        let changed = ("a! Nguồn: Báo Thái Nguyên", &v);
        assert_eq!(
            locked
                .check_captions(before, changed)
                .unwrap_err()
                .message_id,
            "share-caption-locked"
        );
        let open = terms(true);
        assert!(open.check_captions(before, changed).is_ok());
        let dropped = ("a!", &v);
        assert_eq!(
            open.check_captions(before, dropped).unwrap_err().message_id,
            "share-credit-missing"
        );
        let bare = BTreeMap::from([("tiktok".to_string(), "b".to_string())]);
        assert!(open.check_captions(before, (before.0, &bare)).is_err());
    }

    #[test]
    fn terms_are_checked() {
        assert!(Terms::parse("ab", true, true, None, 0).is_err());
        assert!(Terms::parse("Nguồn: X", true, true, Some(5), 10).is_err());
        assert!(Terms::parse("Nguồn: X", true, true, Some(15), 10).is_ok());
        assert_eq!(OfferState::of(None, Some(10), 10), OfferState::Ended);
        assert_eq!(OfferState::of(Some(1), None, 10), OfferState::Withdrawn);
        assert_eq!(OfferState::of(None, None, 10), OfferState::Open);
    }
}
