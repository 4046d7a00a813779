"""JSON log lines and the request context: an id per request (answered as `X-Request-ID`, kept in
crm.request_ids for the store's audit rows and dead letters) and one access line per request,
written by Flask when the response is made, so every server (Werkzeug, gunicorn) logs alike.

Every line is one JSON object: time (ISO 8601, UTC), level, logger, message, request_id inside a
request, exception text when there is one, and the record's extra fields (the access line's
method, path, status, duration_ms, remote).
"""
from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime
from json import dumps
from typing import IO, Any

from flask import Flask, Response, g, request, request_started

from crm import request_ids
from web import metrics

HEADER = "X-Request-ID"
ACCESS = logging.getLogger("pantau.access")
PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# What every LogRecord has; anything else on a record came as `extra=` and is written too.
STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record, for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_ids.current()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_ids.current()
        if request_id is not None:
            entry["request_id"] = request_id
        entry |= {k: v for k, v in vars(record).items() if k not in STANDARD and not k.startswith("_")}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return dumps(entry, ensure_ascii=False, default=str)


def configure_logging(json: bool = True, *, level: int | str = logging.INFO, stream: IO[str] | None = None) -> None:
    """One handler on the root logger (stderr unless `stream`), JSON lines or plain text. Werkzeug's
    own access lines are silenced: the request context writes one per request instead."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(PLAIN))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def install_request_context(server: Flask) -> None:
    """Bind a request id when each request starts, answer it and write the access line at the end."""
    request_started.connect(_started, server)
    server.after_request(_answered)
    server.teardown_request(_ended)


def _started(_server: Flask, **_: Any) -> None:
    request_id = request_ids.accept(request.headers.get(HEADER))
    g.pantau_request = (request_id, request_ids.bind(request_id), time.perf_counter())


def _answered(response: Response) -> Response:
    started = g.get("pantau_request")
    if started is None:  # a Socket.IO event's context: no request started
        return response
    request_id, _, at = started
    response.headers[HEADER] = request_id
    duration_ms = round((time.perf_counter() - at) * 1000, 2)
    ACCESS.info("%s %s %s %.2f ms", request.method, request.path, response.status_code, duration_ms,
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": duration_ms, "remote": request.remote_addr})
    metrics.count_request(request, response.status_code, duration_ms / 1000)
    return response


def _ended(_error: BaseException | None) -> None:
    started = g.pop("pantau_request", None)
    if started is not None:
        request_ids.unbind(started[1])
