"""Excel's date serials ('45236' is 2023-11-06): which whole numbers in a date or month cell are a date cell
that lost its format, so that a message can name the date meant (also read by the series reader,
io.series)."""

from __future__ import annotations

import datetime as dt
import re

#: Excel's day 0 (its serial 1 is 1900-01-01, counting the 1900-02-29 it believes in) and the serials taken for dates:
#: 1950-01-01 to 2100-12-31 (18 264 to 73 415) — a whole number of days there in a date column is a date cell Excel
#: lost the format of, not a typo
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = ((dt.date(1950, 1, 1) - EXCEL_EPOCH).days, (dt.date(2100, 12, 31) - EXCEL_EPOCH).days)
_SERIAL = re.compile(r"\s*(\d{5})(?:\.\d*)?\s*")


def excel_serial_date(cell: str) -> dt.date | None:
    """The day an Excel date serial in a date or month cell stands for ('45236' → 2023-11-06; a fraction is the time
    of day), or None for a cell that is no plausible serial: a date column without a date format shows the number."""
    found = _SERIAL.fullmatch(cell)
    if found is None or not EXCEL_SERIALS[0] <= int(found.group(1)) <= EXCEL_SERIALS[1]:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(found.group(1)))
