//! What Petung Dadi tells a citizen (by WhatsApp or e-mail) and a unit (by e-mail): the words of
//! each notice, in Bahasa Indonesia, pure. The services queue them.

use super::letter::long_date;
use super::request::display_tracking_code;
use super::workflow::State;

/// One message: its subject (e-mail) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// The body of "request received", written before the request has its number: `{number}` stands
/// where [`received`] puts it.
pub fn received_template(
    service: &str,
    unit: &str,
    due: time::Date,
    tracking_code: &str,
    link: &str,
) -> String {
    format!(
        "Permohonan {{number}} ({service}) diterima oleh {unit}. Perkiraan selesai {}. Kode lacak: {}. Lacak: {link}",
        long_date(due),
        display_tracking_code(tracking_code)
    )
}

/// "Request received", once the request has its number.
pub fn received(template: &str, number: &str) -> Notice {
    Notice {
        subject: format!("Permohonan {number} diterima"),
        body: template.replace("{number}", number),
    }
}

/// The citizen's message when the request moves to `to`; `note` is the clerk's reason where the
/// step needs one, `link` where the citizen follows the request.
pub fn step(number: &str, service: &str, to: State, note: &str, link: &str) -> Notice {
    let what = match to {
        State::Verified => "telah diverifikasi dan menunggu tanda tangan".to_string(),
        State::Returned => {
            format!("dikembalikan untuk perbaikan: {note}. Silakan perbaiki lewat tautan")
        }
        State::Rejected => format!("ditolak: {note}"),
        State::Signed => "telah ditandatangani".to_string(),
        State::Issued => "telah terbit. Unduh surat dengan kode lacak Anda".to_string(),
        State::Delivered => "telah diterima".to_string(),
        State::Closed => "telah selesai. Terima kasih".to_string(),
        State::Cancelled => "dibatalkan atas permintaan Anda".to_string(),
        State::Submitted => "diajukan kembali".to_string(),
    };
    Notice {
        subject: format!("Permohonan {number}"),
        body: format!("Permohonan {number} ({service}) {what}. {link}"),
    }
}

/// The unit's reminder of a request that falls due.
pub fn reminder(
    number: &str,
    service: &str,
    due_on: &str,
    state: State,
    base_url: &str,
    request_id: i64,
) -> Notice {
    Notice {
        subject: format!("Pengingat: permohonan {number} jatuh tempo {due_on}"),
        body: format!(
            "Permohonan {number} ({service}) jatuh tempo {due_on}. Status: {}. Buka: {}/layanan/kelola/permohonan/{request_id}",
            state.code(),
            base_url.trim_end_matches('/'),
        ),
    }
}

/// The unit's answer to a complaint, to the contact the citizen left.
pub fn complaint_answered(response: &str) -> Notice {
    Notice {
        subject: "Tanggapan pengaduan".into(),
        body: format!("Tanggapan atas pengaduan Anda: {response}"),
    }
}

/// A one-time code that proves the citizen holds a phone number or an e-mail address.
pub fn contact_code(code: &str) -> Notice {
    Notice {
        subject: "Kode verifikasi Petung Dadi".into(),
        body: format!(
            "Kode verifikasi Petung Dadi Anda: {code}. Berlaku 15 menit. Jangan berikan kepada siapa pun."
        ),
    }
}

/// A one-time code that opens the citizen's list of requests.
pub fn list_code(code: &str) -> Notice {
    Notice {
        subject: "Kode untuk melihat permohonan Anda".into(),
        body: format!(
            "Kode untuk melihat daftar permohonan Petung Dadi Anda: {code}. Berlaku 15 menit. Jangan berikan kepada siapa pun."
        ),
    }
}

/// A one-time code that opens one request by its number.
pub fn number_code(number: &str, code: &str) -> Notice {
    Notice {
        subject: format!("Kode untuk membuka permohonan {number}"),
        body: format!(
            "Kode untuk membuka permohonan {number}: {code}. Berlaku 15 menit. Jangan berikan kepada siapa pun."
        ),
    }
}

/// The satisfaction survey's invitation when a request closes; `{link}` is the survey's
/// one-use link, filled in by the survey.
pub fn survey_invitation(number: &str, service: &str) -> Notice {
    Notice {
        subject: format!("Survei kepuasan: {service}"),
        body: format!(
            "Permohonan {number} ({service}) telah selesai. Bantu kami memperbaiki layanan: isi survei kepuasan (SKM) singkat, sekali pakai, tanpa nama: {{link}}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_say_what_they_open_and_are_not_to_be_shared() {
        let l = list_code("123456");
        assert!(l.body.contains("123456") && l.body.contains("Jangan berikan"));
        let n = number_code("PD-2026-000023", "654321");
        assert!(n.subject.contains("PD-2026-000023") && n.body.contains("654321"));
        let s = survey_invitation("PD-2026-000023", "KTP");
        assert!(s.body.ends_with("{link}"));
    }

    #[test]
    fn received_carries_the_number_due_date_and_tracking_code() {
        let due = time::macros::date!(2026 - 12 - 10);
        let t = received_template(
            "Surat Keterangan Domisili",
            "Desa Nglinggis",
            due,
            "ABCDEFGH",
            "https://x/l",
        );
        let n = received(&t, "0007/12/2026");
        assert_eq!(n.subject, "Permohonan 0007/12/2026 diterima");
        assert!(n.body.starts_with(
            "Permohonan 0007/12/2026 (Surat Keterangan Domisili) diterima oleh Desa Nglinggis."
        ));
        assert!(n.body.contains(&long_date(due)));
        assert!(n.body.ends_with("Lacak: https://x/l"));
        assert!(!n.body.contains("{number}"));
    }

    #[test]
    fn a_returned_request_gives_the_reason() {
        let n = step("12", "KTP", State::Returned, "foto buram", "https://x/l");
        assert_eq!(n.subject, "Permohonan 12");
        assert_eq!(
            n.body,
            "Permohonan 12 (KTP) dikembalikan untuk perbaikan: foto buram. Silakan perbaiki lewat tautan. https://x/l"
        );
    }

    #[test]
    fn a_reminder_links_the_unit_to_the_request() {
        let n = reminder("12", "KTP", "2026-12-10", State::Verified, "https://x/", 5);
        assert!(
            n.body
                .ends_with("Buka: https://x/layanan/kelola/permohonan/5")
        );
        assert_eq!(n.subject, "Pengingat: permohonan 12 jatuh tempo 2026-12-10");
    }
}
