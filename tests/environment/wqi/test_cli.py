"""``paknam wqi``: parsing, human and JSON output, exit codes."""

from __future__ import annotations

import json

import pytest

from paknam.environment.wqi.cli import CLI_PARAMETERS, parse_assignments, wqi_command

SAMPLE = ["do=4.5", "bod=2.1", "tcb=12000", "fcb=2500", "nh3n=0.4"]
DOE_EXTRA = ["ph=7.2", "cod=30", "ss=40", "temp=29"]


def test_wqi_command_json_contract(capsys):
    code = wqi_command(SAMPLE, as_json=True)
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["wqi"] == 66
    assert (data["band"], data["band_name_th"], data["band_name_en"]) == ("fair", "พอใช้", "fair")
    assert data["method"].startswith("paknam-provisional-2026:")
    assert "not PCD's official curves" in data["method"]
    assert data["official"] is False
    assert list(data["sub_indices"]) == ["do", "bod", "tcb", "fcb", "nh3n"]
    assert data["sub_indices"]["do"] == 63.5
    assert data["water_class"]["water_class"] == 4
    assert data["water_class"]["limiting"] == ["bod"]
    assert data["malaysia_doe"] is None
    assert data["malaysia_doe_missing"] == ["temp (or do_sat)", "cod", "ss", "ph"]


def test_wqi_command_json_with_malaysia_doe_alongside(capsys):
    code = wqi_command([*SAMPLE, *DOE_EXTRA], as_json=True)
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    doe = data["malaysia_doe"]
    assert doe["doe_class"] == "III" and doe["wqi"] == 75.3
    assert set(doe["sub_indices"]) == {"do_sat", "bod", "cod", "nh3n", "ss", "ph"}
    assert "for comparison only" in doe["method"]
    assert data["malaysia_doe_missing"] == []
    assert data["wqi"] == 66  # extra parameters do not change the Thai WQI


def test_wqi_command_do_sat_instead_of_temperature(capsys):
    wqi_command([*SAMPLE, "ph=7", "cod=20", "ss=10", "do_sat=60"], as_json=True)
    doe = json.loads(capsys.readouterr().out)["malaysia_doe"]
    assert doe["do_saturation_pct"] == 60.0


def test_wqi_command_json_keeps_thai_readable(capsys):
    wqi_command(SAMPLE, as_json=True)
    out = capsys.readouterr().out
    assert "พอใช้" in out and "\\u0e" not in out


def test_wqi_command_human_summary_thai_and_english(capsys):
    code = wqi_command([*SAMPLE, *DOE_EXTRA], as_json=False)
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "WQI 66 — พอใช้ / fair [#FDC04E]"
    assert "DO 63.5" in lines[1] and "NH3-N 77.7" in lines[1]
    assert "paknam-provisional-2026" in out
    assert "ไม่ใช่ของกรมควบคุมมลพิษ" in out and "not the Pollution Control Department's" in out
    assert "ประเภทแหล่งน้ำผิวดิน 4" in out and "surface-water class 4" in out
    assert "limited by: BOD" in out
    assert "Malaysia DOE-WQI 75.3, class III" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*SAMPLE[:-1], "nh3n=-0.4"], "NH3-N value '-0.4' mg/L is below 0"),
        ([*SAMPLE[:-1], "nh3n=nan"], "NaN"),
        ([*SAMPLE[:-1], "nh3n=abc"], "not a number"),
        (
            [*SAMPLE, "zinc=1"],
            "unknown parameter 'zinc' for paknam wqi; valid keys: do, bod, tcb, fcb, nh3n, "
            "ph, no3n, cod, ss, temp, salinity, do_sat",
        ),
        (["do=4.5", "bod=2.1"], "missing: tcb, fcb, nh3n"),
        ([], "missing: do, bod, tcb, fcb, nh3n"),
        ([*SAMPLE, "NH3-N=0.3"], "given twice"),
        ([*SAMPLE, "ph"], "not parameter=value"),
        ([*SAMPLE, "ph="], "not parameter=value"),
        ([*SAMPLE, "ph=15"], "above 14"),
        ([*SAMPLE, "temp=70"], "above 50"),
    ],
)
def test_wqi_command_bad_input_exit_2(capsys, args, message):
    code = wqi_command(args, as_json=True)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err
    assert "usage: paknam wqi" in err


def test_parse_assignments_aliases_and_blanks():
    assert parse_assignments(["NH3-N= 0.4", "BOD5=2", "TSS=40", "water_temperature=29"]) == {
        "nh3n": "0.4",
        "bod": "2",
        "ss": "40",
        "temp": "29",
    }
    assert CLI_PARAMETERS[:5] == ("do", "bod", "tcb", "fcb", "nh3n")
