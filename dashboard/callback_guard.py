"""The pages' callback door, `POST /_dash-update-component`, checked before Dash dispatches it.

Dash trusts that its renderer wrote the request. A body of another shape, a callback that does not
exist, an input that is not the one declared, a changed prop that is not among the inputs, or a
value of another type than the page's callback declares fails inside Dash or the page: a 500. Each
is the sender's error, answered 400: the envelope is read with pydantic as the renderer writes it
(dash-renderer's `payload`: `state` only when the callback has one, an input's `value` absent
while it is undefined), and every argument of a page's callback is checked strictly against the
callback's own type hints, so the hints are the contract. Dash's own refusals of a request that
does not match the callback's definition, and of a path outside the app (the page router), are
answered 400 too.
"""
from __future__ import annotations

import json
from functools import cache
from inspect import signature
from typing import Any, get_type_hints

from dash import Dash
from dash._utils import stringify_id
from dash.exceptions import CallbackException, UnsupportedRelativePath
from flask import request
from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

REFUSED = "Permintaan callback tidak sah. / Invalid callback request."
DASH_REFUSALS = (CallbackException, UnsupportedRelativePath)  # exactly these; subclasses are a page's bug
WILDCARDS_MANY = (["ALL"], ["ALLSMALLER"])  # a pattern input matched by these arrives as a list

Id = str | dict[str, str | int | float | bool]


class Dependency(TypedDict):
    id: Id
    property: str


class Value(Dependency):
    value: NotRequired[Any]


Values = list[Value | list[Value]]


class Envelope(TypedDict):
    output: str
    outputs: Dependency | list[Dependency | list[Dependency]]
    inputs: Values
    state: NotRequired[Values]
    changedPropIds: list[str]


ENVELOPE = TypeAdapter(Envelope)


def install_callback_guard(dash: Dash) -> None:
    route = dash.config.requests_pathname_prefix + "_dash-update-component"

    @dash.server.before_request
    def checked() -> tuple[str, int, dict[str, str]] | None:
        if request.method != "POST" or request.path != route:
            return None
        problem = refusal(dash, request.get_json(silent=True))
        return None if problem is None else (f"{REFUSED} {problem}", 400, {"Content-Type": "text/plain; charset=utf-8"})

    def dash_refused(error: Exception) -> tuple[str, int, dict[str, str]]:
        if type(error) not in DASH_REFUSALS:
            raise error
        return f"{REFUSED} {error}", 400, {"Content-Type": "text/plain; charset=utf-8"}

    for refused in DASH_REFUSALS:
        dash.server.register_error_handler(refused, dash_refused)


def refusal(dash: Dash, body: object) -> str | None:
    """What is wrong with a callback request, or None when Dash may run it."""
    try:
        envelope = ENVELOPE.validate_python(body, strict=True)
    except ValidationError as exc:
        return f"bentuk isi / body: {exc.errors()[0]['loc']}"
    spec = dash.callback_map.get(envelope["output"])
    if spec is None:
        return "callback tidak dikenal / unknown callback"
    inputs, state = envelope["inputs"], envelope.get("state", [])
    declared = [*spec["inputs"], *spec["state"]]
    if len(inputs) != len(spec["inputs"]) or len(state) != len(spec["state"]) or not all(
            matches(d, sent) for d, sent in zip(declared, [*inputs, *state], strict=True)):
        return "input atau state lain dari yang dideklarasikan / not the declared inputs or state"
    sent_props = {f"{stringify_id(one['id'])}.{one['property']}" for sent in inputs
                  for one in (sent if isinstance(sent, list) else [sent])}
    if not set(envelope["changedPropIds"]) <= sent_props:
        return "changedPropIds bukan input / changedPropIds not among the inputs"
    values = [sent.get("value") if isinstance(sent, dict) else [one.get("value") for one in sent]
              for sent in [*inputs, *state]]
    for name, index in parameters(spec):
        adapter = hinted(spec["callback"]).get(name)
        if adapter is not None and isinstance(index, int) and index < len(values):
            try:
                adapter.validate_python(values[index], strict=True)
            except ValidationError:
                return f"nilai {name} bukan jenis yang diharapkan / {name} is not of the expected type"
    return None


def matches(declared: dict[str, str], sent: Value | list[Value]) -> bool:
    """Whether what was sent is the declared input: its id and prop, or for a pattern, components
    whose ids have the pattern's keys and fixed values (a list for ALL, one for MATCH)."""
    if not declared["id"].startswith("{"):
        return isinstance(sent, dict) and (sent["id"], sent["property"]) == (declared["id"], declared["property"])
    pattern = json.loads(declared["id"])
    many = any(value in WILDCARDS_MANY for value in pattern.values())
    if isinstance(sent, list) != many:
        return False
    return all(isinstance(one["id"], dict) and one["id"].keys() == pattern.keys() and one["property"] ==
               declared["property"] and all(one["id"][k] == v for k, v in pattern.items() if not isinstance(v, list))
               for one in (sent if isinstance(sent, list) else [sent]))


def parameters(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    """(parameter name, index of its value among inputs and state) of the callback's function."""
    indices = spec["inputs_state_indices"]
    if isinstance(indices, dict):
        return list(indices.items())
    names = list(signature(function(spec["callback"])).parameters)
    return list(zip(names, indices if isinstance(indices, list) else [indices], strict=False))


def function(callback: Any) -> Any:
    """The page's own function under Dash's wrapper."""
    return getattr(callback, "__wrapped__", callback)


@cache
def hinted(callback: Any) -> dict[str, TypeAdapter[Any]]:
    """A validator per hinted parameter of the callback's function (not its return)."""
    hints = get_type_hints(function(callback))
    return {name: TypeAdapter(hint) for name, hint in hints.items() if name != "return"}
