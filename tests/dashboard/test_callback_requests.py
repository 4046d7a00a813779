"""Callback requests the renderer never writes, sent to `POST /_dash-update-component` through Flask's
test client: each is a 400 from the callback door (dashboard/callback_guard.py) or a click on nothing
(a button's id naming no status or no storable row), never a 500; the renderer's own requests still run."""
from __future__ import annotations

from typing import Any

import pytest
from dash._utils import split_callback_id, stringify_id

from app import Pantau, create_app
from crm.scopes import SCOPES
from settings import Settings
from store import api_keys, users

ROUTE = "/_dash-update-component"
REFUSED = "Permintaan callback tidak sah"


@pytest.fixture(scope="module")
def pantau(tmp_path_factory: pytest.TempPathFactory, locator) -> Pantau:
    """One app for the module: the door's checks come before any store (the ids a store cannot hold too)."""
    database = tmp_path_factory.mktemp("callbacks") / "pantau.db"
    pantau = create_app(Settings(database_url=f"sqlite:///{database}"), locator=locator, background=False)
    pantau.dash.server.test_client().get("/")  # Dash gathers the pages' callbacks on its first request
    return pantau


@pytest.fixture(scope="module")
def tokens(pantau: Pantau) -> dict[str, str]:
    with pantau.sessions.begin() as session:
        for name, role in (("operator", "operator"), ("gubernur", "governor"), ("validator", "validator")):
            users.create(session, name=name, role=role, skpd=None, area=None, password="kata-sandi-panjang")
        return {name: users.issue_token(session, name=name) for name in ("operator", "gubernur", "validator")}


def value(id_: Any, prop: str, given: Any = None) -> dict[str, Any]:
    return {"id": id_, "property": prop, "value": given}


def request_for(pantau: Pantau, output_start: str, inputs: list[Any], state: list[Any] | None = None,
                changed: list[str] | None = None) -> dict[str, Any]:
    """The body the renderer posts for the callback whose output starts with `output_start`."""
    [output] = [o for o in pantau.dash.callback_map if o.startswith(output_start)]
    first = inputs[0][0] if isinstance(inputs[0], list) else inputs[0]
    body = {"output": output, "outputs": split_callback_id(output), "inputs": inputs,
            "changedPropIds": changed if changed is not None else [f"{stringify_id(first['id'])}.{first['property']}"]}
    return body | ({"state": state} if state is not None else {})


def track(pantau: Pantau, typed: Any) -> dict[str, Any]:
    """The tracking page's lookup of `typed` (dashboard/pages/track.py act)."""
    return request_for(pantau, "..track-result", [value("track-go", "n_clicks", 1), value("track-ticket", "n_submit"),
                                                  value("track-reopen-go", "n_clicks")],
                       [value("track-ticket", "value", typed), value("track-shown", "data"),
                        value("track-reason", "value"), value("track-code", "value")])


def post(pantau: Pantau, body: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return pantau.dash.server.test_client().post(ROUTE, json=body, headers=headers)


def test_the_renderers_own_request_runs(pantau):
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="gateway", scopes=SCOPES)
    report = {"channel": "sms", "external_id": "callback-door-1", "text": "Jalan berlubang dalam", "category": "jalan",
              "lon": 106.8272, "lat": -6.1754}
    created = pantau.dash.server.test_client().post("/api/v1/reports", json=report,
                                                    headers={"Authorization": f"Bearer {key}"}).get_json()
    answer = post(pantau, track(pantau, created["ticket"]))
    assert answer.status_code == 200 and created["ticket"] in answer.get_data(as_text=True)


@pytest.mark.parametrize("broken", [
    "null", "list", "empty", "unknown output", "output not text", "inputs not a list", "an input without its prop",
    "another input", "one input short", "changed prop not an input",
])
def test_a_body_the_renderer_never_writes_is_a_400(pantau, broken):
    good = track(pantau, "JKT-261127-7K2QF")
    body = {
        "null": None, "list": [], "empty": {},
        "unknown output": good | {"output": "tidak-ada.children"},
        "output not text": good | {"output": ["track-result", "children"]},
        "inputs not a list": good | {"inputs": "track-go"},
        "an input without its prop": good | {"inputs": [{"id": "track-go"}, *good["inputs"][1:]]},
        "another input": good | {"inputs": [value("desk-send", "n_clicks", 1), *good["inputs"][1:]]},
        "one input short": good | {"inputs": good["inputs"][:2]},
        "changed prop not an input": good | {"changedPropIds": ['{"id":}.n_clicks']},
    }[broken]
    answer = post(pantau, body)
    assert answer.status_code == 400 and REFUSED in answer.get_data(as_text=True)


def test_a_value_of_another_type_than_the_callback_declares_is_a_400(pantau, tokens):
    assert post(pantau, track(pantau, 5)).status_code == 400  # typed: str | None
    desk = request_for(pantau, "desk-result", [value("desk-send", "n_clicks", 1)], [
        value("desk-entry", "data", "e1"), value("desk-channel", "value", "kecamatan"),
        value("desk-name", "value", "Kantor Kecamatan Tebet"), value("desk-visitor-name", "value"),
        value("desk-visitor-contact", "value"), value("desk-text", "value", "Jalan berlubang di Tebet"),
        value("desk-category", "value", ""), value("desk-location", "value"),
        value("desk-visited-at", "value", 202611270900)])  # visited_at: str | None
    answer = post(pantau, desk, tokens["operator"])
    assert answer.status_code == 400 and "visited_at" in answer.get_data(as_text=True)


def test_a_page_path_outside_the_app_is_a_400(pantau):
    body = request_for(pantau, ".._pages_content", [value("_pages_location", "pathname", "lacak"),
                                                    value("_pages_location", "search", "")])
    assert post(pantau, body).status_code == 400


BUTTONS = [(1, "Tidak Ada"), ("1", "Proses"), (1.5, "Proses"), (2**70, "Proses"), (0, "Proses")]  # no page draws these


@pytest.mark.parametrize(("complaint_id", "to"), BUTTONS)
def test_a_button_naming_no_status_or_no_stored_row_changes_nothing(pantau, tokens, complaint_id, to):
    """A queue or validation button's pattern id comes back from the browser: a status that does not
    exist, or an id no row can have, is a click on nothing."""
    pressed = {"id": complaint_id, "to": to, "type": "queue-act"}
    choose = request_for(pantau, "..queue-action", [[value(pressed, "n_clicks", 1)], value("queue-cancel", "n_clicks")],
                         changed=[f"{stringify_id(pressed)}.n_clicks"])
    state = [value("queue-action", "data", {"id": complaint_id, "to": to}), value("queue-note", "value", "Tim"),
             value("queue-skpd", "value"), value("queue-ews", "value"), value("queue-photos", "contents")]
    send = request_for(pantau, "..queue-message", [value("queue-send", "n_clicks", 1)], state)
    pressed = {"id": complaint_id, "to": to, "type": "validation-act"}
    validate = request_for(pantau, "..validation-list",
                           [[value(pressed, "n_clicks", 1)], value("validation-tick", "n_intervals")],
                           [[value({"id": complaint_id, "type": "validation-reason"}, "value", "Belum")]],
                           changed=[f"{stringify_id(pressed)}.n_clicks"])
    for body, who in ((choose, "gubernur"), (send, "gubernur"), (validate, "validator")):
        answer = post(pantau, body, tokens[who])
        assert answer.status_code == 200 and answer.get_json()["response"] == {}, body["output"]


@pytest.mark.parametrize(("click", "view"), [(None, {}), (None, {"kode": 5}), ({"points": "31.71"}, {"kode": None}),
                                             ({"points": [5]}, {"kode": None})])
def test_an_area_page_click_or_view_of_another_shape_is_a_400(pantau, click, view):
    body = request_for(pantau, "..areas-url", [value("areas-map", "clickData", click),
                                               value("areas-window", "value", "7d"),
                                               value("areas-measure", "value", "count")],
                       [value("areas-view", "data", view)])
    assert post(pantau, body).status_code == 400
