"""The `pantau` command: locate points, manage API keys and users, upgrade the database, load the boundary tables."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
import numpy as np

from crm.complaint import utc_now, wib_text
from crm.roles import Role
from settings import load_settings

BATCH = 100_000
OUTPUT_FIELDS = ["lon", "lat", "kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan",
                 "kode_kota", "kota", "flag"]


@click.group()
def main() -> None:
    """Pantau: the live command centre of Jakarta's complaint CRM."""


def _boundaries():
    from geo.boundaries import BoundaryError, load_boundaries

    try:
        return load_boundaries(load_settings().boundaries)
    except BoundaryError as exc:
        raise click.ClickException(str(exc)) from None


def _locator():
    from geo.locate import Locator

    return Locator(_boundaries())


@main.command(context_settings={"ignore_unknown_options": True})  # Jakarta's latitudes are negative
@click.argument("lon", type=float, required=False)
@click.argument("lat", type=float, required=False)
@click.option("--input", "input_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with lon,lat columns.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="CSV to write.")
def locate(lon: float | None, lat: float | None, input_: Path | None, output: Path | None) -> None:
    """Which kelurahan, kecamatan and kota a point (LON LAT) or a CSV of points lies in."""
    if input_ is None and (lon is None or lat is None):
        raise click.UsageError("give LON LAT, or --input points.csv --output out.csv")
    if input_ is not None and output is None:
        raise click.UsageError("--input needs --output")
    if input_ is None:
        found = _locator().locate(lon, lat)
        if found is None:
            click.echo(f"{lon}, {lat}: luar wilayah (outside DKI Jakarta)")
            return
        click.echo(f"kelurahan  {found.kelurahan} ({found.kode_kelurahan})")
        click.echo(f"kecamatan  {found.kecamatan} ({found.kode_kecamatan})")
        click.echo(f"kota       {found.kota} ({found.kode_kota})")
        if found.flag:
            click.echo(f"flag       {found.flag}")
        return
    _locate_file(input_, output)


def _locate_file(input_: Path, output: Path) -> None:
    import pandas as pd
    from rich.progress import Progress

    try:
        points = pd.read_csv(input_, usecols=["lon", "lat"])
    except ValueError as exc:
        raise click.ClickException(f"{input_}: needs numeric lon and lat columns ({exc})") from None
    if not (pd.api.types.is_numeric_dtype(points.lon) and pd.api.types.is_numeric_dtype(points.lat)):
        raise click.ClickException(f"{input_}: lon and lat must be numbers on every row")
    locator = _locator()  # built after the file checks out: it takes a few seconds
    table = locator.boundaries.kelurahan
    with output.open("w", newline="", encoding="utf-8") as out, Progress() as progress:
        writer = csv.writer(out)
        writer.writerow(OUTPUT_FIELDS)
        task = progress.add_task("Menentukan wilayah", total=len(points))
        for start in range(0, len(points), BATCH):
            chunk = points.iloc[start:start + BATCH]
            found = locator.locate_many(chunk.lon.to_numpy(), chunk.lat.to_numpy())
            rows = table.iloc[np.maximum(found.index, 0)][OUTPUT_FIELDS[2:8]].to_numpy()
            for (x, y), row, idx, flag in zip(chunk.to_numpy(), rows, found.index, found.flag):
                fields = list(row) if idx >= 0 else [""] * 6
                writer.writerow([x, y, *fields, _flag_name(idx, flag)])
            progress.advance(task, len(chunk))
    click.echo(f"{len(points)} titik ditulis ke {output}", err=True)


def _flag_name(index: int, flag: int) -> str:
    from crm.complaint import LUAR_WILAYAH
    from geo.coast import FLAG_NAMES

    return LUAR_WILAYAH if index < 0 else (FLAG_NAMES[flag] or "")


@main.group()
def keys() -> None:
    """API keys for channels and back-office systems."""


def _scopes(_: click.Context, __: click.Parameter, given: tuple[str, ...]) -> frozenset[str]:
    from crm.scopes import check

    try:
        return check(given)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@keys.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, callback=_scopes,
              help="What the key may do, once per scope: channel:<kanal>, dead_letters, dead_letters:<kanal>, "
                   "exports (README, API keys and scopes). At least one.")
def keys_create(name: str, scopes: frozenset[str]) -> None:
    """Create a key called NAME that may do each --scope and print it once; only its hash is stored."""
    from store import api_keys, users as store_users

    with _admin_session() as session:
        try:
            key = api_keys.create(session, name=name, scopes=scopes)
        except api_keys.DuplicateKeyName as exc:
            raise click.ClickException(f"{exc}; pick another name") from None
        store_users.audit(session, actor="cli", action="keys.create", target=name,
                          detail={"scopes": sorted(scopes)}, at=utc_now())
    click.echo(key)
    click.echo("Simpan kunci ini sekarang: kunci tidak dapat ditampilkan lagi.", err=True)


@keys.command("list")
def keys_list() -> None:
    """List every key by name with its scopes and dates; never the key itself."""
    from store import api_keys

    with _admin_session() as session:
        found = api_keys.listing(session)
    for key in found:
        state = f"dicabut {wib_text(key.revoked_at)}" if key.revoked_at else "aktif"
        click.echo(f"{key.name}\tdibuat {wib_text(key.created_at)}\tcakupan {','.join(key.scopes) or '-'}\t{state}")
    if not found:
        click.echo("belum ada kunci", err=True)


@keys.command("revoke")
@click.argument("name")
def keys_revoke(name: str) -> None:
    """Revoke the key called NAME at once; audited."""
    from store import api_keys, users as store_users

    with _admin_session() as session:
        if not api_keys.revoke(session, name=name):
            raise click.ClickException(f"tidak ada kunci aktif bernama {name!r}")
        store_users.audit(session, actor="cli", action="keys.revoke", target=name, detail={}, at=utc_now())
    click.echo(f"kunci {name} dicabut")


@main.group()
def users() -> None:
    """People who sign in, or whose personal token a back office uses; every write is audited."""


@users.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What the person may do.")
@click.option("--skpd", help="SKPD code, for skpd_head and skpd_staff (e.g. BINAMARGA-JU).")
@click.option("--area", help="Area code: a kota for wali_kota, kecamatan for camat, kelurahan for lurah.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of standard input.")
def users_create(name: str, role: str, skpd: str | None, area: str | None, password_stdin: bool) -> None:
    """Create the person NAME with a role and, for some roles, an SKPD or area."""
    from crm.roles import check_scope
    from store import users as store_users

    try:
        check_scope(role, skpd, area)  # before asking for a password that would be wasted
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    with _admin_session() as session:
        try:
            store_users.create(session, name=name, role=role, skpd=skpd, area=area, password=password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        store_users.audit(session, actor="cli", action="users.create", target=name,
                          detail={"role": role, "skpd": skpd, "area": area}, at=utc_now())
    click.echo(f"pengguna {name} dibuat dengan peran {role}")


@users.command("token")
@click.argument("name")
def users_token(name: str) -> None:
    """Issue NAME's personal API token and print it once; any older token stops working."""
    from store import users as store_users

    with _admin_session() as session:
        try:
            token = store_users.issue_token(session, name=name)
        except store_users.UnknownUser as exc:
            raise click.ClickException(str(exc)) from None
        store_users.audit(session, actor="cli", action="users.token", target=name, detail={}, at=utc_now())
    click.echo(token)
    click.echo("Simpan token ini sekarang: token tidak dapat ditampilkan lagi; token lama tidak berlaku.", err=True)


@users.command("list")
def users_list() -> None:
    """List everyone with their role, scope and state; never a password or token."""
    from store import users as store_users

    with _admin_session() as session:
        found = store_users.accounts(session)
    for a in found:
        state = f"nonaktif sejak {wib_text(a.disabled_at)}" if a.disabled_at else "aktif"
        scope = a.skpd or a.area or "-"
        click.echo(f"{a.name}\t{a.role}\t{scope}\t{state}\t{'token' if a.has_token else '-'}")
    if not found:
        click.echo("belum ada pengguna", err=True)


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Disable NAME: every session ends at once and the token stops working; audited."""
    _set_disabled(name, disabled=True)


@users.command("enable")
@click.argument("name")
def users_enable(name: str) -> None:
    """Enable NAME again; old sessions stay ended, old tokens work again; audited."""
    _set_disabled(name, disabled=False)


def _set_disabled(name: str, *, disabled: bool) -> None:
    from store import users as store_users

    action, done = ("users.disable", "dinonaktifkan") if disabled else ("users.enable", "diaktifkan")
    with _admin_session() as session:
        if not store_users.set_disabled(session, name=name, disabled=disabled, at=utc_now()):
            raise click.ClickException(f"tidak ada pengguna {name!r}, atau ia sudah {done}")
        store_users.audit(session, actor="cli", action=action, target=name, detail={}, at=utc_now())
    click.echo(f"pengguna {name} {done}")


def _admin_session():
    """A transaction on the migrated database: commits on leaving, rolls back on an error."""
    from store.db import make_engine, make_sessionmaker, upgrade

    engine = make_engine(load_settings().database_url)
    upgrade(engine)
    return make_sessionmaker(engine).begin()


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations to PANTAU_DATABASE_URL (under a lock: safe to run twice at once), then
    fill the boundary tables from PANTAU_BOUNDARIES while they are empty.
    \f
    The filling is here, not a migration's data step (store/migrations/env.py AT_HEAD): migrations
    never read settings or files, every process (and every test's fresh database) migrates, and no
    part of Pantau reads these tables, which are for GIS users. A fresh deployment (compose's
    `migrate`) gets them; a filled database never reads the file again; `pantau boundaries load`
    replaces them. Filling after the migration's own transaction is safe: `fill` writes only into
    empty tables, under a lock, so a failed or concurrent run leaves nothing half-written.
    """
    from store import boundary_tables
    from store.db import make_engine, make_sessionmaker, upgrade, writing

    engine = make_engine(load_settings().database_url)
    upgrade(engine)
    click.echo("database is at the latest schema")
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        if boundary_tables.counts(session).kelurahan:
            return
    found = _boundaries()
    with writing(sessions) as session:
        try:
            loaded = boundary_tables.fill(session, boundaries=found)
        except boundary_tables.UnusableBoundaries as exc:
            raise click.ClickException(str(exc)) from None
    if loaded is not None:  # None: another process filled them meanwhile
        click.echo(f"batas wilayah dimuat: {loaded} dari {found.source}")


@main.group()
def boundaries() -> None:
    """The kelurahan, kecamatan and kota tables that GIS users join complaints to."""


@boundaries.command("load")
def boundaries_load() -> None:
    """Replace the boundary tables with PANTAU_BOUNDARIES's areas, in one transaction."""
    from store import boundary_tables
    from store.db import make_engine, make_sessionmaker, upgrade, writing

    found = _boundaries()  # before the database: a bad file leaves the tables as they were
    engine = make_engine(load_settings().database_url)
    upgrade(engine)
    with writing(make_sessionmaker(engine)) as session:
        try:
            loaded = boundary_tables.replace(session, boundaries=found)
        except boundary_tables.UnusableBoundaries as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{loaded} dimuat dari {found.source}")


@main.command("serve")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Web processes sharing the port (about one per core).")
@click.option("--threads", type=click.IntRange(1, 10_000), default=64, show_default=True,
              help="Threads per process: each open screen (WebSocket) holds one, plus the requests in flight.")
@click.option("--host", help="Address to listen on (default PANTAU_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default PANTAU_PORT).")
def serve(workers: int, threads: int, host: str | None, port: int | None) -> None:
    """The production web server: gunicorn, several processes, Socket.IO through Redis; no background work."""
    from web_server import NeedsRedis
    from web_server import serve as run_server

    settings = load_settings()
    try:
        run_server(settings, host=host or settings.host, port=port or settings.port, workers=workers, threads=threads)
    except NeedsRedis as exc:
        raise click.ClickException(str(exc)) from None


@main.command("worker")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address of the worker's /healthz.")
@click.option("--port", type=click.IntRange(1, 65535), help="Port of the worker's /healthz (default PANTAU_WORKER_PORT).")
def worker(host: str, port: int | None) -> None:
    """The background work (SLA and surge watches, ranking) for `pantau serve`; one leads, others wait."""
    from web.logs import configure_logging
    from worker import NeedsRedis, run_worker

    configure_logging()  # JSON lines, as pantau serve's workers write them
    settings = load_settings()
    try:
        code = run_worker(settings, host=host, port=port or settings.worker_port)
    except NeedsRedis as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def import_history(file: Path) -> None:
    """Load past complaints with their whole status histories from FILE (.jsonl, .ndjson or .csv).

    Refused complaints go to FILE.ditolak.jsonl with their line and the reason; exits 1 if any.
    """
    import time

    from rich.progress import Progress

    from crm.routing import RoutingRules
    from crm.sla import SlaClock
    from ingest.history_files import UnreadableFile, open_history
    from ingest.history_import import import_history
    from store.db import make_engine, make_sessionmaker, upgrade

    try:
        source = open_history(file)
    except UnreadableFile as exc:
        raise click.ClickException(str(exc)) from None
    with source:
        locator = _locator()  # after the file checks out: it takes a few seconds
        engine = make_engine(load_settings().database_url)
        upgrade(engine)
        started = time.perf_counter()
        with Progress() as progress:
            task = progress.add_task("Mengimpor riwayat", total=source.size)
            summary = import_history(source, sessions=make_sessionmaker(engine), locator=locator,
                                     rules=RoutingRules.default(), sla=SlaClock.default(),
                                     progress=lambda done: progress.update(task, completed=done))
        took = time.perf_counter() - started
    total = summary.imported + summary.present + summary.refused
    click.echo(f"diimpor {summary.imported}, sudah ada {summary.present}, ditolak {summary.refused} "
               f"({total} pengaduan dalam {took:.1f} detik, {total / max(took, 1e-9):.0f}/detik)")
    if summary.refused:
        for line, error in summary.errors:
            click.echo(f"baris {line}: {error}", err=True)
        more = summary.refused - len(summary.errors)
        click.echo(f"{f'dan {more} lagi; ' if more else ''}semua yang ditolak ada di {summary.rejects}", err=True)
        sys.exit(1)


@main.group()
def mailbox() -> None:
    """The email channel's mailbox."""


@mailbox.command("poll")
@click.argument("maildir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--url", default="http://127.0.0.1:8050", show_default=True, help="The running Pantau to post to.")
@click.option("--key", envvar="PANTAU_API_KEY", required=True,
              help="API key with channel:email (from 'pantau keys create'); read from PANTAU_API_KEY so it "
                   "stays out of ps.")
def mailbox_poll(maildir: Path, url: str, key: str) -> None:
    """Post every new message of MAILDIR to Pantau's email channel, once (run it from cron or a timer)."""
    from ingest.mailbox import poll_maildir, post_to

    result = poll_maildir(maildir, post_to(url, key))
    click.echo(f"diterima {result.taken}, ditolak (surat mati) {result.rejected}, tertinggal {result.left}")
    if result.left:
        sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
