"""The forecast targets on the real records in ``../shared/data/tides`` (opt-in: skipped
when that folder is absent). Figures measured with this code (``docs/tides.md``):

- Honolulu 2010 (UHSLC 057), train 2010-01-01..06-30 (model chosen on 05-16..06-30), test
  2010-07-01..12-31, 4,415 hourly issues. RMSE at 24/48/72 h: model 2.07/3.29/4.05 cm,
  harmonic-only (UTide) 13.29/13.31/13.32 cm, persistence 2.29/3.31/4.16 cm. Central
  frequency (±15 cm) at 72 h: 100 % (target ≥ 90 %: met).
- Vlissingen 1976-1994 (Rijkswaterstaat DIA), train until 1990-01-01 (model chosen on
  1986-07-02..1989-12-31), test 1990-01-01..1994-12-31, 43,822 hourly issues. RMSE at
  24/48/72 h: model 25.24/26.42/27.48 cm, harmonic-only (UTide) 28.37 cm, persistence
  33.12/35.58/38.51 cm: 11.0 % below the better baseline at 24 h (target ≥ 5 %: met), and
  below it at 48 h (-6.9 %) and 72 h (-3.2 %) (target: no worse: met).

Warnings from calibrated probabilities (issue 16; held-out test periods as above), with
the thresholds chosen as half the best F1 score on out-of-fold forecasts of the whole
training window (Honolulu 0.462/0.457/0.429 at 24/48/72 h; Vlissingen 0.285/0.273/0.265):

- Honolulu 72 h: POD 0.896, FAR 0.059, CSI 0.848 (persistence 0.811: met); interval
  coverage 80 %/95 %: 78.2/94.1, 77.7/93.3, 77.2/92.9 % at 24/48/72 h (bands 75–85 /
  90–97: met).
- Vlissingen 72 h: CSI 0.416 against persistence 0.359 and harmonic 0.331 (met); coverage
  78.0/93.1, 77.5/92.7, 77.1/92.4 %.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from paknam.living.backtest_cli import backtest_command
from paknam.living.forecast.backtest import BacktestResult, backtest
from paknam.living.readers.water_levels import read_water_levels

pytest.importorskip("utide")

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
TIDES = SHARED / "tides"
HONOLULU_LATITUDE = 21.307

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not TIDES.is_dir(), reason=f"shared tide data not found at {TIDES} (opt-in test)"
    ),
]


@pytest.fixture(scope="module")
def honolulu() -> BacktestResult:
    record = read_water_levels(TIDES / "honolulu_hourly_2010.csv", flag=False)
    return backtest(
        record.times, record.levels_m, latitude=HONOLULU_LATITUDE, train_until="2010-07-01"
    )


def rmse(scores: dict, lead: int) -> float:
    return float(scores[lead]["rmse_m"])


def test_backtest_shared_honolulu_target(honolulu: BacktestResult) -> None:
    assert honolulu.test_start.astype(str) == "2010-07-01T00:00:00"
    assert honolulu.engine.info["train_end"] == "2010-06-30T23:00:00Z"
    assert honolulu.leads[72]["central_frequency"] >= 0.90  # measured 1.000
    persistence = honolulu.baselines["persistence"]
    harmonic = honolulu.baselines["harmonic"]
    # with the daily persistence blended in (chosen on the validation part)
    for lead, reached in ((24, 0.0216), (48, 0.0322), (72, 0.0403)):
        assert rmse(honolulu.leads, lead) == pytest.approx(reached, abs=0.001)
        assert rmse(honolulu.leads, lead) <= rmse(persistence, lead) + 0.0001
        assert rmse(harmonic, lead) == pytest.approx(0.133, abs=0.001)  # REFERENCE.md: 13.3


def in_bands(coverage: dict) -> None:
    for lead in (24, 48, 72):
        c = coverage[lead] if lead in coverage else coverage[str(lead)]
        assert 0.75 <= c["80"] <= 0.85 and 0.90 <= c["95"] <= 0.97, (lead, c)


def test_backtest_shared_honolulu_warnings_and_coverage(honolulu: BacktestResult) -> None:
    at72 = honolulu.leads[72]
    assert at72["pod"] >= 0.80 and at72["far"] <= 0.20  # measured 0.896 / 0.059
    persistence = honolulu.baselines["persistence"]
    harmonic = honolulu.baselines["harmonic"]
    assert at72["csi"] >= max(persistence[72]["csi"], harmonic[72]["csi"])  # 0.848 vs 0.811
    assert at72["csi"] == pytest.approx(0.848, abs=0.005)
    chosen = honolulu.engine.info["warning"]
    assert chosen["chosen_on"].startswith("out-of-fold")  # not the test period
    assert [chosen["by_lead"][k]["threshold"] for k in ("24", "48", "72")] == pytest.approx(
        [0.462, 0.457, 0.429], abs=0.001
    )
    assert at72["brier_skill"] > honolulu.baselines["persistence"][72]["brier_skill"]
    in_bands(honolulu.coverage)


def test_backtest_shared_vlissingen_target_from_the_dia_file() -> None:
    out, err = io.StringIO(), io.StringIO()
    path = TIDES / "original" / "VLISSGN_obs19.txt"  # latitude from the file's RD position
    assert backtest_command(str(path), "1990-01-01", True, out=out, err=err) == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    assert doc["test_period"] == {"start": "1990-01-01T00:00:00Z", "end": "1994-12-31T22:00:00Z"}
    assert doc["train_period"]["end"] == "1989-12-31T23:00:00Z"
    model = {int(k): v for k, v in doc["leads"].items()}
    harmonic = {int(k): v for k, v in doc["baselines"]["harmonic"]["leads"].items()}
    persistence = {int(k): v for k, v in doc["baselines"]["persistence"]["leads"].items()}
    best = {lead: min(rmse(harmonic, lead), rmse(persistence, lead)) for lead in (24, 48, 72)}
    assert rmse(harmonic, 24) == pytest.approx(0.284, abs=0.002)  # REFERENCE.md: 28.4 cm
    assert rmse(model, 24) <= 0.95 * best[24]  # measured 0.890
    assert rmse(model, 48) <= best[48]  # measured 0.931
    assert rmse(model, 72) <= best[72]  # measured 0.968
    for lead, reached in ((24, 0.2524), (48, 0.2642), (72, 0.2748)):
        assert rmse(model, lead) == pytest.approx(reached, abs=0.002)
    assert doc["noise"]["timing_jitter_min"] > 3  # paper charts: see docs/tides.md
    csi = {
        name: scores[72]["csi"]
        for name, scores in (("harmonic", harmonic), ("persistence", persistence))
    }
    assert model[72]["csi"] >= max(csi.values())  # measured 0.416 (0.331, 0.359)
    assert doc["warning_thresholds"]["chosen_on"].startswith("out-of-fold")
    in_bands(doc["interval_coverage"])
