//! Which keychain intents belong to a live process. Each `Core` that writes takes an exclusive
//! lock on `locks/writer-<id>.lock` before its first write transaction, holds it for the rest
//! of its lifetime and stamps its intents with `<id>` (one that only reads takes none); the kernel
//! releases the lock when the process ends, however it ends. So an intent whose owner's lock
//! can be taken (or whose lock file is gone) was left by a process that is no more, and one
//! whose lock is held belongs to a process still working on it (say, a desktop app waiting on
//! a keychain unlock prompt), however long ago it was written.

use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

const PREFIX: &str = "writer-";
const SUFFIX: &str = ".lock";

/// This core's claim to be alive: its lock file, locked until dropped.
pub(crate) struct WriterLock {
    id: String,
    path: PathBuf,
    _file: File,
}

impl WriterLock {
    /// Creates and locks a new writer lock in `locks`. It is locked under a temporary name and
    /// only then renamed into place, so a lock file under its real name is never seen unlocked
    /// while its writer lives.
    pub(crate) fn acquire(locks: &Path) -> Result<Self> {
        Self::acquire_with(locks, || uuid::Uuid::new_v4().to_string())
    }

    /// [`Self::acquire`] with the ids it tries drawn from `new_id`.
    fn acquire_with(locks: &Path, mut new_id: impl FnMut() -> String) -> Result<Self> {
        // Another start's reconciler may take a staging file for a dead writer's in the
        // instant between its creation and its lock (remove_dead_staging): it then holds the
        // file's lock for a moment and removes the file. Either way, a new id is tried.
        const ATTEMPTS: u32 = 5;
        let mut attempt = 1;
        loop {
            let id = new_id();
            let staging = locks.join(format!(".{PREFIX}{id}.new"));
            let file = crate::folder::open_lock(&staging)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) if attempt < ATTEMPTS => {
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(lock_error(&staging, &e)),
            }
            let path = lock_path(locks, &id);
            match std::fs::rename(&staging, &path) {
                Ok(()) => {
                    return Ok(Self {
                        id,
                        path,
                        _file: file,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && attempt < ATTEMPTS => {
                    attempt += 1;
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&staging);
                    return Err(Error::Store(format!(
                        "Could not create the lock file {} ({e}); check that the data folder \
                         is writable.",
                        path.display()
                    )));
                }
            }
        }
    }

    /// The owner id this core stamps on its intents.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock itself goes with the file handle.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A dead writer's intents, claimed: while this lives, no other reconciler takes them.
pub(crate) struct Claim {
    path: PathBuf,
    /// The dead writer's lock, now held by us (none when its file was already gone).
    file: Option<File>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Its intents are reclaimed: the file has served its purpose. Removed before the lock
        // is released, so no one else can take it and reclaim twice.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Claims the intents of writer `owner` when it is no longer alive; `None` while it lives
/// (its lock is held) or when `owner` is not a writer id at all.
pub(crate) fn claim_if_dead(locks: &Path, owner: &str) -> Result<Option<Claim>> {
    if uuid::Uuid::try_parse(owner).is_err() {
        return Ok(None);
    }
    let path = lock_path(locks, owner);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(Claim { path, file: None }));
        }
        Err(e) => return Err(lock_error(&path, &e)),
        Ok(_) => {}
    }
    let file = crate::folder::open_lock(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Claim {
            path,
            file: Some(file),
        })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(lock_error(&path, &e)),
    }
}

/// The writer ids of every lock file in `locks` (live or not).
pub(crate) fn lock_file_owners(locks: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(locks).map_err(|e| lock_error(locks, &e))?;
    Ok(entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let id = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
            uuid::Uuid::try_parse(id).ok().map(|_| id.to_owned())
        })
        .collect())
}

/// How old a staging file must be before it is taken for a dead writer's. A writer creates its
/// staging file, then locks it, then renames it: in the instant between the first two steps
/// the file is unlocked, and removing it then cost that writer an attempt (with 50 processes
/// starting at once, all five). Nothing lives this long between the steps.
const STAGING_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Removes the staging files (`.writer-<id>.new`) of writers that died between creating their
/// lock and renaming it into place: they hold no intents, and nothing else would remove them.
/// A staging file younger than [`STAGING_GRACE`], or whose lock is held, belongs to a writer
/// starting right now and is left alone; so is one that is gone by the time it is looked at.
pub(crate) fn remove_dead_staging(locks: &Path) -> Result<()> {
    let entries = std::fs::read_dir(locks).map_err(|e| lock_error(locks, &e))?;
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(id) = name
            .strip_prefix(&format!(".{PREFIX}"))
            .and_then(|rest| rest.strip_suffix(".new"))
        else {
            continue;
        };
        if uuid::Uuid::try_parse(id).is_err() {
            continue;
        }
        let path = entry.path();
        let young = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta
                .modified()
                .ok()
                .and_then(|at| at.elapsed().ok())
                .is_none_or(|age| age < STAGING_GRACE),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(lock_error(&path, &e)),
        };
        if young {
            continue;
        }
        let file = crate::folder::open_lock(&path)?;
        if file.try_lock().is_ok() {
            // removed while locked, so a writer cannot take it in between
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(())
}

fn lock_path(locks: &Path, id: &str) -> PathBuf {
    locks.join(format!("{PREFIX}{id}{SUFFIX}"))
}

fn lock_error(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::Store(format!(
        "Could not use the lock file {} ({e}); check that the data folder is writable.",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_writer_cannot_be_claimed_and_a_dropped_one_can() {
        let dir = tempfile::tempdir().unwrap();
        let writer = WriterLock::acquire(dir.path()).unwrap();
        let id = writer.id().to_owned();
        assert_eq!(lock_file_owners(dir.path()).unwrap(), vec![id.clone()]);
        assert!(claim_if_dead(dir.path(), &id).unwrap().is_none());
        drop(writer);
        assert!(lock_file_owners(dir.path()).unwrap().is_empty());
        assert!(claim_if_dead(dir.path(), &id).unwrap().is_some());
    }

    #[test]
    fn a_lock_file_left_unlocked_is_claimed_and_removed_with_its_claim() {
        let dir = tempfile::tempdir().unwrap();
        let id = uuid::Uuid::new_v4().to_string();
        let path = lock_path(dir.path(), &id);
        std::fs::write(&path, "").unwrap(); // as a killed process leaves it
        let claim = claim_if_dead(dir.path(), &id).unwrap().unwrap();
        // while one reconciler holds the claim, no other gets it
        assert!(claim_if_dead(dir.path(), &id).unwrap().is_none());
        drop(claim);
        assert!(!path.exists());
    }

    #[test]
    fn a_staging_file_of_a_dead_writer_is_removed_and_a_starting_writers_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let staging = |id: &str| dir.path().join(format!(".{PREFIX}{id}.new"));
        let dead = staging(&uuid::Uuid::new_v4().to_string());
        std::fs::write(&dead, "").unwrap(); // killed before its rename, a minute ago
        let a_minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&dead)
            .unwrap()
            .set_modified(a_minute_ago)
            .unwrap();
        // made a moment ago and not locked yet: its writer is between creating and locking it
        let fresh = staging(&uuid::Uuid::new_v4().to_string());
        std::fs::write(&fresh, "").unwrap();
        let starting = staging(&uuid::Uuid::new_v4().to_string());
        let held = crate::folder::open_lock(&starting).unwrap();
        held.try_lock().unwrap();
        let other = dir.path().join(".writer-not-an-id.new");
        std::fs::write(&other, "").unwrap();
        let live = WriterLock::acquire(dir.path()).unwrap();

        remove_dead_staging(dir.path()).unwrap();
        assert!(!dead.exists());
        assert!(fresh.exists(), "a writer may be about to lock it");
        assert!(starting.exists(), "its writer is still starting");
        assert!(other.exists(), "not a writer's file");
        assert_eq!(
            lock_file_owners(dir.path()).unwrap(),
            vec![live.id().to_owned()]
        );
    }

    #[test]
    fn a_start_whose_staging_file_another_reconciler_holds_tries_a_new_id() {
        // Seen with 50 `authdeck token` at once: one start's reconciler took another's fresh
        // staging file for a dead writer's and held its lock when that writer tried to lock it.
        let dir = tempfile::tempdir().unwrap();
        let ids = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()].map(|id| id.to_string());
        let held =
            crate::folder::open_lock(&dir.path().join(format!(".{PREFIX}{}.new", ids[0]))).unwrap();
        held.try_lock().unwrap();
        let mut next = ids.iter().cloned();
        let writer = WriterLock::acquire_with(dir.path(), || next.next().unwrap()).unwrap();
        assert_eq!(writer.id(), ids[1]);
        assert_eq!(lock_file_owners(dir.path()).unwrap(), vec![ids[1].clone()]);
    }

    #[test]
    fn an_owner_that_is_not_a_writer_id_is_never_claimed() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            claim_if_dead(dir.path(), "../../elsewhere")
                .unwrap()
                .is_none()
        );
    }
}
