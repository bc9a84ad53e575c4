//! Network, TLS and driver errors in plain words: what is wrong and what to do, with the raw
//! message kept apart. Classification uses error kinds and server codes (SQLSTATE, MySQL error
//! numbers), never the user's input, and never quotes a password.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use super::target::{Target, TlsMode};
use super::{Problem, ProblemCode};
use crate::dialect::DatabaseKind;

pub(super) fn host_not_found(host: &str, raw: &dyn std::fmt::Display) -> Problem {
    Problem::new(
        ProblemCode::HostNotFound,
        format!("The host name \"{host}\" cannot be found: the name does not resolve to an address."),
        "Check the spelling of the host name, and that this computer's network and DNS (or VPN) can see it.",
    )
    .raw(raw)
}

pub(super) fn timed_out(doing: &str, timeout: Duration, action: &str) -> Problem {
    Problem::new(
        ProblemCode::TimedOut,
        format!(
            "No answer after {:.1} s while {doing}.",
            timeout.as_secs_f64()
        ),
        action,
    )
}

pub(super) fn tcp_error(target: &Target, addr: SocketAddr, e: &io::Error) -> Problem {
    let problem = match e.kind() {
        io::ErrorKind::ConnectionRefused => Problem::new(
            ProblemCode::NothingListening,
            format!("Nothing is listening on {addr}: the host answered, but no server accepts connections on port {}.", target.port),
            format!(
                "Check the port ({} usually uses {}), that the server is running, and that it accepts TCP connections (PostgreSQL: listen_addresses; MySQL/MariaDB: bind-address).",
                target.kind.display_name(),
                default_port(target.kind)
            ),
        ),
        io::ErrorKind::TimedOut => return timed_out(&format!("connecting to {addr}"), Duration::ZERO, "A firewall may drop the packets, or the host is down."),
        _ if is_unreachable(e) => Problem::new(
            ProblemCode::NoRoute,
            format!("The host {addr} cannot be reached from this computer: there is no network route to it."),
            "Check the network connection, the VPN if the database is on a private network, and the host address.",
        ),
        _ => Problem::new(
            ProblemCode::Other,
            format!("Connecting to {addr} failed."),
            "Check the host, the port and the network; the raw message says what the system reported.",
        ),
    };
    problem.raw(e)
}

fn is_unreachable(e: &io::Error) -> bool {
    // ENETUNREACH (101) and EHOSTUNREACH (113) on Linux; the stable ErrorKinds for them are recent.
    matches!(e.raw_os_error(), Some(101 | 113)) || e.to_string().contains("unreachable")
}

fn default_port(kind: DatabaseKind) -> u16 {
    match kind {
        DatabaseKind::Postgres => 5432,
        _ => 3306,
    }
}

/// An I/O failure on an open connection (before or during TLS).
pub(super) fn io_problem(target: &Target, e: &io::Error, timeout: Duration) -> Problem {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            let action = match target.kind {
                DatabaseKind::Mysql => "A MySQL/MariaDB server greets at once; silence usually means this port belongs to another kind of server (PostgreSQL waits silently for the client). Check the port.",
                _ => "The server may be overloaded, or something between here and the server holds the connection. Check the port and try again.",
            };
            timed_out("waiting for the server", timeout, action).raw(e)
        }
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => Problem::new(
            ProblemCode::ServerRefused,
            "The server closed the connection at once.",
            format!("Check that the port belongs to a {} server and that it allows connections from this computer.", target.kind.display_name()),
        )
        .raw(e),
        _ => Problem::new(ProblemCode::Other, "The connection failed.", "Check the host and port.").raw(e),
    }
}

pub(super) fn not_this_server(target: &Target) -> Problem {
    Problem::new(
        ProblemCode::NotThisKindOfServer,
        format!(
            "The server on {}:{} does not speak the {} protocol.",
            target.host,
            target.port,
            target.kind.display_name()
        ),
        format!(
            "Check the port: {} usually listens on {}.",
            target.kind.display_name(),
            default_port(target.kind)
        ),
    )
}

/// An error packet sent instead of a MySQL greeting.
pub(super) fn greeting_error(code: u16) -> Problem {
    match code {
        1040 => Problem::new(
            ProblemCode::TooManyConnections,
            "The server has too many connections open.",
            "Wait, or ask the administrator to raise max_connections or close idle connections.",
        ),
        1129 => Problem::new(
            ProblemCode::ServerRefused,
            "The server blocks this computer after too many failed connection attempts.",
            "Ask the administrator to run FLUSH HOSTS (or raise max_connect_errors).",
        ),
        1130 => Problem::new(
            ProblemCode::ServerRefused,
            "The server does not allow connections from this computer's address.",
            "Ask the administrator for an account whose host part matches this computer.",
        ),
        _ => Problem::new(
            ProblemCode::ServerRefused,
            "The server refused the connection before any login.",
            "Read the raw message, and check with the server's administrator.",
        ),
    }
}

/// A TLS handshake that failed for another reason than a certificate the mode refused.
pub(super) fn handshake_problem(target: &Target, e: &io::Error) -> Problem {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::AlertReceived(alert)) => {
            use rustls::AlertDescription as A;
            let client_cert = matches!(
                alert,
                A::CertificateRequired
                    | A::BadCertificate
                    | A::UnknownCA
                    | A::CertificateUnknown
                    | A::AccessDenied
            );
            let problem = match (client_cert, &target.tls.client_cert) {
                (true, Some(path)) => Problem::new(ProblemCode::ClientCertificateRejected, format!("The server rejected the client certificate {}.", path.display()), "Use a client certificate signed by a CA the server trusts (its ssl_ca_file / ssl-ca)."),
                (true, None) => Problem::new(ProblemCode::ClientCertificateRejected, "The server requires a client certificate.", "Set the client certificate and key files."),
                _ => Problem::new(ProblemCode::TlsFailed, "The server ended the TLS handshake: it and Strata share no TLS version or cipher.", "Strata needs TLS 1.2 or later; ask the administrator to enable it on the server."),
            };
            problem.raw(e)
        }
        Some(rustls::Error::InvalidCertificate(_)) => {
            super::verify::certificate_problem(target, inner.expect("matched"))
        }
        Some(other) => Problem::new(
            ProblemCode::TlsFailed,
            "The TLS handshake failed.",
            "Check the TLS settings and the server's TLS configuration.",
        )
        .raw(other),
        None => io_problem(target, e, Duration::ZERO),
    }
}

/// A driver error from connecting, authenticating or querying, in plain words.
pub(super) fn sqlx_problem(target: &Target, e: &sqlx::Error, offered_tls: Option<bool>) -> Problem {
    let user = &target.user;
    let db = &target.database;
    let problem = match e {
        sqlx::Error::Database(dbe) => {
            let code = dbe.code().map(|c| c.into_owned()).unwrap_or_default();
            let message = dbe.message();
            let number = mysql_number(dbe.as_ref());
            match (target.kind, code.as_str(), number) {
                (DatabaseKind::Postgres, "28P01", _) => wrong_password(user),
                (DatabaseKind::Postgres, "28000", _) if message.contains("no encryption") => plaintext_refused(),
                (DatabaseKind::Postgres, "28000", _) if message.contains("certificate") => Problem::new(ProblemCode::ClientCertificateRejected, format!("The server requires a valid client certificate for user \"{user}\"."), "Set the client certificate and key files; the certificate's common name must be the user name."),
                (DatabaseKind::Postgres, "28000", _) => Problem::new(ProblemCode::AccessDenied, format!("The server does not let user \"{user}\" connect to this database from this address."), "Ask the administrator to allow it in pg_hba.conf, or check the user and database names."),
                (DatabaseKind::Postgres, "3D000", _) | (_, _, Some(1049)) => Problem::new(ProblemCode::DatabaseDoesNotExist, format!("The database \"{db}\" does not exist on this server."), "Check the database name (case matters), or create the database first."),
                (_, "53300", _) | (_, _, Some(1040)) => greeting_error(1040),
                (_, _, Some(1045)) if target.tls.mode == TlsMode::Disable && offered_tls == Some(true) => Problem::new(ProblemCode::PlaintextRefused, format!("Access denied for user \"{user}\" over an unencrypted connection. The server offers TLS; a server that requires secure transport refuses plaintext logins with this same message."), "Choose TLS mode require or stronger. If that fails too, the user name or password is wrong."),
                (_, _, Some(1045)) if message.contains("using password: YES") => wrong_password(user),
                (_, _, Some(1045)) => Problem::new(ProblemCode::AccessDenied, format!("Access denied for user \"{user}\", who logged in without a password."), "Enter the user's password, or check the user name and the host it may connect from."),
                (_, _, Some(1044)) => Problem::new(ProblemCode::AccessDenied, format!("User \"{user}\" may not use the database \"{db}\"."), "Ask the administrator to GRANT the user access to the database."),
                (_, _, Some(3159 | 4036)) => plaintext_refused(),
                (_, _, Some(1130)) => greeting_error(1130),
                _ => Problem::new(ProblemCode::Other, "The server refused the connection.", "Read the server's message below."),
            }
        }
        // The driver's own handshake refused the certificate. It judges as the TLS step does
        // (since sqlx 0.9, its verify-ca too ignores a host name the certificate does not hold).
        sqlx::Error::Io(io) if rustls_error(io).is_some() => {
            super::verify::certificate_problem(target, rustls_error(io).expect("checked"))
        }
        sqlx::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused => Problem::new(
                ProblemCode::NothingListening,
                format!("Nothing is listening on {}:{}.", target.host, target.port),
                "Check the port and that the server is running.",
            ),
            _ => io_problem(target, io, Duration::ZERO),
        },
        sqlx::Error::Tls(_) => Problem::new(
            ProblemCode::TlsFailed,
            "The driver's TLS handshake failed.",
            "Check the TLS mode and certificate files; the raw message says what the driver saw.",
        ),
        sqlx::Error::Configuration(_) => Problem::new(
            ProblemCode::BadUrl,
            "The driver cannot use a setting of the connection.",
            "Check the URL's parameters and certificate file paths.",
        ),
        sqlx::Error::Protocol(_) => Problem::new(
            ProblemCode::NotThisKindOfServer,
            "The server answered in a way the driver did not expect.",
            format!(
                "Check that {}:{} is a {} server.",
                target.host,
                target.port,
                target.kind.display_name()
            ),
        ),
        _ => Problem::new(
            ProblemCode::Other,
            "The connection failed.",
            "Read the driver's message below.",
        ),
    };
    problem.raw(e)
}

fn rustls_error(io: &io::Error) -> Option<&rustls::Error> {
    io.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

fn wrong_password(user: &str) -> Problem {
    Problem::new(
        ProblemCode::WrongPassword,
        format!(
            "Wrong password for user \"{user}\" (or no such user): the server rejected the login."
        ),
        "Check the user name and enter the password again.",
    )
}

fn plaintext_refused() -> Problem {
    Problem::new(
        ProblemCode::PlaintextRefused,
        "The server refuses unencrypted connections, and the TLS mode is disable.",
        "Choose TLS mode verify-full (with the server's CA certificate), or at least require.",
    )
}

fn mysql_number(e: &dyn sqlx::error::DatabaseError) -> Option<u16> {
    #[cfg(feature = "mysql")]
    if let Some(my) = e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return Some(my.number());
    }
    let _ = e;
    None
}
