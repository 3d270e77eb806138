"""Model names in a scenario's projection block are read case and blanks aside, as `forecast --model` reads them
(planner walk: `volumes: {daglig_verksamhet: ETS}` was refused while `forecast --model ETS` ran)."""

from __future__ import annotations

import pytest

from resmodel.errors import InputError
from resmodel.io.scenario import read_chain
from resmodel.scenario.projection import resolve

from .test_projection import scenario


def test_upper_case_model_names_are_the_models(tmp_path):
    path = scenario(tmp_path, "cased", """\
        projection:
          default_model: ' Drift'
          volumes: {daglig_verksamhet: ETS, bostad_barn: 12}
        """)
    settings = resolve(read_chain(path)).settings
    assert settings.default_model == "drift"
    assert settings.volumes == {"daglig_verksamhet": "ets", "bostad_barn": 12}


def test_an_unknown_name_is_still_refused_as_written(tmp_path):
    path = scenario(tmp_path, "typo", "projection:\n  volumes: {daglig_verksamhet: ETX}\n")
    with pytest.raises(InputError, match="unknown forecast model 'ETX'.*did you mean 'ets'"):
        resolve(read_chain(path))
