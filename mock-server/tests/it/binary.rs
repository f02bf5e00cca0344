//! The built binary, run as a container runs it: from an empty directory,
//! with an empty environment, on a port it picks. What it prints, answers
//! and logs (to a pipe: no colour codes), `--version` and `--check-health`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_mock-server");

/// The longest any step waits: start-up, an answer, shutdown.
const TIMEOUT: Duration = Duration::from_secs(30);

const LISTENING: &str = "mock server listening on http://";

/// The binary, running; killed, reaped and its directory removed when dropped.
struct Running {
    child: Child,
    dir: PathBuf,
    stdout: Receiver<String>,
    /// Everything it wrote to stderr, sent once stderr closes (at exit).
    stderr: Receiver<String>,
}

impl Running {
    /// Starts the binary in a new empty directory `name`, on a free loopback port.
    fn start(name: &str, args: &[&str]) -> (Running, SocketAddr) {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("binary-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(BINARY)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(&dir)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        let (line_sender, stdout_lines) = channel();
        let (text_sender, stderr_text) = channel();
        // Both pipes are drained to the end, so the binary never blocks writing.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = line_sender.send(line);
            }
        });
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let _ = text_sender.send(text);
        });
        let running = Running {
            child,
            dir,
            stdout: stdout_lines,
            stderr: stderr_text,
        };
        let addr = running.address();
        (running, addr)
    }

    /// The address from the first line it prints.
    fn address(&self) -> SocketAddr {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = line.strip_prefix(LISTENING) {
                        return addr.parse().unwrap();
                    }
                }
                Err(error) => panic!("no `{LISTENING}...` line within {TIMEOUT:?}: {error}"),
            }
        }
    }

    /// SIGTERM, then its exit status and everything it logged.
    fn terminate(&mut self) -> (ExitStatus, String) {
        let signalled = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(signalled.success());
        let logs = self
            .stderr
            .recv_timeout(TIMEOUT)
            .expect("stderr closes when the binary exits");
        (self.child.wait().unwrap(), logs)
    }

    /// Whether its directory is still empty.
    fn directory_is_empty(&self) -> bool {
        std::fs::read_dir(&self.dir).unwrap().next().is_none()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One request on its own connection: status, head, body.
fn request(addr: SocketAddr, method: &str, path: &str, headers: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_ascii_lowercase(), body.to_string())
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BINARY)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn serves_from_an_empty_directory_and_logs_plain_lines_to_a_pipe() {
    let (mut mock, addr) = Running::start("text", &[]);

    let (status, head, body) = request(addr, "GET", "/__mock/health", "");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"status": "ok"})
    );

    let (status, _, body) = request(addr, "POST", "/chamelio/tasks/1/cancel", "X-API-Key: k\r\n");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["status"],
        "cancelled"
    );

    let (exit, logs) = mock.terminate();
    assert!(exit.success(), "{exit}: {logs}");
    assert!(!logs.contains("\x1b["), "colour codes in a pipe: {logs:?}");
    assert!(
        logs.lines().any(|line| line.contains(" request ")
            && line.contains("method=POST path=/chamelio/tasks/1/cancel")
            && line.contains("status=200")),
        "no request line: {logs}"
    );
    // Queued lines are written before exit.
    assert!(logs.contains("shutting down"), "{logs}");
    assert!(mock.directory_is_empty(), "the binary wrote files");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let (mut mock, addr) = Running::start("json", &["--log-format", "json"]);
    let (status, _, _) = request(addr, "POST", "/chamelio/tasks/1/cancel", "");
    assert_eq!(status, 401);
    let (exit, logs) = mock.terminate();
    assert!(exit.success(), "{exit}: {logs}");
    let lines: Vec<Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "request"
                && line["fields"]["path"] == "/chamelio/tasks/1/cancel"
                && line["fields"]["status"] == 401),
        "{logs}"
    );
}

#[test]
fn version_is_the_package_version() {
    let output = run(&["--version"], &[]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("mock-server {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn check_health_asks_the_server_at_addr() {
    let (_mock, addr) = Running::start("health", &["--provider", "akua"]);
    let asked = run(&["--check-health", "--addr", &addr.to_string()], &[]);
    assert!(asked.status.success(), "{asked:?}");
    // As in the container: the address from the environment, unspecified means loopback.
    let unspecified = format!("0.0.0.0:{}", addr.port());
    let asked = run(&["--check-health"], &[("MOCK_SERVER_ADDR", &unspecified)]);
    assert!(asked.status.success(), "{asked:?}");

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = run(&["--check-health", "--addr", &closed.to_string()], &[]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains(&format!("connecting to {closed}")),
        "{refused:?}"
    );
}

/// `--spec` as a container uses it: a directory of documents mounted
/// somewhere else, each served under its file's name; and the CLI's
/// refusals, which name what is wrong and exit non-zero.
#[test]
fn serves_a_directory_of_documents_named_on_the_command_line() {
    let documents = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("binary-spec-documents-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&documents);
    std::fs::create_dir_all(&documents).unwrap();
    let document = |title: &str| {
        json!({
            "openapi": "3.1.0",
            "info": {"title": title, "version": "1"},
            "paths": {"/ping": {"get": {"responses": {"200": {
                "description": "pong",
                "content": {"application/json": {"schema": {"const": "pong"}}}
            }}}}}
        })
        .to_string()
    };
    std::fs::write(documents.join("Billing API.json"), document("Billing")).unwrap();
    std::fs::write(documents.join("users.json"), document("Users")).unwrap();
    let path = documents.display().to_string();
    let (mut mock, addr) = Running::start("spec", &["--spec", &path]);
    for base in ["/billing_api", "/users"] {
        let (status, _, body) = request(addr, "GET", &format!("{base}/ping"), "");
        assert_eq!((status, body.as_str()), (200, "\"pong\""), "{base}");
    }
    let (status, _, _) = request(addr, "GET", "/chamelio/tasks/1/cancel", "");
    assert_eq!(
        status, 404,
        "the vendored providers are not served beside --spec"
    );
    let (exit, logs) = mock.terminate();
    assert!(exit.success(), "{exit}: {logs}");
    assert!(logs.contains("loaded "), "{logs}");

    let refused = run(&["--spec", "Bad Name=x.json"], &[]);
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(error.contains("`Bad Name`: a name must be"), "{error}");
    let refused = run(&["--watch"], &[]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--spec"),
        "--watch needs --spec"
    );
    let missing = documents.join("absent.yaml").display().to_string();
    let refused = run(&["--addr", "127.0.0.1:0", "--spec", &missing], &[]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("absent.yaml"));
    std::fs::remove_dir_all(&documents).unwrap();
}
