"""A reader that stops early (``resmodel … | head -1``) must not cost the user the output files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "forecast" / "fixtures" / "short_annual.csv"


def test_output_files_are_written_when_the_reader_closes_the_pipe(tmp_path):
    out = tmp_path / "fc"
    proc = subprocess.Popen([sys.executable, "-m", "resmodel.cli", "forecast", "--series", str(FIXTURE),
                             "--model", "naive", "--h", "2", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is printed
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["forecast.csv", "manifest.json"]


def test_an_interrupted_command_exits_130_not_0(tmp_path, monkeypatch):
    """Ctrl-C while a command works: without standalone mode click returned its 130 and main() exited 0, so a script
    (`resmodel forecast … && resmodel queue …`) went on with the old forecast (robustness review)."""
    import pytest

    import resmodel.run
    from resmodel.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(resmodel.run, "load", interrupted)
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # main() wraps stdout: restored after the test
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", str(Path(__file__).resolve().parents[1] / "scenarios"
                                                                   / "base.yaml")])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 130
