"""The facts behind the KPI tiles, one row per complaint, counted in the browser (assets/kpis.js).

The browser counts because the tiles must move with every live complaint and with the clock
(midnight WIB, a complaint turning overdue) without asking the server. `kpi_row` makes the rows of
the page's snapshot; for a complaint that arrives or changes live, assets/kpis.js `row` makes the
same row in the browser, so a change to what a row says is made in both.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crm.complaint import Status

# For a complaint without completion_due: the field-work SLA, 7 days.
OVERDUE_AFTER = timedelta(days=7)

KpiRow = list[Any]  # [id, received_ms, channel, status, response_ms | None, overdue_at_ms]


def epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def response_ms(complaint: dict[str, Any]) -> int | None:
    """Time from receipt to the first status change after Menunggu, or None while it waits."""
    for event in complaint["history"]:
        if event["status"] != Status.MENUNGGU:
            return epoch_ms(event["at"]) - epoch_ms(complaint["received_at"])
    return None


def overdue_at_ms(complaint: dict[str, Any]) -> int:
    """When an open complaint counts as overdue: its completion deadline (which an Estimasi Waktu
    Selesai or a reopening moves), else OVERDUE_AFTER after receipt."""
    if complaint.get("completion_due"):
        return epoch_ms(complaint["completion_due"])
    return epoch_ms(complaint["received_at"]) + int(OVERDUE_AFTER.total_seconds() * 1000)


def kpi_row(complaint: dict[str, Any]) -> KpiRow:
    return [complaint["id"], epoch_ms(complaint["received_at"]), complaint["channel"],
            complaint["status"], response_ms(complaint), overdue_at_ms(complaint)]
