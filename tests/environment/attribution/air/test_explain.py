"""Air-source attribution on synthetic series with a planted source, and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paknam.core.errors import InvalidInput
from paknam.environment.attribution.air.cpf import wilson_interval
from paknam.environment.attribution.air.explain import (
    AttributionError,
    WindNotMeasuredError,
    conditional_probability,
    diurnal_profile,
    explain_air_source,
    percentile_rose,
    pollution_rose,
    sector_index,
    sectors,
    speed_classes,
    station_agreement,
    weekly_profile,
)
from paknam.environment.attribution.air.wind import speed_class_index

SW = 10  # index of the south-west sector among 16
NE = 2


def _weather(n_days: int = 60, seed: int = 1) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Hourly times (Asia/Bangkok), integer wind speed like air4thai, uniform direction."""
    rng = np.random.default_rng(seed)
    t = pd.date_range("2024-01-01", periods=24 * n_days, freq="h", tz="Asia/Bangkok")
    ws = rng.choice([0, 1, 2, 3, 4], size=len(t), p=[0.1, 0.3, 0.3, 0.2, 0.1]).astype(float)
    wd = rng.integers(0, 360, size=len(t)).astype(float)
    return t, ws, wd


def _planted(kind: str = "near", seed: int = 1):
    """Background PM2.5 plus a source: SW at light wind ("near") or NE at ≥ 3 m/s ("far")."""
    t, ws, wd = _weather(seed=seed)
    rng = np.random.default_rng(seed + 100)
    conc = rng.gamma(4.0, 5.0, size=len(t))  # ~20 µg/m³
    sec = sector_index(wd)
    near = (sec == SW) & (ws >= 0.5) & (ws < 2.5)
    src = near if kind == "near" else (sec == NE) & (ws >= 2.5)
    conc[src] += 60.0
    return t, conc, ws, wd


# --- sectors and speed classes -------------------------------------------------------


def test_sector_index_boundaries_half_open_and_north_wraps():
    got = sector_index([0, 11.24, 11.25, 348.75, 359, 360, 225, np.nan])
    np.testing.assert_array_equal(got, [0, 0, 1, 0, 0, 0, 10, -1])


def test_sectors_names_thai_and_english():
    s16 = sectors(16)
    assert [s.code for s in s16][::4] == ["N", "E", "S", "W"]
    assert s16[SW].name_en == "south-west" and s16[SW].name_th == "ตะวันตกเฉียงใต้"
    assert s16[SW].range_label == "214–236°"
    s8 = sectors(8)
    assert s8[5].code == "SW" and s8[5].name_th == "ตะวันตกเฉียงใต้"
    assert sectors(36)[1].code == "10°"


def test_sectors_refuses_bad_count():
    with pytest.raises(AttributionError, match="n_sectors"):
        sectors(3)


def test_speed_classes_match_integer_air4thai_speeds():
    got = speed_class_index([0, 0.4, 0.5, 1, 1.5, 2, 3, 4, 10, np.nan])
    np.testing.assert_array_equal(got, [-1, -1, 0, 0, 1, 1, 2, 3, 3, -1])
    assert [c.label for c in speed_classes()] == [
        "0.5–1.5 m/s",
        "1.5–2.5 m/s",
        "2.5–3.5 m/s",
        "≥ 3.5 m/s",
    ]


def test_speed_classes_refuse_unordered_edges():
    with pytest.raises(AttributionError, match="increasing"):
        speed_classes((0.5, 2.0, 1.0))


def test_wilson_interval_known_value():
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    low0, _ = wilson_interval(0, 0)
    assert np.isnan(low0)


# --- roses and CPF on a planted source -------------------------------------------------


def test_pollution_rose_planted_source_sector_is_dirtiest():
    t, c, ws, wd = _planted()
    rose = pollution_rose(t, c, ws, wd)
    assert rose.hours.sum() == rose.windy_hours == int((ws >= 0.5).sum())
    assert rose.calm_hours == int((ws < 0.5).sum()) and rose.missing_hours == 0
    assert int(np.nanargmax(rose.sector_mean)) == SW
    assert rose.frequency.sum() == pytest.approx(1.0)
    assert rose.share_of_total[SW] > rose.sector_hours[SW] / rose.windy_hours
    # light-wind cells of the SW carry the source, the stronger ones do not
    assert rose.mean[SW, 0] > 2 * rose.mean[SW, 3]
    assert len(rose.to_frame()) == 16 * 4


def test_percentile_rose_planted_source_and_min_hours():
    t, c, ws, wd = _planted()
    pr = percentile_rose(t, c, ws, wd, percentiles=(50, 90))
    assert int(np.nanargmax(pr.values[:, 1])) == SW
    few = percentile_rose(t[:100], c[:100], ws[:100], wd[:100], min_hours=24)
    assert np.isnan(few.values[few.hours < 24]).all()
    assert list(pr.to_frame().columns[-2:]) == ["p50", "p90"]


def test_cpf_planted_near_source_found_only_in_its_sector():
    t, c, ws, wd = _planted()
    r = conditional_probability(t, c, ws, wd)
    assert r.strongest() == SW
    assert r.clear.sum() == 1
    assert r.cpf[SW] > 2 * r.baseline
    assert r.ci_low[SW] > r.expected[SW]
    assert r.high_days[SW] >= 3
    light, strong = r.cell_cpf[SW, 0], r.cell_cpf[SW, 2]
    assert light > 0.9 and strong < 0.5
    assert r.hours.sum() == r.windy_hours


def test_cpf_planted_far_source_at_strong_wind():
    t, c, ws, wd = _planted("far")
    r = conditional_probability(t, c, ws, wd)
    assert r.strongest() == NE
    assert r.best_speed_class(NE) in (2, 3)


def test_cpf_one_long_episode_is_not_a_source():
    t, ws, wd = _weather(seed=21)
    c = np.random.default_rng(22).gamma(4.0, 5.0, size=len(t))
    block = slice(24 * 30, 24 * 33)  # three days of SW wind with high values: one spell
    ws[block], wd[block], c[block] = 1.0, 225.0, 90.0
    r = conditional_probability(t, c, ws, wd)
    assert r.cpf[SW] > 2 * r.baseline and r.high_days[SW] >= 3  # looks strong by hours …
    assert r.runs[SW] < r.hours[SW] - 60  # … but the 72 hours are one spell
    assert not r.clear[SW]


def test_cpf_fixed_threshold_and_min_hours_gives_nan():
    t, c, ws, wd = _planted()
    r = conditional_probability(t[:200], c[:200], ws[:200], wd[:200], threshold=50.0)
    assert r.threshold == 50.0
    assert np.isnan(r.cpf[r.hours < r.min_hours]).all()
    assert not r.clear[r.hours < r.min_hours].any()


def test_cpf_calm_hours_excluded_from_sectors():
    t, c, ws, wd = _planted()
    c2 = c.copy()
    c2[ws < 0.5] = 500.0  # very high in calm air only
    r = conditional_probability(t, c2, ws, wd)
    assert r.calm_cpf == 1.0
    assert r.hours.sum() == int((ws >= 0.5).sum())


def test_cpf_missing_values_are_left_out_and_counted():
    t, c, ws, wd = _planted()
    c2, ws2, wd2 = c.copy(), ws.copy(), wd.copy()
    c2[::7], ws2[1::11], wd2[2::13] = np.nan, np.nan, np.nan
    r = conditional_probability(t, c2, ws2, wd2)
    keep = np.isfinite(c2) & np.isfinite(ws2) & np.isfinite(wd2)
    ref = conditional_probability(t[keep], c2[keep], ws2[keep], wd2[keep])
    assert r.missing_hours == int((~keep).sum())
    np.testing.assert_array_equal(r.high_hours, ref.high_hours)
    assert r.strongest() == SW


# --- explanation --------------------------------------------------------------------


def test_explain_planted_near_source_names_sector_speed_and_numbers():
    t, c, ws, wd = _planted()
    e = explain_air_source(t, c, ws, wd, station="X1")
    assert e.verdict == "nearby_source" and not e.weak
    assert e.evidence["sector"] == "SW"
    assert "south-west" in e.text_en and "A nearby source to the SW is likely" in e.text_en
    assert "ตะวันตกเฉียงใต้" in e.text_th and "แหล่งกำเนิดอยู่ใกล้" in e.text_th
    assert "station X1" in e.text_en and "สถานี X1" in e.text_th
    assert e.evidence["speed_class"] in ("0.5–1.5 m/s", "1.5–2.5 m/s")
    assert f"{e.evidence['sector_hours']}" in e.text_en


def test_explain_planted_far_source():
    t, c, ws, wd = _planted("far")
    e = explain_air_source(t, c, ws, wd)
    assert e.verdict == "distant_or_elevated_source"
    assert e.evidence["sector"] == "NE"
    assert "stack" in e.text_en and "ปล่องควัน" in e.text_th


def test_explain_no_source_says_evidence_is_weak():
    t, ws, wd = _weather(seed=7)
    c = np.random.default_rng(8).gamma(4.0, 5.0, size=len(t))
    e = explain_air_source(t, c, ws, wd)
    assert e.verdict == "no_clear_sector" and e.weak
    assert "No wind direction stands out" in e.text_en
    assert "ไม่มีทิศลมใดเด่นชัด" in e.text_th


def test_explain_too_few_hours():
    t, c, ws, wd = _planted()
    e = explain_air_source(t[:48], c[:48], ws[:48], wd[:48], station="X1")
    assert e.verdict == "too_few_hours" and e.weak
    assert "Too little data" in e.text_en and "ข้อมูลยังน้อยเกินไป" in e.text_th


def test_explain_short_record_is_flagged_weak():
    t, c, ws, wd = _planted()
    n = 24 * 20
    e = explain_air_source(t[:n], c[:n], ws[:n], wd[:n])
    assert e.weak and "only 20 days" in e.text_en


def test_explain_all_equal_concentration():
    t, _, ws, wd = _planted()
    e = explain_air_source(t, np.full(len(t), 12.0), ws, wd)
    assert e.verdict == "no_variation" and e.weak
    assert not e.cpf.clear.any()


def test_explain_calm_but_measured_wind_is_too_few_hours():
    t, _, _, wd = _planted()
    ws = np.random.default_rng(3).uniform(0.0, 0.49, size=len(t))  # varying, always calm
    c = np.random.default_rng(4).gamma(4.0, 5.0, size=len(t))
    e = explain_air_source(t, c, ws, wd)
    assert e.verdict == "too_few_hours" and e.cpf.windy_hours == 0


def test_explain_stagnation_without_sector_is_calm_local():
    t, ws, wd = _weather(seed=11)
    c = np.random.default_rng(12).gamma(4.0, 5.0, size=len(t))
    c[ws < 0.5] += 40.0
    e = explain_air_source(t, c, ws, wd)
    assert e.verdict == "calm_local"
    assert "calm air" in e.text_en and "ลมสงบ" in e.text_th


def test_explain_regional_neighbours_turn_sector_into_regional_haze():
    t, c, ws, wd = _planted()
    rng = np.random.default_rng(5)
    nb = {f"N{i}": pd.Series(c * rng.uniform(0.9, 1.1, len(c)), index=t) for i in range(3)}
    e = explain_air_source(t, c, ws, wd, station="X1", neighbours=nb)
    assert e.verdict == "regional_haze"
    assert e.agreement is not None and e.agreement.verdict == "regional"
    assert "regional haze" in e.text_en and "หมอกควันระดับภูมิภาค" in e.text_th


# --- refused and bad inputs ----------------------------------------------------------


def test_constant_zero_wind_refused_as_not_measured():
    t, c, _, _ = _planted()
    zeros = np.zeros(len(t))
    with pytest.raises(WindNotMeasuredError, match="does not measure wind") as err:
        explain_air_source(t, c, zeros, zeros, station="74t")
    assert err.value.station == "74t" and err.value.field == "ws_ms"
    assert isinstance(err.value, InvalidInput)


def test_constant_direction_refused_as_stuck_vane():
    t, c, ws, _ = _planted()
    with pytest.raises(WindNotMeasuredError, match="vane") as err:
        conditional_probability(t, c, ws, np.zeros(len(t)), station="o61")
    assert err.value.field == "wd_deg"


def test_negative_concentration_names_value_station_and_time():
    t, c, ws, wd = _planted()
    c = c.copy()
    c[5] = -3.0
    with pytest.raises(AttributionError, match=r"-3 .*station 19T at 2024-01-01T05:00\+07:00"):
        pollution_rose(t, c, ws, wd, station="19T")


def test_direction_out_of_range_refused():
    t, c, ws, wd = _planted()
    wd = wd.copy()
    wd[0] = 400.0
    with pytest.raises(AttributionError, match="wd_deg value 400"):
        conditional_probability(t, c, ws, wd)


def test_naive_times_refused_with_hint():
    t, c, ws, wd = _planted()
    with pytest.raises(AttributionError, match="tz_localize"):
        pollution_rose(t.tz_localize(None), c, ws, wd)


def test_length_mismatch_refused():
    t, c, ws, wd = _planted()
    with pytest.raises(AttributionError, match="one value per time"):
        pollution_rose(t, c[:-1], ws, wd)


def test_mixed_offset_datetimes_accepted():
    t, c, ws, wd = _planted()
    mixed = [
        x.to_pydatetime() if i % 2 else x.tz_convert("UTC").to_pydatetime() for i, x in enumerate(t)
    ]
    r = conditional_probability(mixed, c, ws, wd)
    assert r.strongest() == SW


# --- time profiles --------------------------------------------------------------------


def test_diurnal_profile_peak_in_bangkok_time_from_utc_input():
    t = pd.date_range("2024-01-01", periods=24 * 30, freq="h", tz="UTC")
    local_hour = t.tz_convert("Asia/Bangkok").hour.to_numpy()
    noise = np.random.default_rng(2).normal(0, 1, len(t))
    c = 20 + 10 * np.cos(2 * np.pi * (local_hour - 7) / 24) + noise
    p = diurnal_profile(t, c)
    assert p.peak() == 7 and p.trough() == 19 and p.peak_is_clear()
    assert (p.n == 30).all()
    assert (p.ci_low < p.mean).all() and (p.mean < p.ci_high).all()
    shifted = diurnal_profile(t + pd.Timedelta(hours=1), c, hour_ending=True)
    assert shifted.peak() == 7


def test_weekly_profile_uses_daily_means_and_skips_short_days():
    t = pd.date_range("2024-01-01", periods=24 * 56, freq="h", tz="Asia/Bangkok")  # 8 weeks
    c = np.where(t.day_of_week == 0, 40.0, 20.0) + np.random.default_rng(3).normal(0, 1, len(t))
    c[: 24 - 17] = np.nan  # the first Monday keeps 17 valid hours: too few for a day
    w = weekly_profile(t, c)
    assert w.peak() == 0 and w.names_th[0] == "จันทร์"
    assert w.n[0] == 7 and w.n[1] == 8
    assert w.ci_low[0] < w.mean[0] < w.ci_high[0]


def test_profile_refuses_bad_confidence():
    t, c, _, _ = _planted()
    with pytest.raises(AttributionError, match="confidence"):
        diurnal_profile(t, c, confidence=95.0)


# --- station agreement ---------------------------------------------------------------


def _common(seed: int = 0, n: int = 24 * 30):
    t = pd.date_range("2024-01-01", periods=n, freq="h", tz="Asia/Bangkok")
    rng = np.random.default_rng(seed)
    regional = 30 + 20 * np.sin(np.arange(n) / 40.0) + rng.normal(0, 2, n)
    return t, rng, regional


def test_station_agreement_regional_haze():
    t, rng, regional = _common()
    series = {s: pd.Series(regional + rng.normal(0, 3, len(t)), index=t) for s in "ABC"}
    a = station_agreement(series, "A")
    assert a.verdict == "regional" and a.median_r > 0.9 and a.shared_share > 0.6
    assert a.neighbours == ("B", "C") and a.overlap_hours["B"] == len(t)


def test_station_agreement_local_source():
    t, rng, regional = _common()
    series = {s: pd.Series(regional + rng.normal(0, 3, len(t)), index=t) for s in "BC"}
    spikes = np.where(rng.random(len(t)) < 0.25, 80.0, 0.0)
    series["A"] = pd.Series(20 + spikes + rng.normal(0, 3, len(t)), index=t)
    a = station_agreement(series, "A")
    assert a.verdict == "local" and a.median_r < 0.5


def test_station_agreement_unknown_when_too_little_overlap():
    t, rng, regional = _common(n=100)
    series = {s: pd.Series(regional + rng.normal(0, 3, len(t)), index=t) for s in "AB"}
    a = station_agreement(series, "A")
    assert a.verdict == "unknown" and np.isnan(a.correlation["B"])


def test_station_agreement_utc_and_bangkok_indexes_align():
    t, rng, regional = _common()
    a_s = pd.Series(regional, index=t)
    b_s = pd.Series(regional + rng.normal(0, 1, len(t)), index=t.tz_convert("UTC"))
    a = station_agreement({"A": a_s, "B": b_s}, "A", threshold=35.0)
    assert a.overlap_hours["B"] == len(t) and a.threshold == 35.0


def test_station_agreement_bad_inputs():
    t, _, regional = _common()
    s = pd.Series(regional, index=t)
    with pytest.raises(AttributionError, match="not among the series"):
        station_agreement({"A": s, "B": s}, "Z")
    with pytest.raises(AttributionError, match="no neighbour"):
        station_agreement({"A": s}, "A")
    dup = pd.Series([1.0, 2.0], index=[t[0], t[0]])
    with pytest.raises(AttributionError, match="two values"):
        station_agreement({"A": s, "B": dup}, "A")
    naive = pd.Series(regional, index=t.tz_localize(None))
    with pytest.raises(AttributionError, match="no time zone"):
        station_agreement({"A": s, "B": naive}, "A")


def test_explain_accepts_pandas_series_inputs():
    t, c, ws, wd = _planted()
    idx = pd.RangeIndex(len(t))
    e = explain_air_source(
        pd.Series(t, index=idx),
        pd.Series(c, index=idx),
        pd.Series(ws, index=idx),
        pd.Series(wd, index=idx),
    )
    assert e.verdict == "nearby_source"
    assert e.diurnal.kind == "diurnal" and e.weekly.kind == "weekly"
    assert isinstance(e.rose.calm_mean, float)


def test_times_that_are_not_datetimes_refused():
    _, c, ws, wd = _planted()
    with pytest.raises(AttributionError, match="not date-times"):
        pollution_rose(["x"] * len(c), c, ws, wd)


def test_public_surface_is_locked():
    from paknam.environment.attribution.air import explain as attribution_air

    assert sorted(attribution_air.__all__) == [
        "AirSourceExplanation",
        "AttributionError",
        "CALM_MS",
        "CPFResult",
        "LOW_SPEED_MS",
        "MIN_SUMMARY_HOURS",
        "NEAR_FAR_RATIO",
        "PercentileRose",
        "PollutionRose",
        "Profile",
        "SHORT_RECORD_DAYS",
        "SPEED_EDGES_MS",
        "Sector",
        "SpeedClass",
        "StationAgreement",
        "WindNotMeasuredError",
        "check_wind_measured",
        "conditional_probability",
        "diurnal_profile",
        "explain_air_source",
        "percentile_rose",
        "pollution_rose",
        "sector_index",
        "sectors",
        "speed_classes",
        "station_agreement",
        "weekly_profile",
    ]
    for name in attribution_air.__all__:
        assert hasattr(attribution_air, name), name
