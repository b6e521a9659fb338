"""The one score rule of Thông tư 22: 0–10, an integer or one decimal; averages half up."""
from decimal import Decimal
from fractions import Fraction

import pytest

from lms.scores import ScoreError, format_score, parse_score, round_half_up


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("text, value", [
    ("8", Decimal(8)), ("8,5", Decimal("8.5")), ("8.5", Decimal("8.5")), (" 10 ", Decimal(10)),
    ("0", Decimal(0)), ("10.0", Decimal(10)), ("7,50", Decimal("7.5")), (9.5, Decimal("9.5")),
    (7, Decimal(7)), ("", None), (None, None), ("   ", None),
])
def test_scores_as_teachers_type_them(text, value):
    assert parse_score(text) == value


@pytest.mark.parametrize("text, reason", [
    ("8,25", "một chữ số thập phân"), (8.25, "một chữ số thập phân"), ("11", "từ 0 đến 10"),
    ("10,5", "từ 0 đến 10"), ("-1", "không phải là điểm số"), ("tám", "không phải là điểm số"),
    ("1e1", "không phải là điểm số"), ("8..5", "không phải là điểm số"), (True, "từ 0 đến 10"),
])
def test_bad_scores_are_refused_with_the_reason(text, reason):
    with pytest.raises(ScoreError, match=reason):
        parse_score(text)


@pytest.mark.parametrize("value, rounded", [
    (Fraction(33, 4), "8.3"),        # 8.25: Python's round(8.25, 1) gives 8.2
    (Decimal("6.35"), "6.4"),        # round(6.35, 1) gives 6.3 on binary floats
    (Fraction(715, 90), "7.9"),      # TX 8, 9, 7, 8 / GK 7 / CK 8.5
    (Fraction(44, 7), "6.3"),        # TX 5, 9 / GK 6 / CK 6
    (Fraction(19, 3), "6.3"), (Fraction(20, 3), "6.7"), (10, "10.0"), (0, "0.0"),
])
def test_rounding_is_exact_and_half_up(value, rounded):
    assert round_half_up(value) == Decimal(rounded)


def test_scores_are_written_with_a_decimal_comma_or_point():
    assert format_score(Decimal("8.5")) == "8,5"
    assert format_score(Decimal("8.5"), decimal_comma=False) == "8.5"
    assert format_score(Decimal("8.0")) == "8"
    assert format_score(Decimal(10)) == "10"
    assert format_score(None) == ""
