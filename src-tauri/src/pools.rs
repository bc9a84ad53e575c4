//! One lazy, bounded pool per saved connection, keyed by its id: made on first use, made anew
//! when the connection's settings or password change, closed when it is deleted. The lock
//! guards only the map (never held across an await); closing runs in the background.

use std::collections::HashMap;
use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use strata_core::driver::{ConnectError, DbPool};
use strata_project::secret::Secret;
use strata_project::ConnectionProfile;

/// How long a pool waits for a connection, a connect or a read before it gives up.
pub const POOL_TIMEOUT: Duration = Duration::from_secs(10);

/// What a pool was built from, as a keyed hash: the connection fields and the URL (so a new
/// password rebuilds it) without keeping the URL or the password anywhere.
type Fingerprint = u64;

#[derive(Debug, Default)]
pub struct PoolRegistry {
    pools: Mutex<HashMap<String, (Fingerprint, DbPool)>>,
    /// Random per process: a fingerprint cannot be matched against guessed passwords.
    keys: std::collections::hash_map::RandomState,
}

impl PoolRegistry {
    /// The pool of connection `id`, made now (connecting nothing) when there is none or when
    /// `profile` and `url` differ from what the current one was built from; the old one is
    /// closed in the background.
    pub fn get(
        &self,
        id: &str,
        profile: &ConnectionProfile,
        url: &Secret,
    ) -> Result<DbPool, ConnectError> {
        let fingerprint = self.fingerprint(profile, url);
        let mut pools = self.pools.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((known, pool)) = pools.get(id) {
            if *known == fingerprint && !pool.is_closed() {
                return Ok(pool.clone());
            }
        }
        let pool = DbPool::lazy(url.expose(), POOL_TIMEOUT)?;
        let old = pools.insert(id.to_owned(), (fingerprint, pool.clone()));
        drop(pools);
        if let Some((_, old)) = old {
            tracing::debug!(
                connection = id,
                "the connection changed: its pool is rebuilt"
            );
            close_in_background(old);
        }
        Ok(pool)
    }

    /// Close and forget the pool of connection `id` (deleted or edited), if it has one.
    pub fn remove(&self, id: &str) {
        let old = self
            .pools
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        if let Some((_, old)) = old {
            close_in_background(old);
        }
    }

    fn fingerprint(&self, p: &ConnectionProfile, url: &Secret) -> Fingerprint {
        let mut h = self.keys.build_hasher();
        // Every field a connection is made from; serialised because the profile's types do
        // not all implement `Hash`.
        let fields = serde_json::to_vec(&(
            &p.engine,
            &p.host,
            p.port,
            &p.database,
            &p.user,
            &p.sqlite_path,
            &p.tls,
            &p.options,
            &p.password,
        ))
        .unwrap_or_default();
        fields.hash(&mut h);
        url.expose().hash(&mut h);
        h.finish()
    }
}

/// `Pool::close` waits for lent connections to come back: never on the caller's path. On the
/// runtime the pool was made on (the commands' own), else Tauri's.
fn close_in_background(pool: DbPool) {
    let closing = async move { pool.close().await };
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn(closing)),
        Err(_) => drop(tauri::async_runtime::spawn(closing)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_core::DatabaseKind;
    use strata_project::EnvironmentTier;

    fn sqlite_profile(path: &std::path::Path) -> (ConnectionProfile, Secret) {
        let mut profile =
            ConnectionProfile::new("demo", DatabaseKind::Sqlite, EnvironmentTier::Development);
        profile.sqlite_path = Some(path.to_owned());
        let url = strata_project::url::to_url(&profile, None);
        (profile, url)
    }

    /// An empty SQLite file, made apart from the pool.
    async fn sqlite_file(path: &std::path::Path) {
        strata_core::driver::ensure_sqlite_file(path).await.unwrap();
    }

    #[tokio::test]
    async fn a_pool_is_made_once_and_connects_on_first_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.sqlite3");
        let (profile, url) = sqlite_profile(&path);
        let registry = PoolRegistry::default();
        // Made for a file that does not exist yet: nothing is opened, nothing created.
        let pool = registry.get("c1", &profile, &url).unwrap();
        assert_eq!(pool.size(), 0);
        assert!(!path.exists(), "a lazy pool touched the file");
        sqlite_file(&path).await;
        let again = registry.get("c1", &profile, &url).unwrap();
        let snapshot = strata_core::engine::snapshot_pooled(&again).await.unwrap();
        assert!(snapshot.history.is_empty());
        assert_eq!(snapshot.kind, DatabaseKind::Sqlite);
        // One pool: the connection the second handle made is the first handle's too.
        assert_eq!(pool.size(), 1);
        assert!(!pool.is_closed());
    }

    #[tokio::test]
    async fn a_changed_profile_rebuilds_and_closes_the_old_pool() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
        sqlite_file(&first).await;
        sqlite_file(&second).await;
        let registry = PoolRegistry::default();
        let (mut profile, url) = sqlite_profile(&first);
        let old = registry.get("c1", &profile, &url).unwrap();
        strata_core::engine::snapshot_pooled(&old).await.unwrap();
        // A field that does not change the connection keeps the pool.
        profile.name = "renamed".into();
        let same = registry.get("c1", &profile, &url).unwrap();
        assert_eq!(same.size(), 1, "renaming rebuilt the pool");
        profile.sqlite_path = Some(second.clone());
        let url = strata_project::url::to_url(&profile, None);
        let new = registry.get("c1", &profile, &url).unwrap();
        assert!(new.target().contains("b.sqlite3"), "{}", new.target());
        assert_eq!(new.size(), 0);
        wait_closed(&old).await;
        assert!(!new.is_closed());
    }

    #[tokio::test]
    async fn a_new_password_rebuilds_the_pool() {
        let registry = PoolRegistry::default();
        let mut profile =
            ConnectionProfile::new("pg", DatabaseKind::Postgres, EnvironmentTier::Development);
        profile.host = "db.invalid".into();
        profile.user = "app".into();
        profile.database = "app".into();
        let with = |pw: &str| strata_project::url::to_url(&profile, Some(&Secret::new(pw)));
        let old = registry.get("c1", &profile, &with("pw-first-9f2")).unwrap();
        let _same = registry.get("c1", &profile, &with("pw-first-9f2")).unwrap();
        // A background close would have run by now.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!old.is_closed(), "the same password rebuilt the pool");
        let new = registry
            .get("c1", &profile, &with("pw-second-4c1"))
            .unwrap();
        // The new password closed the old pool (nothing ever connected: no server is needed).
        wait_closed(&old).await;
        assert!(!new.is_closed());
        registry.remove("c1");
        wait_closed(&new).await;
        let shown = format!("{registry:?}");
        assert!(
            !shown.contains("pw-first") && !shown.contains("pw-second"),
            "{shown}"
        );
    }

    #[tokio::test]
    async fn deleting_closes_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.sqlite3");
        sqlite_file(&path).await;
        let (profile, url) = sqlite_profile(&path);
        let registry = PoolRegistry::default();
        let pool = registry.get("c1", &profile, &url).unwrap();
        strata_core::engine::snapshot_pooled(&pool).await.unwrap();
        registry.remove("c1");
        wait_closed(&pool).await;
        registry.remove("c1"); // none left: nothing to do
        let fresh = registry.get("c1", &profile, &url).unwrap();
        assert!(!fresh.is_closed());
    }

    /// The close runs in the background; it marks the pool closed at its first step.
    async fn wait_closed(pool: &DbPool) {
        for _ in 0..100 {
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the pool of {} was never closed", pool.target());
    }
}
