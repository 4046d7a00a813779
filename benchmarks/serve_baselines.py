"""The two baselines `benchmarks/serve_ingest.py` runs under the same gunicorn as `pantau serve`.

`trivial()`: a Flask handler that reads the JSON body and answers 201: the server's ceiling.
`naive()`: what a first version does per request: one geopandas.sjoin and one ORM insert with its
own commit, nothing published. Both read BENCH_DATABASE_URL / the boundaries from the environment.
"""
from __future__ import annotations

import os
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def trivial() -> Flask:
    app = Flask("trivial")

    @app.post("/api/v1/reports")
    def report() -> Any:
        body = request.get_json()
        return jsonify({"id": 1, "external_id": body["external_id"]}), 201

    return app


def naive() -> Flask:
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.boundaries import load_boundaries
    from settings import load_settings
    from store.db import make_engine, make_sessionmaker
    from store.models import ComplaintRow

    kelurahan = load_boundaries(load_settings().boundaries).kelurahan[["kode_kelurahan", "geometry"]]
    sessions = make_sessionmaker(make_engine(os.environ["BENCH_DATABASE_URL"]))
    app = Flask("naive")

    @app.post("/api/v1/reports")
    def report() -> Any:
        body = request.get_json()
        point = gpd.GeoDataFrame(geometry=[Point(body["lon"], body["lat"])], crs=kelurahan.crs)
        found = gpd.sjoin(point, kelurahan, predicate="within")
        with sessions.begin() as session:
            row = ComplaintRow(ticket=uuid.uuid4().hex[:20], channel=body["channel"], external_id=body["external_id"],
                               received_at=datetime.now(timezone.utc), text=body["text"], category="lainnya",
                               lon=body["lon"], lat=body["lat"], skpd="-", status="Menunggu",
                               kode_kelurahan=None if found.empty else found["kode_kelurahan"].iloc[0])
            session.add(row)
            session.flush()
            return jsonify({"id": row.id}), 201

    return app
