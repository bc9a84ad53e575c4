//! Connection URLs ⇄ profiles. A pasted URL's password comes out as a [`Secret`] and never
//! enters the profile; [`to_url`] is the one place a password goes back into a URL (for the
//! driver), and its result is a `Secret` too. [`display_url`] never carries a password.
//!
//! The URL forms are the ones sqlx reads: `postgres://` / `postgresql://`, `mysql://` /
//! `mariadb://` (`sslmode`, `ssl-mode` and the certificate parameters of both), and
//! `sqlite:<path>` with the path percent-decoded. Parameters Strata has no field for are kept
//! verbatim and in order in [`ConnectionProfile::options`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use strata_core::DatabaseKind;
use url::{form_urlencoded, Host, Url};
use zeroize::Zeroizing;

use crate::environment::EnvironmentTier;
use crate::profile::{
    default_tls_mode, ConnectionProfile, FieldError, PasswordMode, TlsMode, NAME_MAX_CHARS,
    PORT_RANGE,
};
use crate::secret::{Secret, REDACTED};

/// What percent-encoding leaves alone in user names, passwords, hosts and database names:
/// only RFC 3986's unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a SQLite path keeps as is: everything but controls, `%`, `?`, `#`, `:` (so a path can
/// never look like a scheme or a parameter) and a few characters URLs reject.
const SQLITE_PATH: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

const SCHEMES_HINT: &str = "use postgres://, postgresql://, mysql://, mariadb:// or sqlite:";

/// What a URL parameter means to Strata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamRole {
    /// A password: goes to the keychain, never into a profile.
    Secret,
    /// A value the profile has its own field for (the field's label).
    Field(&'static str),
    /// Kept verbatim in `options`.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    Password,
    SslPassword,
    TlsMode,
    CaFile,
    ClientCert,
    ClientKey,
    Host,
    Port,
    Database,
    User,
    Other,
}

/// The meaning of parameter `key` (compared case-insensitively) for `engine`.
fn classify(engine: DatabaseKind, key: &str) -> Param {
    let key = key.to_ascii_lowercase();
    let server = engine != DatabaseKind::Sqlite;
    let postgres = engine == DatabaseKind::Postgres;
    match key.as_str() {
        "password" => Param::Password,
        "sslpassword" | "ssl-password" => Param::SslPassword,
        "sslmode" | "ssl-mode" if server => Param::TlsMode,
        "sslrootcert" | "ssl-root-cert" | "ssl-ca" | "sslca" if server => Param::CaFile,
        "sslcert" | "ssl-cert" if server => Param::ClientCert,
        "sslkey" | "ssl-key" if server => Param::ClientKey,
        "host" if postgres => Param::Host,
        "port" if postgres => Param::Port,
        "dbname" if postgres => Param::Database,
        "user" if postgres => Param::User,
        _ => Param::Other,
    }
}

/// What parameter `key` means for `engine`; validation uses it to keep passwords and
/// duplicated settings out of `options`.
pub(crate) fn param_role(engine: DatabaseKind, key: &str) -> ParamRole {
    match classify(engine, key) {
        Param::Password | Param::SslPassword => ParamRole::Secret,
        Param::TlsMode => ParamRole::Field("TLS mode"),
        Param::CaFile => ParamRole::Field("CA certificate"),
        Param::ClientCert => ParamRole::Field("client certificate"),
        Param::ClientKey => ParamRole::Field("client key"),
        Param::Host => ParamRole::Field("host"),
        Param::Port => ParamRole::Field("port"),
        Param::Database => ParamRole::Field("database"),
        Param::User => ParamRole::Field("user"),
        Param::Other => ParamRole::Other,
    }
}

/// A TLS mode in PostgreSQL's (`verify-full`) or MySQL's (`VERIFY_IDENTITY`) words.
pub fn parse_tls_mode(value: &str) -> Option<TlsMode> {
    let value = value.trim().to_ascii_lowercase().replace('_', "-");
    Some(match value.as_str() {
        "disable" | "disabled" => TlsMode::Disable,
        // libpq's `allow` (plaintext first, TLS if refused) is no safer than `prefer`.
        "allow" | "prefer" | "preferred" => TlsMode::Prefer,
        "require" | "required" => TlsMode::Require,
        "verify-ca" => TlsMode::VerifyCa,
        "verify-full" | "verify-identity" => TlsMode::VerifyFull,
        _ => return None,
    })
}

/// Read a pasted connection URL into a draft profile (fresh id, tier development, no name
/// conflicts checked: run [`ConnectionProfile::validate`] before saving) and the password it
/// carried, if any. The draft's TLS mode is the URL's, else [`default_tls_mode`].
pub fn parse_url(input: &str) -> Result<(ConnectionProfile, Option<Secret>), Vec<FieldError>> {
    let input = input.trim();
    let not_a_url = || {
        vec![FieldError::new(
            "url",
            format!("not a connection URL: {SCHEMES_HINT}"),
        )]
    };
    let Some((scheme, rest)) = input.split_once(':') else {
        return Err(not_a_url());
    };
    // The scheme is never quoted back: a stray paste may be a password.
    let engine = DatabaseKind::ALL
        .into_iter()
        .find(|k| {
            k.url_schemes()
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
        })
        .ok_or_else(|| {
            vec![FieldError::new(
                "url",
                format!("unknown URL scheme: {SCHEMES_HINT}"),
            )]
        })?;
    match engine {
        DatabaseKind::Sqlite => parse_sqlite(rest),
        _ => parse_server(engine, input),
    }
}

fn decode<'a>(raw: &'a str, field: &'static str, errors: &mut Vec<FieldError>) -> Cow<'a, str> {
    percent_decode_str(raw).decode_utf8().unwrap_or_else(|_| {
        errors.push(FieldError::new(
            field,
            "not valid UTF-8 text once percent-decoded",
        ));
        Cow::Borrowed("")
    })
}

fn parse_server(
    engine: DatabaseKind,
    input: &str,
) -> Result<(ConnectionProfile, Option<Secret>), Vec<FieldError>> {
    let url = Url::parse(input).map_err(|e| vec![url_error(e)])?;
    if !url.has_authority() {
        return Err(vec![FieldError::new(
            "url",
            format!(
                "write the URL as {}://user@host:port/database",
                url.scheme()
            ),
        )]);
    }
    let mut errors = Vec::new();
    let mut host = match url.host() {
        Some(Host::Ipv6(addr)) => addr.to_string(),
        Some(Host::Ipv4(addr)) => addr.to_string(),
        Some(Host::Domain(name)) => decode(name, "host", &mut errors).into_owned(),
        None => String::new(),
    };
    let mut port = url.port();
    let mut user = decode(url.username(), "user", &mut errors).into_owned();
    let mut secret = url.password().map(|raw| {
        let decoded = Zeroizing::new(decode(raw, "password", &mut errors).into_owned());
        Secret::new(decoded.as_str())
    });
    let path = url.path().trim_start_matches('/');
    let mut database = decode(path, "database", &mut errors).into_owned();
    let mut mode = None;
    let (mut ca_file, mut client_cert, mut client_key) = (None, None, None);
    let mut options = Vec::new();

    for (key, value) in url.query_pairs() {
        match classify(engine, &key) {
            Param::Password => secret = Some(Secret::new(value.as_ref())),
            Param::SslPassword => errors.push(FieldError::new(
                "tls.clientKey",
                "passphrase-protected client keys (sslpassword) are not supported; use a key file without a passphrase",
            )),
            Param::TlsMode => match parse_tls_mode(&value) {
                Some(m) => mode = Some(m),
                None => errors.push(FieldError::new(
                    "tls.mode",
                    format!(
                        "unknown TLS mode \"{}\": use disable, prefer, require, verify-ca or verify-full (MySQL: DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY)",
                        shorten(&value)
                    ),
                )),
            },
            // libpq's `sslrootcert=system`: the OS's trusted CAs, and verify-full by default.
            Param::CaFile if value == "system" => {
                ca_file = None;
                mode = mode.or(Some(TlsMode::VerifyFull));
            }
            Param::CaFile => ca_file = Some(PathBuf::from(value.as_ref())),
            Param::ClientCert => client_cert = Some(PathBuf::from(value.as_ref())),
            Param::ClientKey => client_key = Some(PathBuf::from(value.as_ref())),
            Param::Host => host = value.into_owned(),
            Param::Port => match value.parse::<u16>() {
                Ok(p) => port = Some(p),
                Err(_) => errors.push(port_error()),
            },
            Param::Database => database = value.into_owned(),
            Param::User => user = value.into_owned(),
            Param::Other => options.push((key.into_owned(), value.into_owned())),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let secret = secret.filter(|s| !s.is_empty());
    let name = match (database.is_empty(), host.is_empty()) {
        (false, false) => format!("{database} on {host}"),
        (false, true) => database.clone(),
        (true, false) => host.clone(),
        (true, true) => engine.display_name().to_owned(),
    };
    let mut profile = draft(name, engine);
    profile.tls.mode = mode.unwrap_or_else(|| default_tls_mode(engine, &host));
    profile.tls.ca_file = ca_file;
    profile.tls.client_cert = client_cert;
    profile.tls.client_key = client_key;
    profile.host = host;
    profile.port = port;
    profile.user = user;
    profile.database = database;
    profile.options = options;
    profile.password = if secret.is_some() {
        PasswordMode::Keychain
    } else {
        PasswordMode::None
    };
    Ok((profile, secret))
}

fn parse_sqlite(rest: &str) -> Result<(ConnectionProfile, Option<Secret>), Vec<FieldError>> {
    // As sqlx reads it: `sqlite://x` and `sqlite:x` are the same path, split at the first `?`.
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (raw_path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut errors = Vec::new();
    let path = decode(raw_path, "sqlitePath", &mut errors).into_owned();
    let mut options = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match classify(DatabaseKind::Sqlite, &key) {
            Param::Password | Param::SslPassword => errors.push(FieldError::new(
                "url",
                "a SQLite database has no password; remove it from the URL",
            )),
            _ => options.push((key.into_owned(), value.into_owned())),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let path = (!path.is_empty()).then(|| PathBuf::from(path));
    let name = path
        .as_deref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "SQLite".to_owned());
    let mut profile = draft(name, DatabaseKind::Sqlite);
    profile.sqlite_path = path;
    profile.options = options;
    Ok((profile, None))
}

fn draft(name: String, engine: DatabaseKind) -> ConnectionProfile {
    let name: String = name.chars().take(NAME_MAX_CHARS).collect();
    ConnectionProfile::new(name, engine, EnvironmentTier::Development)
}

fn port_error() -> FieldError {
    FieldError::new("port", PORT_RANGE)
}

/// A user-typed value cut to a length fit for a message.
fn shorten(value: &str) -> String {
    const MAX: usize = 40;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    }
}

/// A URL syntax error as a field error. `url::ParseError` never quotes its input.
fn url_error(error: url::ParseError) -> FieldError {
    use url::ParseError as E;
    match error {
        E::InvalidPort => port_error(),
        E::EmptyHost => FieldError::new("host", "enter a host name or IP address"),
        E::InvalidIpv6Address => FieldError::new("host", "not a valid IPv6 address"),
        E::InvalidIpv4Address | E::InvalidDomainCharacter | E::IdnaError => FieldError::new(
            "host",
            "the host contains characters a host name cannot have",
        ),
        other => FieldError::new(
            "url",
            format!("not a valid URL ({other}); percent-encode '@', ':', '/', '?' and '#' in the user name and password"),
        ),
    }
}

/// The URL the driver connects with, password included when given. It is a [`Secret`]: read
/// it with `expose()` only to hand it to the driver. Every field is percent-encoded so any
/// value comes back exactly through [`parse_url`].
pub fn to_url(profile: &ConnectionProfile, password: Option<&Secret>) -> Secret {
    let mut url = build(profile, password, false);
    Secret::from(std::mem::take(&mut *url))
}

/// The URL to show or log: no password, and the value of any password-like parameter in
/// `options` replaced by `***`.
pub fn display_url(profile: &ConnectionProfile) -> String {
    let mut url = build(profile, None, true);
    std::mem::take(&mut *url)
}

fn build(
    profile: &ConnectionProfile,
    password: Option<&Secret>,
    redact: bool,
) -> Zeroizing<String> {
    let password = password.filter(|p| !p.is_empty());
    let engine = profile.engine;
    let socket = engine == DatabaseKind::Postgres && profile.host.starts_with('/');
    // The query first (it never holds the password), so `out` can be sized once: no
    // reallocation leaves a stray copy of the password behind.
    let mut query = form_urlencoded::Serializer::new(String::new());
    if socket {
        query.append_pair("host", &profile.host);
    }
    if engine != DatabaseKind::Sqlite {
        tls_params(profile, &mut query);
    }
    for (key, value) in &profile.options {
        let secret = param_role(engine, key) == ParamRole::Secret;
        query.append_pair(key, if redact && secret { REDACTED } else { value });
    }
    let query = query.finish();
    let sqlite_path = profile.sqlite_path.as_deref().unwrap_or(Path::new(""));
    let capacity = 32
        + query.len()
        + 3 * (profile.user.len() + profile.host.len() + profile.database.len())
        + 3 * sqlite_path.as_os_str().len()
        + password.map_or(0, |p| 3 * p.expose().len());
    let mut out = Zeroizing::new(String::with_capacity(capacity));
    if engine == DatabaseKind::Sqlite {
        let path = sqlite_path.as_os_str().as_encoded_bytes();
        let encoded = percent_encoding::percent_encode(path, SQLITE_PATH).to_string();
        // `sqlite:` + `//x` would read as `x`.
        out.push_str(if encoded.starts_with("//") {
            "sqlite://"
        } else {
            "sqlite:"
        });
        out.push_str(&encoded);
    } else {
        out.push_str(match engine {
            DatabaseKind::Postgres => "postgres://",
            _ => "mysql://",
        });
        if !profile.user.is_empty() || password.is_some() {
            out.extend(utf8_percent_encode(&profile.user, COMPONENT));
            if let Some(password) = password {
                out.push(':');
                out.extend(utf8_percent_encode(password.expose(), COMPONENT));
            }
            out.push('@');
        }
        if socket {
            out.push_str("localhost");
        } else if profile.host.contains(':') {
            out.push('[');
            out.push_str(profile.host.trim_start_matches('[').trim_end_matches(']'));
            out.push(']');
        } else {
            out.extend(utf8_percent_encode(&profile.host, COMPONENT));
        }
        if let Some(port) = profile.port {
            out.push_str(&format!(":{port}"));
        }
        out.push('/');
        out.extend(utf8_percent_encode(&profile.database, COMPONENT));
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    debug_assert!(out.len() <= capacity, "the URL outgrew its buffer");
    out
}

fn tls_params(profile: &ConnectionProfile, query: &mut form_urlencoded::Serializer<'_, String>) {
    let tls = &profile.tls;
    let lossy = |p: &PathBuf| p.to_string_lossy().into_owned();
    let postgres = profile.engine == DatabaseKind::Postgres;
    let mode = match (postgres, tls.mode) {
        (true, TlsMode::Disable) => "disable",
        (true, TlsMode::Prefer) => "prefer",
        (true, TlsMode::Require) => "require",
        (true, TlsMode::VerifyCa) => "verify-ca",
        (true, TlsMode::VerifyFull) => "verify-full",
        (false, TlsMode::Disable) => "DISABLED",
        (false, TlsMode::Prefer) => "PREFERRED",
        (false, TlsMode::Require) => "REQUIRED",
        (false, TlsMode::VerifyCa) => "VERIFY_CA",
        (false, TlsMode::VerifyFull) => "VERIFY_IDENTITY",
    };
    let [mode_key, ca_key, cert_key, key_key] = if postgres {
        ["sslmode", "sslrootcert", "sslcert", "sslkey"]
    } else {
        ["ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"]
    };
    query.append_pair(mode_key, mode);
    for (key, path) in [
        (ca_key, &tls.ca_file),
        (cert_key, &tls.client_cert),
        (key_key, &tls.client_key),
    ] {
        if let Some(path) = path {
            query.append_pair(key, &lossy(path));
        }
    }
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "url_tls_tests.rs"]
mod tls_param_tests;
