#!/usr/bin/env python3
"""`pantau-healthcheck [URL]`: exit 0 when URL answers 2xx within 3 s, else 1.

The containers' healthcheck probe: python:3.11-slim has no curl, and a probe must fail on a 503 from
/readyz as well as on a refused connection. URL defaults to this container's /healthz on PANTAU_PORT.
"""
from __future__ import annotations

import http.client
import os
import sys
import urllib.request


def probe(url: str, timeout_s: float = 3) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:  # raises HTTPError on 4xx/5xx
            return 0 if 200 <= answer.status < 300 else 1
    except (OSError, http.client.HTTPException) as err:  # refused, timed out, 4xx/5xx, garbled
        print(f"{url}: {err}", file=sys.stderr)
        return 1


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else f"http://127.0.0.1:{os.environ.get('PANTAU_PORT', '8050')}/healthz"
    return probe(url)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
