//! Directives are read only from a part's leading comments (before its first SQL token); an
//! unknown `-- strata:<word>` there is an error, so a typo never silently changes how a
//! migration runs. Later `-- strata:` lines are reported as notes, never obeyed.

use std::path::Path;

use super::SourceError;

/// What a part's leading comments say, and where its SQL starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Directives {
    /// `-- strata:no-transaction` (or sqlx's `-- no-transaction`).
    pub no_transaction: bool,
    pub description: Option<String>,
    pub author: Option<String>,
    /// `-- strata:requires <version>…`: each version with its line.
    pub requires: Vec<(String, u32)>,
    /// The line of the first SQL token; `None` when the part is empty or only comments.
    pub first_sql_line: Option<u32>,
    /// Lines after the first SQL token that look like directives: (line, the directive).
    pub late: Vec<(u32, String)>,
}

/// Read the directives of `text`, whose first line is line `first_line` of `path`.
pub(crate) fn read(path: &Path, text: &str, first_line: u32) -> Result<Directives, SourceError> {
    let mut d = Directives::default();
    let mut description_line = None;
    let mut author_line = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line = first_line;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'\r' => {
                if bytes.get(i + 1) != Some(&b'\n') {
                    line += 1;
                }
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let end = text[i..].find(['\n', '\r']).map_or(text.len(), |n| i + n);
                let comment = text[i + 2..end].trim();
                directive(
                    path,
                    line,
                    comment,
                    &mut d,
                    &mut description_line,
                    &mut author_line,
                )?;
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(text.len(), |n| i + 2 + n + 2);
                line += super::files::line_breaks(&bytes[i..end]);
                i = end;
            }
            _ => {
                d.first_sql_line = Some(line);
                break;
            }
        }
    }
    if let Some(first) = d.first_sql_line {
        late(&text[i..], first, &mut d.late);
    }
    Ok(d)
}

/// The lines of `rest` (starting at line `first`, after the first SQL token) that are a comment
/// looking like a directive, which is read only above the SQL: (line, the comment's text).
/// Only the `--` in the text are looked at, not every line (a folder read goes through every
/// migration's text).
fn late(rest: &str, first: u32, found: &mut Vec<(u32, String)>) {
    let bytes = rest.as_bytes();
    // Line breaks are counted up to `counted`, which is on line `line`.
    let (mut from, mut counted, mut line) = (0, 0, first);
    while let Some(k) = rest[from..].find("--") {
        let at = from + k;
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |p| p + 1);
        let end = rest[at..].find(['\n', '\r']).map_or(rest.len(), |n| at + n);
        from = end;
        // `rest` starts inside its first line, after SQL: nothing there is a line comment.
        if start == 0 || !rest[start..at].trim_start().is_empty() {
            continue;
        }
        let comment = rest[at + 2..end].trim();
        if strata_word(comment).is_some() {
            line += super::files::line_breaks(&bytes[counted..start]);
            counted = start;
            found.push((line, comment.to_owned()));
        }
    }
}

/// The part after `strata:` (any case) of a comment's text.
fn strata_word(comment: &str) -> Option<&str> {
    let head = comment.get(..7)?;
    head.eq_ignore_ascii_case("strata:").then(|| &comment[7..])
}

fn directive(
    path: &Path,
    line: u32,
    comment: &str,
    d: &mut Directives,
    description_line: &mut Option<u32>,
    author_line: &mut Option<u32>,
) -> Result<(), SourceError> {
    if comment == "no-transaction" {
        // sqlx's spelling, kept so a sqlx project reads the same under Strata.
        d.no_transaction = true;
        return Ok(());
    }
    let Some(rest) = strata_word(comment) else {
        return Ok(());
    };
    let (word, arg) = match rest.split_once(char::is_whitespace) {
        Some((word, arg)) => (word, arg.trim()),
        None => (rest, ""),
    };
    let bad = |problem: String| SourceError::BadDirective {
        path: path.to_owned(),
        line,
        problem,
    };
    match word {
        "no-transaction" => {
            if !arg.is_empty() {
                return Err(bad(format!(
                    "`-- strata:no-transaction` takes nothing after it, found `{arg}`. Remove it, or move the text to a comment line of its own."
                )));
            }
            d.no_transaction = true;
        }
        "description" | "author" => {
            let (slot, seen) = if word == "description" {
                (&mut d.description, description_line)
            } else {
                (&mut d.author, author_line)
            };
            if arg.is_empty() {
                return Err(bad(format!(
                    "`-- strata:{word}` needs text after it, e.g. `-- strata:{word} {}`. Add it or remove the line.",
                    if word == "description" { "Create the users table" } else { "Maya Chen" }
                )));
            }
            if let Some(first) = *seen {
                return Err(bad(format!(
                    "`-- strata:{word}` is given twice (first on line {first}). Keep one."
                )));
            }
            *seen = Some(line);
            *slot = Some(arg.to_owned());
        }
        "requires" => {
            let versions: Vec<&str> = arg
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|v| !v.is_empty())
                .collect();
            if versions.is_empty() {
                return Err(bad(
                    "`-- strata:requires` needs the version of the migration this one depends on, e.g. `-- strata:requires 20240115103000`. Add it or remove the line.".into(),
                ));
            }
            d.requires
                .extend(versions.into_iter().map(|v| (v.to_owned(), line)));
        }
        _ => {
            return Err(SourceError::UnknownDirective {
                path: path.to_owned(),
                line,
                word: word.to_owned(),
            })
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Directives {
        read(Path::new("m.sql"), text, 1).unwrap()
    }

    fn err(text: &str) -> String {
        read(Path::new("m.sql"), text, 1).unwrap_err().to_string()
    }

    #[test]
    fn reads_the_leading_comments() {
        let d = ok("-- strata:description Create users\r\n\
                    --strata:author   Maya Chen  \n\
                    /* a block\n comment */\n\
                    -- strata:no-transaction\n\
                    -- strata:requires 1, 2\n\
                    -- strata:requires 3\n\
                    \n\
                    create table users (id int);\n\
                    -- strata:no-transaction\n");
        assert_eq!(d.description.as_deref(), Some("Create users"));
        assert_eq!(d.author.as_deref(), Some("Maya Chen"));
        assert!(d.no_transaction);
        assert_eq!(
            d.requires,
            [("1".into(), 6), ("2".into(), 6), ("3".into(), 7)]
        );
        assert_eq!(d.first_sql_line, Some(9));
        assert_eq!(d.late, [(10, "strata:no-transaction".to_owned())]);
    }

    #[test]
    fn directives_after_sql_are_not_read() {
        let d = ok("select 1; -- strata:no-transaction\n-- strata:author X\n");
        assert!(!d.no_transaction && d.author.is_none());
        assert_eq!(d.first_sql_line, Some(1));
        assert_eq!(d.late, [(2, "strata:author X".to_owned())]);
    }

    proptest::proptest! {
        /// The scan for late directives finds what a walk through every line finds.
        #[test]
        fn late_directives_are_the_lines_that_start_with_one(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "select 1;", " ", "\t", "\n", "\r\n", "\r", "--", "-- strata:author X",
                "--strata:no-transaction", "-- note", "'--'", "é", "-", "strata:",
            ]), 0..24)
        ) {
            let rest = format!("x{}", pieces.concat());
            let mut walked = Vec::new();
            for (n, _, l) in crate::source::files::lines(&rest) {
                if let Some(comment) = l.trim_start().strip_prefix("--") {
                    let comment = comment.trim();
                    if strata_word(comment).is_some() {
                        walked.push((4 + n - 1, comment.to_owned()));
                    }
                }
            }
            let mut found = Vec::new();
            late(&rest, 4, &mut found);
            proptest::prop_assert_eq!(found, walked);
        }
    }

    #[test]
    fn sqlx_no_transaction_and_plain_comments() {
        assert!(ok("-- no-transaction\ncreate index concurrently i on t(a);").no_transaction);
        let d = ok("-- strataX: not ours\n-- a comment about strata:things\n");
        assert_eq!(d, Directives::default());
    }

    #[test]
    fn empty_and_comment_only_parts_have_no_sql() {
        assert_eq!(ok("").first_sql_line, None);
        assert_eq!(
            ok("  \n-- only a comment\n/* and a block */\n").first_sql_line,
            None
        );
        assert_eq!(ok("/* unterminated").first_sql_line, None);
        assert_eq!(ok("\r\r\rselect 1").first_sql_line, Some(4));
    }

    #[test]
    fn mistakes_are_errors_with_their_line() {
        let e = err("-- strata:description ok\n-- strata:no-transactoin\nselect 1;");
        assert!(
            e.starts_with("m.sql:2: unknown directive `-- strata:no-transactoin`")
                && e.contains("fix the spelling"),
            "{e}"
        );
        let e = err("-- Strata:Author x\n");
        assert!(e.contains("unknown directive `-- strata:Author`"), "{e}");
        let e = err("-- strata:description\n");
        assert!(e.starts_with("m.sql:1:") && e.contains("needs text"), "{e}");
        let e = err("-- strata:author a\n-- strata:author b\n");
        assert!(
            e.starts_with("m.sql:2:") && e.contains("given twice (first on line 1)"),
            "{e}"
        );
        let e = err("-- strata:requires\n");
        assert!(e.contains("needs the version"), "{e}");
        let e = err("-- strata:no-transaction please\n");
        assert!(e.contains("takes nothing after it"), "{e}");
    }

    #[test]
    fn lines_count_from_the_part_start() {
        let e = read(Path::new("m.sql"), "-- migrate:down\n-- strata:nope\n", 7)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.sql:8:"), "{e}");
    }
}
