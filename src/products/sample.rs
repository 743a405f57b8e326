//! The bounded row sample kept for each product: the first [`SAMPLE_HEAD`] rows (what a reviewer
//! sees first, in source order), then a uniform reservoir sample (Algorithm R) over all later rows,
//! up to [`SAMPLE_LIMIT`] rows in all. Rows are streamed through it one at a time, so a large
//! table is never held in memory. The random generator has a fixed seed: registering the same
//! data twice keeps the same sample.

/// Rows kept from the start of the source, in order.
pub const SAMPLE_HEAD: usize = 5;
/// Most rows kept per product.
pub const SAMPLE_LIMIT: usize = 200;

pub(crate) struct RowSample<T> {
    head: Vec<T>,
    /// `(position in the source, row)`, sorted by position when finished.
    reservoir: Vec<(u64, T)>,
    seen: u64,
    rng: SplitMix64,
}

impl<T> RowSample<T> {
    pub fn new() -> Self {
        RowSample {
            head: Vec::new(),
            reservoir: Vec::new(),
            seen: 0,
            rng: SplitMix64(0x5eed_0f7e_77ed),
        }
    }

    /// Offers the next row, built by `make` only if the sample keeps it: a large table costs one
    /// random draw per row, not one row object.
    pub fn push_with<E>(&mut self, make: impl FnOnce() -> Result<T, E>) -> Result<(), E> {
        let position = self.seen;
        self.seen += 1;
        if self.head.len() < SAMPLE_HEAD {
            self.head.push(make()?);
            return Ok(());
        }
        let capacity = (SAMPLE_LIMIT - SAMPLE_HEAD) as u64;
        let index_after_head = position - SAMPLE_HEAD as u64;
        if index_after_head < capacity {
            self.reservoir.push((position, make()?));
        } else {
            let slot = self.rng.below(index_after_head + 1);
            if slot < capacity {
                self.reservoir[slot as usize] = (position, make()?);
            }
        }
        Ok(())
    }

    /// The sampled rows in source order, and how many rows were seen.
    pub fn finish(mut self) -> (Vec<T>, u64) {
        self.reservoir.sort_by_key(|(position, _)| *position);
        let mut rows = self.head;
        rows.extend(self.reservoir.into_iter().map(|(_, row)| row));
        (rows, self.seen)
    }
}

/// A small, fast, seedable generator; statistical quality is ample for sampling rows.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound > 0`); the modulo bias is below 2^-40 for our bounds.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_of(n: u64) -> (Vec<u64>, u64) {
        let mut sample = RowSample::new();
        for i in 0..n {
            sample.push_with(|| Ok::<_, ()>(i)).unwrap();
        }
        sample.finish()
    }

    #[test]
    fn keeps_the_head_in_order_and_bounds_the_sample() {
        let (rows, seen) = sample_of(10_000);
        assert_eq!(seen, 10_000);
        assert_eq!(rows.len(), SAMPLE_LIMIT, "the sample is bounded");
        assert_eq!(
            &rows[..SAMPLE_HEAD],
            &[0, 1, 2, 3, 4],
            "the head is the first rows"
        );
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "rows stay in source order"
        );
        assert!(
            rows.iter().any(|&r| r > 5_000),
            "the reservoir reaches the end of the source"
        );
    }

    #[test]
    fn a_small_source_is_kept_whole() {
        assert_eq!(sample_of(12), ((0..12).collect(), 12));
    }
}
