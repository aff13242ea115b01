//! Azurite, the Azure Storage emulator, for the `azurerm` backend's tests: started on a free
//! loopback port with a data directory of its own for one test, and killed when the test ends.
//!
//! Installed by `npm ci --prefix emulators/azurite` (scripts/test.sh runs it); a missing
//! install is a test failure that says so, never a skip. Also here: the emulator's well-known
//! account and key, the backend settings for a container, HTTPS with a throwaway CA (Azurite
//! accepts Azure AD tokens only over HTTPS), and a token endpoint issuing the unsigned JWTs
//! Azurite's `--oauth basic` checks.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use clusterform::state::azure_blob::{AzureBlobBackend, AzureBlobSettings};

/// Azurite's built-in account.
pub const ACCOUNT: &str = "devstoreaccount1";
/// Its key, published in Azurite's README (not a secret, but tests treat it as one).
pub const ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running Azurite blob service.
pub struct Azurite {
    child: Child,
    pub port: u16,
    https: bool,
    dir: tempfile::TempDir,
}

impl Azurite {
    /// Azurite over HTTP, Shared Key and SAS only.
    pub fn start() -> Azurite {
        Azurite::launch(false)
    }

    /// Azurite over HTTPS with `--oauth basic`, its certificate signed by a CA of its own
    /// ([`Azurite::ca_file`]).
    pub fn start_https_oauth() -> Azurite {
        Azurite::launch(true)
    }

    fn launch(https: bool) -> Azurite {
        let bin = repo().join("emulators/azurite/node_modules/.bin/azurite-blob");
        assert!(
            bin.exists(),
            "Azurite is not installed ({} is missing): run `npm ci --prefix emulators/azurite` \
             (scripts/test.sh does this; it needs Node.js 20 and npm)",
            bin.display()
        );
        let dir = tempfile::Builder::new()
            .prefix("clusterform-azurite-")
            .tempdir()
            .expect("temp dir");
        let port = free_port();
        let mut cmd = Command::new(&bin);
        cmd.args(["--blobHost", "127.0.0.1", "--blobPort"])
            .arg(port.to_string())
            .arg("--location")
            .arg(dir.path().join("data"))
            .args(["--silent", "--skipApiVersionCheck", "--loose"])
            .arg("--disableTelemetry");
        // CLUSTERFORM_AZURITE_DEBUG=FILE keeps Azurite's debug log (every request, the string
        // it signed) for a failing test.
        if let Some(log) = std::env::var_os("CLUSTERFORM_AZURITE_DEBUG") {
            cmd.arg("--debug").arg(log);
        }
        if https {
            let (cert, key) = make_certificates(dir.path());
            cmd.arg("--cert")
                .arg(cert)
                .arg("--key")
                .arg(key)
                .args(["--oauth", "basic"]);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut azurite = Azurite {
            child,
            port,
            https,
            dir,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = azurite.child.try_wait() {
                panic!("Azurite exited before it listened on port {port} ({status})");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Azurite did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        azurite
    }

    /// The blob endpoint: `http://127.0.0.1:PORT/devstoreaccount1`.
    pub fn endpoint(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}/{ACCOUNT}", self.port)
    }

    /// The CA that signed an HTTPS Azurite's certificate (for `SSL_CERT_FILE`).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Backend arguments for `container`/`key`, without a credential.
    pub fn settings(&self, container: &str, key: &str) -> BTreeMap<String, String> {
        [
            ("storage_account_name", ACCOUNT.to_string()),
            ("container_name", container.to_string()),
            ("key", key.to_string()),
            ("blob_endpoint", self.endpoint()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Backend arguments for `container`/`key` with the account key.
    pub fn settings_with_key(&self, container: &str, key: &str) -> BTreeMap<String, String> {
        let mut s = self.settings(container, key);
        s.insert("access_key".into(), ACCOUNT_KEY.into());
        s
    }

    /// A backend for `workspace` of `container`/`key`, signing with the account key.
    pub fn backend(&self, container: &str, key: &str, workspace: &str) -> AzureBlobBackend {
        AzureBlobBackend::new(&self.settings_with_key(container, key), workspace)
            .unwrap_or_else(|e| panic!("azurerm backend: {e}"))
    }

    /// Creates `container` through the backend's own signed request.
    pub fn create_container(&self, container: &str) {
        self.backend(container, "unused.tfstate", "default")
            .create_container()
            .unwrap_or_else(|e| panic!("create container {container}: {e}"));
    }

    /// Resolves `settings` with exactly the environment `env` (nothing from the process).
    pub fn resolve(
        settings: &BTreeMap<String, String>,
        env: &[(String, String)],
    ) -> AzureBlobSettings {
        AzureBlobSettings::resolve_with(settings, &|name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .unwrap_or_else(|e| panic!("azurerm settings: {e}"))
    }

    /// Everything under Azurite's data directory, for checks that no secret was stored.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Azurite {
    /// SIGKILL: the storage goes away at once, as an outage would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// A CA and a certificate for 127.0.0.1 signed by it, made with the `openssl` command.
/// Returns the certificate and key paths; the CA is `dir/ca.pem`.
fn make_certificates(dir: &Path) -> (PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("HTTPS Azurite needs the `openssl` command: {e}"));
        assert!(
            out.status.success(),
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n\
         extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n",
    )
    .expect("write leaf.ext");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=clusterform test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    (dir.join("leaf.pem"), dir.join("leaf.key"))
}

/// A stand-in for Microsoft Entra ID's token endpoint that issues the kind of token Azurite's
/// `--oauth basic` accepts: a JWT for the audience `https://storage.azure.com` from an
/// `sts.windows.net` issuer, unsigned (Azurite checks the claims, not the signature).
pub struct TokenEndpoint {
    pub port: u16,
    /// Token requests served.
    pub requests: Arc<AtomicUsize>,
    /// The bodies of the token requests (they carry the client secret).
    pub bodies: Arc<std::sync::Mutex<Vec<String>>>,
}

impl TokenEndpoint {
    /// Serves `POST /{tenant}/oauth2/v2.0/token`, accepting only `client_secret`.
    pub fn start(client_secret: &str) -> TokenEndpoint {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (count, seen) = (Arc::clone(&requests), Arc::clone(&bodies));
        let secret = client_secret.to_string();
        // The thread ends with the test process; it only ever blocks in accept().
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (line, body) = read_request(&stream);
                count.fetch_add(1, Ordering::SeqCst);
                seen.lock().expect("bodies").push(body.clone());
                let tenant = line.split('/').nth(1).unwrap_or("").to_string();
                let response = if body.contains(&format!("client_secret={secret}")) {
                    let token = unsigned_jwt(&tenant);
                    let json = format!(
                        r#"{{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"{token}"}}"#
                    );
                    http_response("200 OK", &json)
                } else {
                    http_response(
                        "401 Unauthorized",
                        r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#,
                    )
                };
                let mut stream = stream;
                let _ = stream.write_all(response.as_bytes());
            }
        });
        TokenEndpoint {
            port,
            requests,
            bodies,
        }
    }

    /// The authority host to give the backend (`ARM_AUTHORITY_HOST`).
    pub fn authority_host(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn read_request(stream: &TcpStream) -> (String, String) {
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
    (path, String::from_utf8_lossy(&body).into_owned())
}

fn http_response(status: &str, json: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{json}",
        json.len()
    )
}

fn unsigned_jwt(tenant: &str) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let claims = format!(
        r#"{{"aud":"https://storage.azure.com","iss":"https://sts.windows.net/{tenant}/","iat":{},"nbf":{},"exp":{},"tid":"{tenant}","appid":"clusterform-tests"}}"#,
        now - 60,
        now - 60,
        now + 3600
    );
    format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64(&claims),
        b64("not-a-signature")
    )
}
