"""The six report areas of the board's annual report and the mapping service → area.

The breakdown is the one Malmö FSN uses for its budget deviation (facts F0116–F0121); a budget
deviation is always reported per area so that the model's output can be laid beside the annual
report line by line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from resmodel.errors import InputError, Location, did_you_mean


@dataclass(frozen=True)
class Area:
    """One report area: key, Swedish label as in the annual report, English gloss, facts id."""

    key: str
    label_sv: str
    label_en: str
    fact: str


AREAS: tuple[Area, ...] = (
    Area("lss_boende", "Bostad med särskild service LSS (inkl. externa platser)",
         "LSS housing incl. external places", "F0116"),
    Area("daglig_verksamhet", "Daglig verksamhet LSS", "Daily activity (LSS)", "F0117"),
    Area("personlig_assistans", "Personlig assistans SFB och LSS", "Personal assistance (SFB and LSS)", "F0118"),
    Area("ovriga_lss", "Övriga insatser enligt LSS", "Other LSS services", "F0119"),
    Area("ovrig_vard_omsorg", "Övrig verksamhet inom vård och omsorg",
         "Other care (SoL, HSL, needs assessment, management)", "F0120"),
    Area("forvaltningsovergripande", "Förvaltningsövergripande verksamhet", "Administration-wide", "F0121"),
)

AREA_KEYS: tuple[str, ...] = tuple(a.key for a in AREAS)
AREA_BY_KEY: dict[str, Area] = {a.key: a for a in AREAS}

#: service key → area key (facts F0116–F0121 and the area texts of the annual report; docs/budget.md §2)
SERVICE_AREA: dict[str, str] = {
    # LSS housing incl. external places and expansion money (F0116, F0140)
    "bostad_vuxna": "lss_boende",
    "bostad_barn": "lss_boende",
    "externa_platser": "lss_boende",
    "lss_utbyggnad": "lss_boende",
    # daily activity (F0117)
    "daglig_verksamhet": "daglig_verksamhet",
    # personal assistance: SFB 20-hour share, LSS, the own provider's financing gap (F0118)
    "personlig_assistans_sfb": "personlig_assistans",
    "personlig_assistans_lss": "personlig_assistans",
    "personlig_assistans_egen_utforare": "personlig_assistans",
    # other LSS services (F0119)
    "korttidsvistelse": "ovriga_lss",
    "korttidstillsyn": "ovriga_lss",
    "avlosning": "ovriga_lss",
    "ledsagning": "ovriga_lss",
    "kontaktperson": "ovriga_lss",
    "ovriga_lss": "ovriga_lss",  # the whole area as one line (top-down boards with area aggregates)
    # other care: SoL, open activity, HSL, needs assessment, management (F0120)
    "boendestod": "ovrig_vard_omsorg",
    "sarskilt_boende_sol": "ovrig_vard_omsorg",
    "externa_platser_sol": "ovrig_vard_omsorg",
    "hemtjanst": "ovrig_vard_omsorg",
    "hsl": "ovrig_vard_omsorg",
    "myndighet": "ovrig_vard_omsorg",
    "oppen_verksamhet": "ovrig_vard_omsorg",
    "ovrig_vard_omsorg": "ovrig_vard_omsorg",  # the whole area as one line (top-down)
    # administration-wide (F0121)
    "forvaltningsovergripande": "forvaltningsovergripande",
}

#: Swedish label and English gloss per service (for reports and charts)
SERVICE_LABELS: dict[str, str] = {
    "bostad_vuxna": "Bostad med särskild service vuxna — adult LSS housing (LSS 9 § 9)",
    "bostad_barn": "Bostad för barn och unga — children's LSS housing (LSS 9 § 8)",
    "externa_platser": "Externa platser LSS — external LSS places (dygnspris)",
    "lss_utbyggnad": "LSS-utbyggnad — expansion money for new homes",
    "daglig_verksamhet": "Daglig verksamhet — daily activity (LSS 9 § 10)",
    "personlig_assistans_sfb": "Personlig assistans SFB — municipal first 20 h/week of state assistance",
    "personlig_assistans_lss": "Personlig assistans LSS — assistance financed fully by the municipality",
    "personlig_assistans_egen_utforare": "Egen utförare PA — own assistance provider (financing gap)",
    "korttidsvistelse": "Korttidsvistelse — short-term stay",
    "korttidstillsyn": "Korttidstillsyn — short-term supervision (school youth over 12)",
    "avlosning": "Avlösarservice — relief service",
    "ledsagning": "Ledsagarservice — companion service",
    "kontaktperson": "Kontaktperson — contact person",
    "ovriga_lss": "Övriga insatser enligt LSS — other LSS services (area as one line)",
    "boendestod": "Boendestöd — housing support (SoL)",
    "sarskilt_boende_sol": "Särskilt boende SoL — special housing (SoL)",
    "externa_platser_sol": "Externa platser SoL — external special-housing places (SoL)",
    "hemtjanst": "Hemtjänst — home care",
    "hsl": "HSL — municipal health care",
    "myndighet": "Myndighet — needs assessment and decisions",
    "oppen_verksamhet": "Öppen verksamhet — open activities without a decision",
    "ovrig_vard_omsorg": "Övrig verksamhet inom vård och omsorg — other care (area as one line)",
    "forvaltningsovergripande": "Förvaltningsövergripande — administration-wide",
}


def suggest(name: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key, or a list of the valid keys."""
    choices = list(choices)
    return did_you_mean(name, choices).strip() or "valid keys: " + ", ".join(choices)


def check_area(area: str, location: Location) -> str:
    """Return ``area`` if it is one of the six report areas, else raise a located InputError."""
    if area not in AREA_BY_KEY:
        raise InputError.at(location, f"unknown report area '{area}'", "one of " + ", ".join(AREA_KEYS),
                            f"use a report area key ({suggest(area, AREA_KEYS)})")
    return area


def area_of(service: str, extra: Mapping[str, str] | None = None, location: Location | None = None) -> str:
    """The report area of a service; ``extra`` adds a board's own services (service → area)."""
    mapping = {**SERVICE_AREA, **(extra or {})}
    if service in mapping:
        return check_area(mapping[service], location or Location(path=f"service_areas.{service}"))
    raise InputError.at(
        location or Location(path=service), f"service '{service}' belongs to no report area",
        "a known service key, or an entry service → area in the service-area mapping",
        f"correct the service key ({suggest(service, mapping)}) or map it to one of {', '.join(AREA_KEYS)}",
    )

