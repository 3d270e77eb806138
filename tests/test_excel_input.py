"""Tables may be given as Excel workbooks: the same data as .xlsx gives the same results."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd

from resmodel.run import load, run
from tests.conftest import ROOT


def test_users_as_xlsx_give_identical_results(tmp_path, demo_result):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    (data / "users.csv").unlink()
    users.to_excel(data / "users.xlsx", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: xlsx input\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    result = run(load(scenario))
    np.testing.assert_allclose(result.allocation.units["net_cost"], demo_result.allocation.units["net_cost"])


def test_a_table_given_both_as_csv_and_xlsx_is_refused(tmp_path):
    import pytest

    from resmodel.errors import InputError

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False).to_excel(data / "users.xlsx", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: both\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    with pytest.raises(InputError, match="has both users.csv and users.xlsx"):
        load(scenario)
