"""The warnings of the plan endpoints (POST /premises-plans, POST /shift-plans) in the schema's one form, '[check]
where: message', and the same apart as ``warning_items``, as POST /runs and POST /forecasts answer them: the core
gives the plans' findings as sentences, which a client could neither filter nor tell apart (integrator walk)."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field


class WarningItem(BaseModel):
    """One data-quality warning (the plan was still made) with its check, where and message apart: the same finding
    as the line of 'warnings' at the same place, for a client that filters or flags."""

    check: str = Field(description="the warning's name: the scenario's checks (parameter_slip, template_parameter, "
                       "…; docs/data-dictionary.md) and the endpoint's own (docs/api.md, 'Warnings of the plans')")
    where: str = Field(description="the JSON path the finding is at (body.candidates[2].one_off_cost_sek, "
                       "body.demand_column), 'body' for the request as a whole, or 'body.scenario' for the scenario's "
                       "files (the message names the file)")
    message: str = Field(description="what was found and what the plan did")


#: a scenario's warning line as ``warning_lines`` writes it: its check in brackets, then the rest
_SCENARIO_LINE = re.compile(r"\[(\w+)\] (.*)", re.DOTALL)


def scenario_items(lines: list[str]) -> list[WarningItem]:
    """The scenario's warning lines (already '[check] …', as `resmodel run` prints them) apart: at body.scenario."""
    return [WarningItem(check=m[1], where="body.scenario", message=m[2])
            for m in map(_SCENARIO_LINE.fullmatch, lines)]


def located(check: str, text: str, sources: tuple[str, ...]) -> WarningItem:
    """A core warning as an item of ``check``: a leading source of ``sources`` ('body.candidates: …') is its where,
    the request as a whole ('body') otherwise."""
    source = next((s for s in sources if text.startswith(f"{s}: ")), None)
    return WarningItem(check=check, where=source or "body",
                       message=text.removeprefix(f"{source}: ") if source else text)


def line(item: WarningItem) -> str:
    """The item as a line of 'warnings': '[check] where: message'."""
    return f"[{item.check}] {item.where}: {item.message}"


def answer_warnings(scenario_lines: list[str], items: list[WarningItem]) -> dict[str, list]:
    """'warnings' and 'warning_items' of a plan's answer: the scenario's lines as `resmodel run` prints them, then
    the endpoint's own items, each as a line '[check] where: message'."""
    return {"warnings": [*scenario_lines, *map(line, items)], "warning_items": [*scenario_items(scenario_lines), *items]}
