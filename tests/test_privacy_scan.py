"""Personal data sent through every channel reaches no public view; staff who may read it still do.

Each of the thirteen doors (crm/channels.py) gets one report in its own native payload, built by the
demo's payload builders (ingest/demo_payloads.py, checked against every adapter by
tests/ingest/test_demo_payloads.py): a text carrying an Indonesian mobile number written two ways, an
email address and a 16-digit NIK (an emailed letter and a LAPOR! letter also a signature), and the
channel's own reporter fields (name, phone, email, handle, a desk's officer). One complaint is then
taken along the chain with notes holding a phone number and an email.

Then everything anyone may read is scanned for those secrets, as written and as bare digits: the
read API, Open311 in JSON and XML, both export formats, tracking, the socket events a screen in
`city` receives live and on catch-up, the door's own answers, the public pages' layouts, the
`public_complaints` view, and in a real browser (marked slow) the rendered pages with every answer
and WebSocket frame they received. The validator's page must still show the originals, so the scan
is not blind.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import dash
import plotly.utils
import pytest
import requests
import socketio
from sqlalchemy import Engine, text

from app import Pantau, create_app
from crm.channels import CHANNELS
from crm.complaint import utc_now
from crm.personal_data import PHONE_PLACEHOLDER
from crm.scopes import SCOPES
from ingest.channels import adapter
from ingest.channels.forms import FORM
from ingest.demo_payloads import Facts, Person, delivery
from ingest.demo_places import Place
from opendata.exports import FORMATS
from settings import Settings
from store import api_keys, complaints, users
from tests.followup.helpers import PHOTO
from tests.processes import PASSWORD, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

APP_SECRET = "privacy-scan-app-secret-5d1e"
SECRETS = {"facebook_app_secret": APP_SECRET}
MONAS = Place(106.8272, -6.1754, "Gambir", "Gambir", landmark="halte Monas")
NAMES = ("Sutarmi Wiryaatmaja", "Bonifasius Haryoseno", "Kartini Puspitarani", "Wigatiningsih Larasati",
         "Hadisukarno Prawiro", "Setyaningrum Kusumawardhani", "Marsudi Wignyosoebroto", "Theresia Widyastuti",
         "Purbaningrum Sekarsari", "Joyokusumo Brotodiningrat", "Ratnaningsih Sasmitowati",
         "Suryohadikusumo Darmo", "Kuswandari Sulistyaningrum")
LETTERS = frozenset({"email", "lapor"})  # the channels where citizens sign a letter
GOVERNOR, VALIDATOR = "gub_andi_wirawan", "val_sri_hartati"  # officials' user names: never public either
NOTE_PHONE, NOTE_EMAIL = "0821-7788-9900", "andi.petugas@jakarta.go.id"
# A fragment of a phone number or NIK shorter than this is an ordinary number (RT, a house, a time).
NUMBER_DIGITS = 9


@dataclass(frozen=True)
class Secrets:
    """What must never be public: `words` as written (any case), `numbers` as bare digits anywhere."""

    words: frozenset[str]
    numbers: frozenset[str]

    def __or__(self, other: Secrets) -> Secrets:
        return Secrets(self.words | other.words, self.numbers | other.numbers)

    def found_in(self, shown: str) -> list[str]:
        folded, digits = shown.casefold(), re.sub(r"\D", "", shown)
        return sorted([w for w in self.words if w.casefold() in folded] + [n for n in self.numbers if n in digits])

    def all_in(self, shown: str) -> bool:
        return len(self.found_in(shown)) == len(self.words) + len(self.numbers)


def secrets_of(*written: str | None) -> Secrets:
    """Personal values as secrets: each as written, and a number of NUMBER_DIGITS or more also by its
    digits without the trunk 0 or the country code 62, so "+62 812-..." and "0812..." both count."""
    values = [value.strip() for value in written if value and value.strip()]
    numbers = {re.sub(r"^(?:62|0)", "", re.sub(r"\D", "", value)) for value in values}
    return Secrets(frozenset(values) | {v.lstrip("@") for v in values if v.startswith("@")},
                   frozenset(n for n in numbers if len(n) >= NUMBER_DIGITS))


@dataclass(frozen=True)
class Sent:
    """One report in its channel's native payload: the secrets its text names, and those its
    channel's own fields carry (what the adapter reads as reporter name, contact and officer)."""

    facts: Facts
    written: Secrets
    carried: Secrets

    @property
    def channel(self) -> str:
        return self.facts.channel

    @property
    def secrets(self) -> Secrets:
        return self.written | self.carried


def report_for(index: int, channel: str) -> Sent:
    """The channel's report: its text names a phone number in two written forms, an email and a NIK,
    each different per channel; of the seeds tried, the one whose delivery carries most reporter fields."""
    dashed, spaced = f"0812-{3400 + index}-7890", f"+62 813 {5600 + index} 2468"
    email, nik = f"sri.kanal{index:02d}@gmail.com", f"317101440589{index + 1:04d}"
    name = NAMES[index]
    given, family = name.lower().split()
    person = Person(name=name, phone=f"08577{index:03d}1357", email=f"{given}.{family}{index}@yahoo.co.id",
                    handle=f"{given[:6]}{family[:4]}{index:02d}")
    said = (f"Jalan berlubang besar di depan halte Monas, sudah dua minggu belum ditambal. Hubungi saya di "
            f"{dashed} atau {spaced}, email {email}, NIK {nik}.")
    if channel in LETTERS:
        said += f"\n\nTerima kasih,\n{name}\nHP {person.phone}"

    def made(seed: int) -> tuple[Facts, Secrets]:
        facts = Facts(channel=channel, serial=10**12 + index * 1000 + seed, at=utc_now() - timedelta(minutes=20),
                      category="jalan", text=said, place=MONAS, person=person, shares_point=channel != "facebook",
                      names_category=True, seed=seed)
        [report] = adapter(channel).parse(delivery(facts, SECRETS))
        return facts, secrets_of(report.reporter_name, report.officer, *(report.reporter_contact or "").split("; "))

    facts, carried = max((made(seed) for seed in range(20)), key=lambda made: len(made[1].words))
    return Sent(facts, secrets_of(dashed, spaced, email, nik), carried)


def every_channel() -> list[Sent]:
    return [report_for(index, channel) for index, channel in enumerate(CHANNELS)]


def post_through_door(http: Any, sent: Sent, key: str) -> Any:
    """POST the report to its channel's door as its sender would; the door's answer (201)."""
    inbound = delivery(sent.facts, SECRETS)
    if sent.channel == "open311":  # a partner app's form to the GeoReport route, its key in the form
        answer = http.post("/open311/v2/requests.json", data=inbound.body + f"&api_key={quote(key)}".encode(),
                           headers={"Content-Type": FORM})
    else:
        signed = sent.channel == "facebook"  # Facebook signs its webhooks; every other gateway has a key
        headers = dict(inbound.headers) | ({} if signed else {"Authorization": f"Bearer {key}"})
        answer = http.post(f"/api/v1/channels/{sent.channel}", data=inbound.body,
                           headers=headers | {"Content-Type": inbound.content_type})
    assert answer.status_code == 201, (sent.channel, answer.text)
    return answer


def complaint_id(sent: Sent, answer: Any) -> int:
    if sent.channel == "open311":
        return int(answer.json()[0]["service_request_id"])
    [complaint] = answer.json()["complaints"]
    return complaint["id"]


class Http:
    """Flask's test client answering as requests does (`status_code`, `text`, `json()`), so one scan
    reads the in-process app and a served one alike."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Any:
        return _Answer(self.client.get(path, headers=dict(headers or {})))

    def post(self, path: str, *, data: bytes | None = None, json: Any = None,
             headers: Mapping[str, str] | None = None) -> Any:
        return _Answer(self.client.post(path, data=data, json=json, headers=dict(headers or {})))


class _Answer:
    def __init__(self, response: Any) -> None:
        self.status_code, self.text = response.status_code, response.get_data(as_text=True)

    def json(self) -> Any:
        return json.loads(self.text)


class Served:
    """A served Pantau through requests, in Http's shape."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> requests.Response:
        return requests.get(self.url + path, headers=headers, timeout=30)

    def post(self, path: str, *, data: bytes | None = None, json: Any = None,
             headers: Mapping[str, str] | None = None) -> requests.Response:
        return requests.post(self.url + path, data=data, json=json, headers=headers, timeout=30)


def readable(body: str) -> str:
    """A body as a reader's software decodes it: JSON with its escapes undone, XML/HTML entities too."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return html.unescape(body)


def take_to_validation(http: Any, token: str, complaint: int) -> None:
    """An official's steps, with notes that name a phone number and an email, as the issue found them."""
    auth = {"Authorization": f"Bearer {token}"}
    for step in ({"to": "Proses", "note": f"Sudah ditinjau, hubungi Pak Andi {NOTE_PHONE}"},
                 {"to": "Menunggu Validasi", "note": f"Sudah ditambal; foto terlampir, tanya {NOTE_EMAIL}",
                  "evidence": [PHOTO]}):
        answer = http.post(f"/api/v1/complaints/{complaint}/transitions", json=step, headers=auth)
        assert answer.status_code == 200, answer.text


def public_answers(http: Any, key: str, ids: list[int], tickets: list[str]) -> Iterator[tuple[str, str]]:
    """(what, body) of every public read: anonymous, except the exports, which want a partner's key
    and promise no personal data all the same."""
    listed = ",".join(map(str, ids))
    paths = ["/api/v1/complaints?limit=500", *(f"/api/v1/complaints/{i}" for i in ids),
             *(f"/open311/v2/requests.{fmt}" for fmt in ("json", "xml")),
             *(f"/open311/v2/requests.{fmt}?service_request_id={listed}" for fmt in ("json", "xml")),
             *(f"/open311/v2/requests/{i}.{fmt}" for i in ids for fmt in ("json", "xml")),
             *(f"/api/v1/track/{t}" for t in tickets)]
    for path in paths:
        answer = http.get(path)
        assert answer.status_code == 200, (path, answer.text)
        yield path, answer.text
    for fmt in FORMATS:
        path = f"/api/v1/export/complaints.{fmt}"
        answer = http.get(path, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200, (path, answer.text)
        yield path, answer.text


def leaks(seen: Iterable[tuple[str, str]], secrets: Secrets) -> str:
    """Each view that shows a secret, a line each with the secrets it shows; empty when none does."""
    shown = ((what, secrets.found_in(readable(body))) for what, body in seen)
    return "\n".join(f"{what}: {', '.join(found)}" for what, found in shown if found)


def all_secrets(sent: Iterable[Sent]) -> Secrets:
    """Every report's secrets, the officials' notes and the officials' user names."""
    secrets = Secrets(frozenset({GOVERNOR, VALIDATOR}), frozenset()) | secrets_of(NOTE_PHONE, NOTE_EMAIL)
    for one in sent:
        secrets |= one.secrets
    return secrets


# --- in-process, on SQLite and PostGIS ---------------------------------------------------------------


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False),
                               facebook_app_secret=APP_SECRET), locator=locator)


@pytest.fixture
def people(pantau: Pantau) -> dict[str, str]:
    """A partner's API key, and the tokens of a governor (who takes steps) and a validator."""
    with pantau.sessions.begin() as session:
        for name, role in ((GOVERNOR, "governor"), (VALIDATOR, "validator")):
            users.create(session, name=name, role=role, skpd=None, area=None, password=PASSWORD)
        return {"key": api_keys.create(session, name="mitra-privasi", scopes=SCOPES),
                GOVERNOR: users.issue_token(session, name=GOVERNOR),
                VALIDATOR: users.issue_token(session, name=VALIDATOR)}


def render(pantau: Pantau, page: str, headers: Mapping[str, str] | None = None, **query: str) -> str:
    """A page's layout as Dash sends it to the browser, for a request with these headers."""
    layout = dash.page_registry[f"dashboard.pages.{page}"]["layout"]
    with pantau.dash.server.test_request_context(headers=dict(headers or {})):
        return json.dumps(layout(**query), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_no_public_view_shows_what_any_channel_carried_and_staff_still_read_it(pantau, people, engine):
    sent, http = every_channel(), Http(pantau.dash.server.test_client())
    secrets = all_secrets(sent)
    city = pantau.socketio.test_client(pantau.dash.server)  # a public screen, in `city` from its connect
    answers = [post_through_door(http, one, people["key"]) for one in sent]
    ids = [complaint_id(one, answer) for one, answer in zip(sent, answers, strict=True)]
    take_to_validation(http, people[GOVERNOR], ids[0])
    tickets = [http.get(f"/api/v1/complaints/{i}").json()["ticket"] for i in ids]

    seen = [*public_answers(http, people["key"], ids, tickets),
            *((f"answer of the {one.channel} door", answer.text) for one, answer in zip(sent, answers, strict=True)),
            ("socket events in city", json.dumps(city.get_received(), ensure_ascii=False))]
    catching_up = pantau.socketio.test_client(pantau.dash.server)
    assert catching_up.emit("subscribe", {"rooms": ["city"], "last_event_id": 0}, callback=True)["replayed"] > len(ids)
    seen += [("socket catch-up in city", json.dumps(catching_up.get_received(), ensure_ascii=False)),
             ("page /", render(pantau, "command_centre")), ("page /peringkat", render(pantau, "ranking")),
             ("page /wilayah", render(pantau, "areas")),
             *((f"page /lacak?tiket={t}", render(pantau, "track", tiket=t)) for t in tickets)]
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM public_complaints")).mappings().all()
    seen.append(("view public_complaints", json.dumps([dict(r) for r in rows], default=str, ensure_ascii=False)))

    listed = dict(seen)["/api/v1/complaints?limit=500"] + dict(seen)["/open311/v2/requests.xml"]
    assert all(listed.count(t) == 2 for t in tickets)  # the scan read every complaint, not empty pages
    assert not (found := leaks(seen, secrets)), found
    assert len(rows) == len(ids) and all(PHONE_PLACEHOLDER in row["text"] for row in rows)

    # The originals are kept, and the validator checking the work reads them; nobody else does.
    staff_page = render(pantau, "validation", {"Authorization": f"Bearer {people[VALIDATOR]}"})
    assert (sent[0].written | secrets_of(NOTE_EMAIL)).all_in(staff_page)
    assert not secrets.found_in(render(pantau, "validation"))
    with pantau.sessions() as session:
        stored = [complaints.get(session, complaint_id=i) for i in ids]
    for one, complaint in zip(sent, stored, strict=True):
        kept = " ".join(filter(None, (complaint.text, complaint.reporter_name, complaint.reporter_contact,
                                      complaint.officer)))
        assert one.secrets.all_in(kept), (one.channel, one.secrets.found_in(kept))


# --- a served Pantau, a real Socket.IO client and a real browser --------------------------------------

LIVE_READY = ("() => window.pantau && window.pantau.overlay.inspect().settled"
              " && window.pantau.live.stats().connected")


class Recorder:
    """Everything a browser page received: each answer's body and each WebSocket frame."""

    def __init__(self, page: Page) -> None:
        self.responses: list[Response] = []
        self.frames: list[str] = []
        page.on("response", lambda response: self.responses.append(response))
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        self.frames.append(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))

    def drain(self) -> list[tuple[str, str]]:
        """(url, body) of the answers received since the last drain; read before the page moves on."""
        bodies = [(r.url, r.text()) for r in self.responses  # 204 and 304 carry no body; redirects none to read
                  if r.status not in (204, 304) and (r.status < 300 or r.status >= 400)]
        self.responses.clear()
        return bodies


def received_by(client: socketio.SimpleClient) -> list[Any]:
    """Every event a real client has been sent so far."""
    events = []
    while True:
        try:
            events.append(client.receive(timeout=1))
        except socketio.exceptions.TimeoutError:
            return events


@pytest.mark.slow
def test_rendered_public_pages_a_real_screen_and_the_wire_show_none_of_it(tmp_path, browser: Browser):
    sent = every_channel()
    secrets = all_secrets(sent)
    with serving(tmp_path, people={VALIDATOR: ("validator",)}, PANTAU_FACEBOOK_APP_SECRET=APP_SECRET,
                 PANTAU_SURGE_WATCH_SECONDS="3600") as server:
        http, screen = Served(server.url), socketio.SimpleClient()
        screen.connect(server.url, transports=["websocket"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        wire = Recorder(page)
        page.goto(server.url)
        page.wait_for_function(LIVE_READY, timeout=60_000)

        ids = [complaint_id(one, post_through_door(http, one, server.key)) for one in sent]
        take_to_validation(http, server.governor, ids[0])
        shown = [http.get(f"/api/v1/complaints/{i}").json() for i in ids]
        seen = [*public_answers(http, server.key, ids, [c["ticket"] for c in shown]),
                ("a real Socket.IO client in city", json.dumps(received_by(screen), ensure_ascii=False))]
        screen.disconnect()

        page.wait_for_function(f"() => window.pantau.overlay.inspect().ids.length >= {len(ids)}", timeout=10_000)
        for complaint in shown:  # the detail card of each, as a click on the map or the feed opens it
            page.evaluate(f"() => window.pantau.live.select({complaint['id']})")
            page.wait_for_selector(f"#cc-detail:not(.hidden) .detail-ticket:text-is('{complaint['ticket']}')")
            page.wait_for_selector("#cc-detail .detail-history")
            seen.append((f"detail card of {complaint['ticket']}", page.inner_html("#cc-detail")))
        seen += [("page / live", page.content()), *wire.drain()]
        page.reload()
        page.wait_for_function(LIVE_READY, timeout=60_000)
        seen += [("page / after a reload", page.content()), *wire.drain()]
        for complaint in shown:
            page.goto(f"{server.url}/lacak?tiket={complaint['ticket']}")
            page.wait_for_selector(".track-card")
            seen += [(f"page /lacak?tiket={complaint['ticket']}", page.content()), *wire.drain()]
        for path in ("/peringkat?window=today", f"/peringkat/{shown[0]['skpd']}", "/wilayah"):
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            seen += [(f"page {path}", page.content()), *wire.drain()]
        seen.append(("WebSocket frames the pages received", "\n".join(wire.frames)))
        assert any(shown[-1]["ticket"] in frame for frame in wire.frames)  # the page did hear them live
        assert not (found := leaks(seen, secrets)), found
        assert errors == []

        # The validator signs in and reads the originals of the complaint waiting for validation.
        page.goto(f"{server.url}/masuk?next=/validasi")
        page.fill("#name", VALIDATOR)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(f".work-card[data-complaint-id='{ids[0]}']")
        assert (sent[0].written | secrets_of(NOTE_EMAIL)).all_in(page.inner_text(".work-card"))
        page.close()
