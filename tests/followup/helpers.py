"""Names and helpers shared by the follow-up tests: one person per role, a tiny JPEG, a POST helper,
signing in through the form."""
from __future__ import annotations

import base64
import re
from typing import Any

from sqlalchemy import func, select

from app import Pantau
from store.models import AuditRow

MONAS = {"lon": 106.8272, "lat": -6.1754}  # Gambir, Jakarta Pusat: roads go to BINAMARGA-JP
CONTACT, NAME = "+62 812-0000-1111", "Bu Rahma"
PASSWORD = "kata-sandi-panjang"
PHOTO = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01evidence\xff\xd9").decode()
PEOPLE = {  # name: (role, skpd, area)
    "gubernur": ("governor", None, None),
    "operator": ("operator", None, None),
    "validator": ("validator", None, None),
    "kadis": ("skpd_head", "BINAMARGA", None),
    "staf": ("skpd_staff", "BINAMARGA-JP", None),
    "staf_lain": ("skpd_staff", "BINAMARGA-JU", None),
    "walkot": ("wali_kota", None, "31.71"),
    "camat": ("camat", None, "31.71.01"),
    "lurah": ("lurah", None, "31.71.01.1001"),
}


def step(client, token: str | None, complaint_id: int, **body: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/complaints/{complaint_id}/transitions", json=body, headers=headers)


def count(pantau: Pantau, model) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def csrf(client) -> str:
    page = client.get("/masuk")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def sign_in(client, name: str = "staf", password: str = PASSWORD, **extra: str):
    return client.post("/masuk", data={"csrf_token": csrf(client), "name": name, "password": password, **extra})


def audited(pantau: Pantau, action: str) -> list[AuditRow]:
    with pantau.sessions() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action)))
