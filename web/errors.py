"""One error family for every HTTP API: an `ApiError` carries its status, a default message and extra
fields, and one handler answers `{"error": message, **extra}` with that status.

Beyond the errors views raise, `install_errors` makes every path under /api/ and /open311/ answer in
its API's shape for an unknown path (404: Dash's catch-all page route would answer 200 with the
page shell), a method the path does not take (405, with the Allow of the API's own routes), a body
too large (413), an unsupported media type (415), a store outage (503, with Retry-After) and an
unexpected exception (500: logged with its traceback, answered with a sentence and the request id,
never the stack).
Pages keep Flask's own answers, except an outage: a short Indonesian 503 text.

An API whose errors have another shape (Open311's array) registers it with `error_shape`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from crm import request_ids
from store import outage

API_PREFIXES = ("/api/", "/open311/")
RETRY_AFTER_S = 5  # seconds a client waits before retrying through a store outage
SHAPES = "pantau.error_shapes"
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
PATH_TAIL = re.compile(r"<path:\w+>$")  # a rule ending in a path converter catches unknown paths
PAGE_OUTAGE = "Pantau sedang tidak dapat menjangkau basis data. Coba lagi dalam beberapa detik."

log = logging.getLogger("pantau.web")

Shape = Callable[["ApiError"], Response]


class ApiError(HTTPException):
    """An API refusal: `status` and `default_message` per class, extra fields per instance.

    A Werkzeug HTTPException, so a blueprint raising one answers `{"error": ...}` even on a server
    without `install_errors` (a test's bare Flask app); with it, the API's shape is used.
    """

    status: ClassVar[int] = 500
    default_message: ClassVar[str] = "Terjadi kesalahan di server. / An internal error occurred."
    code: int | None = status  # Werkzeug's name for it; each subclass's follows its status

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.status

    def __init__(self, message: str | None = None, *, headers: Mapping[str, str] | None = None,
                 **extra: Any) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)
        self.code = self.status
        self.headers = dict(headers or {})
        self.extra = extra

    @staticmethod
    def of(status: int, message: str | None = None, **extra: Any) -> ApiError:
        """The family member for `status` (an adapter's or a domain error's own status)."""
        known = BY_STATUS.get(status)
        if known is not None:
            return known(message, **extra)
        error = ApiError(message, **extra)
        error.status = error.code = status  # type: ignore[misc]  # a status without a class (408, 416, ...)
        return error

    def body(self) -> dict[str, Any]:
        return {"error": self.message, **self.extra}

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:
        response = jsonify(self.body())
        response.status_code = self.status
        response.headers.update(self.headers)
        return response


class BadRequest(ApiError):
    status = 400
    default_message = "Permintaan tidak sah. / Bad request."


class Unauthorized(ApiError):
    status = 401
    default_message = "Perlu kunci API atau token yang sah. / A valid API key or token is required."


class Forbidden(ApiError):
    status = 403
    default_message = "Tidak berwenang. / Forbidden."


class NotFound(ApiError):
    status = 404
    default_message = "Alamat ini tidak ada di API Pantau. / No such API resource."


class MethodNotAllowed(ApiError):
    status = 405
    default_message = "Metode ini tidak diterima di alamat ini. / Method not allowed here."


class Conflict(ApiError):
    status = 409
    default_message = "Bertentangan dengan keadaan sekarang. / Conflicts with the current state."


class PayloadTooLarge(ApiError):
    status = 413
    default_message = "Isi permintaan terlalu besar. / Request body too large."


class UnsupportedMediaType(ApiError):
    status = 415
    default_message = "Content-Type ini tidak diterima. / Unsupported media type."


class Unprocessable(ApiError):
    status = 422
    default_message = "Isi permintaan tidak sah. / Unprocessable request."


class TooManyRequests(ApiError):
    status = 429
    default_message = "Terlalu banyak permintaan; coba lagi nanti. / Too many requests; retry later."


class Unavailable(ApiError):
    status = 503
    default_message = outage.MESSAGE


BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls for cls in (ApiError, BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed,
                                Conflict, PayloadTooLarge, UnsupportedMediaType, Unprocessable,
                                TooManyRequests, Unavailable)
}


def install_errors(server: Flask) -> None:
    """The family's answers for what views raise, JSON for Werkzeug's errors and unexpected ones on
    API paths, the 503 of an outage everywhere, and API paths kept from Dash's catch-all page route."""
    server.register_error_handler(HTTPException, _http_error)  # ApiError is one: answered in its API's shape
    server.register_error_handler(Exception, _unexpected)
    server.before_request(_api_routes_only)


def error_shape(server: Flask, prefix: str, shape: Shape) -> None:
    """Answer the family's errors under `prefix` with `shape` instead of `{"error": ...}`."""
    server.extensions.setdefault(SHAPES, {})[prefix] = shape


def answer(error: ApiError) -> Response:
    """The error in its API's shape, with its status and headers."""
    shapes: dict[str, Shape] = current_app.extensions.get(SHAPES, {})
    shape = next((s for prefix, s in shapes.items() if request.path.startswith(prefix)), None)
    if shape is None:
        return error.get_response()
    response = shape(error)
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def _http_error(error: HTTPException) -> Any:
    """The family as itself; Werkzeug's 404/405/413/415/... as the family on API paths (an unknown
    path or method answered as `_unmatched` says); pages keep Flask's answer."""
    if isinstance(error, ApiError):
        return answer(error)
    if not is_api_path(request.path) or error.code is None or error.response is not None:
        return error
    if request.routing_exception is error:
        return answer(_unmatched())
    return answer(ApiError.of(error.code, None if error.code in BY_STATUS else error.description))


def _unexpected(error: Exception) -> Any:
    """A store outage is 503 everywhere; any other exception on an API path is logged with its
    traceback and answered 500 with the request id; on a page it goes on to Flask's own handling."""
    if outage.is_outage(error):
        log.warning("store unreachable on %s %s: %s", request.method, request.path,
                    str(error).splitlines()[0] if str(error) else type(error).__name__)
        retry = {"Retry-After": str(RETRY_AFTER_S)}
        if is_api_path(request.path):
            return answer(Unavailable(headers=retry))
        return Response(PAGE_OUTAGE, status=503, mimetype="text/plain", headers=retry)
    if not is_api_path(request.path):
        raise error
    log.exception("unexpected error on %s %s", request.method, request.path)
    request_id = request_ids.current()
    return answer(ApiError(f"Terjadi kesalahan tak terduga di server; sebutkan kode permintaan {request_id} "
                           f"saat melapor. / An unexpected server error; quote request id {request_id}.",
                           request_id=request_id))


def _api_routes_only() -> Response | None:
    """An API path matched by a page route (Dash's catch-all answers 200 with the page shell) is
    refused as `_unmatched` says; OPTIONS lists only what the API's own routes take."""
    rule = request.url_rule
    if rule is None or not is_api_path(request.path):  # no rule: Werkzeug's 404/405 follows
        return None
    if not rule.rule.startswith(API_PREFIXES):  # a page route
        raise _unmatched()
    if request.method == "OPTIONS" and rule.provide_automatic_options:
        return Response(status=200, headers={"Allow": ", ".join(_allowed_methods())})
    return None


def _unmatched() -> ApiError:
    """No API route takes this path with this method: 405 with Allow if one takes another, else 404."""
    allowed = _allowed_methods()
    if allowed:
        return MethodNotAllowed(f"Metode {request.method} tidak diterima di {request.path}; gunakan "
                                f"{', '.join(allowed)}. / Method not allowed; use {', '.join(allowed)}.",
                                headers={"Allow": ", ".join(allowed)})
    return NotFound(f"Alamat {request.path} tidak ada di API Pantau. / No such API path.")


def _allowed_methods() -> list[str]:
    """The methods some API route (not a catch-all) takes at this request's path."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in PROBED_METHODS:
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:  # NotFound, MethodNotAllowed, or a redirect to another path
            continue
        if not _catches_all(rule):
            allowed.append(method)
    return allowed


def _catches_all(rule: Rule) -> bool:
    """A page route (Dash's `/<path:path>`), or an API's own route for unknown paths under it."""
    return not rule.rule.startswith(API_PREFIXES) or PATH_TAIL.search(rule.rule) is not None
