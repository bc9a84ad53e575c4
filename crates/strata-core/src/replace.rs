//! Replacing a file whole: the bytes go to `temp` beside it (synced first when `sync`), which is
//! then renamed over the file, so a reader sees the old file or the new one, never half of
//! one. A failed write leaves the file as it was and removes `temp`.

use std::io::Write as _;
use std::path::Path;

pub(crate) fn replace_file(
    path: &Path,
    temp: &Path,
    bytes: &[u8],
    sync: bool,
) -> std::io::Result<()> {
    let written = std::fs::File::create(temp).and_then(|mut f| {
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
        Ok(())
    });
    let replaced = written.and_then(|()| std::fs::rename(temp, path));
    if replaced.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    replaced
}
