"""`resmodel nowcast` refuses a triangle whose completion would span more than 30 years, as POST /nowcasts does
(both through forecast.nowcast_checks.completion_span)."""

from __future__ import annotations

from .clirun import run_main


def test_the_cli_nowcast_refuses_a_completion_of_more_than_30_years(tmp_path, monkeypatch, capsys):
    """Integrator walk, follow-up: the API refused it, the CLI ran 19 s and wrote 2 533 months and an invented
    'open' amount for one invoice of 1990-01 reported in 2200-12."""
    path = tmp_path / "t.csv"
    path.write_text("service_month,reporting_month,amount_sek\n1990-01,2200-12,5\n", encoding="utf-8")
    code, _, err = run_main(monkeypatch, capsys, "nowcast", "--triangle", path, "--out", tmp_path / "nc")
    assert code == 2 and not (tmp_path / "nc").exists()
    assert "the service months to complete span 2532 months, from the first service month 1990-01 to the last " \
           "reporting month 2200-12" in err and "here up to 2019-12" in err
