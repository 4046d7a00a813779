"""The facts behind the KPI tiles, one row per complaint, counted in the browser (assets/kpis.js).

The browser counts because the tiles must move with every live complaint and with the clock
(midnight WIB) without asking the server. Whether a complaint is overdue is never decided here or
there: the public payload carries crm/overdue.py's answer (`overdue`) and the SLA colour of the
deadline running (`sla`, crm/sla_state.py), which the tiles split open complaints by; the SLA watch's
`sla_breached` event brings the new answer when a deadline passes. `kpi_row` makes the rows of the
page's snapshot; for a complaint that arrives or changes live, assets/kpis.js `row` makes the same
row in the browser, so a change to what a row says is made in both.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any


KpiRow = list[Any]  # [id, received_ms, channel, status, response_ms | None, overdue (0 or 1), sla | None]


def epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def response_ms(complaint: dict[str, Any]) -> int | None:
    """Time from receipt to the first move on from Menunggu (crm/complaint.py first_action_at), or None while it waits."""
    acted = complaint["first_action_at"]
    return None if acted is None else epoch_ms(acted) - epoch_ms(complaint["received_at"])


def kpi_row(complaint: dict[str, Any]) -> KpiRow:
    """The row of a public dict, or of the snapshot's `facts` of one (dashboard/snapshot.py), which carry the same fields."""
    return [complaint["id"], epoch_ms(complaint["received_at"]), complaint["channel"],
            complaint["status"], response_ms(complaint), int(complaint["overdue"]), complaint["sla"]]
