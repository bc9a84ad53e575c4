//! Turning a dataset row into the values written: lookups become the referenced ids (read
//! from the live database after the referenced dataset is applied) and passwords become
//! argon2id hashes. An unresolved lookup or a missing secret stops the dataset, naming the row.

use std::collections::HashMap;

use super::apply::{ApplyError, GeneratedPassword};
use super::dataset::{Cell, Dataset, Row};
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
}

fn sql_err<'a>(d: &'a Dataset, action: &'static str) -> impl Fn(sqlx::Error) -> ApplyError + 'a {
    move |source| ApplyError::Sql {
        dataset: d.name.clone(),
        action,
        source,
    }
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
            let sql = format!(
                "SELECT {}, {} FROM {}",
                text_cast(kind, &ident(kind, &l.by)),
                text_cast(kind, &ident(kind, &l.id)),
                ident(kind, &l.table)
            );
            let rows = conn
                .text_rows(&sql, &[])
                .await
                .map_err(sql_err(d, "reading a lookup's table"))?;
            let map = rows
                .into_iter()
                .filter_map(|r| Some((r[0].clone()?, r[1].clone()?)))
                .collect();
            lookups.push(Some((l.table.clone(), l.by.clone(), map)));
        }
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
        })
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
