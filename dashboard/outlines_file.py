"""The kelurahan outlines as one cacheable file, `/peta/kelurahan.geojson?v=<digest>`.

Half a megabyte of GeoJSON is the same on every load of the command centre, and in every filter
change; inside the figure it was sent, parsed and validated each time. Plotly fetches a trace's
`geojson` given as a URL itself, so the browser downloads it once and keeps it (`immutable`: the
digest in the URL changes whenever the boundary file does).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Flask, Response, request

PATH = "/peta/kelurahan.geojson"
MAX_AGE_S = 365 * 24 * 3600


def install_outlines_file(server: Flask, outlines: dict[str, Any]) -> str:
    """Serve `outlines` at PATH and answer the URL pages give plotly."""
    body = json.dumps(outlines, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(body).hexdigest()[:16]

    def outlines_file() -> Response:
        response = Response(body, mimetype="application/json")  # compressed like the pages' other JSON
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_S}, immutable"
        response.set_etag(digest)
        return response.make_conditional(request)

    server.add_url_rule(PATH, "kelurahan_outlines", outlines_file)
    return f"{PATH}?v={digest}"
