"""The service names, parameter paths and data-file names every part of the projection refers to, in one
place so that a renamed service or file is renamed once."""

from __future__ import annotations

SFB, LSS, OWN = "personlig_assistans_sfb", "personlig_assistans_lss", "personlig_assistans_egen_utforare"
LSS_PRICE = "personlig_assistans.lss_purchase_price_per_hour"  # what providers charge per LSS hour
EXTERNAL = "externa_platser"
STATE_RATE = "personlig_assistans.state_hourly_rate"
INDEX_PATHS = {"wage_growth": "indices.wage_growth", "price_growth": "indices.price_growth"}
SICK_LEAVE = "working_time.sick_leave_rate"
HISTORY_FILE = "volume_history.csv"
POPULATION_FILE, USERS_FILE, FLOWS_FILE = "population.csv", "users.csv", "flows.csv"  # demographic, stock–flow
