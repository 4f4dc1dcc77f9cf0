//! The service standard (*standar pelayanan*, UU 25/2009 art. 21, PermenPANRB 15/2014): fourteen
//! components, six of them facing the citizen and shown publicly.

use serde::{Deserialize, Serialize};

/// Component keys in the regulation's order; the first six face the citizen.
pub const COMPONENTS: [&str; 14] = [
    "requirements",
    "procedure",
    "completion_time",
    "cost",
    "product",
    "complaints",
    "legal_basis",
    "facilities",
    "competence",
    "supervision",
    "staffing",
    "guarantee",
    "security",
    "evaluation",
];

pub const PUBLIC_COMPONENTS: usize = 6;

/// The text of each component, by key. Completion time and cost also live as numbers on the
/// service; their text here explains them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = desk::Standard)]
pub struct Standard {
    pub components: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StandardError {
    #[error("the citizen-facing components are required")]
    MissingPublic(&'static str),
    #[error("unknown component")]
    Unknown(String),
    #[error("a component is at most 4,000 characters")]
    TooLong,
}

impl Standard {
    pub fn get(&self, key: &str) -> &str {
        self.components.get(key).map(String::as_str).unwrap_or("")
    }

    /// The six public components as (key, text).
    pub fn public(&self) -> Vec<(&'static str, &str)> {
        COMPONENTS[..PUBLIC_COMPONENTS]
            .iter()
            .map(|k| (*k, self.get(k)))
            .collect()
    }

    pub fn internal(&self) -> Vec<(&'static str, &str)> {
        COMPONENTS[PUBLIC_COMPONENTS..]
            .iter()
            .map(|k| (*k, self.get(k)))
            .collect()
    }

    /// Every key known, every public component filled (completion time and cost may be left
    /// to the numbers), nothing overlong.
    pub fn validate(&self) -> Result<(), StandardError> {
        if let Some(k) = self
            .components
            .keys()
            .find(|k| !COMPONENTS.contains(&k.as_str()))
        {
            return Err(StandardError::Unknown(k.clone()));
        }
        if self.components.values().any(|v| v.chars().count() > 4000) {
            return Err(StandardError::TooLong);
        }
        for k in ["requirements", "procedure", "product", "complaints"] {
            if self.get(k).trim().is_empty() {
                return Err(StandardError::MissingPublic(k));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_public_eight_internal() {
        let mut s = Standard::default();
        assert_eq!(
            s.validate(),
            Err(StandardError::MissingPublic("requirements"))
        );
        for k in ["requirements", "procedure", "product", "complaints"] {
            s.components.insert(k.into(), "isi".into());
        }
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.public().len(), 6);
        assert_eq!(s.internal().len(), 8);
        assert_eq!(s.public()[4], ("product", "isi"));
        s.components.insert("rahasia".into(), "x".into());
        assert_eq!(s.validate(), Err(StandardError::Unknown("rahasia".into())));
    }
}
