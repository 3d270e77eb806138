"""Staff cost per full-time equivalent and per available hour, derived from its parts.

cost per FTE (role, service) = monthly salary × 12 × (1 + holiday-pay supplement)
                               × (1 + unsocial-hours supplement of the service) × (1 + PO rate),
holiday-pay supplement = holiday pay per leave day × annual leave days / 12 (AB § 27).
cost per hour = cost per FTE / available working time. Absence cover enters through AWT."""

from __future__ import annotations

from dataclasses import dataclass

from resmodel.errors import InputError, Location
from resmodel.params.tree import Snapshot

#: roles each staffed service uses, in the order of its role-mix parameters
SERVICE_ROLES = {
    "daglig_verksamhet": ("omsorgspedagog", "aktivitetsledare"),
    "bostad_vuxna": ("stodpedagog", "stodassistent"),
    "bostad_barn": ("stodpedagog", "stodassistent"),
    "personlig_assistans": ("personlig_assistent",),
}


@dataclass(frozen=True)
class ServiceRates:
    """Cost rates of one staffed service for a snapshot."""

    service: str
    role_share: dict[str, float]
    role_cost_per_fte: dict[str, float]
    available_hours: float

    @property
    def cost_per_fte(self) -> float:
        return sum(self.role_share[r] * self.role_cost_per_fte[r] for r in self.role_share)

    @property
    def cost_per_hour(self) -> float:
        return self.cost_per_fte / self.available_hours


def holiday_pay_share(snapshot: Snapshot) -> float:
    """Holiday pay supplement as a share of the annual salary: AB § 27 pays a share of the monthly salary per paid
    leave day, so a board with more leave days (31 from age 40) pays more (audit: it stayed at 25 days' 1.26 %)."""
    return snapshot["staff_cost.holiday_pay_per_leave_day"] * snapshot["working_time.annual_leave_days"] / 12.0


def role_cost_per_fte(snapshot: Snapshot, role: str, service: str) -> float:
    """A year's cost of one FTE of ``role`` in ``service``: monthly salary × 12 with holiday pay, the
    service's unsocial-hours supplement and payroll overhead (PO), each a factor on the one before."""
    return (
        snapshot[f"salaries.{role}"] * 12.0
        * (1.0 + holiday_pay_share(snapshot))
        * (1.0 + snapshot[f"{service}.unsocial_hours_supplement"])
        * (1.0 + snapshot["payroll.po_rate"])
    )


def service_rates(snapshot: Snapshot, service: str, available_hours: float) -> ServiceRates:
    """Role mix and cost per FTE of a service; the role mix must sum to 1."""
    roles = SERVICE_ROLES[service]
    if len(roles) == 1:
        shares = {roles[0]: 1.0}
    else:
        shares = {r: snapshot[f"{service}.role_mix.{r}"] for r in roles}
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-9:  # `load` refuses such files and overrides; this guards changed snapshots
            trace = snapshot.trace(f"{service}.role_mix.{roles[-1]}")
            raise InputError.at(
                trace.location or Location(path=f"{service}.role_mix"),
                f"the role shares of {service} sum to {total:g} ("
                + " + ".join(f"{r} {v:g}" for r, v in shares.items()) + ")",
                "shares that sum to 1 (" + " + ".join(roles) + ")",
                "adjust the role_mix values so they add up to 1",
            )
    costs = {r: role_cost_per_fte(snapshot, r, service) for r in roles}
    return ServiceRates(service, shares, costs, available_hours)
