"""Malformed requests at every door are answered 4xx, never 5xx, on SQLite and PostGIS, and every
refused channel delivery is kept as a dead letter (issue 12's second "Done means").

Hypothesis draws the requests, door by door: reports and batches, each channel's native payload
(the demo's builders, ingest/demo_payloads.py) with parts replaced, removed or broken, Facebook's
signed and unsigned webhooks, Open311's POST and GETs, the list, ranking, tracking, reopening,
sign-in, transition, evidence, dead-letter and export endpoints with odd values (NUL, "²", digits
of other scripts, 5,000-digit and 2^63 numbers, years 1 and 9999, long and empty strings, broken
JSON and UTF-8, lone surrogates), every server-side callback of the pages as the renderer posts it
but with odd values (the walk-in desk's form, the queues' buttons, the page router with any path and
query), Dash's own routes, random paths and methods, and socket subscribes. Draws are derandomized,
so a run sends the same requests every time. Every answer of 500 or more, and every refused delivery
(at the channel door, Open311's POST or the desk's form) without the dead letter that keeps it, is
collected with the request that caused it; all are reported at once.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

import pytest
from dash import Dash
from dash._utils import split_callback_id, stringify_id
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from app import Pantau, create_app
from crm.channels import CHANNELS
from crm.complaint import WIB, Status
from crm.scopes import SCOPES
from ingest.channels.forms import FORM
from ingest.channels.json_fields import JSON
from ingest.demo_payloads import BUILDERS, Facts, facebook, person
from ingest.demo_places import Place
from settings import Settings
from store import api_keys, dead_letters, users
from tests.followup.helpers import PHOTO
from tests.processes import PASSWORD

REQUESTS = 1100  # at least 1,000 answered, per database
SUBSCRIBES = 100  # and socket subscribes beside them
APP_SECRET, VERIFY_TOKEN = "fuzz-app-secret-3a9c", "fuzz-verify-7d"
MONAS = Place(106.8272, -6.1754, "Gambir", "Gambir", landmark="halte Monas")
AT = datetime(2026, 11, 23, 8, 15, 30, tzinfo=WIB)  # when the demo complaints happened: payloads repeat byte for byte
BIG = 2**63
DEEP = b"[" * 100_000 + b"]" * 100_000
# Refused before the delivery is read, so nothing is kept: no key (401) or too many wrong ones (429).
NOT_READ = frozenset({401, 429})

NASTY_STRINGS = (
    "", " ", "\x00", "a\x00b", "\x1b[31m", "\x7f", "\u202e", "\ufeff", "²", "٣", "१२", "１２", "𝟘", "-1", "0", "+1",
    "1.5", "1e309", "NaN", "Infinity", "-0", str(BIG), str(BIG - 1), str(2**64), "9" * 25, "9" * 5000, "0x10",
    "1_000", "true", "null", "[]", "{}", "..", "../../../etc/passwd", "..%2f..%2f", "%00", "%ff", "%", "<script>",
    "' OR '1'='1", "a" * 300, "a" * 10_000, "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59+00:00",
    "2026-11-27T08:00:00", "2026-11-27T08:00:00+07:00", "2026-02-30T00:00:00Z", "2026-11-27T08:00:00+99:00",
    "2026-11-27", "1795742102", "jalan", "Menunggu", "Selesai", "city", "kota:31.71", "31.71", "31.71.01",
    "31.71.01.1001", "BINAMARGA-JP", "qlue", "facebook", "JKT-261127-7K2QF", "1", "2", "1,2,3", "1,,x", "open",
)


def nasty_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=40), st.integers().map(str),
                     st.from_regex(r"[0-9]{1,30}", fullmatch=True))


def header_text() -> st.SearchStrategy[str]:
    """nasty_text as a header can carry it: a line break would end the header."""
    return nasty_text().map(lambda text: re.sub(r"[\r\n]", " ", text))


def json_text() -> st.SearchStrategy[str]:
    """nasty_text and what only JSON can carry: a lone surrogate ("\\udafd")."""
    return st.one_of(nasty_text(), st.sampled_from(["\udafd", "a\ud800b"]))


def nasty_json() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(),
                        json_text())
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(json_text(), inner, max_size=3)),
                        max_leaves=6)


RAW_BODIES = (b"", b"{", b"[", b"nul", b"null", b"[]", b"{}", b"\xff\xfe\x00", b"\x00", b'{"a": NaN}', DEEP,
              b'{"channel": "qlue", "lat": ' + b"9" * 5000 + b"}", b'{"reports": ' + b"[" * 5000 + b"}",
              "{\"text\": \"caf\u00e9\"}".encode("latin-1"), b"a=1&a=2&%zz=%ff", b"--x\r\nContent-Disposition: y\r\n")


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


@dataclass(frozen=True)
class Call:
    """One request: who sends it ("key", "governor", "operator", "bad key" or nobody) and whether it
    carries Facebook's signature of its body (computed when sent)."""

    method: str
    path: str
    query: str = ""
    body: bytes | None = None
    content_type: str | None = None
    who: str | None = None
    signed: bool = False
    headers: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        body = "" if self.body is None else f" body={self.body!r}" if len(self.body) <= 400 else \
            f" body={self.body[:150]!r}...{self.body[-250:]!r} ({len(self.body)} bytes)"
        query = f"?{self.query[:160]}" if self.query else ""
        return (f"{self.method} {self.path[:160]}{query} as {self.who or 'nobody'}"
                f"{' signed' if self.signed else ''} {self.content_type or ''}{body} {dict(self.headers)}")


# --- the doors -------------------------------------------------------------------------------------


def paths_in(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, the whole first."""
    inside = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [at] + [path for key, item in inside for path in paths_in(item, (*at, key))]


GONE = object()


def replaced(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    """`value` with the part at `at` replaced by `new` (removed for GONE)."""
    if not at:
        return new
    key, rest = at[0], at[1:]
    if isinstance(value, dict):
        changed = {k: replaced(v, rest, new) if k == key else v for k, v in value.items()}
        return {k: v for k, v in changed.items() if v is not GONE}
    items = [replaced(v, rest, new) if i == key else v for i, v in enumerate(value)]
    return [v for v in items if v is not GONE]


@st.composite
def broken_json(draw: st.DrawFn, value: Any) -> Any:
    """A valid JSON payload with up to three of its parts replaced or removed, or an extra field."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.sampled_from(paths_in(value)))
        new = draw(st.one_of(nasty_json(), st.just(GONE))) if at else draw(nasty_json())
        value = replaced(value, at, new)
        if isinstance(value, dict) and draw(st.booleans()):
            value = value | {draw(json_text()): draw(nasty_json())}
    return value


@st.composite
def broken_form(draw: st.DrawFn, fields: list[tuple[str, str]]) -> bytes:
    """A valid form with up to three fields replaced, removed or added, encoded."""
    for _ in range(draw(st.integers(0, 3))):
        if fields and draw(st.booleans()):
            index = draw(st.integers(0, len(fields) - 1))
            fields = fields[:index] + ([] if draw(st.booleans()) else [(fields[index][0], draw(nasty_text()))]) \
                + fields[index + 1:]
        else:
            fields = [*fields, (draw(nasty_text()), draw(nasty_text()))]
    return urlencode(fields).encode()


@st.composite
def broken_bytes(draw: st.DrawFn, body: bytes) -> bytes:
    """A raw message (an email) with lines replaced, removed or cut, or bytes put in."""
    lines = body.split(b"\n")
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        new = draw(st.one_of(nasty_text().map(lambda s: s.encode()), st.binary(max_size=30), st.just(b"")))
        lines[index] = new if draw(st.booleans()) else lines[index][:len(new)]
    return b"\n".join(lines)


def facts(channel: str, seed: int, serial: int) -> Facts:
    """A demo complaint for `channel`, as the simulator would send it."""
    return Facts(channel=channel, serial=serial, at=AT, category="jalan",
                 text="Jalan berlubang besar di depan halte Monas", place=MONAS, person=person(random.Random(seed)),
                 shares_point=seed % 2 == 0, names_category=seed % 3 == 0, seed=seed)


@st.composite
def channel_delivery(draw: st.DrawFn) -> Call:
    """A channel's native payload, broken, to its door or to a channel that does not exist."""
    channel = draw(st.one_of(st.sampled_from(list(CHANNELS)), nasty_text()))
    made = facts(channel if channel in CHANNELS else "qlue", draw(st.integers(0, 50)), draw(st.integers(1, 10**18)))
    body, content_type, _ = facebook(made, APP_SECRET) if made.channel == "facebook" else BUILDERS[made.channel](made)
    if content_type == JSON:
        body = draw(st.one_of(broken_json(json.loads(body)).map(json_bytes), st.sampled_from(RAW_BODIES)))
    elif content_type == FORM:
        body = draw(st.one_of(broken_form(parse_qsl(body.decode(), keep_blank_values=True)),
                              st.sampled_from(RAW_BODIES)))
    else:
        body = draw(st.one_of(broken_bytes(body), st.sampled_from(RAW_BODIES)))
    content_type = draw(st.one_of(st.just(content_type), st.sampled_from(
        ["", "text/plain", JSON, FORM, "message/rfc822", "application/json; charset=latin-1", "multipart/form-data",
         "application/json\x00", "application/x-www-form-urlencoded; charset=\u00ff"])))
    headers = draw(st.one_of(
        st.sampled_from([(), (("X-Pantau-Client", "mitra-palsu"),), (("X-Hub-Signature-256", "sha256=00"),),
                         (("X-Gateway", "a\x00b"),)]),
        header_text().map(lambda text: (("X-Request-ID", text),))))
    return Call("POST", f"/api/v1/channels/{quote(channel, safe='')}", body=body, content_type=content_type,
                query=draw(st.one_of(st.just(""), odd_query(["hub.mode", "source", "retry"]))),
                who=draw(st.sampled_from(["key", "key", "key", None, "bad key"])), signed=draw(st.booleans()),
                headers=headers)


def report() -> dict[str, Any]:
    return {"channel": "qlue", "external_id": "fuzz", "text": "Jalan berlubang besar dekat Monas", "category": "jalan",
            "lon": 106.8272, "lat": -6.1754, "reported_at": "2026-11-27T08:00:00+07:00", "reporter_name": "Budi",
            "reporter_contact": "0812-3456-7890", "place_text": "Jl. Medan Merdeka", "media": ["https://x.id/1.jpg"],
            "desk": None, "officer": None}


@st.composite
def reports(draw: st.DrawFn) -> Call:
    """`POST /api/v1/reports` or its batch, a valid report broken."""
    one = report() | {"external_id": draw(st.uuids()).hex}
    if draw(st.booleans()):
        body = draw(st.one_of(broken_json(one).map(json_bytes), st.sampled_from(RAW_BODIES)))
        path = "/api/v1/reports"
    else:
        many = {"reports": draw(st.lists(broken_json(one), max_size=4))}
        body = draw(st.one_of(broken_json(many).map(json_bytes), st.sampled_from(RAW_BODIES)))
        path = "/api/v1/reports/batch"
    return Call("POST", path, body=body, content_type=draw(st.sampled_from([JSON, JSON, FORM, "", "text/json"])),
                who=draw(st.sampled_from(["key", "key", None, "bad key", "governor"])))


def odd_query(names: list[str]) -> st.SearchStrategy[str]:
    """A query string of some of `names` (and a stranger) with odd values, or a broken one."""
    pairs = st.lists(st.tuples(st.sampled_from([*names, "x", "\x00"]), nasty_text()), max_size=5)
    return st.one_of(pairs.map(lambda p: urlencode(p, quote_via=quote)),
                     st.sampled_from(["%zz", "a=%ff%fe", "&&&=", "limit", "=1", "limit=1&limit=2"]))


@st.composite
def open311(draw: st.DrawFn) -> Call:
    """A partner's GeoReport form, broken, and Open311's reads with odd ids, codes, formats and filters."""
    fmt = draw(st.sampled_from(["json", "xml", "json", "xml", "html", "%00", "JSON"]))
    kind = draw(st.sampled_from(["post", "list", "one", "service", "token", "discovery", "services", "unknown"]))
    if kind == "post":
        made = facts("open311", draw(st.integers(0, 50)), draw(st.integers(1, 10**18)))
        fields = parse_qsl(BUILDERS["open311"](made).body.decode(), keep_blank_values=True)
        fields += [("api_key", draw(st.sampled_from(["{key}", "{key}", "salah", ""])))]
        body = draw(st.one_of(broken_form(fields), st.sampled_from(RAW_BODIES)))
        return Call("POST", f"/open311/v2/requests.{fmt}", query=draw(st.sampled_from(["", "api_key={key}"])),
                    body=body, content_type=draw(st.sampled_from([FORM, FORM, JSON, ""])))
    segment = quote(draw(nasty_text()), safe="")
    path = {"list": f"/open311/v2/requests.{fmt}", "one": f"/open311/v2/requests/{segment}.{fmt}",
            "service": f"/open311/v2/services/{segment}.{fmt}", "token": f"/open311/v2/tokens/{segment}.{fmt}",
            "discovery": f"/open311/v2/discovery.{fmt}", "services": f"/open311/v2/services.{fmt}",
            "unknown": f"/open311/v2/{segment}"}[kind]
    query = draw(odd_query(["service_request_id", "service_code", "status", "start_date", "end_date", "page",
                            "page_size", "jurisdiction_id"]))
    return Call(draw(st.sampled_from(["GET", "GET", "POST", "PUT"])), path, query=query)


@st.composite
def reads(draw: st.DrawFn) -> Call:
    """The public reads: complaint lists and details, the ranking, the SKPD list, tracking, health."""
    segment = quote(draw(st.one_of(nasty_text(), st.integers(-5, BIG * 4).map(str))), safe="")
    path, names = draw(st.sampled_from([
        ("/api/v1/complaints", ["limit", "since", "status", "triage", "kelurahan", "skpd", "bbox", "ids"]),
        (f"/api/v1/complaints/{segment}", []), ("/api/v1/track/{ticket}", []),
        ("/api/v1/ranking", ["window", "level", "kind", "kota"]),
        ("/api/v1/ranking.csv", ["window", "level", "kind", "kota"]),
        ("/api/v1/skpd", []), (f"/api/v1/track/{segment}", []), ("/healthz", []), ("/readyz", []),
        ("/metrics", []), (f"/api/v1/channels/{segment}", ["hub.mode", "hub.verify_token", "hub.challenge"]),
        ("/api/v1/channels/facebook", ["hub.mode", "hub.verify_token", "hub.challenge"]),
    ]))
    return Call("GET", path, query=draw(odd_query(names)), who=draw(st.sampled_from([None, None, "bad key"])))


@st.composite
def follow_up(draw: st.DrawFn) -> Call:
    """Reopening, transitions, evidence, dead letters and exports, with and without credentials."""
    small = draw(st.one_of(st.integers(1, 30).map(str), st.sampled_from([str(BIG), str(BIG - 1), "0", "-1", "²"])))
    kind = draw(st.sampled_from(["reopen", "transition", "evidence", "letters", "letter", "replay", "export"]))
    if kind == "reopen":
        ticket = draw(st.one_of(st.just("{ticket}"), nasty_text().map(lambda t: quote(t, safe="")),
                                st.from_regex(r"JKT-2[0-9]{5}-[A-Z0-9]{5}", fullmatch=True)))
        body = draw(st.one_of(broken_json({"reason": "Belum diperbaiki", "code": "abc"}).map(json_bytes),
                              st.sampled_from(RAW_BODIES)))
        return Call("POST", f"/api/v1/track/{ticket}/reopen", body=body, content_type=JSON)
    if kind == "transition":
        step = {"to": draw(st.sampled_from([*Status, "Proses", "Nope"])), "note": "Tim menuju lokasi",
                "evidence": [PHOTO], "ews": "2026-12-24", "to_skpd": "BINAMARGA-JU"}
        body = draw(st.one_of(broken_json(step).map(json_bytes), st.sampled_from(RAW_BODIES)))
        return Call("POST", f"/api/v1/complaints/{small}/transitions", body=body, content_type=JSON,
                    who=draw(st.sampled_from(["governor", "governor", "operator", "key", None])))
    if kind == "evidence":
        return Call("GET", f"/api/v1/complaints/{small}/evidence/{draw(st.sampled_from(['0', '1', small]))}",
                    who=draw(st.sampled_from(["governor", None])))
    who = draw(st.sampled_from(["key", "key", "governor", None, "bad key"]))
    if kind == "letters":
        return Call("GET", "/api/v1/dead-letters", query=draw(odd_query(["limit", "channel", "all"])), who=who)
    if kind == "letter":
        return Call("GET", f"/api/v1/dead-letters/{small}", who=who)
    if kind == "replay":
        return Call("POST", f"/api/v1/dead-letters/{small}/replay", who=who)
    extension = draw(st.sampled_from(["csv", "geojson", "csv", "geojson", "xlsx", "%00"]))
    return Call("GET", f"/api/v1/export/complaints.{extension}", who=who, query=draw(odd_query(
        ["kota", "kecamatan", "kelurahan", "skpd", "category", "status", "window", "since", "until"])))


@st.composite
def sign_in(draw: st.DrawFn) -> Call:
    """The sign-in form (with this session's CSRF token or not), its page and signing out."""
    fields = [("csrf_token", draw(st.sampled_from(["{csrf}", "{csrf}", "salah", ""]))),
              ("name", draw(st.sampled_from(["operator", "gubernur"]) | nasty_text())),
              ("password", draw(st.sampled_from([PASSWORD, "salah"]) | nasty_text())), ("next", draw(nasty_text()))]
    kind = draw(st.sampled_from(["form", "form", "page", "out"]))
    if kind == "page":
        return Call("GET", "/masuk", query=draw(odd_query(["next"])))
    if kind == "out":
        return Call("POST", "/keluar", body=urlencode(fields[:1]).encode(), content_type=FORM)
    return Call("POST", "/masuk", body=draw(broken_form(fields)),
                content_type=draw(st.sampled_from([FORM, FORM, JSON, "multipart/form-data", ""])))


def desk_callback(states: list[Any]) -> dict[str, Any]:
    """The walk-in desk's Dash callback (dashboard/pages/desk.py send) as the /meja page posts it."""
    ids = ["desk-entry", "desk-channel", "desk-name", "desk-visitor-name", "desk-visitor-contact", "desk-text",
           "desk-category", "desk-location", "desk-visited-at"]
    properties = ["data", *["value"] * 8]
    return {"output": "desk-result.children", "outputs": {"id": "desk-result", "property": "children"},
            "inputs": [{"id": "desk-send", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["desk-send.n_clicks"],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in zip(ids, properties, states, strict=True)]}


@st.composite
def dash_routes(draw: st.DrawFn) -> Call:
    """Dash's routes: the desk's callback with odd fields, any callback body, scripts and layouts."""
    kind = draw(st.sampled_from(["desk", "desk", "callback", "scripts", "layout"]))
    if kind == "desk":
        good = ["e1", "kecamatan", "Kantor Kecamatan Tebet", "Budi", "0812-3456-7890", "Jalan berlubang di Tebet",
                "jalan", "Jl. Tebet Raya", "2026-11-27 09:00"]
        states = draw(broken_json(good))
        states = (states + [None] * 9)[:9] if isinstance(states, list) else [states] * 9
        return Call("POST", "/_dash-update-component", body=json_bytes(desk_callback(states)), content_type=JSON,
                    who=draw(st.sampled_from(["operator", "operator", None])))
    if kind == "callback":
        return Call("POST", "/_dash-update-component", content_type=JSON, body=draw(st.one_of(
            broken_json(desk_callback([None] * 9)).map(json_bytes), st.sampled_from(RAW_BODIES))))
    if kind == "scripts":
        package, script = (quote(draw(nasty_text()), safe="") for _ in range(2))
        return Call("GET", draw(st.sampled_from([f"/_dash-component-suites/{package}/{script}",
                                                 f"/_dash-component-suites/dash/..%2f{script}",
                                                 f"/assets/{script}", f"/assets/..%2f{script}"])))
    return Call("GET", draw(st.sampled_from(["/_dash-layout", "/_dash-dependencies", "/_reload-hash",
                                             "/_favicon.ico"])), query=draw(odd_query(["v", "m"])))


@st.composite
def anywhere(draw: st.DrawFn) -> Call:
    """Any method on any path, the pages' and the API's; pages with odd queries."""
    known = ["", "api", "api/v1", "open311", "open311/v2", "lacak", "peringkat", "wilayah", "meja", "antrian",
             "validasi", "masuk", "keluar", "_dash-update-component"]
    segments = draw(st.lists(st.one_of(st.sampled_from(known), nasty_text()), min_size=1, max_size=4))
    path = "/" + "/".join(quote(s, safe="") if s not in known else s for s in segments)
    page = draw(st.sampled_from(["", "/lacak", "/peringkat", "/wilayah", "/wilayah/31.71", "/peringkat/BINAMARGA-JP"]))
    return Call(draw(st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])),
                path if not page else page, query=draw(odd_query(["tiket", "window", "level", "kind", "kota",
                                                                 "measure"])),
                body=draw(st.sampled_from([None, b"", b"{}", DEEP[:2000]])), content_type=draw(st.sampled_from(
                    [None, JSON, FORM])), who=draw(st.sampled_from([None, "bad key"])))


PAGES = ("/", "/lacak", "/peringkat", "/peringkat/BINAMARGA-JP", "/peringkat/31.71", "/wilayah", "/wilayah/31.71",
         "/wilayah/31.71.01.1001", "/meja", "/antrian", "/validasi", "/masuk")
PAGE_QUERY = ["tiket", "window", "level", "kind", "kota", "measure", "kode"]


def callbacks(app: Dash) -> st.SearchStrategy[Call]:
    """Each of the app's server-side callbacks as the renderer calls it, its inputs and states odd:
    the page router (`_pages_location` pathname and search: every page's layout(**query)) among them."""
    served = [(output, spec) for output, spec in app.callback_map.items() if "callback" in spec]

    @st.composite
    def call(draw: st.DrawFn) -> Call:
        output, spec = draw(st.sampled_from(served))

        def value(dependency: dict[str, Any]) -> Any:
            if dependency["id"] == "_pages_location":
                return draw(st.sampled_from(PAGES) | nasty_text()) if dependency["property"] == "pathname" \
                    else "?" + draw(odd_query(PAGE_QUERY))
            return draw(nasty_json())

        def filled(dependencies: list[dict[str, Any]]) -> list[Any]:
            values: list[Any] = []
            for dependency in dependencies:
                if dependency["id"].startswith("{"):  # a pattern (ALL): a list of the components it matched
                    pattern = json.loads(dependency["id"])
                    values.append([{"id": {k: draw(nasty_json()) if v == ["ALL"] else v for k, v in pattern.items()},
                                    "property": dependency["property"], "value": draw(nasty_json())}
                                   for _ in range(draw(st.integers(0, 2)))])
                else:
                    values.append({"id": dependency["id"], "property": dependency["property"],
                                   "value": value(dependency)})
            return values

        inputs, state = filled(spec["inputs"]), filled(spec["state"])
        sent = [one for i in inputs for one in (i if isinstance(i, list) else [i])]
        changed = [f"{stringify_id(one['id'])}.{one['property']}" for one in draw(st.permutations(sent))][:1]
        body = {"output": output, "outputs": split_callback_id(output), "inputs": inputs,
                "changedPropIds": changed} | ({"state": state} if state else {})
        return Call("POST", "/_dash-update-component", body=json_bytes(body), content_type=JSON,
                    who=draw(st.sampled_from([None, "operator", "governor", "validator"])))

    return call()


def doors(app: Dash) -> st.SearchStrategy[Call]:
    return st.one_of(channel_delivery(), reports(), open311(), reads(), follow_up(), channel_delivery(), sign_in(),
                     dash_routes(), callbacks(app), anywhere())


# --- sending and judging ---------------------------------------------------------------------------


@dataclass
class Fuzzed:
    """One Pantau, the credentials the calls name, and what the run found."""

    pantau: Pantau
    credentials: dict[str, str]
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    refused_deliveries: int = 0

    def fill(self, text: str) -> str:
        """A call's text with the credentials (and the stored ticket) it names put in."""
        for name in ("key", "csrf", "ticket"):
            text = text.replace("{%s}" % name, self.credentials[name])
        return text

    def send(self, call: Call) -> None:
        body = None if call.body is None else self.fill(call.body.decode("latin-1")).encode("latin-1")
        headers = dict(call.headers)
        if call.who:
            headers["Authorization"] = f"Bearer {self.credentials[call.who]}"
        if call.signed and body is not None:
            headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.sent += 1
        try:
            with self.pantau.dash.server.test_client() as client:
                client.set_cookie("session", self.credentials["cookie"])
                path = self.fill(call.path)
                answer = client.open(path, method=call.method, query_string=self.fill(call.query), data=body,
                                     content_type=call.content_type, headers=headers)
        except Exception as exc:  # what the server would answer 500 to, raised through the test client
            self.failures.append(f"raised {exc!r}: {call}")
            return
        if problem := self.judged(path, call.method, answer.status_code, answer.get_data().decode("utf-8", "replace")):
            self.failures.append(f"{answer.status_code} {problem}: {call}")

    def judged(self, path: str, method: str, status: int, said: str) -> str | None:
        """What is wrong with an answer: a 5xx, or a refused delivery (at the channel door, Open311's
        POST or the walk-in desk's form) without the dead letter that keeps it."""
        if status >= 500:
            return repr(said[:200])
        door = self.door_of(path, method)
        if door == "channels_v1.deliver" and status >= 400:
            letter = (json.loads(said) if said.startswith("{") else {}).get("dead_letter_id")
            if status in NOT_READ:
                return None if letter is None else "a dead letter for a delivery never read"
            return self.kept(letter, status)
        if door == "open311_v2.create_request" and 400 <= status < 500 and status != 403 \
                and path.endswith((".json", ".xml")):  # 403: no partner's key, nothing read
            return self.kept(next(map(int, re.findall(r"surat mati (\d+)", said)), None))
        if path == "/_dash-update-component" and "Ditolak: " in said:  # the desk shows its refusal
            return self.kept(next(map(int, re.findall(r"surat mati #(\d+)", said)), None))
        return None

    def door_of(self, path: str, method: str) -> str | None:
        """The endpoint a request reaches, None for an unknown path."""
        try:
            endpoint, _ = self.pantau.dash.server.url_map.bind("localhost").match(unquote(path), method=method)
        except HTTPException:
            return None
        return endpoint

    def kept(self, letter_id: object, status: int | None = None) -> str | None:
        """What is wrong with a refused delivery's dead letter, if anything; counts the refusal."""
        self.refused_deliveries += 1
        if not isinstance(letter_id, int):
            return "refused without a dead letter"
        with self.pantau.sessions() as session:
            letter = dead_letters.get(session, dead_letter_id=letter_id)
        if letter is None or status not in (None, letter.status):
            return f"dead letter {letter_id} is {letter and letter.status}, not kept with this refusal"
        return None

    def report(self) -> str:
        return f"{len(self.failures)} of {self.sent} requests failed:\n" + "\n".join(self.failures)


@pytest.fixture
def fuzzed(engine: Engine, locator) -> Fuzzed:
    """A Pantau with Facebook's secrets, a partner's key, three people's tokens, a session with its
    CSRF token, and 20 complaints; its first requests also make Dash gather the pages' callbacks."""
    pantau = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False),
                                 facebook_app_secret=APP_SECRET, facebook_verify_token=VERIFY_TOKEN),
                        locator=locator, background=False)
    with pantau.sessions.begin() as session:
        for name, role in (("gubernur", "governor"), ("operator", "operator"), ("validator", "validator")):
            users.create(session, name=name, role=role, skpd=None, area=None, password=PASSWORD)
        credentials = {"key": api_keys.create(session, name="mitra-fuzz", scopes=SCOPES), "bad key": "kunci-salah",
                       "governor": users.issue_token(session, name="gubernur"),
                       "operator": users.issue_token(session, name="operator"),
                       "validator": users.issue_token(session, name="validator")}
    with pantau.dash.server.test_client() as client:
        page = client.get("/masuk").get_data(as_text=True)
        credentials["csrf"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        credentials["cookie"] = client.get_cookie("session").value
    with pantau.dash.server.test_client() as client:  # some complaints to act on, read and reopen
        for n in range(20):
            answer = client.post("/api/v1/reports", json=report() | {"external_id": f"seed-{n}"},
                                 headers={"Authorization": f"Bearer {credentials['key']}"})
            assert answer.status_code == 201, answer.get_json()
        credentials["ticket"] = answer.get_json()["ticket"]
    return Fuzzed(pantau, credentials)


FUZZ = settings(max_examples=REQUESTS, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck))


def test_no_malformed_request_at_any_door_gets_a_5xx_and_every_refused_delivery_is_kept(fuzzed):
    @FUZZ
    @given(doors(fuzzed.pantau.dash))
    def door(call: Call) -> None:
        fuzzed.send(call)

    door()
    assert not fuzzed.failures, fuzzed.report()
    assert fuzzed.sent >= 1000
    assert fuzzed.refused_deliveries >= 100  # the dead-letter rule was put to the test


SUBSCRIBE = st.one_of(nasty_json(), st.fixed_dictionaries({
    "rooms": st.one_of(st.lists(st.one_of(st.sampled_from(["city", "kota:31.71", "skpd:BINAMARGA-JP"]), nasty_json()),
                                max_size=4), nasty_json()),
    "last_event_id": st.one_of(st.sampled_from([None, BIG, BIG - 1, 2**64, 0, -1, True, "7", 1.5]),
                               st.integers(min_value=-(2**70), max_value=2**70), nasty_json()),
}))


def test_no_malformed_subscribe_breaks_a_screen(fuzzed):
    screen = fuzzed.pantau.socketio.test_client(fuzzed.pantau.dash.server)
    failures: list[str] = []

    @settings(FUZZ, max_examples=SUBSCRIBES)
    @given(SUBSCRIBE)
    def subscribe(message: Any) -> None:
        try:
            ack = screen.emit("subscribe", message, callback=True)
        except Exception as exc:
            failures.append(f"raised {exc!r}: {message!r:.200}")
            return
        if not (isinstance(ack, dict) and ("error" in ack or "rooms" in ack)):
            failures.append(f"answered {ack!r:.200}: {message!r:.200}")

    subscribe()
    assert screen.is_connected()
    assert not failures, "\n".join(failures)
