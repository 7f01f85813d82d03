"""``paknam aqi``: parsing, human and JSON output, exit codes."""

from __future__ import annotations

import json

import pytest

from paknam.environment.aqi.cli import aqi_command, parse_assignments


def test_aqi_command_json_contract(capsys):
    code = aqi_command(["pm25=39.3", "pm10=100"], "2026-01-15", as_json=True)
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["aqi"] == 106
    assert data["pollutant"] == "pm25"
    assert data["level"] == 4
    assert data["sub_indices"] == {"pm25": 106, "pm10": 75}
    assert data["level_name_th"] == "เริ่มมีผลกระทบต่อสุขภาพ"
    assert data["level_name_en"] == "starting to affect health"
    assert data["color"] == "#F26522"


def test_aqi_command_json_keeps_thai_readable(capsys):
    aqi_command(["pm25=10"], None, as_json=True)
    out = capsys.readouterr().out
    assert "ดีมาก" in out and "\\u0e" not in out


def test_aqi_command_human_summary_thai_and_english(capsys):
    code = aqi_command(["pm25=80"], None, as_json=False)
    out = capsys.readouterr().out
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("AQI 206 (PM2.5)")
    assert "มีผลกระทบต่อสุขภาพ" in first and "affects health" in first and "#CD0000" in first
    assert "ประชาชนทั่วไป:" in out and "General public:" in out
    assert "กลุ่มเสี่ยง:" in out and "At-risk groups:" in out


def test_aqi_command_date_selects_table(capsys):
    aqi_command(["pm25=30"], "2023-05-31", as_json=True)
    old = json.loads(capsys.readouterr().out)
    aqi_command(["pm25=30"], "2023-06-01", as_json=True)
    new = json.loads(capsys.readouterr().out)
    assert (old["aqi"], new["aqi"]) == (35, 70)


@pytest.mark.parametrize(
    ("args", "date", "message"),
    [
        (["pm25=-3"], None, "below 0"),
        (["pm25=nan"], None, "NaN"),
        (["pm25=abc"], None, "not a number"),
        (["pm1=3"], None, "valid keys: pm25, pm10, o3, co, no2, so2"),
        (["pm25"], None, "not pollutant=value"),
        (["pm25="], None, "not pollutant=value"),
        (["pm25=1", "PM2.5=2"], None, "given twice"),
        ([], None, "no concentrations given"),
        (["pm25=1"], "31/01/2026", "not YYYY-MM-DD"),
    ],
)
def test_aqi_command_bad_input_exit_2(capsys, args, date, message):
    code = aqi_command(args, date, as_json=False)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err
    assert "usage: paknam aqi" in err


def test_parse_assignments_aliases_and_blanks():
    assert parse_assignments(["PM2.5= 12.5", "o3=40"]) == {"pm25": "12.5", "o3": "40"}
