"""Canal drop attribution on synthetic networks: confluence, a drop in one reach, reversed
flow (flood tide), closed gates, and bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paknam.core.errors import InvalidInput
from paknam.environment.attribution.water.explain import (
    AttributionError,
    CanalNetworkError,
    QualityRule,
    canal_network,
    explain_water_drop,
    locate_drops,
    thai_standard_rule,
    trace_drop,
)

DO = thai_standard_rule("do", 3)  # at least 4 mg/L
TIMES = pd.date_range("2024-01-01 09:00", periods=6, freq="6h", tz="Asia/Bangkok")


def _net():
    """A and B join at C (confluence), then C → D → E towards the sea; lengths in km."""
    return canal_network([("A", "C", 2.0), ("B", "C", 1.5), ("C", "D", 3.0), ("D", "E", 3.0)])


def _clean(value: float = 5.5) -> pd.DataFrame:
    return pd.DataFrame({s: [value] * len(TIMES) for s in "ABCDE"}, index=TIMES)


# --- network ----------------------------------------------------------------------------


def test_network_order_confluence_and_headwaters():
    net = _net()
    assert net.stations == ("A", "B", "C", "D", "E")
    assert net.upstream_of("C") == ("A", "B") and net.downstream_of("C") == ("D",)
    assert net.headwaters() == ("A", "B")
    assert net.length_km[("C", "D")] == 3.0


def test_network_feeders_follow_flow_state():
    net = _net()
    assert net.feeders(None)["C"] == ("A", "B")
    rev = net.feeders("upstream")
    assert rev["C"] == ("D",) and rev["A"] == ("C",) and rev["E"] == ()
    gate = net.feeders({("C", "D"): "none"})
    assert gate["D"] == () and gate["C"] == ("A", "B")


def test_network_refuses_loop_duplicate_self_and_unknown():
    with pytest.raises(CanalNetworkError, match="loop through A, B, C"):
        canal_network([("A", "B"), ("B", "C"), ("C", "A")])
    with pytest.raises(CanalNetworkError, match="given twice"):
        canal_network([("A", "B"), ("B", "A")])
    with pytest.raises(CanalNetworkError, match="itself"):
        canal_network([("A", "A")])
    with pytest.raises(CanalNetworkError, match="not in the canal network; stations: A, B"):
        canal_network([("A", "B")]).upstream_of("Z")
    assert issubclass(CanalNetworkError, InvalidInput)


# --- rules ----------------------------------------------------------------------------


def test_thai_standard_rules_from_the_table():
    assert (DO.limit, DO.kind) == (4.0, "min")
    bod = thai_standard_rule("BOD", 4)
    assert (bod.limit, bod.kind) == (4.0, "max")
    assert thai_standard_rule("NH3-N").limit == 0.5
    assert "class 3" in DO.text_en and "ประเภทที่ 3" in DO.text_th
    np.testing.assert_array_equal(DO.fails([3.9, 4.0, np.nan]), [True, False, False])


def test_thai_standard_rule_unknown_parameter_and_class():
    with pytest.raises(AttributionError, match="valid keys: do, bod, nh3n"):
        thai_standard_rule("cod")
    with pytest.raises(AttributionError, match="valid classes: 2, 3, 4"):
        thai_standard_rule("do", 5)
    with pytest.raises(AttributionError, match="'min' or 'max'"):
        QualityRule("do", 4.0, "below")


# --- locating the drop ----------------------------------------------------------------


def test_drop_below_confluence_located_in_its_reaches_and_traced_downstream():
    df = _clean()
    df.loc[TIMES[1] :, "C"] = 3.0
    df.loc[TIMES[2] :, "D"] = 3.2
    df.loc[TIMES[4] :, "E"] = 3.5
    origins = locate_drops(_net(), df, DO)
    assert [(o.station, o.kind) for o in origins] == [("C", "reach")]  # D, E carried from C
    o = origins[0]
    assert o.time == TIMES[1] and o.feeders == ("A", "B") and o.change == pytest.approx(-2.5)
    trace = trace_drop(_net(), df, DO, "C")
    by = {a.station: a for a in trace.arrivals}
    assert by["D"].status == "downstream" and by["D"].hours_after_origin == 6.0
    assert by["D"].speed_kmh == pytest.approx(0.5)  # 3 km in 6 h
    assert by["E"].hours_after_origin == 18.0 and by["E"].hours_from_via == 12.0
    assert by["A"].status == by["B"].status == "not_reached"


def test_drop_in_one_tributary_is_a_headwater_and_travels_through_the_confluence():
    df = _clean()
    df.loc[TIMES[1] :, "B"] = 2.5
    df.loc[TIMES[2] :, "C"] = 3.5
    e = explain_water_drop(_net(), df)
    assert e.verdict == "headwater" and e.first.station == "B"
    by = {a.station: a for a in e.trace.arrivals}
    assert by["C"].status == "downstream" and by["C"].hours_after_origin == 6.0
    assert by["A"].status == "not_reached"  # the other tributary stays clean
    assert "at or above B" in e.text_en and "เหนือสถานี B" in e.text_th


def test_drop_between_two_stations_reach_named_in_both_languages():
    df = _clean()
    df.loc[TIMES[3] :, "D"] = 2.8
    e = explain_water_drop(_net(), df)
    assert e.verdict == "reach"
    assert "The drop appears in the reach C → D" in e.text_en
    assert "ช่วงคลอง C → D" in e.text_th
    assert "2024-01-02 03:00" in e.text_en  # Thai local time
    assert "tidal and gated" in e.text_en and "ประตูน้ำ" in e.text_th  # no flow given


def test_upstream_not_sampled_is_uncertain():
    df = _clean()
    df["B"] = np.nan
    df.loc[TIMES[1] :, "C"] = 3.0
    (o,) = locate_drops(_net(), df, DO)
    assert o.kind == "uncertain" and np.isnan(o.feeder_values["B"])
    e = explain_water_drop(_net(), df)
    assert "B was not sampled" in e.text_en


def test_bod_rise_uses_max_rule():
    bod = thai_standard_rule("bod", 3)
    df = _clean(1.0)
    df.loc[TIMES[2] :, ["D", "E"]] = 6.0
    (o,) = locate_drops(_net(), df, bod)
    assert (o.station, o.kind, o.change) == ("D", "reach", 5.0)


# --- tidal and gated flow ---------------------------------------------------------------


def _tidal_case() -> pd.DataFrame:
    df = _clean()
    df.loc[TIMES[1] :, "D"] = 3.0  # drop appears between C and D …
    df.loc[TIMES[3] :, "C"] = 3.1  # … and later shows upstream at C
    return df


def test_reversed_flow_carries_drop_upstream():
    flow = {TIMES[0]: "downstream", TIMES[2]: "upstream", TIMES[4]: "downstream"}
    e = explain_water_drop(_net(), _tidal_case(), flow=flow)
    assert e.verdict == "reach" and e.first.station == "D"
    assert [o.station for o in e.origins] == ["D"]  # C is carried back, not a new origin
    by = {a.station: a for a in e.trace.arrivals}
    assert by["C"].status == "upstream_reversed_flow" and by["C"].hours_after_origin == 12.0
    assert by["E"].status == "not_reached"
    assert "reversed (flood-tide) flow: C (12 h later)" in e.text_en
    assert "น้ำไหลย้อนกลับ" in e.text_th
    assert "tidal and gated" not in e.text_en  # flow was given


def test_same_case_without_flow_flags_against_flow_and_second_origin():
    e = explain_water_drop(_net(), _tidal_case())
    by = {a.station: a for a in e.trace.arrivals}
    assert by["C"].status == "against_flow"
    assert [o.station for o in e.origins] == ["D", "C"]
    assert "no reversed flow recorded" in e.text_en


def test_reversed_flow_changes_who_feeds_whom_at_sampling_time():
    df = _clean()
    df.loc[TIMES[2] :, "C"] = 3.0
    flow = pd.Series(["upstream"], index=[TIMES[0]])  # flood tide for the whole period
    (o,) = locate_drops(_net(), df, DO, flow=flow)
    assert o.station == "C" and o.feeders == ("D",) and not o.flow_assumed


def test_closed_gate_makes_a_local_origin():
    df = _clean()
    df.loc[TIMES[1] :, "E"] = 3.0
    flow = {TIMES[0]: {("D", "E"): "none"}}
    e = explain_water_drop(_net(), df, flow=flow)
    assert e.verdict == "no_flow" and e.first.station == "E"
    assert "gate closed" in e.text_en and "ประตูน้ำปิด" in e.text_th


def test_station_failing_before_its_upstream_is_flagged():
    df = _clean()
    df.loc[TIMES[1] :, "C"] = 3.0
    df.loc[TIMES[4] :, "D"] = 3.0
    df.loc[TIMES[2] :, "E"] = 3.0  # E fails before D: not water from C
    trace = trace_drop(_net(), df, DO, "C")
    by = {a.station: a for a in trace.arrivals}
    assert by["E"].status == "earlier_than_via"
    assert trace.by_status("downstream") == ("D",)


def test_already_failing_station_has_no_timing():
    df = _clean()
    df.loc[:, "E"] = 3.0
    df.loc[TIMES[2] :, "C"] = 3.0
    trace = trace_drop(_net(), df, DO, "C")
    assert trace.by_status("already_failing") == ("E",)


# --- verdicts without a located drop -----------------------------------------------------


def test_no_drop_no_data_and_widespread():
    assert explain_water_drop(_net(), _clean()).verdict == "no_drop"
    empty = _clean() * np.nan
    assert explain_water_drop(_net(), empty).verdict == "no_data"
    bad = explain_water_drop(_net(), _clean(1.0))
    assert bad.verdict == "widespread" and "above A, B" in bad.text_en


def test_trace_refuses_origin_that_never_fails():
    with pytest.raises(AttributionError, match="never breaks the rule"):
        trace_drop(_net(), _clean(), DO, "C")


# --- bad inputs -----------------------------------------------------------------------


def test_samples_bad_inputs_named():
    df = _clean()
    with pytest.raises(AttributionError, match="Z not in the canal network"):
        locate_drops(_net(), df.assign(Z=1.0), DO)
    with pytest.raises(AttributionError, match="no time zone"):
        locate_drops(_net(), df.tz_localize(None), DO)
    neg = df.copy()
    neg.iloc[2, 3] = -1.0
    with pytest.raises(AttributionError, match="value -1 at station D"):
        locate_drops(_net(), neg, DO)
    with pytest.raises(AttributionError, match="flow state 'flood'"):
        locate_drops(_net(), df, DO, flow="flood")


def test_samples_as_mapping_of_series_with_mixed_time_zones():
    df = _clean()
    df.loc[TIMES[1] :, "C"] = 3.0
    series = {s: df[s] for s in "ABC"}
    series["C"] = series["C"].tz_convert("UTC")  # same instants, other zone
    (o,) = locate_drops(_net(), series, DO)
    assert o.station == "C" and o.kind == "reach"


def test_public_surface_is_locked():
    from paknam.environment.attribution.water import explain as attribution_water

    assert sorted(attribution_water.__all__) == [
        "Arrival",
        "AttributionError",
        "CanalNetwork",
        "CanalNetworkError",
        "DropOrigin",
        "DropTrace",
        "FLOW_DOWNSTREAM",
        "FLOW_NONE",
        "FLOW_STATES",
        "FLOW_UPSTREAM",
        "QualityRule",
        "THAI_SURFACE_WATER_LIMITS",
        "WATER_PARAMETERS",
        "WaterDropExplanation",
        "canal_network",
        "explain_water_drop",
        "locate_drops",
        "thai_standard_rule",
        "trace_drop",
    ]
    for name in attribution_water.__all__:
        assert hasattr(attribution_water, name), name
