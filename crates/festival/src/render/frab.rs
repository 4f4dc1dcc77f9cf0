//! The conference world's Frab schedule (JSON and XML), read by apps such as Giggity and by
//! conference tooling: days, rooms, and events with start, duration and persons, in WIB.

use anjungan_kernel::clock::{Millis, to_wib};
use std::collections::BTreeMap;
use std::fmt::Write;

pub struct Talk<'a> {
    pub id: i64,
    pub title: &'a str,
    pub kind: &'a str,
    pub start: Millis,
    pub end: Millis,
    pub room: &'a str,
    pub persons: Vec<&'a str>,
    pub url: Option<&'a str>,
}

pub struct Conference<'a> {
    pub acronym: String,
    pub title: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub base_url: &'a str,
}

fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn date(ms: Millis) -> String {
    to_wib(ms).date().to_string()
}

fn iso(ms: Millis) -> String {
    anjungan_kernel::clock::rfc3339_wib(ms)
}

fn clock(ms: Millis) -> String {
    let t = to_wib(ms);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(60).collect()
}

/// Talks grouped by day, then room, in time order.
fn days<'a>(talks: &'a [Talk<'a>]) -> BTreeMap<String, BTreeMap<&'a str, Vec<&'a Talk<'a>>>> {
    let mut out: BTreeMap<String, BTreeMap<&str, Vec<&Talk>>> = BTreeMap::new();
    for t in talks {
        out.entry(date(t.start))
            .or_default()
            .entry(t.room)
            .or_default()
            .push(t);
    }
    for rooms in out.values_mut() {
        for list in rooms.values_mut() {
            list.sort_by_key(|t| (t.start, t.id));
        }
    }
    out
}

pub fn json(c: &Conference<'_>, talks: &[Talk<'_>]) -> serde_json::Value {
    let days = days(talks);
    let day_list: Vec<serde_json::Value> = days
        .iter()
        .enumerate()
        .map(|(i, (d, rooms))| {
            let all: Vec<&&Talk> = rooms.values().flatten().collect();
            let start = all.iter().map(|t| t.start).min().unwrap_or(0);
            let end = all.iter().map(|t| t.end).max().unwrap_or(0);
            let rooms: serde_json::Map<String, serde_json::Value> = rooms
                .iter()
                .map(|(room, list)| {
                    let events: Vec<serde_json::Value> = list
                        .iter()
                        .map(|t| {
                            serde_json::json!({
                                "id": t.id,
                                "guid": format!("{}-{}", c.acronym, t.id),
                                "date": iso(t.start),
                                "start": clock(t.start),
                                "duration": hhmm((t.end - t.start) / 60_000),
                                "room": room,
                                "slug": format!("{}-{}-{}", c.acronym, t.id, slug(t.title)),
                                "url": t.url.map(str::to_string).unwrap_or_else(|| format!("{}/festival", c.base_url)),
                                "title": t.title,
                                "subtitle": "",
                                "track": t.kind,
                                "type": t.kind,
                                "language": "id",
                                "abstract": "",
                                "description": "",
                                "persons": t.persons.iter().enumerate().map(|(n, p)| serde_json::json!({"id": t.id * 100 + n as i64, "public_name": p})).collect::<Vec<_>>(),
                                "links": t.url.map(|u| vec![serde_json::json!({"url": u, "title": "Video"})]).unwrap_or_default(),
                            })
                        })
                        .collect();
                    ((*room).to_string(), serde_json::Value::Array(events))
                })
                .collect();
            serde_json::json!({"index": i + 1, "date": d, "day_start": iso(start), "day_end": iso(end), "rooms": rooms})
        })
        .collect();
    serde_json::json!({
        "schedule": {
            "version": "1.0",
            "base_url": c.base_url,
            "conference": {
                "acronym": c.acronym,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "daysCount": day_list.len(),
                "timeslot_duration": "00:15",
                "time_zone_name": "Asia/Jakarta",
                "days": day_list,
            }
        }
    })
}

use anjungan_kernel::text::xml_attr as x;

pub fn xml(c: &Conference<'_>, talks: &[Talk<'_>]) -> String {
    let days = days(talks);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n  <version>1.0</version>\n",
    );
    let _ = writeln!(
        out,
        "  <conference>\n    <acronym>{}</acronym>\n    <title>{}</title>\n    <start>{}</start>\n    <end>{}</end>\n    <days>{}</days>\n    <timeslot_duration>00:15</timeslot_duration>\n    <base_url>{}</base_url>\n    <time_zone_name>Asia/Jakarta</time_zone_name>\n  </conference>",
        x(&c.acronym),
        x(c.title),
        x(c.start),
        x(c.end),
        days.len(),
        x(c.base_url)
    );
    for (i, (d, rooms)) in days.iter().enumerate() {
        let all: Vec<&&Talk> = rooms.values().flatten().collect();
        let start = all.iter().map(|t| t.start).min().unwrap_or(0);
        let end = all.iter().map(|t| t.end).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "  <day index=\"{}\" date=\"{d}\" start=\"{}\" end=\"{}\">",
            i + 1,
            iso(start),
            iso(end)
        );
        for (room, list) in rooms {
            let _ = writeln!(out, "    <room name=\"{}\">", x(room));
            for t in list {
                let _ = writeln!(
                    out,
                    "      <event guid=\"{}-{}\" id=\"{}\">",
                    x(&c.acronym),
                    t.id,
                    t.id
                );
                let _ = writeln!(
                    out,
                    "        <date>{}</date>\n        <start>{}</start>\n        <duration>{}</duration>",
                    iso(t.start),
                    clock(t.start),
                    hhmm((t.end - t.start) / 60_000)
                );
                let _ = writeln!(
                    out,
                    "        <room>{}</room>\n        <slug>{}-{}-{}</slug>\n        <title>{}</title>\n        <subtitle/>",
                    x(room),
                    x(&c.acronym),
                    t.id,
                    slug(t.title),
                    x(t.title)
                );
                let _ = writeln!(
                    out,
                    "        <track>{}</track>\n        <type>{}</type>\n        <language>id</language>\n        <abstract/>\n        <description/>",
                    x(t.kind),
                    x(t.kind)
                );
                out.push_str("        <persons>\n");
                for (n, p) in t.persons.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "          <person id=\"{}\">{}</person>",
                        t.id * 100 + n as i64,
                        x(p)
                    );
                }
                out.push_str("        </persons>\n        <links>\n");
                if let Some(u) = t.url {
                    let _ = writeln!(out, "          <link href=\"{}\">Video</link>", x(u));
                }
                out.push_str("        </links>\n      </event>\n");
            }
            out.push_str("    </room>\n");
        }
        out.push_str("  </day>\n");
    }
    out.push_str("</schedule>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_groups_days_and_rooms() {
        let talks = vec![
            Talk {
                id: 2,
                title: "Panel <Petung Dadi>",
                kind: "panel",
                start: 1_607_914_800_000,
                end: 1_607_920_200_000,
                room: "Aula",
                persons: vec!["Kominfo", "Kades"],
                url: None,
            },
            Talk {
                id: 1,
                title: "Pembukaan",
                kind: "opening",
                start: 1_607_907_600_000,
                end: 1_607_911_200_000,
                room: "Aula",
                persons: vec!["Bupati"],
                url: Some("https://meet.example.id/x"),
            },
            Talk {
                id: 3,
                title: "Lion",
                kind: "panel",
                start: 1_607_994_000_000,
                end: 1_607_999_400_000,
                room: "Aula",
                persons: vec![],
                url: None,
            },
        ];
        let c = Conference {
            acronym: "tif2".into(),
            title: "TIF 2",
            start: "2020-12-14",
            end: "2020-12-15",
            base_url: "https://x.id",
        };
        let j = json(&c, &talks);
        let days = j["schedule"]["conference"]["days"].as_array().unwrap();
        assert_eq!(days.len(), 2);
        let first = &days[0]["rooms"]["Aula"];
        assert_eq!(first[0]["title"], "Pembukaan");
        assert_eq!(first[0]["start"], "08:00");
        assert_eq!(first[0]["duration"], "01:00");
        assert_eq!(first[1]["persons"][1]["public_name"], "Kades");
        let xml = xml(&c, &talks);
        assert!(xml.contains("<title>Panel &lt;Petung Dadi&gt;</title>"));
        assert_eq!(xml.matches("<event ").count(), 3);
        assert!(xml.contains("<day index=\"2\" date=\"2020-12-15\""));
    }
}
