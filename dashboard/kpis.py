"""The facts behind the KPI tiles, one row per complaint, counted in the browser (assets/kpis.js).

The browser counts because the tiles must move with every live complaint and with the clock
(midnight WIB) without asking the server. Whether a complaint is overdue is never decided here or
there: the public payload carries crm/overdue.py's answer (`overdue`) and the SLA colour of the
deadline running (`sla`, crm/sla_state.py), which the tiles split open complaints by; the SLA watch's
`sla_breached` event brings the new answer when a deadline passes; the snapshot's facts carry the same
answers, computed over columns (dashboard/snapshot.py). `kpi_rows` makes the rows of the page's snapshot; for a complaint that arrives or changes live, assets/kpis.js `row` makes the same
row in the browser, so a change to what a row says is made in both.
"""
from __future__ import annotations

from typing import Any


KpiRow = list[Any]  # [id, received_ms, channel, status, response_ms | None, overdue (0 or 1), sla | None]
KPI_FIELDS = ("id", "received_ms", "channel", "status", "response_ms", "overdue", "sla")


def kpi_rows(facts: dict[str, list[Any]]) -> list[KpiRow]:
    """The rows of the snapshot's facts (dashboard/snapshot.py); response is the time to a complaint's
    first move on from Menunggu (crm/complaint.py first_action_at), None while it waits."""
    return [[cid, received, channel, status, response, int(overdue), sla] for cid, received, channel, status, response,
            overdue, sla in zip(*(facts[name] for name in KPI_FIELDS))]
