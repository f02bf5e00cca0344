//! The binary's log writer: lines gathered in memory and written to stderr
//! in batches by one thread.
//!
//! Why not `tracing-appender`'s non-blocking writer: it hands each line to
//! its thread through a channel and wakes that thread for every line, a
//! futex call and a context switch per request that cost the mock about a
//! third of its rate under `wrk` on two cores. Here a request's thread only
//! appends its formatted line to a buffer under a lock; the writer thread is
//! woken once per batch (by the batch's first line, or when a batch grows
//! past [`BATCH_BYTES`]) and lets a batch gather for [`BATCH_INTERVAL`], so a
//! person watching the terminal sees each line within that interval.
//! Nothing waits for stderr: past [`MAX_PENDING_BYTES`] lines are dropped,
//! counted, and the count is written when there is room again.
//!
//! [`TextLog`] writes the text lines, as [`TextLine`] lays them out: the
//! layout of `tracing_subscriber`'s default, written without its per-field
//! styling and calendar code, which took about 10,000 instructions of every
//! request (callgrind). JSON lines (`--log-format json`) are
//! `tracing_subscriber`'s own, through [`BatchedLog`] as its writer.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::Context;

/// How long a batch gathers lines before it is written.
const BATCH_INTERVAL: Duration = Duration::from_millis(25);
/// A batch this large is written without waiting for the interval.
const BATCH_BYTES: usize = 64 * 1024;
/// Lines waiting past this are dropped rather than requests slowed.
const MAX_PENDING_BYTES: usize = 4 * 1024 * 1024;

/// Where the log's lines go: give it to `tracing_subscriber::fmt().with_writer`.
#[derive(Clone)]
pub struct BatchedLog {
    shared: Arc<Shared>,
}

/// Keeps the writer thread; dropping it writes the lines still waiting.
pub struct LogGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
}

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    dropped: u64,
    closed: bool,
    /// The writer thread wrote its last batch after `closed`.
    finished: bool,
}

impl BatchedLog {
    /// A log writing to `out` (stderr in the binary) from a thread of its own.
    pub fn new(out: impl Write + Send + 'static) -> io::Result<(Self, LogGuard)> {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
        });
        let thread = std::thread::Builder::new()
            .name("mock-server-logs".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || write_batches(&shared, out)
            })?;
        let guard = LogGuard {
            shared: Arc::clone(&shared),
            thread: Some(thread),
        };
        Ok((Self { shared }, guard))
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `line` (one formatted event), waking the writer when a batch
    /// starts or grows past [`BATCH_BYTES`].
    fn push(&self, line: &[u8]) {
        let mut pending = self.lock();
        let before = pending.bytes.len();
        if before + line.len() > MAX_PENDING_BYTES {
            pending.dropped += 1;
            return;
        }
        pending.bytes.extend_from_slice(line);
        let after = pending.bytes.len();
        drop(pending);
        if before == 0 || (before < BATCH_BYTES && after >= BATCH_BYTES) {
            self.wake.notify_all();
        }
    }
}

/// The writer thread: waits for a batch to start, lets it gather, writes it.
fn write_batches(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::new();
    let mut pending = shared.lock();
    loop {
        while pending.bytes.is_empty() && pending.dropped == 0 && !pending.closed {
            pending = shared
                .wake
                .wait(pending)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if !pending.closed && pending.bytes.len() < BATCH_BYTES {
            pending = shared
                .wake
                .wait_timeout(pending, BATCH_INTERVAL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        std::mem::swap(&mut batch, &mut pending.bytes);
        let dropped = std::mem::take(&mut pending.dropped);
        let closed = pending.closed;
        drop(pending);
        // Nowhere to report a failed write to stderr: the batch is lost, as
        // the lines a full buffer drops are.
        let _ = out.write_all(&batch);
        if dropped > 0 {
            let _ = writeln!(
                out,
                "{dropped} log lines dropped: stderr was slower than the requests"
            );
        }
        let _ = out.flush();
        batch.clear();
        pending = shared.lock();
        if closed {
            pending.finished = true;
            shared.wake.notify_all();
            return;
        }
    }
}

/// How long shutdown waits for the last lines to reach stderr: a pipe
/// nobody reads must not keep the process from exiting.
const FINAL_WRITE_TIMEOUT: Duration = Duration::from_secs(1);

impl Drop for LogGuard {
    fn drop(&mut self) {
        let mut pending = self.shared.lock();
        pending.closed = true;
        self.shared.wake.notify_all();
        let (pending, _) = self
            .shared
            .wake
            .wait_timeout_while(pending, FINAL_WRITE_TIMEOUT, |p| !p.finished)
            .unwrap_or_else(PoisonError::into_inner);
        let finished = pending.finished;
        drop(pending);
        if let Some(thread) = self.thread.take().filter(|_| finished) {
            let _ = thread.join();
        }
    }
}

/// One event's line: `tracing_subscriber`'s formatter writes each event
/// with a single `write_all`.
pub struct Line<'a>(&'a Shared);

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.push(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedLog {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(&self.shared)
    }
}

/// `2026-12-07T12:40:01.123456Z  INFO mock_server::server: request method=POST status=200`:
/// the time (UTC), the level (coloured at a terminal), the target, the
/// message and the fields. Nothing here opens spans, so none are shown.
pub struct TextLine {
    /// Colour the level (a terminal without `NO_COLOR`).
    pub ansi: bool,
}

/// The text log: a layer that writes each event as a [`TextLine`] to a
/// [`BatchedLog`]. Not `tracing_subscriber::fmt`'s layer with a custom
/// format: that one formats into a buffer of its own and copies it to the
/// writer, and sets up a context per event, which a line without spans
/// does not use.
pub struct TextLog {
    /// How a line looks.
    pub line: TextLine,
    /// Where it goes.
    pub log: BatchedLog,
}

thread_local! {
    /// Where a line is put together before it is handed to the batch
    /// whole: one copy under the batch's lock, no allocation a line.
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A line longer than this gives its buffer back afterwards.
const KEPT_LINE_CAPACITY: usize = 4 * 1024;

impl<S: Subscriber> Layer<S> for TextLog {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        LINE.with(|line| {
            // Busy only if formatting a field logs (re-entrant): a line of its own.
            let Ok(mut line) = line.try_borrow_mut() else {
                let mut own = String::new();
                if self.line.write_line(&mut own, event).is_ok() {
                    self.log.shared.push(own.as_bytes());
                }
                return;
            };
            line.clear();
            if self.line.write_line(&mut *line, event).is_ok() {
                self.log.shared.push(line.as_bytes());
            }
            if line.capacity() > KEPT_LINE_CAPACITY {
                *line = String::new();
            }
        });
    }
}

impl TextLine {
    fn write_line(&self, out: &mut impl fmt::Write, event: &Event<'_>) -> fmt::Result {
        let meta = event.metadata();
        write_time(out, SystemTime::now())?;
        let (colour, name) = match *meta.level() {
            Level::ERROR => ("31", "ERROR"),
            Level::WARN => ("33", " WARN"),
            Level::INFO => ("32", " INFO"),
            Level::DEBUG => ("34", "DEBUG"),
            Level::TRACE => ("35", "TRACE"),
        };
        if self.ansi {
            write!(out, " \x1b[{colour}m{name}\x1b[0m ")?;
        } else {
            out.write_str(" ")?;
            out.write_str(name)?;
            out.write_str(" ")?;
        }
        out.write_str(meta.target())?;
        out.write_str(":")?;
        let mut fields = Fields {
            writer: out,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        out.write_str("\n")
    }
}

/// Writes ` message name=value...`: text values as they are unless they
/// hold a space, quote, `=` or control character (then quoted, as `Debug`
/// quotes them).
struct Fields<'a, W> {
    writer: &'a mut W,
    result: fmt::Result,
}

impl<W: fmt::Write> Fields<'_, W> {
    fn name(&mut self, field: &Field) -> fmt::Result {
        self.writer.write_str(" ")?;
        if field.name() != "message" {
            self.writer.write_str(field.name())?;
            self.writer.write_str("=")?;
        }
        Ok(())
    }
}

impl<W: fmt::Write> Visit for Fields<'_, W> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let plain = field.name() == "message" || plain(value);
        self.result = self.result.and_then(|()| {
            self.name(field)?;
            if plain {
                self.writer.write_str(value)
            } else {
                write!(self.writer, "{value:?}")
            }
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.result = self
            .result
            .and_then(|()| self.name(field))
            .and_then(|()| write_u64(self.writer, value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.result = self.result.and_then(|()| self.name(field)).and_then(|()| {
            if value < 0 {
                self.writer.write_char('-')?;
            }
            write_u64(self.writer, value.unsigned_abs())
        });
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.result = self
            .result
            .and_then(|()| self.name(field))
            .and_then(|()| self.writer.write_str(if value { "true" } else { "false" }));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.result = self
            .result
            .and_then(|()| self.name(field))
            .and_then(|()| write!(self.writer, "{value:?}"));
    }
}

/// Whether `value` is written as it is: not empty, and without a space,
/// quote, `=` or control character. Bytes first: a request's method and
/// path are ASCII, and decoding characters cost more than the whole field.
fn plain(value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    for byte in value.bytes() {
        match byte {
            b' ' | b'"' | b'=' | 0..=0x1f | 0x7f => return false,
            0x80.. => {
                return !value
                    .chars()
                    .any(|c| c == ' ' || c == '"' || c == '=' || c.is_control());
            }
            _ => {}
        }
    }
    true
}

/// `value` in decimal, without `core::fmt`'s machinery (a request line
/// has two numbers).
fn write_u64(writer: &mut impl fmt::Write, mut value: u64) -> fmt::Result {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    writer.write_str(std::str::from_utf8(&digits[start..]).map_err(|_| fmt::Error)?)
}

/// `time` as RFC 3339 in UTC with microseconds, `2026-12-07T12:40:01.123456Z`.
fn write_time(writer: &mut impl fmt::Write, time: SystemTime) -> fmt::Result {
    let since = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = since.as_secs();
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let of_day = seconds % 86_400;
    let mut text = *b"0000-00-00T00:00:00.000000Z";
    let mut put = |at: usize, width: usize, mut value: u64| {
        for slot in text[at..at + width].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, of_day / 3_600);
    put(14, 2, of_day / 60 % 60);
    put(17, 2, of_day % 60);
    put(20, 6, u64::from(since.subsec_micros()));
    writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
}

/// Year, month and day of the `days`th day since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`, for dates from 1970 on).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Write` whose bytes a test can read after the writer thread is done.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn plain_values_are_those_debug_need_not_quote() {
        for value in ["POST", "/tasks/12345/cancel", "tâche", "a%20b", "ü/ö"] {
            assert!(plain(value), "{value:?}");
        }
        for value in [
            "",
            "two words",
            "a\"b",
            "a=b",
            "tab\t",
            "del\u{7f}",
            "é\u{85}",
            "ü b",
        ] {
            assert!(!plain(value), "{value:?}");
        }
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        let at = |seconds: u64, micros: u64| {
            let mut text = String::new();
            let time = SystemTime::UNIX_EPOCH
                + Duration::from_secs(seconds)
                + Duration::from_micros(micros);
            write_time(&mut text, time).unwrap();
            text
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        // 2000-02-29 (a leap day in a century leap year), 23:59:59.999999
        assert_eq!(at(951_868_799, 999_999), "2000-02-29T23:59:59.999999Z");
        assert_eq!(at(951_868_800, 0), "2000-03-01T00:00:00.000000Z");
        assert_eq!(at(1_796_646_001, 123_456), "2026-12-07T12:20:01.123456Z");
        // 2100 is not a leap year
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
    }

    /// The text lines `events` log through `TextLog` and a `BatchedLog`,
    /// once the guard has written them all.
    fn logged(events: impl FnOnce()) -> String {
        let out = Captured::default();
        let (log, guard) = BatchedLog::new(out.clone()).unwrap();
        let subscriber = tracing_subscriber::layer::SubscriberExt::with(
            tracing_subscriber::registry(),
            TextLog {
                line: TextLine { ansi: false },
                log,
            },
        );
        tracing::subscriber::with_default(subscriber, events);
        drop(guard);
        String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn a_line_has_the_time_level_target_message_and_fields() {
        let text = logged(|| {
            tracing::info!(
                method = %"POST",
                operation = "cancelTask",
                note = "two words",
                empty = "",
                status = 200u64,
                delta = -3i64,
                zero = 0u64,
                most = u64::MAX,
                least = i64::MIN,
                ok = true,
                "request"
            );
            tracing::warn!("skipped {} operations", 2);
        });
        let lines: Vec<&str> = text.lines().collect();
        let [first, second] = lines[..] else {
            panic!("two lines: {text}");
        };
        let (time, rest) = first.split_at(27);
        assert!(
            time.ends_with('Z') && time.as_bytes()[10] == b'T',
            "{first}"
        );
        let target = module_path!();
        assert_eq!(
            rest,
            format!(
                "  INFO {target}: request method=POST operation=cancelTask note=\"two words\" empty=\"\" status=200 delta=-3 zero=0 most=18446744073709551615 least=-9223372036854775808 ok=true"
            )
        );
        assert_eq!(
            &second[27..],
            format!("  WARN {target}: skipped 2 operations")
        );
    }

    /// A line past the kept buffer's size is written whole, and the lines
    /// after it (the buffer given back and grown again) as well.
    #[test]
    fn lines_longer_than_the_kept_buffer_are_written_whole() {
        let long = "x".repeat(3 * KEPT_LINE_CAPACITY);
        let text = logged(|| {
            tracing::info!(path = %long, "long");
            tracing::info!(status = 200u64, "short");
        });
        let lines: Vec<&str> = text.lines().collect();
        let [first, second] = lines[..] else {
            panic!("two lines: {} bytes", text.len());
        };
        assert!(
            first.ends_with(&format!(": long path={long}")),
            "{first:.80}"
        );
        assert!(second.ends_with(": short status=200"), "{second}");
    }

    #[test]
    fn every_line_is_written_in_order_by_the_time_the_guard_drops() {
        let out = Captured::default();
        let (log, guard) = BatchedLog::new(out.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let log = log.clone();
                std::thread::spawn(move || {
                    for line in 0..2_000 {
                        log.make_writer()
                            .write_all(format!("{thread} {line}\n").as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        drop(guard);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        for thread in 0..4 {
            let lines: Vec<usize> = text
                .lines()
                .filter_map(|l| l.split_once(' '))
                .filter(|(t, _)| *t == thread.to_string())
                .map(|(_, n)| n.parse().unwrap())
                .collect();
            assert_eq!(lines, (0..2_000).collect::<Vec<_>>(), "thread {thread}");
        }
    }

    #[test]
    fn a_stuck_stderr_does_not_hold_up_shutdown() {
        struct Stuck;
        impl Write for Stuck {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                std::thread::park();
                Ok(0)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let (log, guard) = BatchedLog::new(Stuck).unwrap();
        log.make_writer().write_all(b"never written\n").unwrap();
        let started = std::time::Instant::now();
        drop(guard);
        assert!(started.elapsed() < 10 * FINAL_WRITE_TIMEOUT);
    }

    #[test]
    fn lines_past_the_bound_are_counted_and_reported() {
        // A writer that blocks until released, as a full pipe would.
        let gate = Arc::new(Mutex::new(()));
        struct Gated(Arc<Mutex<()>>, Captured);
        impl Write for Gated {
            fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
                let _open = self.0.lock().unwrap();
                self.1.write(bytes)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let out = Captured::default();
        let closed = gate.lock().unwrap();
        let (log, guard) = BatchedLog::new(Gated(Arc::clone(&gate), out.clone())).unwrap();
        let line = vec![b'x'; 1023]
            .into_iter()
            .chain([b'\n'])
            .collect::<Vec<_>>();
        // Twice the bound: whatever the writer took before blocking, the
        // rest cannot all wait.
        for _ in 0..(2 * MAX_PENDING_BYTES / line.len()) {
            log.make_writer().write_all(&line).unwrap();
        }
        drop(closed);
        drop(guard);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let kept = text.lines().filter(|l| l.starts_with('x')).count();
        let report = text
            .lines()
            .find(|l| l.ends_with("stderr was slower than the requests"));
        let dropped: usize = report
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a line counting the dropped ones");
        assert_eq!(kept + dropped, 2 * MAX_PENDING_BYTES / line.len());
    }
}
