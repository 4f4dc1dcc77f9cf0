//! How a citizen finds their requests again without the tracking code: by the phone number or
//! e-mail address they gave, proven with a one-time code. The contact is parsed and normalised
//! here; the store keeps only a keyed digest of it.

use anjungan_kernel::identity::domain::{Email, Phone};
use anjungan_kernel::outbox::domain::Channel;

/// A phone number (`62…`) or an e-mail address (lower case), as the request form normalises
/// them, so that "0812-3456-7890" finds the request filed with "+62 812 3456 7890".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Phone(String),
    Email(String),
}

impl Contact {
    /// Errors are message keys.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("desk.error.contact_required");
        }
        if raw.contains('@') {
            return Email::parse(raw)
                .map(|e| Contact::Email(e.as_str().to_string()))
                .map_err(|_| "desk.error.contact");
        }
        Phone::parse(raw)
            .map(|p| Contact::Phone(p.as_str().to_string()))
            .map_err(|_| "desk.error.contact")
    }

    pub fn as_str(&self) -> &str {
        match self {
            Contact::Phone(s) | Contact::Email(s) => s,
        }
    }

    /// Where a code to this contact goes.
    pub fn channel(&self) -> Channel {
        match self {
            Contact::Phone(_) => Channel::Whatsapp,
            Contact::Email(_) => Channel::Email,
        }
    }

    /// Shown on screen to say where the code went, never the whole contact.
    pub fn masked(&self) -> String {
        mask_contact(self.as_str())
    }

    /// The contact on file as a stranger who types a request number may see it: the country
    /// code and the last two digits of a phone (numbers are sequential, so this page is open to
    /// anyone), the e-mail as elsewhere.
    pub fn masked_on_file(&self) -> String {
        match self {
            Contact::Phone(p) => anjungan_kernel::crypto::mask(p, 2, 2),
            Contact::Email(e) => anjungan_kernel::crypto::mask_email(e),
        }
    }
}

/// `6281*******90` or `bu***@example.id`.
pub fn mask_contact(contact: &str) -> String {
    if contact.contains('@') {
        anjungan_kernel::crypto::mask_email(contact)
    } else {
        anjungan_kernel::crypto::mask(contact, 4, 2)
    }
}

/// The one-time code's purpose: listing every request of a contact.
pub const LIST_PURPOSE: &str = "desk-mine";

/// The one-time code's purpose: opening one request by its number. Bound to the request, so a
/// code sent for one number opens no other.
pub fn number_purpose(request_id: i64) -> String {
    format!("desk-number:{request_id}")
}

/// Which contact on file a code for a request number goes to: the phone (WhatsApp) first, as
/// the desk's notices do, else the e-mail address.
pub fn contact_on_file(phone: &str, email: &str) -> Option<Contact> {
    if !phone.is_empty() {
        return Some(Contact::Phone(phone.to_string()));
    }
    (!email.is_empty()).then(|| Contact::Email(email.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_is_found_however_it_was_typed() {
        let a = Contact::parse("0812-3456-7890").unwrap();
        let b = Contact::parse("+62 812 3456 7890").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "6281234567890");
        assert_eq!(a.channel(), Channel::Whatsapp);
        assert_eq!(a.masked(), "6281*******90");
        assert_eq!(a.masked_on_file(), "62*********90");
    }

    #[test]
    fn an_email_is_lower_cased_and_masked() {
        let c = Contact::parse(" Budi@Example.ID ").unwrap();
        assert_eq!(c, Contact::Email("budi@example.id".into()));
        assert_eq!(c.channel(), Channel::Email);
        assert_eq!(c.masked(), "bu***@example.id");
    }

    #[test]
    fn nonsense_and_nothing_are_refused_with_their_own_messages() {
        assert_eq!(Contact::parse(""), Err("desk.error.contact_required"));
        assert_eq!(Contact::parse("budi@"), Err("desk.error.contact"));
        assert_eq!(Contact::parse("nomor saya"), Err("desk.error.contact"));
    }

    #[test]
    fn a_code_for_one_number_is_not_a_code_for_another() {
        assert_ne!(number_purpose(1), number_purpose(2));
        assert_ne!(number_purpose(1), LIST_PURPOSE);
    }

    #[test]
    fn the_phone_on_file_comes_before_the_email() {
        assert_eq!(
            contact_on_file("6281", "a@b.id"),
            Some(Contact::Phone("6281".into()))
        );
        assert_eq!(
            contact_on_file("", "a@b.id"),
            Some(Contact::Email("a@b.id".into()))
        );
        assert_eq!(contact_on_file("", ""), None);
    }
}
