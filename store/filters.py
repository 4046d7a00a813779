"""A crm.complaint_filter.ComplaintFilter as SQL conditions on `complaints`: the one place that
knows how each field narrows a query, for every listing (store/complaints.py, store/areas.py)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_

from crm.complaint import Status
from crm.complaint_filter import ANY_TRIAGE, ComplaintFilter
from store.models import ComplaintRow

LIKE_ESCAPE = "\\"


def conditions(where: ComplaintFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions, to AND together."""
    equal = [(ComplaintRow.kode_kota, where.kode_kota), (ComplaintRow.kode_kecamatan, where.kode_kecamatan),
             (ComplaintRow.kode_kelurahan, where.kode_kelurahan), (ComplaintRow.skpd, where.skpd)]
    found = [column == value for column, value in equal if value is not None]
    within = [(ComplaintRow.category, list(where.categories)), (ComplaintRow.channel, list(where.channels)),
              (ComplaintRow.status, [Status(s).value for s in where.statuses]), (ComplaintRow.id, list(where.ids))]
    found += [column.in_(values) for column, values in within if values]
    if where.triage == ANY_TRIAGE:
        found.append(ComplaintRow.triage.is_not(None))
    elif where.triage is not None:
        found.append(ComplaintRow.triage.contains(where.triage))
    if where.since is not None:
        found.append(ComplaintRow.received_at >= where.since)
    if where.until is not None:
        found.append(ComplaintRow.received_at <= where.until)
    if where.words:
        found.append(_said(where.words))
    return found


def _said(words: tuple[str, ...]) -> ColumnElement[bool]:
    """The ticket quoted, or every word in the public text (masked: a search never finds anyone by
    the phone number or NIK they wrote), case aside."""
    text = func.lower(ComplaintRow.public_text)
    every_word = and_(*(text.like(f"%{_escaped(word.lower())}%", escape=LIKE_ESCAPE) for word in words))
    return or_(ComplaintRow.ticket == words[0].upper(), every_word) if len(words) == 1 else every_word


def _escaped(word: str) -> str:
    return word.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
