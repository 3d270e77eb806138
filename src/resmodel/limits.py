"""Bounds on the numbers an input may hold: no count or amount a board enters comes near them, so a
larger one is a typing mistake (1e308, a pasted id) that would otherwise overflow to 'inf' in results."""

#: largest magnitude of a cell in a data table or a finance export (a trillion, 10¹², SEK or users)
MAX_TABLE_NUMBER = 1e12
#: the largest volume an override may set: users, cases or places a month (no board has a million;
#: a larger number is a typing mistake, and near 1e306 the cost overflows) — volumes, places, capacities alike
MAX_VOLUME = 1_000_000
#: largest value of a forecast series (as POST /forecasts' schema allows)
MAX_SERIES_VALUE = 1e15
#: hours of a full-time week: Arbetstidslagen 5 §, resmodel's national working_time.contract_hours_per_week — the
#: week a percentage of full time and an hourly wage are read against in hints (io/tables, params/ranges)
FULL_TIME_WEEK_HOURS = 40
