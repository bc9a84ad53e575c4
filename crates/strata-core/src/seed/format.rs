//! Reading one dataset file (YAML, JSON, or SQL with `-- strata:` directives) into a
//! [`Dataset`]. A file either loads whole and valid or is refused with its file, line, row and
//! column; unknown keys and generators are errors, never ignored.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use serde_yaml::Value as Y;

use super::dataset::{Cell, Dataset, Environment, Lookup, Row, Source};
use super::error::{Location, SeedError};
use super::value::Value;

/// Environments of a dataset that names none: never staging or production by accident.
pub const DEFAULT_ENVIRONMENTS: [Environment; 2] = [Environment::Development, Environment::Testing];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    table: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    key: OneOrMany,
    #[serde(default)]
    environments: Option<Vec<Environment>>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    owned: bool,
    #[serde(default)]
    lookups: BTreeMap<String, LookupFile>,
    #[serde(default)]
    columns: BTreeMap<String, ColumnFile>,
    #[serde(default)]
    rows: Option<Vec<serde_yaml::Mapping>>,
    #[serde(default)]
    csv: Option<String>,
    #[serde(default)]
    generate: Option<GenerateFile>,
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LookupFile {
    column: String,
    #[serde(default)]
    dataset: Option<String>,
    #[serde(default)]
    table: Option<String>,
    by: String,
    #[serde(default = "id")]
    id: String,
}

fn id() -> String {
    "id".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnFile {
    #[serde(default)]
    password: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerateFile {
    count: u64,
    columns: serde_yaml::Mapping,
}

/// Read a YAML or JSON dataset. `tables` maps other datasets to their tables (for lookups to
/// a dataset), filled in later by the catalog; here the dataset's name stands in.
pub(crate) fn read_data_file(path: &Path, name: &str, json: bool) -> Result<Dataset, SeedError> {
    let bytes = std::fs::read(path).map_err(|source| SeedError::Read {
        path: path.into(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let at = Location::file(path).dataset(name);
    let file: File = if json {
        serde_json::from_str(&text).map_err(|e| SeedError::Syntax {
            at: at.clone().line(Some(e.line())),
            message: e.to_string(),
        })?
    } else {
        serde_yaml::from_str(&text).map_err(|e| SeedError::Syntax {
            at: at.clone().line(e.location().map(|l| l.line())),
            message: e.to_string(),
        })?
    };
    let invalid = |message: String| SeedError::Invalid {
        at: at.clone(),
        message,
    };
    let key = match file.key {
        OneOrMany::None => Vec::new(),
        OneOrMany::One(k) => vec![k],
        OneOrMany::Many(k) => k,
    };
    let mut lookups = Vec::new();
    for (alias, l) in file.lookups {
        let table = match (&l.dataset, l.table) {
            (Some(_), Some(_)) => {
                return Err(invalid(format!(
                    "lookup '{alias}' names both a dataset and a table; name one"
                )))
            }
            (None, None) => {
                return Err(invalid(format!(
                    "lookup '{alias}' needs the dataset or the table it refers to"
                )))
            }
            // Filled with the dataset's table by the catalog.
            (Some(d), None) => d.clone(),
            (None, Some(t)) => t,
        };
        lookups.push(Lookup {
            alias,
            column: l.column,
            table,
            dataset: l.dataset,
            by: l.by,
            id: l.id,
        });
    }
    let mut checksum_input = bytes.clone();
    let sources = [
        file.rows.is_some(),
        file.csv.is_some(),
        file.generate.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() != 1 {
        return Err(invalid(
            "a dataset has exactly one of `rows`, `csv` or `generate`".into(),
        ));
    }
    let (columns, source) = if let Some(rows) = file.rows {
        literal_rows(&text, rows, &at)?
    } else if let Some(csv) = file.csv {
        let csv_path = path.parent().unwrap_or(Path::new(".")).join(&csv);
        let (columns, rows, csv_bytes) = super::csv::scan(&csv_path, name, &key, &lookups)?;
        checksum_input.extend_from_slice(&csv_bytes);
        (
            columns,
            Source::Csv {
                path: csv_path,
                rows,
            },
        )
    } else {
        let g = file.generate.expect("one source is set");
        let mut columns = Vec::new();
        let mut generators = Vec::new();
        for (col, spec) in &g.columns {
            let col = col
                .as_str()
                .ok_or_else(|| invalid("generated column names must be text".into()))?;
            let cat = at.clone().line(line_of_key(&text, col)).column(col);
            let gen = super::spec::parse(spec).map_err(|message| {
                match message.strip_prefix("unknown generator '") {
                    Some(rest) => SeedError::UnknownGenerator {
                        at: cat.clone(),
                        name: rest.split('\'').next().unwrap_or_default().to_owned(),
                        known: super::generate::Generator::NAMES.join(", "),
                    },
                    None => SeedError::Invalid {
                        at: cat.clone(),
                        message,
                    },
                }
            })?;
            columns.push(col.to_owned());
            generators.push(gen);
        }
        (
            columns,
            Source::Generated {
                count: g.count,
                generators,
            },
        )
    };
    let environments = file
        .environments
        .unwrap_or_else(|| DEFAULT_ENVIRONMENTS.to_vec());
    if environments.is_empty() {
        return Err(invalid("`environments` is empty: name at least one of development, testing, staging, production".into()));
    }
    let dataset = Dataset {
        name: name.to_owned(),
        file: path.to_owned(),
        table: file.table,
        description: file.description,
        key,
        environments,
        depends_on: file.depends_on,
        owned: file.owned,
        lookups,
        passwords: (file.columns.iter())
            .filter(|(_, c)| c.password)
            .map(|(n, _)| n.clone())
            .collect(),
        columns,
        source,
        checksum: super::sha256_hex(&checksum_input),
    };
    super::check::dataset(&dataset)?;
    Ok(dataset)
}

/// Literal rows: every row names the same columns (the first row's, in its order).
fn literal_rows(
    text: &str,
    rows: Vec<serde_yaml::Mapping>,
    at: &Location,
) -> Result<(Vec<String>, Source), SeedError> {
    let lines = row_lines(text);
    let mut columns: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, map) in rows.into_iter().enumerate() {
        let number = i as u64 + 1;
        let line = lines.get(i).copied();
        let here = || at.clone().line(line).row(number);
        let mut cells: HashMap<String, Cell> = HashMap::new();
        let mut order = Vec::new();
        for (k, v) in map {
            let k = k
                .as_str()
                .ok_or_else(|| SeedError::Invalid {
                    at: here(),
                    message: "column names must be text".into(),
                })?
                .to_owned();
            let cell = cell(&v).map_err(|message| SeedError::Value {
                at: here().column(&k),
                message,
            })?;
            order.push(k.clone());
            cells.insert(k, cell);
        }
        if i == 0 {
            columns = order;
        } else {
            if let Some(extra) = order.iter().find(|c| !columns.contains(c)) {
                return Err(SeedError::Invalid { at: here().column(extra), message: format!("column '{extra}' is not in the first row; every row names the same columns ({})", columns.join(", ")) });
            }
            if let Some(missing) = columns.iter().find(|c| !cells.contains_key(*c)) {
                return Err(SeedError::Invalid { at: here().column(missing), message: format!("the row lacks column '{missing}'; every row names the same columns (write `{missing}: null` for NULL)") });
            }
        }
        let cells = columns
            .iter()
            .map(|c| cells.remove(c).expect("checked above"))
            .collect();
        out.push(Row {
            number,
            line,
            cells,
        });
    }
    Ok((columns, Source::Rows { rows: out }))
}

/// A row value: a scalar, `{secret: NAME}` or `{generate: true}` (passwords).
fn cell(v: &Y) -> Result<Cell, String> {
    if let Some(v) = Value::from_yaml(v) {
        return Ok(Cell::Value(v));
    }
    let m = v.as_mapping().filter(|m| m.len() == 1).ok_or("a row value must be a plain value (text, number, true/false, null), `{secret: NAME}` or `{generate: true}`")?;
    let (k, val) = m.iter().next().expect("one entry");
    match (k.as_str(), val) {
        (Some("secret"), Y::String(name)) => Ok(Cell::Secret(name.clone())),
        (Some("generate"), Y::Bool(true)) => Ok(Cell::GeneratePassword),
        _ => {
            Err("a row value must be a plain value, `{secret: NAME}` or `{generate: true}`".into())
        }
    }
}

/// Best effort: the 1-based line of each item of the top-level `rows:` block list.
pub(crate) fn row_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_rows = false;
    let mut item_indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent == 0 && !trimmed.starts_with('-') {
            in_rows = trimmed.starts_with("rows:") || trimmed.starts_with("\"rows\":");
            item_indent = None;
            continue;
        }
        if in_rows && trimmed.starts_with('-') {
            let want = *item_indent.get_or_insert(indent);
            if indent == want {
                out.push(i + 1);
            }
        }
    }
    out
}

/// Best effort: the first line where `key:` starts a line (after indentation).
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let pat = format!("{key}:");
    text.lines()
        .position(|l| l.trim_start().starts_with(&pat))
        .map(|i| i + 1)
}

/// Read a SQL dataset: leading `-- strata:<directive> <value>` comments, then SQL run as written.
pub(crate) fn read_sql_file(path: &Path, name: &str) -> Result<Dataset, SeedError> {
    let bytes = std::fs::read(path).map_err(|source| SeedError::Read {
        path: path.into(),
        source,
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| SeedError::Invalid {
        at: Location::file(path).dataset(name),
        message: format!("not UTF-8 text: {e}"),
    })?;
    let (mut table, mut description, mut environments, mut depends_on) =
        (None, None, None, Vec::new());
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim().strip_prefix("-- strata:") else {
            continue;
        };
        let at = || Location::file(path).dataset(name).line(Some(i + 1));
        let (directive, value) = rest
            .split_once(char::is_whitespace)
            .map_or((rest, ""), |(d, v)| (d, v.trim()));
        let list = || {
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        match directive {
            "table" => table = Some(value.to_owned()),
            "description" => description = Some(value.to_owned()),
            "depends_on" => depends_on = list(),
            "environments" => {
                let mut envs = Vec::new();
                for e in list() {
                    envs.push(Environment::parse(&e).ok_or_else(|| SeedError::Invalid { at: at(), message: format!("unknown environment '{e}': use development, testing, staging or production") })?);
                }
                environments = Some(envs);
            }
            other => return Err(SeedError::Invalid { at: at(), message: format!("unknown directive `-- strata:{other}`. SQL datasets take table, description, depends_on and environments") }),
        }
    }
    Ok(Dataset {
        name: name.to_owned(),
        file: path.to_owned(),
        table: table.unwrap_or_default(),
        description,
        key: Vec::new(),
        environments: environments.unwrap_or_else(|| DEFAULT_ENVIRONMENTS.to_vec()),
        depends_on,
        owned: false,
        lookups: Vec::new(),
        passwords: Vec::new(),
        columns: Vec::new(),
        checksum: super::sha256_hex(&bytes),
        source: Source::Sql { text },
    })
}
