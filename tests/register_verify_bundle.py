#!/usr/bin/env python3
"""Independent check of a hoso register audit bundle, with the Python standard library only
(SHA-256 from hashlib; no hoso code, no third-party packages).

Usage:
    register_verify_bundle.py BUNDLE_DIR [--lookup LOOKUP.json]

1. Rebuilds every leaf from the fields in entries.jsonl (leaf encoding version 1, as described
   in the bundle's README.md) and compares it with the exported leaf_hash.
2. Computes the RFC 9162 section 2.1.1 Merkle tree hash by its recursive definition at every size
   that has a signed checkpoint in checkpoints.jsonl and compares it with the checkpoint's root
   (third line of the note). Ed25519 signatures are not in hashlib: check them with OpenSSL as
   the README says.
3. With --lookup (the output of `hoso register lookup --json`), verifies each inclusion proof
   against the root of the checkpoint it came with, by RFC 9162 section 2.1.3.2.

Prints `OK <entries> <root hex>` and exits 0, or `FAIL <reason>` and exits 1.
"""

import base64
import hashlib
import json
import os
import struct
import sys


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def enc_str(s):
    b = s.encode("utf-8")
    return struct.pack(">I", len(b)) + b


def enc_opt_str(s):
    return b"\x00" if s is None else b"\x01" + enc_str(s)


def leaf_data(e):
    out = b"HOSOREG1"
    out += struct.pack(">Q", e["seq"])
    out += bytes.fromhex(e["sha256"])
    out += enc_str(e["kind"]) + enc_str(e["time"]) + enc_str(e["station"])
    out += enc_opt_str(e.get("dossier_code")) + enc_opt_str(e.get("title"))
    copy = e.get("copy")
    if copy is None:
        out += b"\x00"
    else:
        out += b"\x01" + enc_str(copy["org"])
        out += struct.pack(">II", copy["year"], copy["number"])
        out += enc_str(copy["form"])
    out += enc_opt_str(e.get("signer_fingerprint"))
    out += enc_str(e["extra"])
    return out


def mth(leaves):
    """RFC 9162 2.1.1: MTH(D[n]) by the recursive definition."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def checkpoint_body(note):
    text = note[: note.rindex("\n\n") + 1]
    lines = text.split("\n")
    return lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--lookup"):
        print(__doc__)
        sys.exit(2)
    bundle = argv[1]
    leaves = []
    with open(os.path.join(bundle, "entries.jsonl"), encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            e = json.loads(line)
            if e["seq"] != len(leaves):
                fail("entries.jsonl:%d: seq %d, expected %d" % (line_no, e["seq"], len(leaves)))
            h = leaf_hash(leaf_data(e))
            if h.hex() != e["leaf_hash"]:
                fail("entry %d: leaf hash differs from its fields" % e["seq"])
            leaves.append(h)
    origin = None
    last = 0
    with open(os.path.join(bundle, "checkpoints.jsonl"), encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)
            o, size, root = checkpoint_body(c["note"])
            origin = origin or o
            if o != origin or size != c["size"]:
                fail("checkpoint %d: origin or size differs from its note" % c["size"])
            if size > len(leaves):
                fail("checkpoint %d: more than the %d entries" % (size, len(leaves)))
            if mth(leaves[:size]) != root:
                fail("checkpoint %d: root differs; an entry in %d..%d changed" % (size, last, size - 1))
            last = size
    if last != len(leaves):
        fail("entries from %d have no checkpoint" % last)
    with open(os.path.join(bundle, "checkpoint.txt"), encoding="utf-8") as f:
        latest = f.read()
    if latest:
        _, size, root = checkpoint_body(latest)
        if size != len(leaves) or mth(leaves) != root:
            fail("checkpoint.txt does not match the entries")
    if len(argv) == 4:
        with open(argv[3], encoding="utf-8") as f:
            lookup = json.load(f)
        for r in lookup["results"]:
            _, size, root = checkpoint_body(r["checkpoint"])
            p = r["proof"]
            leaf = leaf_hash(leaf_data(r["entry"]))
            path = [bytes.fromhex(h) for h in p["path"]]
            if p["size"] != size or not verify_inclusion(p["index"], size, leaf, path, root):
                fail("inclusion proof of entry %d does not verify" % r["entry"]["seq"])
    print("OK %d %s" % (len(leaves), mth(leaves).hex()))


if __name__ == "__main__":
    main(sys.argv)
