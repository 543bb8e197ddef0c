//! Merkle tree mathematics of RFC 9162 §2.1 (Certificate Transparency 2.0), with no storage.
//!
//! Three layers, as in transparency-dev/merkle:
//!
//! 1. hashing with named domain-separation prefixes ([`hash_leaf`], [`hash_children`]);
//! 2. proof *planning*: which subtrees a proof needs ([`inclusion_plan`], [`consistency_plan`]),
//!    expressed as [`Subtree`] ranges made of stored perfect nodes ([`NodeId`]);
//! 3. verification functions that take only hashes ([`verify_inclusion`],
//!    [`verify_consistency`]), transcribed step by step from RFC 9162 §2.1.3.2 and §2.1.4.2.
//!
//! The tree grows by [`CompactRange::push`], which is O(log n) and returns the perfect nodes it
//! completed so that a store can persist them; every proof can then be built from stored
//! perfect nodes alone, for any tree size up to the current one.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Prefix of a leaf hash: `MTH({d(0)}) = SHA-256(0x00 || d(0))` — RFC 9162 §2.1.1.
pub const LEAF_HASH_PREFIX: u8 = 0x00;

/// Prefix of an interior node hash: `SHA-256(0x01 || left || right)` — RFC 9162 §2.1.1.
pub const NODE_HASH_PREFIX: u8 = 0x01;

/// The hash of the empty tree, `MTH({}) = SHA-256()` — RFC 9162 §2.1.1.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf hash of `data` — RFC 9162 §2.1.1.
pub fn hash_leaf(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_HASH_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node from its two children — RFC 9162 §2.1.1.
pub fn hash_children(left: &Hash, right: &Hash) -> Hash {
    hash_children_bytes(left, right)
}

/// [`hash_children`] over byte strings of any length (the published vectors hash short
/// strings).
pub(crate) fn hash_children_bytes(left: &[u8], right: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_HASH_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// A perfect subtree: the `2^level` leaves starting at `index << level`.
///
/// Level 0 nodes are leaf hashes. Perfect nodes never change once the tree has grown past
/// them, which is what lets a store keep them forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Height above the leaves.
    pub level: u8,
    /// Position among the nodes of this level, from the left.
    pub index: u64,
}

impl NodeId {
    /// The leaf node at `index`.
    pub fn leaf(index: u64) -> Self {
        Self { level: 0, index }
    }
}

/// The leaves `[begin, end)` of a subtree that appears in the RFC 9162 §2.1.1 recursion
/// (`MTH(D[begin:end])`), which is a perfect node or a right edge made of several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subtree {
    /// First leaf index.
    pub begin: u64,
    /// One past the last leaf index.
    pub end: u64,
}

impl Subtree {
    /// The perfect nodes whose hashes make up this subtree, largest (leftmost) first.
    ///
    /// `MTH(D[begin:end])` is then the right fold [`fold_right_edge`] of their hashes: the
    /// recursion of RFC 9162 §2.1.1 splits at the largest power of two below the size, which is
    /// exactly the largest perfect node of this decomposition (`begin` is always a multiple of
    /// it in the recursion).
    pub fn nodes(&self) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut pos = self.begin;
        let size = self.end - self.begin;
        for level in (0..64u8).rev() {
            let width = 1u64 << level;
            if size & width != 0 {
                out.push(NodeId {
                    level,
                    index: pos >> level,
                });
                pos += width;
            }
        }
        out
    }
}

/// Folds the hashes of a right edge (largest perfect node first) into one subtree hash.
///
/// Returns the empty-tree hash for an empty list.
pub fn fold_right_edge(hashes: &[Hash]) -> Hash {
    let Some((last, rest)) = hashes.split_last() else {
        return empty_root();
    };
    rest.iter()
        .rev()
        .fold(*last, |acc, left| hash_children(left, &acc))
}

/// The largest power of two strictly smaller than `n` (`n >= 2`) — the split point `k` of
/// RFC 9162 §2.1.1.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Errors of proof planning and verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexBeyondSize {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof was asked from a larger tree to a smaller one.
    #[error("first tree size {first} is larger than second tree size {second}")]
    SizesOutOfOrder {
        /// The older tree size.
        first: u64,
        /// The newer tree size.
        second: u64,
    },
    /// The proof has the wrong number of hashes for these sizes.
    #[error("proof has {found} hashes, expected {expected}")]
    WrongLength {
        /// Hashes the sizes call for.
        expected: usize,
        /// Hashes in the proof.
        found: usize,
    },
    /// The hashes do not lead to the given root(s).
    #[error("the proof does not lead to the expected root hash")]
    RootMismatch,
}

/// The subtrees whose hashes form the inclusion proof `PATH(index, D[size])` — RFC 9162
/// §2.1.3.1, in proof order (nearest the leaf first).
pub fn inclusion_plan(index: u64, size: u64) -> Result<Vec<Subtree>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    let mut out = Vec::new();
    path(index, 0, size, &mut out);
    Ok(out)
}

/// `PATH(m, D[begin:end])` with `m` relative to `begin`.
fn path(m: u64, begin: u64, end: u64, out: &mut Vec<Subtree>) {
    let n = end - begin;
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        path(m, begin, begin + k, out);
        out.push(Subtree {
            begin: begin + k,
            end,
        });
    } else {
        path(m - k, begin + k, end, out);
        out.push(Subtree {
            begin,
            end: begin + k,
        });
    }
}

/// The subtrees whose hashes form the consistency proof `PROOF(first, D[second])` — RFC 9162
/// §2.1.4.1. Empty when `first` is 0 or equals `second`.
pub fn consistency_plan(first: u64, second: u64) -> Result<Vec<Subtree>, ProofError> {
    if first > second {
        return Err(ProofError::SizesOutOfOrder { first, second });
    }
    let mut out = Vec::new();
    if first > 0 && first < second {
        subproof(first, 0, second, true, &mut out);
    }
    Ok(out)
}

/// `SUBPROOF(m, D[begin:end], b)` — RFC 9162 §2.1.4.1.
fn subproof(m: u64, begin: u64, end: u64, b: bool, out: &mut Vec<Subtree>) {
    let n = end - begin;
    if m == n {
        if !b {
            out.push(Subtree { begin, end });
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof(m, begin, begin + k, b, out);
        out.push(Subtree {
            begin: begin + k,
            end,
        });
    } else {
        subproof(m - k, begin + k, end, false, out);
        out.push(Subtree {
            begin,
            end: begin + k,
        });
    }
}

/// Somewhere perfect node hashes can be read from (a database, or memory in tests).
pub trait NodeSource {
    /// Why a node could not be read.
    type Error;
    /// The hash of one perfect node.
    fn node(&self, id: NodeId) -> Result<Hash, Self::Error>;

    /// `MTH(D[begin:end])` from perfect nodes.
    fn subtree_hash(&self, subtree: Subtree) -> Result<Hash, Self::Error> {
        let hashes = subtree
            .nodes()
            .into_iter()
            .map(|id| self.node(id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(fold_right_edge(&hashes))
    }

    /// The root hash of the tree of the first `size` leaves.
    fn root_at(&self, size: u64) -> Result<Hash, Self::Error> {
        self.subtree_hash(Subtree {
            begin: 0,
            end: size,
        })
    }
}

/// Resolves a proof plan into hashes.
pub fn resolve_plan<S: NodeSource>(source: &S, plan: &[Subtree]) -> Result<Vec<Hash>, S::Error> {
    plan.iter().map(|s| source.subtree_hash(*s)).collect()
}

/// Recomputes the root from an inclusion proof — RFC 9162 §2.1.3.2, steps 1–4.
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    // Step 1.
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    // Step 2.
    let mut fn_ = index;
    let mut sn = size - 1;
    // Step 3.
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        // 4a.
        if sn == 0 {
            return Err(wrong_inclusion_length(index, size, proof.len()));
        }
        // 4b.
        if fn_ & 1 == 1 || fn_ == sn {
            r = hash_children(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = hash_children(&r, p);
        }
        // 4c.
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5, first half: sn must have reached 0, or the proof was too short.
    if sn != 0 {
        return Err(wrong_inclusion_length(index, size, proof.len()));
    }
    Ok(r)
}

fn wrong_inclusion_length(index: u64, size: u64, found: usize) -> ProofError {
    let expected = inclusion_plan(index, size).map(|p| p.len()).unwrap_or(0);
    ProofError::WrongLength { expected, found }
}

/// Verifies that `leaf_hash` is the leaf at `index` of the tree of `size` leaves whose root is
/// `root` — RFC 9162 §2.1.3.2.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let r = root_from_inclusion_proof(index, size, leaf_hash, proof)?;
    // Step 5, second half.
    if &r == root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Verifies that the tree of `second` leaves with root `second_root` extends the tree of
/// `first` leaves with root `first_root` — RFC 9162 §2.1.4.2.
///
/// The trivial cases the RFC leaves to the caller are decided as in RFC 9162 §2.1.4: equal
/// sizes need equal roots and an empty proof; the empty tree is consistent with every tree
/// and needs an empty proof.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesOutOfOrder { first, second });
    }
    if first == second || first == 0 {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength {
                expected: 0,
                found: proof.len(),
            });
        }
        return if first == 0 || first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    let wrong_length = || ProofError::WrongLength {
        expected: consistency_plan(first, second)
            .map(|p| p.len())
            .unwrap_or(0),
        found: proof.len(),
    };
    // Step 1.
    if proof.is_empty() {
        return Err(wrong_length());
    }
    // Step 2: when `first` is a power of two, its root is the first node of the path.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    // Step 3.
    let mut fn_ = first - 1;
    let mut sn = second - 1;
    // Step 4.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let mut fr = path[0];
    let mut sr = path[0];
    // Step 6.
    for c in &path[1..] {
        // 6a.
        if sn == 0 {
            return Err(wrong_length());
        }
        // 6b.
        if fn_ & 1 == 1 || fn_ == sn {
            fr = hash_children(c, &fr);
            sr = hash_children(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = hash_children(&sr, c);
        }
        // 6c.
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(wrong_length());
    }
    if &fr == first_root && &sr == second_root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// The right edge of a tree: the hashes of its maximal perfect subtrees, largest first
/// (a "compact range" from 0 in transparency-dev/merkle terms).
///
/// Enough to append a leaf and to compute the root in O(log n) without reading the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    peaks: Vec<Hash>,
}

impl CompactRange {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads the right edge of the tree of `size` leaves from stored perfect nodes
    /// (at most 64 reads).
    pub fn load<S: NodeSource>(source: &S, size: u64) -> Result<Self, S::Error> {
        let peaks = Subtree {
            begin: 0,
            end: size,
        }
        .nodes()
        .into_iter()
        .map(|id| source.node(id))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { size, peaks })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree hashes, largest first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// The root hash `MTH(D[size])` — RFC 9162 §2.1.1.
    pub fn root(&self) -> Hash {
        fold_right_edge(&self.peaks)
    }

    /// Appends one leaf hash and returns the perfect interior nodes (level ≥ 1) this completed,
    /// lowest first.
    pub fn push(&mut self, leaf_hash: Hash) -> Vec<(NodeId, Hash)> {
        let mut created = Vec::new();
        let mut h = leaf_hash;
        let mut index = self.size;
        let mut level = 0u8;
        while index & 1 == 1 {
            let left = self
                .peaks
                .pop()
                .expect("an odd index always has a left sibling on the right edge");
            h = hash_children(&left, &h);
            level += 1;
            index >>= 1;
            created.push((NodeId { level, index }, h));
        }
        self.peaks.push(h);
        self.size += 1;
        created
    }
}

/// Every perfect node of a tree, in memory: the reference [`NodeSource`] for tests and for
/// recomputing a whole log.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
    edge: CompactRange,
}

impl MemoryTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf_hash);
        for (id, h) in self.edge.push(leaf_hash) {
            let level = usize::from(id.level);
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            debug_assert_eq!(self.levels[level].len() as u64, id.index);
            self.levels[level].push(h);
        }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.edge.size()
    }

    /// The current root hash.
    pub fn root(&self) -> Hash {
        self.edge.root()
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, MissingNode> {
        let plan = inclusion_plan(index, size).map_err(|_| MissingNode(NodeId::leaf(index)))?;
        resolve_plan(self, &plan)
    }

    /// The consistency proof from `first` to `second` leaves.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>, MissingNode> {
        let plan =
            consistency_plan(first, second).map_err(|_| MissingNode(NodeId::leaf(second)))?;
        resolve_plan(self, &plan)
    }
}

/// A node that a [`MemoryTree`] does not have (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no node at level {} index {}", .0.level, .0.index)]
pub struct MissingNode(pub NodeId);

impl NodeSource for MemoryTree {
    type Error = MissingNode;
    fn node(&self, id: NodeId) -> Result<Hash, MissingNode> {
        self.levels
            .get(usize::from(id.level))
            .and_then(|l| usize::try_from(id.index).ok().and_then(|i| l.get(i)))
            .copied()
            .ok_or(MissingNode(id))
    }
}

/// The root of a list of leaf hashes by the literal recursive definition of RFC 9162 §2.1.1,
/// independent of [`CompactRange`]: the reference the incremental code is tested against.
pub fn root_by_definition(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split_point(n as u64) as usize;
            hash_children(
                &root_by_definition(&leaves[..k]),
                &root_by_definition(&leaves[k..]),
            )
        }
    }
}

#[cfg(test)]
mod tests;
