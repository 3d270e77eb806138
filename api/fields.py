"""Response fields every endpoint shares, each described once for the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

Version = Annotated[str, Field(description="the resmodel version that made the answer (the same inputs and "
                                           "version give the same bytes)")]
ScenarioName = Annotated[str, Field(description="the scenario's own name (its 'name:'), which a copied file keeps: "
                                               "scenario_file says which file answered")]
ScenarioFile = Annotated[str, Field(description="the scenario as sent: its file name without .yaml (Unicode NFC), "
                                               "as GET /scenarios lists it")]
ScenarioHash = Annotated[str, Field(description="sha256 of the scenario's parsed chain (it and its 'extends')")]
Notes = Annotated[list[str], Field(description="how to read the answer: what the run assumed or left out")]
Warnings = Annotated[list[str], Field(description="data-quality findings: '[check] where: message' (the run went "
                                                  "on; docs/forecasting.md §8, docs/data-dictionary.md)")]
Year = Annotated[int, Field(description="calendar year")]
#: the columns of a volume forecast (forecast/interface.py OUTPUT_COLUMNS) a demand may be taken from: the forecast
#: and the bounds of its 80 % and 95 % intervals — one list for POST /premises-plans and POST /queues, which refused
#: and accepted different names ('volume_hi_99' planned, then refused by the queue)
DemandColumn = Literal["volume", "volume_lo_80", "volume_hi_80", "volume_lo_95", "volume_hi_95"]
