//! Schema migrations, one SQL file per engine and version, embedded in the binary.
//!
//! Both engines get the same tables; the files differ only where the dialects do
//! (identity columns). Applied versions are recorded in `schema_migrations`.

use super::{Db, DbResult, Engine, Tx, on_tx};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "jobs",
        sqlite: include_str!("../../migrations/sqlite/0002_jobs.sql"),
        postgres: include_str!("../../migrations/postgres/0002_jobs.sql"),
    },
    Migration {
        version: 3,
        name: "clips",
        sqlite: include_str!("../../migrations/sqlite/0003_clips.sql"),
        postgres: include_str!("../../migrations/postgres/0003_clips.sql"),
    },
];

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies every migration not yet applied, each in its own transaction.
/// Returns the versions applied.
pub async fn run(db: &Db, now_ms: i64) -> DbResult<Vec<i64>> {
    {
        let mut tx = db.write().await?;
        on_tx!(&mut tx, c => sqlx::query(CREATE_TABLE).execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let mut tx = db.write().await?;
        if tx.engine() == Engine::Postgres {
            // Two processes starting at once: the second waits here, then sees the row.
            on_tx!(&mut tx, c => sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        let done: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT version FROM schema_migrations WHERE version = $1")
            .bind(m.version).fetch_optional(c).await)?;
        if done.is_some() {
            continue;
        }
        let script = match tx.engine() {
            Engine::Sqlite => m.sqlite,
            Engine::Postgres => m.postgres,
        };
        on_tx!(&mut tx, c => sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(c).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version).bind(m.name).bind(now_ms).execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        applied.push(m.version);
    }
    Ok(applied)
}

/// The highest applied version, or 0 on a fresh database.
pub async fn current_version(tx: &mut Tx) -> DbResult<i64> {
    let exists: Option<i64> = match tx.engine() {
        Engine::Sqlite => on_tx!(tx, c => sqlx::query_scalar(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
            .fetch_optional(c).await)?,
        Engine::Postgres => on_tx!(tx, c => sqlx::query_scalar(
            "SELECT 1::BIGINT FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = 'schema_migrations'")
            .fetch_optional(c).await)?,
    };
    if exists.is_none() {
        return Ok(0);
    }
    let v: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MAX(version) FROM schema_migrations").fetch_one(c).await)?;
    Ok(v.unwrap_or(0))
}
