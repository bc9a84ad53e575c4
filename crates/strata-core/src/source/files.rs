//! Reading folders and files for the layouts: listings in name order without hidden entries,
//! and text that is valid UTF-8 (an invalid byte is an error with its line and offset) with a
//! leading byte-order mark removed and nothing else changed.

use std::path::{Path, PathBuf};

use super::SourceError;

/// One entry of a folder listing.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub path: PathBuf,
    pub name: String,
    pub is_dir: bool,
}

/// The entries of `dir` in name order, hidden ones (`.name`) left out.
pub(crate) fn list(dir: &Path) -> Result<Vec<Entry>, SourceError> {
    let read_err = |source| SourceError::ReadDir {
        dir: dir.to_owned(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // The listing says what an entry is (no call per file); a symbolic link is followed:
        // a linked folder is a folder.
        let is_dir = match entry.file_type() {
            Ok(t) if !t.is_symlink() => t.is_dir(),
            _ => path.is_dir(),
        };
        entries.push(Entry { path, name, is_dir });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// `f` over `items`, results in `items`' order. Thousands of small files are mostly system
/// calls, so many items are split into contiguous chunks, one per available core (at most 8,
/// and at least [`PER_THREAD`] items each), read at the same time; the first chunk, or a short
/// list, is read on the calling thread.
pub(crate) fn map_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // Asking for the core count reads the process's limits: not done for a short list.
    let threads = match items.len() / PER_THREAD {
        0 | 1 => 1,
        most => (std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(8)
            .min(most),
    };
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    let mut chunks = items.chunks(items.len().div_ceil(threads));
    let here = chunks.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut all: Vec<R> = Vec::with_capacity(items.len());
        all.extend(here.iter().map(f));
        for other in others {
            all.extend(
                other
                    .join()
                    .expect("reading migration files does not panic"),
            );
        }
        all
    })
}

/// The fewest items [`map_parallel`] gives a thread of its own: below that, starting the
/// thread costs more than it saves.
const PER_THREAD: usize = 250;

/// Whether a file name is an SQL file (`.sql`, any case).
pub(crate) fn is_sql(name: &str) -> bool {
    name.len() > 4 && name[name.len() - 4..].eq_ignore_ascii_case(".sql")
}

/// The file's text: UTF-8 checked, a leading byte-order mark removed, nothing else changed.
pub(crate) fn read_text(path: &Path) -> Result<String, SourceError> {
    use std::io::Read as _;
    let err = |source| SourceError::ReadFile {
        path: path.to_owned(),
        source,
    };
    // Open and read to the end, without asking for the size first (as `fs::read` does): a
    // folder of thousands of migrations is read on every status, and each call per file shows.
    let mut file = std::fs::File::open(path).map_err(err)?;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8 * 1024];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(err(e)),
        }
    }
    decode(path, bytes)
}

pub(crate) fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, SourceError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(SourceError::Utf16 {
            path: path.to_owned(),
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        }),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            Err(SourceError::InvalidUtf8 {
                path: path.to_owned(),
                line: 1 + line_breaks(&bytes[..offset]),
                offset,
                byte: bytes[offset],
            })
        }
    }
}

/// How many line breaks (`\n`, `\r\n` or a lone `\r`) `bytes` holds.
pub(crate) fn line_breaks(bytes: &[u8]) -> u32 {
    let mut count = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            count = count.saturating_add(1);
        }
    }
    count
}

/// The lines of `text` as (1-based line number, byte offset of the line's start, the line
/// without its line break). `\n`, `\r\n` and a lone `\r` all end a line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u32, usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut number = 0u32;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let rest = &bytes[start..];
        let (len, brk) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        let line = &text[start..start + len];
        let at = start;
        start += len + brk;
        number += 1;
        Some((number, at, line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_with_any_line_break() {
        let got: Vec<_> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(
            got,
            [
                (1, 0, "a"),
                (2, 3, "b"),
                (3, 5, "c"),
                (4, 7, ""),
                (5, 8, "d")
            ]
        );
        assert_eq!(line_breaks(b"a\r\nb\rc\n"), 3);
    }

    #[test]
    fn invalid_utf8_names_line_and_offset() {
        let err = decode(
            Path::new("x.sql"),
            b"select 1;\r\nselect '\xE9';\n".to_vec(),
        )
        .unwrap_err();
        match err {
            SourceError::InvalidUtf8 {
                line, offset, byte, ..
            } => assert_eq!((line, offset, byte), (2, 19, 0xE9)),
            other => panic!("{other}"),
        }
        assert_eq!(
            decode(Path::new("x.sql"), b"\xEF\xBB\xBFselect 1;".to_vec()).unwrap(),
            "select 1;"
        );
        assert!(matches!(
            decode(Path::new("x.sql"), b"\xFF\xFEs\x00".to_vec()),
            Err(SourceError::Utf16 { .. })
        ));
    }

    #[test]
    fn parallel_results_keep_the_order_of_the_items() {
        // Enough items for several threads on any machine with more than one core, a count
        // that does not split evenly, and the short lists read on this thread.
        for n in [0, 1, 499, 500, 2 * PER_THREAD + 1, 8 * PER_THREAD + 7] {
            let items: Vec<usize> = (0..n).collect();
            let got = map_parallel(&items, |i| i * 3);
            assert_eq!(got, (0..n).map(|i| i * 3).collect::<Vec<_>>(), "{n} items");
        }
    }

    #[test]
    fn sql_files_in_any_case() {
        assert!(is_sql("1_a.up.sql") && is_sql("V1__A.SQL"));
        assert!(!is_sql(".sql") && !is_sql("README.md") && !is_sql("a.sql.conf"));
    }
}
