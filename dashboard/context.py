"""What the pages read from: handed over by the composition root, kept on the Flask app.

Page modules are loaded by Dash, not called by app.py, so they find their inputs here rather than
in module globals; each Dash app (tests build several) keeps its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from crm.sla import SlaClock
from dashboard.snapshot import RecentComplaints
from ingest.receive import Receiver
from live.publish import Publisher

EXTENSION = "pantau.dashboard"
FOLLOW_UP = "pantau.dashboard.follow_up"


@dataclass(frozen=True)
class PageContext:
    outlines: dict[str, Any]  # kelurahan outlines as GeoJSON, simplified for display
    recent: RecentComplaints  # recent(since=..., status=...) reads complaints from the store
    map_style: str


def install(server: Flask, context: PageContext) -> None:
    server.extensions[EXTENSION] = context


def page_context() -> PageContext:
    """The context of the app serving the current request (page layouts run inside one)."""
    return current_app.extensions[EXTENSION]


@dataclass(frozen=True)
class FollowUpContext:
    """What the work pages change complaints with: the follow-up API's own store, live outbox and SLA
    clock, and the channels' receiver for the desk form. Installed apart from PageContext because the
    publisher needs the Dash server first."""

    sessions: sessionmaker[Session]
    publisher: Publisher
    sla: SlaClock
    receiver: Receiver


def install_follow_up(server: Flask, context: FollowUpContext) -> None:
    server.extensions[FOLLOW_UP] = context


def follow_up_context() -> FollowUpContext:
    return current_app.extensions[FOLLOW_UP]
