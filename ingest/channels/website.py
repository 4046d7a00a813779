"""jakarta.go.id: the complaint form on the province's website, posted as a form
(`application/x-www-form-urlencoded`).

    id_pengaduan=6f1c2a9e-3b7d-4c15-9a0e-2d8b5f4e7c31&nama=Rina+Wulandari
    &email=rina.w%40example.co.id&telepon=0813-1122-3344&kategori=Saluran+Air
    &judul=Got+mampet+di+Jl.+Cempaka+Putih+Tengah&isi=Saluran+air+depan+rumah+no.+27+tersumbat...
    &lokasi=Jl.+Cempaka+Putih+Tengah+XIII+No.+27%2C+Cempaka+Putih&lat=-6.1772&lng=106.8731

Fields read (`id_pengaduan` and `isi` required, the rest optional; a field left blank is absent):

- `id_pengaduan`: a hidden field holding a random id (UUID4) that the page sets once per form
  load -> external_id. A double click, a resubmitted page or a proxy's retry sends the same id,
  so it is the same complaint; the next complaint is a new form load with a new id. Citizens'
  browsers send it, so it must be random, never a counter another citizen could guess.
- `judul` and `isi`: title and body -> text, the title first on its own paragraph.
- `kategori`: the form's select, our code (`saluran_air`) or our Indonesian name
  (`Saluran Air`, any case) -> category. `Lainnya` (the citizen does not know) or anything we
  do not recognise leaves it to the classifier.
- `lokasi`: where it is, in the citizen's words -> place_text.
- `lat`, `lng`: the form's map picker, decimal degrees -> lat, lon (both or neither).
- `nama` -> reporter_name; `email` and `telepon` -> reporter_contact, both kept (`email; telepon`)
  so the desk can answer either way.

The form sends no time: reported_at is when the delivery arrived.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from crm.categories import CATEGORIES, FALLBACK
from crm.intake import Report
from ingest.channels.base import Inbound, make_report, text_degrees
from ingest.channels.forms import Form, optional, read_form, required

CHANNEL = "website"

# The select's values, folded: each code and each Indonesian name -> the code.
_KATEGORI: Mapping[str, str] = MappingProxyType(
    {key.casefold(): c.code for c in CATEGORIES.values() for key in (c.code, c.name)}
)


def parse(inbound: Inbound) -> list[Report]:
    """One report per form submission."""
    form = read_form(inbound)
    return [make_report(
        channel=CHANNEL,
        external_id=required(form, "id_pengaduan"),
        text=text(form),
        category=category(optional(form, "kategori")),
        lat=text_degrees(optional(form, "lat"), "lat"),
        lon=text_degrees(optional(form, "lng"), "lon"),
        reported_at=inbound.received_at,
        reporter_name=optional(form, "nama"),
        reporter_contact=contact(form),
        place_text=optional(form, "lokasi"),
    )]


def text(form: Form) -> str:
    """The title, then the body: the title often holds the gist and the place."""
    return "\n\n".join(filter(None, (optional(form, "judul"), required(form, "isi"))))


def category(kategori: str | None) -> str | None:
    """Our code when the citizen picked a category we know; None leaves it to the classifier."""
    code = _KATEGORI.get(" ".join(kategori.split()).casefold()) if kategori else None
    return None if code == FALLBACK else code


def contact(form: Form) -> str | None:
    """Email and phone together: the form asks for both and either may be the one that works."""
    return "; ".join(filter(None, (optional(form, "email"), optional(form, "telepon")))) or None
