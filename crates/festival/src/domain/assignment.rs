//! Assigning jurors to entries: evenly, and never a juror from the entry's own agency.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Juror {
    pub id: i64,
    /// The juror's own agency, if any (a conflict of interest for that agency's entries).
    pub agency: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub agency: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("entry {0} has fewer eligible jurors than required")]
    NotEnoughJurors(i64),
}

/// Gives each entry `per_entry` jurors: for each entry in id order, the eligible jurors with the
/// fewest assignments so far (ties by juror id). Deterministic, conflict-free, balanced.
pub fn assign(
    entries: &[Entry],
    jurors: &[Juror],
    per_entry: usize,
) -> Result<BTreeMap<i64, Vec<i64>>, AssignError> {
    let mut load: BTreeMap<i64, usize> = jurors.iter().map(|j| (j.id, 0)).collect();
    let mut out = BTreeMap::new();
    let mut entries: Vec<&Entry> = entries.iter().collect();
    entries.sort_by_key(|e| e.id);
    for e in entries {
        let mut eligible: Vec<&Juror> = jurors
            .iter()
            .filter(|j| j.agency != Some(e.agency))
            .collect();
        if eligible.len() < per_entry {
            return Err(AssignError::NotEnoughJurors(e.id));
        }
        eligible.sort_by_key(|j| (load[&j.id], j.id));
        let chosen: Vec<i64> = eligible.iter().take(per_entry).map(|j| j.id).collect();
        for j in &chosen {
            *load.entry(*j).or_default() += 1;
        }
        out.insert(e.id, chosen);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nobody_judges_their_own_agency() {
        let entries = vec![
            Entry { id: 1, agency: 10 },
            Entry { id: 2, agency: 20 },
            Entry { id: 3, agency: 10 },
        ];
        let jurors = vec![
            Juror {
                id: 100,
                agency: Some(10),
            },
            Juror {
                id: 101,
                agency: None,
            },
            Juror {
                id: 102,
                agency: Some(20),
            },
        ];
        let a = assign(&entries, &jurors, 2).unwrap();
        assert_eq!(a[&1], vec![101, 102]);
        assert!(!a[&2].contains(&102));
        assert!(!a[&3].contains(&100));
        assert_eq!(
            assign(&entries, &jurors, 3),
            Err(AssignError::NotEnoughJurors(1))
        );
    }

    proptest! {
        #[test]
        fn assignments_are_conflict_free_and_even(
            agencies in proptest::collection::vec(1i64..5, 1..40),
            juror_agencies in proptest::collection::vec(proptest::option::of(1i64..5), 4..10),
        ) {
            let entries: Vec<Entry> = agencies.iter().enumerate().map(|(i, a)| Entry { id: i as i64, agency: *a }).collect();
            let jurors: Vec<Juror> = juror_agencies.iter().enumerate().map(|(i, a)| Juror { id: 100 + i as i64, agency: *a }).collect();
            if let Ok(a) = assign(&entries, &jurors, 2) {
                for e in &entries {
                    prop_assert_eq!(a[&e.id].len(), 2);
                    for j in &a[&e.id] {
                        let juror = jurors.iter().find(|x| x.id == *j).unwrap();
                        prop_assert!(juror.agency != Some(e.agency));
                    }
                }
                // With jurors free of any agency, the load differs by at most one.
                if jurors.iter().all(|j| j.agency.is_none()) {
                    let mut load = std::collections::HashMap::new();
                    for js in a.values() { for j in js { *load.entry(*j).or_insert(0) += 1; } }
                    let max = load.values().max().copied().unwrap_or(0);
                    let min = jurors.iter().map(|j| load.get(&j.id).copied().unwrap_or(0)).min().unwrap_or(0);
                    prop_assert!(max - min <= 1);
                }
            }
        }
    }
}
