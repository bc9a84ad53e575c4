//! A saved connection: everything needed to reach one database except its password, which
//! only ever lives in the keychain. [`ConnectionProfile::validate`] is the one gate a profile
//! passes before it is stored, and every rejection names the form field it belongs to.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use strata_core::DatabaseKind;

use crate::environment::EnvironmentTier;
pub use crate::protection::Protection;

/// The longest connection or group name, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// The longest host name (DNS limit).
pub const HOST_MAX_CHARS: usize = 253;

/// One saved connection. It never holds a password: see [`PasswordMode`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionProfile {
    /// Stable id (32 hex digits), also the keychain account of the password.
    pub id: String,
    pub name: String,
    pub engine: DatabaseKind,
    /// Host name, IP address (IPv6 without brackets) or, for PostgreSQL, a Unix socket folder
    /// (an absolute path). Empty for SQLite.
    #[serde(default)]
    pub host: String,
    /// `None`: the engine's default port.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub database: String,
    #[serde(default)]
    pub user: String,
    /// The database file of a SQLite connection.
    #[serde(default)]
    pub sqlite_path: Option<PathBuf>,
    #[serde(default)]
    pub tls: TlsSettings,
    /// Extra URL parameters (`options`, `application_name`, `charset`…), kept verbatim and in
    /// order. Never a password, TLS setting or field the form has its own place for.
    #[serde(default)]
    pub options: Vec<(String, String)>,
    pub tier: EnvironmentTier,
    /// The tier colour override, `#rrggbb`.
    #[serde(default)]
    pub colour: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    /// The project folder this connection belongs to (else its group's, if any).
    #[serde(default)]
    pub project_dir: Option<PathBuf>,
    pub protection: Protection,
    pub password: PasswordMode,
}

/// Transport security of a PostgreSQL or MySQL connection, named as PostgreSQL names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlsSettings {
    pub mode: TlsMode,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    #[serde(default)]
    pub client_key: Option<PathBuf>,
}

/// PostgreSQL's `sslmode` values; MySQL's `ssl-mode` maps onto them (`VERIFY_IDENTITY` is
/// `VerifyFull`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// No TLS: the password and every query cross the network in the clear.
    Disable,
    /// TLS when the server offers it, silently plaintext when it does not (or when someone in
    /// between says it does not).
    Prefer,
    /// Always TLS, but any certificate is accepted.
    Require,
    /// TLS with a certificate signed by a trusted CA, any host name.
    VerifyCa,
    /// TLS with a trusted certificate for this host name. The default.
    #[default]
    VerifyFull,
}

impl TlsMode {
    /// Whether traffic can travel unencrypted: `Disable`, and `Prefer`, which falls back to
    /// plaintext without telling anyone.
    pub fn may_be_plaintext(self) -> bool {
        matches!(self, Self::Disable | Self::Prefer)
    }

    /// Whether the server's certificate is checked.
    pub fn verifies_server(self) -> bool {
        matches!(self, Self::VerifyCa | Self::VerifyFull)
    }
}

/// Where the password comes from. The value itself is never in the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PasswordMode {
    /// In the OS keychain under [`crate::credentials::CredentialKey::for_connection`].
    Keychain,
    /// Asked for at the first connection of a session, kept in memory until the app quits.
    AskEachTime,
    /// The server needs none (trust, peer or certificate authentication; SQLite).
    None,
}

/// A rejected value, attached to the form field it came from. `field` is the profile field's
/// JSON name (`host`, `port`, `tls.caFile`, `sqlitePath`…) or `url` for a pasted URL as a whole.
/// The message never quotes a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A fresh connection id: 128 random bits as 32 lowercase hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    // The OS's random source fails only on a broken system, where std's own HashMap keys
    // (the same source) already panic.
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The port an engine listens on when the profile names none.
pub fn default_port(engine: DatabaseKind) -> Option<u16> {
    match engine {
        DatabaseKind::Postgres => Some(5432),
        DatabaseKind::Mysql => Some(3306),
        DatabaseKind::Sqlite => None,
    }
}

/// Whether `host` is this machine: `localhost`, a loopback address or a Unix socket folder.
pub fn is_local_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The TLS mode a new connection starts with: verifying for anything remote, `Prefer` on this
/// machine (local servers rarely have certificates), `Disable` for SQLite (no network).
pub fn default_tls_mode(engine: DatabaseKind, host: &str) -> TlsMode {
    match engine {
        DatabaseKind::Sqlite => TlsMode::Disable,
        _ if is_local_host(host) => TlsMode::Prefer,
        _ => TlsMode::VerifyFull,
    }
}

impl ConnectionProfile {
    /// A new, empty connection with a fresh id and the safe defaults: TLS verify-full for a
    /// server (change it with [`default_tls_mode`] once the host is known), the tier's
    /// protection, the password in the keychain.
    pub fn new(name: impl Into<String>, engine: DatabaseKind, tier: EnvironmentTier) -> Self {
        let sqlite = engine == DatabaseKind::Sqlite;
        Self {
            id: new_id(),
            name: name.into(),
            engine,
            host: String::new(),
            port: None,
            database: String::new(),
            user: String::new(),
            sqlite_path: None,
            tls: TlsSettings {
                mode: default_tls_mode(engine, ""),
                ..TlsSettings::default()
            },
            options: Vec::new(),
            tier,
            colour: None,
            group: None,
            project_dir: None,
            protection: Protection::for_tier(tier),
            password: if sqlite {
                PasswordMode::None
            } else {
                PasswordMode::Keychain
            },
        }
    }

    /// Whether the list must show the plaintext marker: a network connection whose traffic
    /// can travel unencrypted (TLS `disable` or `prefer`). SQLite files and PostgreSQL Unix
    /// sockets cross no network and never are.
    pub fn is_plaintext(&self) -> bool {
        let network = self.engine != DatabaseKind::Sqlite && !self.host.starts_with('/');
        network && self.tls.mode.may_be_plaintext()
    }

    /// What the user types to confirm applying: the database name, or for SQLite the file
    /// name (`shop.sqlite3`).
    pub fn confirmation_name(&self) -> String {
        match (self.engine, &self.sqlite_path) {
            (DatabaseKind::Sqlite, Some(path)) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            (DatabaseKind::Sqlite, None) => String::new(),
            _ => self.database.clone(),
        }
    }

    /// Check every field; `others` are the saved connections (this profile's own entry, same
    /// id, is skipped). All problems are reported at once, each with its field.
    pub fn validate(&self, others: &[ConnectionProfile]) -> Result<(), Vec<FieldError>> {
        let tls = &self.tls;
        let mut checks = vec![
            ("id", check_id(&self.id)),
            ("name", check_label(&self.name, "name")),
            ("name", self.check_unique_name(others)),
        ];
        if self.engine == DatabaseKind::Sqlite {
            checks.push(("sqlitePath", check_sqlite_path(self.sqlite_path.as_deref())));
        } else {
            checks.extend([
                ("host", check_host(self.engine, &self.host)),
                ("port", require(self.port != Some(0), PORT_RANGE)),
                ("database", check_database(&self.database)),
                ("tls.caFile", check_file(tls.ca_file.as_deref())),
                ("tls.clientCert", check_file(tls.client_cert.as_deref())),
                ("tls.clientKey", check_file(tls.client_key.as_deref())),
                (
                    "tls.clientKey",
                    require(
                        tls.client_cert.is_none() || tls.client_key.is_some(),
                        "a client certificate needs its key file",
                    ),
                ),
                (
                    "tls.clientCert",
                    require(
                        tls.client_key.is_none() || tls.client_cert.is_some(),
                        "a client key needs its certificate file",
                    ),
                ),
            ]);
        }
        let group = self.group.as_deref();
        checks.extend([
            ("options", check_options(self.engine, &self.options)),
            ("colour", check_colour(self.colour.as_deref())),
            (
                "group",
                group.map_or(Ok(()), |g| check_label(g, "group name")),
            ),
            (
                "projectDir",
                self.project_dir.as_deref().map_or(Ok(()), check_folder),
            ),
        ]);
        let errors: Vec<FieldError> = checks
            .into_iter()
            .filter_map(|(field, result)| result.err().map(|m| FieldError::new(field, m)))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn check_unique_name(&self, others: &[ConnectionProfile]) -> Result<(), String> {
        let key = name_key(&self.name);
        match others
            .iter()
            .find(|o| o.id != self.id && name_key(&o.name) == key)
        {
            Some(other) => Err(format!(
                "another connection is already named \"{}\"",
                other.name
            )),
            None => Ok(()),
        }
    }
}

/// Names compare trimmed and case-insensitively: "Prod" and " prod" are the same name.
pub(crate) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

pub(crate) const PORT_RANGE: &str = "the port must be a number from 1 to 65535";

fn require(ok: bool, message: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(message.to_owned())
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    require(
        (1..=64).contains(&id.len()) && id.bytes().all(allowed),
        "a connection id is 1 to 64 letters, digits, '-' or '_'",
    )
}

fn check_label(value: &str, what: &str) -> Result<(), String> {
    let chars = value.chars().count();
    if value.trim().is_empty() {
        Err(format!("enter a {what}"))
    } else if chars > NAME_MAX_CHARS {
        Err(format!(
            "a {what} has at most {NAME_MAX_CHARS} characters (this one has {chars})"
        ))
    } else if value.chars().any(char::is_control) {
        Err(format!(
            "a {what} cannot contain line breaks, tabs or other control characters"
        ))
    } else {
        Ok(())
    }
}

fn check_host(engine: DatabaseKind, host: &str) -> Result<(), String> {
    if host.trim().is_empty() {
        return Err("enter a host name or IP address".into());
    }
    if engine == DatabaseKind::Postgres && host.starts_with('/') {
        return Ok(()); // the folder of a Unix socket
    }
    if host.chars().count() > HOST_MAX_CHARS {
        return Err(format!(
            "a host name has at most {HOST_MAX_CHARS} characters"
        ));
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    let bare = bare.unwrap_or(host);
    if bare.contains(':') {
        let ipv6 = bare.parse::<std::net::Ipv6Addr>().is_ok();
        return require(
            ipv6,
            "not a valid IPv6 address (a port goes in the port field)",
        );
    }
    if !host.is_ascii() {
        return Err("write an international host name in its ASCII form (xn--…)".into());
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    if !host.bytes().all(allowed) {
        return Err("a host name may contain only letters, digits, '-', '.' and '_' (no spaces, quotes, '/' or '@')".into());
    }
    require(
        !host.starts_with(['-', '.']) && !host.contains(".."),
        "not a valid host name: it starts with '-' or '.' or has an empty part",
    )
}

fn check_database(database: &str) -> Result<(), String> {
    if database.is_empty() {
        Err("enter the name of the database to connect to".into())
    } else if database == "." || database == ".." {
        Err(format!(
            "\"{database}\" cannot be carried in a connection URL; rename the database"
        ))
    } else {
        Ok(())
    }
}

fn check_sqlite_path(path: Option<&Path>) -> Result<(), String> {
    let path = match path {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Err("choose the database file".into()),
    };
    check_unicode(path)?;
    if path.as_os_str() == ":memory:" {
        return Err(
            "an in-memory database vanishes when the connection closes; choose a file".into(),
        );
    }
    if path.is_dir() {
        let shown = path.display();
        return Err(format!(
            "{shown} is a folder; choose a database file (it is created when missing)"
        ));
    }
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) if !folder.is_dir() => Err(format!(
            "the folder {} does not exist; create it first",
            folder.display()
        )),
        _ => Ok(()),
    }
}

/// Profiles are JSON: a path must be Unicode text to be saved.
fn check_unicode(path: &Path) -> Result<(), String> {
    let shown = path.display();
    require(
        path.to_str().is_some(),
        &format!("{shown}: Strata can only save a path that is valid Unicode; rename it"),
    )
}

fn check_file(path: Option<&Path>) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    if path.as_os_str().is_empty() {
        return Err("choose a file, or clear the field".into());
    }
    check_unicode(path)?;
    if path.is_dir() {
        return Err(format!("{} is a folder, not a file", path.display()));
    }
    std::fs::File::open(path)
        .map(drop)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn check_folder(path: &Path) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("choose a folder, or clear the field".into());
    }
    check_unicode(path)?;
    let shown = path.display();
    require(path.is_dir(), &format!("the folder {shown} does not exist"))
}

fn check_colour(colour: Option<&str>) -> Result<(), String> {
    let Some(colour) = colour else { return Ok(()) };
    let hex = colour.strip_prefix('#').filter(|h| h.len() == 6);
    require(
        hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())),
        "a colour is written #rrggbb, for example #d93025",
    )
}

fn check_options(engine: DatabaseKind, options: &[(String, String)]) -> Result<(), String> {
    use crate::url::{param_role, ParamRole};
    for (key, _) in options {
        match param_role(engine, key) {
            _ if key.is_empty() => return Err("a URL parameter needs a name".into()),
            ParamRole::Secret => return Err(format!(
                "\"{key}\" cannot be a URL parameter: Strata keeps passwords in the keychain, never in a profile"
            )),
            ParamRole::Field(field) => return Err(format!(
                "\"{key}\" is set in the {field} field, not as a URL parameter"
            )),
            ParamRole::Other => {}
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
