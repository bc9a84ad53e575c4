//! A folder's read cache: the text and checksum of every migration file, keyed by what the file
//! system says about the file (size, modification and change times, inode and device), so that
//! reading a folder of thousands of unchanged migrations costs one `stat` a file instead of an
//! open, a read and a hash. Like git's index, it trusts a file only when every one of those is
//! unchanged, and never records a file touched in the last [`RACY_WINDOW`]: an edit made
//! within the same clock tick as the read would otherwise keep the old time stamp.
//!
//! The file has two sections: an index (the stamps, each file's path and checksum, where its
//! text sits) and then every text, one after another. The texts are read in one piece, as one
//! string the migrations' parts slice ([`SqlText`]), so a cached read copies no SQL.
//!
//! The cache is an optimisation and nothing more: it lives outside the project (a user's cache
//! folder), one file per migrations folder, replaced whole (written beside and renamed) only
//! when something changed; a cache that is missing, unreadable, from another Strata version or
//! for another folder is ignored, and one that cannot be written is left as it was. Reading
//! with or without it gives the same migrations.

use std::io::Read as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::{files, SourceError, SqlText};
use crate::checksum::sha256_normalized;

/// A file changed this recently is read every time, not cached: an edit within the same tick of
/// the file system's clock could keep the time stamps the cache saw.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

const MAGIC: &[u8] = b"STRATA-READ-CACHE\n";
const FORMAT: u32 = 2;
/// The magic, the format, and the lengths of the two sections.
const HEADER: usize = MAGIC.len() + 4 + 8 + 8;

/// Where the read cache of the migrations folder `dir` lives under `cache_dir`: a file named by
/// the hash of the folder's full path (however `dir` is spelled: the app and the CLI share it).
pub fn cache_file(cache_dir: &Path, dir: &Path) -> PathBuf {
    let digest = Sha256::digest(path_bytes(&full_path(dir)).as_ref());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    cache_dir.join("folders").join(format!("{name}.cache"))
}

/// `dir` as a full path without links, or as given when that cannot be found.
fn full_path(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned())
}

/// What the file system says about a file; any difference means the file may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    /// Modification time, nanoseconds since the epoch.
    mtime: i128,
    /// Status change time (Unix; written by every change to the file, and not settable),
    /// nanoseconds since the epoch; the modification time elsewhere.
    ctime: i128,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                size: meta.size(),
                mtime: ns(meta.mtime(), meta.mtime_nsec()),
                ctime: ns(meta.ctime(), meta.ctime_nsec()),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime = meta.modified().map_or(0, |t| nanos(t));
            Stamp {
                dev: 0,
                ino: 0,
                size: meta.len(),
                mtime,
                ctime: mtime,
            }
        }
    }

    /// [`Stamp::of`] from `statx`, which rustix calls directly; the same values.
    #[cfg(target_os = "linux")]
    fn of_statx(x: &rustix::fs::Statx) -> Self {
        let ns = |t: rustix::fs::StatxTimestamp| {
            i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec)
        };
        Stamp {
            dev: rustix::fs::makedev(x.stx_dev_major, x.stx_dev_minor),
            ino: x.stx_ino,
            size: x.stx_size,
            mtime: ns(x.stx_mtime),
            ctime: ns(x.stx_ctime),
        }
    }

    /// Whether the file was last changed before `settled` (so an edit now shows in a stamp).
    fn settled(&self, settled: i128) -> bool {
        self.mtime < settled && self.ctime < settled
    }
}

fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// One file as the cache on disk holds it: its stamp, where its path (from the folder: the same
/// however the folder is spelled) and checksum sit in the index, and its text (entries are in
/// path order, so finding one allocates nothing).
struct Held {
    path: Range<usize>,
    stamp: Stamp,
    text: SqlText,
    checksum: Range<usize>,
}

/// A file to write into the next cache.
enum Keep {
    /// Unchanged: its entry in the old cache.
    Old(usize),
    /// The path from the folder, the stamp, the text and the checksum.
    New(Vec<u8>, Stamp, SqlText, String),
}

/// The read cache of one folder read: what the cache file held, and what this read found.
pub(crate) struct FileCache {
    file: Option<PathBuf>,
    /// The folder as the read spells it: the files' paths start with it.
    dir: PathBuf,
    /// The folder, open: each file is looked up from it rather than from the root.
    #[cfg(target_os = "linux")]
    dir_fd: Option<std::fs::File>,
    /// The index section of the cache file.
    bytes: Vec<u8>,
    held: Vec<Held>,
    /// Files changed before this (nanoseconds since the epoch) may be cached.
    settled: i128,
    keep: Mutex<(Vec<Keep>, bool)>,
}

impl FileCache {
    /// No cache: every file is read.
    pub(crate) fn none() -> Self {
        Self::empty(None, Path::new(""), RACY_WINDOW)
    }

    fn empty(file: Option<PathBuf>, dir: &Path, window: Duration) -> Self {
        FileCache {
            #[cfg(target_os = "linux")]
            dir_fd: file.as_ref().and_then(|_| std::fs::File::open(dir).ok()),
            file,
            dir: dir.to_owned(),
            bytes: Vec::new(),
            held: Vec::new(),
            settled: nanos(SystemTime::now()) - window.as_nanos() as i128,
            keep: Mutex::new((Vec::new(), false)),
        }
    }

    /// The cache stored at `file` for the folder `dir`, or an empty one when there is none
    /// (or it cannot be read, or is another version's or another folder's).
    pub(crate) fn open(file: &Path, dir: &Path, window: Duration) -> Self {
        let mut cache = Self::empty(Some(file.to_owned()), dir, window);
        if let Some((bytes, held)) = load(file, dir) {
            cache.bytes = bytes;
            cache.held = held;
        }
        cache
    }

    /// The text of the file at `path` (as [`files::read_text`] gives it) and its
    /// [`sha256_normalized`] checksum: from the cache when the file's stamp is the one cached,
    /// else read.
    pub(crate) fn read(&self, path: &Path) -> Result<(SqlText, String), SourceError> {
        if self.file.is_none() {
            let text = files::read_text(path)?;
            let checksum = sha256_normalized(&text);
            return Ok((text.into(), checksum));
        }
        let Some(key) = self.key(path) else {
            // Not under the folder (no layout reads such a file): read, never cached.
            let text = files::read_text(path)?;
            let checksum = sha256_normalized(&text);
            self.keep.lock().expect("cache list").1 = true;
            return Ok((text.into(), checksum));
        };
        let stamp = self.stamp(path, key)?;
        let found = (self.held).binary_search_by(|h| self.bytes[h.path.clone()].cmp(key));
        if let Ok(i) = found {
            let held = &self.held[i];
            if held.stamp == stamp {
                if let Ok(checksum) = std::str::from_utf8(&self.bytes[held.checksum.clone()]) {
                    self.keep(Keep::Old(i), false);
                    return Ok((held.text.clone(), checksum.to_owned()));
                }
            }
        }
        let text = SqlText::from(files::read_text(path)?);
        let checksum = sha256_normalized(&text);
        // Stamped before reading: an edit after the stamp changes it, so the next read sees it.
        if stamp.settled(self.settled) {
            let keep = Keep::New(key.to_vec(), stamp, text.clone(), checksum.clone());
            self.keep(keep, true);
        } else {
            self.keep.lock().expect("cache list").1 = true;
        }
        Ok((text, checksum))
    }

    /// The path of `path` from the folder, as bytes: its key in the cache.
    fn key<'p>(&self, path: &'p Path) -> Option<&'p [u8]> {
        let (path, dir) = (path_bytes(path), path_bytes(&self.dir));
        let (std::borrow::Cow::Borrowed(path), dir) = (path, dir.as_ref()) else {
            return None;
        };
        let rest = path.strip_prefix(dir)?;
        let rest = match rest.strip_prefix(b"/") {
            Some(r) => r,
            None if dir.ends_with(b"/") => rest,
            None => return None,
        };
        (!rest.is_empty()).then_some(rest)
    }

    /// The stamp of the file at `path` (`key` from the folder), following links as a read does.
    fn stamp(&self, path: &Path, key: &[u8]) -> Result<Stamp, SourceError> {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.dir_fd {
            use std::os::unix::ffi::OsStrExt as _;
            let rel = std::ffi::OsStr::from_bytes(key);
            let (at, mask) = (
                rustix::fs::AtFlags::empty(),
                rustix::fs::StatxFlags::BASIC_STATS,
            );
            if let Ok(x) = rustix::fs::statx(fd, rel, at, mask) {
                return Ok(Stamp::of_statx(&x));
            }
        }
        let _ = key;
        let meta = std::fs::metadata(path).map_err(|source| SourceError::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        Ok(Stamp::of(&meta))
    }

    fn keep(&self, keep: Keep, changed: bool) {
        let mut list = self.keep.lock().expect("cache list");
        list.0.push(keep);
        list.1 |= changed;
    }

    /// After a whole folder was read: write the cache again when what it should hold changed
    /// (a file read, not cached, or no longer there). A cache that cannot be written is left.
    pub(crate) fn finish(self, dir: &Path) {
        let Some(file) = &self.file else { return };
        let (mut keep, changed) = self.keep.into_inner().expect("cache list");
        if !changed && keep.len() == self.held.len() {
            // The cache's bytes are one allocation; its entries hold no other.
            return;
        }
        if keep.is_empty() {
            // Nothing worth keeping (a folder just written): no file, rather than an empty one.
            let _ = std::fs::remove_file(file);
            return;
        }
        let bytes = &self.bytes;
        let held = &self.held;
        let key = |k: &Keep| -> Vec<u8> {
            match k {
                Keep::Old(i) => bytes[held[*i].path.clone()].to_vec(),
                Keep::New(key, ..) => key.clone(),
            }
        };
        keep.sort_by_cached_key(key);
        let mut out = Vec::with_capacity(self.bytes.len().max(4096));
        let mut texts: Vec<u8> = Vec::new();
        put(&mut out, env!("CARGO_PKG_VERSION").as_bytes());
        put(&mut out, path_bytes(&full_path(dir)).as_ref());
        out.extend_from_slice(&(keep.len() as u64).to_le_bytes());
        for k in &keep {
            let (path, stamp, text, checksum) = match k {
                Keep::Old(i) => {
                    let h = &held[*i];
                    (
                        std::borrow::Cow::Borrowed(&bytes[h.path.clone()]),
                        h.stamp,
                        h.text.as_bytes(),
                        &bytes[h.checksum.clone()],
                    )
                }
                Keep::New(key, stamp, text, checksum) => (
                    std::borrow::Cow::Borrowed(key.as_slice()),
                    *stamp,
                    text.as_bytes(),
                    checksum.as_bytes(),
                ),
            };
            put(&mut out, &path);
            for n in [stamp.dev, stamp.ino, stamp.size] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            out.extend_from_slice(&stamp.mtime.to_le_bytes());
            out.extend_from_slice(&stamp.ctime.to_le_bytes());
            out.extend_from_slice(&(texts.len() as u64).to_le_bytes());
            out.extend_from_slice(&(text.len() as u64).to_le_bytes());
            texts.extend_from_slice(text);
            put(&mut out, checksum);
        }
        let mut whole = Vec::with_capacity(HEADER + out.len() + texts.len());
        whole.extend_from_slice(MAGIC);
        whole.extend_from_slice(&FORMAT.to_le_bytes());
        whole.extend_from_slice(&(out.len() as u64).to_le_bytes());
        whole.extend_from_slice(&(texts.len() as u64).to_le_bytes());
        whole.extend_from_slice(&out);
        whole.extend_from_slice(&texts);
        let _ = write_whole(file, &whole);
    }
}

/// Write `bytes` to a file beside `file`, then rename it over `file`: a reader sees the old
/// cache or the new one, never half of one.
fn write_whole(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Unique per process and per write: two reads of one folder may finish at once.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".{}.{n}.tmp", std::process::id()));
    // Not synced: a cache lost to a power cut is rebuilt.
    crate::replace::replace_file(file, &PathBuf::from(name), bytes, false)
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt as _;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    match path.to_string_lossy() {
        std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
    }
}

/// Reads the cache's bytes; `None` on anything unexpected.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<Range<usize>> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len())?;
        let range = self.at..end;
        self.at = end;
        Some(range)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let r = self.take(N)?;
        self.bytes[r].try_into().ok()
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn i128(&mut self) -> Option<i128> {
        self.array().map(i128::from_le_bytes)
    }

    fn field(&mut self) -> Option<Range<usize>> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }
}

/// The cache file at `file` for the folder `dir`: its index section and entries; `None` when it
/// is missing, damaged, or another version's or folder's. Three reads: the header, the index,
/// and all texts at once, straight into the string the entries' texts share.
fn load(file: &Path, dir: &Path) -> Option<(Vec<u8>, Vec<Held>)> {
    let mut f = std::fs::File::open(file).ok()?;
    let size = f.metadata().ok()?.len();
    let mut header = [0u8; HEADER];
    f.read_exact(&mut header).ok()?;
    let mut r = Reader {
        bytes: &header,
        at: 0,
    };
    (header[r.take(MAGIC.len())?] == *MAGIC).then_some(())?;
    (u32::from_le_bytes(r.array()?) == FORMAT).then_some(())?;
    let (index_len, texts_len) = (r.u64()?, r.u64()?);
    // The sections fill the file exactly: lengths that say otherwise are damage.
    let total = (HEADER as u64)
        .checked_add(index_len)?
        .checked_add(texts_len)?;
    (total == size).then_some(())?;
    let mut index = vec![0u8; usize::try_from(index_len).ok()?];
    f.read_exact(&mut index).ok()?;
    let mut texts = Vec::with_capacity(usize::try_from(texts_len).ok()?);
    (&mut f).take(texts_len).read_to_end(&mut texts).ok()?;
    (texts.len() as u64 == texts_len).then_some(())?;
    let texts = Arc::new(String::from_utf8(texts).ok()?);
    let held = parse(&index, &texts, dir)?;
    Some((index, held))
}

fn parse(bytes: &[u8], texts: &Arc<String>, dir: &Path) -> Option<Vec<Held>> {
    let mut r = Reader { bytes, at: 0 };
    (bytes[r.field()?] == *env!("CARGO_PKG_VERSION").as_bytes()).then_some(())?;
    (bytes[r.field()?] == *path_bytes(&full_path(dir))).then_some(())?;
    let count = usize::try_from(r.u64()?).ok()?;
    // Each entry takes more than 64 bytes: a count beyond that is a damaged file.
    (count <= bytes.len() / 64).then_some(())?;
    let mut held: Vec<Held> = Vec::with_capacity(count);
    for _ in 0..count {
        let path = r.field()?;
        // In path order, each once: what the lookup's binary search needs.
        if let Some(last) = held.last() {
            (bytes[last.path.clone()] < bytes[path.clone()]).then_some(())?;
        }
        let (dev, ino, size) = (r.u64()?, r.u64()?, r.u64()?);
        let (mtime, ctime) = (r.i128()?, r.i128()?);
        let at = usize::try_from(r.u64()?).ok()?;
        let len = usize::try_from(r.u64()?).ok()?;
        let text = SqlText::slice(texts, at..at.checked_add(len)?)?;
        let checksum = r.field()?;
        held.push(Held {
            path,
            stamp: Stamp {
                dev,
                ino,
                size,
                mtime,
                ctime,
            },
            text,
            checksum,
        });
    }
    (r.at == bytes.len()).then_some(held)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{read_dir, read_dir_cached, read_dir_cached_within, Layout};
    use super::*;

    /// Files written, then left alone long enough to be cached with this window.
    const WINDOW: Duration = Duration::from_millis(50);

    fn folder(files: &[(String, String)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::thread::sleep(WINDOW * 2);
        dir
    }

    fn strata_files(n: usize) -> Vec<(String, String)> {
        (1..=n)
            .flat_map(|i| {
                [
                    (
                        format!("{i:04}_t{i}.up.sql"),
                        format!("-- strata:description table {i}\ncreate table t{i} (a int);\r\n"),
                    ),
                    (
                        format!("{i:04}_t{i}.down.sql"),
                        format!("drop table t{i};\n"),
                    ),
                ]
            })
            .collect()
    }

    /// A folder of `n` migrations read once through a new cache: the folder, the cache's
    /// folder and its file.
    fn read_once(n: usize) -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
        let dir = folder(&strata_files(n));
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = cache_file(cache_dir.path(), dir.path());
        read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        (dir, cache_dir, cache)
    }

    fn entries(cache: &Path, dir: &Path) -> usize {
        load(cache, dir).map_or(0, |(_, held)| held.len())
    }

    /// Swap `from` for `to` (same length) inside the cache file, as if the cache held other text.
    fn doctor(cache: &Path, from: &str, to: &str) {
        assert_eq!(from.len(), to.len());
        let mut bytes = std::fs::read(cache).unwrap();
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .expect("the cache holds the text");
        bytes[at..at + from.len()].copy_from_slice(to.as_bytes());
        std::fs::write(cache, bytes).unwrap();
    }

    #[test]
    fn a_cached_read_gives_the_same_migrations_and_skips_unchanged_files() {
        // Enough files to be read by several threads.
        let dir = folder(&strata_files(600));
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = cache_file(cache_dir.path(), dir.path());
        let plain = read_dir(dir.path(), None).unwrap();
        let first = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        assert_eq!(first, plain);
        assert_eq!(entries(&cache, dir.path()), 1200);
        let second = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        assert_eq!(second, plain);
        // The second read took the text from the cache, not the file: a cache that says
        // otherwise is believed while the file's stamp is the one it holds...
        doctor(&cache, "drop table t7;", "drop table x7;");
        let read = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        assert_eq!(
            read.migrations[6].down.as_ref().unwrap().sql,
            "drop table x7;\n"
        );
        // ...and a file edited since is read again, even when its size and modification time
        // are put back as they were (its change time moves).
        let down = dir.path().join("0007_t7.down.sql");
        let mtime = std::fs::metadata(&down).unwrap().modified().unwrap();
        std::fs::write(&down, "drop table y7;\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&down)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let read = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        let m = &read.migrations[6];
        assert_eq!(m.down.as_ref().unwrap().sql, "drop table y7;\n");
        assert_eq!(
            m.down_checksum.as_deref(),
            Some(sha256_normalized("drop table y7;\n").as_str())
        );
    }

    #[cfg(unix)]
    #[test]
    fn one_cache_serves_the_folder_however_it_is_spelled() {
        let (dir, cache_dir, cache) = read_once(3);
        // A cache that says otherwise is believed: each read below took the text from it.
        doctor(&cache, "drop table t2;", "drop table x2;");
        let whole = std::fs::read(&cache).unwrap();
        let link = cache_dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        for spelled in [link.clone(), dir.path().join("."), link.join(".")] {
            assert_eq!(cache_file(cache_dir.path(), &spelled), cache);
            let read = read_dir_cached_within(&spelled, None, &cache, WINDOW).unwrap();
            let down = read.migrations[1].down.as_ref().unwrap();
            assert_eq!(down.sql, "drop table x2;\n", "{}", spelled.display());
            assert_eq!(std::fs::read(&cache).unwrap(), whole);
        }
    }

    #[test]
    fn files_changed_just_now_are_not_cached() {
        let dir = folder(&strata_files(3));
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = cache_file(cache_dir.path(), dir.path());
        std::fs::write(
            dir.path().join("0002_t2.up.sql"),
            "create table z (a int);\n",
        )
        .unwrap();
        let set = read_dir_cached(dir.path(), None, &cache).unwrap();
        assert_eq!(set.migrations[1].up.sql, "create table z (a int);\n");
        // With the real window (two seconds), nothing written a moment ago is kept...
        assert!(!cache.exists());
        // ...and with a short one, only the files older than it are.
        let set = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        assert_eq!(set.migrations[1].up.sql, "create table z (a int);\n");
        assert_eq!(entries(&cache, dir.path()), 5);
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_ignored_and_replaced() {
        let dir = folder(&strata_files(4));
        let other = folder(&strata_files(2));
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = cache_file(cache_dir.path(), dir.path());
        assert_ne!(cache, cache_file(cache_dir.path(), other.path()));
        let plain = read_dir(dir.path(), None).unwrap();
        read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        let whole = std::fs::read(&cache).unwrap();
        // Cut short, bytes changed in the header, or another folder's cache at this path.
        let other_cache = cache_file(cache_dir.path(), other.path());
        read_dir_cached_within(other.path(), None, &other_cache, WINDOW).unwrap();
        let mut flipped = whole.clone();
        flipped[3] ^= 0xff;
        // A byte of the last text that is no UTF-8.
        let mut not_text = whole.clone();
        let last = not_text.len() - 2;
        not_text[last] = 0xff;
        for damaged in [
            whole[..whole.len() - 1].to_vec(),
            flipped,
            not_text,
            std::fs::read(&other_cache).unwrap(),
            Vec::new(),
        ] {
            std::fs::write(&cache, damaged).unwrap();
            let read = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
            assert_eq!(read, plain);
            assert_eq!(std::fs::read(&cache).unwrap(), whole);
        }
        // A cache folder that cannot be written only costs the speed.
        let blocked = cache_dir.path().join("a file, not a folder");
        std::fs::write(&blocked, "x").unwrap();
        let read = read_dir_cached(dir.path(), None, &blocked.join("c")).unwrap();
        assert_eq!(read, plain);
    }

    #[test]
    fn removed_files_leave_the_cache_and_other_layouts_use_it() {
        let (dir, cache_dir, cache) = read_once(3);
        assert_eq!(entries(&cache, dir.path()), 6);
        std::fs::remove_file(dir.path().join("0003_t3.down.sql")).unwrap();
        let set = read_dir_cached_within(dir.path(), None, &cache, WINDOW).unwrap();
        assert!(set.migrations[2].down.is_none());
        assert_eq!(entries(&cache, dir.path()), 5);

        // dbmate's one file for both parts, and Diesel's folders.
        let dbmate = folder(&[(
            "20240101000000_a.sql".into(),
            "-- migrate:up\ncreate table a (x int);\n-- migrate:down\ndrop table a;\n".into(),
        )]);
        let diesel = folder(&[
            (
                "2024-01-01-000000_a/up.sql".into(),
                "create table a (x int);\n".into(),
            ),
            (
                "2024-01-01-000000_a/down.sql".into(),
                "drop table a;\n".into(),
            ),
        ]);
        for (dir, layout) in [(&dbmate, Layout::Dbmate), (&diesel, Layout::Diesel)] {
            let cache = cache_file(cache_dir.path(), dir.path());
            let plain = read_dir(dir.path(), Some(layout)).unwrap();
            for _ in 0..2 {
                let read = read_dir_cached_within(dir.path(), Some(layout), &cache, WINDOW);
                assert_eq!(read.unwrap(), plain);
            }
            assert!(entries(&cache, dir.path()) > 0, "{layout}");
        }
    }
}
