//! The nine elements (*unsur*) of PermenPANRB 14/2017, stored by code, never by position.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Element {
    U1,
    U2,
    U3,
    U4,
    U5,
    U6,
    U7,
    U8,
    U9,
}

/// The part of the service standard (UU 25/2009; PermenPANRB 15/2014) an element points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardComponent {
    Requirements,
    Procedure,
    CompletionTime,
    Cost,
    Product,
    StaffCompetence,
    StaffConduct,
    ComplaintHandling,
    Facilities,
}

impl StandardComponent {
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Requirements => "survey.components.requirements",
            Self::Procedure => "survey.components.procedure",
            Self::CompletionTime => "survey.components.completion_time",
            Self::Cost => "survey.components.cost",
            Self::Product => "survey.components.product",
            Self::StaffCompetence => "survey.components.staff_competence",
            Self::StaffConduct => "survey.components.staff_conduct",
            Self::ComplaintHandling => "survey.components.complaint_handling",
            Self::Facilities => "survey.components.facilities",
        }
    }
}

impl Element {
    pub const ALL: [Element; 9] = [
        Element::U1,
        Element::U2,
        Element::U3,
        Element::U4,
        Element::U5,
        Element::U6,
        Element::U7,
        Element::U8,
        Element::U9,
    ];

    pub fn code(self) -> &'static str {
        ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"][self.index()]
    }

    /// The regulation's short name: `persyaratan`, `prosedur`, …
    pub fn name(self) -> &'static str {
        [
            "persyaratan",
            "prosedur",
            "waktu",
            "biaya",
            "produk",
            "kompetensi",
            "perilaku",
            "pengaduan",
            "sarana",
        ][self.index()]
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.code().eq_ignore_ascii_case(code.trim()))
    }

    pub fn component(self) -> StandardComponent {
        use StandardComponent::*;
        [
            Requirements,
            Procedure,
            CompletionTime,
            Cost,
            Product,
            StaffCompetence,
            StaffConduct,
            ComplaintHandling,
            Facilities,
        ][self.index()]
    }

    /// Locale keys: `survey.element.u1.name`, `.question`, `.a1`…`.a4`.
    pub fn key(self, part: &str) -> String {
        format!("survey.element.{}.{part}", self.code().to_lowercase())
    }
}

/// One answer on the 1–4 scale (4 = best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    pub fn new(v: u8) -> Option<Self> {
        (1..=4).contains(&v).then_some(Self(v))
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.trim().parse::<u8>().ok().and_then(Self::new)
    }
    pub fn value(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_follow_the_regulation() {
        assert_eq!(
            Element::ALL.map(|e| e.code()).join(","),
            "U1,U2,U3,U4,U5,U6,U7,U8,U9"
        );
        assert_eq!(Element::U4.name(), "biaya");
        assert_eq!(Element::U8.name(), "pengaduan");
        assert_eq!(Element::U9.name(), "sarana");
        assert_eq!(Element::parse("u7"), Some(Element::U7));
        assert_eq!(Element::parse("U10"), None);
        assert_eq!(
            Element::U8.component(),
            StandardComponent::ComplaintHandling
        );
    }

    #[test]
    fn scores_are_one_to_four() {
        assert!(Score::parse("0").is_none());
        assert!(Score::parse("5").is_none());
        assert!(Score::parse("x").is_none());
        assert_eq!(Score::parse(" 4 ").unwrap().value(), 4);
    }
}
