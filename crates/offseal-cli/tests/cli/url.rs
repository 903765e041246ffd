//! `--cert` from a URL, against a real HTTP server on loopback started by the test.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, mpsc};
use std::thread;

use predicates::prelude::*;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::util::{key, offseal, open_raw, testdata};

/// Serves one connection with `response` (`None`: accept, read, never answer). Returns the
/// address and a receiver for the request line the server saw.
fn serve_once(response: Option<Vec<u8>>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                break;
            }
        }
        let _ = tx.send(request_line.trim_end().to_owned());
        match response {
            Some(bytes) => {
                let mut stream = stream;
                let _ = stream.write_all(&bytes);
            }
            // Hold the connection open without answering until the client gives up.
            None => thread::sleep(std::time::Duration::from_secs(10)),
        }
    });
    (addr, rx)
}

fn http_response(status: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/x-pem-file\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The warning every plain-http fetch prints first.
fn http_warning(url: &str) -> String {
    format!(
        "warning: fetching the certificate over plain http ({url}): anyone on the network path \
         can substitute their own certificate, and every secret sealed with it is theirs to \
         read; use https, or seal with a copy of the certificate whose fingerprint (offseal \
         cert FILE) you have checked against the controller's\n"
    )
}

/// Serves one https connection on loopback with `response`, as `127.0.0.1` with the server
/// certificate of `testdata/tls/` (the offseal process trusts its CA through `SSL_CERT_FILE`).
fn serve_tls_once(response: Vec<u8>) -> String {
    let certs = CertificateDer::pem_file_iter(testdata("tls/server.crt.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(testdata("tls/server.key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let connection = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, stream);
        let mut reader = BufReader::new(&mut tls);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let _ = tls.write_all(&response);
        tls.conn.send_close_notify();
        let _ = tls.flush();
    });
    addr
}

fn redirect_to(location: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

/// `offseal` trusting only the test CA.
fn offseal_trusting_test_ca() -> assert_cmd::Command {
    let mut cmd = offseal();
    cmd.env("SSL_CERT_FILE", testdata("tls/ca.crt.pem"))
        .env_remove("SSL_CERT_DIR");
    cmd
}

#[test]
fn https_follows_redirects_to_https_without_a_warning() {
    let target = serve_tls_once(http_response("200 OK", &cert_pem()));
    let first = serve_tls_once(redirect_to(&format!("https://{target}/v1/cert.pem")));
    offseal_trusting_test_ca()
        .args(["cert", &format!("https://{first}/v1/cert.pem")])
        .assert()
        .success()
        .stdout(predicate::str::contains("key:         RSA 2048 bits"))
        .stderr("");
}

#[test]
fn https_never_follows_a_redirect_to_http() {
    let (plain, rx) = serve_once(Some(http_response("200 OK", &cert_pem())));
    let plain_url = format!("http://{plain}/v1/cert.pem");
    let tls = serve_tls_once(redirect_to(&plain_url));
    let url = format!("https://{tls}/v1/cert.pem");
    sealing_fails(
        offseal_trusting_test_ca(),
        &url,
        format!(
            "error: cannot fetch \"{url}\": it redirects to \"{plain_url}\", plain http; offseal \
             does not follow a redirect from https to http, where anyone on the path could \
             substitute the certificate (give the https address of the certificate instead)\n"
        ),
    );
    assert!(rx.try_recv().is_err(), "the http server was asked");
}

/// `raw --cert URL` fails with exactly `stderr` and prints nothing.
fn sealing_fails(mut cmd: assert_cmd::Command, url: &str, stderr: String) {
    cmd.args(["raw", "--cert", url, "--scope", "cluster-wide"])
        .write_stdin("v")
        .assert()
        .code(1)
        .stdout("")
        .stderr(stderr);
}

fn cert_pem() -> Vec<u8> {
    std::fs::read(testdata("keys/controller-2048.crt.pem")).unwrap()
}

#[test]
fn seals_with_a_certificate_served_over_http() {
    let (addr, rx) = serve_once(Some(http_response("200 OK", &cert_pem())));
    let url = format!("http://{addr}/v1/cert.pem");
    let out = offseal()
        .args(["raw", "--cert", &url, "--scope", "cluster-wide"])
        .write_stdin("v")
        .assert()
        .success()
        .stderr(http_warning(&url));
    assert_eq!(rx.recv().unwrap(), "GET /v1/cert.pem HTTP/1.1");
    let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        open_raw(
            &sealed,
            "controller-2048.key.pem",
            &["--scope", "cluster-wide"]
        ),
        b"v"
    );
}

#[test]
fn http_errors_and_bodies_that_are_not_certificates_are_clear() {
    let (addr, _rx) = serve_once(Some(http_response("404 Not Found", b"nope")));
    let url = format!("http://{addr}/v1/cert.pem");
    offseal()
        .args(["cert", &url])
        .assert()
        .code(1)
        .stderr(format!(
            "{}error: cannot fetch \"{url}\": 404 Not Found\n",
            http_warning(&url)
        ));

    let (addr, _rx) = serve_once(Some(http_response("200 OK", b"<html>login</html>")));
    let url = format!("http://{addr}/v1/cert.pem");
    sealing_fails(
        offseal(),
        &url,
        format!(
            "{}error: {url}: not a certificate: neither PEM nor a DER certificate or public key\n",
            http_warning(&url)
        ),
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let (addr, _rx) = serve_once(None);
    let url = format!("http://{addr}/v1/cert.pem");
    let started = std::time::Instant::now();
    offseal()
        .args(["cert", &url])
        .env("OFFSEAL_CERT_TIMEOUT", "0.5")
        .assert()
        .code(1)
        .stderr(format!(
            "{}error: cannot fetch \"{url}\": no answer within 0.5s (OFFSEAL_CERT_TIMEOUT sets the limit)\n",
            http_warning(&url)
        ));
    assert!(
        started.elapsed().as_secs() < 9,
        "the timeout was not applied"
    );
}

/// A proxy that tunnels one CONNECT and answers the request inside with the certificate.
fn serve_proxy() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut read_head = || {
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            first.trim_end().to_owned()
        };
        let connect = read_head();
        let _ = tx.send(connect.clone());
        if connect.starts_with("CONNECT ") {
            stream
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .unwrap();
            let _ = tx.send(read_head());
        }
        let _ = stream.write_all(&http_response("200 OK", &cert_pem()));
    });
    (addr, rx)
}

#[test]
fn proxy_variables_are_honoured() {
    let (proxy, rx) = serve_proxy();
    offseal()
        .args(["cert", "--json", "http://controller.invalid/v1/cert.pem"])
        .env("HTTP_PROXY", format!("http://{proxy}"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "SHA256:Ow6Zk6WCVC3mb0hK5QIw75fZFsCfR3w4C/rj7BwNkLo",
        ));
    // The request went through the proxy: the controller's host name never resolved.
    assert_eq!(rx.recv().unwrap(), "CONNECT controller.invalid:80 HTTP/1.1");
    assert_eq!(rx.recv().unwrap(), "GET /v1/cert.pem HTTP/1.1");
}

#[test]
fn file_urls_and_unknown_schemes() {
    let path = testdata("keys/controller-2048.crt.pem")
        .canonicalize()
        .unwrap();
    let url = format!("file://{}", path.display());
    offseal()
        .args(["cert", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("key:         RSA 2048 bits"));
    offseal()
        .args([
            "raw",
            "--cert",
            "ftp://example.com/cert.pem",
            "--scope",
            "cluster-wide",
        ])
        .write_stdin("v")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unsupported URL scheme \"ftp\""));
    let _ = key("unused");
}

#[test]
fn a_password_or_token_in_the_url_is_never_shown() {
    let (addr, requests) = serve_once(Some(http_response("404 Not Found", b"")));
    let url = format!("http://user:s3cretpw@{addr}/v1/cert.pem?token=tok123");
    let out = offseal().args(["cert", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let shown = format!("http://***@{addr}/v1/cert.pem?***");
    assert_eq!(
        stderr,
        format!(
            "{}error: cannot fetch {shown:?}: 404 Not Found\n",
            http_warning(&shown)
        )
    );
    // The server still got the query it was given.
    assert_eq!(
        requests.recv().unwrap(),
        "GET /v1/cert.pem?token=tok123 HTTP/1.1"
    );
}
