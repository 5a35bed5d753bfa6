"""The transparency log's Merkle tree (RFC 6962 / RFC 9162) and signed notes (C2SP), against their
specifications' own examples, and every proof of small trees checked both ways."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from chain import note
from chain.tlog import EMPTY_ROOT, MerkleLog, leaf_hash, node_hash, verify_consistency, verify_inclusion

# certificate-transparency's reference test vectors: the leaves and the root at each size
RFC6962_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
RFC6962_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# c2sp.org/signed-note's example
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = ("This is an example message.\n\n— example.com/foo "
             "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")


def _naive_root(leaves: list[bytes]) -> bytes:
    """MTH as RFC 6962 §2.1 defines it, recomputed from the leaves."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_naive_root(leaves[:k]), _naive_root(leaves[k:]))


def _blocks(n: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(n)]


def _flipped(proof: list[bytes], at: int) -> list[bytes]:
    return [bytes([p[0] ^ 1]) + p[1:] if i == at else p for i, p in enumerate(proof)]


def test_roots__rfc6962_reference_vectors():
    log = MerkleLog([bytes.fromhex(leaf) for leaf in RFC6962_LEAVES])
    assert [log.root(size).hex() for size in range(1, 9)] == RFC6962_ROOTS
    assert MerkleLog().root() == EMPTY_ROOT == bytes.fromhex(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_roots__every_size_to_70__the_kept_subtrees_give_the_recomputed_root():
    blocks = _blocks(70)
    log = MerkleLog(blocks)
    assert all(log.root(size) == _naive_root(blocks[:size]) for size in range(71))


def test_inclusion__every_leaf_of_every_tree_to_33__verifies_and_fails_for_another_leaf_index_or_a_changed_hash():
    blocks = _blocks(33)
    log = MerkleLog(blocks)
    for size in range(1, 34):
        root = log.root(size)
        for index in range(size):
            proof = log.inclusion_proof(index, size)
            assert verify_inclusion(leaf_hash(blocks[index]), index, size, proof, root)
            assert not verify_inclusion(leaf_hash(blocks[(index + 1) % 33]), index, size, proof, root)
            if size > 1:
                assert not verify_inclusion(leaf_hash(blocks[index]), (index + 1) % size, size, proof, root)
            for at in range(len(proof)):
                assert not verify_inclusion(leaf_hash(blocks[index]), index, size, _flipped(proof, at), root)


def test_consistency__every_pair_of_sizes_to_33__verifies_and_fails_for_another_root_or_a_changed_hash():
    log = MerkleLog(_blocks(33))
    for new in range(0, 34):
        for old in range(0, new + 1):
            proof = log.consistency_proof(old, new)
            assert verify_consistency(old, new, log.root(old), log.root(new), proof), (old, new)
            if 0 < old < new:
                other = MerkleLog(_blocks(old - 1) + [b"rewritten"])
                assert not verify_consistency(old, new, other.root(old), log.root(new), proof), (old, new)
                for at in range(len(proof)):
                    assert not verify_consistency(old, new, log.root(old), log.root(new), _flipped(proof, at))


@given(st.integers(1, 3000), st.data())
def test_proofs__any_size__verify(size, data):
    log = MerkleLog(_blocks(size))
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    assert verify_inclusion(log.leaf(index), index, size, log.inclusion_proof(index, size), log.root(size))
    assert verify_consistency(old, size, log.root(old), log.root(size), log.consistency_proof(old, size))


def test_proofs__a_size_beyond_the_log__refused():
    log = MerkleLog(_blocks(5))
    with pytest.raises(ValueError):
        log.root(6)
    with pytest.raises(ValueError):
        log.inclusion_proof(5, 5)
    with pytest.raises(ValueError):
        log.consistency_proof(3, 6)


def test_signed_note__the_specifications_example_verifies_with_its_key():
    verifier = note.Verifier.parse(C2SP_VKEY)
    assert verifier.vkey == C2SP_VKEY
    text, signed = note.verify(C2SP_NOTE, [verifier])
    assert (text, signed) == ("This is an example message.\n", [verifier])


@given(st.binary(min_size=32, max_size=32))
def test_verifier_key__any_public_key__written_and_read_back(public_key):
    # base64 holds "+" as often as not: the key's three parts split at the first two
    verifier = note.Verifier("tanquan.example/registry", public_key)
    assert note.Verifier.parse(verifier.vkey) == verifier


def test_signed_note__changed_text_or_only_unknown_keys__rejected():
    verifier = note.Verifier.parse(C2SP_VKEY)
    with pytest.raises(note.NoteError, match="does not verify"):
        note.verify(C2SP_NOTE.replace("example message", "example massage"), [verifier])
    stranger = note.Signer("example.com/foo", Ed25519PrivateKey.generate()).verifier  # same name, another key
    with pytest.raises(note.NoteError, match="no signature of a trusted key"):
        note.verify(C2SP_NOTE, [stranger])
    with pytest.raises(note.NoteError):
        note.verify("This is an example message.\n", [verifier])  # no signature block


def test_checkpoint__signed_by_the_log__parsed_back_and_cosigned_by_a_second_key():
    log_key = note.Signer("tanquan.example/registry", Ed25519PrivateKey.generate())
    witness = note.Signer("audit.example/witness", Ed25519PrivateKey.generate())
    checkpoint = note.Checkpoint("tanquan.example/registry", 8, bytes.fromhex(RFC6962_ROOTS[-1]))
    signed = log_key.sign(checkpoint.text)
    assert signed.startswith("tanquan.example/registry\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n— ")
    cosigned = signed + witness.signature_line(checkpoint.text)
    text, signers = note.verify(cosigned, [log_key.verifier, witness.verifier])
    assert note.Checkpoint.parse(text) == checkpoint and signers == [log_key.verifier, witness.verifier]
    with pytest.raises(note.NoteError):
        note.Checkpoint.parse("tanquan.example/registry\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
