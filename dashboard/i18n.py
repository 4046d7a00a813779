"""Bahasa Indonesia first, English on request: every label is rendered in both languages.

The language toggle only switches a class on the page root (`lang-id` / `lang-en`) and CSS hides
the other language, so switching costs no server round trip and no re-render of the map.
The browser's renderers (assets/dom.js) build the same two spans. Dates and numbers take each
language's one format from crm/formats.py. A dropdown's own words (Dash 4 `labels`: "2 selected",
"Search", "No options found") are plain strings, not spans, so `dropdown` gives them in Indonesian.
"""
from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from crm import formats
from crm.roles import Person, Role

# What each role is called on the pages; the codes (`skpd_staff`) are for the CLI and the API.
ROLE_NAMES: dict[Role, tuple[str, str]] = {
    Role.GOVERNOR: ("Gubernur", "Governor"), Role.OPERATOR: ("Operator CRM", "CRM operator"),
    Role.VALIDATOR: ("Validator CRM", "CRM validator"), Role.SKPD_HEAD: ("Kepala SKPD", "Head of agency"),
    Role.SKPD_STAFF: ("Petugas SKPD", "Agency officer"), Role.WALI_KOTA: ("Wali Kota", "Mayor"),
    Role.CAMAT: ("Camat", "District head"), Role.LURAH: ("Lurah", "Village head"),
}


# Dash 4 dcc.Dropdown `labels`, which default to English; `{num_selected}` is Dash's placeholder.
DROPDOWN_LABELS = {
    "select_all": "Pilih semua", "deselect_all": "Batalkan semua", "selected_count": "{num_selected} dipilih",
    "search": "Cari", "clear_search": "Hapus pencarian", "clear_selection": "Hapus pilihan",
    "no_options_found": "Tidak ada pilihan",
}
CHOOSE = "Pilih…"  # a dropdown's placeholder when the page names none


def dropdown(**props: object) -> dcc.Dropdown:
    """A dcc.Dropdown that speaks Indonesian: every page's dropdown is made here."""
    return dcc.Dropdown(**({"placeholder": CHOOSE, "labels": DROPDOWN_LABELS} | props))


def bi(text_id: str, text_en: str, **props: object) -> html.Span:
    """One label in both languages; CSS shows the chosen one."""
    return html.Span([html.Span(text_id, className="t-id", lang="id"),
                      html.Span(text_en, className="t-en", lang="en")], **props)


def when(at: datetime) -> html.Span:
    """A moment in both languages' formats (crm/formats.py): "3 Des 2026 02.21 WIB" / "3 Dec 2026 02:21 WIB"."""
    return bi(formats.date_time(at, "id"), formats.date_time(at, "en"))


def count(value: float, decimals: int = 0) -> html.Span:
    """A number in both languages: "1.815" / "1,815"."""
    return bi(formats.number(value, "id", decimals), formats.number(value, "en", decimals))


def role_name(role: Role) -> html.Span:
    """A role as people call it, in both languages: "Petugas SKPD" / "Agency officer"."""
    return bi(*ROLE_NAMES[role])


def who(person: Person, *extra: str) -> html.Span:
    """"budi · Petugas SKPD · BINAMARGA-JP": a person's name, role and any unit, in both languages."""
    tail = "".join(f" · {part}" for part in extra if part)
    name_id, name_en = ROLE_NAMES[person.role]
    return bi(f"{person.name} · {name_id}{tail}", f"{person.name} · {name_en}{tail}")
