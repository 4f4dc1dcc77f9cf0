//! The IKM formula, exactly: NRR per element = sum of its answers ÷ forms that answered it;
//! index = mean of the nine NRR (weight exactly 1/9); IKM = index × 25, rounded once, at the end,
//! to two decimals. Arithmetic is on exact rationals; nothing is a float.

use super::elements::{Element, Score};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// Sums and counts per element. Tallies add up, so per-day rollups combine into any period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub responses: i64,
    pub sums: [i64; 9],
    pub counts: [i64; 9],
}

impl Tally {
    pub fn add(&mut self, answers: &[Option<Score>; 9]) {
        self.responses += 1;
        for (i, a) in answers.iter().enumerate() {
            if let Some(s) = a {
                self.sums[i] += s.value() as i64;
                self.counts[i] += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.responses += other.responses;
        for i in 0..9 {
            self.sums[i] += other.sums[i];
            self.counts[i] += other.counts[i];
        }
    }

    fn nrr(&self, i: usize) -> Option<BigRational> {
        (self.counts[i] > 0)
            .then(|| BigRational::new(BigInt::from(self.sums[i]), BigInt::from(self.counts[i])))
    }

    pub fn compute(&self) -> Result {
        let nrr: [Option<BigRational>; 9] = std::array::from_fn(|i| self.nrr(i));
        // The index needs all nine elements; an element nobody answered leaves it undefined.
        let ikm = if nrr.iter().all(Option::is_some) {
            let total = nrr
                .iter()
                .flatten()
                .fold(BigRational::zero(), |acc, x| acc + x);
            // IKM × 100 = Σ NRR × 25 × 100 / 9, rounded half up to a whole number of hundredths.
            let hundredths = total * BigRational::from_integer(BigInt::from(2500))
                / BigRational::from_integer(BigInt::from(9));
            Some(Ikm(round_half_up(&hundredths) as u32))
        } else {
            None
        };
        let milli =
            |x: &BigRational| round_half_up(&(x * BigRational::from_integer(BigInt::from(1000))));
        Result {
            responses: self.responses,
            nrr_milli: nrr.each_ref().map(|o| o.as_ref().map(milli)),
            ikm,
        }
    }
}

fn round_half_up(x: &BigRational) -> i64 {
    let two = BigInt::from(2);
    // floor(x + 1/2) = floor((2n + d) / 2d) for d > 0
    let n = x.numer() * &two + x.denom();
    let d = x.denom() * &two;
    let q = num_integer_floor_div(&n, &d);
    q.to_i64().unwrap_or(i64::MAX)
}

fn num_integer_floor_div(n: &BigInt, d: &BigInt) -> BigInt {
    let q = n / d;
    if (n % d != BigInt::zero()) && ((n < &BigInt::zero()) != (d < &BigInt::zero())) {
        q - 1
    } else {
        q
    }
}

/// An IKM value on the 25–100 scale, held as hundredths (`8831` = 88.31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ikm(pub u32);

impl Ikm {
    /// `88.31`, as in machine-readable attributes and the API.
    pub fn dotted(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
    /// `88,31`, as Indonesian writes decimals.
    pub fn comma(self) -> String {
        format!("{},{:02}", self.0 / 100, self.0 % 100)
    }
    pub fn grade(self) -> Grade {
        grade_of(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub fn letter(self) -> &'static str {
        ["A", "B", "C", "D"][self as usize]
    }
    /// The regulation's wording: Sangat Baik, Baik, Kurang Baik, Tidak Baik.
    pub fn label_key(self) -> &'static str {
        [
            "survey.grades.a",
            "survey.grades.b",
            "survey.grades.c",
            "survey.grades.d",
        ][self as usize]
    }
}

/// Grades on the rounded IKM (PermenPANRB 14/2017): ≥ 88.31 A, ≥ 76.61 B, ≥ 65.00 C, else D.
pub fn grade_of(ikm: Ikm) -> Grade {
    match ikm.0 {
        8831.. => Grade::A,
        7661.. => Grade::B,
        6500.. => Grade::C,
        _ => Grade::D,
    }
}

/// The outcome for one tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Result {
    pub responses: i64,
    /// NRR per element × 1000, rounded (for display and ordering only; the IKM uses exact values).
    pub nrr_milli: [Option<i64>; 9],
    pub ikm: Option<Ikm>,
}

impl Result {
    pub fn nrr_milli(&self, e: Element) -> Option<i64> {
        self.nrr_milli[e.index()]
    }
    /// `3.215` style text of an element's NRR.
    pub fn nrr_text(&self, e: Element) -> String {
        match self.nrr_milli(e) {
            Some(m) => format!("{}.{:03}", m / 1000, m % 1000),
            None => "–".into(),
        }
    }
    pub fn grade(&self) -> Option<Grade> {
        self.ikm.map(grade_of)
    }
}

/// Krejcie–Morgan sample size for `n` people served, rounded as the published table is:
/// s = 3.841·N·0.25 / (0.0025·(N−1) + 3.841·0.25) = 3841·N / (10·(N−1) + 3841).
pub fn sample_size(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let num = 3841u128 * n as u128;
    let den = 10u128 * (n as u128 - 1) + 3841;
    ((2 * num + den) / (2 * den)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn answers(v: [u8; 9]) -> [Option<Score>; 9] {
        v.map(Score::new)
    }

    fn tally(rows: &[[u8; 9]]) -> Tally {
        let mut t = Tally::default();
        for r in rows {
            t.add(&answers(*r));
        }
        t
    }

    #[test]
    fn a_perfect_survey_is_exactly_100() {
        let r = tally(&[[4; 9], [4; 9], [4; 9]]).compute();
        assert_eq!(r.ikm, Some(Ikm(10000)));
        assert_eq!(r.ikm.unwrap().dotted(), "100.00");
        assert_eq!(r.grade(), Some(Grade::A));
        let worst = tally(&[[1; 9]]).compute();
        assert_eq!(worst.ikm.unwrap().dotted(), "25.00");
    }

    #[test]
    fn hand_computed_example() {
        // Two forms. NRR: U1 3.5, U2 3, U3 2.5, U4 4, U5 3, U6 3.5, U7 4, U8 2, U9 3 → Σ = 28.5
        // index = 28.5 / 9 = 3.1666…; IKM = 79.1666… → 79.17, grade B.
        let r = tally(&[[4, 3, 2, 4, 3, 3, 4, 2, 3], [3, 3, 3, 4, 3, 4, 4, 2, 3]]).compute();
        assert_eq!(r.ikm.unwrap().dotted(), "79.17");
        assert_eq!(r.grade(), Some(Grade::B));
        assert_eq!(r.nrr_text(Element::U1), "3.500");
        // 0.111 weights would give 28.5 × 0.111 × 25 = 79.09: the exact 1/9 is required.
        assert_ne!(r.ikm.unwrap().dotted(), "79.09");
    }

    #[test]
    fn missing_answers_count_only_where_given() {
        let mut t = Tally::default();
        t.add(&answers([4; 9]));
        let mut partial = answers([2; 9]);
        partial[8] = None; // U9 unanswered on the second form
        t.add(&partial);
        let r = t.compute();
        assert_eq!(r.nrr_text(Element::U1), "3.000");
        assert_eq!(
            r.nrr_text(Element::U9),
            "4.000",
            "U9 averaged over the one form that answered it"
        );
        // Σ NRR = 8 × 3 + 4 = 28 → IKM = 28/9 × 25 = 77.777… → 77.78
        assert_eq!(r.ikm.unwrap().dotted(), "77.78");
        // Nobody answered U4: no index at all.
        let mut none = answers([3; 9]);
        none[3] = None;
        assert_eq!(tally(&[]).compute().ikm, None);
        let mut t = Tally::default();
        t.add(&none);
        assert_eq!(t.compute().ikm, None);
    }

    #[test]
    fn grade_boundaries_on_the_rounded_value() {
        assert_eq!(grade_of(Ikm(8831)), Grade::A);
        assert_eq!(grade_of(Ikm(8830)), Grade::B);
        assert_eq!(grade_of(Ikm(7661)), Grade::B);
        assert_eq!(grade_of(Ikm(7660)), Grade::C);
        assert_eq!(grade_of(Ikm(6500)), Grade::C);
        assert_eq!(grade_of(Ikm(6499)), Grade::D);
        assert_eq!(grade_of(Ikm(2500)), Grade::D);
    }

    #[test]
    fn rounding_is_half_up_to_hundredths() {
        let at = |num: i64, den: i64| {
            round_half_up(&BigRational::new(BigInt::from(num), BigInt::from(den)))
        };
        assert_eq!(at(883050, 100), 8831, "8830.5 rounds up");
        assert_eq!(at(8830499, 1000), 8830);
        assert_eq!(at(7, 2), 4);
        assert_eq!(at(-7, 2), -3, "floor(x + 1/2) also for negatives");
    }

    #[test]
    fn krejcie_morgan_matches_the_published_table() {
        for (n, s) in [
            (10, 10),
            (50, 44),
            (100, 80),
            (200, 132),
            (500, 217),
            (1_000, 278),
            (10_000, 370),
            (1_000_000, 384),
        ] {
            assert_eq!(sample_size(n), s, "N = {n}");
        }
        assert_eq!(sample_size(0), 0);
        assert_eq!(sample_size(1), 1);
    }

    proptest! {
        #[test]
        fn ikm_stays_in_range_and_order_does_not_matter(rows in proptest::collection::vec(proptest::array::uniform9(1u8..=4), 1..60)) {
            let r = tally(&rows).compute();
            let ikm = r.ikm.unwrap().0;
            prop_assert!((2500..=10000).contains(&ikm));
            let mut rev = rows.clone();
            rev.reverse();
            prop_assert_eq!(tally(&rev).compute(), r.clone());
            // Splitting and merging tallies (daily rollups) gives the same result.
            let (a, b) = rows.split_at(rows.len() / 2);
            let mut t = tally(a);
            t.merge(&tally(b));
            prop_assert_eq!(t.compute(), r);
        }

        #[test]
        fn sample_size_never_exceeds_population(n in 1u64..5_000_000) {
            let s = sample_size(n);
            prop_assert!(s <= n && s <= 384);
        }
    }
}
