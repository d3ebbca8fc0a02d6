//! Many posts read from SQLite through its C API, on the transaction's own
//! connection.
//!
//! A province's year of posts against the year before is over 100,000 rows
//! of 21 columns. Through sqlx each value is copied (`sqlite3_value_dup`, an
//! allocation), wrapped, sent across a channel from the connection's thread
//! and looked up by name: 620 ms for 106,000 rows, where SQLite itself takes
//! 40 ms to find and sum them (`lantoa-bench insights`, measured with the
//! `sqlite3` shell beside it). Here each row is stepped and its columns read
//! in place, as SQLite's own shell does.
//!
//! The connection is taken from sqlx's worker for the time of the read
//! ([`sqlx::sqlite::SqliteConnection::lock_handle`]), inside the caller's
//! transaction, so the rows are those of its snapshot. Nothing here awaits
//! while a statement is open.

use std::ffi::{CStr, CString, c_int};
use std::ptr::{NonNull, null_mut};

use libsqlite3_sys as ffi;
use sqlx::sqlite::SqliteConnection;

use crate::db::{DbError, DbResult};

/// A prepared statement, finalized when dropped.
struct Stmt(NonNull<ffi::sqlite3_stmt>);

impl Drop for Stmt {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared by `sqlite3_prepare_v2` and is
        // finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.0.as_ptr());
        }
    }
}

/// The current row of a statement being stepped.
pub(super) struct Row<'s>(&'s Stmt);

impl Row<'_> {
    fn is_null(&self, i: c_int) -> bool {
        // SAFETY: the statement has a current row (`sqlite3_step` gave
        // SQLITE_ROW) and `i` is below its column count (checked on prepare).
        unsafe { ffi::sqlite3_column_type(self.0.0.as_ptr(), i) == ffi::SQLITE_NULL }
    }

    pub(super) fn i64(&self, i: c_int) -> Option<i64> {
        // SAFETY: as in `is_null`.
        (!self.is_null(i)).then(|| unsafe { ffi::sqlite3_column_int64(self.0.0.as_ptr(), i) })
    }

    pub(super) fn f64(&self, i: c_int) -> Option<f64> {
        // SAFETY: as in `is_null`.
        (!self.is_null(i)).then(|| unsafe { ffi::sqlite3_column_double(self.0.0.as_ptr(), i) })
    }

    pub(super) fn text(&self, i: c_int) -> DbResult<String> {
        let stmt = self.0.0.as_ptr();
        // SAFETY: as in `is_null`; the text pointer is valid, with the length
        // `sqlite3_column_bytes` gives right after it, until the next step.
        let bytes = unsafe {
            let p = ffi::sqlite3_column_text(stmt, i);
            let n = ffi::sqlite3_column_bytes(stmt, i);
            if p.is_null() || n <= 0 {
                return Ok(String::new());
            }
            std::slice::from_raw_parts(p, n as usize)
        };
        String::from_utf8(bytes.to_vec()).map_err(|e| DbError::Other(e.to_string()))
    }
}

/// Runs `sql` (parameters numbered `?1`, `?2`, … bound to `params` in order)
/// and hands each row to `each`; stops at the first error `each` returns.
/// `columns` is how many columns `each` reads: the statement must have them.
pub(super) async fn each_row(
    conn: &mut SqliteConnection,
    sql: &str,
    params: &[i64],
    columns: c_int,
    mut each: impl FnMut(&Row<'_>) -> DbResult<()>,
) -> DbResult<()> {
    let sql = CString::new(sql).map_err(|e| DbError::Other(e.to_string()))?;
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let mut raw = null_mut();
    // SAFETY: `db` is the open connection sqlx has handed over while
    // `handle` lives; `sql` is a NUL-terminated string.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut raw, null_mut()) };
    let Some(stmt) = NonNull::new(raw).map(Stmt) else {
        return Err(error(db, rc));
    };
    // SAFETY: a prepared statement.
    if unsafe { ffi::sqlite3_column_count(stmt.0.as_ptr()) } < columns {
        return Err(DbError::Other("the statement has too few columns".into()));
    }
    for (i, p) in params.iter().enumerate() {
        // SAFETY: a prepared statement; an index out of range is an error
        // code, not undefined behaviour.
        let rc = unsafe { ffi::sqlite3_bind_int64(stmt.0.as_ptr(), i as c_int + 1, *p) };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
    }
    loop {
        // SAFETY: a prepared statement with its parameters bound.
        match unsafe { ffi::sqlite3_step(stmt.0.as_ptr()) } {
            ffi::SQLITE_ROW => each(&Row(&stmt))?,
            ffi::SQLITE_DONE => return Ok(()),
            rc => return Err(error(db, rc)),
        }
    }
}

/// SQLite's error for a failed call, classed as sqlx's would be.
fn error(db: *mut ffi::sqlite3, rc: c_int) -> DbError {
    // SAFETY: `db` is an open connection; the message is owned by SQLite and
    // copied at once.
    let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    match rc & 0xff {
        ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED => DbError::Busy(msg),
        _ => DbError::Other(format!("SQLite error {rc}: {msg}")),
    }
}
