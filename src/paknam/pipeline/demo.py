"""The demo, orchestrated once for the ``paknam demo`` command, the tests and benchmarks.

Every registered domain loads its part (in :attr:`~paknam.core.registry.DemoStep.order`:
stations before the rules that read them), then every rule runs and the alert pipeline
issues the alerts, exactly as in production. Idempotent: a second run adds only what is
new.
"""

from __future__ import annotations

from collections.abc import Callable

from paknam.core.registry import DemoPlan, domains
from paknam.core.store import Store
from paknam.pipeline.flow import PipelineRun, run_rules


def run_demo(
    store: Store, say: Callable[[str], None] = lambda _: None, plan: DemoPlan | None = None
) -> PipelineRun:
    """Load every domain's demo data into ``store``, then run the rules and the alerts.

    ``say`` receives one line per thing done (the command prints them). ``plan``: where
    the recorded samples go in time (default: their recorded times; the live demo,
    :mod:`paknam.pipeline.live_demo`, replays them up to now).
    """
    plan = plan or DemoPlan()
    steps = sorted(
        ((d.demo, d.name) for d in domains() if d.demo is not None),
        key=lambda step: (step[0].order, step[1]),
    )
    for step, _name in steps:
        for line in step.load(store, plan):
            say(line)
    run = run_rules(store)
    raised = sum(len(r.raised) for r in run.rules.values())
    updated = sum(len(r.updated) for r in run.rules.values())
    say(f"rules run: {', '.join(run.rules)}; warnings: {raised} raised, {updated} updated")
    say(run.alerts.summary())
    return run
