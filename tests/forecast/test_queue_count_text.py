"""Code review (h21 #6b): the queue's notes (forecast/queue.py) and the queue command's messages (cli_queue.py)
each had their own, identical, ``_count``. One ``count_text`` in the core now formats both."""

from __future__ import annotations

import pytest

from resmodel.forecast import queue
from resmodel.forecast.queue import count_text
from tests.forecast.conftest import FIXTURES


@pytest.mark.parametrize(("value", "text"), [(1295.0, "1,295"), (100000, "100,000"), (1304.9, "1,304.90"),
                                             (450.5, "450.50"), (0.0, "0")])
def test_a_count_is_whole_when_it_is_and_with_two_decimals_when_not(value, text):
    assert count_text(value) == text


def test_the_commands_message_formats_its_counts_with_the_cores_function(cli, tmp_path, monkeypatch):
    """An --initial-executed above the first month's places: its counts come from the core's ``count_text``."""
    monkeypatch.setattr(queue, "count_text", lambda v: f"<{v:g}>")
    res = cli(["queue", "--demand", FIXTURES / "demand.csv", "--service", "daglig_verksamhet", "--places", "900",
               "--initial-executed", "950.5", "--out", tmp_path / "q"])
    assert res.exit_code == 2
    assert "<950.5> executed users exceed the capacity of <900> in 2025-01" in res.stderr
