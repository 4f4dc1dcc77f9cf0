//! A curated collection: its heading and the order of its works.

use super::StoryError;
use super::work::{self, one_line};

/// A new collection's title (one line, 1–160 characters), description (trimmed, at most 1,500
/// characters) and the slug made from the title, which must not be empty.
pub fn heading<'a>(
    title: &str,
    description: &'a str,
) -> Result<(String, &'a str, String), StoryError> {
    let title = one_line(title);
    if title.is_empty() || title.chars().count() > work::MAX_TITLE {
        return Err(StoryError::BadTitle);
    }
    let description = description.trim();
    if description.chars().count() > work::MAX_SUMMARY {
        return Err(StoryError::TooLong);
    }
    let slug = work::slug_of(&title);
    if slug.is_empty() {
        return Err(StoryError::BadTitle);
    }
    Ok((title, description, slug))
}

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
    fn a_heading_needs_a_title_that_makes_a_slug() {
        assert_eq!(
            heading("  Legenda   Trenggalek ", " Kisah lama "),
            Ok((
                "Legenda Trenggalek".to_string(),
                "Kisah lama",
                "legenda-trenggalek".to_string()
            ))
        );
        assert_eq!(heading("   ", ""), Err(StoryError::BadTitle));
        assert_eq!(heading("!!!", ""), Err(StoryError::BadTitle));
        assert_eq!(
            heading(&"a".repeat(work::MAX_TITLE + 1), ""),
            Err(StoryError::BadTitle)
        );
        assert_eq!(
            heading("Legenda", &"x".repeat(work::MAX_SUMMARY + 1)),
            Err(StoryError::TooLong)
        );
    }

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
