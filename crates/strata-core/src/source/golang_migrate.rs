//! golang-migrate's layout: `<version>_<title>.up.sql` + `.down.sql`, the version an unsigned
//! 64-bit integer (not zero-padded: `1, 2, 10`), ordered by number; the title may be empty.

use std::path::Path;

use super::{strata, Draft, FileCache, Layout, SourceError};

pub(super) fn read(dir: &Path, cache: &FileCache) -> Result<Vec<Draft>, SourceError> {
    strata::read_pairs(dir, Layout::GolangMigrate, cache)
}
