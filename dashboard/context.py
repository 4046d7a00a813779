"""What the pages read from: handed over by the composition root, kept on the Flask app.

Page modules are loaded by Dash, not called by app.py, so they find their inputs here rather than
in module globals; each Dash app (tests build several) keeps its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app


if TYPE_CHECKING:
    from services import Services

EXTENSION = "pantau.dashboard"
SERVICES = "pantau.services"


@dataclass(frozen=True)
class PageContext:
    outlines: dict[str, Any]  # kelurahan outlines as GeoJSON, simplified for display
    map_style: str
    outlines_url: str  # the same outlines as a file the browser fetches once and keeps (dashboard/outlines_file.py)


def install(server: Flask, context: PageContext) -> None:
    server.extensions[EXTENSION] = context


def page_context() -> PageContext:
    """The context of the app serving the current request (page layouts run inside one)."""
    return current_app.extensions[EXTENSION]


def install_services(server: Flask, services: Services) -> None:
    """Installed apart from PageContext because the publisher needs the Dash server first."""
    server.extensions[SERVICES] = services


def services() -> Services:
    """The services of the app serving the current request: what pages change complaints with."""
    return current_app.extensions[SERVICES]
