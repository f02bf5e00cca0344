//! A raw loopback HTTP server whose next reply is set by the test, byte for
//! byte: what a hostile or broken server sends, which no HTTP library would.

use std::sync::{Arc, Mutex};
use std::time::Duration;

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

/// Reads one request: the head, then as many body bytes as `Content-Length`
/// says; `None` when the connection ends first.
pub async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
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
