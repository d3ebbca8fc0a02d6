//! Transactions that lose to others are run again: inside `Db::transact`
//! (shared writes, leases) and, for requests, by the web layer
//! (`web::replay`): a deadlock on PostgreSQL, a busy database on SQLite.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use lantoa::db::{Db, DbError};

use crate::helpers::{engine, spawn_app};

async fn probe_table(db: &Db) {
    let mut tx = db.write().await.unwrap();
    lantoa::sql!(&mut tx, execute "CREATE TABLE retry_probe (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
        .unwrap();
    lantoa::sql!(&mut tx, execute "INSERT INTO retry_probe (id, n) VALUES (1, 0), (2, 0)").unwrap();
    tx.commit().await.unwrap();
}

async fn counts(db: &Db) -> Vec<i64> {
    let mut tx = db.read().await.unwrap();
    lantoa::sql!(&mut tx, scalar fetch_all "SELECT n FROM retry_probe ORDER BY id").unwrap()
}

/// Adds one to both rows, `first` before the other, pausing between them so
/// that two such transactions in opposite orders deadlock.
async fn cross(db: Db, first: i64, runs: Arc<AtomicU32>) -> Result<(), DbError> {
    db.transact(move |tx| {
        let runs = runs.clone();
        Box::pin(async move {
            runs.fetch_add(1, Ordering::SeqCst);
            lantoa::sql!(tx, execute "UPDATE retry_probe SET n = n + 1 WHERE id = $1", first)?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            lantoa::sql!(tx, execute "UPDATE retry_probe SET n = n + 1 WHERE id = $1", 3 - first)?;
            Ok(())
        })
    })
    .await
}

#[tokio::test]
async fn a_transaction_that_loses_to_another_runs_again_and_nothing_is_applied_twice() {
    let app = spawn_app().await;
    let db = app.st.db.clone();
    probe_table(&db).await;
    let before = lantoa::db::retries();
    if engine() == "postgres" {
        // Opposite orders: PostgreSQL detects the deadlock (40P01) and
        // aborts one; it is run again once the other has committed.
        let runs = Arc::new(AtomicU32::new(0));
        let (a, b) = tokio::join!(
            cross(db.clone(), 1, runs.clone()),
            cross(db.clone(), 2, runs.clone())
        );
        a.unwrap();
        b.unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 3, "one of the two ran twice");
    } else {
        // SQLite says busy (code 5) when another connection holds the write
        // lock and no wait is allowed: the first try meets it, the second
        // finds the lock free.
        let url = lantoa::db::sqlite_url_for(app.data_dir.path());
        let busy = sqlite_busy_error(&url).await;
        assert!(matches!(busy, DbError::Busy(_)), "{busy:?}");
        let runs = Arc::new(AtomicU32::new(0));
        let r = runs.clone();
        let busy_text = busy.to_string();
        db.transact(move |tx| {
            let (r, busy_text) = (r.clone(), busy_text.clone());
            Box::pin(async move {
                if r.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err(DbError::Busy(busy_text));
                }
                lantoa::sql!(tx, execute "UPDATE retry_probe SET n = n + 2")?;
                Ok(())
            })
        })
        .await
        .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
    assert_eq!(counts(&db).await, vec![2, 2], "each change applied once");
    assert!(lantoa::db::retries() > before, "the retry is counted");
    // What is not a lost race is not run again.
    let runs = Arc::new(AtomicU32::new(0));
    let r = runs.clone();
    let e = db
        .transact(move |tx| {
            let r = r.clone();
            Box::pin(async move {
                r.fetch_add(1, Ordering::SeqCst);
                lantoa::sql!(tx, execute "INSERT INTO retry_probe (id, n) VALUES (1, 0)")?;
                Ok(())
            })
        })
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::Conflict), "{e:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

/// A connection of its own to the SQLite file at `url`, holding the write
/// lock (`BEGIN IMMEDIATE`) until it rolls back.
async fn hold_write_lock(url: &str) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let mut c = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut c)
        .await
        .unwrap();
    c
}

/// A real SQLITE_BUSY: one connection holds the write lock, another asks for
/// it without waiting.
async fn sqlite_busy_error(url: &str) -> DbError {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let mut holder = hold_write_lock(url).await;
    let mut other = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .unwrap()
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .unwrap();
    let e = sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap_err();
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
    DbError::from(e)
}

/// A request whose transaction loses to another's is run again by the web
/// layer and answers as if nothing had happened: the comment is posted once,
/// and the retries are counted. On PostgreSQL a trigger raises a real
/// deadlock error (40P01) for the first two tries; on SQLite another
/// connection holds the write lock past the 10 s busy wait.
#[tokio::test]
async fn a_request_whose_transaction_loses_is_run_again_and_applied_once() {
    let (app, n) = crate::helpers::spawn_network().await;
    let clip = crate::review::ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let ed = app.token_for("a.editor").await;
    // The token's first use is recorded now, not inside the test.
    app.get_api("/api/v1/me", &ed).await;
    let before = lantoa::db::retries();
    let holder = if engine() == "postgres" {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE SEQUENCE lost_probe;
             CREATE FUNCTION lose_twice() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF nextval('lost_probe') <= 2 THEN
                 RAISE EXCEPTION 'probe' USING ERRCODE = '40P01';
               END IF;
               RETURN NEW;
             END $$;
             CREATE TRIGGER lose_twice BEFORE INSERT ON clip_comments
               FOR EACH ROW EXECUTE FUNCTION lose_twice();",
        )
        .execute(&mut c)
        .await
        .unwrap();
        None
    } else {
        let url = lantoa::db::sqlite_url_for(app.data_dir.path());
        let mut c = hold_write_lock(&url).await;
        Some(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10_600)).await;
            sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
        }))
    };
    let path = format!("/api/v1/agencies/{}/clips/{}/comments", n.a.0, clip.0);
    let body = serde_json::json!({"body": "Giật hình ở đây", "at": "00:05"});
    let made = app.post_json_expect(&path, &ed, &body, 201).await;
    assert!(made["id"].as_i64().is_some(), "{made}");
    if let Some(h) = holder {
        h.await.unwrap();
    }
    let mut tx = app.st.db.read().await.unwrap();
    let kept: i64 = lantoa::sql!(&mut tx, scalar fetch_one
        "SELECT COUNT(*) FROM clip_comments WHERE clip_id = $1", clip.0)
    .unwrap();
    assert_eq!(kept, 1, "the comment is kept once");
    let lost = if engine() == "postgres" { 2 } else { 1 };
    assert!(
        lantoa::db::retries() >= before + lost,
        "the runs again are counted"
    );
}
