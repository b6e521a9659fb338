"""The arithmetic of Thông tư 22/2021/TT-BGDĐT, pure and exact (no database, no floats).

Điều 7 fixes the evaluations of a semester (ĐĐGtx by periods a year, one ĐĐGgk, one ĐĐGck);
Điều 9 the averages, the comment-only results and the result levels Tốt / Khá / Đạt / Chưa đạt.
Averages are computed on `Fraction`s and rounded half up by `lms.scores.round_half_up`, because
Python's `round` rounds 8.25 to 8.2 where the rule gives 8.3.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from lms.scores import round_half_up

GK, CK = "gk", "ck"

#: result levels, best first
TOT, KHA, DAT, CHUA_DAT = "tot", "kha", "dat", "chua_dat"
LEVEL_LABELS = {TOT: _l("Tốt"), KHA: _l("Khá"), DAT: _l("Đạt"), CHUA_DAT: _l("Chưa đạt")}
_RANK = {CHUA_DAT: 0, DAT: 1, KHA: 2, TOT: 3}
_BY_RANK = {rank: level for level, rank in _RANK.items()}

#: "at least 6 subjects" of Điều 9 khoản 2
SUBJECTS_REQUIRED = 6
BEST_SCORE = Decimal(10)


def tx_count(periods_per_year: int) -> int:
    """Số ĐĐGtx per semester (Điều 7 khoản 2): 2 up to 35 periods a year, 3 up to 70, 4 above."""
    if periods_per_year <= 35:
        return 2
    if periods_per_year <= 70:
        return 3
    return 4


def slots_for(tx: int) -> list[str]:
    """The columns of a sheet: tx1 … txN, gk, ck."""
    return [f"tx{number}" for number in range(1, tx + 1)] + [GK, CK]


def slot_label(slot: str) -> str:
    """'tx2' → 'ĐĐGtx2', 'gk' → 'ĐĐGgk', 'ck' → 'ĐĐGck' (the ministry's column names)."""
    return f"ĐĐG{slot}"


def semester_average(tx: Sequence[Decimal | None], gk: Decimal | None,
                     ck: Decimal | None) -> Decimal | None:
    """ĐTBmhk = (TĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (số ĐĐGtx + 5), rounded half up to one decimal.

    None until every evaluation of the semester has a score: the average needs all of them.
    """
    if not tx or gk is None or ck is None or any(score is None for score in tx):
        return None
    total = sum((Fraction(score) for score in tx), Fraction(0)) + 2 * Fraction(gk) \
        + 3 * Fraction(ck)
    return round_half_up(total / (len(tx) + 5))


def year_average(hk1: Decimal | None, hk2: Decimal | None) -> Decimal | None:
    """ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3, from the semester averages as rounded (as schools
    compute it), rounded half up to one decimal; None until both semesters have one."""
    if hk1 is None or hk2 is None:
        return None
    return round_half_up((Fraction(hk1) + 2 * Fraction(hk2)) / 3)


# Comment-only subjects ---------------------------------------------------------------------------
def comment_semester_result(values: Sequence[bool | None]) -> bool | None:
    """A comment-only subject's semester result (TT22 Điều 7/9: Điều 9 khoản 1 điểm a): Đạt
    (True) when it has every evaluation of the semester and all of them are Đạt; Chưa đạt
    (False) otherwise. None while an evaluation is still missing, so a half-filled sheet does
    not show Chưa đạt to the family.

    The whole rule lives here so a correction of its reading is made in one place.
    """
    if not values or any(value is None for value in values):
        return None
    return all(values)


def comment_year_result(hk1: bool | None, hk2: bool | None) -> bool | None:
    """The year's result of a comment-only subject is that of semester II (Điều 9 khoản 1
    điểm b)."""
    return hk2


# Result levels (Điều 9 khoản 2–5) ---------------------------------------------------------------
class LevelResult(NamedTuple):
    level: str
    #: the subject whose result alone pulled the level down two or more levels, when the level
    #: was lifted one level for it (Điều 9 khoản 5); None otherwise
    lifted_by: int | None = None


def _plain_level(scored: Mapping[int, Decimal], passed: Mapping[int, bool]) -> str:
    scores = [Decimal(score) for score in scored.values()]
    # A class with fewer than 6 scored subjects: "at least 6" becomes "all of them".
    required = min(SUBJECTS_REQUIRED, len(scores))
    failed = sum(1 for result in passed.values() if not result)

    def at_least(bound: str) -> int:
        return sum(1 for score in scores if score >= Decimal(bound))

    if failed == 0 and all(s >= Decimal("6.5") for s in scores) and at_least("8.0") >= required:
        return TOT
    if failed == 0 and all(s >= Decimal("5.0") for s in scores) and at_least("6.5") >= required:
        return KHA
    if failed <= 1 and at_least("5.0") >= required and all(s >= Decimal("3.5") for s in scores):
        return DAT
    return CHUA_DAT


def result_level(scored: Mapping[int, Decimal], comment_only: Mapping[int, bool]) -> LevelResult:
    """The semester's or year's result level from every subject's result: `scored` maps a
    subject to its ĐTBmhk/ĐTBmcn, `comment_only` maps a comment-only subject to Đạt (True) or
    Chưa đạt (False).

    Tốt: every comment-only subject Đạt, every score ≥ 6.5, at least 6 scores ≥ 8.0.
    Khá: every comment-only subject Đạt, every score ≥ 5.0, at least 6 scores ≥ 6.5.
    Đạt: at most one comment-only subject Chưa đạt, at least 6 scores ≥ 5.0, none < 3.5.
    Chưa đạt: the rest.
    Khoản 5: when a single subject's result pulls the level down two or more levels from Tốt or
    Khá, the level is raised one level. The level "without" a subject is the level with that
    subject at its best result (10, Đạt).
    """
    level = _plain_level(scored, comment_only)
    best_without, culprit = level, None
    for subject_id in [*scored, *comment_only]:
        if subject_id in scored:
            without = _plain_level({**scored, subject_id: BEST_SCORE}, comment_only)
        else:
            without = _plain_level(scored, {**comment_only, subject_id: True})
        if _RANK[without] > _RANK[best_without]:
            best_without, culprit = without, subject_id
    if best_without in (TOT, KHA) and _RANK[best_without] - _RANK[level] >= 2:
        return LevelResult(_BY_RANK[_RANK[level] + 1], culprit)
    return LevelResult(level, None)
