//! The conference world's Frab schedule (JSON and XML), read by apps such as Giggity and by
//! conference tooling (C3VOC's schema for JSON, `schedule.xml.xsd` for XML): every day of the
//! edition, its rooms, and events with start, duration and persons, in WIB. An event's `guid` is
//! a version-5 UUID of the session under the installation's lasting domain, so it stays the same
//! when the base URL changes; times are whole minutes, as in the calendar.

use crate::domain::agenda::{edition_days, whole_minute};
use anjungan_kernel::clock::{Millis, to_wib};
use anjungan_kernel::naming::stable_uuid;
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
    /// The live stream or conference link, when there is one.
    pub url: Option<&'a str>,
}

pub struct Conference<'a> {
    /// The edition's number: the acronym is `tif{number}`.
    pub number: i64,
    pub title: &'a str,
    /// First and last day, `YYYY-MM-DD`.
    pub start: &'a str,
    pub end: &'a str,
    pub base_url: &'a str,
    /// The installation's lasting domain name (`Config::identity_domain`).
    pub domain: &'a str,
}

impl Conference<'_> {
    fn acronym(&self) -> String {
        format!("tif{}", self.number)
    }

    fn page(&self) -> String {
        format!("{}/festival/{}", self.base_url, self.number)
    }

    fn event_guid(&self, id: i64) -> String {
        stable_uuid(self.domain, &format!("festival/sesi/{id}")).to_string()
    }

    fn room_guid(&self, room: &str) -> String {
        stable_uuid(
            self.domain,
            &format!("festival/{}/ruang/{}", self.number, slug(room)),
        )
        .to_string()
    }

    /// The session's own place on the edition page.
    fn event_url(&self, id: i64) -> String {
        format!("{}#s{id}", self.page())
    }
}

/// The Frab event type of an agenda kind (C3VOC's vocabulary); the kind itself is the track.
fn event_type(kind: &str) -> &'static str {
    match kind {
        "panel" => "discussion",
        "presentation" => "talk",
        "workshop" => "workshop",
        _ => "other",
    }
}

fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn date(ms: Millis) -> String {
    to_wib(ms).date().to_string()
}

fn iso(ms: Millis) -> String {
    anjungan_kernel::clock::rfc3339_wib(whole_minute(ms))
}

fn clock(ms: Millis) -> String {
    let t = to_wib(ms);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn duration(t: &Talk<'_>) -> String {
    hhmm(((whole_minute(t.end) - whole_minute(t.start)) / 60_000).max(0))
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
    let out: String = out.trim_matches('-').chars().take(60).collect();
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "sesi".into()
    } else {
        out.to_string()
    }
}

fn event_slug(c: &Conference<'_>, t: &Talk<'_>) -> String {
    format!("{}-{}-{}", c.acronym(), t.id, slug(t.title))
}

/// One day of the schedule: its date, its span, and its rooms' talks in time order.
struct Day<'a> {
    date: String,
    start: String,
    end: String,
    rooms: BTreeMap<&'a str, Vec<&'a Talk<'a>>>,
}

/// Every day of the edition (and any day a session falls on outside it), with its talks.
fn days<'a>(c: &Conference<'_>, talks: &'a [Talk<'a>]) -> Vec<Day<'a>> {
    let mut by_date: BTreeMap<String, BTreeMap<&'a str, Vec<&'a Talk<'a>>>> =
        edition_days(c.start, c.end)
            .into_iter()
            .map(|d| (d.to_string(), BTreeMap::new()))
            .collect();
    for t in talks {
        by_date
            .entry(date(t.start))
            .or_default()
            .entry(t.room)
            .or_default()
            .push(t);
    }
    by_date
        .into_iter()
        .map(|(date, mut rooms)| {
            for list in rooms.values_mut() {
                list.sort_by_key(|t| (t.start, t.id));
            }
            let all: Vec<&&Talk> = rooms.values().flatten().collect();
            let (start, end) = match (
                all.iter().map(|t| t.start).min(),
                all.iter().map(|t| t.end).max(),
            ) {
                (Some(s), Some(e)) => (iso(s), iso(e)),
                // A day without sessions spans the festival's working day.
                _ => (
                    format!("{date}T08:00:00+07:00"),
                    format!("{date}T17:00:00+07:00"),
                ),
            };
            Day {
                date,
                start,
                end,
                rooms,
            }
        })
        .collect()
}

/// The rooms named anywhere in the schedule, in name order.
fn rooms<'a>(talks: &'a [Talk<'a>]) -> Vec<&'a str> {
    let mut names: Vec<&str> = talks.iter().map(|t| t.room).collect();
    names.sort_unstable();
    names.dedup();
    names
}

pub fn json(c: &Conference<'_>, talks: &[Talk<'_>]) -> serde_json::Value {
    let days = days(c, talks);
    let day_list: Vec<serde_json::Value> = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let rooms: serde_json::Map<String, serde_json::Value> = day
                .rooms
                .iter()
                .map(|(room, list)| {
                    let events: Vec<serde_json::Value> = list
                        .iter()
                        .map(|t| {
                            serde_json::json!({
                                "id": t.id,
                                "guid": c.event_guid(t.id),
                                "logo": "",
                                "date": iso(t.start),
                                "start": clock(t.start),
                                "duration": duration(t),
                                "room": room,
                                "slug": event_slug(c, t),
                                "url": c.event_url(t.id),
                                "title": t.title,
                                "subtitle": "",
                                "track": t.kind,
                                "type": event_type(t.kind),
                                "language": "id",
                                "abstract": "",
                                "description": "",
                                "recording_license": "",
                                "do_not_record": false,
                                "persons": t.persons.iter().enumerate().map(|(n, p)| serde_json::json!({"id": t.id * 100 + n as i64 + 1, "public_name": p})).collect::<Vec<_>>(),
                                "links": t.url.map(|u| vec![serde_json::json!({"url": u, "title": "Siaran langsung"})]).unwrap_or_default(),
                                "attachments": [],
                                "answers": [],
                            })
                        })
                        .collect();
                    ((*room).to_string(), serde_json::Value::Array(events))
                })
                .collect();
            serde_json::json!({"index": i + 1, "date": day.date, "day_start": day.start, "day_end": day.end, "rooms": rooms})
        })
        .collect();
    let rooms: Vec<serde_json::Value> = rooms(talks)
        .into_iter()
        .map(|r| serde_json::json!({"name": r, "guid": c.room_guid(r), "description": null, "capacity": null}))
        .collect();
    serde_json::json!({
        "schedule": {
            "version": "1.0",
            "base_url": format!("{}/", c.base_url),
            "conference": {
                "acronym": c.acronym(),
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "daysCount": day_list.len(),
                "timeslot_duration": "00:15",
                "time_zone_name": "Asia/Jakarta",
                "url": c.page(),
                "rooms": rooms,
                "days": day_list,
            }
        }
    })
}

use anjungan_kernel::text::xml_attr as x;

pub fn xml(c: &Conference<'_>, talks: &[Talk<'_>]) -> String {
    let days = days(c, talks);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n  <version>1.0</version>\n",
    );
    let _ = writeln!(
        out,
        "  <conference>\n    <acronym>{}</acronym>\n    <title>{}</title>\n    <start>{}</start>\n    <end>{}</end>\n    <days>{}</days>\n    <timeslot_duration>00:15</timeslot_duration>\n    <base_url>{}/</base_url>\n    <time_zone_name>Asia/Jakarta</time_zone_name>\n  </conference>",
        x(&c.acronym()),
        x(c.title),
        x(c.start),
        x(c.end),
        days.len(),
        x(c.base_url)
    );
    for (i, day) in days.iter().enumerate() {
        let _ = writeln!(
            out,
            "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">",
            i + 1,
            day.date,
            day.start,
            day.end
        );
        for (room, list) in &day.rooms {
            let _ = writeln!(out, "    <room name=\"{}\">", x(room));
            for t in list {
                let _ = writeln!(
                    out,
                    "      <event guid=\"{}\" id=\"{}\">",
                    c.event_guid(t.id),
                    t.id
                );
                let _ = writeln!(
                    out,
                    "        <date>{}</date>\n        <start>{}</start>\n        <duration>{}</duration>",
                    iso(t.start),
                    clock(t.start),
                    duration(t)
                );
                let _ = writeln!(
                    out,
                    "        <room>{}</room>\n        <slug>{}</slug>\n        <title>{}</title>\n        <subtitle/>",
                    x(room),
                    x(&event_slug(c, t)),
                    x(t.title)
                );
                let _ = writeln!(
                    out,
                    "        <track>{}</track>\n        <type>{}</type>\n        <language>id</language>\n        <abstract/>\n        <description/>\n        <url>{}</url>",
                    x(t.kind),
                    event_type(t.kind),
                    x(&c.event_url(t.id))
                );
                out.push_str("        <persons>\n");
                for (n, p) in t.persons.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "          <person id=\"{}\">{}</person>",
                        t.id * 100 + n as i64 + 1,
                        x(p)
                    );
                }
                out.push_str("        </persons>\n        <links>\n");
                if let Some(u) = t.url {
                    let _ = writeln!(
                        out,
                        "          <link href=\"{}\">Siaran langsung</link>",
                        x(u)
                    );
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
                // Entered with seconds and milliseconds: exported as 08:00.
                start: 1_607_907_630_250,
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
            number: 2,
            title: "TIF 2",
            start: "2020-12-14",
            end: "2020-12-16",
            base_url: "https://x.id",
            domain: "trenggalekkab.go.id",
        };
        let j = json(&c, &talks);
        let days = j["schedule"]["conference"]["days"].as_array().unwrap();
        assert_eq!(
            days.len(),
            3,
            "every day of the edition, with or without sessions"
        );
        assert_eq!(j["schedule"]["conference"]["daysCount"], 3);
        assert_eq!(days[2]["rooms"], serde_json::json!({}));
        let first = &days[0]["rooms"]["Aula"];
        assert_eq!(first[0]["title"], "Pembukaan");
        assert_eq!(first[0]["start"], "08:00");
        assert_eq!(first[0]["duration"], "01:00");
        assert_eq!(first[0]["date"], "2020-12-14T08:00:00+07:00");
        assert_eq!(first[1]["persons"][1]["public_name"], "Kades");
        let xml = xml(&c, &talks);
        assert!(xml.contains("<title>Panel &lt;Petung Dadi&gt;</title>"));
        assert_eq!(xml.matches("<event ").count(), 3);
        assert_eq!(xml.matches("<day ").count(), 3);
        let guid = first[0]["guid"].as_str().unwrap();
        assert_eq!(uuid::Uuid::parse_str(guid).unwrap().get_version_num(), 5);
        assert!(xml.contains(&format!("<event guid=\"{guid}\" id=\"1\">")));
        assert!(xml.contains("<day index=\"2\" date=\"2020-12-15\""));
    }
}
