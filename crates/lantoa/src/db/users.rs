//! User accounts and their memberships (a role in an organisation).

use super::{DbResult, Tx, sql};
use crate::domain::{OrgId, Role, UserId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub is_system_admin: bool,
    pub disabled: bool,
    pub locale: String,
    pub created_at: i64,
    pub updated_at: i64,
}

macro_rules! select_user {
    ($rest:literal) => {
        concat!(
            "SELECT id, username, display_name, password_hash, must_change_password,
                    is_system_admin, disabled, locale, created_at, updated_at FROM users ",
            $rest
        )
    };
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub is_system_admin: bool,
    pub locale: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, u: NewUser<'_>) -> DbResult<UserId> {
    let id: i64 = sql!(tx, scalar fetch_one
        "INSERT INTO users (username, display_name, password_hash, must_change_password,
                            is_system_admin, locale, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        u.username, u.display_name, u.password_hash, u.must_change_password, u.is_system_admin,
        u.locale, u.now)?;
    Ok(UserId(id))
}

pub async fn get(tx: &mut Tx, id: UserId) -> DbResult<Option<User>> {
    Ok(sql!(tx, fetch_optional select_user!("WHERE id = $1"), id)?)
}

pub async fn by_username(tx: &mut Tx, username: &str) -> DbResult<Option<User>> {
    Ok(sql!(tx, fetch_optional select_user!("WHERE username = $1"), username)?)
}

/// The accounts' generation in this process: moved by every change to an
/// account, its memberships or its sessions (`service::principals` reads a
/// person again when it moved).
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn accounts_generation() -> u64 {
    GENERATION.load(std::sync::atomic::Ordering::SeqCst)
}

/// Moves the accounts' generation: inside the transaction that changes an
/// account, and again once it is committed.
pub fn accounts_changed() {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

pub async fn set_password(
    tx: &mut Tx,
    id: UserId,
    password_hash: &str,
    must_change: bool,
    now: i64,
) -> DbResult<()> {
    accounts_changed();
    sql!(tx, execute
        "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3
         WHERE id = $4",
        password_hash, must_change, now, id)?;
    Ok(())
}

pub async fn set_locale(tx: &mut Tx, id: UserId, locale: &str, now: i64) -> DbResult<()> {
    accounts_changed();
    sql!(tx, execute "UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3",
        locale, now, id)?;
    Ok(())
}

pub async fn set_disabled(tx: &mut Tx, id: UserId, disabled: bool, now: i64) -> DbResult<()> {
    accounts_changed();
    sql!(tx, execute "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3",
        disabled, now, id)?;
    Ok(())
}

/// Every (organisation, role) the user holds. Unknown role codes are skipped.
pub async fn memberships(tx: &mut Tx, user: UserId) -> DbResult<Vec<(OrgId, Role)>> {
    let rows: Vec<(OrgId, String)> = sql!(tx, fetch_all
        "SELECT org_id, role FROM memberships WHERE user_id = $1 ORDER BY org_id, role",
        user)?;
    Ok(rows
        .into_iter()
        .filter_map(|(org, role)| Role::parse(&role).map(|r| (org, r)))
        .collect())
}

/// A member of an organisation with the roles held there.
#[derive(Debug, Clone)]
pub struct Member {
    pub user: User,
    pub roles: Vec<Role>,
}

/// The members of an organisation not disabled who hold one of `roles`.
pub async fn holding(tx: &mut Tx, org: OrgId, roles: &[Role]) -> DbResult<Vec<UserId>> {
    Ok(members_of(tx, org)
        .await?
        .into_iter()
        .filter(|m| !m.user.disabled && m.roles.iter().any(|r| roles.contains(r)))
        .map(|m| m.user.id)
        .collect())
}

/// The members of one organisation, by username.
pub async fn members_of(tx: &mut Tx, org: OrgId) -> DbResult<Vec<Member>> {
    let users: Vec<User> = sql!(tx, fetch_all select_user!(
        "WHERE id IN (SELECT user_id FROM memberships WHERE org_id = $1) ORDER BY username"),
        org)?;
    let roles: Vec<(UserId, String)> = sql!(tx, fetch_all
        "SELECT user_id, role FROM memberships WHERE org_id = $1",
        org)?;
    Ok(users
        .into_iter()
        .map(|user| {
            let mut held: Vec<Role> = roles
                .iter()
                .filter(|(u, _)| *u == user.id)
                .filter_map(|(_, r)| Role::parse(r))
                .collect();
            held.sort_by_key(|r| Role::AGENCY_ROLES.iter().position(|x| x == r));
            Member { user, roles: held }
        })
        .collect())
}

/// The display names of the given users, by id (for naming people in the
/// audit trail; ids not found are left out).
pub async fn display_names(
    tx: &mut Tx,
    ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, String>> {
    let mut out = std::collections::HashMap::new();
    // In pages of a few hundred: one statement each, within every engine's
    // limit on parameters.
    for part in ids.chunks(500) {
        let list = (1..=part.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Only placeholders are put into the text; the ids are bound.
        let q = format!("SELECT id, display_name FROM users WHERE id IN ({list})");
        let rows: Vec<(i64, String)> = crate::on_tx!(tx, c => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(q.clone()));
            for id in part {
                query = query.bind(*id);
            }
            query.fetch_all(c).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// The roles `user` holds in `org` (empty when not a member).
pub async fn roles_in(tx: &mut Tx, user: UserId, org: OrgId) -> DbResult<Vec<Role>> {
    Ok(memberships(tx, user)
        .await?
        .into_iter()
        .filter(|(o, _)| *o == org)
        .map(|(_, r)| r)
        .collect())
}

/// Replaces the roles `user` holds in `org`.
pub async fn set_roles(
    tx: &mut Tx,
    user: UserId,
    org: OrgId,
    roles: &[Role],
    now: i64,
) -> DbResult<()> {
    accounts_changed();
    sql!(tx, execute "DELETE FROM memberships WHERE user_id = $1 AND org_id = $2", user, org)?;
    for role in roles {
        sql!(tx, execute
            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)",
            user, org, role.code(), now)?;
    }
    Ok(())
}

/// Number of members of an organisation per role.
pub async fn role_counts(tx: &mut Tx, org: OrgId) -> DbResult<Vec<(String, i64)>> {
    Ok(sql!(tx, fetch_all
        "SELECT role, COUNT(*) FROM memberships WHERE org_id = $1 GROUP BY role ORDER BY role",
        org)?)
}

/// Number of distinct people who are members of an organisation, and how many are active.
pub async fn member_counts(tx: &mut Tx, org: OrgId) -> DbResult<(i64, i64)> {
    Ok(sql!(tx, fetch_one
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN u.disabled THEN 0 ELSE 1 END), 0)
         FROM users u WHERE u.id IN (SELECT user_id FROM memberships WHERE org_id = $1)",
        org)?)
}

/// The address a user receives notification e-mails at ("" for none).
pub async fn email_of(tx: &mut Tx, id: UserId) -> DbResult<String> {
    Ok(sql!(tx, scalar fetch_one "SELECT email FROM users WHERE id = $1", id)?)
}

pub async fn set_email(tx: &mut Tx, id: UserId, email: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute "UPDATE users SET email = $1, updated_at = $2 WHERE id = $3", email, now, id)?;
    Ok(())
}
