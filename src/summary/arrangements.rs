//! Test support: one answer in the orders a server that cannot sort (no `_sort`) may send it
//! in, so that each section builder is shown to order by its clinical date, never by arrival.

use std::fmt::Debug;

/// `items` as sent, reversed, and in a few fixed shuffles (Fisher–Yates driven by xorshift):
/// enough that an order taken from the input shows.
fn arrangements<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    let mut all = vec![items.to_vec(), items.iter().rev().cloned().collect()];
    for seed in [0x9e37_79b9_u32, 0x85eb_ca6b, 0xc2b2_ae35, 0x27d4_eb2f] {
        let mut state = seed;
        let mut shuffled = items.to_vec();
        for last in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            shuffled.swap(last, state as usize % (last + 1));
        }
        all.push(shuffled);
    }
    all
}

/// The view `build` makes of `items`, after checking that every arrangement of them gives the
/// same view.
pub fn built_in_any_order<T: Clone, V: PartialEq + Debug>(
    items: &[T],
    build: impl Fn(&[T]) -> V,
) -> V {
    let sent = build(items);
    for (index, arranged) in arrangements(items).iter().enumerate() {
        assert_eq!(
            build(arranged),
            sent,
            "arrangement {index} built another view"
        );
    }
    sent
}
