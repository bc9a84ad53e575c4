//! MariaDB sequences (10.3+): `information_schema.TABLES` lists them as `SEQUENCE`; their
//! values are selected from the sequence itself and their type read off `SHOW CREATE SEQUENCE`
//! (MariaDB 11.5+ lets a sequence be `AS int` and so on; earlier servers only have `bigint`).
//! MySQL has no sequences, so the list is empty there.

use sqlx::MySqlConnection;

use super::mysql::{fetch, int, normalise_type, opt, text};
use super::mysql_sql::{sequence_values, SEQUENCES};
use super::IntrospectError;
use crate::driver::trusted;
use crate::schema::model::{Namespace, Sequence};

/// Read every sequence of the connected database into `ns.sequences`.
pub(super) async fn read_sequences(
    conn: &mut MySqlConnection,
    target: &str,
    ns: &mut Namespace,
) -> Result<(), IntrospectError> {
    let object = "the sequences (information_schema.TABLES)";
    for row in fetch(conn, target, SEQUENCES, object).await? {
        let name = text(&row, 0, target, object)?;
        let quoted = format!("`{}`", name.replace('`', "``"));
        let object = format!("the values of sequence {name} (SELECT … FROM {quoted})");
        let values = sqlx::raw_sql(trusted(sequence_values(&quoted)))
            .fetch_one(&mut *conn)
            .await
            .map_err(IntrospectError::read(target, object.clone()))?;
        let value = |i: usize| {
            int(&values, i, target, &object)?.ok_or_else(|| IntrospectError::Unreadable {
                target: target.to_owned(),
                object: format!("sequence {name}"),
                detail: format!(
                    "the server returned no value in column {} of its row",
                    i + 1
                ),
            })
        };
        let sequence = Sequence {
            name: name.clone(),
            data_type: String::new(),
            start: value(0)?,
            min_value: value(1)?,
            max_value: value(2)?,
            increment: value(3)?,
            cache: value(4)?,
            cycle: value(5)? != 0,
        };
        let shown = format!("the definition of sequence {name} (SHOW CREATE SEQUENCE)");
        let row = sqlx::raw_sql(trusted(format!("SHOW CREATE SEQUENCE {quoted}")))
            .fetch_one(&mut *conn)
            .await
            .map_err(IntrospectError::read(target, shown.clone()))?;
        let create = opt(&row, 1, target, &shown)?.unwrap_or_default();
        ns.sequences.insert(
            name,
            Sequence {
                data_type: data_type(&create),
                ..sequence
            },
        );
    }
    Ok(())
}

/// The type `SHOW CREATE SEQUENCE` names after the sequence's name (`` CREATE SEQUENCE `s` as
/// int start with … ``), or `bigint`, the type of a sequence that names none.
fn data_type(create: &str) -> String {
    let Some(open) = create.find('`') else {
        return "bigint".into();
    };
    // The name ends at the first single backquote (a doubled one is part of the name).
    let rest = &create[open + 1..];
    let mut end = None;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if chars.peek().is_some_and(|&(_, n)| n == '`') {
                chars.next();
            } else {
                end = Some(i + 1);
                break;
            }
        }
    }
    let after = end.map(|e| rest[e..].trim_start()).unwrap_or_default();
    let lower = after.to_lowercase();
    match lower.strip_prefix("as ") {
        Some(t) => normalise_type(t.split(" start with").next().unwrap_or(t)),
        None => "bigint".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::data_type;

    #[test]
    fn the_type_is_read_after_the_name_or_is_bigint() {
        let cases = [
            ("CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB", "bigint"),
            ("CREATE SEQUENCE `s` as int start with 1 minvalue 1 maxvalue 2147483646 increment by 1 cache 1000 nocycle ENGINE=InnoDB", "int"),
            ("CREATE SEQUENCE `a``s b` as smallint unsigned start with 1", "smallint unsigned"),
            ("CREATE SEQUENCE `as int start with` start with 1", "bigint"),
        ];
        for (create, want) in cases {
            assert_eq!(data_type(create), want, "{create}");
        }
    }
}
