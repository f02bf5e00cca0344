//! Accepting connections: HTTP/1.1 through hyper with the limits a server
//! facing arbitrary clients needs, and graceful shutdown.
//!
//! `axum::serve` gives hyper no timer, so hyper's header read timeout never
//! fires there: a client sending its headers one byte a second would hold a
//! connection (and a task) forever. Here every connection gets
//! [`Limits::header_read_timeout`], which also closes keep-alive connections
//! left idle that long, and headers are bounded in number and size (hyper
//! answers `431` beyond them and closes the connection).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::pipeline::limits::{MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_UPLOAD_BYTES};

/// Per-connection and per-request limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time a client has to send a request's headers, from the moment the
    /// server waits for them (so also the longest a keep-alive connection may idle).
    pub header_read_timeout: Duration,
    /// The largest request body read, in bytes (1 MiB by default); a larger
    /// one is answered `413`. Every request in flight may hold this much.
    pub max_body_bytes: usize,
    /// The largest `multipart/form-data` upload, in bytes (1 GiB by
    /// default): read as it arrives, its files counted and not kept, its
    /// other fields within `max_body_bytes`. With `--proxy` or `--replay`,
    /// which need the body, an upload is a body like any other.
    pub max_upload_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_body_bytes: MAX_BODY_BYTES,
            max_upload_bytes: MAX_UPLOAD_BYTES,
        }
    }
}

/// Serves `app` (a request's answer) on `listener` until `shutdown`
/// completes, then lets requests in flight finish.
pub async fn serve<App, Answer>(
    listener: TcpListener,
    app: App,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) where
    App: Fn(Request) -> Answer + Clone + Send + Sync + 'static,
    Answer: Future<Output = Response> + Send + 'static,
{
    let mut http = http1::Builder::new();
    // hyper's default of at most 100 headers is `MAX_HEADERS` (setting it
    // explicitly would move header parsing to the heap). The size bound covers
    // the start line and headers; the handler answers the smaller per-request
    // limits itself, with a JSON body.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(2 * MAX_HEADER_BYTES);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers: do not let Nagle's algorithm hold them back.
        let _ = stream.set_nodelay(true);
        let abort = Arc::new(AtomicU8::new(NO_ABORT));
        let service = hyper::service::service_fn({
            let app = app.clone();
            let abort = abort.clone();
            move |request: hyper::Request<Incoming>| {
                let (app, abort) = (app.clone(), abort.clone());
                async move {
                    let response = app(request.map(Body::new)).await;
                    if let Some(kind) = response.extensions().get::<Abort>() {
                        abort.store(*kind as u8, Ordering::Release);
                    }
                    Ok::<_, Infallible>(response)
                }
            }
        });
        let io = TokioIo::new(Breakable { stream, abort });
        let connection = graceful.watch(http.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A failed `accept` is the listener's problem (e.g. out of file
/// descriptors), not the client's: pause briefly so the loop does not spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(%error, "accepting a connection failed; pausing");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// Put in a response's extensions to drop the connection instead of sending
/// the response (fault injection). Served through `mock_server::router`
/// alone, without this accept loop, it has no effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Abort {
    /// Close cleanly (FIN) without answering.
    Close = 1,
    /// Reset the connection (RST) without answering.
    Reset = 2,
}

const NO_ABORT: u8 = 0;

/// A connection whose writes fail once its response asked for an [`Abort`]:
/// hyper then drops it, and a zero linger turns the close into a reset.
struct Breakable {
    stream: TcpStream,
    abort: Arc<AtomicU8>,
}

impl Breakable {
    fn broken(&self) -> Option<io::Error> {
        let kind = self.abort.load(Ordering::Acquire);
        if kind == NO_ABORT {
            return None;
        }
        if kind == Abort::Reset as u8 {
            let _ = self.stream.set_zero_linger();
        }
        Some(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection dropped by an injected fault",
        ))
    }
}

impl AsyncRead for Breakable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Breakable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
