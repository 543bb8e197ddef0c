//! Tests of the tree mathematics against the published Certificate Transparency vectors and
//! against the literal RFC definitions.
//!
//! Origin of the vectors: the eight leaves, the roots of the trees of 1..=8 of them, and the
//! inclusion and consistency proofs below are the RFC 6962 test data of the Certificate
//! Transparency reference implementation, as republished in transparency-dev/merkle
//! `proof/verify_test.go` (`leaves`, `roots`, `inclusionProofs`, `consistencyProofs`) and
//! `rfc6962/rfc6962_test.go` (empty-tree and leaf hashes). Each vector is followed by named
//! mutations that must fail, after the same file's `corruptInclusionProof` and
//! `corruptConsistencyProof`.

use proptest::prelude::*;

use super::*;

fn h(hex: &str) -> Hash {
    let bytes = data_encoding::HEXLOWER
        .decode(hex.as_bytes())
        .expect("test vector is hex");
    bytes.try_into().expect("test vector is 32 bytes")
}

fn leaf_inputs() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|s| data_encoding::HEXLOWER.decode(s.as_bytes()).unwrap())
    .collect()
}

/// Roots of the trees made of the first 1..=8 leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (1-based leaf number, tree size, proof) as in `inclusionProofs`.
fn inclusion_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            3,
            3,
            vec![h(
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            )],
        ),
        (
            2,
            5,
            vec![
                h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
    ]
}

/// (size1, size2, proof) as in `consistencyProofs`.
fn consistency_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            5,
            vec![
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
        (
            6,
            7,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
    ]
}

fn vector_tree() -> MemoryTree {
    let mut t = MemoryTree::new();
    for leaf in leaf_inputs() {
        t.push(hash_leaf(&leaf));
    }
    t
}

#[test]
fn empty_tree_and_leaf_hashes_match_rfc6962_vectors() {
    // rfc6962_test.go: TestRFC6962Hasher.
    assert_eq!(
        empty_root(),
        h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(
        hash_leaf(b""),
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    );
    assert_eq!(
        hash_leaf(b"L123456"),
        h("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
    );
    assert_eq!(
        hash_children_bytes(b"N123", b"N456"),
        h("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb")
    );
    assert_eq!(CompactRange::new().root(), empty_root());
}

#[test]
fn roots_of_1_to_8_leaves_match_vectors() {
    let leaves: Vec<Hash> = leaf_inputs().iter().map(|l| hash_leaf(l)).collect();
    let mut range = CompactRange::new();
    for (i, leaf) in leaves.iter().enumerate() {
        range.push(*leaf);
        let want = h(ROOTS[i]);
        assert_eq!(range.root(), want, "incremental root of {} leaves", i + 1);
        assert_eq!(
            root_by_definition(&leaves[..=i]),
            want,
            "recursive root of {} leaves",
            i + 1
        );
        assert_eq!(vector_tree().root_at(i as u64 + 1).unwrap(), want);
    }
}

/// (what, index, size, leaf, proof, root)
type InclusionProbe = (&'static str, u64, u64, Hash, Vec<Hash>, Hash);
/// (what, size1, size2, root1, root2, proof)
type ConsistencyProbe = (&'static str, u64, u64, Hash, Hash, Vec<Hash>);

fn inclusion_mutations(
    index: u64,
    size: u64,
    leaf: Hash,
    proof: &[Hash],
    root: Hash,
) -> Vec<InclusionProbe> {
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    let mut out = vec![
        (
            "index - 1",
            index.wrapping_sub(1),
            size,
            leaf,
            proof.to_vec(),
            root,
        ),
        ("index + 1", index + 1, size, leaf, proof.to_vec(), root),
        ("index ^ 2", index ^ 2, size, leaf, proof.to_vec(), root),
        ("size * 2", index, size * 2, leaf, proof.to_vec(), root),
        ("size / 2", index, size / 2, leaf, proof.to_vec(), root),
        ("wrong leaf", index, size, some, proof.to_vec(), root),
        (
            "empty root",
            index,
            size,
            leaf,
            proof.to_vec(),
            empty_root(),
        ),
        ("random root", index, size, leaf, proof.to_vec(), some),
        (
            "trailing root",
            index,
            size,
            leaf,
            [proof, &[root]].concat(),
            root,
        ),
        (
            "preceding root",
            index,
            size,
            leaf,
            [&[root], proof].concat(),
            root,
        ),
    ];
    for i in 0..proof.len() {
        let mut p = proof.to_vec();
        p[i][0] ^= 8;
        out.push(("modified proof bit 3", index, size, leaf, p, root));
    }
    if !proof.is_empty() {
        out.push((
            "removed component",
            index,
            size,
            leaf,
            proof[..proof.len() - 1].to_vec(),
            root,
        ));
    }
    if proof.len() > 1 {
        let mut p = vec![proof[0], some];
        p.extend_from_slice(&proof[1..]);
        out.push(("inserted component", index, size, leaf, p, root));
    }
    out
}

#[test]
fn inclusion_vectors_verify_generate_and_mutations_fail() {
    let tree = vector_tree();
    let inputs = leaf_inputs();
    for (leaf_no, size, proof) in inclusion_vectors() {
        let index = leaf_no - 1;
        let leaf = hash_leaf(&inputs[index as usize]);
        let root = h(ROOTS[size as usize - 1]);
        verify_inclusion(index, size, &leaf, &proof, &root)
            .unwrap_or_else(|e| panic!("vector ({leaf_no}, {size}) failed: {e}"));
        assert_eq!(
            tree.inclusion_proof(index, size).unwrap(),
            proof,
            "generated proof for ({leaf_no}, {size})"
        );
        for (what, i, s, l, p, r) in inclusion_mutations(index, size, leaf, &proof, root) {
            assert!(
                verify_inclusion(i, s, &l, &p, &r).is_err(),
                "mutation {what:?} of vector ({leaf_no}, {size}) verified"
            );
        }
    }
}

#[test]
fn inclusion_rejects_degenerate_sizes() {
    let some = hash_leaf(b"x");
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        assert!(verify_inclusion(index, size, &some, &[], &some).is_err());
    }
    assert_eq!(
        inclusion_plan(3, 3),
        Err(ProofError::IndexBeyondSize { index: 3, size: 3 })
    );
}

#[test]
fn consistency_vectors_verify_generate_and_mutations_fail() {
    let tree = vector_tree();
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (s1, s2, proof) in consistency_vectors() {
        let r1 = h(ROOTS[s1 as usize - 1]);
        let r2 = h(ROOTS[s2 as usize - 1]);
        verify_consistency(s1, s2, &r1, &r2, &proof)
            .unwrap_or_else(|e| panic!("vector ({s1}, {s2}) failed: {e}"));
        assert_eq!(tree.consistency_proof(s1, s2).unwrap(), proof);
        if proof.is_empty() {
            continue;
        }
        let mut mutations: Vec<ConsistencyProbe> = vec![
            ("size1 - 1", s1 - 1, s2, r1, r2, proof.clone()),
            ("size1 + 1", s1 + 1, s2, r1, r2, proof.clone()),
            ("size1 ^ 2", s1 ^ 2, s2, r1, r2, proof.clone()),
            ("size2 * 2", s1, s2 * 2, r1, r2, proof.clone()),
            ("size2 / 2", s1, s2 / 2, r1, r2, proof.clone()),
            ("wrong root1", s1, s2, some, r2, proof.clone()),
            ("wrong root2", s1, s2, r1, some, proof.clone()),
            ("swapped roots", s1, s2, r2, r1, proof.clone()),
            ("empty proof", s1, s2, r1, r2, vec![]),
            (
                "trailing root1",
                s1,
                s2,
                r1,
                r2,
                [&proof[..], &[r1]].concat(),
            ),
            (
                "trailing root2",
                s1,
                s2,
                r1,
                r2,
                [&proof[..], &[r2]].concat(),
            ),
            (
                "preceding root1",
                s1,
                s2,
                r1,
                r2,
                [&[r1], &proof[..]].concat(),
            ),
            (
                "preceding root2",
                s1,
                s2,
                r1,
                r2,
                [&[r2], &proof[..]].concat(),
            ),
            (
                "preceding proof[0]",
                s1,
                s2,
                r1,
                r2,
                [&[proof[0]], &proof[..]].concat(),
            ),
            (
                "truncated proof",
                s1,
                s2,
                r1,
                r2,
                proof[..proof.len() - 1].to_vec(),
            ),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 16;
            mutations.push(("modified proof bit 4", s1, s2, r1, r2, p));
        }
        for (what, a, b, ra, rb, p) in mutations {
            assert!(
                verify_consistency(a, b, &ra, &rb, &p).is_err(),
                "mutation {what:?} of vector ({s1}, {s2}) verified"
            );
        }
    }
}

#[test]
fn consistency_trivial_cases() {
    let a = hash_leaf(b"a");
    let b = hash_leaf(b"b");
    // After verify_test.go TestVerifyConsistency.
    assert!(verify_consistency(0, 0, &a, &a, &[]).is_ok());
    assert!(verify_consistency(0, 1, &a, &b, &[]).is_ok());
    assert!(verify_consistency(1, 1, &b, &b, &[]).is_ok());
    assert!(verify_consistency(1, 1, &a, &b, &[]).is_err());
    assert!(verify_consistency(1, 0, &a, &b, &[]).is_err());
    assert!(verify_consistency(2, 1, &a, &b, &[]).is_err());
    assert!(verify_consistency(1, 2, &a, &b, &[]).is_err());
    assert!(verify_consistency(0, 1, &a, &a, &[empty_root()]).is_err());
    assert!(verify_consistency(1, 1, &a, &a, &[empty_root()]).is_err());
}

/// Byte-exact golden test of the incremental node layout: the nodes `push` creates for the
/// eighth leaf are the level 1, 2 and 3 ancestors, and the level 3 one is the root.
#[test]
fn push_reports_completed_nodes() {
    let mut range = CompactRange::new();
    let leaves: Vec<Hash> = leaf_inputs().iter().map(|l| hash_leaf(l)).collect();
    for leaf in &leaves[..7] {
        range.push(*leaf);
    }
    assert_eq!(range.peaks().len(), 3);
    let created = range.push(leaves[7]);
    let ids: Vec<NodeId> = created.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        vec![
            NodeId { level: 1, index: 3 },
            NodeId { level: 2, index: 1 },
            NodeId { level: 3, index: 0 }
        ]
    );
    assert_eq!(created[2].1, h(ROOTS[7]));
    assert_eq!(range.peaks(), &[h(ROOTS[7])]);
}

fn tree_of(n: u64) -> (MemoryTree, Vec<Hash>) {
    let mut t = MemoryTree::new();
    let mut leaves = Vec::new();
    for i in 0..n {
        let l = hash_leaf(&i.to_be_bytes());
        leaves.push(l);
        t.push(l);
    }
    (t, leaves)
}

/// Every (index, size) pair up to 130 leaves: the generated proof verifies, and matches the
/// recursive definition of the root.
#[test]
fn all_inclusion_pairs_up_to_130() {
    let (tree, leaves) = tree_of(130);
    for size in 1..=130u64 {
        let root = root_by_definition(&leaves[..size as usize]);
        assert_eq!(tree.root_at(size).unwrap(), root);
        for index in 0..size {
            let proof = tree.inclusion_proof(index, size).unwrap();
            verify_inclusion(index, size, &leaves[index as usize], &proof, &root)
                .unwrap_or_else(|e| panic!("({index}, {size}): {e}"));
        }
    }
}

/// Consistency between every pair of sizes up to 130 leaves.
#[test]
fn all_consistency_pairs_up_to_130() {
    let (tree, _) = tree_of(130);
    let roots: Vec<Hash> = (0..=130).map(|s| tree.root_at(s).unwrap()).collect();
    for second in 0..=130u64 {
        for first in 0..=second {
            let proof = tree.consistency_proof(first, second).unwrap();
            verify_consistency(
                first,
                second,
                &roots[first as usize],
                &roots[second as usize],
                &proof,
            )
            .unwrap_or_else(|e| panic!("({first}, {second}): {e}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any altered proof hash, leaf or root makes a valid inclusion proof fail.
    #[test]
    fn inclusion_fails_for_any_altered_hash(
        size in 1u64..400,
        index_seed in any::<u64>(),
        which in any::<usize>(),
        byte in 0usize..32,
        bit in 0u8..8,
    ) {
        let index = index_seed % size;
        let (tree, leaves) = tree_of(size);
        let root = tree.root();
        let mut proof = tree.inclusion_proof(index, size).unwrap();
        prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &proof, &root).is_ok());
        let mut leaf = leaves[index as usize];
        let mut root2 = root;
        // Choose one hash among proof, leaf and root to flip one bit in.
        let slot = which % (proof.len() + 2);
        if slot < proof.len() {
            proof[slot][byte] ^= 1 << bit;
        } else if slot == proof.len() {
            leaf[byte] ^= 1 << bit;
        } else {
            root2[byte] ^= 1 << bit;
        }
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &root2).is_err());
    }

    /// Any altered proof hash or root makes a valid consistency proof fail.
    #[test]
    fn consistency_fails_for_any_altered_hash(
        second in 2u64..400,
        first_seed in any::<u64>(),
        which in any::<usize>(),
        byte in 0usize..32,
        bit in 0u8..8,
    ) {
        let first = 1 + first_seed % (second - 1);
        let (tree, _) = tree_of(second);
        let mut r1 = tree.root_at(first).unwrap();
        let mut r2 = tree.root();
        let mut proof = tree.consistency_proof(first, second).unwrap();
        prop_assert!(verify_consistency(first, second, &r1, &r2, &proof).is_ok());
        let slot = which % (proof.len() + 2);
        if slot < proof.len() {
            proof[slot][byte] ^= 1 << bit;
        } else if slot == proof.len() {
            r1[byte] ^= 1 << bit;
        } else {
            r2[byte] ^= 1 << bit;
        }
        prop_assert!(verify_consistency(first, second, &r1, &r2, &proof).is_err());
    }

    /// The incremental root equals the recursive definition for arbitrary leaf data.
    #[test]
    fn incremental_root_matches_definition(data in proptest::collection::vec(any::<Vec<u8>>(), 0..300)) {
        let leaves: Vec<Hash> = data.iter().map(|d| hash_leaf(d)).collect();
        let mut range = CompactRange::new();
        for l in &leaves {
            range.push(*l);
        }
        prop_assert_eq!(range.root(), root_by_definition(&leaves));
    }
}
