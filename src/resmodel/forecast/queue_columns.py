"""What each column of the queue's tables holds, with its unit: the API's response schema and the docs'
column tables are made from these, so that a BI client or a reader of queue_*.csv need not guess. Counts
are expected numbers of decisions (cases), fractional (docs/forecasting.md §4); the three-month columns
carry the report age of ``QueueParams.report_after_months`` (3, LSS 28 f §) in their names."""

from __future__ import annotations

MONTHLY = {
    "month": "the month, YYYY-MM",
    "demand": "users the month's demand calls for (the demand column's volume; with arrivals instead, the users "
              "in service or waiting)",
    "capacity": "places available in the month (places, or staff FTE × users per FTE)",
    "executed": "users in service at the month's end (executed decisions holding a place)",
    "exits": "users leaving service in the month (exit rate × executed)",
    "decisions_ended": "decisions ended in the month as the demand fell below the users with a decision (beyond "
                       "the exits): from those in service first, whose places go to those waiting",
    "new_decisions": "decisions made in the month (demand growth plus replacements of those who left)",
    "executions": "decisions executed in the month (new and AIV placed in free places)",
    "aiv_started": "executions interrupted in the month (AIV: the provider's interruption, back in the queue)",
    "aiviv_started": "absences started in the month (AIViV: the user's own, the place kept)",
    "aiviv_resumed": "AIViV absences ended in the month (back in service)",
    "queue_new": "new decisions not executed at the month's end (cases)",
    "queue_aiv": "AIV interruptions not resumed at the month's end (cases)",
    "aiviv": "AIViV absences at the month's end (cases; their places are kept)",
    "not_executed_total": "all three states not executed at the month's end (cases), as reported to IVO",
    "over_3m_new": "new decisions waiting more than three months at the month's end (cases)",
    "over_3m_aiv": "AIV interruptions more than three months old at the month's end (cases)",
    "over_3m_aiviv": "AIViV absences more than three months old at the month's end (cases)",
    "over_3m_total": "the three together: the count waiting more than three months (cases)",
    "passed_3m": "cases that passed three months in the month (the first month also those already over)",
    "executed_after_3m": "cases executed in the month after more than three months (half of those at exactly "
                         "three; their fee is due)",
}

QUARTERLY = {
    "quarter": "the quarter, YYYY-Qn (reported to IVO and the council at its last month's end)",
    "complete": "false when the horizon ends within the quarter: the counts are then taken at count_month",
    "count_month": "the month-end the counts are taken at, YYYY-MM",
    "over_3m_new": "new decisions waiting more than three months at the count month's end (cases)",
    "over_3m_aiv": "AIV interruptions more than three months old then (cases)",
    "over_3m_aiviv": "AIViV absences more than three months old then (cases)",
    "over_3m_total": "the three together (cases): the figure of the quarterly report",
    "passed_3m_in_quarter": "cases that passed three months during the quarter",
    "executed_after_3m_in_quarter": "cases executed during the quarter after more than three months",
    "exposure_min_sek": "sanction-fee exposure of the open cases over three months at the minimum fee, "
                        "10 000 SEK a case (LSS 28 c §), SEK",
    "exposure_central_sek": "the same at 36 400 SEK per month waited (RÅ 2010 not 93), clipped to 10 000–"
                            "1 000 000 SEK a case, SEK",
    "exposure_max_sek": "the same at the maximum fee, 1 000 000 SEK a case, SEK",
}

WAITS = {
    "category": "new (a new decision) or aiv (an interrupted execution resumed)",
    "wait_months": "months waited before execution (mid-month to mid-month), whole months",
    "executions": "decisions executed after that wait over the horizon (cases)",
}

SUMMARY = {
    "months": "months simulated",
    "executions": "decisions executed over the horizon (cases)",
    "mean_wait_months": "mean wait of the decisions executed within the horizon, months (null without "
                        "executions; those still waiting at the end are not in it)",
    "cases_over_3m": "distinct cases that passed three months over the horizon",
    "exposure_min_sek": "sanction-fee exposure over the horizon at the minimum fee, SEK",
    "exposure_central_sek": "the same at 36 400 SEK per month waited, clipped per case, SEK",
    "exposure_max_sek": "the same at the maximum fee, SEK",
    "still_waiting_at_end": "decisions not executed at the horizon's end (cases, all three states)",
}
