//! The demo network: a coordinating body, three agencies named like the real ones,
//! and a user in every role. Safe to run again: what exists is kept.

use crate::db::{orgs, users};
use crate::domain::{OrgId, Role};
use crate::error::Result;
use crate::service::{Actor, members, orgs as org_ops};
use crate::state::AppState;

/// Every demo account uses this password.
pub const DEMO_PASSWORD: &str = "lantoa-demo";

pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub org: String,
}

const AGENCIES: [(&str, &str, &str); 3] = [
    ("bao-tinh", "Báo Tỉnh", "baotinh"),
    (
        "dai-ptth-tinh",
        "Đài Phát thanh và Truyền hình Tỉnh",
        "daitinh",
    ),
    (
        "ttvhttt-binh-son",
        "Trung tâm Văn hóa – Thể thao – Truyền thông huyện Bình Sơn",
        "binhson",
    ),
];

const PEOPLE: [(&str, Role, &str); 6] = [
    ("phongvien", Role::Reporter, "Phóng viên"),
    ("bientap", Role::Editor, "Biên tập viên"),
    ("lanhdao", Role::Head, "Người đứng đầu"),
    ("pho", Role::Deputy, "Phó Tổng biên tập"),
    ("phantich", Role::Analyst, "Phụ trách kênh"),
    ("quantri", Role::AgencyAdmin, "Quản trị"),
];

async fn ensure_org(
    st: &AppState,
    kind: &str,
    parent: Option<OrgId>,
    slug: &str,
    name: &str,
) -> Result<OrgId> {
    let existing = {
        let mut tx = st.db.read().await?;
        orgs::by_slug(&mut tx, slug).await?
    };
    match existing {
        Some(o) => Ok(o.id),
        None => org_ops::create(st, &Actor::cli(), kind, parent, slug, name, None).await,
    }
}

async fn ensure_user(
    st: &AppState,
    username: &str,
    display: &str,
    sysadmin: bool,
    membership: Option<(OrgId, Vec<Role>)>,
) -> Result<()> {
    let exists = {
        let mut tx = st.db.read().await?;
        users::by_username(&mut tx, username).await?.is_some()
    };
    if !exists {
        members::create_account_cli(
            st,
            username,
            display,
            DEMO_PASSWORD,
            sysadmin,
            false,
            membership,
        )
        .await?;
    }
    Ok(())
}

/// Creates what is missing of the demo network and lists the logins.
pub async fn seed(st: &AppState) -> Result<Vec<DemoLogin>> {
    let mut logins = Vec::new();
    ensure_user(st, "admin", "Quản trị hệ thống", true, None).await?;
    logins.push(DemoLogin {
        username: "admin".into(),
        role: "system admin".into(),
        org: "—".into(),
    });

    let body_name = "Ban Tuyên giáo và Dân vận Tỉnh ủy";
    let body = ensure_org(st, "body", None, "btg-tinh", body_name).await?;
    ensure_user(
        st,
        "btg.giamsat",
        "Chuyên viên theo dõi báo chí",
        false,
        Some((body, vec![Role::Overseer])),
    )
    .await?;
    logins.push(DemoLogin {
        username: "btg.giamsat".into(),
        role: "overseer".into(),
        org: body_name.into(),
    });

    for (slug, name, prefix) in AGENCIES {
        let agency = ensure_org(st, "agency", Some(body), slug, name).await?;
        for (suffix, role, label) in PEOPLE {
            let username = format!("{prefix}.{suffix}");
            ensure_user(
                st,
                &username,
                &format!("{label} {name}"),
                false,
                Some((agency, vec![role])),
            )
            .await?;
            logins.push(DemoLogin {
                username,
                role: role.code().into(),
                org: name.into(),
            });
        }
    }
    Ok(logins)
}
