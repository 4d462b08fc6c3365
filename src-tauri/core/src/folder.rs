//! The data folder is the user's alone: the folder and its `locks/` folder 0700; the
//! database, its `-wal` and `-shm` files and the lock files 0600. The umask would decide
//! otherwise, so modes are set on creation and checked (and tightened) at every start; a
//! folder or file of another user is refused, not changed. Lock files are opened without
//! following a symbolic link: one planted in `locks/` cannot make Authdeck create or lock a
//! file elsewhere.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// The modes the data folder's folders and files get (Unix).
const FOLDER_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and its parents) if needed, then makes sure it is the user's alone.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, FOLDER_MODE);
    builder.create(dir).map_err(|e| {
        Error::Store(format!(
            "Could not create the data folder {}: {e}",
            dir.display()
        ))
    })?;
    restrict(dir, FOLDER_MODE)
}

/// Makes an existing file the user's alone (nothing when it does not exist); a symbolic link
/// is left as it is, never followed.
pub(crate) fn private_file(file: &Path) -> Result<()> {
    match std::fs::symlink_metadata(file) {
        Ok(meta) if meta.file_type().is_symlink() => Ok(()),
        // a lock file that another process removes in the meantime needs nothing more
        Ok(_) => restrict(file, FILE_MODE).or_else(|e| match file.try_exists() {
            Ok(false) => Ok(()),
            _ => Err(e),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Store(format!(
            "Could not check {}: {e}",
            file.display()
        ))),
    }
}

/// Makes every lock file in `locks` the user's alone (creating the folder if needed).
pub(crate) fn private_locks(locks: &Path) -> Result<()> {
    private_dir(locks)?;
    let entries = std::fs::read_dir(locks)
        .map_err(|e| Error::Store(format!("Could not read {}: {e}", locks.display())))?;
    for entry in entries.flatten() {
        private_file(&entry.path())?;
    }
    Ok(())
}

/// Opens (creating, 0600) the lock file `path` for locking, refusing a symbolic link.
pub(crate) fn open_lock(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_follow = rustix::fs::OFlags::NOFOLLOW.bits();
        options
            .mode(FILE_MODE)
            .custom_flags(i32::try_from(no_follow).unwrap_or(i32::MAX));
    }
    options.open(path).map_err(|e| {
        let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        Error::Store(if link {
            format!(
                "{} is a symbolic link; Authdeck follows no link in its data folder. Remove it \
                 and try again.",
                path.display()
            )
        } else {
            format!(
                "Could not open the lock file {} ({e}); check that the data folder is \
                 writable.",
                path.display()
            )
        })
    })
}

/// Gives `path` exactly `mode` when it has more (or is not the user's: refused).
#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::Store(format!("Could not check {}: {e}", path.display())))?;
    let owner = meta.uid();
    let me = rustix::process::geteuid().as_raw();
    if owner != me {
        return Err(Error::Store(format!(
            "{} belongs to another user (uid {owner}), so Authdeck will not keep data in it. \
             Point AUTHDECK_HOME at a folder of your own.",
            path.display()
        )));
    }
    if meta.mode() & 0o777 == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        Error::Store(format!(
            "{} can be read by other users (mode {:o}) and could not be made private ({e}). \
             Run `chmod {mode:o} {}` and try again.",
            path.display(),
            meta.mode() & 0o777,
            path.display()
        ))
    })
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<()> {
    // Windows: the profile folder's ACLs already keep other users out.
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn with_a_0022_umask_the_store_files_end_up_private() {
        let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("authdeck");
        let store = crate::store::Store::open(&home, crate::store::Integrity::WholeFile);
        rustix::process::umask(old);
        drop(store.unwrap());
        assert_eq!(mode(&home), 0o700);
        assert_eq!(mode(&home.join("authdeck.db")), 0o600);
        // WAL mode keeps these after the connection closes (or SQLite removed them)
        for name in ["authdeck.db-wal", "authdeck.db-shm"] {
            let path = home.join(name);
            if path.exists() {
                assert_eq!(mode(&path), 0o600, "{name}");
            }
        }
    }

    #[test]
    fn a_folder_and_files_open_to_others_are_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("authdeck");
        crate::store::Store::open(&home, crate::store::Integrity::WholeFile).unwrap();
        let locks = home.join("locks");
        std::fs::create_dir(&locks).unwrap();
        std::fs::write(locks.join("token-x.lock"), "").unwrap();
        for (path, loose) in [
            (&home, 0o755),
            (&locks, 0o777),
            (&home.join("authdeck.db"), 0o644),
            (&locks.join("token-x.lock"), 0o666),
        ] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(loose)).unwrap();
        }
        let store = crate::store::Store::open(&home, crate::store::Integrity::WholeFile).unwrap();
        private_locks(&locks).unwrap();
        assert_eq!(mode(&home), 0o700);
        assert_eq!(mode(&locks), 0o700);
        assert_eq!(mode(&home.join("authdeck.db")), 0o600);
        assert_eq!(mode(&locks.join("token-x.lock")), 0o600);
        for name in ["authdeck.db-wal", "authdeck.db-shm"] {
            assert_eq!(mode(&home.join(name)), 0o600, "{name} while open");
        }
        drop(store);
    }

    #[test]
    fn a_symlinked_lock_file_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.txt");
        std::fs::write(&target, "keep me").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let locks = dir.path().join("locks");
        private_dir(&locks).unwrap();
        let link = locks.join("token-app.lock");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let error = open_lock(&link).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::Store);
        assert!(error.to_string().contains("is a symbolic link"), "{error}");
        // the start-up check does not follow it either
        private_locks(&locks).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert_eq!(mode(&target), 0o644);
        // a plain lock file is created private
        let plain = locks.join("token-other.lock");
        open_lock(&plain).unwrap();
        assert_eq!(mode(&plain), 0o600);
    }

    #[test]
    fn a_folder_of_another_user_is_refused_not_changed() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("shared");
        std::fs::create_dir(&home).unwrap();
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Only root can give a folder away; anyone else can only meet one (/ is root's).
        let theirs: &Path = if rustix::process::geteuid().is_root() {
            rustix::fs::chown(&home, Some(rustix::fs::Uid::from_raw(4242)), None).unwrap();
            &home
        } else {
            Path::new("/")
        };
        let before = mode(theirs);
        let error = private_dir(theirs).unwrap_err();
        assert!(
            error.to_string().contains("belongs to another user"),
            "{error}"
        );
        assert_eq!(mode(theirs), before);
    }
}
