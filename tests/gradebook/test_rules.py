"""Golden gradebook tests: Thông tư 22's averages, comment-only results and result levels,
worked by hand."""
from decimal import Decimal as D

import pytest

from plugins.gradebook.rules import (
    CHUA_DAT,
    DAT,
    KHA,
    TOT,
    LevelResult,
    comment_semester_result,
    comment_year_result,
    result_level,
    semester_average,
    slots_for,
    tx_count,
    year_average,
)


@pytest.mark.parametrize(("periods", "count"), [
    (1, 2), (35, 2), (36, 3), (52, 3), (70, 3), (71, 4), (105, 4), (140, 4)])
def test_tx_count_follows_the_periods_a_year(periods, count):
    assert tx_count(periods) == count


def test_slots():
    assert slots_for(2) == ["tx1", "tx2", "gk", "ck"]
    assert slots_for(4) == ["tx1", "tx2", "tx3", "tx4", "gk", "ck"]


@pytest.mark.parametrize(("tx", "gk", "ck", "expected"), [
    # (8 + 9 + 7 + 8 + 2·7 + 3·8,5) / 9 = 71,5 / 9 = 7,944…
    (["8", "9", "7", "8"], "7", "8.5", "7.9"),
    # (5 + 9 + 2·6 + 3·6) / 7 = 44 / 7 = 6,285…
    (["5", "9"], "6", "6", "6.3"),
    # (8 + 8 + 8,5 + 2·8 + 3·8,5) / 8 = 66 / 8 = 8,25 exactly: half up gives 8,3
    (["8", "8", "8.5"], "8", "8.5", "8.3"),
    (["10", "10"], "10", "10", "10"),
    (["0", "0", "0"], "0", "0", "0"),
])
def test_semester_average(tx, gk, ck, expected):
    assert semester_average([D(s) for s in tx], D(gk), D(ck)) == D(expected)


def test_python_round_would_be_wrong_here():
    assert round(8.25, 1) == 8.2  # why the rules never use it
    assert semester_average([D(8), D(8), D("8.5")], D(8), D("8.5")) == D("8.3")


@pytest.mark.parametrize(("tx", "gk", "ck"), [
    ([D(8), None], D(7), D(8)), ([D(8), D(9)], None, D(8)), ([D(8), D(9)], D(7), None),
    ([], D(7), D(8))])
def test_semester_average_needs_every_evaluation(tx, gk, ck):
    assert semester_average(tx, gk, ck) is None


@pytest.mark.parametrize(("hk1", "hk2", "expected"), [
    ("7.9", "8.0", "8.0"),  # 23,9 / 3 = 7,966…
    ("6.3", "7.9", "7.4"),  # 22,1 / 3 = 7,366…
    ("5.0", "6.5", "6.0"),  # 18 / 3
    ("8.2", "8.3", "8.3"),  # 24,8 / 3 = 8,266…
])
def test_year_average(hk1, hk2, expected):
    assert year_average(D(hk1), D(hk2)) == D(expected)


def test_year_average_uses_the_rounded_semester_averages():
    hk1 = semester_average([D(8), D(8), D("8.5")], D(8), D("8.5"))  # 8,25 → 8,3
    hk2 = semester_average([D(5), D(9)], D(6), D(6))  # 6,285… → 6,3
    # (8,3 + 2·6,3) / 3 = 20,9 / 3 = 6,966… → 7,0
    assert year_average(hk1, hk2) == D("7.0")
    assert year_average(D("8.3"), None) is None


def test_comment_only_subjects():
    assert comment_semester_result([True, True, True, True, True]) is True
    assert comment_semester_result([True, False, True, True, True]) is False
    assert comment_semester_result([True, True, None, True, True]) is None
    assert comment_semester_result([]) is None
    # The year is semester II's result, whatever semester I was.
    assert comment_year_result(False, True) is True
    assert comment_year_result(True, False) is False
    assert comment_year_result(True, None) is None


SCORED = [1, 2, 3, 4, 5, 6, 7]
GDTC = 99


def scores(*values, default="9.0"):
    """Seven scored subjects: the given values first, then `default`."""
    result = {subject: D(default) for subject in SCORED}
    for subject, value in zip(SCORED, values, strict=False):
        result[subject] = D(value)
    return result


@pytest.mark.parametrize(("scored", "passed", "expected"), [
    # Tốt: all ≥ 6,5, six ≥ 8,0, GDTC Đạt
    (scores("6.5", default="8.0"), {GDTC: True}, TOT),
    # only five ≥ 8,0 → Khá
    (scores("6.5", "7.9", default="8.0"), {GDTC: True}, KHA),
    # one below 6,5 → Khá
    (scores("6.4", default="8.0"), {GDTC: True}, KHA),
    # Khá needs every score ≥ 5,0 and six ≥ 6,5
    (scores("5.0", default="6.5"), {GDTC: True}, KHA),
    (scores("5.0", "6.4", default="6.5"), {GDTC: True}, DAT),
    # Đạt: six ≥ 5,0, none < 3,5, at most one comment-only Chưa đạt
    (scores("3.5", default="5.0"), {GDTC: True}, DAT),
    (scores("3.5", "4.9", default="5.0"), {GDTC: True}, CHUA_DAT),
    (scores(default="5.0"), {GDTC: False}, DAT),
    (scores(default="5.0"), {GDTC: False, 98: False}, CHUA_DAT),
    # one subject below 3,5 in a weak report: Chưa đạt, no lift (without it only Đạt)
    (scores("3.4", default="5.0"), {GDTC: True}, CHUA_DAT),
])
def test_result_levels(scored, passed, expected):
    assert result_level(scored, passed) == LevelResult(expected, None)


def test_fewer_than_six_scored_subjects_means_all_of_them():
    assert result_level({1: D(8), 2: D(9), 3: D("8.5")}, {GDTC: True}).level == TOT
    assert result_level({1: D(8), 2: D(9), 3: D("7.5")}, {GDTC: True}).level == KHA


def test_lift_from_chua_dat_to_dat_when_one_subject_dropped_it_three_levels():
    # All 9,0 but one 3,0: Chưa đạt; without that subject Tốt → lifted one level to Đạt.
    assert result_level(scores("3.0"), {GDTC: True}) == LevelResult(DAT, 1)


def test_lift_from_dat_to_kha_when_one_score_dropped_it_two_levels():
    # All 9,0 but one 4,0: Đạt; without it Tốt → Khá.
    assert result_level(scores("9.0", "4.0"), {GDTC: True}) == LevelResult(KHA, 2)


def test_lift_for_a_comment_only_subject():
    # All 9,0, GDTC Chưa đạt: Đạt; with GDTC Đạt it would be Tốt → Khá, lifted by GDTC.
    assert result_level(scores(), {GDTC: False}) == LevelResult(KHA, GDTC)


def test_lift_toward_kha_counts_too():
    # All 6,5 but one 3,0: Chưa đạt; without it Khá (two levels) → Đạt.
    assert result_level(scores("3.0", default="6.5"), {GDTC: True}) == LevelResult(DAT, 1)


def test_no_lift_for_a_drop_of_one_level():
    # All 9,0 but one 6,0: Khá; without it Tốt, one level only.
    assert result_level(scores("6.0"), {GDTC: True}) == LevelResult(KHA, None)


def test_no_lift_when_two_subjects_hold_the_student_back():
    # Two scores of 3,0: without either one alone the level stays below Khá.
    assert result_level(scores("3.0", "3.0"), {GDTC: True}) == LevelResult(CHUA_DAT, None)
