//! Opening a folder in the platform's file manager, so a worker can drag the PDF they
//! just saved into the case system's upload page.

use std::path::Path;
use std::process::{Command, Stdio};

/// The platform's "open this folder" command.
fn opener() -> Command {
    if cfg!(target_os = "windows") {
        Command::new("explorer")
    } else if cfg!(target_os = "macos") {
        Command::new("open")
    } else {
        Command::new("xdg-open")
    }
}

/// Starts the file manager on `dir` and returns at once; the opener is waited for on
/// its own thread so it never lingers as a zombie process.
pub fn open_folder(dir: &Path) -> std::io::Result<()> {
    let mut child = opener()
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    std::thread::spawn(move || child.wait());
    Ok(())
}
