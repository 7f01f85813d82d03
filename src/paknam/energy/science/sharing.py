"""Community energy sharing: allocate each interval's surplus to members' deficits.

Pure: no I/O. The rule (documented in docs/energy.md), per interval t, for members i:

- surplus  s_i = max(G_i − L_i, 0),  deficit  d_i = max(L_i − G_i, 0)
- S = Σ s_i,  D = Σ d_i,  loss fraction λ of what travels through the community network
- sent in total  X = min(S, D / (1 − λ));  delivered  (1 − λ) X  (never more than D)
- member i sends  X · s_i / S  (pro rata to its surplus) and receives
  (1 − λ) X · d_i / D  (pro rata to its deficit); the rest goes to / comes from the grid.

With λ = 0 the shared energy is min(S, D). Money (per month, :func:`statement`): a
receiver pays the community price for what it receives; a sender is paid the same price
for its share of what was delivered (so the network losses are borne by the senders and
the community's money balances to zero); grid import is paid at the retail tariff, grid
export at the buy-back tariff (2.20 THB/kWh for Thai household solar, 2022 scheme).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from paknam.core.errors import InvalidInput

BUYBACK_THB_KWH = 2.20
"""Thai buy-back of household rooftop surplus, THB/kWh (ERC scheme of 2022)."""
RETAIL_THB_KWH = 4.18
"""Example retail price THB/kWh (energy + Ft, residential, around 2024); set your own."""


@dataclass(frozen=True, slots=True)
class Tariffs:
    """Prices [THB/kWh]; ``community`` defaults to the mid-point of retail and buy-back."""

    retail: float = RETAIL_THB_KWH
    buyback: float = BUYBACK_THB_KWH
    community: float | None = None
    loss_fraction: float = 0.0

    def __post_init__(self) -> None:
        for name in ("retail", "buyback"):
            v = getattr(self, name)
            if not 0 <= v <= 100:
                raise InvalidInput(f"{name} tariff {v} THB/kWh must be 0 to 100", field=name)
        if self.community is not None and not 0 <= self.community <= 100:
            raise InvalidInput("community price must be 0 to 100 THB/kWh", field="community")
        if not 0 <= self.loss_fraction < 0.5:
            raise InvalidInput("loss_fraction must be 0 to below 0.5", field="loss_fraction")

    @property
    def community_price(self) -> float:
        return self.community if self.community is not None else (self.retail + self.buyback) / 2

    def as_dict(self) -> dict[str, float]:
        return {
            "retail_thb_kwh": self.retail,
            "buyback_thb_kwh": self.buyback,
            "community_thb_kwh": self.community_price,
            "loss_fraction": self.loss_fraction,
        }


def allocate(
    gen_kwh: np.ndarray, load_kwh: np.ndarray, loss_fraction: float = 0.0
) -> dict[str, np.ndarray]:
    """Per-interval flows of every member (arrays of shape T × N, ``loss`` of shape T).

    Returns ``self_consumed``, ``sent``, ``received``, ``grid_export``, ``grid_import``
    [kWh] and ``loss`` [kWh] per interval.
    """
    g = np.asarray(gen_kwh, dtype=float)
    load = np.asarray(load_kwh, dtype=float)
    if g.shape != load.shape or g.ndim != 2:
        raise InvalidInput(f"generation {g.shape} and load {load.shape} must be T × N alike")
    if np.isnan(g).any() or np.isnan(load).any():
        raise InvalidInput("sharing needs every member's generation and load in every interval")
    if not 0 <= loss_fraction < 0.5:
        raise InvalidInput("loss_fraction must be 0 to below 0.5", field="loss_fraction")
    used = np.minimum(g, load)
    s = g - used
    d = load - used
    big_s, big_d = s.sum(axis=1), d.sum(axis=1)
    sent_total = np.minimum(big_s, big_d / (1 - loss_fraction))
    delivered = sent_total * (1 - loss_fraction)
    with np.errstate(invalid="ignore", divide="ignore"):
        sent = np.where(big_s[:, None] > 0, s * (sent_total / big_s)[:, None], 0.0)
        received = np.where(big_d[:, None] > 0, d * (delivered / big_d)[:, None], 0.0)
    return {
        "self_consumed": used,
        "sent": sent,
        "received": received,
        "grid_export": s - sent,
        "grid_import": d - received,
        "loss": sent_total - delivered,
    }


def pooled_ratios(
    gen_kwh: np.ndarray, load_kwh: np.ndarray, loss_fraction: float = 0.0
) -> dict[str, float]:
    """Self-consumption and self-sufficiency of the members alone and of the community."""
    g = np.asarray(gen_kwh, dtype=float)
    load = np.asarray(load_kwh, dtype=float)
    flows = allocate(g, load, loss_fraction)
    alone = flows["self_consumed"].sum()
    pooled_used_g = alone + flows["sent"].sum()  # generation consumed inside the community
    pooled_met_l = alone + flows["received"].sum()  # load met inside the community
    return {
        "self_consumption_alone": float(alone / g.sum()),
        "self_sufficiency_alone": float(alone / load.sum()),
        "self_consumption_pooled": float(pooled_used_g / g.sum()),
        "self_sufficiency_pooled": float(pooled_met_l / load.sum()),
        "generation_kwh": float(g.sum()),
        "consumption_kwh": float(load.sum()),
        "shared_kwh": float(flows["received"].sum()),
        "loss_kwh": float(flows["loss"].sum()),
    }


def statement(
    gen_kwh: np.ndarray,
    load_kwh: np.ndarray,
    members: list[str],
    tariffs: Tariffs,
) -> list[dict[str, Any]]:
    """One month's statement per member: kWh flows and THB (+ pays, − is paid)."""
    flows = allocate(gen_kwh, load_kwh, tariffs.loss_fraction)
    g = np.asarray(gen_kwh, dtype=float)
    load = np.asarray(load_kwh, dtype=float)
    price = tariffs.community_price
    rows = []
    for i, member in enumerate(members):
        sent = float(flows["sent"][:, i].sum())
        received = float(flows["received"][:, i].sum())
        imp = float(flows["grid_import"][:, i].sum())
        exp = float(flows["grid_export"][:, i].sum())
        used = float(flows["self_consumed"][:, i].sum())
        delivered_share = sent * (1 - tariffs.loss_fraction)
        alone_import = float(load[:, i].sum()) - used
        alone_export = float(g[:, i].sum()) - used
        thb = {
            "grid_import": imp * tariffs.retail,
            "grid_export": -exp * tariffs.buyback,
            "community_in": received * price,
            "community_out": -delivered_share * price,
        }
        net = sum(thb.values())
        alone = alone_import * tariffs.retail - alone_export * tariffs.buyback
        rows.append(
            {
                "member": member,
                "generation_kwh": float(g[:, i].sum()),
                "consumption_kwh": float(load[:, i].sum()),
                "self_consumed_kwh": used,
                "community_out_kwh": sent,
                "community_in_kwh": received,
                "network_loss_kwh": sent - delivered_share,
                "grid_import_kwh": imp,
                "grid_export_kwh": exp,
                "thb": thb,
                "net_thb": net,
                "without_community_thb": alone,
                "saving_thb": alone - net,
            }
        )
    return rows
