"""Words of place names, as citizens and data files write them, in one canonical form.

The same function reads complaint text and every name the gazetteer knows, so "St. Manggarai",
"stasiun KRL manggarai" and "Stasiun Manggarai" all become ``stasiun manggarai``; "RSUD", "RSIA",
"RS" and "rumah sakit" become ``rs``; "Jln." becomes ``jalan``; "Kebagusan III" becomes
``kebagusan 3``; "Halte TJ Cawang" becomes ``halte cawang``. Each canonical word keeps the span of
the text it came from, so the gazetteer can show an operator the words it matched.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(r"[a-z0-9]+")

# One word -> its canonical form (abbreviations of Transjakarta stop names, of addresses, of SMS).
CANONICAL = {
    "st": "stasiun", "stasion": "stasiun", "stsn": "stasiun", "statsiun": "stasiun",
    "hlt": "halte", "shelter": "halte",
    "ps": "pasar", "psr": "pasar",
    "rsu": "rs", "rsud": "rs", "rsup": "rs", "rsupn": "rs", "rsia": "rs", "rsk": "rs", "rsab": "rs",
    "rsb": "rs", "rsj": "rs", "rsau": "rs", "rspau": "rs",
    "apotik": "apotek", "pkm": "puskesmas",
    "jl": "jalan", "jln": "jalan", "gg": "gang", "kel": "kelurahan", "kec": "kecamatan",
    "sbr": "seberang", "sbrg": "seberang", "h": "haji",
    "kby": "kebayoran", "keb": "kebayoran", "kb": "kebon", "kebun": "kebon", "pd": "pondok", "pdk": "pondok",
    "tj": "tanjung", "tg": "tanjung", "kp": "kampung", "kampong": "kampung", "gn": "gunung",
    "keramat": "kramat", "mesjid": "masjid", "bunderan": "bundaran", "mal": "mall", "priuk": "priok",
    "jkt": "jakarta", "term": "terminal", "p": "pulau", "pl": "pulau", "kep": "kepulauan",
    "univ": "universitas",
}
# Words that add nothing after a kind of place: "halte TJ X", "stasiun KRL X", "puskesmas kelurahan X".
_FILLER_AFTER = {
    "halte": frozenset({"tj", "busway", "transjakarta", "brt"}),
    "stasiun": frozenset({"krl", "kereta", "commuter"}),
    "puskesmas": frozenset({"kelurahan", "kel", "kecamatan", "kec"}),
    "klinik": frozenset({"pratama", "utama"}),
    "rs": frozenset({"umum", "daerah"}),
}
# Two words that are one: "rumah sakit" -> rs, "kantor kelurahan" -> kantor lurah.
_PAIRS = {("rumah", "sakit"): "rs", ("kantor", "kelurahan"): "lurah", ("kantor", "kel"): "lurah",
          ("kantor", "kecamatan"): "camat", ("kantor", "kec"): "camat"}
_ROMAN = {r: str(i) for i, r in enumerate(
    "i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split(), start=1)}


class Word(NamedTuple):
    text: str  # canonical form
    start: int  # span in the original text
    end: int


def words(text: str) -> list[Word]:
    """Canonical words of `text` with their spans; see the module docstring."""
    out: list[Word] = []
    for match in _TOKEN.finditer(text.lower()):
        raw = match.group()
        previous = out[-1].text if out else ""
        pair = _PAIRS.get((previous, raw))
        if pair is not None:
            last = out.pop()
            if pair == "rs":
                out.append(Word("rs", last.start, match.end()))
            else:
                out += [last, Word(pair, match.start(), match.end())]
            continue
        if raw in _FILLER_AFTER.get(previous, ()):
            continue
        if raw in _ROMAN and out and previous.isalpha() and previous not in ("jalan", "gang"):
            raw = _ROMAN[raw]
        elif raw.isdigit() and len(raw) <= 3:
            raw = raw.lstrip("0") or "0"
        else:
            raw = CANONICAL.get(raw, raw)
        out.append(Word(raw, match.start(), match.end()))
    return out


def canonical(text: str) -> str:
    """The canonical words of `text` joined by single spaces (how names are keyed)."""
    return " ".join(w.text for w in words(text))
