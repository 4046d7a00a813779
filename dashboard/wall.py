"""Wall mode of the command centre: `/?layar=dinding`, the screen a control room hangs on its wall.

The query parameter is a promise to the people who bookmark it, so its name and value live here
once, and any page reading the query asks `is_wall` (the command centre's filters treat every other
parameter; `unknown_screen` tells them and the page when `layar` names no screen we have). The wall
look itself is CSS (assets/pantau.css `.wall`): no header, dark, large type, loud alerts.
"""
from __future__ import annotations

from collections.abc import Mapping

from dash import html

from dashboard.i18n import bi

Query = Mapping[str, str | list[str]]  # what Dash hands `layout(**query)`: a repeated parameter is a list
LAYAR = "layar"  # the query parameter naming the screen
WALL = "dinding"  # its one value so far: the wall screen


def is_wall(query: Query) -> bool:
    """Whether the page's query (as Dash hands it to `layout(**query)`) asks for the wall screen."""
    return query.get(LAYAR) == WALL


def unknown_screen(query: Query) -> str | None:
    """The `layar` value asked for when it names no screen (a repeated parameter arrives as a list,
    and is unknown too), else None: the page says so and shows its ordinary screen."""
    value = query.get(LAYAR)
    if value is None or value == WALL:
        return None
    return value if isinstance(value, str) else ", ".join(value)


def screen_notice(query: Query) -> html.Div | None:
    """A one-line notice for an unknown `layar`, naming the value and the one that works, or None."""
    asked = unknown_screen(query)
    if asked is None:
        return None
    return html.Div(className="screen-notice", role="status", children=bi(
        f"Layar “{asked}” tidak dikenal; ditampilkan layar biasa. Layar dinding: ?{LAYAR}={WALL}",
        f"Unknown screen “{asked}”; showing the ordinary screen. Wall screen: ?{LAYAR}={WALL}"))
