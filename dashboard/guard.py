"""One guard for the staff pages (/meja, /validasi, /antrian): the person signed in, or what the page
shows in their place: a link to sign in for nobody, a refusal naming the person for a wrong role.

A page's layout and its callbacks ask the same guard, so a session that ended or a role that
changed is answered alike whichever part of the page asks.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dash import dcc, html
from dash.development.base_component import Component

from crm.roles import Person, Role
from dashboard.i18n import ROLE_NAMES, bi
from dashboard.queue_widgets import notice
from followup.auth import LOGIN_PATH, NotAllowed, NotSignedIn, require_person


@dataclass(frozen=True)
class Guard:
    """The page at `path` is for `roles` (anyone signed in when empty); `audience` names them, in
    (Bahasa Indonesia, English), to anyone else."""

    path: str
    roles: tuple[Role, ...] = ()
    audience: tuple[str, str] = ("", "")

    def check(self) -> Person | html.P:
        """The person of this request, or the notice to show instead of the page."""
        try:
            return require_person(*self.roles)
        except NotSignedIn:
            return sign_in_prompt(self.path)
        except NotAllowed as exc:
            name_id, name_en = ROLE_NAMES[exc.person.role]
            who_id, who_en = f"{exc.person.name} ({name_id})", f"{exc.person.name} ({name_en})"
            return notice(bi(f"{who_id}: halaman ini untuk {self.audience[0]}.",
                             f"{who_en}: this page is for {self.audience[1]}."), "bad")

    def page(self, title: Component, content: Callable[[Person, Component], list[Component]]) -> html.Main:
        """The layout: `content(person, title)` for a person the page is for, else the title over the notice."""
        found = self.check()
        children = content(found, title) if isinstance(found, Person) else [title, found]
        return html.Main(className="work", children=children)


def sign_in_prompt(path: str) -> html.P:
    return html.P(className="track-notice track-notice-bad", children=[
        bi("Halaman ini untuk petugas yang sudah masuk. ", "This page is for signed-in staff. "),
        dcc.Link(bi("Masuk", "Sign in"), href=f"{LOGIN_PATH}?next={path}", refresh=True, className="work-sign-in"),
    ])
