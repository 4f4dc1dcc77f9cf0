//! The order of a curated collection.

/// The collection's order after moving `work` one place up (earlier); `None` if it is not in
/// the collection. The first work stays first.
pub fn move_up(order: &[i64], work: i64) -> Option<Vec<i64>> {
    let at = order.iter().position(|w| *w == work)?;
    let mut out = order.to_vec();
    if at > 0 {
        out.swap(at - 1, at);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn moves_one_place_and_keeps_the_first_first() {
        assert_eq!(move_up(&[7, 8, 9], 9), Some(vec![7, 9, 8]));
        assert_eq!(move_up(&[7, 8, 9], 7), Some(vec![7, 8, 9]));
        assert_eq!(move_up(&[7, 8, 9], 5), None);
    }

    proptest! {
        #[test]
        fn the_same_works_in_a_new_order(order in proptest::collection::hash_set(0i64..1000, 1..30), pick in 0usize..30) {
            let order: Vec<i64> = order.into_iter().collect();
            let work = order[pick % order.len()];
            let moved = move_up(&order, work).unwrap();
            let (mut a, mut b) = (order.clone(), moved.clone());
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
            let before = order.iter().position(|w| *w == work).unwrap();
            let after = moved.iter().position(|w| *w == work).unwrap();
            prop_assert_eq!(after, before.saturating_sub(1));
        }
    }
}
