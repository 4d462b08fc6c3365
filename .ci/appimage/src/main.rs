//! Builds Authdeck's AppImage from the .deb Tauri's bundler made, so both packages hold the
//! same release programs, desktop entry and icons: the .deb is unpacked into an AppDir
//! (`usr/bin`, `usr/share` as the .deb installs them), the desktop entry and the icon are put at
//! its root with `.DirIcon` and `AppRun` (see the AppRun file beside this crate), and the
//! `appimage` crate squashes it (mksquashfs) behind the AppImage runtime it carries.
//! WebKitGTK and GTK are not bundled: the AppImage needs them from the system, like the .deb.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail, ensure};
use appimage::AppImage;
use clap::Parser;

/// The AppImage's name inside its build folder (`Authdeck.AppDir`, `Authdeck.squashfs`).
const NAME: &str = "Authdeck";
const APPRUN: &str = include_str!("../AppRun");
/// Where the .deb puts the programs AppRun starts.
const PROGRAMS: [&str; 2] = ["usr/bin/authdeck-desktop", "usr/bin/authdeck"];
const DESKTOP_ENTRY: &str = "usr/share/applications/Authdeck.desktop";
/// The icon size the AppImage specification asks for at the AppDir's root.
const ICON_SIZE: &str = "256x256";

#[derive(Parser)]
#[command(about = "Builds Authdeck's AppImage from its .deb (run by .ci/package)")]
struct Args {
    /// The .deb Tauri's bundler built, whose files the AppImage holds.
    #[arg(long)]
    deb: PathBuf,
    /// The AppImage to write; the AppDir is assembled in its folder and removed afterwards.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    match build(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("appimage: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &Args) -> Result<()> {
    ensure!(
        args.deb.is_file(),
        "no .deb at {} (it is built by .ci/package)",
        args.deb.display()
    );
    ensure!(
        args.out.extension().is_some_and(|ext| ext == "AppImage"),
        "the output {} does not end in .AppImage",
        args.out.display()
    );
    let folder = match args.out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
    require("dpkg-deb", "dpkg")?;
    require("mksquashfs", "squashfs-tools")?;
    let version = deb_field(&args.deb, "Version")?;

    let image = AppImage::new(folder, NAME.to_owned())
        .with_context(|| format!("cannot create the AppDir in {}", folder.display()))?;
    let appdir = image.appdir().to_owned();
    let squashfs = folder.join(format!("{NAME}.squashfs"));
    let result = assemble(&image, &args.deb, &version).and_then(|()| {
        image
            .build(&args.out, None)
            .with_context(|| format!("cannot write {}", args.out.display()))
    });
    // The AppDir and the squashfs are only steps: the AppImage holds them both.
    fs::remove_dir_all(&appdir).ok();
    fs::remove_file(&squashfs).ok();
    if let Err(error) = result {
        fs::remove_file(&args.out).ok();
        return Err(error);
    }
    let size = fs::metadata(&args.out)?.len();
    println!(
        "appimage: {} (Authdeck {version}, {:.1} MB)",
        args.out.display(),
        size as f64 / 1e6
    );
    Ok(())
}

/// Fills the AppDir: the .deb's files, and at the root the desktop entry, its icon,
/// `.DirIcon` and `AppRun`.
fn assemble(image: &AppImage, deb: &Path, version: &str) -> Result<()> {
    let appdir = image.appdir();
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(appdir))
        .with_context(|| format!("cannot unpack {}", deb.display()))?;
    for program in PROGRAMS {
        let mode = fs::metadata(appdir.join(program))
            .with_context(|| format!("the .deb holds no {program}"))?
            .permissions()
            .mode();
        ensure!(mode & 0o111 != 0, "{program} in the .deb is not executable");
    }

    let entry = fs::read_to_string(appdir.join(DESKTOP_ENTRY))
        .with_context(|| format!("the .deb holds no {DESKTOP_ENTRY}"))?;
    let icon = desktop_key(&entry, "Icon").context("the .deb's desktop entry names no Icon")?;
    let entry_name = Path::new(DESKTOP_ENTRY).file_name().expect("a file name");
    fs::write(appdir.join(entry_name), with_version(&entry, version)?)?;

    let icon_file = format!("{icon}.png");
    let icon_source = appdir.join(format!(
        "usr/share/icons/hicolor/{ICON_SIZE}/apps/{icon_file}"
    ));
    ensure!(
        icon_source.is_file(),
        "the .deb holds no {ICON_SIZE} icon {icon_file} (the desktop entry's Icon={icon})"
    );
    image.add_file(&icon_source, Path::new(&icon_file))?;
    symlink(&icon_file, appdir.join(".DirIcon"))?;

    let apprun = appdir.join("AppRun");
    fs::write(&apprun, APPRUN)?;
    fs::set_permissions(&apprun, fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// The value of `key` in the desktop entry's `[Desktop Entry]` group.
fn desktop_key<'a>(entry: &'a str, key: &str) -> Option<&'a str> {
    main_group(entry)
        .filter_map(|line| line.split_once('='))
        .find(|(name, _)| name.trim_end() == key)
        .map(|(_, value)| value.trim())
}

/// The lines of the `[Desktop Entry]` group.
fn main_group(entry: &str) -> impl Iterator<Item = &str> {
    entry
        .lines()
        .skip_while(|line| line.trim() != "[Desktop Entry]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
}

/// The desktop entry with `X-AppImage-Version` (AppImage's own key) at the end of its
/// `[Desktop Entry]` group.
fn with_version(entry: &str, version: &str) -> Result<String> {
    ensure!(
        entry.lines().any(|line| line.trim() == "[Desktop Entry]"),
        "the .deb's desktop entry has no [Desktop Entry] group"
    );
    ensure!(
        desktop_key(entry, "X-AppImage-Version").is_none(),
        "the .deb's desktop entry already has an X-AppImage-Version"
    );
    let mut out = String::new();
    let mut in_main = false;
    let mut added = false;
    for line in entry.lines() {
        if line.starts_with('[') {
            if in_main && !added {
                out.push_str(&format!("X-AppImage-Version={version}\n"));
                added = true;
            }
            in_main = line.trim() == "[Desktop Entry]";
        }
        out.push_str(line);
        out.push('\n');
    }
    if !added {
        out.push_str(&format!("X-AppImage-Version={version}\n"));
    }
    Ok(out)
}

/// A field of the .deb's control file.
fn deb_field(deb: &Path, field: &str) -> Result<String> {
    let output = Command::new("dpkg-deb")
        .arg("-f")
        .arg(deb)
        .arg(field)
        .output()?;
    ensure!(
        output.status.success(),
        "dpkg-deb -f {} {field}: {}",
        deb.display(),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    let value = String::from_utf8(output.stdout)?.trim().to_owned();
    ensure!(
        !value.is_empty(),
        "the .deb {} has no {field}",
        deb.display()
    );
    Ok(value)
}

/// Fails with what to install when `program` is not on PATH.
fn require(program: &str, package: &str) -> Result<()> {
    match Command::new(program).arg("--help").output() {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            bail!("{program} is missing (Debian package {package}; run .ci/install-deps)")
        }
        Err(error) => Err(error).with_context(|| format!("cannot run {program}")),
    }
}

fn run(command: &mut Command) -> Result<()> {
    let output = command.output()?;
    ensure!(
        output.status.success(),
        "{:?} failed ({}): {}",
        command,
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "[Desktop Entry]\nName=Authdeck\nIcon=authdeck-desktop\n";

    #[test]
    fn version_goes_at_the_end_of_the_main_group() {
        let entry = format!("{ENTRY}\n[Desktop Action New]\nName=New\n");
        assert_eq!(
            with_version(&entry, "1.2.3").unwrap(),
            "[Desktop Entry]\nName=Authdeck\nIcon=authdeck-desktop\n\nX-AppImage-Version=1.2.3\n\
             [Desktop Action New]\nName=New\n"
        );
        assert_eq!(
            with_version(ENTRY, "0.1.0").unwrap(),
            format!("{ENTRY}X-AppImage-Version=0.1.0\n")
        );
    }

    #[test]
    fn an_entry_without_its_group_or_with_a_version_is_refused() {
        let error = with_version("Name=Authdeck\n", "0.1.0").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the .deb's desktop entry has no [Desktop Entry] group"
        );
        let error =
            with_version(&format!("{ENTRY}X-AppImage-Version=0.0.1\n"), "0.1.0").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the .deb's desktop entry already has an X-AppImage-Version"
        );
    }

    #[test]
    fn keys_are_read_from_the_main_group_only() {
        let entry = "[Desktop Action New]\nIcon=other\n[Desktop Entry]\nIcon = authdeck-desktop\n";
        assert_eq!(desktop_key(entry, "Icon"), Some("authdeck-desktop"));
        assert_eq!(desktop_key(ENTRY, "Exec"), None);
    }
}
