//! The regional innovation index (IID), as data: a year-versioned catalogue of indicators with
//! weights and three evidence levels, self-assessments that the coordinator accepts or rejects,
//! and the scores — computed exactly, rounded once, and explained line by line.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = innovation::Aspect)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The regional government as a whole (answered once per year for the regency).
    Government,
    /// Each innovation.
    Innovation,
}

impl Aspect {
    pub fn code(self) -> &'static str {
        match self {
            Aspect::Government => "government",
            Aspect::Innovation => "innovation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Aspect::Government, Aspect::Innovation]
            .into_iter()
            .find(|a| a.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = innovation::Level)]
pub struct Level {
    /// The kind of evidence that proves this level.
    pub evidence: String,
    /// Worth of the level, 0–100.
    pub score: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = innovation::Indicator)]
pub struct Indicator {
    pub id: i64,
    pub code: String,
    pub aspect: Aspect,
    pub variable: String,
    pub name: String,
    /// Relative weight within its aspect (whole number).
    pub weight: u32,
    pub levels: Vec<Level>,
}

/// Category thresholds on the index in hundredths (2023: 60.01 / 35.00 / 0.01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = innovation::Thresholds)]
pub struct Thresholds {
    pub very_innovative: u32,
    pub innovative: u32,
    pub less_innovative: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            very_innovative: 6001,
            innovative: 3500,
            less_innovative: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Category)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    VeryInnovative,
    Innovative,
    LessInnovative,
    NotAssessable,
}

impl Category {
    pub fn key(self) -> &'static str {
        [
            "innovation.iid.very",
            "innovation.iid.innovative",
            "innovation.iid.less",
            "innovation.iid.none",
        ][self as usize]
    }
}

impl Thresholds {
    pub fn category(&self, index_hundredths: u32) -> Category {
        if index_hundredths >= self.very_innovative {
            Category::VeryInnovative
        } else if index_hundredths >= self.innovative {
            Category::Innovative
        } else if index_hundredths >= self.less_innovative {
            Category::LessInnovative
        } else {
            Category::NotAssessable
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Review)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Pending,
    Accepted,
    Rejected,
}

impl Review {
    pub fn code(self) -> &'static str {
        match self {
            Review::Pending => "pending",
            Review::Accepted => "accepted",
            Review::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Review::Pending, Review::Accepted, Review::Rejected]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

/// A level picked for an indicator (1-based) and its review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Answer)]
pub struct Answer {
    pub indicator_id: i64,
    pub level: u8,
    pub evidence: Option<String>,
    pub review: Review,
    pub note: String,
}

/// One line of the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Line)]
pub struct Line {
    pub code: String,
    pub name: String,
    pub weight: u32,
    pub level: Option<u8>,
    pub level_score: u32,
    pub review: Option<Review>,
    /// Whether it counts: only accepted answers do.
    pub counted: bool,
    /// This line's share of the score, in hundredths of a point (rounded for display only).
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Score)]
pub struct Score {
    pub lines: Vec<Line>,
    /// 0–100 in hundredths, rounded once.
    pub total: u32,
}

fn round_div(n: u64, d: u64) -> u64 {
    if d == 0 { 0 } else { (2 * n + d) / (2 * d) }
}

/// The score of one aspect: Σ weight × level score ÷ Σ weight, on 0–100, from accepted answers.
pub fn score(indicators: &[Indicator], aspect: Aspect, answers: &[Answer]) -> Score {
    let ours: Vec<&Indicator> = indicators.iter().filter(|i| i.aspect == aspect).collect();
    let weight_sum: u64 = ours.iter().map(|i| i.weight as u64).sum();
    let mut numerator: u64 = 0;
    let lines = ours
        .iter()
        .map(|i| {
            let a = answers.iter().find(|a| a.indicator_id == i.id);
            let level_score = a
                .and_then(|a| i.levels.get((a.level as usize).wrapping_sub(1)))
                .map(|l| l.score)
                .unwrap_or(0);
            let counted = a.is_some_and(|a| a.review == Review::Accepted);
            let part = if counted {
                i.weight as u64 * level_score as u64
            } else {
                0
            };
            numerator += part;
            Line {
                code: i.code.clone(),
                name: i.name.clone(),
                weight: i.weight,
                level: a.map(|a| a.level),
                level_score,
                review: a.map(|a| a.review),
                counted,
                points: round_div(part * 100, weight_sum) as u32,
            }
        })
        .collect();
    Score {
        lines,
        total: round_div(numerator * 100, weight_sum) as u32,
    }
}

/// The regency's index: the government aspect weighted `government_share`%, the mean of the
/// innovations' scores the rest; exact until the final rounding. No assessed innovation → 0.
pub fn regency_index(government: u32, innovations: &[u32], government_share: u32) -> u32 {
    if innovations.is_empty() {
        return 0;
    }
    let n = innovations.len() as u64;
    let sum: u64 = innovations.iter().map(|s| *s as u64).sum();
    // (g × share × n + sum × (100 − share)) ÷ (100 × n)
    let num = government as u64 * government_share as u64 * n
        + sum * (100 - government_share.min(100)) as u64;
    round_div(num, 100 * n) as u32
}

/// Checks a catalogue edit: a name (≤ 300 characters), a weight of 1–1000, and three levels each
/// with evidence text (≤ 300) and a score of 0–100. The error is the locale key of the problem.
pub fn parse_indicator_edit(
    name: &str,
    weight: &str,
    levels: [(&str, &str); 3],
) -> Result<(String, u32, Vec<Level>), &'static str> {
    let weight: u32 = weight
        .trim()
        .parse()
        .ok()
        .filter(|w| (1..=1000).contains(w))
        .ok_or("innovation.error.weight")?;
    let mut out = Vec::new();
    for (evidence, score) in levels {
        let score: u32 = score
            .trim()
            .parse()
            .ok()
            .filter(|v| *v <= 100)
            .ok_or("innovation.error.level_score")?;
        if evidence.trim().is_empty() || evidence.chars().count() > 300 {
            return Err("innovation.error.required");
        }
        out.push(Level {
            evidence: evidence.trim().to_string(),
            score,
        });
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 300 {
        return Err("innovation.error.name");
    }
    Ok((name.to_string(), weight, out))
}

/// A picked level must exist for the indicator.
pub fn check_level(indicator: &Indicator, level: u8) -> bool {
    level >= 1 && (level as usize) <= indicator.levels.len()
}

/// The catalogue shipped for a first start, shaped like the 2023 structure (variables, weights,
/// three evidence levels). The regency edits it each year to the ministry's letter.
pub fn default_catalogue() -> Vec<Indicator> {
    let lv = |a: &str, b: &str, c: &str| {
        vec![
            Level {
                evidence: a.into(),
                score: 33,
            },
            Level {
                evidence: b.into(),
                score: 67,
            },
            Level {
                evidence: c.into(),
                score: 100,
            },
        ]
    };
    let g = |code: &str, var: &str, name: &str, w: u32, l: Vec<Level>| Indicator {
        id: 0,
        code: code.into(),
        aspect: Aspect::Government,
        variable: var.into(),
        name: name.into(),
        weight: w,
        levels: l,
    };
    let i = |code: &str, var: &str, name: &str, w: u32, l: Vec<Level>| Indicator {
        id: 0,
        code: code.into(),
        aspect: Aspect::Innovation,
        variable: var.into(),
        name: name.into(),
        weight: w,
        levels: l,
    };
    vec![
        g(
            "G1",
            "Kebijakan",
            "Regulasi inovasi daerah",
            20,
            lv(
                "Keputusan kepala perangkat daerah",
                "Peraturan/keputusan kepala daerah",
                "Peraturan daerah",
            ),
        ),
        g(
            "G2",
            "Kelembagaan",
            "Ketersediaan SDM inovasi",
            15,
            lv("1–10 orang", "11–30 orang", "Lebih dari 30 orang"),
        ),
        g(
            "G3",
            "Kelembagaan",
            "Dukungan anggaran",
            15,
            lv(
                "Anggaran di DPA satu OPD",
                "Anggaran di beberapa OPD",
                "Anggaran inovasi terprogram",
            ),
        ),
        g(
            "G4",
            "Kelembagaan",
            "Alat kerja (TIK)",
            15,
            lv(
                "Manual",
                "Semi elektronik",
                "Sistem elektronik terintegrasi",
            ),
        ),
        g(
            "G5",
            "Kebijakan",
            "Bimbingan teknis inovasi",
            15,
            lv(
                "Satu kali setahun",
                "Dua kali setahun",
                "Lebih dari dua kali",
            ),
        ),
        g(
            "G6",
            "Kebijakan",
            "Program inovasi dalam RKPD",
            20,
            lv("Disebut", "Satu program", "Lebih dari satu program"),
        ),
        i(
            "I1",
            "Kebaruan",
            "Kecepatan penciptaan inovasi",
            10,
            lv("Lebih dari 9 bulan", "5–9 bulan", "Kurang dari 5 bulan"),
        ),
        i(
            "I2",
            "Manfaat",
            "Jumlah penerima manfaat",
            12,
            lv(
                "Kurang dari 100 orang",
                "100–1.000 orang",
                "Lebih dari 1.000 orang",
            ),
        ),
        i(
            "I3",
            "Manfaat",
            "Kualitas inovasi (peningkatan layanan)",
            12,
            lv(
                "Ada peningkatan",
                "Peningkatan terukur",
                "Peningkatan terukur dan berkelanjutan",
            ),
        ),
        i(
            "I4",
            "Proses",
            "Penggunaan teknologi informasi",
            10,
            lv("Cara manual", "Kombinasi manual dan TIK", "Sepenuhnya TIK"),
        ),
        i(
            "I5",
            "Proses",
            "Kemudahan informasi layanan",
            8,
            lv(
                "Papan informasi",
                "Situs web/media sosial",
                "Aplikasi dan layanan pengaduan",
            ),
        ),
        i(
            "I6",
            "Proses",
            "Standar operasional (SOP)",
            10,
            lv("SOP ada", "SOP ditetapkan", "SOP ditetapkan dan dievaluasi"),
        ),
        i(
            "I7",
            "Keberlanjutan",
            "Regulasi inovasi",
            10,
            lv(
                "Keputusan kepala perangkat daerah",
                "Keputusan kepala daerah",
                "Peraturan kepala daerah/Perda",
            ),
        ),
        i(
            "I8",
            "Keberlanjutan",
            "Replikasi",
            10,
            lv(
                "Direplikasi di unit sendiri",
                "Direplikasi OPD lain",
                "Direplikasi daerah lain",
            ),
        ),
        i(
            "I9",
            "Partisipasi",
            "Kolaborasi dan partisipasi",
            10,
            lv("Satu mitra", "Dua mitra", "Pentahelix lengkap"),
        ),
        i(
            "I10",
            "Bukti",
            "Video inovasi",
            8,
            lv(
                "Video tanpa penjelasan",
                "Video penjelasan",
                "Video penjelasan dan testimoni warga",
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cat() -> Vec<Indicator> {
        default_catalogue()
            .into_iter()
            .enumerate()
            .map(|(n, mut i)| {
                i.id = n as i64 + 1;
                i
            })
            .collect()
    }

    fn ans(id: i64, level: u8, review: Review) -> Answer {
        Answer {
            indicator_id: id,
            level,
            evidence: None,
            review,
            note: String::new(),
        }
    }

    #[test]
    fn weighted_score_counts_only_accepted_answers() {
        let c = cat();
        // Innovation indicators have ids 7..=16, weights sum to 100.
        let all_top: Vec<Answer> = (7..=16).map(|id| ans(id, 3, Review::Accepted)).collect();
        assert_eq!(score(&c, Aspect::Innovation, &all_top).total, 10000);
        let mut mixed = all_top.clone();
        mixed[0] = ans(7, 1, Review::Accepted); // I1 weight 10 at 33 → 330 instead of 1000
        mixed[1] = ans(8, 3, Review::Rejected); // I2 weight 12 does not count
        let s = score(&c, Aspect::Innovation, &mixed);
        // (10×33 + 12×0 + (100 − 10 − 12)×100) / 100 = 81.30
        assert_eq!(s.total, 8130);
        let line = s.lines.iter().find(|l| l.code == "I2").unwrap();
        assert!(!line.counted && line.level == Some(3) && line.points == 0);
        let line = s.lines.iter().find(|l| l.code == "I1").unwrap();
        assert_eq!((line.level_score, line.points), (33, 330));
        // Nothing answered: zero.
        assert_eq!(score(&c, Aspect::Innovation, &[]).total, 0);
    }

    #[test]
    fn categories_follow_the_2023_thresholds() {
        let t = Thresholds::default();
        assert_eq!(t.category(10000), Category::VeryInnovative);
        assert_eq!(t.category(6001), Category::VeryInnovative);
        assert_eq!(t.category(6000), Category::Innovative);
        assert_eq!(t.category(3500), Category::Innovative);
        assert_eq!(t.category(3499), Category::LessInnovative);
        assert_eq!(t.category(1), Category::LessInnovative);
        assert_eq!(t.category(0), Category::NotAssessable);
    }

    #[test]
    fn regency_index_weights_the_aspects() {
        // 25% × 80 + 75% × mean(60, 70) = 20 + 48.75 = 68.75
        assert_eq!(regency_index(8000, &[6000, 7000], 25), 6875);
        assert_eq!(regency_index(8000, &[], 25), 0);
        assert_eq!(regency_index(10000, &[10000], 25), 10000);
    }

    #[test]
    fn catalogue_edits_are_checked() {
        let ok = parse_indicator_edit(" Regulasi ", "20", [("a", "33"), ("b", "67"), ("c", "100")])
            .unwrap();
        assert_eq!((ok.0.as_str(), ok.1, ok.2.len()), ("Regulasi", 20, 3));
        assert_eq!(
            parse_indicator_edit("x", "0", [("a", "1"), ("b", "1"), ("c", "1")]),
            Err("innovation.error.weight")
        );
        assert_eq!(
            parse_indicator_edit("x", "5", [("a", "101"), ("b", "1"), ("c", "1")]),
            Err("innovation.error.level_score")
        );
        assert_eq!(
            parse_indicator_edit("x", "5", [(" ", "1"), ("b", "1"), ("c", "1")]),
            Err("innovation.error.required")
        );
        assert_eq!(
            parse_indicator_edit("", "5", [("a", "1"), ("b", "1"), ("c", "1")]),
            Err("innovation.error.name")
        );
    }

    #[test]
    fn levels_must_exist() {
        let c = cat();
        assert!(check_level(&c[0], 1) && check_level(&c[0], 3));
        assert!(!check_level(&c[0], 0) && !check_level(&c[0], 4));
    }

    proptest! {
        #[test]
        fn scores_stay_in_range(levels in proptest::collection::vec(1u8..=3, 10)) {
            let c = cat();
            let answers: Vec<Answer> = levels.iter().enumerate().map(|(n, l)| ans(7 + n as i64, *l, Review::Accepted)).collect();
            let s = score(&c, Aspect::Innovation, &answers);
            prop_assert!((3300..=10000).contains(&s.total));
            let mut rev = answers.clone();
            rev.reverse();
            prop_assert_eq!(score(&c, Aspect::Innovation, &rev).total, s.total);
        }
    }
}
