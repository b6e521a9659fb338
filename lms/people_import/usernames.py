"""Readable, deterministic usernames: the same file on the same database gives the same names."""
from __future__ import annotations

import re

from ..vietnamese import fold, split_name

_SAFE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


def name_base(full_name: str) -> str:
    """'Nguyễn Văn An' -> 'annv': the folded given name, then the initials of the other names."""
    family, given = split_name(full_name)
    initials = "".join(word[0] for word in fold(family).split() if word)
    base = re.sub(r"[^a-z0-9]", "", fold(given) + initials)
    return base[:30] or "nguoidung"


def student_base(code: str, full_name: str) -> str:
    """Students log in with their Mã học sinh when it is a plain code, which they already know."""
    candidate = fold(code).replace(" ", "")
    return candidate if _SAFE.match(candidate) else "hs." + name_base(full_name)


class UsernameAllocator:
    """Hands out `base`, `base2`, `base3`... skipping every name already taken."""

    def __init__(self, taken: set[str]):
        self.taken = taken

    def allocate(self, base: str) -> str:
        candidate, suffix = base, 1
        while candidate in self.taken:
            suffix += 1
            candidate = f"{base}{suffix}"
        self.taken.add(candidate)
        return candidate
