//! Statistical disclosure control for aggregates sent to the ministry and planning regions:
//! a count of persons from 1 to `threshold - 1` is suppressed (primary suppression), and
//! so that a published total cannot reveal a lone suppressed cell by subtraction, the
//! smallest other non-zero cell of the same column is suppressed too (complementary
//! suppression). Zero is published: it reveals no person. A total below the threshold is
//! suppressed as well.

/// Which cells of one column (and its total) to suppress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub cells: Vec<bool>,
    pub total: bool,
}

pub fn suppress(values: &[i64], threshold: i64) -> Suppression {
    let small = |v: i64| v > 0 && v < threshold;
    let mut cells: Vec<bool> = values.iter().map(|v| small(*v)).collect();
    let total: i64 = values.iter().sum();
    if cells.iter().filter(|s| **s).count() == 1 {
        let complement = values
            .iter()
            .enumerate()
            .filter(|(i, v)| !cells[*i] && **v > 0)
            .min_by_key(|(i, v)| (**v, *i))
            .map(|(i, _)| i);
        if let Some(i) = complement {
            cells[i] = true;
        }
    }
    Suppression {
        cells,
        total: small(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_one_to_four_are_suppressed_and_zero_is_not() {
        let s = suppress(&[0, 1, 4, 5, 100, 3], 5);
        assert_eq!(s.cells, vec![false, true, true, false, false, true]);
        assert!(!s.total);
    }

    #[test]
    fn a_lone_suppressed_cell_takes_the_smallest_other_non_zero_cell_with_it() {
        let s = suppress(&[12, 3, 0, 7, 40], 5);
        assert_eq!(s.cells, vec![false, true, false, true, false]);
        // The total 62 is published; 3 and 7 cannot be told apart from it.
    }

    #[test]
    fn a_small_total_is_suppressed_too() {
        let s = suppress(&[2, 0, 1], 5);
        assert_eq!(s.cells, vec![true, false, true]);
        assert!(s.total);
        let nothing = suppress(&[0, 0], 5);
        assert_eq!(
            nothing,
            Suppression {
                cells: vec![false, false],
                total: false
            }
        );
    }

    #[test]
    fn a_single_cell_table_is_protected_by_its_total() {
        let s = suppress(&[3], 5);
        assert_eq!(
            s,
            Suppression {
                cells: vec![true],
                total: true
            }
        );
    }

    #[test]
    fn the_threshold_is_configurable() {
        assert_eq!(suppress(&[9, 10, 30], 10).cells, vec![true, true, false]);
    }
}
