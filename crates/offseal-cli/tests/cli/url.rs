//! `--cert` from a URL, against a real HTTP server on loopback started by the test.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use predicates::prelude::*;

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
        .success();
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
        .stderr(format!("error: cannot fetch \"{url}\": 404 Not Found\n"));

    let (addr, _rx) = serve_once(Some(http_response("200 OK", b"<html>login</html>")));
    let url = format!("http://{addr}/v1/cert.pem");
    offseal()
        .args(["raw", "--cert", &url, "--scope", "cluster-wide"])
        .write_stdin("v")
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: {url}: not a certificate: neither PEM nor a DER certificate or public key\n"
        ));
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
            "error: cannot fetch \"{url}\": no answer within 0.5s (OFFSEAL_CERT_TIMEOUT sets the limit)\n"
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
