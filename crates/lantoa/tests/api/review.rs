//! Editorial review and approval: the state machine driven by the service and the
//! API, approvals bound to a digest of the content, the approval policy with
//! delegations, locks and optimistic saves, and a randomised run over the whole
//! workflow checking that nothing reaches "publishable" without valid approvals.

use std::collections::BTreeMap;

use crate::helpers::{
    Network, TestApp, any_item, assert_says, caller_of, form, send_expect, spawn_network,
};
use crate::rng::Rng;
use lantoa::clock::Clock;
use lantoa::db::clips::{self, Checked, NewVersion};
use lantoa::db::review as rdb;
use lantoa::domain::workflow::{ClipAction, ClipAction as Do, ClipState, ClipState as Is};
use lantoa::domain::{ClipId, OrgId, Role, UserId, VersionId};
use lantoa::error::Error;
use lantoa::service::accounts::{Principal, principal_of};
use lantoa::service::review::{self as svc, ActInput, Edit, Settings};
use lantoa::service::{Actor, review};
use serde_json::json;

const PROBE: &str = r#"{"format_names":"mov,mp4","container":"mp4","duration_s":10.0,"size_bytes":1000,
 "bit_rate":null,"video":{"index":0,"codec":"h264","profile":null,"width":180,"height":320,
 "display_width":180,"display_height":320,"display_aspect":"9:16","rotation_deg":0,"avg_fps":25.0,"r_fps":25.0,
 "variable_frame_rate":false,"pix_fmt":null,"bit_rate":null,"frames":null},
 "audio":null,"moov_at_front":true,"truncated":false,"probe_error":null}"#;

pub(crate) async fn who(app: &TestApp, u: UserId) -> (Principal, Actor) {
    let p = principal_of(&app.st, u).await.unwrap().unwrap();
    let a = p.actor("test");
    (p, a)
}

/// `ha` (acting as `hp`) delegates their signature in `org` to `to` for 30 days
/// from now.
pub(crate) async fn delegate_for_30_days(
    app: &TestApp,
    ha: &Actor,
    hp: &Principal,
    org: &lantoa::db::orgs::Org,
    to: UserId,
) {
    let now = app.clock.now_ms();
    svc::delegate(
        &caller_of(&app.st, ha, hp, org),
        &svc::DelegationRequest {
            to_user: to,
            starts_at: now,
            ends_at: now + 30 * 24 * 3_600_000,
            note: String::new(),
        },
    )
    .await
    .unwrap();
}

pub(crate) async fn agency(app: &TestApp, id: OrgId) -> lantoa::db::orgs::Org {
    let mut tx = app.st.db.read().await.unwrap();
    lantoa::db::orgs::get(&mut tx, id).await.unwrap().unwrap()
}

/// A clip whose current version is checked and ready (rows written directly;
/// the media path has its own tests).
pub(crate) async fn ready_clip(
    app: &TestApp,
    agency: OrgId,
    author: UserId,
    category: &str,
) -> ClipId {
    let political = lantoa::domain::Category::parse(category)
        .unwrap()
        .is_political();
    let caption = "Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ ra quân.";
    with_a_channel(app, agency, author).await;
    let c = app
        .insert_clip((agency, author), "Lễ ra quân", caption, category, political)
        .await;
    add_version(app, c, author, "aa").await;
    c
}

/// Gives the agency a connected Facebook channel unless it has a channel, so
/// that its new clips have somewhere to go.
pub(crate) async fn with_a_channel(app: &TestApp, agency: OrgId, by: UserId) {
    if crate::publish::channel_list(app, agency).await.is_empty() {
        let page = format!("page-{}", agency.0);
        crate::publish::add_channel(app, agency, by, "facebook", &page, "token").await;
    }
}

pub(crate) async fn add_version(app: &TestApp, c: ClipId, by: UserId, seed: &str) -> VersionId {
    add_version_with(app, c, by, &seed.repeat(32)[..64], "originals/x").await
}

/// A checked, ready version with the given bytes' SHA-256 and storage key.
pub(crate) async fn add_version_with(
    app: &TestApp,
    c: ClipId,
    by: UserId,
    sha256: &str,
    key: &str,
) -> VersionId {
    let now = app.clock.now_ms();
    let new = NewVersion {
        clip_id: c,
        sha256,
        size_bytes: 1000,
        original_key: key,
        original_name: "x.mp4",
        uploaded_by: by,
        now,
    };
    let mut tx = app.st.db.write().await.unwrap();
    let (v, number) = clips::insert_version(&mut tx, new).await.unwrap();
    clips::set_checked(
        &mut tx,
        v,
        Checked {
            status: "ready",
            probe: Some(PROBE),
            validation: None,
            qc: None,
            compliance: None,
            outputs: None,
            error: None,
        },
        now,
    )
    .await
    .unwrap();
    // As an upload's last byte does.
    let (p, a) = who_tx(app, by).await;
    review::version_arrived(&mut tx, &a, &p, c, (v, number), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    v
}

async fn who_tx(app: &TestApp, u: UserId) -> (Principal, Actor) {
    who(app, u).await
}

pub(crate) async fn clip(app: &TestApp, agency: OrgId, c: ClipId) -> lantoa::db::clips::Clip {
    let mut tx = app.st.db.read().await.unwrap();
    clips::get(&mut tx, agency, c).await.unwrap().unwrap()
}

pub(crate) async fn state(app: &TestApp, agency: OrgId, c: ClipId) -> ClipState {
    clip(app, agency, c).await.state
}

pub(crate) async fn act(
    app: &TestApp,
    u: UserId,
    ag: OrgId,
    c: ClipId,
    action: ClipAction,
) -> Result<ClipState, Error> {
    let (p, a) = who(app, u).await;
    let org = agency(app, ag).await;
    let digest = if action == ClipAction::Approve {
        let mut tx = app.st.db.read().await.unwrap();
        let k = clips::get(&mut tx, ag, c).await.unwrap().unwrap();
        Some(svc::current_digest(&mut tx, &k).await.unwrap().1)
    } else {
        None
    };
    svc::act(
        &caller_of(&app.st, &a, &p, &org),
        c,
        action,
        ActInput {
            note: Some("Sửa đoạn 00:05".into()),
            digest,
            at: None,
        },
    )
    .await
}

pub(crate) async fn tick_all(app: &TestApp, u: UserId, ag: OrgId, c: ClipId) {
    let (p, a) = who(app, u).await;
    let org = agency(app, ag).await;
    for item in Settings::default().checklist {
        svc::tick(&caller_of(&app.st, &a, &p, &org), c, &item, true)
            .await
            .unwrap();
    }
}

/// Ticks every item where the checklist may be ticked now (under review).
async fn try_tick_all(app: &TestApp, u: UserId, ag: OrgId, c: ClipId) {
    let (p, a) = who(app, u).await;
    let org = agency(app, ag).await;
    for item in Settings::default().checklist {
        if svc::tick(&caller_of(&app.st, &a, &p, &org), c, &item, true)
            .await
            .is_err()
        {
            return;
        }
    }
}

pub(crate) fn edit_of(k: &lantoa::db::clips::Clip) -> Edit {
    svc::edit_of_clip(k, "Asia/Ho_Chi_Minh")
}

pub(crate) async fn save(
    app: &TestApp,
    u: UserId,
    ag: OrgId,
    c: ClipId,
    f: impl FnOnce(&mut Edit),
) -> Result<svc::Saved, Error> {
    let k = clip(app, ag, c).await;
    let mut e = edit_of(&k);
    f(&mut e);
    let (p, a) = who(app, u).await;
    let org = agency(app, ag).await;
    svc::save(&caller_of(&app.st, &a, &p, &org), c, e).await
}

pub(crate) fn refusal(e: Error) -> (String, String) {
    match e {
        Error::Refused(r) => (
            r.code.to_string(),
            r.message(&lantoa::i18n::Tr::new(lantoa::domain::Locale::En)),
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The publisher's check for the clip's current bytes, now.
async fn publishable(app: &TestApp, agency: OrgId, c: ClipId) -> Result<String, Error> {
    let k = clip(app, agency, c).await;
    let mut tx = app.st.db.read().await.unwrap();
    let v = svc::current_version(&mut tx, &k).await.unwrap().unwrap();
    svc::verify_publishable(&mut tx, agency, c, &v.sha256, app.clock.now_ms()).await
}

/// The refusal (code, English message) of an action that must fail.
async fn refused(
    app: &TestApp,
    u: UserId,
    ag: OrgId,
    c: ClipId,
    action: ClipAction,
) -> (String, String) {
    refusal(act(app, u, ag, c, action).await.unwrap_err())
}

/// `u` ticks the whole checklist and approves.
pub(crate) async fn tick_and_approve(app: &TestApp, u: UserId, ag: OrgId, c: ClipId) -> ClipState {
    tick_all(app, u, ag, c).await;
    act(app, u, ag, c, ClipAction::Approve).await.unwrap()
}

/// Checks that an action is refused with a message that says `needle`.
async fn refused_saying(
    app: &TestApp,
    u: UserId,
    ag: OrgId,
    c: ClipId,
    action: ClipAction,
    needle: &str,
) {
    let (_, msg) = refused(app, u, ag, c, action).await;
    assert!(msg.contains(needle), "{msg}");
}

/// Acts and checks the state the clip lands in.
pub(crate) async fn act_to(
    app: &TestApp,
    u: UserId,
    ag: OrgId,
    c: ClipId,
    action: ClipAction,
    want: ClipState,
) {
    assert_eq!(act(app, u, ag, c, action).await.unwrap(), want);
}

/// How many entries of the clip's history are `action`.
async fn history_count(app: &TestApp, ag: OrgId, c: ClipId, action: &str) -> usize {
    let mut tx = app.st.db.read().await.unwrap();
    let h = rdb::clip_history(&mut tx, ag, c).await.unwrap();
    h.iter().filter(|e| e.action == action).count()
}

async fn live(app: &TestApp, c: ClipId) -> Vec<rdb::Approval> {
    let mut tx = app.st.db.read().await.unwrap();
    rdb::live_approvals(&mut tx, c).await.unwrap()
}

pub(crate) async fn in_review(app: &TestApp, n: &Network, category: &str) -> ClipId {
    let c = ready_clip(app, n.a, n.a_reporter, category).await;
    act_to(app, n.a_reporter, n.a, c, Do::Submit, Is::InReview).await;
    c
}

async fn deputy(app: &TestApp, n: &Network) -> UserId {
    app.user("a.deputy", false, &[(n.a, Role::Deputy)]).await
}

#[tokio::test]
async fn a_clip_goes_from_draft_to_approved_and_refusals_say_why() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    // Nobody but the system or the author moves a draft on; the message says who.
    let (code, msg) = refused(&app, n.a_editor, n.a, c, ClipAction::RequestChanges).await;
    assert_eq!(code, "action_not_allowed");
    assert!(
        msg.contains("“Draft”") && msg.contains("In review"),
        "{msg}"
    );
    refused_saying(&app, n.b_reporter, n.a, c, Do::Submit, "the clip's author").await;
    act_to(&app, n.a_reporter, n.a, c, Do::Submit, Is::InReview).await;
    // Submitting asks the first signers, once each (the editor signs this one).
    let mut tx = app.st.db.read().await.unwrap();
    let inbox = rdb::inbox(&mut tx, n.a_editor, 10).await.unwrap();
    drop(tx);
    let kinds: Vec<&str> = inbox.iter().map(|x| x.kind.as_str()).collect();
    assert_eq!(kinds, ["approval_needed"]);
    // The author never approves their own clip, even as head.
    let (code, msg) = refused(&app, n.a_reporter, n.a, c, ClipAction::Approve).await;
    assert_eq!(code, "action_not_allowed", "{msg}");
    // The checklist comes first.
    let (code, msg) = refused(&app, n.a_editor, n.a, c, ClipAction::Approve).await;
    assert_eq!(code, "approval_refused");
    assert!(msg.contains("4 checklist items"), "{msg}");
    tick_all(&app, n.a_editor, n.a, c).await;
    act_to(&app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
    let d = publishable(&app, n.a, c).await.unwrap();
    let k = clip(&app, n.a, c).await;
    let mut tx = app.st.db.read().await.unwrap();
    assert_eq!(d, svc::current_digest(&mut tx, &k).await.unwrap().1);
    // Other bytes than the approved version's are refused.
    assert!(
        svc::verify_publishable(&mut tx, n.a, c, &"ff".repeat(32), app.clock.now_ms())
            .await
            .is_err()
    );
    drop(tx);
    // History on the clip: submit, checks, ticks, signature, approval.
    let mut tx = app.st.db.read().await.unwrap();
    let h: Vec<String> = rdb::clip_history(&mut tx, n.a, c)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "clip.submit",
        "clip.checks_passed",
        "clip.check_tick",
        "clip.sign",
        "clip.approve",
    ] {
        assert!(h.iter().any(|x| x == a), "{a} missing from {h:?}");
    }
}

#[tokio::test]
async fn every_outgoing_field_voids_the_approval_and_other_changes_do_not() {
    let (app, n) = spawn_network().await;
    type Change = Box<dyn Fn(&mut Edit)>;
    let changes: Vec<(&str, Change)> = vec![
        ("title", Box::new(|e| e.title.push_str(" (cập nhật)"))),
        ("caption", Box::new(|e| e.caption.push_str(" Thêm câu."))),
        (
            "variants",
            Box::new(|e| {
                e.variants.insert("tiktok".into(), "Bản ngắn".into());
            }),
        ),
        ("hashtags", Box::new(|e| e.hashtags = "#moi".into())),
        (
            "channels",
            Box::new(|e| e.channels = vec!["youtube".into()]),
        ),
        (
            "publish_window",
            Box::new(|e| e.publish_until = "2031-01-02T08:00".into()),
        ),
        ("political", Box::new(|e| e.political = true)),
    ];
    for (field, change) in changes {
        let c = in_review(&app, &n, "good_deeds").await;
        tick_all(&app, n.a_editor, n.a, c).await;
        act_to(&app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
        // Unrelated changes keep the approval: a comment, resolving it, a tick.
        let (p, a) = who(&app, n.a_editor).await;
        let org = agency(&app, n.a).await;
        let m = svc::comment(
            &caller_of(&app.st, &a, &p, &org),
            c,
            svc::NewComment {
                body: "Tốt".into(),
                at: Some("00:05".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        svc::resolve_comment(&caller_of(&app.st, &a, &p, &org), c, m, true)
            .await
            .unwrap();
        save(&app, n.a_editor, n.a, c, |_| {}).await.unwrap();
        svc::unlock(&app.st, &p, &org, c).await.unwrap();
        assert_eq!(state(&app, n.a, c).await, ClipState::Approved, "{field}");
        assert_eq!(live(&app, c).await.len(), 1);

        let s = save(&app, n.a_reporter, n.a, c, |e| change(e))
            .await
            .unwrap();
        assert!(s.voided, "{field} did not void");
        assert_eq!(s.changed, vec![field.to_string()]);
        assert_eq!(state(&app, n.a, c).await, ClipState::InReview, "{field}");
        assert!(live(&app, c).await.is_empty());
        let mut tx = app.st.db.read().await.unwrap();
        let inbox = rdb::inbox(&mut tx, n.a_editor, 1).await.unwrap();
        assert_eq!(inbox[0].kind, "approval_voided", "{field}");
        let hist = rdb::clip_history(&mut tx, n.a, c).await.unwrap();
        assert!(
            hist.iter()
                .any(|e| e.action == "clip.approvals_void" && e.summary.contains(field))
        );
    }
    // A new version voids too.
    let c = in_review(&app, &n, "good_deeds").await;
    tick_and_approve(&app, n.a_editor, n.a, c).await;
    add_version(&app, c, n.a_reporter, "bb").await;
    assert_eq!(state(&app, n.a, c).await, ClipState::Submitted);
    assert!(live(&app, c).await.is_empty());
}

#[tokio::test]
async fn political_clips_need_the_head_or_a_delegated_deputy() {
    let (app, n) = spawn_network().await;
    let dep = deputy(&app, &n).await;
    let c = in_review(&app, &n, "leadership_message").await;
    tick_all(&app, n.a_editor, n.a, c).await;
    let (code, msg) = refused(&app, n.a_editor, n.a, c, ClipAction::Approve).await;
    assert_eq!(code, "approval_refused");
    assert!(msg.contains("needs Head of agency"), "{msg}");
    refused_saying(&app, dep, n.a, c, Do::Approve, "needs Head of agency").await;
    // The head delegates for two hours.
    let (hp, ha) = who(&app, n.a_head).await;
    let org = agency(&app, n.a).await;
    let now = app.clock.now_ms();
    // An editor cannot delegate; only to a deputy.
    let (ep, ea) = who(&app, n.a_editor).await;
    let req = svc::DelegationRequest {
        to_user: dep,
        starts_at: now,
        ends_at: now + 2 * 3_600_000,
        note: "Đi công tác".into(),
    };
    assert!(
        svc::delegate(&caller_of(&app.st, &ea, &ep, &org), &req)
            .await
            .is_err()
    );
    let bad = svc::DelegationRequest {
        to_user: n.a_editor,
        ..req.clone()
    };
    assert!(matches!(
        svc::delegate(&caller_of(&app.st, &ha, &hp, &org), &bad).await,
        Err(Error::Invalid(_))
    ));
    svc::delegate(&caller_of(&app.st, &ha, &hp, &org), &req)
        .await
        .unwrap();
    act_to(&app, dep, n.a, c, Do::Approve, Is::Approved).await;
    let a = &live(&app, c).await[0];
    assert_eq!(
        (a.role.as_str(), a.on_behalf_of),
        ("deputy", Some(n.a_head))
    );
    // After the window the deputy is refused, and told when it ended.
    let c2 = in_review(&app, &n, "official_event").await;
    tick_all(&app, n.a_editor, n.a, c2).await;
    app.clock.advance_ms(3 * 3_600_000);
    refused_saying(&app, dep, n.a, c2, Do::Approve, "ended at").await;
    act_to(&app, n.a_head, n.a, c2, Do::Approve, Is::Approved).await;
    // A revoked delegation ends at once.
    let now = app.clock.now_ms();
    let id = svc::delegate(
        &caller_of(&app.st, &ha, &hp, &org),
        &svc::DelegationRequest {
            starts_at: now,
            ends_at: now + 3_600_000,
            ..req
        },
    )
    .await
    .unwrap();
    svc::revoke_delegation(&caller_of(&app.st, &ha, &hp, &org), id)
        .await
        .unwrap();
    let c3 = in_review(&app, &n, "official_event").await;
    tick_all(&app, n.a_editor, n.a, c3).await;
    refused_saying(&app, dep, n.a, c3, Do::Approve, "ended at").await;
}

#[tokio::test]
async fn multi_step_policies_collect_signatures_in_order_from_different_people() {
    let (app, n) = spawn_network().await;
    let (ap, aa) = who(&app, n.a_admin).await;
    let org = agency(&app, n.a).await;
    let mut s = Settings::default();
    s.policy.other = vec![
        lantoa::domain::approval::Step {
            roles: vec![Role::Editor],
            delegable: false,
        },
        lantoa::domain::approval::Step {
            roles: vec![Role::Head],
            delegable: true,
        },
    ];
    svc::save_settings(&caller_of(&app.st, &aa, &ap, &org), s)
        .await
        .unwrap();
    let c = in_review(&app, &n, "good_deeds").await;
    tick_all(&app, n.a_editor, n.a, c).await;
    // The head cannot skip the editor.
    refused_saying(&app, n.a_head, n.a, c, Do::Approve, "step 1 needs Editor").await;
    act_to(&app, n.a_editor, n.a, c, Do::Approve, Is::InReview).await;
    // The head was told it is their turn.
    let mut tx = app.st.db.read().await.unwrap();
    assert_eq!(
        rdb::inbox(&mut tx, n.a_head, 1).await.unwrap()[0].kind,
        "approval_needed"
    );
    drop(tx);
    // The editor cannot sign the second step too.
    let both = app
        .user(
            "a.editorhead",
            false,
            &[(n.a, Role::Editor), (n.a, Role::Head)],
        )
        .await;
    let _ = both;
    refused_saying(&app, n.a_editor, n.a, c, Do::Approve, "already signed").await;
    // Nothing is publishable yet.
    assert!(publishable(&app, n.a, c).await.is_err());
    act_to(&app, n.a_head, n.a, c, Do::Approve, Is::Approved).await;
    let l = live(&app, c).await;
    assert_eq!(
        l.iter().map(|a| (a.step, a.signer_id)).collect::<Vec<_>>(),
        vec![(0, n.a_editor), (1, n.a_head)]
    );
    // Policies that break the directive are refused.
    let mut bad = Settings::default();
    bad.policy.political = vec![lantoa::domain::approval::Step {
        roles: vec![Role::Editor],
        delegable: false,
    }];
    assert!(matches!(
        svc::save_settings(&caller_of(&app.st, &aa, &ap, &org), bad).await,
        Err(Error::Invalid(_))
    ));
}

#[tokio::test]
async fn approvals_expire_and_changed_clips_cannot_be_approved_blind() {
    let (app, n) = spawn_network().await;
    let c = in_review(&app, &n, "good_deeds").await;
    tick_all(&app, n.a_editor, n.a, c).await;
    // The approver saw an older digest: refused.
    let (p, a) = who(&app, n.a_editor).await;
    let org = agency(&app, n.a).await;
    let (code, msg) = refusal(
        svc::approve(&caller_of(&app.st, &a, &p, &org), c, &"00".repeat(32))
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "approval_refused");
    assert!(msg.contains("changed after you opened"), "{msg}");
    act(&app, n.a_editor, n.a, c, ClipAction::Approve)
        .await
        .unwrap();
    app.clock.advance_ms(73 * 3_600_000);
    lantoa::worker::housekeeping(&app.st).await.unwrap();
    assert_eq!(state(&app, n.a, c).await, ClipState::InReview);
    let mut tx = app.st.db.read().await.unwrap();
    let all = rdb::all_approvals(&mut tx, c).await.unwrap();
    assert_eq!(all[0].void_reason.as_deref(), Some("expired"));
}

#[tokio::test]
async fn saves_are_optimistic_locks_are_soft_and_the_political_flag_is_guarded() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let k = clip(&app, n.a, c).await;
    // Two people start from the same revision; the second save is refused.
    let (rp, ra) = who(&app, n.a_reporter).await;
    let (ep, ea) = who(&app, n.a_editor).await;
    let org = agency(&app, n.a).await;
    let mut first = edit_of(&k);
    first.title = "Tiêu đề của phóng viên".into();
    let mut second = edit_of(&k);
    second.title = "Tiêu đề của biên tập".into();
    svc::save(&caller_of(&app.st, &ra, &rp, &org), c, first)
        .await
        .unwrap();
    // The save released the reporter's lock: the editor's older revision is
    // refused as such.
    let (code, _) = refusal(
        svc::save(&caller_of(&app.st, &ea, &ep, &org), c, second.clone())
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "edit_conflict");
    // The reporter types again (the page takes the lock); the editor is told
    // who is editing.
    svc::lock(&caller_of(&app.st, &ra, &rp, &org), c)
        .await
        .unwrap();
    let (code, msg) = refusal(
        svc::save(&caller_of(&app.st, &ea, &ep, &org), c, second.clone())
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "clip_locked");
    assert!(
        msg.contains("a.reporter") || msg.contains("is editing"),
        "{msg}"
    );
    // Stale after two minutes: the editor may take over, and then the old revision is refused.
    app.clock.advance_ms(3 * 60_000);
    svc::lock(&caller_of(&app.st, &ea, &ep, &org), c)
        .await
        .unwrap();
    let (code, msg) = refusal(
        svc::save(&caller_of(&app.st, &ea, &ep, &org), c, second)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "edit_conflict");
    assert!(msg.contains("kept in the form"), "{msg}");
    assert_eq!(clip(&app, n.a, c).await.title, "Tiêu đề của phóng viên");
    assert_eq!(history_count(&app, n.a, c, "clip.lock_takeover").await, 1);
    // Taking over by saving is recorded too.
    app.clock.advance_ms(3 * 60_000);
    save(&app, n.a_head, n.a, c, |e| e.caption.push_str(" Cập nhật."))
        .await
        .unwrap();
    assert_eq!(history_count(&app, n.a, c, "clip.lock_takeover").await, 2);
    // A reporter cannot take over someone's stale lock (the head's).
    let (hp, ha) = who(&app, n.a_head).await;
    svc::lock(&caller_of(&app.st, &ha, &hp, &org), c)
        .await
        .unwrap();
    app.clock.advance_ms(3 * 60_000);
    let (code, _) = refusal(
        svc::lock(&caller_of(&app.st, &ra, &rp, &org), c)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "clip_locked");
    svc::unlock(&app.st, &hp, &org, c).await.unwrap();
    // Raising the flag: anyone. Lowering: the head only.
    let s = save(&app, n.a_reporter, n.a, c, |e| e.political = true)
        .await
        .unwrap();
    assert!(s.political);
    svc::unlock(&app.st, &rp, &org, c).await.unwrap();
    let (code, msg) = refusal(
        save(&app, n.a_editor, n.a, c, |e| e.political = false)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "action_not_allowed");
    assert!(msg.contains("head"), "{msg}");
    svc::unlock(&app.st, &ep, &org, c).await.unwrap();
    let s = save(&app, n.a_head, n.a, c, |e| e.political = false)
        .await
        .unwrap();
    assert!(!s.political);
    assert_eq!(clip(&app, n.a, c).await.political_source, "lowered");
    // A political category forces the flag.
    svc::unlock(&app.st, &who(&app, n.a_head).await.0, &org, c)
        .await
        .unwrap();
    let s = save(&app, n.a_reporter, n.a, c, |e| {
        e.category = "official_event".into()
    })
    .await
    .unwrap();
    assert!(s.political);
    // The audit keeps before and after.
    let mut tx = app.st.db.read().await.unwrap();
    let h = rdb::clip_history(&mut tx, n.a, c).await.unwrap();
    let edit = h.iter().find(|e| e.action == "clip.edit").unwrap();
    let v: serde_json::Value = serde_json::from_str(&edit.summary).unwrap();
    assert_eq!(v["title"]["before"], "Lễ ra quân");
    assert_eq!(v["title"]["after"], "Tiêu đề của phóng viên");
}

#[tokio::test]
async fn no_sequence_of_actions_makes_a_clip_publishable_without_valid_approvals() {
    let (app, n) = spawn_network().await;
    let dep = deputy(&app, &n).await;
    let (hp, ha) = who(&app, n.a_head).await;
    let org = agency(&app, n.a).await;
    delegate_for_30_days(&app, &ha, &hp, &org, dep).await;
    let people = [n.a_reporter, n.a_editor, n.a_head, dep, n.a_admin];
    // Every action but the system's own and take-down (publishing included, to
    // be refused); approval twice as likely as the others.
    let mut actions: Vec<ClipAction> = ClipAction::ALL
        .into_iter()
        .filter(|a| {
            !matches!(
                a,
                Do::ChecksPassed
                    | Do::ChecksFailed
                    | Do::NewVersion
                    | Do::Void
                    | Do::Expire
                    | Do::TakeDown
            )
        })
        .collect();
    actions.push(Do::Approve);
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let mut reached_approved = 0;
    let sequences = 60;
    for s in 0..sequences {
        let category = if s % 2 == 0 {
            "good_deeds"
        } else {
            "leadership_message"
        };
        let c = ready_clip(&app, n.a, n.a_reporter, category).await;
        let mut seed = 1u32;
        for _ in 0..30 {
            match rng.next() % 10 {
                0 => {
                    // Change something that goes out (may be refused by a lock).
                    let u = rng.pick(&people);
                    let _ = save(&app, u, n.a, c, |e| {
                        e.caption.push('.');
                        e.publish_at = "2031-06-01T08:00".into();
                    })
                    .await;
                    for p in people {
                        let (pp, _) = who(&app, p).await;
                        let _ = svc::unlock(&app.st, &pp, &org, c).await;
                    }
                }
                1 => {
                    seed += 1;
                    add_version(&app, c, n.a_reporter, &format!("{seed:02}")).await;
                }
                2 => try_tick_all(&app, n.a_editor, n.a, c).await,
                _ => {
                    let _ = act(&app, rng.pick(&people), n.a, c, rng.pick(&actions)).await;
                }
            }
            // The invariant: publishable exactly when approved/scheduled, and then
            // every policy step is signed for the current digest by someone other
            // than the authors, with the head (or K/T) on political clips.
            let k = clip(&app, n.a, c).await;
            let st = k.state;
            assert_ne!(
                st,
                ClipState::Published,
                "nobody but the publisher publishes"
            );
            let ok = publishable(&app, n.a, c).await.is_ok();
            let mut tx = app.st.db.read().await.unwrap();
            let (_, digest) = svc::current_digest(&mut tx, &k).await.unwrap();
            let approvals = rdb::live_approvals(&mut tx, c).await.unwrap();
            drop(tx);
            let approved = matches!(st, ClipState::Approved | ClipState::Scheduled);
            assert_eq!(ok, approved, "state {st:?} but publishable={ok}");
            if approved {
                reached_approved += 1;
                assert!(approvals.iter().all(|a| a.digest == digest));
                assert!(approvals.iter().all(|a| a.signer_id != n.a_reporter));
                if k.political {
                    assert!(
                        approvals
                            .iter()
                            .any(|a| a.role == "head" || a.on_behalf_of == Some(n.a_head)),
                        "political clip approved without the head"
                    );
                }
            }
            if st == ClipState::Spiked {
                assert!(!ok);
            }
        }
    }
    assert!(
        reached_approved > 5,
        "the run rarely reached approval: {reached_approved}"
    );
}

#[tokio::test]
async fn the_api_drives_review_with_timecoded_comments() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let rep = app.token_for("a.reporter").await;
    let ed = app.token_for("a.editor").await;
    let base = format!("/api/v1/agencies/{}/clips/{}", n.a.0, c.0);
    let r = app
        .post_json(&format!("{base}/actions/submit"), &rep, &json!({}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["state"],
        "in_review"
    );
    // A comment at 00:05 and a range comment; a reply inherits the time.
    let comments = format!("{base}/comments");
    let first = json!({"body": "Giật hình ở đây", "at": "00:05"});
    let mid = app.post_json_expect(&comments, &ed, &first, 201).await["id"]
        .as_i64()
        .unwrap();
    let range = json!({"body": "Âm thanh nhỏ", "at": "00:00:01:12", "until": "00:00:02:00"});
    app.post_json_expect(&comments, &ed, &range, 201).await;
    let reply = json!({"body": "Đã sửa", "parent_id": mid});
    app.post_json_expect(&comments, &rep, &reply, 201).await;
    let too_late = json!({"body": "Quá độ dài", "at": "00:30"});
    let refused = app.post_json_expect(&comments, &ed, &too_late, 400).await;
    assert_eq!(refused["field"], "at");
    let d: serde_json::Value = app.get_json(&base, &ed).await;
    let comments = d["comments"].as_array().unwrap();
    assert_eq!(comments[0]["start_frame"], 125);
    assert_eq!(comments[1]["start_frame"], 37);
    assert_eq!(comments[1]["end_frame"], 50);
    assert_eq!(
        comments[2]["start_frame"], 125,
        "reply keeps its thread's time"
    );
    assert!(
        d["available_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("approve"))
    );
    // Request changes needs a note; the refusal names the field.
    let r = app
        .post_json(&format!("{base}/actions/request_changes"), &ed, &json!({}))
        .await;
    assert_eq!(r.status(), 400);
    let r = app
        .post_json(
            &format!("{base}/actions/request_changes"),
            &ed,
            &json!({"note": "Cắt đoạn giật hình ở 00:05"}),
        )
        .await;
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["state"],
        "changes_requested"
    );
    // The reporter was told, with the note.
    let inbox: serde_json::Value = app.get_json("/api/v1/me/notifications", &rep).await;
    assert!(any_item(&inbox, |x| x["kind"] == "changes_requested"));
    // A refused action is 409 with a sentence naming the state.
    let r = send_expect(
        app.client()
            .post(app.url(&format!("{base}/actions/approve")))
            .bearer_auth(&ed)
            .header("accept-language", "en")
            .json(&json!({"digest": d["digest"]})),
        409,
    )
    .await;
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "action_not_allowed");
    // Saving with a stale revision is a 409 edit_conflict.
    let mut e = serde_json::to_value(edit_json(&d)).unwrap();
    e["revision"] = json!(0);
    let r = send_expect(
        app.client().put(app.url(&base)).bearer_auth(&rep).json(&e),
        409,
    )
    .await;
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "edit_conflict"
    );
    // The settings and history are readable.
    let r = app.get_api(&format!("{base}/history"), &ed).await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_json("/api/v1/lint", &ed, &json!({"text": "Ðà Nẵng"}))
        .await;
    let f: serde_json::Value = r.json().await.unwrap();
    assert!(
        f.as_array().unwrap().iter().any(|x| x["rule"] == "eth"),
        "{f}"
    );
}

fn edit_json(d: &serde_json::Value) -> BTreeMap<&'static str, serde_json::Value> {
    let o = &d["outgoing"];
    BTreeMap::from([
        ("revision", d["clip"]["revision"].clone()),
        ("title", o["title"].clone()),
        ("caption", o["caption"].clone()),
        ("category", d["clip"]["category"].clone()),
        ("variants", o["variants"].clone()),
        ("hashtags", json!("")),
        ("political", o["political"].clone()),
        ("channels", o["channels"].clone()),
    ])
}

#[tokio::test]
async fn spiked_clips_take_no_new_version_until_restored() {
    use base64::Engine as _;
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    act(&app, n.a_reporter, n.a, c, ClipAction::Spike)
        .await
        .unwrap();
    let token = app.token_for("a.reporter").await;
    let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let create = || {
        app.client()
            .post(app.url("/api/v1/uploads"))
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", "10")
            .header(
                "upload-metadata",
                format!(
                    "clip_id {},agency_id {}",
                    enc(&c.0.to_string()),
                    enc(&n.a.0.to_string())
                ),
            )
            .send()
    };
    let r = create().await.unwrap();
    assert_eq!(r.status(), 409);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("Đã gác lại"),
        "{body}"
    );
    // Another reporter cannot restore it; its author can (or a reviewer), as
    // a draft; then versions are welcome again.
    let other = app
        .user("a.reporter2", false, &[(n.a, Role::Reporter)])
        .await;
    assert!(act(&app, other, n.a, c, ClipAction::Unspike).await.is_err());
    act_to(&app, n.a_reporter, n.a, c, Do::Unspike, Is::Draft).await;
    assert_eq!(create().await.unwrap().status(), 201);
}

/// A minimal SMTP relay that keeps the DATA of each message.
async fn smtp_sink() -> (String, std::sync::Arc<tokio::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let got = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else { return };
            let keep = keep.clone();
            tokio::spawn(async move {
                let (r, mut w) = s.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data = String::new();
                let mut in_data = false;
                let mut line = String::new();
                while r.read_line(&mut line).await.unwrap_or(0) > 0 {
                    if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            keep.lock().await.push(std::mem::take(&mut data));
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                        }
                    } else if line.starts_with("EHLO") {
                        w.write_all(b"250-sink\r\n250 8BITMIME\r\n").await.unwrap();
                    } else if line.starts_with("DATA") {
                        in_data = true;
                        w.write_all(b"354 go on\r\n").await.unwrap();
                    } else if line.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        w.write_all(b"250 ok\r\n").await.unwrap();
                    }
                    line.clear();
                }
            });
        }
    });
    (addr, got)
}

#[tokio::test]
async fn notifications_are_emailed_when_a_relay_is_configured() {
    let (relay, got) = smtp_sink().await;
    let url = format!("smtp://{relay}");
    let app = crate::helpers::spawn_app_with(&[
        ("LANTOA_SMTP_URL", url.as_str()),
        ("LANTOA_SMTP_FROM", "lantoa@baotinh.vn"),
        ("LANTOA_PUBLIC_URL", "https://lantoa.baotinh.vn"),
    ])
    .await;
    let n = app.network().await;
    let b = app.login("a.editor").await;
    let r = b
        .post_form("/profile/email", &[("email", "not an address")])
        .await;
    assert_eq!(r.status(), 400);
    let r = b
        .post_form("/profile/email", &[("email", "bientap@baotinh.vn")])
        .await;
    assert_eq!(r.status(), 303);
    let c = in_review(&app, &n, "good_deeds").await;
    for _ in 0..100 {
        if !got.lock().await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // One mail for one event: "waits for your signature", to the editor only
    // (the only address; the editor signs this clip, so is not also told it
    // was submitted).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mails = got.lock().await.clone();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains("To: <bientap@baotinh.vn>"));
    use base64::Engine as _;
    let body = mails[0]
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .replace("\r\n", "");
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap(),
    )
    .unwrap();
    assert!(
        text.contains("Clip “Lễ ra quân” chờ bạn duyệt (bước 1)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "https://lantoa.baotinh.vn/a/{}/clips/{}",
            n.a.0, c.0
        )),
        "{text}"
    );
    // Sent once: another round sends nothing.
    assert_eq!(svc::send_mail(&app.st).await.unwrap(), 0);
}

#[tokio::test]
async fn the_review_pages_render_and_their_forms_work() {
    let (app, n) = spawn_network().await;
    let dep = deputy(&app, &n).await;
    let c = in_review(&app, &n, "good_deeds").await;
    add_version(&app, c, n.a_reporter, "cc").await;
    let clip_path = format!("/a/{}/clips/{}", n.a.0, c.0);
    // The editor: clip page with comments, queue, compare, inbox.
    let ed = app.login("a.editor").await;
    let comments = format!("{clip_path}/comments");
    let ranged = form("body=Kiểm tra tên nhân vật&at=00:03:10&until=00:04:00");
    ed.post_expect(&comments, &ranged, 303).await;
    let html = ed.get_text(&clip_path).await;
    for needle in [
        "id=\"comments\"",
        "00:03:10–00:04:00",
        "id=\"approval\"",
        "id=\"history\"",
        "id=\"edit-form\"",
    ] {
        assert!(html.contains(needle), "clip page lacks {needle}");
    }
    // A bad timecode is refused on the page, in Vietnamese, keeping the page.
    let r = ed
        .post_form(&comments, &[("body", "x"), ("at", "9:99:99")])
        .await;
    assert_says(r, 400, "Mốc thời gian không hợp lệ").await;
    let r = ed.get(&format!("/a/{}/queue?q=review", n.a.0)).await;
    assert_says(r, 200, &clip_path).await;
    let r = ed.get(&format!("{clip_path}/compare")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap().matches("class=\"sync\"").count(), 2);
    ed.expect_get("/inbox", 200).await;
    // A save from an old revision keeps what was typed.
    let typed = form("revision=0&title=Tiêu đề mới gõ&category=good_deeds");
    let r = ed
        .post_expect(&format!("{clip_path}/edit"), &typed, 409)
        .await;
    let body = r.text().await.unwrap();
    assert!(
        body.contains("value=\"Tiêu đề mới gõ\""),
        "typed title kept"
    );
    assert!(body.contains("id=\"notice\""));
    // The head gives a delegation through the page.
    let head = app.login("a.head").await;
    let r = head.get(&format!("/a/{}/delegations", n.a.0)).await;
    assert_eq!(r.status(), 200);
    let r = head
        .post_form(
            &format!("/a/{}/delegations", n.a.0),
            &[
                ("to_user", &dep.0.to_string()),
                ("starts_at", "2020-01-01T08:00"),
                ("ends_at", "2099-01-01T08:00"),
                ("note", "Đi công tác"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400, "longer than a year is refused");
    let r = head
        .post_form(
            &format!("/a/{}/delegations", n.a.0),
            &[
                ("to_user", &dep.0.to_string()),
                (
                    "starts_at",
                    &lantoa::clock::datetime_input(app.clock.now_ms(), "Asia/Ho_Chi_Minh"),
                ),
                (
                    "ends_at",
                    &lantoa::clock::datetime_input(
                        app.clock.now_ms() + 86_400_000,
                        "Asia/Ho_Chi_Minh",
                    ),
                ),
                ("note", "Đi công tác"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = head.get_text(&format!("/a/{}/delegations", n.a.0)).await;
    assert!(html.contains("Đang hiệu lực"), "active delegation listed");
    // The admin edits the policy through the page; a bad one is explained.
    let admin = app.login("a.admin").await;
    admin
        .expect_get(&format!("/a/{}/review-settings", n.a.0), 200)
        .await;
    let r = admin
        .post_form(
            &format!("/a/{}/review-settings", n.a.0),
            &form("political_1=editor&other_1=editor&approval_ttl_hours=48&tone_style=new&checklist=Đã xác minh nguồn tin&official_names=Ủy ban nhân dân tỉnh&watch_list=biển Đông"),
        )
        .await;
    assert_says(r, 400, "người đứng đầu").await;
    let r = admin
        .post_form(
            &format!("/a/{}/review-settings", n.a.0),
            &form("political_1=head&political_1_kt=1&other_1=editor&other_2=head&approval_ttl_hours=48&tone_style=new&checklist=Đã xác minh nguồn tin\nĐã kiểm tra phụ đề&official_names=Ủy ban nhân dân tỉnh&watch_list=biển Đông"),
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut tx = app.st.db.read().await.unwrap();
    let s = svc::settings(&mut tx, n.a).await.unwrap();
    assert_eq!(s.policy.other.len(), 2);
    assert_eq!(s.approval_ttl_hours, 48);
    assert_eq!(s.checklist.len(), 2);
    assert_eq!(s.watch_list, vec!["biển Đông".to_string()]);
    drop(tx);
    // The reporter cannot open the settings or give delegations.
    let rep = app.login("a.reporter").await;
    rep.expect_get(&format!("/a/{}/review-settings", n.a.0), 403)
        .await;
    rep.expect_get(&format!("/a/{}/delegations", n.a.0), 403)
        .await;
    // A watch-list term in the text raises the political flag on save.
    let s = save(&app, n.a_reporter, n.a, c, |e| {
        e.caption = "Khẳng định chủ quyền trên biển Đông.".into()
    })
    .await
    .unwrap();
    assert!(s.political, "watch-list term flags the clip");
    assert_eq!(clip(&app, n.a, c).await.political_source, "watch_list");
}

#[tokio::test]
async fn lint_findings_block_approval_until_fixed_with_one_click() {
    let (app, n) = spawn_network().await;
    let c = in_review(&app, &n, "good_deeds").await;
    // An eth for Đ and a misplaced tone mark: errors.
    let s = save(&app, n.a_reporter, n.a, c, |e| {
        e.caption = "Ðoàn thanh niên giúp bà con khắc phục hậu quả lũ lựơng lớn.".into()
    })
    .await
    .unwrap();
    let rules: Vec<&str> = s.findings.iter().map(|f| f.finding.rule.as_str()).collect();
    assert!(
        rules.contains(&"eth") && rules.contains(&"tone_placement"),
        "{rules:?}"
    );
    let (p, _) = who(&app, n.a_reporter).await;
    let org = agency(&app, n.a).await;
    svc::unlock(&app.st, &p, &org, c).await.unwrap();
    tick_all(&app, n.a_editor, n.a, c).await;
    let (code, msg) = refused(&app, n.a_editor, n.a, c, ClipAction::Approve).await;
    assert_eq!(code, "approval_refused");
    assert!(msg.contains("2 errors"), "{msg}");
    // The editor applies each suggestion from the clip page.
    let ed = app.login("a.editor").await;
    let clip_path = format!("/a/{}/clips/{}", n.a.0, c.0);
    for _ in 0..2 {
        let k = clip(&app, n.a, c).await;
        let f = svc::stored_findings(&k)
            .into_iter()
            .find(|f| f.finding.severity == lantoa::lint::Severity::Error)
            .expect("an error left");
        let html = ed.get_text(&clip_path).await;
        assert!(html.contains("id=\"lint\""));
        let r = ed
            .post_form(
                &format!("{clip_path}/lint/apply"),
                &[
                    ("revision", &k.revision.to_string()),
                    ("field", &f.field),
                    ("start", &f.finding.start.to_string()),
                    ("end", &f.finding.end.to_string()),
                    ("found", &f.finding.found),
                    ("suggestion", f.finding.suggestion.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let k = clip(&app, n.a, c).await;
    assert_eq!(
        k.caption,
        "Đoàn thanh niên giúp bà con khắc phục hậu quả lũ lượng lớn."
    );
    assert_eq!(svc::lint_errors(&k), 0);
    let (ep, _) = who(&app, n.a_editor).await;
    svc::unlock(&app.st, &ep, &org, c).await.unwrap();
    // The text changed, so the ticks still stand (they are per version) and approval goes through.
    act_to(&app, n.a_head, n.a, c, Do::Approve, Is::Approved).await;
}
