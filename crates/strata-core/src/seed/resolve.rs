//! Turning a dataset row into the values written: lookups become the referenced ids (read
//! from the live database after the referenced dataset is applied) and passwords become
//! argon2id hashes. An unresolved lookup or a missing secret stops the dataset, naming the row.
//! A lookup into the dataset's own table (a category's parent category) may name a row the
//! dataset itself adds: that row is written with NULL there, and once every row is in the
//! table the column is set by the row's key ([`Resolver::finish`]).

use std::collections::HashMap;

use super::apply::{ApplyError, GeneratedPassword};
use super::dataset::{Cell, Dataset, Lookup, Row};
use super::db::{ident, text_cast, SeedConn};
use super::error::Location;
use super::password::{self, SecretSource};
use super::value::Value;
use crate::dialect::DatabaseKind;

/// A lookup's table, natural key column, and natural key text → id text.
type LookupMap = (String, String, HashMap<String, String>);

pub(crate) struct Resolver {
    /// Per row column: the lookup map (natural key text → id text) when it is a lookup.
    lookups: Vec<Option<LookupMap>>,
    /// Per row column: whether it is a password column.
    passwords: Vec<bool>,
    /// Existing hashes by key text, to keep a hash whose password did not change.
    existing: HashMap<String, Vec<Option<String>>>,
    key_idx: Vec<usize>,
    pw_cols: Vec<usize>,
    pub(crate) generated: Vec<GeneratedPassword>,
    /// Per row column: whether its lookup is into the dataset's own table.
    own_table: Vec<bool>,
    /// Self-lookups naming rows that were not in the table yet, set by [`Resolver::finish`].
    deferred: Vec<Deferred>,
}

/// A lookup into the dataset's own table to set after the dataset's rows are written.
struct Deferred {
    at: Location,
    /// The lookup's column among the row's columns.
    column: usize,
    natural: String,
    /// The row's key values, in the order of the dataset's key.
    key: Vec<Value>,
}

fn sql_err<'a>(d: &'a Dataset, action: &'static str) -> impl Fn(sqlx::Error) -> ApplyError + 'a {
    move |source| ApplyError::Sql {
        dataset: d.name.clone(),
        action,
        source,
    }
}

/// The lookup's referenced table as natural key text → id text.
async fn lookup_map(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    d: &Dataset,
    l: &Lookup,
    action: &'static str,
) -> Result<HashMap<String, String>, ApplyError> {
    let sql = format!(
        "SELECT {}, {} FROM {}",
        text_cast(kind, &ident(kind, &l.by)),
        text_cast(kind, &ident(kind, &l.id)),
        ident(kind, &l.table)
    );
    let rows = conn
        .text_rows(&sql, &[])
        .await
        .map_err(sql_err(d, action))?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r[0].clone()?, r[1].clone()?)))
        .collect())
}

impl Resolver {
    pub(crate) async fn new(
        conn: &mut SeedConn,
        kind: DatabaseKind,
        d: &Dataset,
    ) -> Result<Self, ApplyError> {
        let table_cols = d.table_columns();
        let mut lookups = Vec::with_capacity(d.columns.len());
        for c in &d.columns {
            let Some(l) = d.lookups.iter().find(|l| &l.alias == c) else {
                lookups.push(None);
                continue;
            };
            let map = lookup_map(conn, kind, d, l, "reading a lookup's table").await?;
            lookups.push(Some((l.table.clone(), l.by.clone(), map)));
        }
        let own_table: Vec<bool> = (d.columns.iter())
            .map(|c| {
                d.lookups
                    .iter()
                    .any(|l| &l.alias == c && l.table == d.table)
            })
            .collect();
        let passwords: Vec<bool> = table_cols.iter().map(|c| d.passwords.contains(c)).collect();
        let key_idx: Vec<usize> = d
            .key
            .iter()
            .filter_map(|k| table_cols.iter().position(|c| c == k))
            .collect();
        let pw_cols: Vec<usize> = (0..passwords.len()).filter(|i| passwords[*i]).collect();
        let mut existing = HashMap::new();
        if !pw_cols.is_empty() {
            let cols: Vec<String> = key_idx
                .iter()
                .chain(&pw_cols)
                .map(|i| text_cast(kind, &ident(kind, &table_cols[*i])))
                .collect();
            let sql = format!("SELECT {} FROM {}", cols.join(", "), ident(kind, &d.table));
            for r in conn
                .text_rows(&sql, &[])
                .await
                .map_err(sql_err(d, "reading the stored password hashes"))?
            {
                let key = r[..key_idx.len()]
                    .iter()
                    .map(|v| v.clone().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\u{1f}");
                existing.insert(key, r[key_idx.len()..].to_vec());
            }
        }
        Ok(Self {
            lookups,
            passwords,
            existing,
            key_idx,
            pw_cols,
            generated: Vec::new(),
            own_table,
            deferred: Vec::new(),
        })
    }

    /// Forget what a failed attempt at writing the rows produced, before they are sent again.
    pub(crate) fn reset(&mut self) {
        self.generated.clear();
        self.deferred.clear();
    }

    /// Set the self-lookups that named rows of this dataset, now that they are in the table:
    /// one read of the natural keys, then one `UPDATE` per such row, found by its key.
    pub(crate) async fn finish(
        &mut self,
        conn: &mut SeedConn,
        kind: DatabaseKind,
        d: &Dataset,
    ) -> Result<(), ApplyError> {
        let deferred = std::mem::take(&mut self.deferred);
        let Some(first) = deferred.first() else {
            return Ok(());
        };
        if d.key.is_empty() {
            return Err(ApplyError::Value {
                at: first.at.clone(),
                message: format!(
                    "'{}' is a row this dataset adds to {}, and a dataset needs a `key` to refer to its own rows. Add `key:` (e.g. the natural key column); the dataset was rolled back.",
                    first.natural, d.table
                ),
            });
        }
        let table_cols = d.table_columns();
        let mut maps: HashMap<usize, HashMap<String, String>> = HashMap::new();
        for x in &deferred {
            if maps.contains_key(&x.column) {
                continue;
            }
            let l = (d.lookups.iter())
                .find(|l| l.alias == d.columns[x.column])
                .expect("a self-lookup");
            let map = lookup_map(conn, kind, d, l, "reading the dataset's own rows").await?;
            maps.insert(x.column, map);
        }
        let keys: Vec<String> = d.key.iter().map(|k| ident(kind, k)).collect();
        for x in deferred {
            let l = (d.lookups.iter())
                .find(|l| l.alias == d.columns[x.column])
                .expect("a self-lookup");
            let Some(id) = maps[&x.column].get(&x.natural) else {
                return Err(ApplyError::Lookup {
                    at: x.at,
                    value: x.natural,
                    table: d.table.clone(),
                    by: l.by.clone(),
                });
            };
            let mut n = 1;
            let mut param = || {
                let p = super::db::param(kind, n);
                n += 1;
                p
            };
            let set = format!("{} = {}", ident(kind, &table_cols[x.column]), param());
            let wheres: Vec<String> = keys.iter().map(|k| format!("{k} = {}", param())).collect();
            let sql = format!(
                "UPDATE {} SET {set} WHERE {}",
                ident(kind, &d.table),
                wheres.join(" AND ")
            );
            let id = id
                .parse::<i64>()
                .map_or_else(|_| Value::Text(id.clone()), Value::Int);
            let values: Vec<Value> = std::iter::once(id).chain(x.key).collect();
            conn.execute_bound(&sql, &values)
                .await
                .map_err(sql_err(d, "setting a lookup into the dataset's own rows"))?;
        }
        Ok(())
    }

    /// The values of `row` as written, in table-column order.
    pub(crate) fn row(
        &mut self,
        d: &Dataset,
        row: Row,
        secrets: &dyn SecretSource,
    ) -> Result<Vec<Value>, ApplyError> {
        let at = |col: &str| {
            Location::file(&d.file)
                .dataset(&d.name)
                .line(row.line)
                .row(row.number)
                .column(col)
        };
        let mut values: Vec<Option<Value>> = Vec::with_capacity(row.cells.len());
        let mut pending: Vec<(usize, Cell)> = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            if self.passwords[i] {
                values.push(None);
                pending.push((i, cell.clone()));
                continue;
            }
            let Cell::Value(v) = cell else {
                return Err(ApplyError::Value {
                    at: at(&d.columns[i]),
                    message: "a secret outside a password column".into(),
                });
            };
            let v = match (&self.lookups[i], v) {
                (None, v) | (Some(_), v @ Value::Null) => v.clone(),
                (Some((_, _, map)), v)
                    if self.own_table[i] && !map.contains_key(&v.to_text().unwrap_or_default()) =>
                {
                    // A row this dataset adds: set once every row is in the table.
                    self.deferred.push(Deferred {
                        at: at(&d.columns[i]),
                        column: i,
                        natural: v.to_text().unwrap_or_default(),
                        key: Vec::new(),
                    });
                    Value::Null
                }
                (Some((table, by, map)), v) => {
                    let natural = v.to_text().unwrap_or_default();
                    let id = map.get(&natural).ok_or_else(|| ApplyError::Lookup {
                        at: at(&d.columns[i]),
                        value: natural.clone(),
                        table: table.clone(),
                        by: by.clone(),
                    })?;
                    id.parse::<i64>()
                        .map_or_else(|_| Value::Text(id.clone()), Value::Int)
                }
            };
            values.push(Some(v));
        }
        let waiting = (self.deferred.iter().rev())
            .take_while(|x| x.key.is_empty() && x.at.row == Some(row.number))
            .count();
        if waiting > 0 {
            let key: Vec<Value> = (self.key_idx.iter())
                .map(|i| values[*i].clone().unwrap_or(Value::Null))
                .collect();
            let n = self.deferred.len();
            for x in &mut self.deferred[n - waiting..] {
                x.key = key.clone();
            }
        }
        if !pending.is_empty() {
            let key = self
                .key_idx
                .iter()
                .map(|i| {
                    values[*i]
                        .as_ref()
                        .and_then(Value::to_text)
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("\u{1f}");
            let stored = self.existing.get(&key);
            for (i, cell) in pending {
                let pos = self
                    .pw_cols
                    .iter()
                    .position(|c| *c == i)
                    .expect("a password column");
                let old = stored.and_then(|s| s[pos].clone());
                let plain = match cell {
                    Cell::Value(Value::Null) => {
                        values[i] = Some(Value::Null);
                        continue;
                    }
                    Cell::Value(v) => v.to_text().unwrap_or_default(),
                    Cell::Secret(name) => {
                        secrets
                            .secret(&name)
                            .ok_or_else(|| ApplyError::MissingSecret {
                                at: at(&d.columns[i]),
                                name: name.clone(),
                            })?
                    }
                    Cell::GeneratePassword => {
                        if let Some(old) = old {
                            // Generated on an earlier run and shown then: keep it.
                            values[i] = Some(Value::Text(old));
                            continue;
                        }
                        let p = password::generate();
                        self.generated.push(GeneratedPassword {
                            dataset: d.name.clone(),
                            row: row.number,
                            column: d.columns[i].clone(),
                            key: key.replace('\u{1f}', ", "),
                            password: p.clone(),
                        });
                        p
                    }
                };
                let hash = match old {
                    Some(old) if password::verify(&plain, &old) => old,
                    _ => password::hash(&plain),
                };
                values[i] = Some(Value::Text(hash));
            }
        }
        Ok(values
            .into_iter()
            .map(|v| v.expect("every column resolved"))
            .collect())
    }
}
