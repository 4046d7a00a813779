"""The JSON API: `POST /api/v1/reports` (the first door) and reads of stored complaints.

A write is answered only after its transaction has committed. Reporter contact never leaves:
every complaint goes out through crm/public_view.py, as the reader may see it: a complaint hidden
by an operator is unknown (404, left out of lists) except to a signed-in moderator, who sees it marked.
A write needs a key with the scope of each report's channel (`channel:<kanal>`, crm/scopes.py): this
door names no channel of its own, so a gateway posts here only as the channels it may post for.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request
from pydantic import ValidationError

from crm import scopes
from crm.complaint import utc_now
from crm.intake import Intake
from crm.public_view import as_seen_by, on_receipt, sees_hidden
from followup.auth import person_from_request
from ingest.auth import KeyChecker
from ingest.schemas import ReportIn, field_errors
from store import complaints
from web import params
from web.complaint_query import read_filter
from web.errors import BadRequest, NotFound, Unprocessable, UnsupportedMediaType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

MAX_PAGE = 500
MAX_BATCH = 1000
JSON_ONLY = "Gunakan Content-Type: application/json."


def make_api(intake: Intake, sessions: sessionmaker[Session], keys: KeyChecker) -> Blueprint:
    api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

    @api.post("/reports")
    def create_report() -> Any:
        caller = keys.caller()
        if not request.is_json:
            raise UnsupportedMediaType(JSON_ONLY)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("Isi permintaan bukan objek JSON yang sah.")
        try:
            report = ReportIn.model_validate(body).to_report()
        except ValidationError as exc:
            raise Unprocessable("Laporan tidak sah.", errors=field_errors(exc)) from None
        caller.demand(scopes.channel(report.channel))
        complaint, created = intake(report)
        return jsonify(on_receipt(complaint)), 201 if created else 200

    @api.post("/reports/batch")
    def create_reports() -> Any:
        """Up to MAX_BATCH reports in one request and one transaction: the path for bulk feeds.

        All or nothing: one invalid report refuses the batch with every problem by index, and one
        channel the key may not post for refuses it naming every such channel's scope.
        """
        caller = keys.caller()
        if not request.is_json:
            raise UnsupportedMediaType(JSON_ONLY)
        body = request.get_json(silent=True)
        items = body.get("reports") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            raise BadRequest(f'Kirim objek JSON {{"reports": [...]}} berisi 1 sampai {MAX_BATCH} laporan.')
        reports, problems = [], []
        for index, item in enumerate(items):
            try:
                reports.append(ReportIn.model_validate(item).to_report())
            except ValidationError as exc:
                problems += [{"index": index, **problem} for problem in field_errors(exc)]
        if problems:
            raise Unprocessable("Ada laporan yang tidak sah; tidak ada yang disimpan.", errors=problems)
        caller.demand(*(scopes.channel(r.channel) for r in reports))
        stored = intake.many(reports)
        created = sum(c for _, c in stored)
        results = [{"id": c.id, "ticket": c.ticket, "created": new}
                   | ({"tracking_code": c.tracking_code} if new else {}) for c, new in stored]
        return jsonify({"results": results, "created": created}), 201 if created else 200

    @api.get("/complaints/<int:complaint_id>")
    def get_complaint(complaint_id: int) -> Any:
        with sessions() as session:
            complaint = complaints.get(session, complaint_id=complaint_id)
        shown = None if complaint is None else as_seen_by(person_from_request(), complaint)
        if shown is None:  # a hidden complaint is as unknown as one that never was
            raise NotFound(f"Pengaduan {complaint_id} tidak ditemukan.")
        return jsonify(shown)

    @api.get("/complaints")
    def list_complaints() -> Any:
        where, problems = read_filter(request.args, utc_now(), also=("limit",))
        limit = params.count(request.args.get("limit", "100"), 1, MAX_PAGE)
        if limit is None:
            problems.append({"field": "limit", "message": f"bilangan 1 sampai {MAX_PAGE}"})
        if problems:
            raise Unprocessable("Parameter tidak sah.", errors=problems)
        reader = person_from_request()
        with sessions() as session:
            found = complaints.list_complaints(session, where, limit=limit, public_only=not sees_hidden(reader))
        return jsonify({"complaints": [as_seen_by(reader, c) for c in found], "count": len(found)})

    return api
