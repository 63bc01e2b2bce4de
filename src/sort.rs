//! Stable sorting through one shared, non-generic routine.
//!
//! `slice::sort_by` is generic over the element and the comparison, so every call site with its
//! own closure got its own copy of the standard library's sort (about 4 KB of WebAssembly each;
//! there were fifteen). These helpers sort a list of positions instead, always with the same
//! types, then move the elements into that order: the results are exactly those of the standard
//! stable sorts they replace, equal elements keeping their order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their original order (as
/// `slice::sort_by` does).
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(&order, &mut |i, j| items.swap(i, j));
}

/// Sorts `items` by `key`, keeping equal elements in their original order (as
/// `slice::sort_by_key` does).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by `key`, computing each key once (as `slice::sort_by_cached_key` does; it is
/// stable too).
pub fn sort_by_cached_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = stable_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    permute(&order, &mut |i, j| items.swap(i, j));
}

/// The positions `0..len` in stable sorted order: `order[k]` is the position of the element
/// that belongs at `k`.
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges a list so that position `k` holds what was at `order[k]`, by following each
/// cycle of the permutation with `swap`.
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sorts() {
        let lists: [&[(u8, u8)]; 5] = [
            &[],
            &[(1, 0)],
            &[(3, 0), (1, 1), (2, 2), (1, 3), (3, 4), (0, 5), (2, 6)],
            &[(5, 0), (4, 1), (3, 2), (2, 3), (1, 4), (0, 5)],
            &[
                (1, 0),
                (1, 1),
                (0, 2),
                (0, 3),
                (1, 4),
                (0, 5),
                (2, 6),
                (2, 7),
            ],
        ];
        for list in lists {
            let mut expected = list.to_vec();
            expected.sort_by_key(|p| p.0);
            let mut ours = list.to_vec();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            assert_eq!(ours, expected);
            let mut ours = list.to_vec();
            sort_by_key(&mut ours, |p| p.0);
            assert_eq!(ours, expected);
            let mut ours = list.to_vec();
            sort_by_cached_key(&mut ours, |p| p.0);
            assert_eq!(ours, expected);
        }
    }

    // proptest is a native dev-dependency; the wasm build of these tests skips the property.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_list_sorts_as_the_standard_library_sorts_it(
                keys in proptest::collection::vec(0u8..6, 0..60)
            ) {
                let list: Vec<(u8, usize)> = keys.into_iter().zip(0..).collect();
                let mut expected = list.clone();
                expected.sort_by_key(|p| p.0);
                let mut ours = list.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                prop_assert_eq!(&ours, &expected);
                let mut ours = list.clone();
                sort_by_cached_key(&mut ours, |p| p.0);
                prop_assert_eq!(&ours, &expected);
            }
        }
    }
}
