//! Dependency order of datasets, as a pure function: every dataset comes after those it needs,
//! ties keep the given order, and a cycle is refused with the cycle spelled out.

use std::collections::HashMap;

/// Why datasets cannot be ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderError {
    /// `dataset` needs `missing`, which is not among the datasets.
    Missing { dataset: String, missing: String },
    /// The names along a cycle, the first repeated at the end: `a -> b -> a`.
    Cycle(Vec<String>),
}

/// `nodes`: each dataset's name and the names it needs. Returns indices into `nodes` in an
/// order where each comes after everything it needs.
pub fn order(nodes: &[(String, Vec<String>)]) -> Result<Vec<usize>, OrderError> {
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    let mut needs: Vec<Vec<usize>> = Vec::with_capacity(nodes.len());
    for (name, deps) in nodes {
        let mut v = Vec::new();
        for d in deps {
            let &j = index.get(d.as_str()).ok_or_else(|| OrderError::Missing {
                dataset: name.clone(),
                missing: d.clone(),
            })?;
            v.push(j);
        }
        needs.push(v);
    }
    // Depth-first, visiting in the given order: 0 unvisited, 1 on the path, 2 done.
    let mut state = vec![0u8; nodes.len()];
    let mut out = Vec::with_capacity(nodes.len());
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        i: usize,
        needs: &[Vec<usize>],
        state: &mut [u8],
        path: &mut Vec<usize>,
        out: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match state[i] {
            2 => return Ok(()),
            1 => {
                let start = path.iter().position(|&p| p == i).expect("on the path");
                let mut cycle = path[start..].to_vec();
                cycle.push(i);
                return Err(cycle);
            }
            _ => {}
        }
        state[i] = 1;
        path.push(i);
        for &j in &needs[i] {
            visit(j, needs, state, path, out)?;
        }
        path.pop();
        state[i] = 2;
        out.push(i);
        Ok(())
    }
    for i in 0..nodes.len() {
        visit(i, &needs, &mut state, &mut path, &mut out)
            .map_err(|c| OrderError::Cycle(c.into_iter().map(|i| nodes[i].0.clone()).collect()))?;
    }
    Ok(out)
}

/// `wanted` and everything they need, transitively, as a set of indices into `nodes` (whose
/// names must all resolve: call after [`order`] succeeded).
pub fn with_dependencies(nodes: &[(String, Vec<String>)], wanted: &[usize]) -> Vec<bool> {
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    let mut chosen = vec![false; nodes.len()];
    let mut stack: Vec<usize> = wanted.to_vec();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut chosen[i], true) {
            continue;
        }
        stack.extend(
            nodes[i]
                .1
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied()),
        );
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(spec: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        spec.iter()
            .map(|(n, d)| (n.to_string(), d.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    type Case<'a> = (&'a [(&'a str, &'a [&'a str])], &'a [&'a str]);

    fn names(n: &[(String, Vec<String>)], order: Vec<usize>) -> Vec<&str> {
        order.into_iter().map(|i| n[i].0.as_str()).collect()
    }

    #[test]
    fn dependencies_come_first_and_ties_keep_file_order() {
        let cases: &[Case] = &[
            (&[("a", &[]), ("b", &[]), ("c", &[])], &["a", "b", "c"]),
            (
                &[("users", &["roles"]), ("roles", &[])],
                &["roles", "users"],
            ),
            (
                &[
                    ("order_items", &["orders", "products"]),
                    ("orders", &["users"]),
                    ("products", &["categories"]),
                    ("users", &[]),
                    ("categories", &[]),
                ],
                &["users", "orders", "categories", "products", "order_items"],
            ),
            (&[("x", &["y", "y"]), ("y", &[])], &["y", "x"]),
        ];
        for (spec, want) in cases {
            let n = nodes(spec);
            assert_eq!(names(&n, order(&n).unwrap()), *want, "{spec:?}");
        }
    }

    #[test]
    fn a_cycle_is_named_in_full() {
        let n = nodes(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(
            order(&n),
            Err(OrderError::Cycle(vec![
                "a".into(),
                "b".into(),
                "c".into(),
                "a".into()
            ]))
        );
        let n = nodes(&[("self", &["self"])]);
        assert_eq!(
            order(&n),
            Err(OrderError::Cycle(vec!["self".into(), "self".into()]))
        );
    }

    #[test]
    fn a_missing_dependency_names_both() {
        let n = nodes(&[("users", &["roles"])]);
        assert_eq!(
            order(&n),
            Err(OrderError::Missing {
                dataset: "users".into(),
                missing: "roles".into()
            })
        );
    }

    #[test]
    fn selecting_a_dataset_brings_its_dependencies() {
        let n = nodes(&[
            ("roles", &[]),
            ("users", &[]),
            ("user_roles", &["users", "roles"]),
            ("orders", &["users"]),
        ]);
        assert_eq!(with_dependencies(&n, &[2]), vec![true, true, true, false]);
    }
}
