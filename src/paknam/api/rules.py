"""Officers run a domain's rule now: ``POST`` at the path the rule registers.

Each run goes through the one pipeline (:mod:`paknam.pipeline`): the rule raises, updates
or clears warnings, then CAP alerts are issued and queued by the same policy as every other
entry point. The answer lists the warning ids and the alerts.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.registry import Rule, domains
from paknam.pipeline.flow import run_rules

router = APIRouter(tags=["rules"], responses=ERROR_RESPONSES)


def _endpoint(rule: Rule) -> Callable[..., object]:
    def run(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
        result = run_rules(store, [rule])
        r = result.rules[rule.name]
        body = {
            "rule": rule.name,
            "raised": list(r.raised),
            "updated": list(r.updated),
            "cleared": list(r.cleared),
            **r.data,
            "alerts": result.alerts.as_dict(),
        }
        return FastJSONResponse(body)

    run.__name__ = "run_" + rule.name.replace(".", "_")
    run.__doc__ = (
        f"{rule.summary or rule.name}. Then CAP alerts are issued and queued by the one "
        "policy of the alert pipeline (severe/extreme Actual alerts go out by themselves)."
    )
    return run


for _domain in domains():
    for _rule in _domain.rules:
        if _rule.http_path:
            router.add_api_route(
                _rule.http_path,
                _endpoint(_rule),
                methods=["POST"],
                summary=_rule.summary or _rule.name,
                tags=[_domain.name],
            )

__all__ = ["router"]
