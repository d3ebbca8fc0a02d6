//! Issue 11, point 8: what a person is shown, what the API lists and what the
//! services allow come from one rule (`policy::on_clip`). The walk below puts a
//! clip in every state, political or not, and for every role checks that the
//! clip page offers exactly the operations the API lists, and that trying each
//! operation succeeds exactly when both say it may.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::{Browser, caller_of};
use crate::publish::{Env, env};
use crate::review::{add_version, agency, delegate_for_30_days, who};
use lantoa::clock::Clock;
use lantoa::db::clips::{self, Checked, Content, NewClip};
use lantoa::db::{publishing as pdb, review as rdb};
use lantoa::domain::workflow::ClipState;
use lantoa::domain::{ChannelId, ClipId, OrgId, PublicationId, Role, UserId, VersionId};
use lantoa::service::review::{self as svc, Settings};

const ITEM: &str = "Đã xác minh nguồn tin";
const TZ: &str = "Asia/Ho_Chi_Minh";

/// Something a person may ask to do to a clip, as the walk tries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Act(&'static str),
    PublishNow,
    TakeDown,
    Edit,
    LowerPolitical,
    Lock,
    Comment,
    Tick,
    UploadVersion,
    Retry,
    ConfirmRemoved,
    ManageVersions,
    TakeOverLock,
}

const ACTS: [&str; 9] = [
    "submit",
    "withdraw",
    "request_changes",
    "approve",
    "schedule",
    "unschedule",
    "spike",
    "unspike",
    "start_correction",
];

/// The operations checked on the plain arrangement.
fn base_ops() -> Vec<Op> {
    let mut ops: Vec<Op> = ACTS.iter().map(|a| Op::Act(a)).collect();
    ops.extend([
        Op::PublishNow,
        Op::TakeDown,
        Op::Edit,
        Op::LowerPolitical,
        Op::Lock,
        Op::Comment,
        Op::Tick,
        Op::UploadVersion,
        Op::Retry,
        Op::ConfirmRemoved,
    ]);
    ops
}

/// How a clip is set up before a look or a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    Plain,
    /// A publish time tomorrow (for scheduling).
    Tomorrow,
    /// The current version's check failed (for checking again).
    FailedVersion,
    /// Someone else's lock, idle for three minutes.
    StaleLock,
}

fn setup_for(op: Op) -> Setup {
    match op {
        Op::Act("schedule") => Setup::Tomorrow,
        Op::ManageVersions => Setup::FailedVersion,
        Op::TakeOverLock => Setup::StaleLock,
        _ => Setup::Plain,
    }
}

struct Arranged {
    cid: ClipId,
    version: VersionId,
    failed: PublicationId,
    manual: PublicationId,
}

struct Walk {
    e: Env,
    facebook: ChannelId,
    youtube: ChannelId,
    holder: UserId,
}

impl Walk {
    fn aid(&self) -> OrgId {
        self.e.n.a
    }

    /// A clip by the agency's reporter in `state`, targeting Facebook, with
    /// its checklist ticked, one failed and one by-hand-removal publication.
    async fn arrange(&self, state: ClipState, political: bool, setup: Setup) -> Arranged {
        let (app, n) = (&self.e.app, &self.e.n);
        let now = app.clock.now_ms();
        let mut tx = app.st.db.write().await.unwrap();
        let cid = clips::insert(
            &mut tx,
            NewClip {
                agency_id: n.a,
                author_id: n.a_reporter,
                title: "Lễ ra quân",
                caption: "Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ ra quân.",
                category: "good_deeds",
                political,
                now,
            },
        )
        .await
        .unwrap();
        let k = clips::get(&mut tx, n.a, cid).await.unwrap().unwrap();
        let tomorrow = (setup == Setup::Tomorrow).then_some(now + 24 * 3_600_000);
        assert!(
            clips::save_content(
                &mut tx,
                cid,
                k.revision,
                &Content {
                    title: &k.title,
                    caption: &k.caption,
                    category: &k.category,
                    caption_variants: "{}",
                    hashtags: "[]",
                    political,
                    political_source: if political { "manual" } else { "" },
                    target_channels: r#"["facebook"]"#,
                    publish_at: tomorrow,
                    // A window, as every new clip has one.
                    publish_until: Some(now + 72 * 3_600_000),
                    lint: "[]",
                },
                now,
            )
            .await
            .unwrap()
        );
        tx.commit().await.unwrap();
        let version = add_version(app, cid, n.a_reporter, "ab").await;
        let mut tx = app.st.db.write().await.unwrap();
        if setup == Setup::FailedVersion {
            clips::set_checked(
                &mut tx,
                version,
                Checked {
                    status: "failed",
                    probe: None,
                    validation: None,
                    qc: None,
                    compliance: None,
                    outputs: None,
                    error: Some("ffprobe: timeout"),
                },
                now,
            )
            .await
            .unwrap();
        }
        rdb::set_tick(&mut tx, cid, version, ITEM, Some((n.a_editor, now)))
            .await
            .unwrap();
        let publication = |st: &'static str, channel| pdb::NewPublication {
            agency: n.a,
            clip: cid,
            channel,
            round: 1,
            version,
            digest: "",
            state: st,
            run_at: now,
            replaces: None,
            by: n.a_editor,
            privacy: None,
        };
        let failed = pdb::insert(&mut tx, publication("failed", self.facebook), now)
            .await
            .unwrap();
        let manual = pdb::insert(&mut tx, publication("published", self.youtube), now)
            .await
            .unwrap();
        pdb::set_removal(&mut tx, manual, "manual", None, None, now)
            .await
            .unwrap();
        assert!(
            clips::set_state(&mut tx, cid, "draft", state.code(), now)
                .await
                .unwrap()
        );
        if setup == Setup::StaleLock {
            clips::set_lock(&mut tx, cid, Some(self.holder), Some(now - 3 * 60_000))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        Arranged {
            cid,
            version,
            failed,
            manual,
        }
    }
}

/// One person the walk acts as: an API token and a signed-in browser.
struct Persona {
    name: &'static str,
    token: String,
    browser: Browser,
}

impl Persona {
    fn api(&self, w: &Walk, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        w.e.app
            .client()
            .request(method, w.e.app.url(path))
            .bearer_auth(&self.token)
    }
}

/// What the clip page offers, by the forms and links it renders.
async fn on_page(w: &Walk, p: &Persona, a: &Arranged, political: bool) -> BTreeMap<Op, bool> {
    let (aid, cid) = (w.aid().0, a.cid.0);
    let resp = p.browser.get(&format!("/a/{aid}/clips/{cid}")).await;
    let status = resp.status().as_u16();
    let html = resp.text().await.unwrap();
    assert!(
        status == 200 || status == 403,
        "{}: the clip page answered {status}",
        p.name
    );
    let has = |s: &str| status == 200 && html.contains(s);
    let clip = format!("action=\"/a/{aid}/clips/{cid}");
    let mut out = BTreeMap::new();
    // Approving and asking for changes sit in the decision form with the ticks.
    let decides = |act: &str| {
        has(&format!("{clip}/decide\"")) && has(&format!("name=\"decision\" value=\"{act}\""))
    };
    for act in ACTS {
        out.insert(
            Op::Act(act),
            has(&format!("{clip}/act/{act}\"")) || decides(act),
        );
    }
    out.insert(Op::PublishNow, has(&format!("{clip}/publish\"")));
    out.insert(Op::TakeDown, has(&format!("{clip}/takedown\"")));
    out.insert(Op::Edit, has("id=\"edit-form\""));
    out.insert(Op::Lock, has("data-lock="));
    // On a political clip: whether the flag may be unticked.
    out.insert(
        Op::LowerPolitical,
        political && has("<input type=\"checkbox\" name=\"political\""),
    );
    out.insert(Op::Comment, has("id=\"comment-form\""));
    out.insert(
        Op::Tick,
        has(&format!("{clip}/decide\"")) && has("name=\"tick\""),
    );
    out.insert(
        Op::UploadVersion,
        has(&format!("/clips/{cid}/new-version\"")),
    );
    out.insert(
        Op::Retry,
        has(&format!("/publications/{}/retry\"", a.failed.0)),
    );
    out.insert(
        Op::ConfirmRemoved,
        has(&format!("/publications/{}/removed\"", a.manual.0)),
    );
    out.insert(
        Op::ManageVersions,
        has(&format!("/versions/{}/recheck\"", a.version.0)),
    );
    out.insert(Op::TakeOverLock, has(&format!("{clip}/lock\"")));
    out
}

/// What the API says the person may do.
async fn in_api(w: &Walk, p: &Persona, a: &Arranged, political: bool) -> BTreeMap<Op, bool> {
    let resp = p
        .api(
            w,
            reqwest::Method::GET,
            &format!("/api/v1/agencies/{}/clips/{}", w.aid().0, a.cid.0),
        )
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    assert!(
        status == 200 || status == 403,
        "{}: GET clip {status}",
        p.name
    );
    let v: Value = if status == 200 {
        resp.json().await.unwrap()
    } else {
        json!({})
    };
    let acts: Vec<&str> = v["available_actions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let may = |k: &str| v["permissions"][k].as_bool().unwrap_or(false);
    // The two lists must agree with each other too.
    let listed: Vec<&str> = v["permissions"]["actions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(acts, listed, "{}: available_actions vs permissions", p.name);
    let mut out = BTreeMap::new();
    for act in ACTS {
        out.insert(Op::Act(act), acts.contains(&act));
    }
    out.insert(Op::PublishNow, acts.contains(&"publish"));
    out.insert(Op::TakeDown, acts.contains(&"take_down"));
    out.insert(Op::Edit, may("edit"));
    out.insert(Op::Lock, may("lock"));
    out.insert(
        Op::LowerPolitical,
        political && may("edit") && may("lower_political"),
    );
    out.insert(Op::Comment, may("comment"));
    out.insert(Op::Tick, may("tick"));
    out.insert(Op::UploadVersion, may("upload_version"));
    out.insert(Op::Retry, may("retry"));
    out.insert(Op::ConfirmRemoved, may("confirm_removed"));
    out.insert(Op::ManageVersions, may("manage_versions"));
    out.insert(Op::TakeOverLock, may("take_over_lock"));
    out
}

/// Tries `op` as the person; true when it was done, false when refused.
async fn attempt(w: &Walk, p: &Persona, a: &Arranged, op: Op) -> bool {
    use reqwest::Method as M;
    let (aid, cid) = (w.aid().0, a.cid.0);
    let clip = format!("/api/v1/agencies/{aid}/clips/{cid}");
    let edit = || async {
        let k = crate::review::clip(&w.e.app, w.aid(), a.cid).await;
        let e = svc::edit_of_clip(&k, TZ);
        json!({
            "revision": e.revision, "title": e.title, "caption": e.caption,
            "category": e.category, "variants": e.variants, "hashtags": e.hashtags,
            "political": e.political, "channels": e.channels,
            "publish_at": e.publish_at, "publish_until": e.publish_until,
        })
    };
    let resp = match op {
        Op::Act(act) => {
            let digest = {
                let k = crate::review::clip(&w.e.app, w.aid(), a.cid).await;
                let mut tx = w.e.app.st.db.read().await.unwrap();
                svc::current_digest(&mut tx, &k).await.unwrap().1
            };
            p.api(w, M::POST, &format!("{clip}/actions/{act}"))
                .json(&json!({"note": "Sửa lại đoạn đầu", "digest": digest}))
                .send()
                .await
        }
        Op::PublishNow => p.api(w, M::POST, &format!("{clip}/publish")).send().await,
        Op::TakeDown => {
            p.api(w, M::POST, &format!("{clip}/takedown"))
                .json(&json!({"reason": "Sai chức danh người phát biểu"}))
                .send()
                .await
        }
        Op::Edit | Op::LowerPolitical => {
            let mut e = edit().await;
            if op == Op::Edit {
                e["caption"] = json!("Sáng nay, tỉnh tổ chức lễ ra quân.");
            } else {
                e["political"] = json!(false);
            }
            p.api(w, M::PUT, &clip).json(&e).send().await
        }
        Op::Lock | Op::TakeOverLock => p.api(w, M::POST, &format!("{clip}/lock")).send().await,
        Op::Comment => {
            p.api(w, M::POST, &format!("{clip}/comments"))
                .json(&json!({"body": "Kiểm tra lại tên người phát biểu"}))
                .send()
                .await
        }
        Op::Tick => {
            p.api(w, M::PUT, &format!("{clip}/checklist"))
                .json(&json!({"item": ITEM, "done": false}))
                .send()
                .await
        }
        Op::UploadVersion => {
            let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
            let meta = format!(
                "agency_id {},clip_id {}",
                b64(aid.to_string()),
                b64(cid.to_string())
            );
            let r = p
                .api(w, M::POST, "/api/v1/uploads")
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "1000")
                .header("Upload-Metadata", meta)
                .send()
                .await
                .unwrap();
            if r.status() == 201 {
                // Keep under the open-uploads limit.
                let loc = r.headers()["location"].to_str().unwrap().to_string();
                let path = loc
                    .strip_prefix(&w.e.app.url(""))
                    .unwrap_or(&loc)
                    .to_string();
                let d = p
                    .api(w, M::DELETE, &path)
                    .header("Tus-Resumable", "1.0.0")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(d.status(), 204, "terminating the upload");
            }
            Ok(r)
        }
        Op::Retry | Op::ConfirmRemoved => {
            let (publication, what) = match op {
                Op::Retry => (a.failed, "retry"),
                _ => (a.manual, "removed"),
            };
            let path = format!(
                "/api/v1/agencies/{aid}/publications/{}/{what}",
                publication.0
            );
            p.api(w, M::POST, &path).send().await
        }
        Op::ManageVersions => Ok(p
            .browser
            .post_form(
                &format!("/a/{aid}/clips/{cid}/versions/{}/recheck", a.version.0),
                &[],
            )
            .await),
    }
    .unwrap();
    let status = resp.status().as_u16();
    assert!(
        status < 500,
        "{}: {op:?} answered {status}: {}",
        p.name,
        resp.text().await.unwrap_or_default()
    );
    (200..300).contains(&status) || status == 303
}

#[tokio::test]
async fn p08_page_api_and_service_agree_for_every_role_state_and_flag() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    // One checklist item, ticked in every arrangement; takedown stays with
    // the head and a delegated deputy (the default).
    let (hp, ha) = who(app, n.a_head).await;
    let org = agency(app, n.a).await;
    svc::save_settings(
        &caller_of(&app.st, &ha, &hp, &org),
        Settings {
            checklist: vec![ITEM.into()],
            ..Settings::default()
        },
    )
    .await
    .unwrap();
    let deputy_kt = app.user("a.deputy.kt", false, &[(n.a, Role::Deputy)]).await;
    delegate_for_30_days(app, &ha, &hp, &org, deputy_kt).await;
    let people: Vec<(&'static str, &'static str, UserId)> = vec![
        ("author (reporter)", "a.reporter", n.a_reporter),
        (
            "another reporter",
            "a.reporter2",
            app.user("a.reporter2", false, &[(n.a, Role::Reporter)])
                .await,
        ),
        ("editor", "a.editor", n.a_editor),
        ("head", "a.head", n.a_head),
        ("deputy signing K/T", "a.deputy.kt", deputy_kt),
        (
            "deputy",
            "a.deputy",
            app.user("a.deputy", false, &[(n.a, Role::Deputy)]).await,
        ),
        (
            "analyst",
            "a.analyst",
            app.user("a.analyst", false, &[(n.a, Role::Analyst)]).await,
        ),
        ("agency admin", "a.admin", n.a_admin),
        ("overseer", "overseer", n.overseer),
    ];
    let holder = app.user("a.holder", false, &[(n.a, Role::Editor)]).await;
    let channel = |name: &str| e.channels.iter().find(|(p, _)| p == name).unwrap().1;
    let (facebook, youtube) = (channel("facebook"), channel("youtube"));
    let mut personas = Vec::new();
    for (name, username, _) in people {
        personas.push(Persona {
            name,
            token: app.token_for(username).await,
            browser: app.login(username).await,
        });
    }
    let w = Walk {
        e,
        facebook,
        youtube,
        holder,
    };

    let mut looked = 0;
    let mut done = 0;
    let mut refused = 0;
    for political in [false, true] {
        for state in ClipState::ALL {
            for (setup, ops) in [
                (Setup::Plain, base_ops()),
                (Setup::FailedVersion, vec![Op::ManageVersions]),
                (Setup::StaleLock, vec![Op::TakeOverLock]),
            ] {
                if political && setup != Setup::Plain {
                    // The flag plays no part in these.
                    continue;
                }
                for p in &personas {
                    let shared = w.arrange(state, political, setup).await;
                    let page = on_page(&w, p, &shared, political).await;
                    let api = in_api(&w, p, &shared, political).await;
                    for op in &ops {
                        looked += 1;
                        let ctx =
                            format!("{} · {state:?} · political={political} · {op:?}", p.name);
                        assert_eq!(page[op], api[op], "page and API disagree: {ctx}");
                        if *op == Op::LowerPolitical && !political {
                            continue;
                        }
                        // A refusal changes nothing, so refused tries share
                        // the clip; a try expected to work gets its own.
                        let fresh;
                        let target = if api[op] {
                            fresh = w.arrange(state, political, setup_for(*op)).await;
                            &fresh
                        } else {
                            &shared
                        };
                        let worked = attempt(&w, p, target, *op).await;
                        assert_eq!(worked, api[op], "service and API disagree: {ctx}");
                        if worked {
                            done += 1;
                        } else {
                            refused += 1;
                        }
                    }
                }
            }
        }
    }
    // The walk exercised both sides of the rule.
    assert!(
        done > 100 && refused > 500,
        "done {done}, refused {refused}"
    );
    eprintln!("p08: {looked} checks, {done} done, {refused} refused");
}
