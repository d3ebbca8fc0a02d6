//! Names for the ids the reports group by (channels, authors, agencies),
//! and the titles of the clips a report names.

use std::collections::HashMap;

use crate::db::orgs::Org;
use crate::domain::ClipId;
use crate::error::Result;
use crate::i18n::Tr;
use crate::insights::report::By;
use crate::state::AppState;

/// Names for the ids the reports group by.
#[derive(Default)]
pub(super) struct Names {
    /// A channel's platform code and name.
    channels: HashMap<i64, (String, String)>,
    users: HashMap<i64, String>,
    pub(super) agencies: HashMap<i64, String>,
}

impl Names {
    pub(super) async fn load(st: &AppState, agencies: &[Org]) -> Result<Names> {
        let mut n = Names::default();
        let mut tx = st.db.read().await?;
        for a in agencies {
            n.agencies.insert(a.id.0, a.name.clone());
            for ch in crate::db::publishing::channels_any(&mut tx, a.id).await? {
                n.channels.insert(ch.id.0, (ch.platform, ch.name));
            }
            for m in crate::db::users::members_of(&mut tx, a.id).await? {
                n.users.insert(m.user.id.0, m.user.display_name.clone());
            }
        }
        Ok(n)
    }

    pub(super) fn of(&self, by: By, key: &str, tr: &Tr) -> String {
        let id: i64 = key.parse().unwrap_or(0);
        match by {
            By::Category => tr.t(&format!("category-{key}")),
            By::Channel => self.channels.get(&id).map_or_else(
                || key.into(),
                |(p, name)| format!("{} · {name}", tr.t(&format!("platform-{p}"))),
            ),
            By::Author => self.users.get(&id).cloned().unwrap_or_else(|| key.into()),
            By::Agency => self
                .agencies
                .get(&id)
                .cloned()
                .unwrap_or_else(|| key.into()),
            By::Platform => tr.t(&format!("platform-{key}")),
        }
    }
}

/// Clips' titles, and the version to show a poster of (when it has one).
pub(super) async fn titles(
    st: &AppState,
    ids: impl Iterator<Item = ClipId>,
) -> Result<HashMap<ClipId, (String, Option<i64>)>> {
    let mut tx = st.db.read().await?;
    let mut out = HashMap::new();
    for id in ids {
        if let Some(c) = crate::db::clips::get_any(&mut tx, id).await? {
            // Only a version whose media check made posters has one to show.
            let mut poster = None;
            if let Some(v) = c.current_version_id
                && let Some(ver) = crate::db::clips::get_version(&mut tx, v).await?
                && ver.outputs.as_deref().is_some_and(|o| {
                    serde_json::from_str::<serde_json::Value>(o)
                        .is_ok_and(|j| j["posters"].as_array().is_some_and(|p| !p.is_empty()))
                })
            {
                poster = Some(v.0);
            }
            out.insert(id, (c.title, poster));
        }
    }
    Ok(out)
}
