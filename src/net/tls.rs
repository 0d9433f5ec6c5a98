//! TLS with rustls (ring): platform roots plus an optional `--cacert` bundle, or no certificate
//! verification at all with `--insecure` (handshake signatures are still checked). ALPN offers `h2`
//! then `http/1.1`.
//!
//! Handshake failures become `tls` errors that say which check failed: the certificate's name, its
//! chain (unknown issuer), its validity period, or the handshake itself (e.g. a plain-HTTP port).

use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::conn::Target;
use super::error::{describe_io, NetStage, TransportError};

/// Trust settings; the rustls config is built on first HTTPS use (loading platform roots costs).
pub(crate) struct TlsSetup {
    insecure: bool,
    extra_roots: Vec<CertificateDer<'static>>,
    config: Option<Arc<ClientConfig>>,
}

impl TlsSetup {
    /// Reads `cacert` now so a bad path is a usage error, not a per-request failure.
    pub(crate) fn new(insecure: bool, cacert: Option<&Path>) -> anyhow::Result<Self> {
        let extra_roots = match cacert {
            Some(path) => read_pem_certs(path)?,
            None => Vec::new(),
        };
        Ok(TlsSetup {
            insecure,
            extra_roots,
            config: None,
        })
    }

    /// The client config, built once.
    pub(crate) fn config(&mut self, authority: &str) -> Result<Arc<ClientConfig>, TransportError> {
        if let Some(config) = &self.config {
            return Ok(config.clone());
        }
        let built = build_config(self.insecure, &self.extra_roots)
            .map_err(|e| TransportError::at(NetStage::Tls, format!("cannot set up TLS: {e}"), authority))?;
        let config = Arc::new(built);
        self.config = Some(config.clone());
        Ok(config)
    }
}

fn read_pem_certs(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read --cacert {}", path.display()))?;
    let certs = rustls_pemfile::certs(&mut BufReader::new(file))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("--cacert {} is not a valid PEM file", path.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "--cacert {} contains no PEM certificate",
        path.display()
    );
    Ok(certs)
}

fn build_config(insecure: bool, extra: &[CertificateDer<'static>]) -> Result<ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder =
        ClientConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions()?;
    let mut config = if insecure {
        let verifier = Arc::new(NoCertificateVerification(provider));
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth()
    } else {
        builder
            .with_root_certificates(root_store(extra))
            .with_no_client_auth()
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn root_store(extra: &[CertificateDer<'static>]) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    // Unreadable platform certificates are skipped: one bad file must not disable TLS.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    roots.add_parsable_certificates(extra.iter().cloned());
    roots
}

/// Run the handshake; returns the stream and whether the server chose `h2`.
pub(crate) async fn handshake(
    tcp: TcpStream,
    target: &Target,
    config: Arc<ClientConfig>,
) -> Result<(TlsStream<TcpStream>, bool), TransportError> {
    let authority = target.authority();
    let name = ServerName::try_from(target.host.clone()).map_err(|_| {
        TransportError::at(
            NetStage::Tls,
            format!("invalid TLS server name {:?}", target.host),
            &authority,
        )
    })?;
    let stream = tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| classify(&e, target))?;
    let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
    Ok((stream, h2))
}

/// Say which TLS check failed.
fn classify(err: &std::io::Error, target: &Target) -> TransportError {
    let rustls_err = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let what = match rustls_err {
        Some(rustls::Error::InvalidCertificate(cert)) => describe_cert_error(cert, &target.host),
        Some(rustls::Error::AlertReceived(alert)) => {
            format!("handshake failed: the server sent alert {alert:?}")
        }
        Some(rustls::Error::InvalidMessage(_)) => {
            format!("handshake failed: the server's reply is not TLS ({err}); is this a plain-HTTP port?")
        }
        Some(other) => format!("handshake failed: {other}"),
        None if err.kind() == std::io::ErrorKind::UnexpectedEof => {
            "handshake failed: the server closed the connection (is this a plain-HTTP port?)".to_owned()
        }
        None => format!("handshake failed: {}", describe_io(err)),
    };
    TransportError::at(NetStage::Tls, what, &target.authority())
}

fn describe_cert_error(err: &CertificateError, host: &str) -> String {
    match err {
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("certificate name mismatch: the certificate is not valid for {host:?}")
        }
        CertificateError::UnknownIssuer => {
            "certificate chain not trusted: unknown issuer (pass --cacert FILE, or --insecure)".to_owned()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "certificate expired".to_owned()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "certificate not valid yet".to_owned()
        }
        other => format!("certificate rejected: {other:?}"),
    }
}

/// `--insecure`: accept any certificate, but still verify handshake signatures with the provider.
#[derive(Debug)]
struct NoCertificateVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoCertificateVerification {
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
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
