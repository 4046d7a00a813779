"""The doors of Jakarta's CRM: its twelve channels, and Open311 for partner apps. Codes are stable
identifiers used in URLs and storage; each has its adapter in ingest/channels/<code>.py.
"""
from __future__ import annotations

from types import MappingProxyType

CHANNELS = MappingProxyType({
    "qlue": "Aplikasi Qlue",
    "twitter": "Twitter / X",
    "facebook": "Facebook",
    "lapor": "LAPOR! 1708",
    "email": "Surel (email)",
    "balai-warga": "Balai Warga",
    "website": "Situs jakarta.go.id",
    "sms": "SMS Center",
    "kecamatan": "Meja pengaduan kecamatan",
    "kelurahan": "Meja pengaduan kelurahan",
    "pendopo": "Pendopo Balai Kota",
    "inspektorat": "Kantor Inspektorat",
    "open311": "Open311 (aplikasi mitra)",
})
