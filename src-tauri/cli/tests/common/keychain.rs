//! A keychain of one test's own (gnome-keyring in a private D-Bus session), for tests that lock
//! it or count what is said on its bus without disturbing the keychain the other tests share.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A keychain of one test's own: gnome-keyring in a D-Bus session of its own (as
/// .ci/with-keychain starts one), so the test can lock it without disturbing the others. Ends
/// with its session when dropped.
pub struct PrivateKeychain {
    session: Child,
    /// The session bus's address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    _folders: tempfile::TempDir,
}

impl PrivateKeychain {
    pub fn start() -> Self {
        const SESSION: &str = r#"
            echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 70
            for _ in $(seq 1 100); do
              if dbus-send --session --print-reply --dest=org.freedesktop.DBus \
                   /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
                   string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
                echo "$DBUS_SESSION_BUS_ADDRESS"
                read -r _
                exit 0
              fi
              sleep 0.05
            done
            exit 70"#;
        let folders = tempfile::tempdir().unwrap();
        for name in ["data", "runtime"] {
            std::fs::create_dir(folders.path().join(name)).unwrap();
        }
        let mut session = Command::new("dbus-run-session")
            .args(["--", "bash", "-c", SESSION])
            .env("XDG_DATA_HOME", folders.path().join("data"))
            .env("XDG_RUNTIME_DIR", folders.path().join("runtime"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-run-session (dbus) must be installed");
        let mut address = String::new();
        BufReader::new(session.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        assert!(
            address.starts_with("unix:"),
            "a private keychain session did not start: {address:?}"
        );
        Self {
            session,
            address: address.trim_end().to_owned(),
            _folders: folders,
        }
    }

    /// Locks the default collection, as the desktop does on a screen lock.
    pub fn lock(&self) {
        let done = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/aliases/default",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(done.success(), "the keychain was not locked");
    }
}

impl PrivateKeychain {
    /// The D-Bus method calls that the process opening a Secret Service session makes while
    /// `run` runs, in order, as `member path` (`Hello` included), as dbus-monitor sees them.
    pub fn calls_during(&self, run: impl FnOnce()) -> Vec<String> {
        let mut monitor = Command::new("dbus-monitor")
            .args(["--address", &self.address, "type='method_call'"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (dbus) must be installed");
        let (sender, lines) = mpsc::channel();
        let output = BufReader::new(monitor.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in output.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        // A call of our own marks each end: once the monitor shows the first, it is listening;
        // once it shows the second, it has shown everything before it.
        let mut seen = Vec::new();
        let wait_for = |marker: &str, resend: bool, seen: &mut Vec<String>| {
            for _ in 0..100 {
                if resend {
                    self.mark(marker);
                }
                let deadline = std::time::Instant::now() + Duration::from_millis(200);
                while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
                    match lines.recv_timeout(left) {
                        Ok(line) if line.contains(&format!("path={marker};")) => return,
                        Ok(line) => seen.push(line),
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(error) => panic!("dbus-monitor ended: {error}"),
                    }
                }
            }
            panic!("dbus-monitor never showed the call to {marker}");
        };
        wait_for("/authdeck/test/start", true, &mut Vec::new());
        run();
        self.mark("/authdeck/test/end");
        wait_for("/authdeck/test/end", false, &mut seen);
        let _ = monitor.kill();
        let _ = monitor.wait();
        let calls: Vec<(String, String)> = seen
            .iter()
            .filter_map(|line| {
                let sender = line.split(" sender=").nth(1)?.split(' ').next()?;
                let path = line.split(" path=").nth(1)?.split(';').next()?;
                let member = line.split("; member=").nth(1)?;
                Some((sender.to_owned(), format!("{member} {path}")))
            })
            .collect();
        let client = calls
            .iter()
            .find(|(_, call)| call.starts_with("OpenSession "))
            .map(|(sender, _)| sender.clone())
            .unwrap_or_else(|| panic!("no Secret Service session was opened: {seen:#?}"));
        calls
            .into_iter()
            .filter(|(sender, _)| *sender == client)
            .map(|(_, call)| call)
            .collect()
    }

    /// A call of the test's own to the bus, seen by the monitor (its answer does not matter).
    fn mark(&self, path: &str) {
        let _ = Command::new("dbus-send")
            .args([
                "--session",
                "--type=method_call",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                path,
                "org.freedesktop.DBus.Peer.Ping",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("dbus-send (dbus) must be installed");
    }
}

impl Drop for PrivateKeychain {
    fn drop(&mut self) {
        // Its `read` ends when stdin closes, and the session with it.
        drop(self.session.stdin.take());
        let _ = self.session.wait();
    }
}
