//! Inter-rater agreement over plain label tables — no SQL here, so the numbers can be checked
//! against reference implementations (see `scripts/test-agreement.sh`).
//!
//! * **Percent agreement**: the share of pairs of ratings of the same unit (by different raters)
//!   that carry the same label, averaged over units (each unit counts once). With two raters it
//!   is the share of units on which they agree.
//! * **Cohen's κ** for two raters: κ = (p_o − p_e) / (1 − p_e), p_o the observed agreement and
//!   p_e the agreement expected by chance from each rater's own label frequencies. Equal to
//!   `sklearn.metrics.cohen_kappa_score`; undefined (`None`) when p_e = 1, i.e. both raters used
//!   one and the same label for everything (sklearn returns NaN there).
//! * **Krippendorff's α, nominal**, for any number of raters with missing ratings:
//!   α = 1 − D_o / D_e from the coincidence matrix o_ck = Σ_u (pairs (c, k) in u) / (m_u − 1),
//!   where m_u is the number of ratings of unit u; units with fewer than two ratings are not
//!   pairable and contribute nothing. With n_c = Σ_k o_ck and n = Σ_c n_c:
//!   α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k. Equal to the `krippendorff` package's
//!   `alpha(…, level_of_measurement="nominal")`; undefined (`None`) when fewer than two labels
//!   occur among pairable ratings (D_e = 0: the package refuses such data).
//! * **Krippendorff's α, ordinal** (ratings on a scale): the same α = 1 − D_o / D_e with the
//!   ordinal difference δ²_ck = (Σ_{g from c to k} n_g − (n_c + n_k)/2)² in place of nominal's
//!   0/1, labels ranked by their order: D_o = Σ o_ck·δ²_ck, D_e = Σ n_c·n_k·δ²_ck / (n − 1).
//!   Equal to the package's `level_of_measurement="ordinal"`; undefined when D_e = 0.
//!
//! Both tallies below are sums over units, so they can be built from SQL aggregates or from a
//! stream of units one at a time, and merged (per domain, per day, overall).

use std::collections::BTreeMap;

/// Ordered pairs of labels that occur together in units, by unit size: the sufficient
/// statistic for percent agreement and Krippendorff's α over many raters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairTally<L: Ord> {
    /// (m_u, c, k) → number of ordered pairs (c, k) of ratings by different raters in units
    /// with m_u ratings. A unit with m ratings adds m·(m − 1) ordered pairs.
    cells: BTreeMap<(u32, L, L), u64>,
}

impl<L: Ord> Default for PairTally<L> {
    fn default() -> Self {
        PairTally {
            cells: BTreeMap::new(),
        }
    }
}

impl<L: Ord + Clone> PairTally<L> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one unit: the labels it received, one per rater (missing ratings left out).
    /// A unit with fewer than two ratings is not pairable and is ignored.
    pub fn add_unit(&mut self, labels: &[L]) {
        let m = labels.len();
        if m < 2 {
            return;
        }
        for (i, c) in labels.iter().enumerate() {
            for (j, k) in labels.iter().enumerate() {
                if i != j {
                    *self
                        .cells
                        .entry((m as u32, c.clone(), k.clone()))
                        .or_default() += 1;
                }
            }
        }
    }

    /// Adds `count` ordered pairs (c, k) from units of `unit_size` ratings (for aggregates).
    pub fn add_pairs(&mut self, unit_size: u32, c: L, k: L, count: u64) {
        if unit_size >= 2 && count > 0 {
            *self.cells.entry((unit_size, c, k)).or_default() += count;
        }
    }

    pub fn merge(&mut self, other: &PairTally<L>) {
        for ((m, c, k), n) in &other.cells {
            self.add_pairs(*m, c.clone(), k.clone(), *n);
        }
    }

    /// Number of pairable units (units with at least two ratings).
    pub fn units(&self) -> u64 {
        self.units_by_size().values().sum()
    }

    /// Number of pairable ratings (n in Krippendorff's notation).
    pub fn ratings(&self) -> u64 {
        self.units_by_size()
            .iter()
            .map(|(m, units)| u64::from(*m) * units)
            .sum()
    }

    fn units_by_size(&self) -> BTreeMap<u32, u64> {
        let mut pairs: BTreeMap<u32, u64> = BTreeMap::new();
        for ((m, _, _), n) in &self.cells {
            *pairs.entry(*m).or_default() += n;
        }
        pairs
            .into_iter()
            .map(|(m, p)| (m, p / (u64::from(m) * u64::from(m - 1))))
            .collect()
    }

    /// Mean over units of the share of agreeing rating pairs; `None` without pairable units.
    pub fn percent_agreement(&self) -> Option<f64> {
        let units = self.units();
        if units == 0 {
            return None;
        }
        let mut agreeing: BTreeMap<u32, u64> = BTreeMap::new();
        for ((m, c, k), n) in &self.cells {
            if c == k {
                *agreeing.entry(*m).or_default() += n;
            }
        }
        let sum: f64 = agreeing
            .iter()
            .map(|(m, n)| *n as f64 / (f64::from(*m) * f64::from(m - 1)))
            .sum();
        Some(sum / units as f64)
    }

    /// The coincidence matrix o_ck.
    pub fn coincidences(&self) -> BTreeMap<(L, L), f64> {
        let mut o: BTreeMap<(L, L), f64> = BTreeMap::new();
        for ((m, c, k), n) in &self.cells {
            *o.entry((c.clone(), k.clone())).or_default() += *n as f64 / f64::from(m - 1);
        }
        o
    }

    /// Krippendorff's α for nominal data; `None` when fewer than two labels occur.
    pub fn alpha_nominal(&self) -> Option<f64> {
        let o = self.coincidences();
        let mut n_c: BTreeMap<&L, f64> = BTreeMap::new();
        let mut disagreeing = 0.0;
        for ((c, k), v) in &o {
            *n_c.entry(c).or_default() += v;
            if c != k {
                disagreeing += v;
            }
        }
        let n: f64 = n_c.values().sum();
        let expected = n * n - n_c.values().map(|v| v * v).sum::<f64>();
        // Exactly zero when one label takes all ratings: the sums are of small integers.
        (n_c.len() >= 2 && expected > 0.0).then(|| 1.0 - (n - 1.0) * disagreeing / expected)
    }

    /// Krippendorff's α for ordinal data (labels ranked by their `Ord`); `None` when fewer
    /// than two labels occur.
    pub fn alpha_ordinal(&self) -> Option<f64> {
        let o = self.coincidences();
        let mut marginals: BTreeMap<&L, f64> = BTreeMap::new();
        for ((c, _), v) in &o {
            *marginals.entry(c).or_default() += v;
        }
        if marginals.len() < 2 {
            return None;
        }
        let rank: BTreeMap<&L, usize> =
            marginals.keys().enumerate().map(|(i, l)| (*l, i)).collect();
        let n_g: Vec<f64> = marginals.values().copied().collect();
        let n: f64 = n_g.iter().sum();
        let delta2 = |i: usize, j: usize| {
            let (lo, hi) = (i.min(j), i.max(j));
            let between: f64 = n_g[lo..=hi].iter().sum();
            (between - (n_g[i] + n_g[j]) / 2.0).powi(2)
        };
        let observed: f64 = o
            .iter()
            .map(|((c, k), v)| v * delta2(rank[c], rank[k]))
            .sum();
        let mut expected = 0.0;
        for i in 0..n_g.len() {
            for j in 0..n_g.len() {
                expected += n_g[i] * n_g[j] * delta2(i, j);
            }
        }
        expected /= n - 1.0;
        (expected > 0.0).then(|| 1.0 - observed / expected)
    }
}

impl<L: Ord + Clone> PairTally<L> {
    /// Krippendorff's α for interval data, each label standing for `value(label)`:
    /// δ²(c, k) = (value(c) − value(k))². `None` when fewer than two labels occur.
    pub fn alpha_interval(&self, value: impl Fn(&L) -> f64) -> Option<f64> {
        let o = self.coincidences();
        let mut marginals: BTreeMap<&L, f64> = BTreeMap::new();
        for ((c, _), v) in &o {
            *marginals.entry(c).or_default() += v;
        }
        if marginals.len() < 2 {
            return None;
        }
        let n: f64 = marginals.values().sum();
        let delta2 = |c: &L, k: &L| (value(c) - value(k)).powi(2);
        let observed: f64 = o.iter().map(|((c, k), v)| v * delta2(c, k)).sum();
        let mut expected = 0.0;
        for (c, n_c) in &marginals {
            for (k, n_k) in &marginals {
                expected += n_c * n_k * delta2(c, k);
            }
        }
        expected /= n - 1.0;
        (expected > 0.0).then(|| 1.0 - observed / expected)
    }
}

/// Two raters' labels on the units both rated: the contingency table behind Cohen's κ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contingency<L: Ord> {
    /// (rater A's label, rater B's label) → units.
    cells: BTreeMap<(L, L), u64>,
}

impl<L: Ord> Default for Contingency<L> {
    fn default() -> Self {
        Contingency {
            cells: BTreeMap::new(),
        }
    }
}

impl<L: Ord + Clone> Contingency<L> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, a: L, b: L) {
        self.add_count(a, b, 1);
    }

    pub fn add_count(&mut self, a: L, b: L, count: u64) {
        if count > 0 {
            *self.cells.entry((a, b)).or_default() += count;
        }
    }

    pub fn units(&self) -> u64 {
        self.cells.values().sum()
    }

    /// Share of units on which both raters gave the same label.
    pub fn percent_agreement(&self) -> Option<f64> {
        let n = self.units();
        (n > 0).then(|| self.diagonal() as f64 / n as f64)
    }

    fn diagonal(&self) -> u64 {
        self.cells
            .iter()
            .filter(|((a, b), _)| a == b)
            .map(|(_, n)| n)
            .sum()
    }

    /// Cohen's κ, computed exactly in integers until the final division:
    /// κ = (n·Σ_c n_cc − Σ_c a_c·b_c) / (n² − Σ_c a_c·b_c), with a_c and b_c each rater's
    /// count of label c. `None` when the denominator is zero (p_e = 1) or there are no units.
    pub fn cohens_kappa(&self) -> Option<f64> {
        let mut a: BTreeMap<&L, u128> = BTreeMap::new();
        let mut b: BTreeMap<&L, u128> = BTreeMap::new();
        for ((la, lb), count) in &self.cells {
            *a.entry(la).or_default() += u128::from(*count);
            *b.entry(lb).or_default() += u128::from(*count);
        }
        let n = u128::from(self.units());
        let chance: u128 = a
            .iter()
            .map(|(label, na)| na * b.get(label).copied().unwrap_or(0))
            .sum();
        let observed = n * u128::from(self.diagonal());
        let denominator = n * n - chance;
        (denominator > 0)
            .then(|| (observed as f64 - chance as f64) / denominator as f64)
            .filter(|_| n > 0)
    }
}

/// Krippendorff's α (nominal) of reliability data laid out as in his papers: one row per rater,
/// one column per unit, `None` where the rater did not rate the unit.
pub fn alpha_nominal_matrix<L: Ord + Clone>(raters: &[Vec<Option<L>>]) -> Option<f64> {
    units_of_matrix(raters).alpha_nominal()
}

/// Krippendorff's α (ordinal) of the same layout as [`alpha_nominal_matrix`].
pub fn alpha_ordinal_matrix<L: Ord + Clone>(raters: &[Vec<Option<L>>]) -> Option<f64> {
    units_of_matrix(raters).alpha_ordinal()
}

/// Krippendorff's α (interval, labels valued by `value`) of the same layout as
/// [`alpha_nominal_matrix`].
pub fn alpha_interval_matrix<L: Ord + Clone>(
    raters: &[Vec<Option<L>>],
    value: impl Fn(&L) -> f64,
) -> Option<f64> {
    units_of_matrix(raters).alpha_interval(value)
}

/// Percent agreement of the same layout as [`alpha_nominal_matrix`].
pub fn percent_agreement_matrix<L: Ord + Clone>(raters: &[Vec<Option<L>>]) -> Option<f64> {
    units_of_matrix(raters).percent_agreement()
}

fn units_of_matrix<L: Ord + Clone>(raters: &[Vec<Option<L>>]) -> PairTally<L> {
    let units = raters.iter().map(Vec::len).max().unwrap_or(0);
    let mut tally = PairTally::new();
    for u in 0..units {
        let labels: Vec<L> = raters
            .iter()
            .filter_map(|row| row.get(u).cloned().flatten())
            .collect();
        tally.add_unit(&labels);
    }
    tally
}

/// Cohen's κ of two raters' labels on the same units, in order (like sklearn's
/// `cohen_kappa_score(a, b)`). Panics if the lengths differ.
pub fn cohens_kappa<L: Ord + Clone>(a: &[L], b: &[L]) -> Option<f64> {
    assert_eq!(a.len(), b.len(), "both raters label the same units");
    let mut table = Contingency::new();
    for (x, y) in a.iter().zip(b) {
        table.add(x.clone(), y.clone());
    }
    table.cohens_kappa()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64, tolerance: f64) {
        let actual = actual.expect("defined");
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} differs from {expected} by more than {tolerance}"
        );
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    /// observers, twelve units, values 1–5 with missing data. Published: α_nominal = 0.743.
    fn krippendorff_2011() -> Vec<Vec<Option<u8>>> {
        let row = |values: [u8; 12]| -> Vec<Option<u8>> {
            values.iter().map(|&v| (v != 0).then_some(v)).collect()
        };
        vec![
            row([1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0]),
            row([1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3]),
            row([0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0]),
            row([1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0]),
        ]
    }

    #[test]
    fn krippendorff_alpha_matches_the_published_worked_example() {
        let data = krippendorff_2011();
        let tally = units_of_matrix(&data);
        // The paper's n: 40 pairable values (unit 12 has a single value and drops out).
        assert_eq!(tally.ratings(), 40);
        assert_eq!(tally.units(), 11);
        close(alpha_nominal_matrix(&data), 0.743, 0.0005);
        // The unrounded value, as the `krippendorff` package (0.9.0) computes it.
        close(alpha_nominal_matrix(&data), 0.743421052631579, 1e-12);
        // The same paper's ordinal value: 0.815.
        close(alpha_ordinal_matrix(&data), 0.815, 0.0005);
    }

    #[test]
    fn krippendorff_alpha_matches_the_paper_coincidence_matrix() {
        let o = units_of_matrix(&krippendorff_2011()).coincidences();
        // Published marginals n_c: 9, 13, 10, 5, 3 (values 1..5), n = 40.
        let marginal =
            |c: u8| -> f64 { o.iter().filter(|((a, _), _)| *a == c).map(|(_, v)| v).sum() };
        for (c, expected) in [(1, 9.0), (2, 13.0), (3, 10.0), (4, 5.0), (5, 3.0)] {
            close(Some(marginal(c)), expected, 1e-12);
        }
        close(o.get(&(1, 1)).copied(), 7.0, 1e-12);
        close(o.get(&(1, 2)).copied(), 4.0 / 3.0, 1e-12);
    }

    /// A standard textbook example (e.g. Wikipedia's "Cohen's kappa", first worked example):
    /// 50 proposals, A and B both yes on 20, both no on 15, A yes / B no on 5, A no / B yes
    /// on 10. p_o = 0.7, p_e = 0.5, κ = 0.4.
    #[test]
    fn cohens_kappa_matches_the_textbook_example() {
        let mut t = Contingency::new();
        t.add_count("yes", "yes", 20);
        t.add_count("no", "no", 15);
        t.add_count("yes", "no", 5);
        t.add_count("no", "yes", 10);
        close(t.percent_agreement(), 0.7, 1e-15);
        close(t.cohens_kappa(), 0.4, 1e-15);
    }

    /// Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions* (3rd ed.), table
    /// 18.1: 100 subjects, three diagnostic categories; κ = 0.676 as published.
    #[test]
    fn cohens_kappa_matches_a_three_category_textbook_table() {
        let mut t = Contingency::new();
        let rows = [[75, 1, 4], [5, 4, 1], [0, 0, 10]];
        for (i, row) in rows.iter().enumerate() {
            for (j, n) in row.iter().enumerate() {
                t.add_count(i, j, *n);
            }
        }
        close(t.cohens_kappa(), 0.676, 0.0005);
        // Unrounded, as `sklearn.metrics.cohen_kappa_score` computes it.
        close(t.cohens_kappa(), 0.6764705882352942, 1e-12);
        close(t.percent_agreement(), 0.89, 1e-15);
    }

    #[test]
    fn kappa_and_alpha_are_undefined_without_variation() {
        assert_eq!(cohens_kappa(&["a", "a"], &["a", "a"]), None);
        assert_eq!(cohens_kappa::<&str>(&[], &[]), None);
        let mut t = PairTally::new();
        t.add_unit(&["a", "a"]);
        t.add_unit(&["a", "a", "a"]);
        assert_eq!(t.alpha_nominal(), None);
        assert_eq!(t.percent_agreement(), Some(1.0));
        assert_eq!(PairTally::<u8>::new().percent_agreement(), None);
        assert_eq!(PairTally::<u8>::new().alpha_nominal(), None);
    }

    #[test]
    fn single_ratings_contribute_nothing() {
        let mut with = PairTally::new();
        with.add_unit(&["a", "b"]);
        with.add_unit(&["a", "a"]);
        let mut more = with.clone();
        more.add_unit(&["b"]);
        more.add_unit(&[]);
        assert_eq!(with, more);
    }

    #[test]
    fn percent_agreement_weighs_each_unit_once() {
        let mut t = PairTally::new();
        t.add_unit(&["a", "a", "b"]); // 1 of 3 pairs agree
        t.add_unit(&["a", "b"]); // 0 of 1
        close(t.percent_agreement(), (1.0 / 3.0) / 2.0, 1e-15);
    }

    #[test]
    fn tallies_merge_like_one_tally() {
        let mut all = PairTally::new();
        let mut left = PairTally::new();
        let mut right = PairTally::new();
        for (i, unit) in [vec!["a", "b"], vec!["a", "a", "c"], vec!["c", "c"]]
            .iter()
            .enumerate()
        {
            all.add_unit(unit);
            if i % 2 == 0 { &mut left } else { &mut right }.add_unit(unit);
        }
        left.merge(&right);
        assert_eq!(all, left);
        assert_eq!(all.alpha_nominal(), left.alpha_nominal());
    }

    #[test]
    fn perfect_agreement_is_one() {
        let a = ["x", "y", "z", "x"];
        assert_eq!(cohens_kappa(&a, &a), Some(1.0));
        let mut t = PairTally::new();
        for l in a {
            t.add_unit(&[l, l]);
        }
        assert_eq!(t.alpha_nominal(), Some(1.0));
        assert_eq!(t.percent_agreement(), Some(1.0));
    }
}
