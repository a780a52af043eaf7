//! A share as a whole percentage, as the door's header and the attendance summary say it:
//! rounded to the nearest, but never 0% once someone is there nor 100% while someone is not
//! (1 of 101 checked in read "0%").

/// `part` of `whole` in whole percent; 0 of nothing is 0.
pub fn percent(part: u64, whole: u64) -> u64 {
    if whole == 0 || part == 0 {
        return 0;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let nearest = (part * 200 + whole) / (2 * whole);
    let nearest = u64::try_from(nearest).unwrap_or(u64::MAX);
    if part < whole {
        nearest.clamp(1, 99)
    } else {
        nearest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_ends_are_kept_apart_from_their_neighbours() {
        assert_eq!(percent(1, 101), 1);
        assert_eq!(percent(100, 101), 99);
        assert_eq!(percent(101, 101), 100);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(2, 7), 29);
        assert_eq!(percent(0, 7), 0);
        assert_eq!(percent(3, 0), 0);
    }

    proptest! {
        /// Within one point of the exact share; 0 only for none, 100 only for all.
        #[test]
        fn a_share_is_near_and_says_none_and_all_only_for_them(
            whole in 1u64..100_000,
            part in 0u64..100_000,
        ) {
            let part = part % (whole + 1);
            let shown = percent(part, whole) as f64;
            let exact = part as f64 * 100.0 / whole as f64;
            prop_assert!((shown - exact).abs() <= 1.0, "{part}/{whole}: {shown} against {exact}");
            prop_assert_eq!(shown == 0.0, part == 0);
            prop_assert_eq!(shown == 100.0, part == whole);
        }
    }
}
