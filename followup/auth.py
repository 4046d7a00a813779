"""Who is signed in: the sign-in page (`/masuk`), sign-out (`/keluar`) and the session cookie.

Pages and routes ask only `current_person()`, `person_from_request()` or `require_person(*roles)`
(raising `NotSignedIn` or `NotAllowed`); what a person may then see or do is crm/roles.py's question.
After signing in a person lands on their work (crm/roles.py `landing`: SKPD staff on /antrian,
validators on /validasi, operators on /triase), unless the form carries a `next` (a page that sent
them to sign in), which wins and never leaves the site (`local_target`).

The session is Flask's signed cookie holding only the person's name and session version; Flask-Login
re-reads the person from the store on every request, so a changed role takes effect at once, and
signing out or being disabled (which move the version on, store/users.py) ends every session of that
person at their next request, on every browser, even one holding a copy of the old cookie. The cookie is HttpOnly (scripts cannot read it),
SameSite=Lax (browsers do not send it with cross-site POSTs), Secure (PANTAU_SECURE_COOKIES) and
lasts one 12-hour shift from sign-in.

CSRF: the HTML forms here (and any form that posts with the session) carry a Flask-WTF token,
checked by `CSRFProtect.protect()` on this blueprint's POSTs. JSON endpoints are not checked, and
need not be: Dash's callbacks (`/_dash-update-component`) and the follow-up API read only
`application/json` bodies, and a cross-site page can send that content type only through fetch with
a CORS preflight, which Pantau never grants; a plain cross-site form can post only form or text
bodies, and the SameSite=Lax cookie is not sent with it anyway. The ingest, channel and Open311 APIs
authenticate by key or signature, never by cookie, so there is nothing for a forged request to ride
on; the dead-letter and export doors, which take the cookie too, refuse a write on it unless it is
JSON (ingest/auth.py). So CSRFProtect is installed with WTF_CSRF_CHECK_DEFAULT off rather than with a list of
exempted blueprints that every new API would have to join.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from crm.complaint import utc_now
from crm.roles import Person, Role, landing
from store import users
from store.db import writing
from web.throttle import retry_after

if TYPE_CHECKING:
    from flask_limiter import Limiter, RequestLimit
    from sqlalchemy.orm import Session, sessionmaker

LOGIN_PATH = "/masuk"
LOGOUT_PATH = "/keluar"
SHIFT = timedelta(hours=12)
MAX_NAME = 200  # longer names tried at sign-in are cut in the audit log
# Failed sign-ins before a 429: per account, against guessing one person's password from many
# places; per address, against trying many accounts from one (a command centre shares an address).
FAILED_PER_ACCOUNT = "10 per 15 minutes"
FAILED_PER_ADDRESS = "30 per 15 minutes"
EXTENSION = "pantau.auth"


class NotSignedIn(PermissionError):
    """Nobody is signed in (or the token is not valid): the page should offer `/masuk`."""

    def __init__(self) -> None:
        super().__init__(f"Silakan masuk dulu ({LOGIN_PATH}). / Please sign in first.")


class NotAllowed(PermissionError):
    """Someone is signed in, but their role is not one the page is for."""

    def __init__(self, person: Person, roles: tuple[Role, ...]) -> None:
        super().__init__(f"{person.name} ({person.role}) tidak berwenang di sini; halaman ini untuk: "
                         f"{', '.join(roles)}. / Not allowed here.")
        self.person = person
        self.roles = roles


@dataclass(frozen=True)
class SignedIn(UserMixin):
    """Flask-Login's view of a person; the id is "<session version>:<name>" (names are unique)."""

    person: Person
    version: int

    def get_id(self) -> str:
        return f"{self.version}:{self.person.name}"


def install_auth(server: Flask, sessions: sessionmaker[Session], limiter: Limiter, *, secure_cookies: bool) -> None:
    """Cookie settings, Flask-Login, CSRF tokens and the /masuk (throttled) and /keluar routes on the server."""
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        PERMANENT_SESSION_LIFETIME=SHIFT,
        SESSION_REFRESH_EACH_REQUEST=False,  # a shift ends 12 hours after sign-in, not after the last click
        WTF_CSRF_CHECK_DEFAULT=False,  # see the module docstring: forms are checked, JSON is not
        WTF_CSRF_TIME_LIMIT=int(SHIFT.total_seconds()),  # the header's Keluar button lives as long as the shift
    )
    server.extensions[EXTENSION] = sessions
    manager = LoginManager(server)

    @manager.user_loader
    def load(cookie_id: str) -> SignedIn | None:
        version, _, name = cookie_id.partition(":")
        if not version.isdecimal() or len(version) > 18:  # a cookie from before versions, or not ours
            return None
        with sessions() as db:
            person = users.by_session(db, name=name, version=int(version))
        return None if person is None else SignedIn(person, int(version))

    csrf = CSRFProtect(server)
    server.register_blueprint(_routes(sessions, csrf, limiter))


def current_person() -> Person | None:
    """The person signed in with this request's session cookie, if any."""
    if EXTENSION not in current_app.extensions:  # an app without sign-in (a benchmark): nobody is signed in
        return None
    return current_user.person if current_user.is_authenticated else None


def person_from_request() -> Person | None:
    """The person behind an `Authorization: Bearer` token if one is sent (a bad token counts as nobody,
    not as the session), else the session's person; None if neither is valid."""
    header = request.headers.get("Authorization")
    if header is None:
        return current_person()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or EXTENSION not in current_app.extensions:
        return None
    with current_app.extensions[EXTENSION]() as db:
        return users.by_token(db, token=token.strip())


def require_person(*roles: Role) -> Person:
    """The person making this request, or NotSignedIn; NotAllowed if `roles` are given and theirs is not one."""
    person = person_from_request()
    if person is None:
        raise NotSignedIn
    if roles and person.role not in roles:
        raise NotAllowed(person, roles)
    return person


def local_target(target: str | None) -> str:
    """`target` if it is a path on this site, else "/": `next` must never send anyone elsewhere.
    Browsers read backslashes as slashes and drop tabs and newlines, so those are refused too."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target)):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def _routes(sessions: sessionmaker[Session], csrf: CSRFProtect, limiter: Limiter) -> Blueprint:
    routes = Blueprint("auth", __name__, template_folder="templates")

    def throttled(limit: RequestLimit) -> Response:
        """Too many failed sign-ins: 429 with Retry-After, audited, and no password checked at all."""
        name = request.form.get("name", "").strip()[:MAX_NAME]
        with writing(sessions) as db:
            users.audit(db, actor="anonim", action="login.throttled", target=name,
                        detail={"ip": request.remote_addr, "limit": str(limit.limit)}, at=utc_now())
        notice = ("Terlalu banyak percobaan masuk yang gagal; coba lagi nanti.",
                  "Too many failed sign-ins; try again later.")
        answer = make_response(_form(notice, name=name, target=request.form.get("next")), 429)
        answer.headers["Retry-After"] = retry_after(limit)
        return answer

    failed = {"deduct_when": _failed, "on_breach": throttled, "methods": ["POST"]}

    @routes.before_request
    def check_csrf() -> None:
        if request.method == "POST":
            csrf.protect()

    @routes.errorhandler(CSRFError)
    def stale_form(_: CSRFError) -> Any:
        notice = ("Formulir kedaluwarsa atau tidak sah; silakan coba lagi.",
                  "The form expired or is not valid; please try again.")
        return _form(notice, name="", target=request.form.get("next")), 400

    @routes.get(LOGIN_PATH)
    def login_form() -> Any:
        return _form(None, name="", target=request.args.get("next"))

    @routes.post(LOGIN_PATH)
    @limiter.limit(FAILED_PER_ADDRESS, scope="masuk-alamat", **failed)
    @limiter.limit(FAILED_PER_ACCOUNT, key_func=_account, scope="masuk-akun", **failed)
    def login() -> Any:
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        target = request.form.get("next")
        with sessions() as db:  # the password check (~0.1 s of scrypt) holds no write lock
            person = users.authenticate(db, name=name, password=password) if name and password else None
            signed = None if person is None else SignedIn(person, users.session_version(db, name=person.name))
        with writing(sessions) as db:  # SQLite takes its write lock first: no "database is locked"
            if person is None:  # the name tried, never the password
                users.audit(db, actor="anonim", action="login.failed", target=name[:MAX_NAME],
                            detail={"ip": request.remote_addr}, at=utc_now())
            else:
                users.audit(db, actor=person.name, action="login", target=person.name,
                            detail={"ip": request.remote_addr}, at=utc_now())
        if signed is None:
            notice = ("Nama pengguna atau kata sandi salah, atau akun dinonaktifkan.",
                      "Wrong user name or password, or the account is disabled.")
            return _form(notice, name=name, target=target), 401
        session.clear()  # nothing from before sign-in carries over
        login_user(signed)
        session.permanent = True  # expires with the shift (PERMANENT_SESSION_LIFETIME)
        return redirect(local_target(target) if target else landing(signed.person.role))

    @routes.post(LOGOUT_PATH)
    def logout() -> Any:
        person = current_person()
        if person is not None:
            with writing(sessions) as db:  # reads, then writes: SQLite takes its write lock first
                users.end_sessions(db, name=person.name)
                users.audit(db, actor=person.name, action="logout", target=person.name,
                            detail={"ip": request.remote_addr}, at=utc_now())
        logout_user()
        session.clear()
        return redirect("/")

    return routes


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _account() -> str:
    return "akun:" + request.form.get("name", "").strip()[:MAX_NAME]


def _form(notice: tuple[str, str] | None, *, name: str, target: str | None) -> str:
    """The sign-in page; its `next` stays empty unless one was given, so the person lands on their work."""
    return render_template("masuk.html", notice=notice, name=name, next=local_target(target) if target else "")
