//! TLS to the team server through rustls, with libpq's `sslmode` meanings (the PostgreSQL
//! driver knows only `disable`, `prefer` and `require`, and no `sslrootcert`):
//!
//! | `sslmode` | encrypted | the certificate's chain | its host name |
//! |---|---|---|---|
//! | `disable` (or none) | no | – | – |
//! | `require` | yes | checked against `sslrootcert` when one is given | no |
//! | `verify-ca` | yes | checked | no |
//! | `verify-full` | yes | checked | checked |
//!
//! The chain is checked against the certificates of `sslrootcert=FILE` (PEM), else the
//! system's trusted roots (a managed service's certificate usually chains to those).
//! A handshake's signatures are always checked, so an encrypted session is one with the holder
//! of the certificate presented.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// How the session is protected: libpq's `sslmode` values (`prefer` and `allow` are refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum TlsMode {
    Disable,
    Require,
    VerifyCa,
    VerifyFull,
}

impl TlsMode {
    /// Its `sslmode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Disable => "disable",
            TlsMode::Require => "require",
            TlsMode::VerifyCa => "verify-ca",
            TlsMode::VerifyFull => "verify-full",
        }
    }

    /// For people: what protects the session.
    pub fn describe(self) -> &'static str {
        match self {
            TlsMode::Disable => "not encrypted",
            TlsMode::Require => "TLS (certificate not checked)",
            TlsMode::VerifyCa => "TLS (certificate chain checked)",
            TlsMode::VerifyFull => "TLS (certificate and host name checked)",
        }
    }
}

/// The TLS settings of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TlsSettings {
    pub mode: TlsMode,
    pub root_cert: Option<PathBuf>,
}

/// Splits `sslmode` and `sslrootcert` off `url`'s query, for the driver gets the rest.
/// Errors: an `sslmode` libpq does not know, or `prefer`/`allow` (which fall back to an
/// unencrypted session without saying so).
pub(super) fn split_tls(url: &str) -> Result<(String, TlsSettings), String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut settings = TlsSettings {
        mode: TlsMode::Disable,
        root_cert: None,
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(value)
            .decode_utf8_lossy()
            .into_owned();
        match key {
            "sslmode" => {
                settings.mode = match value.as_str() {
                    "disable" => TlsMode::Disable,
                    "require" => TlsMode::Require,
                    "verify-ca" => TlsMode::VerifyCa,
                    "verify-full" => TlsMode::VerifyFull,
                    "allow" | "prefer" => {
                        return Err(format!(
                            "sslmode={value} may fall back to an unencrypted session without \
                             saying so; use require, verify-ca or verify-full, or disable"
                        ));
                    }
                    other => {
                        return Err(format!(
                            "sslmode={other} is not one of disable, require, verify-ca, \
                             verify-full"
                        ));
                    }
                }
            }
            "sslrootcert" => settings.root_cert = Some(PathBuf::from(value)),
            _ => kept.push(pair),
        }
    }
    let url = match kept.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok((url, settings))
}

/// The rustls configuration for `settings` (not `Disable`).
pub(super) fn client_config(settings: &TlsSettings) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?;
    let chain_checked = settings.mode != TlsMode::Require || settings.root_cert.is_some();
    let config = if !chain_checked {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(
                provider.signature_verification_algorithms,
            )))
            .with_no_client_auth()
    } else {
        let roots = Arc::new(roots(settings.root_cert.as_deref())?);
        if settings.mode == TlsMode::VerifyFull {
            builder.with_root_certificates(roots).with_no_client_auth()
        } else {
            let verifier = WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|e| format!("TLS set-up failed: {e}"))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ChainOnly(verifier)))
                .with_no_client_auth()
        }
    };
    Ok(config)
}

/// The trusted roots: the certificates of `file`, else the system's.
fn roots(file: Option<&Path>) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    match file {
        Some(file) => {
            let certs = CertificateDer::pem_file_iter(file)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "sslrootcert {}: no PEM certificate in the file",
                    file.display()
                ));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(
                    "the system has no trusted root certificates; name the server's CA with \
                     sslrootcert=FILE"
                        .into(),
                );
            }
        }
    }
    Ok(roots)
}

/// `verify-ca` (and `require` with a root file): the chain is checked, the name is not.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `require` without a root file, as libpq: encrypted, the certificate not checked (its
/// handshake signatures are).
#[derive(Debug)]
struct EncryptOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::{TlsMode, split_tls};

    #[test]
    fn tls_settings_are_split_off_the_url() {
        let (url, tls) = split_tls(
            "postgres://ana@db:5432/vetted?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5",
        )
        .unwrap();
        assert_eq!(url, "postgres://ana@db:5432/vetted?connect_timeout=5");
        assert_eq!(tls.mode, TlsMode::VerifyFull);
        assert_eq!(
            tls.root_cert.as_deref(),
            Some(std::path::Path::new("/etc/ca.pem"))
        );
        let (url, tls) = split_tls("postgres://ana@db/vetted").unwrap();
        assert_eq!(
            (url.as_str(), tls.mode),
            ("postgres://ana@db/vetted", TlsMode::Disable)
        );
        let err = split_tls("postgres://ana@db/vetted?sslmode=prefer").unwrap_err();
        assert!(
            err.contains("unencrypted"),
            "prefer is refused with its reason: {err}"
        );
        assert!(split_tls("postgres://a@b/c?sslmode=verify").is_err());
    }
}
