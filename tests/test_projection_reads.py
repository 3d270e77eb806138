"""A projection and its check read other_services.csv once each and pass what they read on (build_setup read it again
for the fixed volumes' scale and a forecast file's, check_projection again for its warnings: code review of the
projection_run split), and the scenario chain not at all: run.load read it, and LoadedScenario carries it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import resmodel.projection_run as projection_run

READERS = ("read_chain", "read_other_services")


@pytest.fixture
def reads(monkeypatch) -> dict[str, int]:
    """How often each reader is called from any module of the projection_run package."""
    counts = dict.fromkeys(READERS, 0)
    for info in pkgutil.iter_modules(projection_run.__path__):
        module = importlib.import_module(f"resmodel.projection_run.{info.name}")
        for name in READERS:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, _counted(getattr(module, name), name, counts))
    return counts


def _counted(read, name: str, counts: dict[str, int]):
    """``read``, counting its calls in ``counts[name]``."""
    def counting(*args, **kwargs):
        counts[name] += 1
        return read(*args, **kwargs)

    return counting


def test_build_setup_reads_other_services_once_and_the_chain_not_again(demo_loaded, demo_result, reads):
    projection_run.build_setup(demo_loaded, demo_result)
    assert reads == {"read_chain": 0, "read_other_services": 1}


def test_check_projection_reads_other_services_once_and_the_chain_not_again(demo_loaded, reads):
    projection_run.check_projection(demo_loaded, warn=True)
    assert reads == {"read_chain": 0, "read_other_services": 1}
