//! Awards: the winners are the ranking's first three and the favourite is the entry with the most
//! valid votes (ties to the earlier entry) — computed, never typed in. The regent's special
//! attention is chosen.

use super::scoring::Ranked;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Winner1,
    Winner2,
    Winner3,
    Favourite,
    Special,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Winner1,
        Category::Winner2,
        Category::Winner3,
        Category::Favourite,
        Category::Special,
    ];
    pub fn code(self) -> &'static str {
        ["winner_1", "winner_2", "winner_3", "favourite", "special"][self as usize]
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn key(self) -> String {
        format!("festival.award.{}", self.code())
    }
}

/// The computed awards: (category, entry).
pub fn computed(ranking: &[Ranked], votes: &[(i64, i64)]) -> Vec<(Category, i64)> {
    let mut out: Vec<(Category, i64)> = ranking
        .iter()
        .filter(|r| r.final_score > 0)
        .take(3)
        .zip([Category::Winner1, Category::Winner2, Category::Winner3])
        .map(|(r, c)| (c, r.entry))
        .collect();
    if let Some((entry, _)) = votes
        .iter()
        .filter(|(_, n)| *n > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
    {
        out.push((Category::Favourite, *entry));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(entry: i64, score: i128, position: usize) -> Ranked {
        Ranked {
            entry,
            position,
            final_score: score,
            phases: vec![],
            tie_break: false,
        }
    }

    #[test]
    fn winners_and_favourite_are_computed() {
        let ranking = vec![r(7, 90, 1), r(3, 80, 2), r(5, 70, 3), r(9, 60, 4)];
        let awards = computed(&ranking, &[(9, 12), (3, 12), (5, 4)]);
        assert_eq!(
            awards,
            vec![
                (Category::Winner1, 7),
                (Category::Winner2, 3),
                (Category::Winner3, 5),
                (Category::Favourite, 3)
            ]
        );
        assert_eq!(
            computed(&[r(1, 0, 1)], &[]),
            vec![],
            "no scores, no winners; no votes, no favourite"
        );
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(c));
        }
    }
}
