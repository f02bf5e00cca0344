//! What the tests of hostile servers share: a raw loopback HTTP server whose
//! next reply is set by the test, byte for byte, and the catalogue's operations
//! with valid arguments and request bodies.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk::dynamic::{Arguments, CallError, ClientFactory, Outcome};
use serde_json::Value;
use specs::{Operation, Provider};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the server answers to every request, until the test changes it.
#[derive(Debug, Clone)]
pub enum Reply {
    /// These bytes, then the connection is closed.
    Bytes(Vec<u8>),
    /// `head`, then `chunk` over and over until a write fails (the client
    /// closed the connection); the bytes written are reported.
    Endless {
        /// Status line, headers and whatever else comes first.
        head: Vec<u8>,
        /// What is written repeatedly.
        chunk: Vec<u8>,
    },
    /// These bytes, then nothing until the client closes the connection.
    Hold(Vec<u8>),
}

/// A server on a random loopback port, answering every connection with the current [`Reply`].
pub struct RawServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    reply: Arc<Mutex<Reply>>,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    endless: tokio::sync::Mutex<mpsc::UnboundedReceiver<u64>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    /// Starts a server that answers with `reply`.
    pub async fn start(reply: Reply) -> RawServer {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        // A small send buffer, so what the kernel holds beyond what the client
        // read stays small and "written" is close to "read".
        socket.set_send_buffer_size(16 * 1024).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener: TcpListener = socket.listen(64).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let reply = Arc::new(Mutex::new(reply));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (endless_sender, endless) = mpsc::unbounded_channel();
        let task = tokio::spawn({
            let reply = reply.clone();
            let requests = requests.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let reply = reply.lock().unwrap().clone();
                    tokio::spawn(answer(
                        stream,
                        reply,
                        requests.clone(),
                        endless_sender.clone(),
                    ));
                }
            }
        });
        RawServer {
            base_url,
            reply,
            requests,
            endless: tokio::sync::Mutex::new(endless),
            task,
        }
    }

    /// Answers the next connections with `reply`.
    pub fn set_reply(&self, reply: Reply) {
        *self.reply.lock().unwrap() = reply;
    }

    /// The requests received so far (head and body), and forgets them.
    pub fn take_requests(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }

    /// Waits until an [`Reply::Endless`] connection ended, and says how many
    /// bytes were written to it.
    pub async fn endless_written(&self) -> u64 {
        let wait = async { self.endless.lock().await.recv().await };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .expect("the client never closed the endless connection")
            .expect("the server stopped")
    }
}

async fn answer(
    mut stream: TcpStream,
    reply: Reply,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    endless: mpsc::UnboundedSender<u64>,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    requests.lock().unwrap().push(request);
    match reply {
        Reply::Bytes(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Hold(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
        Reply::Endless { head, chunk } => {
            let mut written = 0u64;
            if stream.write_all(&head).await.is_ok() {
                written += head.len() as u64;
                while stream.write_all(&chunk).await.is_ok() {
                    written += chunk.len() as u64;
                }
            }
            let _ = endless.send(written);
        }
    }
}

/// Reads one request: the head, then as many body bytes as `Content-Length` says.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut buffer).await.ok().filter(|&n| n > 0)?;
        request.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + length {
        let n = stream.read(&mut buffer).await.ok().filter(|&n| n > 0)?;
        request.extend_from_slice(&buffer[..n]);
    }
    Some(request)
}

/// Every vendored provider.
pub fn catalogue() -> Vec<Provider> {
    specs::load_providers(&specs::providers_dir()).expect("the vendored documents load")
}

/// An operation of the catalogue with what a valid call needs: arguments
/// its parameters' schemas accept and, if it takes one, a JSON body its
/// verbatim document accepts (both from `test-support`).
#[derive(Debug, Clone)]
pub struct Call {
    /// The provider's name.
    pub provider: String,
    /// The operation.
    pub operation: Operation,
    /// Valid arguments.
    pub arguments: Arguments,
    /// A valid request body, if the operation takes a JSON one.
    pub body: Option<Value>,
}

impl Call {
    /// The valid call of `operation`.
    pub fn new(provider: &Provider, operation: &Operation) -> Call {
        let document = &provider.documents[operation.document].resolved;
        Call {
            provider: provider.name.clone(),
            operation: operation.clone(),
            arguments: test_support::valid_arguments(document, operation),
            body: test_support::request_body(provider, operation)
                .unwrap_or_else(|error| panic!("{error}")),
        }
    }

    /// Sends it with a client from `clients`. The dispatcher's future covers
    /// every operation, so it is boxed rather than kept on the test's stack.
    pub async fn send<F: ClientFactory>(&self, clients: &F) -> Result<Outcome, CallError> {
        Box::pin(sdk::dynamic::call_with_body(
            &self.provider,
            clients,
            &self.operation.operation_id,
            &self.arguments,
            self.body.as_ref(),
        ))
        .await
    }

    /// `provider operationId`, for messages.
    pub fn name(&self) -> String {
        format!("{} {}", self.provider, self.operation.operation_id)
    }
}

/// The valid call of every operation of every vendored provider.
pub fn calls() -> Vec<Call> {
    catalogue()
        .iter()
        .flat_map(|provider| {
            provider
                .operations
                .iter()
                .map(|operation| Call::new(provider, operation))
        })
        .collect()
}

/// How the tests configure clients, for `sdk::dynamic::call_with`.
#[derive(Debug, Clone)]
pub struct Clients {
    /// The server.
    pub base_url: String,
    /// The credential.
    pub api_key: String,
    /// Retries after the first attempt (waits cost no time).
    pub retries: u32,
    /// The per-attempt timeout: a backstop, no test case waits for it.
    pub timeout: Duration,
    /// The response body limit.
    pub max_response_bytes: usize,
    /// The redirect policy (of the SDK's own clients).
    pub redirects: sdk::Redirects,
    /// An application's own client to send through, instead of one the SDK builds.
    pub reqwest_client: Option<reqwest::Client>,
}

impl Clients {
    /// No retries, a 10 s backstop, the default limit and redirect policy.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: api_key.into(),
            retries: 0,
            timeout: Duration::from_secs(10),
            max_response_bytes: sdk::DEFAULT_MAX_RESPONSE_BYTES,
            redirects: sdk::Redirects::default(),
            reqwest_client: None,
        }
    }

    /// [`Clients::new`], sending through `client`.
    pub fn given(
        base_url: impl Into<String>,
        api_key: impl Into<String>,
        client: reqwest::Client,
    ) -> Self {
        Self {
            reqwest_client: Some(client),
            ..Self::new(base_url, api_key)
        }
    }
}

/// `builder` holding `key` for every security scheme of `C` (a basic
/// scheme gets it as the password of `test_support::BASIC_USER`), so each
/// call can use its first alternative, whatever the document declares.
pub fn with_key<C: sdk::Provider>(
    mut builder: sdk::ClientBuilder<C>,
    key: &str,
) -> sdk::ClientBuilder<C> {
    for scheme in C::SECURITY_SCHEMES {
        let credential = if scheme.takes_key() {
            sdk::auth::Credential::key(key)
        } else {
            sdk::auth::Credential::basic(test_support::BASIC_USER, key)
        };
        builder = builder.credential(scheme.name, credential);
    }
    builder
}

impl ClientFactory for Clients {
    fn client<C: sdk::Provider>(&self) -> Result<C, CallError> {
        let builder = with_key(sdk::ClientBuilder::<C>::default(), &self.api_key)
            .base_url(&self.base_url)
            .retries(self.retries)
            .sleep(NoSleep)
            .timeout(self.timeout)
            .max_response_bytes(self.max_response_bytes);
        // A given client keeps its own redirect policy; the builder refuses to set one.
        let builder = match &self.reqwest_client {
            Some(client) => builder.reqwest_client(client.clone()),
            None => builder.redirects(self.redirects),
        };
        builder.build().map_err(CallError::Config)
    }
}

/// A sleeper that does not wait, so retries cost no time.
pub struct NoSleep;

impl sdk::Sleep for NoSleep {
    fn sleep(
        &self,
        _: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(std::future::ready(()))
    }
}
