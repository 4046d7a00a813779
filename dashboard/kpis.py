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

from crm.complaint import Status

KpiRow = list[Any]  # [id, received_ms, channel, status, response_ms | None, overdue (0 or 1), sla | None]


def epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def response_ms(complaint: dict[str, Any]) -> int | None:
    """Time from receipt to the first status change after Menunggu, or None while it waits."""
    for event in complaint["history"]:
        if event["status"] != Status.MENUNGGU:
            return epoch_ms(event["at"]) - epoch_ms(complaint["received_at"])
    return None


def kpi_row(complaint: dict[str, Any]) -> KpiRow:
    return [complaint["id"], epoch_ms(complaint["received_at"]), complaint["channel"],
            complaint["status"], response_ms(complaint), int(complaint["overdue"]), complaint["sla"]]
