"""Sums of money as people type them: "62,000", "85k", "$50/hr", "€60,000 a year"."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"(\d[\d,.' ]*)\s*(k|K|thousand)?")

_CURRENCY = r"[$€£¥₹]|\b(?:usd|eur|gbp|cad|aud|chf|nzd|inr)\b"
_FIGURE = r"\d+(?:[,.' ]\d{3})*(?:\.\d+)?"
_THOUSANDS = r"\s?(?:k\b|thousand\b)"
_NAMED = r"\s?(?:dollars|euros|pounds|bucks)\b"
_UNIT = (
    r"\s?(?:/\s?(?:hr|hour|h|yr|year|y|annum|mo|month|wk|week)\b"
    r"|(?:an?|per|each)\s(?:hour|year|month|week|annum)\b|p\.?\s?a\.?(?!\w)|p/?h\b|annually\b|hourly\b|yearly\b"
    r"|monthly\b|weekly\b|(?:a|per)\s?yr\b)"
)
_PAY = re.compile(
    rf"(?P<cur>(?:{_CURRENCY})\s?)?(?P<figure>{_FIGURE})(?P<k>{_THOUSANDS})?(?P<named>{_NAMED})?"
    rf"(?P<cur_after>\s?(?:{_CURRENCY}))?(?P<unit>{_UNIT})?",
    re.IGNORECASE,
)


def amount(text: str | None) -> float | None:
    """The first sum of money in `text`: "62,000", "62k", "€62.5k a year" -> 62000.0."""
    match = _AMOUNT.search(text if isinstance(text, str) else "")
    if not match:
        return None
    digits = match.group(1).strip().replace(",", "").replace("'", "").replace(" ", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return value * 1000 if match.group(2) else value


def pay_in(text: str) -> str | None:
    """The pay a sentence names, as typed ("Lakeside offered me $50/hr!" -> "$50/hr"), or None.

    A bare small number is not pay ("start in 2 weeks"): it needs a currency, a "k", a unit such as
    "an hour", or at least four digits."""
    for match in _PAY.finditer(text):
        digits = re.sub(r"\D", "", match["figure"].split(".")[0])
        marked = match["cur"] or match["k"] or match["named"] or match["cur_after"] or match["unit"]
        a_year = len(digits) == 4 and digits.startswith(("19", "20"))  # "start in January 2027"
        if marked or (len(digits) >= 4 and not a_year):
            return match.group(0).strip()
    return None


HOURS_A_YEAR = 2080  # 40 hours a week, 52 weeks: how an hourly rate compares with a salary
_HOURLY = re.compile(r"/\s?h(?:r|our)?\b|\b(?:an?|per)\s+hour\b|\bhourly\b|\bp/?h\b", re.IGNORECASE)
_MONTHLY = re.compile(r"/\s?mo(?:nth)?\b|\b(?:a|per)\s+month\b|\bmonthly\b", re.IGNORECASE)
_WEEKLY = re.compile(r"/\s?wk\b|/\s?week\b|\b(?:a|per)\s+week\b|\bweekly\b", re.IGNORECASE)
_DAYS_OFF = re.compile(r"(\d{1,2})\s*(days?|weeks?|wks?)\b", re.IGNORECASE)


def yearly(text: str | None) -> float | None:
    """Pay as typed, per year, so offers compare: "$21/hr" -> 43,680; "3,500 a month" -> 42,000."""
    value = amount(text)
    if value is None or not isinstance(text, str):
        return None
    if _HOURLY.search(text):
        return value * HOURS_A_YEAR
    if _MONTHLY.search(text):
        return value * 12
    if _WEEKLY.search(text):
        return value * 52
    return value


def days_off(text: str | None) -> int | None:
    """Paid days off named in an offer's extras: "25 days vacation" -> 25, "3 weeks pto" -> 15."""
    found = _DAYS_OFF.search(text if isinstance(text, str) else "")
    if found is None:
        return None
    count = int(found.group(1))
    return count * 5 if found.group(2).casefold().startswith("w") else count
