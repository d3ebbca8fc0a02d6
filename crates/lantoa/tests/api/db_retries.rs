//! Transactions that lose to others are run again in one place
//! (`Db::transact`): a deadlock on PostgreSQL, a busy database on SQLite.

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

/// A real SQLITE_BUSY: one connection holds the write lock, another asks for
/// it without waiting.
async fn sqlite_busy_error(url: &str) -> DbError {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).unwrap();
    let mut holder = opts
        .clone()
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    let mut other = opts.busy_timeout(Duration::ZERO).connect().await.unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut holder)
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
