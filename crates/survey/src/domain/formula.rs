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
        let scaled = |x: &BigRational, k: i64| {
            round_half_up(&(x * BigRational::from_integer(BigInt::from(k))))
        };
        // Every figure is computed from the exact NRR and rounded once, here.
        let weighted_sum = ikm.as_ref().map(|_| {
            let total = nrr
                .iter()
                .flatten()
                .fold(BigRational::zero(), |acc, x| acc + x);
            scaled(
                &(total / BigRational::from_integer(BigInt::from(9))),
                10_000,
            )
        });
        Result {
            responses: self.responses,
            nrr_milli: nrr.each_ref().map(|o| o.as_ref().map(|x| scaled(x, 1000))),
            score_hundredths: nrr.each_ref().map(|o| o.as_ref().map(|x| scaled(x, 2500))),
            weighted_ten_thousandths: nrr.each_ref().map(|o| {
                o.as_ref()
                    .map(|x| scaled(&(x / BigRational::from_integer(BigInt::from(9))), 10_000))
            }),
            weighted_sum_ten_thousandths: weighted_sum,
            ikm,
            sample: Sample::of(self.responses, None),
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

/// Forms needed before an index carries a grade when the number of people served is unknown.
/// Krejcie–Morgan needs at least this many from any population of 32 or more.
pub const MIN_SAMPLE: i64 = 30;

/// Whether enough forms were collected for the index to be graded: the Krejcie–Morgan sample
/// for the people served, or [`MIN_SAMPLE`] when that number is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub got: i64,
    pub needed: i64,
    pub served: Option<i64>,
}

impl Sample {
    pub fn of(got: i64, served: Option<i64>) -> Self {
        let needed = match served {
            Some(s) => sample_size(s.max(0) as u64) as i64,
            None => MIN_SAMPLE,
        };
        Self {
            got,
            needed,
            served,
        }
    }
    pub fn adequate(&self) -> bool {
        self.got >= self.needed
    }
}

/// A figure shown to people, held as an integer of `10^-places` units, rounded once from the
/// exact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixed {
    pub units: i64,
    pub places: u32,
}

impl Fixed {
    fn text(self, sep: char) -> String {
        let scale = 10i64.pow(self.places);
        let sign = if self.units < 0 { "-" } else { "" };
        let a = self.units.abs();
        format!(
            "{sign}{}{sep}{:0width$}",
            a / scale,
            a % scale,
            width = self.places as usize
        )
    }
    /// `87.06`: machine-readable outputs and the API.
    pub fn dotted(self) -> String {
        self.text('.')
    }
    /// `87,06`: as Indonesian writes decimals.
    pub fn comma(self) -> String {
        self.text(',')
    }
    /// In the reader's language: a comma in Indonesian, a point in English.
    pub fn local(self, indonesian: bool) -> String {
        if indonesian {
            self.comma()
        } else {
            self.dotted()
        }
    }
}

/// The outcome for one tally. Every field is derived from the exact NRR and rounded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Result {
    pub responses: i64,
    /// NRR per element × 1000, rounded half up (display and ordering only; the IKM uses exact
    /// values).
    pub nrr_milli: [Option<i64>; 9],
    /// The element's score on the 25–100 scale (NRR × 25) × 100, rounded half up.
    pub score_hundredths: [Option<i64>; 9],
    /// The weighted NRR (NRR × 1/9) × 10 000, rounded half up.
    pub weighted_ten_thousandths: [Option<i64>; 9],
    /// The sum of the weighted NRR × 10 000, rounded half up (only when all nine are answered).
    pub weighted_sum_ten_thousandths: Option<i64>,
    pub ikm: Option<Ikm>,
    /// Whether the sample suffices for a grade.
    pub sample: Sample,
}

impl Result {
    /// The same result judged against the number of people served (`None`: unknown).
    pub fn with_served(mut self, served: Option<i64>) -> Self {
        self.sample = Sample::of(self.responses, served);
        self
    }
    /// NRR with three decimals.
    pub fn nrr(&self, e: Element) -> Option<Fixed> {
        self.nrr_milli[e.index()].map(|units| Fixed { units, places: 3 })
    }
    /// The element's score (NRR × 25) with two decimals: the "Nilai unsur".
    pub fn score(&self, e: Element) -> Option<Fixed> {
        self.score_hundredths[e.index()].map(|units| Fixed { units, places: 2 })
    }
    /// The element's grade, on its score as the index is graded.
    pub fn element_grade(&self, e: Element) -> Option<Grade> {
        self.score_hundredths[e.index()].map(|h| grade_of(Ikm(h.clamp(0, u32::MAX as i64) as u32)))
    }
    /// NRR × 1/9 with four decimals.
    pub fn weighted(&self, e: Element) -> Option<Fixed> {
        self.weighted_ten_thousandths[e.index()].map(|units| Fixed { units, places: 4 })
    }
    /// Σ NRR × 1/9 with four decimals.
    pub fn weighted_sum(&self) -> Option<Fixed> {
        self.weighted_sum_ten_thousandths
            .map(|units| Fixed { units, places: 4 })
    }
    /// The index, shown even when the sample is short.
    pub fn ikm_fixed(&self) -> Option<Fixed> {
        self.ikm.map(|i| Fixed {
            units: i.0 as i64,
            places: 2,
        })
    }
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
    /// The grade, only when the sample suffices: an index from a handful of forms is not a grade.
    pub fn grade(&self) -> Option<Grade> {
        self.ikm.filter(|_| self.sample.adequate()).map(grade_of)
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
        assert_eq!(r.grade(), None, "three forms are not a sample");
        assert_eq!(r.with_served(Some(3)).grade(), Some(Grade::A));
        let worst = tally(&[[1; 9]]).compute();
        assert_eq!(worst.ikm.unwrap().dotted(), "25.00");
    }

    #[test]
    fn hand_computed_example() {
        // Two forms. NRR: U1 3.5, U2 3, U3 2.5, U4 4, U5 3, U6 3.5, U7 4, U8 2, U9 3 → Σ = 28.5
        // index = 28.5 / 9 = 3.1666…; IKM = 79.1666… → 79.17, grade B.
        let r = tally(&[[4, 3, 2, 4, 3, 3, 4, 2, 3], [3, 3, 3, 4, 3, 4, 4, 2, 3]]).compute();
        assert_eq!(r.ikm.unwrap().dotted(), "79.17");
        assert_eq!(r.clone().with_served(Some(2)).grade(), Some(Grade::B));
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

    /// A tally whose element `i` has `sum` over `count` forms, the others all 4.
    fn one_element(i: usize, sum: i64, count: i64) -> Tally {
        let mut t = Tally {
            responses: count,
            sums: [4 * count; 9],
            counts: [count; 9],
        };
        t.sums[i] = sum;
        t
    }

    #[test]
    fn element_scores_are_rounded_once_from_the_exact_nrr() {
        // 1198/344 = 3.48255…; × 25 = 87.0639… → 87.06 (rounding NRR to 3.483 first gave 87.08).
        let r = one_element(1, 1198, 344).compute();
        assert_eq!(r.score(Element::U2).unwrap().dotted(), "87.06");
        assert_eq!(r.score(Element::U2).unwrap().comma(), "87,06");
        // 25/8 × 25 = 78.125 exactly: half up is 78.13 (a float formatted to even gave 78.12).
        let r = one_element(1, 25, 8).compute();
        assert_eq!(r.score(Element::U2).unwrap().dotted(), "78.13");
        // 1428/466 × 25 = 76.609 → 76.61, grade B (76.60 and C after rounding NRR first).
        let r = one_element(0, 1428, 466).compute();
        assert_eq!(r.score(Element::U1).unwrap().dotted(), "76.61");
        assert_eq!(r.element_grade(Element::U1), Some(Grade::B));
    }

    #[test]
    fn the_regulation_table_adds_up() {
        // NRR 3.5, 3, 2.5, 4, 3, 3.5, 4, 2, 3: weighted = NRR / 9; Σ = 28.5 / 9 = 3.1667.
        let r = tally(&[[4, 3, 2, 4, 3, 3, 4, 2, 3], [3, 3, 3, 4, 3, 4, 4, 2, 3]]).compute();
        assert_eq!(r.weighted(Element::U1).unwrap().dotted(), "0.3889");
        assert_eq!(r.weighted(Element::U8).unwrap().comma(), "0,2222");
        assert_eq!(r.weighted_sum().unwrap().dotted(), "3.1667");
        assert_eq!(r.ikm_fixed().unwrap().comma(), "79,17");
    }

    #[test]
    fn small_samples_carry_no_grade() {
        let forms = vec![[4u8; 9]; 29];
        let r = tally(&forms).compute();
        assert_eq!(r.sample.needed, MIN_SAMPLE);
        assert!(r.ikm.is_some() && r.grade().is_none());
        let forms = vec![[4u8; 9]; 30];
        assert_eq!(tally(&forms).compute().grade(), Some(Grade::A));
        // 500 served need 217 forms: 30 are not enough, even though 30 would do without a count.
        let r = tally(&forms).compute().with_served(Some(500));
        assert_eq!((r.sample.needed, r.grade()), (217, None));
    }

    proptest! {
        #[test]
        fn every_figure_matches_an_integer_reference(i in 0usize..9, count in 1i64..20_000, frac in 0u32..=1000) {
            // Any sum between 1 and 4 per form.
            let sum = count + (3 * count) * frac as i64 / 1000;
            let r = one_element(i, sum, count).compute();
            let e = Element::ALL[i];
            // round(x) half up = floor((2·num + den) / (2·den)), all in integers.
            let half_up = |num: i128, den: i128| (2 * num + den).div_euclid(2 * den) as i64;
            let (s, c) = (sum as i128, count as i128);
            prop_assert_eq!(r.score_hundredths[i], Some(half_up(s * 2500, c)));
            prop_assert_eq!(r.nrr_milli[i], Some(half_up(s * 1000, c)));
            prop_assert_eq!(r.weighted_ten_thousandths[i], Some(half_up(s * 10_000, c * 9)));
            let total_num = s + 32 * c; // the other eight elements are 4 each
            prop_assert_eq!(r.weighted_sum_ten_thousandths, Some(half_up(total_num * 10_000, c * 9)));
            prop_assert_eq!(r.ikm.map(|x| x.0 as i64), Some(half_up(total_num * 2500, c * 9)));
            // The text says the same number.
            let text = r.score(e).map(|f| f.dotted()).unwrap_or_default();
            let units = half_up(s * 2500, c);
            prop_assert_eq!(text, format!("{}.{:02}", units / 100, units % 100));
            let grade = grade_of(Ikm(units as u32));
            prop_assert_eq!(r.element_grade(e), Some(grade));
        }

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
