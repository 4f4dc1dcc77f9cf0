//! iCalendar (RFC 5545) for the agenda: escaped text, UTC times, lines folded at 75 octets.

use anjungan_kernel::clock::Millis;

pub struct Event<'a> {
    pub uid: String,
    pub start: Millis,
    pub end: Millis,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub url: Option<&'a str>,
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

fn stamp(ms: Millis) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Folds a content line: at most 75 octets per line, continuation lines start with a space,
/// never splitting a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

pub fn calendar(name: &str, events: &[Event<'_>], now: Millis) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Anjungan//Trenggalek Innovation Festival//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(l, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    fold("X-WR-TIMEZONE:Asia/Jakarta", &mut out);
    for e in events {
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", e.uid), &mut out);
        fold(&format!("DTSTAMP:{}", stamp(now)), &mut out);
        fold(&format!("DTSTART:{}", stamp(e.start)), &mut out);
        fold(&format!("DTEND:{}", stamp(e.end)), &mut out);
        fold(&format!("SUMMARY:{}", escape(e.summary)), &mut out);
        if !e.location.is_empty() {
            fold(&format!("LOCATION:{}", escape(e.location)), &mut out);
        }
        if !e.description.is_empty() {
            fold(&format!("DESCRIPTION:{}", escape(e.description)), &mut out);
        }
        if let Some(u) = e.url {
            fold(&format!("URL:{u}"), &mut out);
        }
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_escaped_folded_and_in_utc() {
        // 2020-12-14 08:00 WIB = 01:00 UTC
        let e = Event {
            uid: "s1@anjungan".into(),
            start: 1_607_907_600_000,
            end: 1_607_911_200_000,
            summary: "Pembukaan; sambutan Bupati, secara daring",
            location: "Anjungan Cerdas, Desa Nglinggis",
            description:
                &"Diskusi panel inovasi pelayanan publik dengan narasumber dari perangkat daerah. "
                    .repeat(3),
            url: Some("https://example.id/live"),
        };
        let ics = calendar("TIF 2020", &[e], 1_607_000_000_000);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20201214T010000Z"));
        assert!(ics.contains("SUMMARY:Pembukaan\\; sambutan Bupati\\, secara daring"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(ics.contains("\r\n "), "long lines are folded");
    }
}
