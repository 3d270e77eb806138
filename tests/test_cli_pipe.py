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
