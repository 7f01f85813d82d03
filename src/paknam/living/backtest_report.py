"""``paknam tides backtest … --report DIR``: an HTML page with the backtest's figures.

:func:`figure_data` is pure: the numbers each figure draws, taken from the
:class:`~paknam.living.forecast.backtest.BacktestResult` (the performance diagram's points
and the marked RMSEs *are* the JSON's values). :func:`write_report` draws them with
matplotlib (SVG, no screen needed) and writes ``index.html`` (Thai and English, every
figure with a data table as its text alternative), the figures, ``backtest.json`` (the
``--json`` object) and ``figures.json`` (the numbers drawn).

Figures:

- observed against forecast around the largest high waters of the test period (lead 24
  and 72 h, the 80 % interval, persistence at 72 h, the level);
- RMSE by lead 1 … 72 h for paknam and both baselines;
- reliability diagram of P(day's high ≥ level) at each scored lead;
- performance diagram (probability of detection against success ratio = 1 − FAR, with
  CSI contours) for paknam's warning rule and both baselines.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from paknam.living.forecast import io
from paknam.living.forecast.backtest import BacktestResult

__all__ = ["figure_data", "write_report"]

METHODS = ("model", "harmonic", "persistence")
LABELS = {"model": "paknam", "harmonic": "harmonic (UTide)", "persistence": "persistence"}
COLOURS = {"model": "#1f5fa8", "harmonic": "#8a8a8a", "persistence": "#c0392b"}
RELIABILITY_BINS = np.linspace(0.0, 1.0, 11)
EVENTS_SHOWN = 3
EVENT_WINDOW_H = 36


def _lead_scores(result: BacktestResult, method: str) -> dict[int, dict[str, Any]]:
    return result.leads if method == "model" else result.baselines.get(method, {})


def _performance(result: BacktestResult) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for method in METHODS:
        for lead, s in _lead_scores(result, method).items():
            far = s.get("far")
            out.setdefault(method, {})[str(lead)] = {
                "pod": s.get("pod"),
                "far": far,
                "success_ratio": None if far is None else round(1.0 - far, 4),
                "csi": s.get("csi"),
            }
    return out


def _reliability(result: BacktestResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lead, days in result.detail.get("days", {}).items():
        p, event = np.asarray(days["p_day"], float), np.asarray(days["event"], bool)
        which = np.clip(np.digitize(p, RELIABILITY_BINS[1:-1]), 0, RELIABILITY_BINS.size - 2)
        bins = []
        for b in range(RELIABILITY_BINS.size - 1):
            inside = which == b
            n = int(inside.sum())
            bins.append(
                {
                    "lo": round(float(RELIABILITY_BINS[b]), 2),
                    "hi": round(float(RELIABILITY_BINS[b + 1]), 2),
                    "n": n,
                    "forecast": round(float(p[inside].mean()), 4) if n else None,
                    "observed": round(float(event[inside].mean()), 4) if n else None,
                }
            )
        out[str(lead)] = {"bins": bins, "brier_skill": result.leads[lead].get("brier_skill")}
    return out


def _events(result: BacktestResult) -> list[dict[str, Any]]:
    """The days with the highest observed water of the test period (at most
    :data:`EVENTS_SHOWN`, at least two days apart)."""
    series = result.detail.get("series", {})
    if not series:
        return []
    first = series[min(series)]
    times, observed = first["times"], first["observed"]
    ok = np.isfinite(observed)
    order = np.argsort(-np.where(ok, observed, -np.inf))
    chosen: list[int] = []
    for i in order[: 10 * EVENTS_SHOWN + 50]:
        if not ok[i]:
            break
        if all(abs(int((times[i] - times[j]) / np.timedelta64(1, "h"))) > 48 for j in chosen):
            chosen.append(int(i))
        if len(chosen) == EVENTS_SHOWN:
            break
    return [
        {"time": io.time_to(times[i]), "observed_m": round(float(observed[i]), 4)} for i in chosen
    ]


def figure_data(result: BacktestResult) -> dict[str, Any]:
    """Every number the report draws (JSON-able)."""
    marks = {
        method: {str(lead): s.get("rmse_m") for lead, s in _lead_scores(result, method).items()}
        for method in METHODS
    }
    return {
        "level_m": round(result.level_m, 4),
        "performance": _performance(result),
        "rmse_by_lead": result.detail.get("rmse_by_lead", {}),
        "rmse_marks": marks,
        "reliability": _reliability(result),
        "events": _events(result),
    }


# ---------------------------------------------------------------------------- drawing


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - matplotlib is a dependency
        raise RuntimeError("the report needs matplotlib (pip install matplotlib)") from exc
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "paknam", "font.size": 9})
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> None:
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    fig.clf()


def _draw_events(plt: Any, result: BacktestResult, data: dict[str, Any], path: Path) -> None:
    series = result.detail["series"]
    events = data["events"]
    leads = sorted(series)
    fig, axes = plt.subplots(len(events) or 1, 1, figsize=(8, 2.6 * max(1, len(events))))
    axes = np.atleast_1d(axes)
    for ax, event in zip(axes, events, strict=False):
        centre = np.datetime64(event["time"].replace("Z", ""))
        for lead in leads:
            s = series[lead]
            near = np.abs((s["times"] - centre) / np.timedelta64(1, "h")) <= EVENT_WINDOW_H
            t = s["times"][near].astype("datetime64[m]").astype(object)
            if lead == leads[0]:
                ax.plot(t, s["observed"][near], color="black", lw=1.6, label="observed")
            if lead == leads[-1]:
                ax.fill_between(
                    t,
                    s["lo80"][near],
                    s["hi80"][near],
                    color=COLOURS["model"],
                    alpha=0.15,
                    label=f"paknam {lead} h, 80 % interval",
                )
                if "persistence" in s:
                    ax.plot(
                        t,
                        s["persistence"][near],
                        color=COLOURS["persistence"],
                        lw=1,
                        ls="--",
                        label=f"persistence {lead} h",
                    )
            style = "-" if lead == leads[-1] else ":"
            ax.plot(
                t,
                s["forecast"][near],
                color=COLOURS["model"],
                lw=1.2,
                ls=style,
                label=f"paknam {lead} h",
            )
        ax.axhline(result.level_m, color="#e67e22", lw=1, label=f"level {result.level_m:.2f} m")
        ax.set_ylabel("m")
        ax.tick_params(labelbottom=True, labelsize=7)
        ax.set_title(f"high water {event['time']} ({event['observed_m']:.2f} m)", fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, ncol=3, loc="lower left")
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def _draw_rmse(plt: Any, data: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for method, values in data["rmse_by_lead"].items():
        leads = np.arange(1, len(values) + 1)
        y = np.array([np.nan if v is None else 100 * v for v in values])
        ax.plot(leads, y, color=COLOURS[method], label=LABELS[method])
        for lead, v in data["rmse_marks"].get(method, {}).items():
            if v is not None:
                ax.plot(int(lead), 100 * v, "o", color=COLOURS[method], ms=4)
    ax.set_xlabel("lead (h)")
    ax.set_ylabel("RMSE (cm)")
    ax.set_xlim(0, len(next(iter(data["rmse_by_lead"].values()), [])) + 1)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _save(fig, path)
    plt.close(fig)


def _draw_reliability(plt: Any, data: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.4, 4.2))
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="perfect")
    shades = ["#8fb3dd", "#4f86c6", "#1f5fa8", "#0b3566"]
    for i, (lead, rel) in enumerate(data["reliability"].items()):
        pts = [(b["forecast"], b["observed"]) for b in rel["bins"] if b["n"]]
        if not pts:
            continue
        x, y = zip(*pts, strict=True)
        skill = rel["brier_skill"]
        label = f"{lead} h" + ("" if skill is None else f" (Brier skill {skill:.3f})")
        ax.plot(x, y, "o-", color=shades[i % len(shades)], ms=4, label=label)
    ax.set_xlabel("forecast P(day's high ≥ level)")
    ax.set_ylabel("observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    _save(fig, path)
    plt.close(fig)


def _draw_performance(plt: Any, data: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.6, 4.4))
    sr, pod = np.meshgrid(np.linspace(0.01, 1, 200), np.linspace(0.01, 1, 200))
    csi = 1.0 / (1.0 / sr + 1.0 / pod - 1.0)
    contours = ax.contour(
        sr, pod, csi, levels=np.arange(0.1, 1.0, 0.1), colors="#bbbbbb", linewidths=0.7
    )
    ax.clabel(contours, fmt="%.1f", fontsize=6)
    markers = {"24": "o", "48": "s", "72": "^"}
    drawn = [
        v
        for by_lead in data["performance"].values()
        for p in by_lead.values()
        for v in (p["pod"], p["success_ratio"])
        if v is not None
    ]
    low = 0.5 if drawn and min(drawn) >= 0.55 else 0.0  # zoom in when all points are good
    for method, by_lead in data["performance"].items():
        for lead, p in by_lead.items():
            if p["pod"] is None or p["success_ratio"] is None:
                continue
            ax.plot(
                p["success_ratio"],
                p["pod"],
                markers.get(lead, "D"),
                color=COLOURS[method],
                ms=6,
                label=f"{LABELS[method]} {lead} h",
            )
    ax.set_xlabel("success ratio (1 − FAR)")
    ax.set_ylabel("probability of detection (POD)")
    ax.set_xlim(low, 1)
    ax.set_ylim(low, 1)
    ax.set_aspect("equal")
    ax.legend(fontsize=6, loc="lower left", ncol=1)
    _save(fig, path)
    plt.close(fig)


# ---------------------------------------------------------------------------- page


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return escape(str(value))


def _scores_table(doc: dict[str, Any]) -> str:
    head = (
        "<tr><th scope=col>ล่วงหน้า / lead</th><th scope=col>วิธี / method</th>"
        "<th scope=col>RMSE m</th><th scope=col>MAE m</th><th scope=col>±15 cm</th>"
        "<th scope=col>POD</th><th scope=col>FAR</th><th scope=col>CSI</th>"
        "<th scope=col>Brier skill</th><th scope=col>threshold P</th></tr>"
    )
    rows = []
    for lead in doc["leads"]:
        for method in METHODS:
            s = (
                doc["leads"][lead]
                if method == "model"
                else (doc["baselines"].get(method, {}).get("leads", {}).get(lead))
            )
            if s is None:
                continue
            rows.append(
                f"<tr data-method={method} data-lead={lead}><td>{lead} h</td>"
                f"<td>{escape(LABELS[method])}</td><td>{_fmt(s['rmse_m'], 4)}</td>"
                f"<td>{_fmt(s['mae_m'], 4)}</td><td>{_fmt(s['central_frequency'])}</td>"
                f"<td class=pod>{_fmt(s['pod'])}</td><td class=far>{_fmt(s['far'])}</td>"
                f"<td class=csi>{_fmt(s['csi'])}</td><td>{_fmt(s.get('brier_skill'))}</td>"
                f"<td>{_fmt(s.get('threshold_probability'), 2)}</td></tr>"
            )
    caption = "คะแนนตามระยะล่วงหน้า / scores by lead (the JSON's values)"
    return f"<table id=scores><caption>{caption}</caption>{head}{''.join(rows)}</table>"


def _performance_table(data: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr data-method={m} data-lead={lead}><td>{escape(LABELS[m])}</td><td>{lead} h</td>"
        f"<td class=pod>{_fmt(p['pod'])}</td><td class=sr>{_fmt(p['success_ratio'])}</td>"
        f"<td class=csi>{_fmt(p['csi'])}</td></tr>"
        for m, by_lead in data["performance"].items()
        for lead, p in by_lead.items()
    )
    return (
        "<table id=performance-data><caption>จุดในแผนภาพ / points drawn</caption>"
        "<tr><th scope=col>method</th><th scope=col>lead</th><th scope=col>POD</th>"
        f"<th scope=col>success ratio</th><th scope=col>CSI</th></tr>{rows}</table>"
    )


def _reliability_table(data: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{lead} h</td><td>{b['lo']:.1f}–{b['hi']:.1f}</td><td>{b['n']}</td>"
        f"<td>{_fmt(b['forecast'])}</td><td>{_fmt(b['observed'])}</td></tr>"
        for lead, rel in data["reliability"].items()
        for b in rel["bins"]
        if b["n"]
    )
    return (
        "<table id=reliability-data><caption>ความน่าเชื่อถือ / reliability by bin (days)</caption>"
        "<tr><th scope=col>lead</th><th scope=col>P bin</th><th scope=col>days</th>"
        f"<th scope=col>mean P</th><th scope=col>observed frequency</th></tr>{rows}</table>"
    )


def _rmse_table(data: dict[str, Any]) -> str:
    methods = list(data["rmse_by_lead"])
    n = len(data["rmse_by_lead"][methods[0]]) if methods else 0
    head = "".join(f"<th scope=col>{escape(LABELS[m])}</th>" for m in methods)
    rows = "".join(
        f"<tr><td>{lead}</td>"
        + "".join(f"<td>{_fmt(data['rmse_by_lead'][m][lead - 1], 4)}</td>" for m in methods)
        + "</tr>"
        for lead in range(1, n + 1)
    )
    return (
        "<table id=rmse-data><caption>RMSE (m) ตามระยะล่วงหน้า / by lead (h)</caption>"
        f"<tr><th scope=col>lead h</th>{head}</tr>{rows}</table>"
    )


_CSS = """body{font-family:"Noto Sans Thai","Loma",sans-serif;max-width:60rem;margin:1rem auto;
padding:0 1rem;color:#1b1b1b}table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
td,th{border:1px solid #ccc;padding:.2rem .45rem;text-align:right}caption{text-align:left;
font-weight:bold}figure{margin:1.5rem 0}img{max-width:100%;height:auto}details{margin:.4rem 0}
.note{color:#444;font-size:.9rem}"""


def _page(doc: dict[str, Any], data: dict[str, Any]) -> str:
    station = escape(str(doc.get("station") or doc.get("file") or "-"))
    test = doc.get("test_period", {})
    train = doc.get("train_period", {})
    figures = [
        (
            "events.svg",
            "น้ำขึ้นสูงสุดของช่วงทดสอบ: ค่าจริงกับค่าพยากรณ์",
            "The largest high waters of the test period: observed and forecast",
            "",
        ),
        (
            "error_by_lead.svg",
            "ความคลาดเคลื่อน (RMSE) ตามระยะล่วงหน้า",
            "Error (RMSE) by lead",
            _rmse_table(data),
        ),
        (
            "reliability.svg",
            "แผนภาพความน่าเชื่อถือของความน่าจะเป็น",
            "Reliability diagram of P(day's high ≥ level)",
            _reliability_table(data),
        ),
        (
            "performance.svg",
            "แผนภาพสมรรถนะการเตือน (POD กับ success ratio)",
            "Performance diagram of the warnings (POD against success ratio)",
            _performance_table(data),
        ),
    ]
    blocks = "".join(
        f'<figure id="{name.split(".")[0]}"><img src="{name}" alt="{escape(en)}">'
        f"<figcaption>{escape(th)} / {escape(en)}</figcaption>"
        + (f"<details><summary>ตัวเลข / data</summary>{table}</details>" if table else "")
        + "</figure>"
        for name, th, en, table in figures
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in doc.get("notes", []))
    return f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ทดสอบย้อนหลัง / backtest — {station}</title><style>{_CSS}</style></head>
<body><main>
<h1>ทดสอบย้อนหลังพยากรณ์ระดับน้ำ / Water-level forecast backtest</h1>
<p>สถานี / station: <strong>{station}</strong> · ระดับเฝ้าระวัง / level
<strong>{_fmt(doc.get("level_m"))} m</strong> · แบบจำลอง / model {escape(str(doc.get("model")))}</p>
<p class=note>ช่วงฝึก / trained {escape(str(train.get("start")))} … {escape(str(train.get("end")))}
(เลือกแบบจำลองบนช่วง / choices on {escape(str(train.get("validation_start")))} …);
ช่วงทดสอบที่ไม่ได้ใช้ฝึก / held-out test {escape(str(test.get("start")))} …
{escape(str(test.get("end")))}, {int(doc.get("issues") or 0):,} hourly forecasts.
POD/FAR/CSI count days whose highest hour reaches the level; paknam's are those of its
warning rule (P(day's high ≥ level) ≥ the threshold chosen on out-of-fold forecasts of the
training window).</p>
{_scores_table(doc)}
{blocks}
<h2>หมายเหตุ / notes</h2><ul>{notes}</ul>
<p class=note><a href="backtest.json">backtest.json</a> ·
<a href="figures.json">figures.json</a></p>
</main></body></html>
"""


def write_report(result: BacktestResult, doc: dict[str, Any], directory: str | Path) -> Path:
    """Write the report for ``result`` (``doc`` = its ``--json`` object) into
    ``directory`` (created); return the path of ``index.html``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data = figure_data(result)
    plt = _pyplot()
    _draw_events(plt, result, data, out / "events.svg")
    _draw_rmse(plt, data, out / "error_by_lead.svg")
    _draw_reliability(plt, data, out / "reliability.svg")
    _draw_performance(plt, data, out / "performance.svg")
    (out / "backtest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    (out / "figures.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    page = out / "index.html"
    page.write_text(_page(doc, data), "utf-8")
    return page
