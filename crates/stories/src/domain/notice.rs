//! The words Cilen sends to authors, pure: what happened to their work and where to find it.

use super::workflow::State;

/// A message to one author: (subject, body).
pub type Notice = (String, String);

/// The author's e-mail after a librarian's decision moved their work to `next`; `None` for a
/// state the author is not told about. `base_url` is the site's address.
pub fn decision(
    next: State,
    pen_name: &str,
    title: &str,
    note: &str,
    base_url: &str,
    work_id: i64,
) -> Option<Notice> {
    let (subject, what) = match next {
        State::InReview => ("Karya Anda sedang ditelaah", "sedang ditelaah pustakawan"),
        State::Published => ("Karya Anda terbit", "telah diterbitkan"),
        State::Returned => ("Karya Anda dikembalikan", "dikembalikan dengan catatan"),
        State::Unpublished => ("Karya Anda ditarik", "ditarik dari situs"),
        State::TakenDown => ("Karya Anda diturunkan", "diturunkan"),
        _ => return None,
    };
    let mut body = format!("Halo {pen_name},\n\n\"{title}\" {what}.\n");
    if !note.is_empty() {
        body.push_str(&format!("\nCatatan pustakawan:\n{note}\n"));
    }
    body.push_str(&format!("\n{base_url}/cerita/tulis/{work_id}\n"));
    Some((format!("Cilen: {subject}"), body))
}

/// The new co-author's e-mail: who credited them, on which work, and where to edit it.
pub fn co_author(pen_name: &str, by: &str, title: &str, base_url: &str, work_id: i64) -> Notice {
    (
        "Cilen: Anda penulis bersama".into(),
        format!(
            "Halo {pen_name},\n\n{by} mencantumkan Anda sebagai penulis bersama \"{title}\". \
             Anda dapat menyuntingnya di:\n{}/cerita/tulis/{work_id}\n",
            base_url.trim_end_matches('/')
        ),
    )
}

/// A follower's e-mail when an author they follow publishes a new work.
pub fn new_work(byline: &str, title: &str, base_url: &str, work_id: i64) -> Notice {
    (
        format!("Cilen: karya baru dari {byline}"),
        format!(
            "{byline} menerbitkan karya baru di Cilen: \"{title}\".\n\nBaca di:\n{}/cerita/karya/{work_id}\n\n\
             Anda menerima pesan ini karena mengikuti penulis ini. Berhenti mengikuti di halaman penulis.\n",
            base_url.trim_end_matches('/')
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_work_names_its_author_and_links_to_it() {
        let (subject, body) = new_work("Sekar", "Legenda Telaga", "https://x/", 7);
        assert_eq!(subject, "Cilen: karya baru dari Sekar");
        assert!(body.contains("\"Legenda Telaga\"") && body.contains("https://x/cerita/karya/7"));
    }

    #[test]
    fn a_decision_names_the_work_the_note_and_the_link() {
        let (subject, body) = decision(
            State::Returned,
            "Eko",
            "Kisah Prigi",
            "Perbaiki ejaan.",
            "https://anjungan.test",
            7,
        )
        .unwrap();
        assert_eq!(subject, "Cilen: Karya Anda dikembalikan");
        assert!(body.starts_with("Halo Eko,"));
        assert!(body.contains("\"Kisah Prigi\" dikembalikan dengan catatan."));
        assert!(body.contains("Catatan pustakawan:\nPerbaiki ejaan."));
        assert!(body.ends_with("https://anjungan.test/cerita/tulis/7\n"));
        // Without a note, no empty note block.
        let (_, plain) = decision(State::Published, "Eko", "K", "", "", 7).unwrap();
        assert!(!plain.contains("Catatan"));
        // Drafts and submissions by the author themselves are not announced.
        assert!(decision(State::Draft, "Eko", "K", "", "", 7).is_none());
    }

    #[test]
    fn a_co_author_is_told_who_credited_them() {
        let (subject, body) = co_author("Yuni", "Eko", "Kisah Prigi", "https://a.test/", 3);
        assert_eq!(subject, "Cilen: Anda penulis bersama");
        assert!(body.contains("Eko mencantumkan Anda sebagai penulis bersama \"Kisah Prigi\""));
        assert!(body.ends_with("https://a.test/cerita/tulis/3\n"));
    }
}
