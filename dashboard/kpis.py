"""The facts behind the KPI tiles, one compact row per complaint, counted in the browser (assets/kpis.js).

The browser counts because the tiles must move with every live complaint and with the clock
(midnight WIB) without asking the server. Whether a complaint is overdue is never decided here or
there: the public payload carries crm/overdue.py's answer (`overdue`) and the SLA colour of the
deadline running (`sla`, crm/sla_state.py), which the tiles split open complaints by; the SLA watch's
`sla_breached` event brings the new answer when a deadline passes; the snapshot's facts carry the same
answers, computed over columns (dashboard/snapshot.py).

At 20,000 complaints the rows are most of the page's snapshot, so they travel as columns of small
codes: channel, status and SLA colour as indexes into KPI_CODES (sent once in the config), times in
whole seconds, received ones after the column's `t0`. assets/kpis.js `rows` turns the columns back into
rows, and `row` makes the same row of a live complaint's public payload, so a change to what a row
says is made in both.
"""
from __future__ import annotations

from typing import Any

from crm.channels import CHANNELS
from crm.complaint import Status
from crm.sla import AMAN, PERINGATAN, TERLAMBAT

# A row in the browser: [id, received_s, channel code, status code, response_s | null, overdue (0 or 1),
# sla code | null]; response is the time to a complaint's first move on from Menunggu
# (crm/complaint.py first_action_at), null while it waits.
KPI_CODES: dict[str, list[str]] = {"channel": list(CHANNELS), "status": [s.value for s in Status],
                                   "sla": [AMAN, PERINGATAN, TERLAMBAT]}
_INDEX = {name: {value: i for i, value in enumerate(values)} for name, values in KPI_CODES.items()}


def kpi_columns(facts: dict[str, list[Any]]) -> dict[str, Any]:
    """The KPI columns of the snapshot's facts (dashboard/snapshot.py)."""
    received = [ms // 1000 for ms in facts["received_ms"]]
    t0 = min(received, default=0)
    channel, status, sla = _INDEX["channel"], _INDEX["status"], _INDEX["sla"]
    return {
        "t0": t0, "id": facts["id"], "received": [s - t0 for s in received],
        "channel": [channel.get(c) for c in facts["channel"]],  # None: outside the catalogue, as in assets/kpis.js
        "status": [status.get(s) for s in facts["status"]],
        "response": [None if ms is None else (at + ms) // 1000 - s
                     for at, ms, s in zip(facts["received_ms"], facts["response_ms"], received)],
        "overdue": [int(late) for late in facts["overdue"]],
        "sla": [sla.get(colour) for colour in facts["sla"]],
    }
