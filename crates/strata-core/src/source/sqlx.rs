//! sqlx's layout: `<version>_<name>.sql` (one-way) or `<version>_<name>.up.sql` +
//! `.down.sql` (reversible), mixed freely; the version is a 64-bit integer, ordered by number;
//! sqlx's `-- no-transaction` first line is honoured.

use std::path::Path;

use super::{strata, Draft, FileCache, Layout, SourceError};

pub(super) fn read(dir: &Path, cache: &FileCache) -> Result<Vec<Draft>, SourceError> {
    strata::read_pairs(dir, Layout::Sqlx, cache)
}
