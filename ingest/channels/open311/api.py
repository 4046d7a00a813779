"""Open311 GeoReport v2 at `/open311/v2/` (http://wiki.open311.org/GeoReport_v2), JSON and XML.

Every category is a realtime service; every complaint, from any channel, is a service request.
A POST is the `open311` channel: the route checks the form's `api_key` (a key with the scope
`channel:open311`, crm/scopes.py; one without it is refused 403 naming it), removes it from the body
(and from the query string, where it is not read: dead letters must not keep credentials), names the key's client in the Inbound and hands the
delivery to the Receiver, so an unreadable form is dead-lettered and a resubmission is a retry
(see the adapter, __init__.py). `jurisdiction_id` is accepted and ignored: one jurisdiction.

Our choices where the spec leaves room:
- a service definition is the spec's shape with no attributes; an unknown code is 404;
- POST answers 201 with the new service_request_id (our complaint id), or 200 with the same id
  for a resubmission; no token is issued;
- `tokens/<token>` still answers: the token is the request's external_id, `<client>:<sha256>`;
- GET requests: `service_request_id` overrides every other filter; otherwise the window is at
  most 90 days (the last 90 by default; one date alone spans 90 days from it), newest first, and
  pages of `page_size` (at most and by default 1000) chosen by `page` (from 1), an extension;
- a complaint an operator hid from the public (crm/moderation.py) is in no answer: 404 by id;
- errors are the spec's array with HTTP 400, 403 (api_key) or 404, in the requested format
  (JSON when the format itself is unknown).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote_plus

from flask import Blueprint, Response, request

from crm import scopes
from crm.categories import CATEGORIES
from crm.complaint import Complaint, utc_now
from crm.complaint_filter import ComplaintFilter
from crm.public_view import is_public
from ingest.auth import KeyChecker
from ingest.channels.base import MAX_BODY_BYTES, ChannelError, Inbound, PayloadTooLarge, Rejected
from ingest.channels.open311 import CHANNEL, CLIENT_HEADER, shapes
from store import complaints
from web import params
from web.complaint_query import read_filter
from web.errors import ApiError, error_shape

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from ingest.receive import Receiver

MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_PAGES = 1_000_000
BAD_KEY = "api_key tidak ada atau tidak sah / missing or invalid api_key."


class Open311Error(Exception):
    """Refuse a request with the spec's error array; one description per problem."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions

    @classmethod
    def rejected(cls, error: ChannelError, dead_letter_id: int) -> Open311Error:
        """A refused delivery: the spec knows only 403, 404 and 400 for everything else."""
        status = error.status if error.status in (403, 404) else 400
        details = [f"{e['field']}: {e['message']}" for e in error.errors]
        return cls(status, f"{error.message} (surat mati {dead_letter_id})", *details)


def make_open311_api(receiver: Receiver, sessions: sessionmaker[Session], keys: KeyChecker) -> Blueprint:
    api = Blueprint("open311_v2", __name__, url_prefix="/open311/v2")
    api.record_once(lambda state: error_shape(state.app, "/open311/", in_spec_shape))  # 404, 405, 503, ...
    loaded = utc_now()

    @api.before_request
    def known_format() -> None:
        fmt = (request.view_args or {}).get("fmt")
        if fmt is not None and fmt not in shapes.MEDIA_TYPES:
            raise Open311Error(404, f"Format {fmt!r} tidak dikenal; gunakan .json atau .xml.")

    @api.errorhandler(Open311Error)
    def refuse(error: Open311Error) -> Response:
        return errors_reply(error.status, *error.descriptions)

    @api.get("/discovery.<fmt>")
    def discovery(fmt: str) -> Response:
        return reply(fmt, "discovery", shapes.discovery(request.url_root + api.url_prefix.lstrip("/"), loaded))

    @api.get("/services.<fmt>")
    def services(fmt: str) -> Response:
        return reply(fmt, "services", shapes.services(receiver.intake.rules))

    @api.get("/services/<code>.<fmt>")
    def service_definition(code: str, fmt: str) -> Response:
        if code not in CATEGORIES:
            raise Open311Error(404, f"service_code {code!r} tidak dikenal; lihat services.{fmt}.")
        return reply(fmt, "service_definition", shapes.service_definition(code))

    @api.post("/requests.<fmt>")
    def create_request(fmt: str) -> Response:
        body = request.stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise Open311Error(400, PayloadTooLarge.default_message)
        key, body = take_api_key(body)
        client = keys.client_of(key) if key else None
        if client is None:
            raise Open311Error(403, BAD_KEY)
        refusal = client.refusal(scopes.channel(CHANNEL))
        if refusal is not None:
            raise Open311Error(403, refusal)
        headers = {k.lower(): v for k, v in request.headers.items()} | {CLIENT_HEADER: client.name}
        inbound = Inbound(channel=CHANNEL, body=body, content_type=request.content_type or "",
                          received_at=utc_now(), headers=headers,
                          query={k: v for k, v in request.args.items() if k != "api_key"})
        try:
            [receipt] = receiver(inbound)
        except Rejected as rejected:
            raise Open311Error.rejected(rejected.error, rejected.dead_letter_id) from None
        account_id = parse_qs(body.decode()).get("account_id", [None])[0]
        created = {"service_request_id": str(receipt.complaint.id),
                   "service_notice": shapes.notice(receipt.complaint), "account_id": account_id}
        if receipt.complaint.tracking_code:  # the first answer only: the partner hands it to its citizen
            created["tracking_code"] = receipt.complaint.tracking_code
        return reply(fmt, "service_requests", [created], 201 if receipt.created else 200)

    @api.get("/requests.<fmt>")
    def search_requests(fmt: str) -> Response:
        with sessions() as session:
            found = search(session, request.args)
        return reply(fmt, "service_requests", [shapes.service_request(c) for c in found])

    @api.get("/requests/<request_id>.<fmt>")
    def show_request(request_id: str, fmt: str) -> Response:
        complaint_id = as_id(request_id)
        with sessions() as session:
            complaint = complaints.get(session, complaint_id=complaint_id) if complaint_id else None
        if complaint is None or not is_public(complaint):  # hidden by an operator: as unknown as no request
            raise Open311Error(404, f"service_request_id {request_id!r} tidak ditemukan.")
        return reply(fmt, "service_requests", [shapes.service_request(complaint)])

    @api.get("/tokens/<token>.<fmt>")
    def show_token(token: str, fmt: str) -> Response:
        with sessions() as session:
            complaint = complaints.get_by_external(session, channel=CHANNEL, external_id=token)
        if complaint is None:
            raise Open311Error(404, f"token {token!r} tidak ditemukan.")
        return reply(fmt, "service_requests", [{"service_request_id": str(complaint.id), "token": token}])

    @api.route("/<path:unknown>", methods=["GET", "POST"])
    def not_found(unknown: str) -> Response:
        raise Open311Error(404, f"Tidak ada sumber Open311 /{unknown}; lihat discovery.json.")

    return api


def reply(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    return Response(shapes.render(fmt, root, value), status=status, content_type=shapes.MEDIA_TYPES[fmt])


def errors_reply(status: int, *descriptions: str) -> Response:
    """The spec's error array in the requested format (JSON when the format itself is unknown); the
    path's extension says it when no route matched (an unknown method)."""
    fmt = (request.view_args or {}).get("fmt") or request.path.rpartition(".")[2]
    return reply(fmt if fmt in shapes.MEDIA_TYPES else "json", "errors", shapes.errors(status, *descriptions), status)


def in_spec_shape(error: ApiError) -> Response:
    """The shared error family (an unknown path or method, an outage, a crash) as the spec's array."""
    return errors_reply(error.status, error.message)


def take_api_key(body: bytes) -> tuple[str | None, bytes]:
    """The form's api_key, and the body without it, every other byte as it came."""
    key, kept = None, []
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        if unquote_plus(name.decode("latin-1")) == "api_key":
            key = unquote_plus(value.decode("latin-1")).strip() or None
        else:
            kept.append(pair)
    return key, b"&".join(kept)


OPEN311_NAMES = {"service_code": "category", "start_date": "since", "end_date": "until"}


def search(session: Session, args: Any) -> list[Complaint]:
    """GET requests' filters, every problem reported at once. The filter is read by the one reader
    of the other doors (web/complaint_query.py) under GeoReport v2's names; its status (open,
    closed), pages and the 90-day span are Open311's own. Parameters it does not name are ignored,
    as GeoReport v2 lets clients send a server's extensions (jurisdiction_id, lat/long)."""
    if args.get("service_request_id"):
        wanted = [as_id(i.strip()) for i in args["service_request_id"].split(",")]
        if not all(wanted) or len(wanted) > MAX_PAGE_SIZE:
            raise Open311Error(400, f"service_request_id: sampai {MAX_PAGE_SIZE} bilangan bulat, dipisah koma.")
        return complaints.list_complaints(session, ComplaintFilter(ids=tuple(wanted)), limit=len(wanted),
                                          public_only=True)
    named = {name: value for name, value in args.items() if name in OPEN311_NAMES}
    where, found = read_filter(named, utc_now(), OPEN311_NAMES)
    problems = [f"{problem['field']}: {problem['message']}." for problem in found]
    wanted_statuses = listed(args, "status")
    if bad := [s for s in wanted_statuses if s not in shapes.OPEN311_STATUSES]:
        problems.append(f"status tidak dikenal: {', '.join(bad)}; gunakan open atau closed.")
    page = counting(args, "page", 1, MAX_PAGES, problems)
    page_size = counting(args, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE, problems)
    start, end = where.since, where.until
    if start and end and not end - start <= MAX_SPAN:
        problems.append("end_date paling jauh 90 hari setelah start_date.")
    if problems:
        raise Open311Error(400, *problems)
    if start is None and end is None:
        start = utc_now() - MAX_SPAN
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    statuses = tuple(set().union(*(shapes.statuses_of(s) for s in wanted_statuses)))
    return complaints.list_complaints(session, replace(where, statuses=statuses, since=start, until=end),
                                      public_only=True, limit=page_size, offset=(page - 1) * page_size)


def listed(args: Any, name: str) -> list[str]:
    """A comma-separated argument's values; absent or empty is no filter."""
    return [v.strip() for v in (args.get(name) or "").split(",") if v.strip()]


def counting(args: Any, name: str, default: int, top: int, problems: list[str]) -> int:
    value = params.count(args.get(name) or str(default), 1, top)
    if value is None:
        problems.append(f"{name}: bilangan bulat 1 sampai {top}.")
        return default
    return value


def as_id(text: str) -> int | None:
    """A complaint id from a URL or a list, or None for anything that cannot be one."""
    return params.record_id(text)
