//! Dates as Gandi writes them (RFC 3339 / ISO 8601) to and from Unix seconds,
//! for expiry arithmetic without a date crate.

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `2026-12-09T10:00:00Z`, `…+02:00`, `…00.123Z`, or a bare date → Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |a: usize, b: usize| -> Option<i64> {
        let part = s.get(a..b)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5)? != "-"
        || s.get(7..8)? != "-"
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let days = days_from_civil(y, m, d);
    if s.len() == 10 {
        return Some(days * 86_400);
    }
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let body = rest.get(1..)?.replace(':', "");
            if body.len() != 4 || !body.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let oh: i64 = body[..2].parse().ok()?;
            let om: i64 = body[2..].parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Calendar days (UTC) from today until the day of `when`: 1 for tomorrow
/// whatever the hour, 0 for today, negative once past. It matches the date
/// the user reads in `expires_at`.
pub fn days_until(now: i64, when: i64) -> i64 {
    when.div_euclid(86_400) - now.div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_offsets() {
        let t = parse_rfc3339("2026-11-29T07:12:30Z").unwrap_or_default();
        assert_eq!(format_rfc3339(t), "2026-11-29T07:12:30Z");
        assert_eq!(parse_rfc3339("2026-11-29T09:12:30+02:00"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-29T07:12:30.5Z"), Some(t));
        assert_eq!(parse_rfc3339("1970-01-01"), Some(0));
        assert_eq!(parse_rfc3339("2026-13-01"), None);
        assert_eq!(parse_rfc3339("garbage"), None);
        assert_eq!(days_until(0, 86_400 * 3 + 5), 3);
    }

    #[test]
    fn days_count_calendar_dates() {
        let evening = parse_rfc3339("2026-11-29T23:00:00Z").unwrap_or_default();
        let tomorrow_morning = parse_rfc3339("2026-11-30T01:00:00Z").unwrap_or_default();
        let yesterday = parse_rfc3339("2026-11-28T23:59:59Z").unwrap_or_default();
        assert_eq!(days_until(evening, tomorrow_morning), 1);
        assert_eq!(days_until(evening, evening + 60), 0);
        assert_eq!(days_until(evening, yesterday), -1);
    }
}
