//! Judging the server's certificate for the connection test. The chain is always checked
//! against the roots sqlx trusts (Mozilla's list plus the CA file) and the verdict recorded;
//! the TLS mode then decides whether a bad verdict ends the handshake: verify-full on any
//! error, verify-ca on any error but the host name, require and prefer never. So the report
//! can say "not verified, and it would fail because…" even when the mode accepted it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::target::{Target, TlsMode};
use super::{Problem, ProblemCode};

/// What the chain check found, whatever the mode made of it.
#[derive(Debug, Clone)]
pub(super) struct Verdict {
    /// `None` when the certificate verified for the host name.
    pub error: Option<rustls::Error>,
    /// The chain leads to the CA file's certificate (host name aside).
    pub by_ca_file: bool,
}

#[derive(Debug)]
pub(super) struct Recorder {
    mode: TlsMode,
    trusted: Arc<WebPkiServerVerifier>,
    ca_file: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    verdict: Mutex<Option<Verdict>>,
}

impl Recorder {
    pub fn new(target: &Target, provider: Arc<CryptoProvider>) -> Result<Self, Problem> {
        let mut trusted = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let mut given = RootCertStore::empty();
        if let Some(path) = &target.tls.ca_file {
            for cert in read_certs(path, "CA certificate", ProblemCode::CaFileUnusable)? {
                given.add(cert.clone()).map_err(|e| ca_unusable(path, &e))?;
                trusted.add(cert).map_err(|e| ca_unusable(path, &e))?;
            }
        }
        let build = |roots: RootCertStore| {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| {
                    Problem::new(
                        ProblemCode::TlsFailed,
                        "The certificate checker could not be set up.",
                        "Report this to Strata's maintainers with the raw message.",
                    )
                    .raw(e)
                })
        };
        let ca_file = match given.is_empty() {
            true => None,
            false => Some(build(given)?),
        };
        Ok(Self {
            mode: target.tls.mode,
            trusted: build(trusted)?,
            ca_file,
            provider,
            verdict: Mutex::new(None),
        })
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict.lock().map(|v| v.clone()).unwrap_or(None)
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result =
            self.trusted
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        let by_ca_file = self.ca_file.as_ref().is_some_and(|v| {
            match v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
                Ok(_) => true,
                Err(e) => is_name_error(&e),
            }
        });
        let error = result.as_ref().err().cloned();
        let accept = match (&error, self.mode) {
            (None, _) => true,
            (Some(e), TlsMode::VerifyCa) => is_name_error(e),
            (Some(_), TlsMode::VerifyFull) => false,
            (Some(_), _) => true,
        };
        if let Ok(mut slot) = self.verdict.lock() {
            *slot = Some(Verdict {
                error: error.clone(),
                by_ca_file,
            });
        }
        match (accept, error) {
            (false, Some(e)) => Err(e),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

pub(super) fn is_name_error(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        )
    )
}

fn ca_unusable(path: &Path, e: &dyn std::fmt::Display) -> Problem {
    Problem::new(
        ProblemCode::CaFileUnusable,
        format!("The CA certificate file {} cannot be used.", path.display()),
        "Choose the PEM file of the CA that signed the server's certificate.",
    )
    .raw(e)
}

/// Every certificate in a PEM file, or a problem naming the file.
pub(super) fn read_certs(
    path: &Path,
    what: &str,
    code: ProblemCode,
) -> Result<Vec<CertificateDer<'static>>, Problem> {
    let unusable = |why: String| {
        Problem::new(
            code,
            format!("The {what} file {} cannot be used: {why}.", path.display()),
            format!("Choose a readable PEM file (-----BEGIN CERTIFICATE-----) for the {what}."),
        )
    };
    let bytes = std::fs::read(path).map_err(|e| unusable(e.to_string()))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| unusable(format!("not valid PEM ({e:?})")))?;
    if certs.is_empty() {
        return Err(unusable("it holds no certificate".to_owned()));
    }
    Ok(certs)
}

/// The client certificate chain and key, when the URL names both.
pub(super) fn client_identity(
    target: &Target,
) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>, Problem> {
    let (cert, key) = match (&target.tls.client_cert, &target.tls.client_key) {
        (None, None) => return Ok(None),
        (Some(cert), Some(key)) => (cert, key),
        _ => {
            return Err(Problem::new(
                ProblemCode::ClientCertificateUnusable,
                "Only one of the client certificate and the client key is set.",
                "Set both files, or neither.",
            ))
        }
    };
    let chain = read_certs(
        cert,
        "client certificate",
        ProblemCode::ClientCertificateUnusable,
    )?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        Problem::new(
            ProblemCode::ClientCertificateUnusable,
            format!("The client key file {} cannot be used.", key.display()),
            "Choose the PEM private key (without a passphrase) that belongs to the client certificate.",
        )
        .raw(format!("{e:?}"))
    })?;
    Ok(Some((chain, key)))
}

/// A rejected certificate in plain words.
pub(super) fn certificate_problem(target: &Target, error: &rustls::Error) -> Problem {
    let rustls::Error::InvalidCertificate(cert) = error else {
        return Problem::new(
            ProblemCode::TlsFailed,
            "The TLS handshake failed.",
            "Check the TLS settings; the raw message says what the TLS library saw.",
        )
        .raw(error);
    };
    let problem = match cert {
        CertificateError::UnknownIssuer => {
            let explanation = match &target.tls.ca_file {
                Some(path) => format!(
                    "The server's certificate is signed by an unknown CA: not by the CA in {}, nor by a publicly trusted one.",
                    path.display()
                ),
                None => "The server's certificate is signed by an unknown CA (a private CA, or self-signed), and no CA certificate file is set.".to_owned(),
            };
            Problem::new(
                ProblemCode::UnknownCa,
                explanation,
                "Choose the CA certificate that signed the server's certificate (from the database's administrator or cloud provider).",
            )
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let names = presented_names(cert);
            let explanation = match names.is_empty() {
                true => format!("The server's certificate is for another host name, not {}.", target.host),
                false => format!(
                    "The server's certificate is for another host name: it names {}, not {}.",
                    names.join(", "),
                    target.host
                ),
            };
            let explanation = match target.host_is_ip() {
                true => format!("{explanation} An IP address in the URL must itself be listed in the certificate."),
                false => explanation,
            };
            let action = match names.first() {
                Some(name) => format!("Connect to {name} (a name the certificate holds), or choose verify-ca, which checks the CA but not the host name."),
                None => "Connect with a host name the certificate holds, or choose verify-ca, which checks the CA but not the host name.".to_owned(),
            };
            Problem::new(ProblemCode::WrongHostName, explanation, action)
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => Problem::new(
            ProblemCode::CertificateExpired,
            "The server's certificate has expired.",
            "The server's administrator must renew it. Check this computer's date too.",
        ),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            Problem::new(
                ProblemCode::CertificateNotYetValid,
                "The server's certificate is not valid yet.",
                "Check this computer's date and time; otherwise the certificate was issued for a future date.",
            )
        }
        _ => Problem::new(
            ProblemCode::CertificateInvalid,
            "The server's certificate is not acceptable.",
            "Ask the server's administrator to check the certificate; the raw message says why it was refused.",
        ),
    };
    problem.raw(error)
}

/// `DnsName("localhost")` / `IpAddress(127.0.0.1)` as rustls reports them, made readable.
fn presented_names(cert: &CertificateError) -> Vec<String> {
    let CertificateError::NotValidForNameContext { presented, .. } = cert else {
        return Vec::new();
    };
    presented
        .iter()
        .map(|n| {
            let inner = n
                .split_once('(')
                .map(|(_, rest)| rest.trim_end_matches(')'))
                .unwrap_or(n);
            inner.trim_matches('"').to_owned()
        })
        .collect()
}

/// One sentence on what the verdict means for the mode that was used.
pub(super) fn describe(target: &Target, verdict: Option<&Verdict>) -> String {
    let who = |v: &Verdict| match (&target.tls.ca_file, v.by_ca_file) {
        (Some(path), true) => format!("the CA in {}", path.display()),
        _ => "a publicly trusted CA".to_owned(),
    };
    let Some(v) = verdict else {
        return "the certificate was not checked".to_owned();
    };
    match (target.tls.mode, &v.error) {
        (TlsMode::VerifyFull, None) => {
            format!("certificate verified for {} by {}", target.host, who(v))
        }
        (TlsMode::VerifyCa, None) => format!(
            "certificate verified by {} (it also names {})",
            who(v),
            target.host
        ),
        (TlsMode::VerifyCa, Some(_)) => format!(
            "certificate verified by {}; host name not checked (verify-ca)",
            who(v)
        ),
        (mode, None) => format!(
            "certificate not verified ({} accepts any certificate); it would pass verify-full",
            mode.as_str()
        ),
        (mode, Some(e)) => {
            let why = certificate_problem(target, e).explanation;
            format!(
                "certificate not verified ({} accepts any certificate); verification would fail: {why}",
                mode.as_str()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_names_are_readable() {
        let e = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("127.0.0.1").unwrap(),
            presented: vec![
                "DnsName(\"localhost\")".to_owned(),
                "IpAddress(10.0.0.1)".to_owned(),
            ],
        };
        assert_eq!(presented_names(&e), ["localhost", "10.0.0.1"]);
        assert!(is_name_error(&rustls::Error::InvalidCertificate(e)));
        assert!(!is_name_error(&rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
        )));
    }

    #[test]
    fn certificate_errors_are_explained() {
        let target = super::super::Target::parse(
            crate::DatabaseKind::Postgres,
            "postgres://u@db.example.com/d?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        )
        .unwrap();
        let cases = [
            (
                CertificateError::UnknownIssuer,
                ProblemCode::UnknownCa,
                "/etc/ca.pem",
            ),
            (
                CertificateError::Expired,
                ProblemCode::CertificateExpired,
                "expired",
            ),
            (
                CertificateError::NotValidYet,
                ProblemCode::CertificateNotYetValid,
                "not valid yet",
            ),
            (
                CertificateError::NotValidForName,
                ProblemCode::WrongHostName,
                "db.example.com",
            ),
            (
                CertificateError::BadSignature,
                ProblemCode::CertificateInvalid,
                "not acceptable",
            ),
        ];
        for (error, code, says) in cases {
            let p = certificate_problem(&target, &rustls::Error::InvalidCertificate(error));
            assert_eq!(p.code, code);
            assert!(p.explanation.contains(says), "{}", p.explanation);
            assert!(p.raw.is_some());
        }
    }
}
