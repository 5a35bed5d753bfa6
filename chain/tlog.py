"""The registry as a transparency log of its blocks: an RFC 6962 Merkle tree whose leaf n is block n's hash,
with the inclusion and consistency proofs of RFC 9162 §2.1 and their verification, exactly as the RFCs
write them (leaf = SHA-256(0x00 || block hash), node = SHA-256(0x01 || left || right)). A sceptic can check
any proof with nothing of Tanquan's but this file (tanquan verify, docs/transparency.md).

`MerkleLog` keeps every complete, aligned subtree's hash (level k holds the subtrees of 2^k leaves), so
a root or a proof at any size costs O(log² n) hashes, not the n of a fresh computation. pymerkle would
do the hashing, but its proofs are not RFC 9162's audit paths, which a verifier elsewhere expects."""

from __future__ import annotations

import hashlib
import threading

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleLog:
    """The tree of the leaves appended so far; readers may ask for any size up to it."""

    def __init__(self, leaves: list[bytes] = ()):
        self._levels: list[list[bytes]] = [[]]  # level k: the hashes of the complete subtrees of 2^k leaves
        self._lock = threading.Lock()
        for data in leaves:
            self.append(data)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, data: bytes) -> int:
        """Add a leaf (a block's hash); returns its index."""
        with self._lock:
            index = self.size
            self._levels[0].append(leaf_hash(data))
            level, position = 0, index
            while position % 2 == 1:  # a right child completes its parent
                nodes = self._levels[level]
                if level + 1 == len(self._levels):
                    self._levels.append([])
                self._levels[level + 1].append(node_hash(nodes[position - 1], nodes[position]))
                level, position = level + 1, position // 2
            return index

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else self._checked(size)
        return self._hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """RFC 9162 §2.1.3.1 PATH(index, D[size])."""
        self._checked(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        return self._path(index, 0, size)

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """RFC 9162 §2.1.4.1 PROOF(old, D[new])."""
        self._checked(new)
        if not 0 <= old <= new:
            raise ValueError(f"no consistency proof from {old} to {new}")
        return self._subproof(old, 0, new, True) if old else []

    def _checked(self, size: int) -> int:
        if not 0 <= size <= self.size:
            raise ValueError(f"the log has {self.size} leaves, not {size}")
        return size

    def _hash(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]): a complete aligned subtree is kept; any other splits as RFC 6962 says."""
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:
            return self._levels[n.bit_length() - 1][lo // n]
        k = _split(n)
        return node_hash(self._hash(lo, lo + k), self._hash(lo + k, hi))

    def _path(self, m: int, lo: int, hi: int) -> list[bytes]:
        n = hi - lo
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return self._path(m, lo, lo + k) + [self._hash(lo + k, hi)]
        return self._path(m - k, lo + k, hi) + [self._hash(lo, lo + k)]

    def _subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if whole else [self._hash(lo, hi)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, lo, lo + k, whole) + [self._hash(lo + k, hi)]
        return self._subproof(m - k, lo + k, hi, False) + [self._hash(lo, lo + k)]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: whether `leaf` (a leaf hash) is leaf `index` of the tree of `size` with `root`."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: whether the tree of `new` with `new_root` extends the tree of `old` with `old_root`."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof  # every tree extends the empty one
    if not proof:
        return False
    path = [old_root, *proof] if old & (old - 1) == 0 else list(proof)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0
