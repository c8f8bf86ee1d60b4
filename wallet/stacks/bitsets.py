"""Sets of credentials as Python ints: credential *i* is bit *i*.

"The credentials this rule may use" is then one AND, a set's size one popcount, and a
set is hashable, so it can key a memo.
"""

from __future__ import annotations


def bits(mask: int) -> list[int]:
    """The credential numbers in ``mask``, lowest first."""
    text = bin(mask)[::-1]  # "0b101" reversed: bit i is text[i]; the "b0" tail holds no "1"
    out = []
    i = text.find("1")
    while i != -1:
        out.append(i)
        i = text.find("1", i + 1)
    return out


def mask_of(creds: list[int]) -> int:
    """The set of the given credential numbers."""
    if not creds:
        return 0
    buf = bytearray((max(creds) >> 3) + 1)
    for c in creds:
        buf[c >> 3] |= 1 << (c & 7)
    return int.from_bytes(buf, "little")


def lowest(mask: int, k: int) -> int:
    """The ``k`` lowest-numbered credentials of ``mask``."""
    if mask.bit_count() <= k:
        return mask
    out = 0
    while mask and k:
        low = mask & -mask
        out |= low
        mask ^= low
        k -= 1
    return out
