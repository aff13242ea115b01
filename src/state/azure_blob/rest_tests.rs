//! Tests of `rest`: URL encoding, error parsing, secrets scrubbed, and retries
//! against a scripted HTTP server that fails before it answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use super::*;

/// A server on a loopback port answering each connection with the next canned response,
/// and recording each request's first line and headers.
struct Scripted {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    server: Option<thread::JoinHandle<()>>,
}

impl Scripted {
    fn start(responses: Vec<String>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let server = thread::spawn(move || {
            for response in responses {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                seen.lock().unwrap().push(head);
                let mut stream = reader.into_inner();
                stream.write_all(response.as_bytes()).unwrap();
            }
        });
        Scripted {
            port,
            requests,
            server: Some(server),
        }
    }

    fn requests(mut self) -> Vec<String> {
        if let Some(server) = self.server.take() {
            server.join().unwrap();
        }
        self.requests.lock().unwrap().clone()
    }
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    text
}

fn service(port: u16, credential: Credential) -> BlobService {
    let settings = AzureBlobSettings {
        storage_account_name: "acct".into(),
        container_name: "tfstate".into(),
        key: "dev.tfstate".into(),
        endpoint: format!("http://127.0.0.1:{port}/acct"),
        credential,
        snapshot: false,
        ca_file: None,
    };
    let mut service = BlobService::new(&settings).unwrap();
    service.retry.first_delay = Duration::ZERO;
    service
}

const BUSY: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>\
    <Message>The server is busy.\nRequestId:1\nTime:2026-01-01T00:00:00Z</Message></Error>";

#[test]
fn retries_503_and_500_then_succeeds_with_a_signed_request() {
    let server = Scripted::start(vec![
        response("503 Service Unavailable", &[], BUSY),
        response("500 Internal Server Error", &[], ""),
        response("200 OK", &[("etag", "\"0x1\"")], "{}"),
    ]);
    let service = service(server.port, Credential::SharedKey(b"key".to_vec()));
    let answer = service
        .call(Call::new(
            Method::GET,
            "tfstate",
            Some("dev.tfstateenv:blue"),
        ))
        .unwrap();
    assert_eq!(answer.attempts, 3);
    assert_eq!(answer.etag().as_deref(), Some("\"0x1\""));
    assert_eq!(answer.body, b"{}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let first = &requests[0];
    assert!(
        first.starts_with("GET /acct/tfstate/dev.tfstateenv%3Ablue HTTP/1.1"),
        "{first}"
    );
    assert!(first.contains("x-ms-version: 2023-11-03"), "{first}");
    assert!(first.contains("authorization: SharedKey acct:"), "{first}");
}

#[test]
fn gives_up_after_the_last_attempt_with_the_services_words() {
    let server = Scripted::start(vec![
        response(
            "503 Service Unavailable",
            &[("x-ms-error-code", "ServerBusy")],
            BUSY
        );
        4
    ]);
    let service = service(server.port, Credential::SharedKey(b"key".to_vec()));
    let failure = service
        .call(Call::new(Method::GET, "tfstate", Some("dev.tfstate")))
        .err()
        .unwrap();
    assert_eq!(
        failure,
        Failure::Service {
            status: 503,
            code: "ServerBusy".into(),
            message: "The server is busy.".into()
        }
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn client_errors_are_not_retried() {
    let body = "<Error><Code>LeaseAlreadyPresent</Code><Message>There is already a lease present.</Message></Error>";
    let server = Scripted::start(vec![response("409 Conflict", &[], body)]);
    let service = service(server.port, Credential::SharedKey(b"key".to_vec()));
    let failure = service
        .call(Call::new(Method::PUT, "tfstate", Some("dev.tfstate")).query("comp", "lease"))
        .err()
        .unwrap();
    assert_eq!(failure.code(), "LeaseAlreadyPresent");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_sas_token_goes_in_the_url_and_never_in_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener); // Nothing listens: every attempt is refused.
    let sas = "sv=2023-11-03&sig=SECRETSIGNATURE";
    let service = service(port, Credential::Sas(sas.into()));
    let url = service.url(&Call::new(Method::GET, "tfstate", Some("a b")).query("comp", "list"));
    assert_eq!(
        url,
        format!("http://127.0.0.1:{port}/acct/tfstate/a%20b?comp=list&{sas}")
    );
    let failure = service
        .call(Call::new(Method::GET, "tfstate", Some("dev.tfstate")))
        .err()
        .unwrap();
    let Failure::Unreachable(message) = &failure else {
        panic!("expected Unreachable, got {failure:?}");
    };
    assert!(!message.contains("SECRETSIGNATURE"), "{message}");
    assert!(!message.contains("127.0.0.1"), "{message}");
    assert!(message.to_lowercase().contains("connect"), "{message}");
}

#[test]
fn a_sas_signature_quoted_by_the_service_is_scrubbed() {
    let body = "<Error><Code>AuthenticationFailed</Code><Message>Signature SECRETSIG is not \
        valid for sv=2023&amp;sig=SECRETSIG</Message></Error>";
    let server = Scripted::start(vec![response("403 Forbidden", &[], body)]);
    let service = service(server.port, Credential::Sas("sv=2023&sig=SECRETSIG".into()));
    let failure = service
        .call(Call::new(Method::GET, "tfstate", Some("dev.tfstate")))
        .err()
        .unwrap();
    assert_eq!(failure.code(), "AuthenticationFailed");
    let Failure::Service { message, .. } = failure else {
        unreachable!()
    };
    assert_eq!(message, "Signature <redacted> is not valid for <redacted>");
    assert!(
        server.requests()[0].starts_with("GET /acct/tfstate/dev.tfstate?sv=2023&sig=SECRETSIG ")
    );
}

#[test]
fn blob_names_are_percent_encoded_but_keep_slashes() {
    assert_eq!(
        encode("envs/prod.tfstateenv:a b", true),
        "envs/prod.tfstateenv%3Aa%20b"
    );
    assert_eq!(encode("a/b+c", false), "a%2Fb%2Bc");
}
