"""Service keys (insatser) and their properties, shared by data validation and calculations."""

from __future__ import annotations

#: the 20-hour rule: the municipality's hours a week per SFB case, read month by month by the projection and listed
#: by explain among the rules in force
SFB_CAP = "personlig_assistans.municipal_hours_per_week"

#: services a unit can provide, with the Swedish name and English gloss
UNIT_SERVICES = {
    "daglig_verksamhet": "Daglig verksamhet — daily activity (LSS 9 § 10)",
    "bostad_vuxna": "Bostad med särskild service för vuxna — group/service housing, adults (LSS 9 § 9)",
    "bostad_barn": "Bostad för barn och ungdomar — housing for children and youth (LSS 9 § 8)",
    "externa_platser": "Externa platser — places bought from external providers (dygnspris)",
    "personlig_assistans": "Personlig assistans — personal assistance provider unit (own or purchased)",
}

#: services a user can have; personal assistance splits by who finances it
USER_SERVICES = {
    "daglig_verksamhet": "Daglig verksamhet — daily activity",
    "bostad_vuxna": "Bostad vuxna — adult housing",
    "bostad_barn": "Bostad barn — children's housing",
    "externa_platser": "Externa platser — external places",
    "personlig_assistans_sfb": "Personlig assistans SFB — municipal share of state assistance (first 20 h/week)",
    "personlig_assistans_lss": "Personlig assistans LSS — assistance financed fully by the municipality",
}

#: which unit service may host which user service
UNIT_SERVICE_OF_USER = {
    "daglig_verksamhet": "daglig_verksamhet",
    "bostad_vuxna": "bostad_vuxna",
    "bostad_barn": "bostad_barn",
    "externa_platser": "externa_platser",
    "personlig_assistans_sfb": "personlig_assistans",
    "personlig_assistans_lss": "personlig_assistans",
}

#: services assessed by need level, whose unit cost drifts with the level mix by default (model.md §1)
LEVEL_SERVICES = ("daglig_verksamhet", "bostad_vuxna", "bostad_barn")
HOUSING_SERVICES = ("bostad_vuxna", "bostad_barn")
HOUSING_TYPES = ("gruppbostad", "servicebostad", "barnboende")
REGI = ("egen", "extern")
