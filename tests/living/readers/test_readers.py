"""Water-level readers on small fixtures (``tests/data/tides_*``) and synthetic texts.

Fixtures: 14 days of Honolulu 2010 in three layouts (UTide's ``.asc``, UHSLC ``.dat`` and
UHSLC CSV, with one value set missing in the last two), and the processed Honolulu CSV
(mm). DIA has no copied fixture (no data licence): a synthetic DIA text is written here;
the real Vlissingen file is read in ``test_readers_shared.py``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from paknam.living.errors import HarmonicAnalysisError, ReadError, RecordTooShortError
from paknam.living.readers.dia import rd_to_wgs84
from paknam.living.readers.quality import RESAMPLING_RULE, flag_spikes, to_hourly
from paknam.living.readers.water_levels import (
    MIN_RECORD_HOURS,
    WaterLevels,
    detect_format,
    parse_water_levels,
    read_water_levels,
)

DATA = Path(__file__).resolve().parents[2] / "data"
ASC = DATA / "tides_honolulu_2010-01-01_14d_hnl.asc"
DAT = DATA / "tides_uhslc_h057a_2010-01-01_14d.dat"
UHSLC_CSV = DATA / "tides_uhslc_h057a_2010-01-01_14d.csv"
PROCESSED = DATA / "tides_honolulu_hourly_2010.csv"
MISSING = np.datetime64("2010-01-03T05:00:00")
START = np.datetime64("2010-01-01T00:00:00")


def synthetic_csv(hours: int = 72, *, offset: str = "Z", step_min: int = 60) -> str:
    """A tide-like series (0.8 m M2, 0.4 m K1) as generic CSV with the given UTC offset."""
    lines = ["# station: test gauge", "# latitude: 13.55", "time,level_m"]
    shift = {"Z": 0, "+07:00": 7}[offset]
    for k in range(hours * 60 // step_min):
        minutes = k * step_min
        t = START + np.timedelta64(minutes + shift * 60, "m")
        h = minutes / 60
        level = 0.8 * np.cos(2 * np.pi * h / 12.42) + 0.4 * np.cos(2 * np.pi * h / 23.93)
        lines.append(f"{str(t)[:16]}{offset},{level:.4f}")
    return "\n".join(lines) + "\n"


def test_readers_detect_format_by_content() -> None:
    assert detect_format(ASC.read_text()) == "uhslc_asc"
    assert detect_format(DAT.read_text()) == "uhslc_dat"
    assert detect_format(UHSLC_CSV.read_text()) == "uhslc_csv"
    assert detect_format(PROCESSED.read_text()[:2000]) == "csv"
    assert detect_format(synthetic_dia()) == "dia"


def test_readers_three_honolulu_layouts_agree() -> None:
    asc = read_water_levels(ASC)
    dat = read_water_levels(DAT)
    csv = read_water_levels(UHSLC_CSV)
    for record in (asc, dat, csv):
        assert isinstance(record, WaterLevels)
        assert record.times[0] == START
        assert record.times.size == 336
        assert np.all(np.diff(record.times) == np.timedelta64(3600, "s"))
    gap = asc.times == MISSING
    np.testing.assert_allclose(dat.levels_m[~gap], asc.levels_m[~gap])
    np.testing.assert_allclose(csv.levels_m[~gap], asc.levels_m[~gap])
    assert asc.levels_m[0] == pytest.approx(1.237)
    assert np.isnan(dat.levels_m[gap]).all() and np.isnan(csv.levels_m[gap]).all()
    assert dat.metadata["gaps"] == {
        "missing_hours": 1,
        "gaps": 1,
        "longest": [{"start": "2010-01-03T05:00:00Z", "end": "2010-01-03T05:00:00Z", "hours": 1}],
    }
    assert any("1 gaps" in n for n in dat.notes)


def test_readers_uhslc_dat_header_gives_station_and_position() -> None:
    record = read_water_levels(DAT)
    assert record.latitude == pytest.approx(21 + 18.4 / 60)
    assert record.metadata["longitude"] == pytest.approx(-(157 + 52.0 / 60))
    assert record.metadata["station"] == "HONOLULU"
    assert record.metadata["datum"] == "UHSLC station zero"
    times, levels, meta = record  # unpacks like a tuple
    assert meta["format"] == "uhslc_dat" and levels.size == times.size


def test_readers_processed_csv_unit_from_header_and_tsunami_flagged() -> None:
    record = read_water_levels(PROCESSED)
    assert record.metadata["source_unit"] == "mm"
    assert record.levels_m.size == 8760 and record.metadata["gaps"]["missing_hours"] == 0
    assert record.levels_m[0] == pytest.approx(1.237)
    flagged = record.times[record.spikes]
    # the Chile tsunami of 27-28 Feb 2010 is the only thing flagged, and it is kept
    assert flagged.size == 3
    assert np.all(
        (flagged >= np.datetime64("2010-02-27")) & (flagged < np.datetime64("2010-03-01"))
    )
    assert np.isfinite(record.levels_m[record.spikes]).all()


def test_readers_generic_csv_offsets_and_comment_metadata() -> None:
    record = parse_water_levels(synthetic_csv(offset="+07:00"))
    assert record.times[0] == START  # 07:00+07:00 is 00:00 UTC
    assert record.latitude == 13.55 and record.metadata["station"] == "test gauge"
    assert record.metadata["source_unit"] == "m"
    assert record.levels_m[0] == pytest.approx(1.2)


def test_readers_generic_csv_refuses_naive_times_unless_tz_given() -> None:
    text = synthetic_csv().replace("Z,", ",")
    with pytest.raises(ReadError, match=r"line 4 has no UTC offset"):
        parse_water_levels(text)
    record = parse_water_levels(text, tz="Asia/Bangkok")
    assert record.times[0] == START - np.timedelta64(7, "h")
    assert parse_water_levels(text, tz="+07:00").times[0] == record.times[0]


def test_readers_time_utc_header_declares_utc() -> None:
    text = "time_utc,level_cm\n" + "\n".join(
        f"{START + np.timedelta64(k, 'h')!s},{100 + k % 7}" for k in range(48)
    )
    record = parse_water_levels(text)
    assert record.times[0] == START and record.levels_m[0] == pytest.approx(1.0)


def test_readers_bad_values_are_named_with_their_line() -> None:
    text = synthetic_csv().replace("2010-01-01T05:00Z,", "2010-01-01T05:00Z,abc#", 1)
    with pytest.raises(ReadError, match="line 9"):
        parse_water_levels(text)
    with pytest.raises(ReadError, match="not an ISO 8601 time"):
        parse_water_levels(synthetic_csv().replace("2010-01-01T03:00Z", "2010-13-01T03:00Z"))


def test_readers_gaps_are_kept_as_nan_and_reported() -> None:
    lines = synthetic_csv().splitlines()
    text = "\n".join(lines[:10] + lines[16:]) + "\n"  # six hours missing
    record = parse_water_levels(text)
    assert record.times.size == 72
    assert np.isnan(record.levels_m).sum() == 6
    assert record.metadata["gaps"]["longest"][0]["hours"] == 6


def test_readers_sub_hourly_is_resampled_by_the_documented_rule() -> None:
    fine = parse_water_levels(synthetic_csv(step_min=15))
    hourly = parse_water_levels(synthetic_csv())
    assert fine.metadata["resampled"] and fine.metadata["rule"] == RESAMPLING_RULE
    np.testing.assert_allclose(fine.levels_m, hourly.levels_m)  # samples at full hours kept
    assert any("resampled" in n for n in fine.notes)


def test_readers_off_hour_samples_are_interpolated() -> None:
    t = START + np.arange(100) * np.timedelta64(60, "m") + np.timedelta64(30, "m")
    v = np.arange(100, dtype=float)
    grid, levels, info = to_hourly(t, v)
    assert grid[0] == START + np.timedelta64(1, "h") and info["resampled"]
    np.testing.assert_allclose(levels, np.arange(99) + 0.5)


def test_readers_refuse_sampling_coarser_than_hourly() -> None:
    with pytest.raises(HarmonicAnalysisError, match="every 180 min"):
        parse_water_levels(synthetic_csv(hours=96, step_min=180))


def test_readers_refuse_too_short_records_naming_the_minimum() -> None:
    with pytest.raises(RecordTooShortError, match=r"at least 25\.8 h") as info:
        parse_water_levels(synthetic_csv(hours=20))
    assert info.value.required_hours == pytest.approx(MIN_RECORD_HOURS)
    assert 25.5 < MIN_RECORD_HOURS < 26.0


def test_readers_spikes_are_flagged_not_removed() -> None:
    record = read_water_levels(ASC)
    levels = record.levels_m.copy()
    where = np.array([40, 150, 300])
    levels[where] += np.array([0.2, -0.15, 0.1])
    flags = flag_spikes(record.times, levels, latitude=21.307)
    assert set(np.flatnonzero(flags)) == set(where)
    assert not flag_spikes(record.times, record.levels_m, latitude=21.307).any()


def test_readers_gzip_is_opened_transparently(tmp_path: Path) -> None:
    path = tmp_path / "levels.csv.gz"
    path.write_bytes(gzip.compress(synthetic_csv().encode()))
    assert read_water_levels(path).times.size == 72


def test_readers_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot read"):
        read_water_levels(tmp_path / "nope.csv")


def synthetic_dia(*, gap: bool = True, equidistant: bool = True) -> str:
    """A DIA text in the layout of Rijkswaterstaat's exports; the values are made up."""
    values = [f"{int(100 * np.cos(2 * np.pi * k / 12.42))}/0" for k in range(48)]
    if gap:
        values[5] = "-999999999/99"
    rows = [":".join(values[i : i + 12]) + ":" for i in range(0, 48, 12)]
    tyd = (
        "TYD;20200101;0000;20200102;2300;60;min"
        if equidistant
        else "TYD;20200101;0000;20200102;2300"
    )
    return "\n".join(
        [
            "[IDT;*DIF*;A;CENT;20190213]",
            "[W3H]",
            "PAR;WATHTE;Waterhoogte;J",
            "EHD;I;cm",
            "HDH;NAP;T.o.v. Normaal Amsterdams Peil",
            "LOC;VLISSGN;Vlissingen;P;RD;3048000;38522000",
            "[RKS]",
            tyd,
            "[TPS]",
            "STA;20200101;0000;20200102;2300;O",
            "[WRD]",
            *rows,
        ]
    )


def test_readers_dia_met_cm_gaps_and_rd_position() -> None:
    record = parse_water_levels(synthetic_dia())
    assert record.metadata["format"] == "dia"
    assert record.times[0] == np.datetime64("2019-12-31T23:00:00")  # MET = UTC+1
    assert record.levels_m[0] == pytest.approx(1.0)  # cm -> m
    assert np.isnan(record.levels_m[5])  # quality 99
    assert record.metadata["datum"] == "NAP" and record.metadata["station_id"] == "VLISSGN"
    assert record.latitude == pytest.approx(51.442, abs=0.001)
    assert record.metadata["longitude"] == pytest.approx(3.596, abs=0.001)


def test_readers_rd_to_wgs84_at_amersfoort() -> None:
    assert rd_to_wgs84(155_000.0, 463_000.0) == pytest.approx((52.15517440, 5.38720621))


def test_readers_dia_refuses_extremes_series() -> None:
    with pytest.raises(ReadError, match="not an equidistant series"):
        parse_water_levels(synthetic_dia(equidistant=False))
