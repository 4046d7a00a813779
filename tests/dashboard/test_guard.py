"""The one guard of the staff pages (dashboard/guard.py), asked as a page's layout and callbacks ask it:
inside a request, by whoever sends it."""
from __future__ import annotations

from dash import dcc, html
from sqlalchemy import Engine

from app import create_app
from crm.roles import Person, Role
from dashboard.guard import Guard
from settings import Settings
from store import users

VALIDATORS = Guard("/validasi", (Role.VALIDATOR, Role.GOVERNOR), ("validator", "validators"))


def texts(component: object) -> str:
    """Every string inside a Dash component tree, joined."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    children = children if isinstance(children, list) else [children]
    return " ".join(texts(child) for child in children if child is not None)


def test_the_guard_answers_nobody_a_wrong_role_and_the_right_one(engine: Engine, locator) -> None:
    pantau = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)), locator=locator,
                        background=False)
    with pantau.sessions.begin() as session:
        tokens = {}
        for name, role in (("validator", "validator"), ("operator", "operator")):
            users.create(session, name=name, role=role, skpd=None, area=None, password="kata-sandi-panjang")
            tokens[name] = users.issue_token(session, name=name)
    server = pantau.dash.server

    with server.test_request_context("/validasi"):
        prompt = VALIDATORS.check()
        page = VALIDATORS.page(html.H2("Antrian validasi"), lambda person, title: [title, html.P(person.name)])
    assert isinstance(prompt, html.P) and "track-notice-bad" in prompt.className
    link = prompt.children[-1]
    assert isinstance(link, dcc.Link) and link.href == "/masuk?next=/validasi"
    assert [type(child) for child in page.children] == [html.H2, html.P] and page.className == "work"
    assert "Sign in" in texts(page.children[1])

    as_operator = {"Authorization": f"Bearer {tokens['operator']}"}
    with server.test_request_context("/validasi", headers=as_operator):
        refusal = VALIDATORS.check()
        anyone = Guard("/antrian").check()
    assert "operator (Operator CRM): halaman ini untuk validator." in texts(refusal)  # the role by name, not its code
    assert "operator (CRM operator): this page is for validators." in texts(refusal)
    assert isinstance(anyone, Person) and anyone.name == "operator"

    with server.test_request_context("/validasi", headers={"Authorization": f"Bearer {tokens['validator']}"}):
        page = VALIDATORS.page(html.H2("Antrian validasi"), lambda person, title: [title, html.P(person.name)])
    assert texts(page.children[1]) == "validator"
