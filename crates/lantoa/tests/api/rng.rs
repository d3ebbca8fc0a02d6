//! The tests' one seeded generator (xorshift64*): the same data on every run, so
//! a failure repeats.

pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed` (not zero).
    pub fn new(seed: u64) -> Rng {
        assert_ne!(seed, 0, "xorshift never leaves zero");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        // Three xor-shifts (right, left, right), then a multiply.
        for (shift, left) in [(12, false), (25, true), (27, false)] {
            self.0 ^= if left {
                self.0 << shift
            } else {
                self.0 >> shift
            };
        }
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// One of `xs`.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
