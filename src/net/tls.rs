//! TLS on the connections rtrib opens itself (the replication connection of `backup`), with the
//! same settings and the same checks redis-rs applies to the others: the CA certificates of
//! `--cacert`/`--cacertdir` (else the public roots), the client certificate of `--cert`/`--key`,
//! the server name of the node (its host name, else `--sni`, else its IP address), and no
//! verification at all with `--insecure`.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::cluster::endpoint::Endpoint;
use crate::net::conn::{NodeError, TlsSettings};

/// Speaks TLS over `stream` to `endpoint` as `settings` say.
pub async fn connect(
    stream: TcpStream,
    endpoint: &Endpoint,
    settings: &TlsSettings,
) -> Result<TlsStream<TcpStream>, NodeError> {
    let failed = |detail: String| NodeError::Io {
        node: endpoint.clone(),
        detail,
    };
    let config = client_config(settings).map_err(|why| failed(format!("TLS settings: {why}")))?;
    let name = endpoint
        .name
        .clone()
        .or_else(|| settings.sni.clone())
        .unwrap_or_else(|| endpoint.addr.ip().to_string());
    let server_name = ServerName::try_from(name.clone())
        .map_err(|_| failed(format!("{name:?} is not a name TLS can verify")))?;
    TlsConnector::from(Arc::new(config))
        .connect(server_name, stream)
        .await
        .map_err(|error| failed(format!("TLS handshake failed: {error}")))
}

/// The client configuration `settings` describe.
fn client_config(settings: &TlsSettings) -> Result<ClientConfig, String> {
    let builder = ClientConfig::builder();
    let builder = match settings.insecure {
        true => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate)),
        false => builder.with_root_certificates(roots(settings.root_cert.as_deref())?),
    };
    match &settings.client {
        None => Ok(builder.with_no_client_auth()),
        Some((certificate, key)) => {
            let chain = CertificateDer::pem_slice_iter(certificate)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| format!("the client certificate: {error}"))?;
            let key = PrivateKeyDer::from_pem_slice(key)
                .map_err(|error| format!("the client key: {error}"))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|error| format!("the client certificate: {error}"))
        }
    }
}

/// The CA certificates of `pem`, else the public roots.
fn roots(pem: Option<&[u8]>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match pem {
        None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(pem) => {
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate =
                    certificate.map_err(|error| format!("a CA certificate: {error}"))?;
                store
                    .add(certificate)
                    .map_err(|error| format!("a CA certificate: {error}"))?;
            }
        }
    }
    Ok(store)
}

/// `--insecure`: any certificate is taken, and any signature.
#[derive(Debug)]
struct AcceptAnyCertificate;

impl ServerCertVerifier for AcceptAnyCertificate {
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
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::CryptoProvider::get_default()
            .map(|provider| {
                provider
                    .signature_verification_algorithms
                    .supported_schemes()
            })
            .unwrap_or_default()
    }
}
