"""Scores as Vietnamese schools write them (Thông tư 22): 0–10, an integer or one decimal.

One parser and one rounding rule for the grading desk, the gradebook and its imports. Averages
round **half up** to one decimal, computed exactly: Python's `round` rounds half to even on
binary floats (`round(8.25, 1) == 8.2`) where the school's rule gives 8.3.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import gettext as _

MIN_SCORE = Decimal(0)
MAX_SCORE = Decimal(10)
_SCORE_TEXT = re.compile(r"^\d{1,2}(?:[.,]\d+)?$")
ONE_DECIMAL = Decimal("0.1")


class ScoreError(ValueError):
    """A score that is not 0–10 with at most one decimal; the message is shown as it is."""


def parse_score(text) -> Decimal | None:
    """'8', '8,5', '8.5' (and numbers from a spreadsheet) → Decimal('8.5'); '' → None.

    Raises `ScoreError` with a Vietnamese reason: not a number, outside 0–10, two decimals.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ScoreError(_("Điểm phải là một số từ 0 đến 10."))
    if isinstance(text, int | float | Decimal):
        value = Decimal(str(text))
    else:
        cleaned = str(text).strip()
        if not cleaned:
            return None
        if not _SCORE_TEXT.match(cleaned):
            raise ScoreError(_("“%(text)s” không phải là điểm số (0–10, ví dụ 8 hoặc 8,5).",
                               text=cleaned))
        value = Decimal(cleaned.replace(",", "."))
    if value != value.quantize(ONE_DECIMAL):
        raise ScoreError(_("Điểm chỉ được có một chữ số thập phân (ví dụ 8,5)."))
    if not MIN_SCORE <= value <= MAX_SCORE:
        raise ScoreError(_("Điểm phải từ 0 đến 10."))
    return value.quantize(ONE_DECIMAL if value % 1 else Decimal(1))


def round_half_up(value: Fraction | Decimal | int, places: int = 1) -> Decimal:
    """Round exactly, half up: 8.25 → 8.3, 6.35 → 6.4 (never through a float)."""
    exact = Fraction(value)
    scale = 10 ** places
    # floor(x·10 + ½) on exact fractions: half up for the non-negative values scores are.
    scaled = (exact * scale + Fraction(1, 2)).__floor__()
    return (Decimal(scaled) / scale).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_score(value: Decimal | None, decimal_comma: bool = True) -> str:
    """Decimal('8.5') → '8,5' (or '8.5'); integers without a decimal: '8'; None → ''."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.1f}"
    return text.replace(".", ",") if decimal_comma else text
