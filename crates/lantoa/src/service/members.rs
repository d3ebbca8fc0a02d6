//! People of an agency: creating accounts, assigning roles, resetting passwords,
//! disabling accounts. Every change is audited.

use super::{Actor, audit};
use crate::crypto::{hash_password, random_bytes};
use crate::db::{self, sessions, tokens, users};
use crate::domain::{DisplayName, Invalid, OrgId, Password, Role, UserId, Username};
use crate::error::{Error, Result};
use crate::service::Caller;
use crate::service::accounts::Principal;
use crate::state::AppState;
use serde::Deserialize;
use serde_json::json;

/// Input for a new member, as it comes from a form, the API or the CLI.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewMember {
    /// 3–40 of a–z, 0–9, `.`, `_`, `-` (stored in lower case).
    #[schema(min_length = 3, max_length = 40, pattern = "^[A-Za-z0-9._-]{3,40}$")]
    pub username: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    /// Role codes: reporter, editor, head, deputy, analyst, agency_admin.
    #[serde(default)]
    #[schema(value_type = Vec<crate::domain::Role>)]
    pub roles: Vec<String>,
    /// A temporary password; one is generated when absent. The user must change it.
    #[serde(default)]
    #[schema(min_length = 10, max_length = 200)]
    pub password: Option<String>,
}

pub struct Created {
    pub user_id: UserId,
    /// Shown once to the admin when Lantoa generated it.
    pub temporary_password: Option<String>,
}

/// Parses role codes for an agency; at least one is required when `require_one`.
pub fn parse_agency_roles(codes: &[String], require_one: bool) -> Result<Vec<Role>> {
    let mut roles = Vec::new();
    for c in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match Role::parse(c) {
            Some(r) if Role::AGENCY_ROLES.contains(&r) => {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            _ => return Err(Invalid::new("roles", "invalid-role").into()),
        }
    }
    if require_one && roles.is_empty() {
        return Err(Invalid::new("roles", "roles-required").into());
    }
    Ok(roles)
}

/// The roles that sign clips for the agency: the head, and the deputy who signs
/// for the head. Holding one is the power to approve political clips.
pub const SIGNING_ROLES: [Role; 2] = [Role::Head, Role::Deputy];

/// Whether the user may give or take away a signing role. An agency's own
/// admin may not: otherwise they could make themselves head. The system
/// administrator may.
pub fn may_set_signing_roles(p: &Principal) -> bool {
    p.is_system_admin
}

/// Refuses a change of signing roles between `before` and `after` by an actor
/// who may not make it.
fn check_signing_change(p: &Principal, before: &[Role], after: &[Role]) -> Result<()> {
    let changed = SIGNING_ROLES
        .iter()
        .any(|r| before.contains(r) != after.contains(r));
    if changed && !may_set_signing_roles(p) {
        return Err(Error::NotPermitted("members-signing-roles-by-sysadmin"));
    }
    Ok(())
}

/// A temporary password that is easy to read out: `xxxx-xxxx-xxxx`.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut out = String::with_capacity(14);
    let mut n = 0;
    while n < 12 {
        for b in random_bytes::<16>() {
            // Rejection sampling keeps every character equally likely.
            if (b as usize) < ALPHABET.len() * (256 / ALPHABET.len()) && n < 12 {
                if n > 0 && n % 4 == 0 {
                    out.push('-');
                }
                out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
                n += 1;
            }
        }
    }
    out
}

async fn hash_async(pw: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

/// Creates an account that belongs to `agency` with the given roles.
pub async fn create(caller: &Caller, input: NewMember) -> Result<Created> {
    let username = Username::parse(&input.username)?;
    let display = DisplayName::parse(&input.display_name)?;
    let roles = parse_agency_roles(&input.roles, true)?;
    check_signing_change(&caller.principal, &[], &roles)?;
    let (password, generated) = match input.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => (Password::parse("password", p)?.expose().to_string(), false),
        None => (temporary_password(), true),
    };
    let hash = hash_async(password.clone()).await?;
    let (mut tx, now) = caller.write().await?;
    let id = insert_account(
        &mut tx,
        &username,
        &display,
        &hash,
        (true, false),
        Some((caller.agency.id, &roles)),
        now,
    )
    .await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "user.create",
            ("user", id),
            json!({"after": {"username": username.as_str(), "display_name": display.as_str(),
                         "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>()}}),
        )
        .await?;
    Ok(Created {
        user_id: id,
        temporary_password: generated.then_some(password),
    })
}

/// Inserts an account (refusing a taken username) with its roles in one organisation.
/// `flags` is (must change password, system administrator).
async fn insert_account(
    tx: &mut db::Tx,
    username: &Username,
    display: &DisplayName,
    password_hash: &str,
    flags: (bool, bool),
    membership: Option<(OrgId, &[Role])>,
    now: i64,
) -> Result<UserId> {
    if users::by_username(tx, username.as_str()).await?.is_some() {
        return Err(Error::Conflict("username-taken"));
    }
    let id = users::insert(
        tx,
        users::NewUser {
            username: username.as_str(),
            display_name: display.as_str(),
            password_hash,
            must_change_password: flags.0,
            is_system_admin: flags.1,
            locale: "vi",
            now,
        },
    )
    .await?;
    if let Some((org, roles)) = membership {
        users::set_roles(tx, id, org, roles, now).await?;
    }
    Ok(id)
}

/// Loads a member of `agency`; not found when the user is not a member there.
pub async fn get(st: &AppState, agency: OrgId, user: UserId) -> Result<users::Member> {
    let mut tx = st.db.read().await?;
    member_in(&mut tx, agency, user).await
}

async fn member_in(tx: &mut db::Tx, agency: OrgId, user: UserId) -> Result<users::Member> {
    let roles = users::roles_in(tx, user, agency).await?;
    if roles.is_empty() {
        return Err(Error::NotFound);
    }
    let u = users::get(tx, user).await?.ok_or(Error::NotFound)?;
    Ok(users::Member { user: u, roles })
}

pub async fn list(st: &AppState, agency: OrgId) -> Result<Vec<users::Member>> {
    let mut tx = st.db.read().await?;
    Ok(users::members_of(&mut tx, agency).await?)
}

/// A change to a member's account the admin can only make on other people.
fn not_self(actor: &Actor, user: UserId) -> Result<()> {
    if actor.user_id == Some(user) {
        return Err(Error::Conflict("cannot-change-self"));
    }
    Ok(())
}

/// Replaces the member's roles in the agency. An empty list removes the member.
/// The last agency admin cannot lose the role.
pub async fn set_roles(caller: &Caller, user: UserId, codes: &[String]) -> Result<Vec<Role>> {
    let roles = parse_agency_roles(codes, false)?;
    let (mut tx, now) = caller.write().await?;
    let before = member_in(&mut tx, caller.agency.id, user).await?;
    if before.user.is_system_admin && !caller.actor.is_system_admin {
        return Err(Error::Forbidden);
    }
    check_signing_change(&caller.principal, &before.roles, &roles)?;
    let same = before.roles.len() == roles.len() && roles.iter().all(|r| before.roles.contains(r));
    if same {
        // Nothing changes, nothing to record.
        return Ok(roles);
    }
    if before.roles.contains(&Role::AgencyAdmin) && !roles.contains(&Role::AgencyAdmin) {
        let admins = users::members_of(&mut tx, caller.agency.id)
            .await?
            .iter()
            .filter(|m| m.roles.contains(&Role::AgencyAdmin) && !m.user.disabled)
            .count();
        if admins <= 1 {
            return Err(Error::Conflict("last-agency-admin"));
        }
    }
    users::set_roles(&mut tx, user, caller.agency.id, &roles, now).await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "user.roles",
            ("user", user),
            json!({"before": before.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
               "after": roles.iter().map(|r| r.code()).collect::<Vec<_>>()}),
        )
        .await?;
    users::accounts_changed();
    Ok(roles)
}

/// Gives the member a new temporary password, ends their sessions and revokes
/// their access tokens. Returns the password to hand over.
pub async fn reset_password(caller: &Caller, user: UserId) -> Result<String> {
    not_self(&caller.actor, user)?;
    let password = temporary_password();
    let hash = hash_async(password.clone()).await?;
    let (mut tx, now) = caller.write().await?;
    let m = member_in(&mut tx, caller.agency.id, user).await?;
    if m.user.is_system_admin && !caller.actor.is_system_admin {
        return Err(Error::Forbidden);
    }
    users::set_password(&mut tx, user, &hash, true, now).await?;
    let ended = sessions::delete_for_user(&mut tx, user, None).await?;
    let revoked = tokens::revoke_all(&mut tx, user, now).await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "user.password_reset",
            ("user", user),
            json!({"after": {"must_change_password": true, "sessions_ended": ended,
                         "tokens_revoked": revoked}}),
        )
        .await?;
    users::accounts_changed();
    Ok(password)
}

/// Disables or re-enables the member's account. Disabling ends their sessions.
pub async fn set_disabled(caller: &Caller, user: UserId, disabled: bool) -> Result<()> {
    not_self(&caller.actor, user)?;
    let (mut tx, now) = caller.write().await?;
    let m = member_in(&mut tx, caller.agency.id, user).await?;
    if m.user.is_system_admin && !caller.actor.is_system_admin {
        return Err(Error::Forbidden);
    }
    if m.user.disabled == disabled {
        // Already so: nothing changes, nothing to record.
        return Ok(());
    }
    users::set_disabled(&mut tx, user, disabled, now).await?;
    if disabled {
        sessions::delete_for_user(&mut tx, user, None).await?;
    }
    caller
        .audit_and_commit(
            tx,
            now,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            ("user", user),
            json!({"before": {"disabled": m.user.disabled}, "after": {"disabled": disabled}}),
        )
        .await?;
    users::accounts_changed();
    Ok(())
}

/// Creates a system administrator or any account from the command line; the
/// password given is permanent unless `temporary`.
pub async fn create_account_cli(
    st: &AppState,
    username: &str,
    display_name: &str,
    password: &str,
    is_system_admin: bool,
    temporary: bool,
    membership: Option<(OrgId, Vec<Role>)>,
) -> Result<UserId> {
    let actor = Actor::cli();
    let username = Username::parse(username)?;
    let display = DisplayName::parse(display_name)?;
    let pw = Password::parse("password", password)?;
    let hash = hash_async(pw.expose().to_string()).await?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let id = insert_account(
        &mut tx,
        &username,
        &display,
        &hash,
        (temporary, is_system_admin),
        membership.as_ref().map(|(o, r)| (*o, r.as_slice())),
        now,
    )
    .await?;
    let agency = membership.as_ref().map(|(o, _)| *o);
    audit(
        &mut tx,
        &actor,
        agency,
        "user.create",
        "user",
        id,
        json!({"after": {"username": username.as_str(), "system_admin": is_system_admin,
                         "roles": membership.map(|(_, r)| r.iter().map(|r| r.code()).collect::<Vec<_>>())}}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets a user's password from the command line.
pub async fn set_password_cli(
    st: &AppState,
    username: &str,
    password: &str,
    temporary: bool,
) -> Result<()> {
    let pw = Password::parse("password", password)?;
    let hash = hash_async(pw.expose().to_string()).await?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let u = users::by_username(&mut tx, &username.trim().to_lowercase())
        .await?
        .ok_or(Error::NotFound)?;
    users::set_password(&mut tx, u.id, &hash, temporary, now).await?;
    sessions::delete_for_user(&mut tx, u.id, None).await?;
    audit(
        &mut tx,
        &Actor::cli(),
        None,
        "user.password_set",
        "user",
        u.id,
        json!({"after": {"must_change_password": temporary}}),
        now,
    )
    .await?;
    tx.commit().await?;
    users::accounts_changed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_long_enough_and_differ() {
        let a = temporary_password();
        assert_eq!(a.len(), 14);
        assert!(Password::parse("p", &a).is_ok());
        assert_ne!(a, temporary_password());
    }

    #[test]
    fn roles_parse_and_refuse_unknown() {
        let r =
            parse_agency_roles(&["editor".into(), "editor".into(), "head".into()], true).unwrap();
        assert_eq!(r, vec![Role::Editor, Role::Head]);
        assert!(parse_agency_roles(&["overseer".into()], true).is_err());
        assert!(parse_agency_roles(&[], true).is_err());
        assert!(parse_agency_roles(&[], false).unwrap().is_empty());
    }
}
