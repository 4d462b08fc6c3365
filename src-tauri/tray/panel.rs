//! Whether the desktop shows a tray icon at all, asked when the window is closed (a panel can
//! come and go while Authdeck runs). On Linux the icon is a StatusNotifierItem, shown by
//! whatever owns `org.kde.StatusNotifierWatcher` on the session bus (KDE, GNOME's AppIndicator
//! extension, Xfce, waybar ...); with no watcher, libayatana-appindicator falls back to an
//! XEmbed icon, shown when an X tray owns the `_NET_SYSTEM_TRAY_S<screen>` selection. With
//! neither, an icon would be invisible: closing the window then quits, so nothing keeps running
//! out of the user's reach.

/// Whether a tray icon is shown on this desktop now.
pub fn shown() -> bool {
    #[cfg(target_os = "linux")]
    {
        watcher_on_bus() || xembed_tray()
    }
    #[cfg(not(target_os = "linux"))]
    true // macOS's menu bar and Windows' notification area are always there
}

#[cfg(target_os = "linux")]
fn watcher_on_bus() -> bool {
    let owned = || -> zbus::Result<bool> {
        let bus = zbus::blocking::Connection::session()?;
        let names = zbus::blocking::fdo::DBusProxy::new(&bus)?;
        Ok(names.name_has_owner("org.kde.StatusNotifierWatcher".try_into()?)?)
    };
    owned().unwrap_or(false)
}

#[cfg(target_os = "linux")]
fn xembed_tray() -> bool {
    use x11rb::protocol::xproto::ConnectionExt;
    let owned = || -> Result<bool, Box<dyn std::error::Error>> {
        let (x, screen) = x11rb::connect(None)?;
        let selection = format!("_NET_SYSTEM_TRAY_S{screen}");
        let atom = x.intern_atom(true, selection.as_bytes())?.reply()?.atom;
        if atom == x11rb::NONE {
            return Ok(false); // nobody ever made the atom: no tray
        }
        Ok(x.get_selection_owner(atom)?.reply()?.owner != x11rb::NONE)
    };
    owned().unwrap_or(false)
}
