"""Pantau's composition root: settings -> geo (first: a bad boundary file fails in one clear sentence)
-> store -> dashboard and sign-in -> live -> intake -> routes -> services (they need the publisher and
the receiver) -> web (errors, request ids, health, security headers) -> run.

`python app.py` serves the command centre at http://127.0.0.1:8050 on the embedded SQLite store, and
runs the background work in the same process. `wsgi()` is one web process of `pantau serve`
(web_server.py), which leaves the background work to `pantau worker` (worker.py).
"""
from __future__ import annotations

import argparse
import secrets
import sys
from dataclasses import dataclass

from dash import Dash
from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy.orm import Session, sessionmaker

from crm.intake import Intake
from crm.sla import SlaClock
from dashboard.app import make_dash
from dashboard.context import install_services
from followup.api import make_follow_up_api
from followup.auth import install_auth, person_from_request
from followup.corrections import Corrector
from followup.verdict import Verdicts
from geo.boundaries import BoundaryError, load_boundaries
from geo.gazetteer import Gazetteer
from geo.locate import Locator
from ingest.api import make_api
from ingest.auth import KeyChecker
from ingest.channel_api import make_channel_api
from ingest.channels.open311.api import make_open311_api
from ingest.dead_letter_steps import DeadLetterSteps
from ingest.demo_places import load_places
from ingest.pipeline import make_intake
from ingest.receive import Receiver, dead_letter_keeper
from ingest.simulator import Simulator
from live.background import start_background_work
from live.handlers import register_handlers
from live.publish import Publisher, make_socketio
from live.ranking import RankingBoard
from live.ranking_share import RankingShare
from notify.configured import make_dispatcher, notice_rule
from opendata.exports import make_export_api
from opendata.ranking_api import Names, make_ranking_api
from services import Services
from services.unit_of_work import use_notice_rule
from settings import Settings, channel_secrets, load_settings
from store.db import make_engine, make_sessionmaker, upgrade
from web import install_web
from web.headers import QuietRequestHandler, install_security_headers
from web.logs import configure_logging
from web.params import install_converters
from web.throttle import Attempts, limit_public_reads, make_limiter


@dataclass
class Pantau:
    dash: Dash
    socketio: SocketIO
    sessions: sessionmaker[Session]
    locator: Locator
    intake: Intake
    receiver: Receiver
    publisher: Publisher
    ranking: RankingBoard
    share: RankingShare | None  # the ranking's changes between processes, with Redis


def create_app(settings: Settings, locator: Locator | None = None, *, migrate: bool = True,
               background: bool = True) -> Pantau:
    """Build everything; a Locator may be passed in so tests build the grid only once.

    `migrate=False` when the schema was upgraded before (`pantau serve` does it once, under a lock);
    `background=False` for a web process whose background work runs in `pantau worker`: its
    ranking board then follows changes quietly and the worker's board tells screens.
    """
    locator = locator or Locator(load_boundaries(settings.boundaries))  # fails first: a clear sentence
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    sessions = make_sessionmaker(engine)
    use_notice_rule(sessions, notice_rule(settings))  # the texts and address every write's notices are made with

    dash = make_dash(locator.boundaries, settings.map_style)
    install_converters(dash.server)  # before the routes below: `<int:...>` stops at the database's BIGINT
    dash.server.secret_key = settings.secret_key or secrets.token_hex(32)
    limiter = make_limiter(dash.server, redis_url=settings.redis_url, prefix=settings.redis_channel)
    install_auth(dash.server, sessions, limiter, secure_cookies=settings.secure_cookies)
    socketio = make_socketio(dash.server, redis_url=settings.redis_url, channel=settings.redis_channel)
    publisher = Publisher(socketio, sessions)
    register_handlers(socketio, publisher)
    ranking = RankingBoard(sessions, socketio if background else None)
    share = RankingShare(settings.redis_url, f"{settings.redis_channel}:ranking") if settings.redis_url else None
    publisher.listen(ranking.notice)
    if share is not None:
        publisher.listen(share.send)
    sla = SlaClock.default()
    intake = make_intake(locator, sessions, publisher, threshold=settings.classifier_threshold, sla=sla)
    attempts = Attempts(limiter, settings.redis_channel)
    keys = KeyChecker(sessions, attempts=attempts, people=person_from_request)
    verdicts = Verdicts(sessions, publisher, sla, attempts)
    receiver = Receiver(intake, dead_letter_keeper(sessions), verdicts.take_reply)
    letters = DeadLetterSteps(sessions, publisher, receiver, channel_secrets(settings))
    dash.server.register_blueprint(make_api(intake, sessions, keys))
    dash.server.register_blueprint(make_channel_api(receiver, sessions, keys, channel_secrets(settings), letters))
    dash.server.register_blueprint(make_open311_api(receiver, sessions, keys))
    corrector = Corrector(sessions, publisher, intake, Gazetteer.from_boundaries(locator.boundaries))
    dash.server.register_blueprint(make_follow_up_api(sessions, publisher, sla, attempts, corrector, verdicts))
    dash.server.register_blueprint(make_ranking_api(ranking, Names(locator.boundaries)))
    dash.server.register_blueprint(make_export_api(sessions, keys))
    limit_public_reads(limiter, dash.server, rule=settings.public_reads,
                       exempt_when=lambda: keys.presented() is not None or person_from_request() is not None)
    install_services(dash.server, Services(sessions, publisher, sla, receiver, attempts, letters, corrector,
                                                  verdicts, ranking))
    install_web(dash.server, sessions, settings.redis_url,  # errors, request ids, body limits, /healthz, /readyz
                signed_in=lambda: person_from_request() is not None, trusted_proxies=settings.trusted_proxies)
    install_security_headers(dash.server, dash.csp_hashes, online_map=settings.map_style != "white-bg")
    return Pantau(dash=dash, socketio=socketio, sessions=sessions, locator=locator, intake=intake, receiver=receiver,
                  publisher=publisher, ranking=ranking, share=share)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve Pantau; settings come from PANTAU_* variables.")
    parser.add_argument("--demo", action="store_true", help="also feed simulated complaints through the intake")
    parser.add_argument("--rate", type=float, default=1.0, help="demo complaints per second, on average (1)")
    parser.add_argument("--seed", type=int, help="demo random seed, for a repeatable feed")
    args = parser.parse_args(argv)
    if not 0 < args.rate < float("inf"):
        parser.error("--rate must be a positive number of complaints per second")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    configure_logging(json=False)  # one person at a terminal reads these
    settings = load_settings()
    if args.demo and not settings.facebook_app_secret:  # the demo signs its own Facebook webhooks
        settings = settings.model_copy(update={"facebook_app_secret": secrets.token_hex(16)})
    try:
        pantau = create_app(settings)
    except BoundaryError as exc:
        sys.exit(f"Pantau cannot start: {exc}")
    if args.demo:
        demo = Simulator(load_places(pantau.locator.boundaries), rate=args.rate, seed=args.seed,
                         secrets=channel_secrets(settings))
        pantau.socketio.start_background_task(demo.run, pantau.receiver)
        print(f"Demo feed: about {args.rate:g} complaints/s, placed by {demo.places.source}", flush=True)
    start_background_work(pantau.socketio, pantau.sessions, pantau.publisher, pantau.ranking, pantau.share,
                          sla_every=settings.sla_watch_seconds, surge_every=settings.surge_watch_seconds,
                          dispatcher=make_dispatcher(pantau.sessions, settings), notice_every=settings.notice_seconds)
    print(f"Pantau serves http://{settings.host}:{settings.port}", flush=True)
    pantau.socketio.run(pantau.dash.server, host=settings.host, port=settings.port,
                        allow_unsafe_werkzeug=True, request_handler=QuietRequestHandler)


def wsgi() -> Flask:
    """One web process of `pantau serve` (gunicorn loads `app:wsgi()` in each worker process).

    The schema is already upgraded and the background work is `pantau worker`'s. The ranking board
    still follows the other processes' changes through Redis, so every process serves the same table.
    """
    configure_logging()  # JSON lines with the request id, for the deployment's log collector
    pantau = create_app(load_settings(), migrate=False, background=False)
    if pantau.share is not None:
        pantau.socketio.start_background_task(pantau.share.follow, pantau.ranking.changed)
    return pantau.dash.server


if __name__ == "__main__":
    main()
