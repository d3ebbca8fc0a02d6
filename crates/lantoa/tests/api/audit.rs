//! The hash-chained audit trail: written by every change, and any tampering found.

use crate::helpers::{spawn_app, spawn_network};
use lantoa::audit::ChainError;
use lantoa::db::audit::{Verdict, verify};

async fn make_history(app: &crate::helpers::TestApp) {
    let n = app.network().await;
    let b = app.login("a.admin").await;
    for i in 0..4 {
        let r = b
            .post_form(
                &format!("/a/{}/members", n.a),
                &[
                    ("username", &format!("staff{i}")),
                    ("display_name", "Nhân viên"),
                    ("roles", "reporter"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
    }
}

async fn exec(app: &crate::helpers::TestApp, sql: &'static str) {
    let mut tx = app.st.db.write().await.unwrap();
    lantoa::on_tx!(&mut tx, c => sqlx::query(sql).execute(c).await.map(|_| ())).unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    let app = spawn_app().await;
    make_history(&app).await;
    match verify(&app.st.db).await.unwrap() {
        Verdict::Intact { entries } => assert_eq!(entries as i64, app.audit_count().await),
        Verdict::Broken(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn an_altered_entry_is_named() {
    let app = spawn_app().await;
    make_history(&app).await;
    exec(
        &app,
        "UPDATE audit_log SET summary = replace(summary, 'staff1', 'staffX') WHERE seq = 3",
    )
    .await;
    match verify(&app.st.db).await.unwrap() {
        Verdict::Broken(ChainError::Altered { seq: 3 }) => {}
        other => panic!("expected entry 3 altered, got {other:?}"),
    }
}

#[tokio::test]
async fn a_removed_entry_is_named() {
    let app = spawn_app().await;
    make_history(&app).await;
    exec(&app, "DELETE FROM audit_log WHERE seq = 3").await;
    match verify(&app.st.db).await.unwrap() {
        Verdict::Broken(ChainError::Removed { from: 3, to: 3, .. }) => {}
        other => panic!("expected entry 3 removed, got {other:?}"),
    }
}

#[tokio::test]
async fn removing_the_newest_entries_is_caught() {
    let app = spawn_app().await;
    make_history(&app).await;
    let last = app.audit_count().await;
    exec(
        &app,
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    )
    .await;
    match verify(&app.st.db).await.unwrap() {
        Verdict::Broken(ChainError::TruncatedEnd { last: l, head_seq }) => {
            assert_eq!(head_seq, last);
            assert_eq!(l, last - 1);
        }
        other => panic!("expected a truncated end, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_changes_keep_one_unbroken_chain() {
    let (app, _) = spawn_network().await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let st = app.st.clone();
        handles.push(tokio::spawn(async move {
            let actor = lantoa::service::Actor::cli();
            lantoa::service::orgs::create(
                &st,
                &actor,
                "body",
                None,
                &format!("body-{i}"),
                &format!("Body {i}"),
                None,
            )
            .await
            .unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert!(matches!(
        verify(&app.st.db).await.unwrap(),
        Verdict::Intact { .. }
    ));
}
