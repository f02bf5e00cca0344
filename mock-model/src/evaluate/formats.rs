//! The `format`s the mock checks in strings, by hand: cheaper than a
//! general parser on the hot path, and strict where RFC 3339 is.

pub(crate) fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

/// RFC 3339 `full-date`: `2026-02-28`, with the month's real length (leap years included).
pub(crate) fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(&bytes[0..4]),
        digits(&bytes[5..7]),
        digits(&bytes[8..10]),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: `full-date "T" partial-time time-offset`, with
/// hours 00-23, minutes 00-59, seconds 00-60 (a leap second), an optional
/// fraction, and `Z` or `±hh:mm` with the same hour and minute ranges.
pub(crate) fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    let bytes = time.as_bytes();
    if !is_date(date) || bytes.len() < 9 || bytes[2] != b':' || bytes[5] != b':' {
        return false;
    }
    let clock = (
        digits(&bytes[0..2]),
        digits(&bytes[3..5]),
        digits(&bytes[6..8]),
    );
    let (Some(0..=23), Some(0..=59), Some(0..=60)) = clock else {
        return false;
    };
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let after = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
        if after.len() == fraction.len() {
            return false; // `.` without digits
        }
        rest = after;
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', offset @ ..] => {
            offset.len() == 5
                && offset[2] == b':'
                && matches!(digits(&offset[0..2]), Some(0..=23))
                && matches!(digits(&offset[3..5]), Some(0..=59))
        }
        _ => false,
    }
}

/// ASCII digits as a number; `None` if any byte is not a digit.
pub(crate) fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |number, byte| {
        byte.is_ascii_digit()
            .then(|| number * 10 + u32::from(byte - b'0'))
    })
}

pub(crate) fn is_uri(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// `multipleOf`: exact for integers, within rounding error for fractions.
pub(crate) fn is_multiple(number: &serde_json::Number, divisor: f64) -> bool {
    if divisor.fract() == 0.0
        && divisor.abs() < 9.0e15
        && let Some(integer) = number.as_i64()
    {
        return divisor != 0.0 && integer % (divisor as i64) == 0;
    }
    let quotient = number.as_f64().unwrap_or(f64::NAN) / divisor;
    quotient.is_finite() && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// Whether an integral JSON number fits `int32`/`int64` exactly. Compared as
/// integers: as `f64`, 2^63 and `i64::MAX` are the same number.
pub(crate) fn fits_format(number: &serde_json::Number, format: Option<&str>) -> bool {
    const TWO_31: f64 = 2_147_483_648.0;
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let range = match format {
        Some("int32") => i64::from(i32::MIN)..=i64::from(i32::MAX),
        Some("int64") => i64::MIN..=i64::MAX,
        _ => return true,
    };
    if let Some(integer) = number.as_i64() {
        return range.contains(&integer);
    }
    if number.is_u64() {
        return false; // above i64::MAX
    }
    // Anything else arrived as a float (`1e3`, or an integer beyond 64 bits),
    // rounded to the nearest f64: one that rounds to -2^63 may have been
    // below it, so that bound is exclusive for floats.
    let float = number.as_f64().unwrap_or(f64::NAN);
    match format {
        Some("int32") => (-TWO_31..TWO_31).contains(&float),
        _ => float > -TWO_63 && float < TWO_63,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_date_times_are_checked() {
        assert!(is_date_time("2026-01-01T00:00:00.123+02:00"));
        assert!(!is_date_time("2026-01-01 00:00"));
        assert!(is_uri("https://example.com/x"));
        assert!(!is_uri("example"));
    }

    #[test]
    fn each_part_of_a_format_is_checked() {
        // Separators and lengths, each alone.
        for invalid in ["2026/01/01", "2026-01/01", "2026-01-011", "2026-01-1"] {
            assert!(!is_date(invalid), "{invalid}");
        }
        for invalid in [
            "2026-01-01T00-00:00Z",
            "2026-01-01T00:00-00Z",
            "2026-01-01T0:0:0Z",
        ] {
            assert!(!is_date_time(invalid), "{invalid}");
        }
        // A scheme starts with a letter and holds letters, digits, `+-.`.
        assert!(is_uri("urn:x") && is_uri("git+ssh://h/x"));
        for invalid in ["1http://x", "ht tp://x", "https:", ":x"] {
            assert!(!is_uri(invalid), "{invalid}");
        }
        // Integers are compared exactly: 2^53 + 1 is odd, though as a
        // float it is 2^53.
        let odd = serde_json::Number::from(9_007_199_254_740_993_i64);
        assert!(!is_multiple(&odd, 2.0));
        assert!(is_multiple(&serde_json::Number::from(10), 2.5));
        // Floats against int32's range too (`3e9` arrives as a float).
        let float = |f: f64| serde_json::Number::from_f64(f).unwrap();
        assert!(!fits_format(&float(3e9), Some("int32")));
        assert!(fits_format(&float(3e9), Some("int64")));
        assert!(fits_format(&float(1e3), Some("int32")));
        assert!(!fits_format(
            &serde_json::Number::from(u64::MAX),
            Some("int64")
        ));
    }

    #[test]
    fn dates_follow_the_calendar_and_the_clock() {
        for valid in ["2026-02-28", "2024-02-29", "2000-02-29", "2026-12-31"] {
            assert!(is_date(valid), "{valid}");
        }
        for invalid in [
            "2026-02-31",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "２０２６-01-01",
        ] {
            assert!(!is_date(invalid), "{invalid}");
        }
        for valid in [
            "2026-01-01T23:59:59Z",
            "2016-12-31T23:59:60Z",
            "2026-01-01t00:00:00.5z",
            "2026-01-01T00:00:00-23:59",
        ] {
            assert!(is_date_time(valid), "{valid}");
        }
        for invalid in [
            "2026-01-01T99:99:99Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:60:00Z",
            "2026-01-01T00:00:61Z",
            "2026-02-31T00:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+24:00",
            "2026-01-01T00:00:00+01:60",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00",
        ] {
            assert!(!is_date_time(invalid), "{invalid}");
        }
    }
}
