"""The access matrix: every role against every follow-up step and the one non-public read of this
API (evidence photos), on SQLite and PostGIS, expecting 403 wherever the role or scope does not reach.

The table is written out by hand from the issue and crm/roles.py's docstring, so the rules must
agree with it rather than the other way round. The complaint is a road report at Monas (Kelurahan
Gambir, Jakarta Pusat), held by BINAMARGA-JP, the Suku Dinas Bina Marga of Jakarta Pusat.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from crm.complaint import WIB, utc_now
from tests.followup.helpers import PEOPLE, PHOTO, step

FOLLOW_UP = ("Koordinasi", "Disposisi", "Proses", "Estimasi Waktu Selesai", "Menunggu Validasi")
VALIDATION = ("Selesai", "TL Ditolak")
ALLOWED: dict[str, set[str]] = {
    "gubernur": set(FOLLOW_UP + VALIDATION),
    "operator": set(),
    "validator": set(VALIDATION),
    "kadis": set(FOLLOW_UP),  # the Dinas head covers its Suku Dinas
    "staf": set(FOLLOW_UP) - {"Disposisi"},  # Disposisi happens while the Dinas holds it: not theirs
    "staf_lain": set(),  # another kota's Suku Dinas
    "walkot": set(), "camat": set(), "lurah": set(),  # they oversee their area; the lurah acts only for KEL- offices
}
READS_EVIDENCE = {"gubernur", "operator", "validator", "kadis", "staf", "walkot", "camat", "lurah"}


def prepare(client, tokens, report, to: str) -> tuple[int, dict[str, Any]]:
    """A complaint brought by the governor to the status just before `to`, and the body asking for `to`."""
    complaint = report()["id"]
    boss = tokens["gubernur"]
    ews = (utc_now().astimezone(WIB) + timedelta(days=20)).date().isoformat()
    before = {
        "Koordinasi": [], "Proses": [],
        "Disposisi": [{"to": "Koordinasi", "note": "kembali ke Dinas", "to_skpd": "BINAMARGA"}],
        "Estimasi Waktu Selesai": [{"to": "Proses"}],
        "Menunggu Validasi": [{"to": "Proses"}],
        "Selesai": [{"to": "Proses"}, {"to": "Menunggu Validasi", "note": "selesai", "evidence": [PHOTO]}],
        "TL Ditolak": [{"to": "Proses"}, {"to": "Menunggu Validasi", "note": "selesai", "evidence": [PHOTO]}],
    }[to]
    for body in before:
        assert step(client, boss, complaint, **body).status_code == 200
    body = {
        "Koordinasi": {"to_skpd": "DSDA-JP", "note": "bukan wewenang: saluran"},
        "Disposisi": {"to_skpd": "BINAMARGA-JP", "note": "tangani"},
        "Estimasi Waktu Selesai": {"ews": ews, "note": "aspal ulang"},
        "Menunggu Validasi": {"note": "ditambal", "evidence": [PHOTO]},
        "TL Ditolak": {"note": "foto tidak sesuai"},
    }.get(to, {})
    return complaint, {"to": to, **body}


@pytest.mark.parametrize("person", sorted(ALLOWED))
def test_every_step_for_every_role(client, tokens, report, person):
    answers = {}
    for to in FOLLOW_UP + VALIDATION:
        complaint, body = prepare(client, tokens, report, to)
        answers[to] = step(client, tokens[person], complaint, **body).status_code
    assert answers == {to: 200 if to in ALLOWED[person] else 403 for to in FOLLOW_UP + VALIDATION}


def test_evidence_photos_only_for_those_who_cover_the_complaint(client, tokens, report):
    complaint, body = prepare(client, tokens, report, "Menunggu Validasi")
    assert step(client, tokens["staf"], complaint, **body).status_code == 200
    url = f"/api/v1/complaints/{complaint}/evidence/0"
    assert client.get(url).status_code == 401
    seen = {person: client.get(url, headers={"Authorization": f"Bearer {tokens[person]}"}).status_code
            for person in PEOPLE}
    assert seen == {person: 200 if person in READS_EVIDENCE else 403 for person in PEOPLE}
