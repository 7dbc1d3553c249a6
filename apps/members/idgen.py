"""Valid resident ID numbers for demo data and tests (never real people's)."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric


def make_id_number(birth: dt.date, seq: int, *, region: str = "110108", female: bool = False) -> str:
    """An 18-character ID: region, birth date, a 3-digit sequence whose last digit's parity
    gives the gender (odd = male), and the MOD 11-2 check character."""
    seq = seq % 500 * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
