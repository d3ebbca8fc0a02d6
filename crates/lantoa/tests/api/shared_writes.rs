//! Small writes sharing a transaction (`Db::write_shared`, group commit on
//! SQLite): each caller gets its own result after the commit, and one
//! write's failure is never another's.

use crate::helpers::state_with;
use lantoa::db::{Db, DbError, sql};

/// 48 writes at once; those whose number `fails` picks insert a row and then
/// fail. Returns each write's result, in order.
async fn writes_at_once(db: &Db, fails: fn(i64) -> bool) -> Vec<Result<i64, DbError>> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..48i64 {
        let db = db.clone();
        set.spawn(async move {
            let r = db
                .write_shared(move |tx| {
                    Box::pin(async move {
                        let bucket = if fails(i) { "shared-failed" } else { "shared" };
                        sql!(tx, execute "INSERT INTO rate_events (bucket, at) VALUES ($1, $2)",
                            bucket, i)?;
                        if fails(i) {
                            return Err(DbError::Other(format!("write {i} fails")));
                        }
                        Ok(i * 10)
                    })
                })
                .await;
            (i, r)
        });
    }
    let mut out: Vec<(i64, Result<i64, DbError>)> = set.join_all().await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

async fn rows(db: &Db, bucket: &str) -> Vec<i64> {
    let mut tx = db.read().await.unwrap();
    sql!(&mut tx, scalar fetch_all "SELECT at FROM rate_events WHERE bucket = $1 ORDER BY at",
        bucket)
    .unwrap()
}

#[tokio::test]
async fn writes_at_once_each_commit_and_each_caller_gets_its_own_result() {
    let app = state_with(&[]).await;
    let results = writes_at_once(&app.st.db, |_| false).await;
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.as_ref().ok(), Some(&(i as i64 * 10)), "write {i}: {r:?}");
    }
    assert_eq!(
        rows(&app.st.db, "shared").await,
        (0..48).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_failing_write_fails_alone_and_leaves_nothing_behind() {
    let app = state_with(&[]).await;
    let fails = |i: i64| i % 7 == 3;
    let results = writes_at_once(&app.st.db, fails).await;
    for (i, r) in results.iter().enumerate() {
        let i = i as i64;
        if fails(i) {
            let e = r.as_ref().expect_err("a failing write reports its failure");
            assert!(e.to_string().contains(&format!("write {i} fails")), "{e}");
        } else {
            assert_eq!(r.as_ref().ok(), Some(&(i * 10)), "write {i}: {r:?}");
        }
    }
    // The others' rows are in; the failing writes' rows are not, whichever
    // batch they shared.
    let kept: Vec<i64> = (0..48).filter(|i| !fails(*i)).collect();
    assert_eq!(rows(&app.st.db, "shared").await, kept);
    assert!(rows(&app.st.db, "shared-failed").await.is_empty());
}

/// Every reader's connection taken (200 people reading pages at once): the
/// writer whose turn it is still writes at once. On SQLite writers have a
/// connection of their own; before, the writer waited for a reader's
/// connection while holding the write lock, and every other writer behind it.
/// (PostgreSQL has no single write lock: its writers share the pool, and one
/// waiting for a connection holds nothing the others need.)
#[tokio::test]
async fn a_writer_never_waits_for_a_readers_connection() {
    let app = state_with(&[]).await;
    let db = &app.st.db;
    if matches!(db, Db::Postgres(..)) {
        return;
    }
    // The readers' pool has 8 connections: all taken.
    let mut readers = Vec::new();
    for _ in 0..8 {
        readers.push(db.read().await.unwrap());
    }
    let wrote = tokio::time::timeout(std::time::Duration::from_secs(3), async {
        let mut tx = db.write().await?;
        sql!(&mut tx, execute "INSERT INTO rate_events (bucket, at) VALUES ($1, $2)",
            "writer", 1)?;
        tx.commit().await
    })
    .await;
    assert!(matches!(wrote, Ok(Ok(()))), "the write waited: {wrote:?}");
    drop(readers);
    assert_eq!(rows(db, "writer").await, vec![1]);
}
