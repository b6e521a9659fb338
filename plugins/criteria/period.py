"""The dashboard's range of school days: typed as dd/mm/yyyy, by default the current school year
so far. Pure dates: a day is the school's calendar day, so no time zone is involved here."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from lms.models import SchoolYear

_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class Period:
    """What the form asked for, read: the days, or the errors per field (Vietnamese)."""

    date_from: date | None
    date_to: date | None
    texts: dict[str, str]
    errors: dict[str, str]

    @property
    def valid(self) -> bool:
        return not self.errors


def parse_day(text: str) -> date:
    """'01/09/2025' → date(2025, 9, 1); ValueError with a Vietnamese message otherwise."""
    cleaned = "".join((text or "").split())
    match = _DAY.match(cleaned)
    problem = ValueError(_("Ngày “%(text)s” không đúng dạng dd/mm/yyyy.", text=text.strip()))
    if match is None:
        raise problem
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise problem from None


def default_range(today: date) -> tuple[date, date]:
    """The current school year so far (today alone when no year is current or it starts later)."""
    year = SchoolYear.current()
    start = year.start_date if year is not None and year.start_date <= today else today
    return start, today


def read_period(args, today: date) -> Period:
    """The range in the query string `args` (date_from, date_to); an empty field takes its
    default. Errors name the field they belong to; nothing is guessed from a bad date."""
    defaults = dict(zip(("date_from", "date_to"), default_range(today), strict=True))
    days: dict[str, date | None] = {}
    texts: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, default in defaults.items():
        text = (args.get(name) or "").strip()
        if not text:
            days[name], texts[name] = default, default.strftime("%d/%m/%Y")
            continue
        texts[name] = text
        try:
            days[name] = parse_day(text)
        except ValueError as error:
            days[name], errors[name] = None, str(error)
    if not errors and days["date_to"] < days["date_from"]:
        errors["date_to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    return Period(days["date_from"], days["date_to"], texts, errors)
