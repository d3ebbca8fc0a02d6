//! Approval: who must sign which clips (the agency's policy, as data), who may
//! sign the next step, and the digest that binds an approval to exactly what
//! would go out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Invalid, Role, UserId};
use crate::lint::{Finding, Translate};
use crate::platforms::{Platform, text};

/// Everything that would leave Lantoa when the clip is published. An approval
/// is given to one value of this; any difference voids it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outgoing {
    /// SHA-256 of the current version's original bytes.
    pub version_sha256: String,
    pub title: String,
    pub caption: String,
    /// Caption variants by platform code (`Platform::as_str`).
    pub variants: BTreeMap<String, String>,
    pub hashtags: Vec<String>,
    /// Target channels, sorted.
    pub channels: Vec<String>,
    /// The publish window, UTC milliseconds.
    pub publish_at: Option<i64>,
    pub publish_until: Option<i64>,
    /// The strictness of the path it was approved on.
    pub political: bool,
    /// The chosen cover's time in the version, milliseconds. Absent from the
    /// digest when none is chosen, so approvals signed before covers existed
    /// still verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_ms: Option<i64>,
    /// The campaign the clip is made for; absent when none, as the cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<i64>,
    /// For a clip taken from another agency: the SHA-256 of the source
    /// version it was taken from; absent otherwise, as the campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The digest of the version's subtitle tracks
    /// (`domain::subtitles::digest`); absent when it has none, as the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitles: Option<String>,
}

impl Outgoing {
    /// The text it would send, borrowed, for each platform's text builder.
    pub fn content(&self) -> text::Content<'_> {
        text::Content {
            title: &self.title,
            caption: &self.caption,
            variants: &self.variants,
            hashtags: &self.hashtags,
        }
    }

    /// Every text rule it breaks on the platforms it targets, with the shipped
    /// rules: what the clip page shows and approval refuses.
    pub fn text_breaches(&self) -> Vec<text::Found> {
        let c = self.content();
        let mut out = Vec::new();
        for p in self.channels.iter().filter_map(|c| Platform::parse(c)) {
            out.extend(text::rules().check(p, &text::build(&c, p)));
        }
        out
    }
}

/// A lint finding and the field it was found in.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldFinding {
    /// title, caption, variant:<platform>, or hashtags
    pub field: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub finding: Finding,
    /// For a platform's text rule: the platform, the part of the post, the
    /// limit and what was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<text::Breach>,
}

impl FieldFinding {
    /// The explanation in the translator's language.
    pub fn message(&self, tr: &impl Translate) -> String {
        match &self.platform {
            Some(b) => b.message(&self.finding.found, tr),
            None => self.finding.message(tr),
        }
    }
}

/// The approval digest: SHA-256 over a versioned, canonical encoding of `o`.
pub fn digest(o: &Outgoing) -> String {
    let mut h = Sha256::new();
    h.update(b"lantoa-approval-v1\n");
    // Serialising a struct with a BTreeMap is canonical: fields in declaration
    // order, map keys sorted, strings escaped one way.
    h.update(serde_json::to_vec(o).unwrap_or_default());
    hex::encode(h.finalize())
}

/// Whether `o` is what the digest `expected` was computed over.
pub fn verify(o: &Outgoing, expected: &str) -> bool {
    let got = digest(o);
    got.len() == expected.len()
        && got
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The fields that differ between two outgoing values (ids for messages).
pub fn changed_fields(before: &Outgoing, after: &Outgoing) -> Vec<&'static str> {
    [
        ("version", before.version_sha256 != after.version_sha256),
        ("title", before.title != after.title),
        ("caption", before.caption != after.caption),
        ("variants", before.variants != after.variants),
        ("hashtags", before.hashtags != after.hashtags),
        ("channels", before.channels != after.channels),
        (
            "publish_window",
            before.publish_at != after.publish_at || before.publish_until != after.publish_until,
        ),
        ("political", before.political != after.political),
        ("cover", before.cover_ms != after.cover_ms),
        ("campaign", before.campaign != after.campaign),
        ("source", before.source != after.source),
        ("subtitles", before.subtitles != after.subtitles),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(field, _)| field)
    .collect()
}

/// Hashtags as typed ("#a #b, c") → `["#a", "#b", "#c"]`, without repeats.
pub fn parse_hashtags(s: &str) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for raw in s.split(|c: char| c.is_whitespace() || c == ',') {
        let t = raw.trim_start_matches('#');
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 100
            || t.chars()
                .any(|c| c.is_control() || c == '#' || (c.is_ascii_punctuation() && c != '_'))
        {
            return Err(Invalid::new("hashtags", "invalid-hashtag"));
        }
        let tag = format!("#{t}");
        if !out.iter().any(|x| x.to_lowercase() == tag.to_lowercase()) {
            out.push(tag);
        }
    }
    if out.len() > 30 {
        return Err(Invalid::new("hashtags", "invalid-hashtag"));
    }
    Ok(out)
}

/// One step of approval: any one person holding one of `roles` signs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub roles: Vec<Role>,
    /// A deputy holding an active delegation from the head may sign in the head's
    /// place ("K/T"), where the step names the head.
    #[serde(default)]
    pub delegable: bool,
}

/// Which roles must approve which clips, in order. Agency data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalPolicy {
    pub political: Vec<Step>,
    pub other: Vec<Step>,
}

/// The roles that can sign anything: the reviewers.
pub const SIGNING_ROLES: &[Role] = super::policy::REVIEWERS;

impl Default for ApprovalPolicy {
    /// Political clips: the head (or a deputy signing K/T). Others: an editor or above.
    fn default() -> Self {
        ApprovalPolicy {
            political: vec![Step {
                roles: vec![Role::Head],
                delegable: true,
            }],
            other: vec![Step {
                roles: vec![Role::Editor, Role::Head, Role::Deputy],
                delegable: false,
            }],
        }
    }
}

impl ApprovalPolicy {
    pub fn steps(&self, political: bool) -> &[Step] {
        if political {
            &self.political
        } else {
            &self.other
        }
    }

    /// A policy is usable when each path has 1–5 steps of signing roles, and the
    /// political path ends with a step the head signs (the directive).
    pub fn validate(&self) -> Result<(), Invalid> {
        for steps in [&self.political, &self.other] {
            if steps.is_empty() || steps.len() > 5 {
                return Err(Invalid::new("policy", "invalid-policy-steps"));
            }
            for s in steps {
                if s.roles.is_empty() || s.roles.iter().any(|r| !SIGNING_ROLES.contains(r)) {
                    return Err(Invalid::new("policy", "invalid-policy-roles"));
                }
            }
        }
        if !self
            .political
            .last()
            .is_some_and(|s| s.roles.contains(&Role::Head))
        {
            return Err(Invalid::new("policy", "invalid-policy-head"));
        }
        Ok(())
    }
}

/// The deputy's standing to sign for the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delegation {
    None,
    Active { id: i64, head: UserId, ends_at: i64 },
    NotYet { starts_at: i64 },
    Ended { ended_at: i64 },
}

/// Who wants to sign, and what they have signed on this clip already.
#[derive(Debug, Clone)]
pub struct Signer<'a> {
    /// Roles held in the clip's agency.
    pub roles: &'a [Role],
    /// Whether the signer uploaded the current version or created the clip.
    pub is_author: bool,
    /// Whether the signer already signed an earlier step of this approval round.
    pub signed_before: bool,
    pub delegation: Delegation,
}

/// In what capacity a signature is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    Role(Role),
    /// K/T: a deputy on behalf of the head.
    OnBehalf {
        head: UserId,
        delegation: i64,
    },
}

/// Why a person may not sign the next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignDenied {
    /// Separation of duties.
    Author,
    /// One person signs one step of a round.
    AlreadySigned,
    NotAllowed {
        step: usize,
        roles: Vec<Role>,
    },
    DelegationEnded {
        ended_at: i64,
    },
    DelegationNotYet {
        starts_at: i64,
    },
    /// Every step is signed already.
    Complete,
}

/// The step after `signed` collected steps, and whether `s` may sign it.
pub fn may_sign(
    steps: &[Step],
    signed: usize,
    s: &Signer<'_>,
) -> Result<(usize, Capacity), SignDenied> {
    let Some(step) = steps.get(signed) else {
        return Err(SignDenied::Complete);
    };
    if s.is_author {
        return Err(SignDenied::Author);
    }
    if s.signed_before {
        return Err(SignDenied::AlreadySigned);
    }
    // The most senior matching role the person holds.
    for role in [Role::Head, Role::Deputy, Role::Editor] {
        if s.roles.contains(&role) && step.roles.contains(&role) {
            return Ok((signed, Capacity::Role(role)));
        }
    }
    let not_allowed = SignDenied::NotAllowed {
        step: signed,
        roles: step.roles.clone(),
    };
    if !(step.delegable && step.roles.contains(&Role::Head) && s.roles.contains(&Role::Deputy)) {
        return Err(not_allowed);
    }
    match s.delegation {
        Delegation::Active { id, head, .. } => Ok((
            signed,
            Capacity::OnBehalf {
                head,
                delegation: id,
            },
        )),
        Delegation::Ended { ended_at } => Err(SignDenied::DelegationEnded { ended_at }),
        Delegation::NotYet { starts_at } => Err(SignDenied::DelegationNotYet { starts_at }),
        Delegation::None => Err(not_allowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing() -> Outgoing {
        Outgoing {
            version_sha256: "ab".repeat(32),
            title: "Lễ khai mạc".into(),
            caption: "Sáng nay, Ủy ban nhân dân tỉnh…".into(),
            variants: BTreeMap::from([("tiktok".into(), "Ngắn gọn".into())]),
            hashtags: vec!["#tinhnha".into()],
            channels: vec!["facebook".into(), "youtube".into()],
            publish_at: Some(1_800_000_000_000),
            publish_until: None,
            political: true,
            cover_ms: None,
            campaign: None,
            source: None,
            subtitles: None,
        }
    }

    #[test]
    fn every_outgoing_field_changes_the_digest() {
        let base = outgoing();
        let d = digest(&base);
        assert!(verify(&base, &d));
        type Edit = fn(&mut Outgoing);
        let edits: [(&str, Edit); 14] = [
            ("version", |o| o.version_sha256 = "cd".repeat(32)),
            ("title", |o| o.title.push('!')),
            ("caption", |o| o.caption = o.caption.replace('…', "...")),
            ("variants", |o| {
                o.variants.insert("zalo".into(), "x".into());
            }),
            ("variants", |o| {
                o.variants.insert("tiktok".into(), "Ngắn gọn.".into());
            }),
            ("hashtags", |o| o.hashtags.push("#moi".into())),
            ("channels", |o| o.channels.pop().map(|_| ()).unwrap_or(())),
            ("publish_window", |o| o.publish_at = Some(1_800_000_000_001)),
            ("publish_window", |o| {
                o.publish_until = Some(1_900_000_000_000)
            }),
            ("political", |o| o.political = false),
            ("cover", |o| o.cover_ms = Some(0)),
            ("cover", |o| o.cover_ms = Some(1_250)),
            ("subtitles", |o| o.subtitles = Some("ef".repeat(32))),
            ("source", |o| o.source = Some("01".repeat(32))),
        ];
        for (field, edit) in edits {
            let mut o = base.clone();
            edit(&mut o);
            assert!(!verify(&o, &d), "{field} did not change the digest");
            assert_eq!(changed_fields(&base, &o), vec![field]);
        }
        // No cover chosen writes nothing: approvals signed before covers
        // existed still verify.
        assert!(!serde_json::to_string(&base).unwrap().contains("cover"));
        // Unicode normal forms are different bytes, so a different digest.
        let mut nfd = base.clone();
        nfd.title = "Le\u{0302}\u{0303} khai ma\u{0323}c".into();
        assert_ne!(digest(&nfd), d);
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let mut a = outgoing();
        a.title = "ab".into();
        a.caption = "c".into();
        let mut b = outgoing();
        b.title = "a".into();
        b.caption = "bc".into();
        assert_ne!(digest(&a), digest(&b));
    }

    #[test]
    fn hashtags_parse() {
        assert_eq!(
            parse_hashtags("#a  #b, c #A").unwrap(),
            vec!["#a", "#b", "#c"]
        );
        assert_eq!(
            parse_hashtags("#QuảngNgãi #lan_tỏa").unwrap(),
            vec!["#QuảngNgãi", "#lan_tỏa"]
        );
        assert!(parse_hashtags("#a-b").is_err());
        assert!(parse_hashtags("").unwrap().is_empty());
    }

    fn signer(roles: &[Role]) -> Signer<'_> {
        Signer {
            roles,
            is_author: false,
            signed_before: false,
            delegation: Delegation::None,
        }
    }

    #[test]
    fn default_policy_political_needs_the_head_or_kt() {
        let p = ApprovalPolicy::default();
        p.validate().unwrap();
        let steps = p.steps(true);
        assert_eq!(
            may_sign(steps, 0, &signer(&[Role::Head])),
            Ok((0, Capacity::Role(Role::Head)))
        );
        assert!(matches!(
            may_sign(steps, 0, &signer(&[Role::Editor])),
            Err(SignDenied::NotAllowed { .. })
        ));
        assert!(matches!(
            may_sign(steps, 0, &signer(&[Role::Deputy])),
            Err(SignDenied::NotAllowed { .. })
        ));
        let mut d = signer(&[Role::Deputy]);
        d.delegation = Delegation::Active {
            id: 3,
            head: UserId(1),
            ends_at: 10,
        };
        assert_eq!(
            may_sign(steps, 0, &d),
            Ok((
                0,
                Capacity::OnBehalf {
                    head: UserId(1),
                    delegation: 3
                }
            ))
        );
        d.delegation = Delegation::Ended { ended_at: 5 };
        assert_eq!(
            may_sign(steps, 0, &d),
            Err(SignDenied::DelegationEnded { ended_at: 5 })
        );
        d.delegation = Delegation::NotYet { starts_at: 9 };
        assert_eq!(
            may_sign(steps, 0, &d),
            Err(SignDenied::DelegationNotYet { starts_at: 9 })
        );
        // Other clips: an editor or above, no delegation needed.
        let other = p.steps(false);
        for r in [Role::Editor, Role::Deputy, Role::Head] {
            assert!(may_sign(other, 0, &signer(&[r])).is_ok());
        }
        assert!(may_sign(other, 0, &signer(&[Role::Reporter])).is_err());
        assert!(may_sign(other, 0, &signer(&[Role::AgencyAdmin])).is_err());
    }

    #[test]
    fn authors_never_sign_and_nobody_signs_twice() {
        let p = ApprovalPolicy::default();
        let mut s = signer(&[Role::Head]);
        s.is_author = true;
        assert_eq!(may_sign(p.steps(true), 0, &s), Err(SignDenied::Author));
        let mut s = signer(&[Role::Head]);
        s.signed_before = true;
        assert_eq!(
            may_sign(p.steps(true), 0, &s),
            Err(SignDenied::AlreadySigned)
        );
    }

    #[test]
    fn multi_step_policies_collect_in_order() {
        let p = ApprovalPolicy {
            political: vec![
                Step {
                    roles: vec![Role::Editor],
                    delegable: false,
                },
                Step {
                    roles: vec![Role::Head],
                    delegable: true,
                },
            ],
            other: ApprovalPolicy::default().other,
        };
        p.validate().unwrap();
        let steps = p.steps(true);
        // The head cannot skip the editor's step.
        assert!(matches!(
            may_sign(steps, 0, &signer(&[Role::Head])),
            Err(SignDenied::NotAllowed { step: 0, .. })
        ));
        assert_eq!(
            may_sign(steps, 0, &signer(&[Role::Editor])),
            Ok((0, Capacity::Role(Role::Editor)))
        );
        assert_eq!(
            may_sign(steps, 1, &signer(&[Role::Head])),
            Ok((1, Capacity::Role(Role::Head)))
        );
        assert_eq!(
            may_sign(steps, 2, &signer(&[Role::Head])),
            Err(SignDenied::Complete)
        );
    }

    #[test]
    fn policies_are_validated() {
        let p = ApprovalPolicy {
            political: vec![Step {
                roles: vec![Role::Editor],
                delegable: false,
            }],
            ..Default::default()
        };
        assert_eq!(p.validate().unwrap_err().message_id, "invalid-policy-head");
        let p = ApprovalPolicy {
            other: vec![],
            ..Default::default()
        };
        assert!(p.validate().is_err());
        let mut p = ApprovalPolicy::default();
        p.other[0].roles.push(Role::Reporter);
        assert_eq!(p.validate().unwrap_err().message_id, "invalid-policy-roles");
    }

    #[test]
    fn p12_only_the_targeted_platforms_are_checked() {
        let mut o = Outgoing {
            version_sha256: String::new(),
            title: "Lễ ra quân <trực tiếp>".into(),
            caption: "Chú thích".into(),
            variants: BTreeMap::new(),
            hashtags: vec![],
            channels: vec!["facebook".into(), "zalo".into()],
            publish_at: None,
            publish_until: None,
            political: false,
            cover_ms: None,
            campaign: None,
            source: None,
            subtitles: None,
        };
        assert!(o.text_breaches().is_empty());
        o.channels.push("youtube".into());
        assert_eq!(o.text_breaches().len(), 2);
    }
}
