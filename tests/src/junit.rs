//! A JUnit XML report of a run, for CI systems that show test results.

use std::fmt::Write as _;
use std::time::Duration;

/// How a trial ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It passed.
    Passed,
    /// It failed, with the message.
    Failed(String),
    /// It was ignored or skipped, with the reason if any.
    Skipped(Option<String>),
}

/// One trial's result.
#[derive(Debug, Clone)]
pub struct Record {
    /// The trial's name, e.g. `status::akua::operations.cancel::404`.
    pub name: String,
    /// How it ended.
    pub verdict: Verdict,
    /// How long it ran.
    pub time: Duration,
}

/// The report: one `<testsuite name="contract">`; each name is split at its
/// last `::` into `classname` and `name`, as JUnit viewers group them.
pub fn render(records: &[Record]) -> String {
    let failures = records
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Failed(_)))
        .count();
    let skipped = records
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Skipped(_)))
        .count();
    let total: f64 = records.iter().map(|r| r.time.as_secs_f64()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{total:.3}\"",
        records.len()
    );
    let _ = writeln!(xml, "<testsuites name=\"contract\" {counts}>");
    let _ = writeln!(xml, "  <testsuite name=\"contract\" {counts}>");
    for record in records {
        let (class, name) = record
            .name
            .rsplit_once("::")
            .unwrap_or(("contract", record.name.as_str()));
        let _ = write!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            escape(class),
            escape(name),
            record.time.as_secs_f64()
        );
        match &record.verdict {
            Verdict::Passed => xml.push_str("/>\n"),
            Verdict::Failed(message) => {
                let _ = write!(
                    xml,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(message.lines().next().unwrap_or("")),
                    escape(message)
                );
            }
            Verdict::Skipped(reason) => {
                let _ = write!(
                    xml,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(reason.as_deref().unwrap_or("ignored"))
                );
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text for XML content and attribute values; characters XML 1.0 cannot
/// hold at all become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
