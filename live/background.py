"""The background work, started in one place: `python app.py` runs it in its own process and
`pantau worker` in the deployment's one worker process; `pantau serve` web processes never do.

SLA watch (breaches), surge watch (floods), the ranking board's task (rebuilds, applying changes,
`ranking_changed` to screens), the notice dispatcher (notify/dispatch.py: reporters hear back) and,
with Redis, following the other processes' ranking changes.
Every loop ends when `stop` is set, so a worker can drain on SIGTERM.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from live.every import every
from live.ranking import RankingBoard
from live.ranking_share import RankingShare
from live.sla_watch import run_watch
from live.surge_watch import run_surge_watch
from web.metrics import timed_round

if TYPE_CHECKING:
    from flask_socketio import SocketIO
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher
    from notify.dispatch import Dispatcher


def start_background_work(socketio: SocketIO, sessions: sessionmaker[Session], publisher: Publisher,
                          ranking: RankingBoard, share: RankingShare | None, *, sla_every: float,
                          surge_every: float, dispatcher: Dispatcher, notice_every: float,
                          stop: threading.Event | None = None) -> list[threading.Thread]:
    """Start every background loop as a task of `socketio`'s async mode; the started tasks."""
    send_notices = timed_round("notices", lambda: dispatcher.round(stop))
    tasks = [
        socketio.start_background_task(run_watch, sessions, publisher, stop=stop, every_s=sla_every),
        socketio.start_background_task(run_surge_watch, sessions, publisher, stop=stop, every_s=surge_every),
        socketio.start_background_task(ranking.run, stop=stop),
        socketio.start_background_task(every, notice_every, send_notices, stop=stop,
                                       failed="Pengiriman pemberitahuan gagal"),
    ]
    if share is not None:  # ... of the other processes too
        tasks.append(socketio.start_background_task(share.follow, ranking.changed, stop=stop))
    return tasks
