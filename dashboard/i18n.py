"""Bahasa Indonesia first, English on request: every label is rendered in both languages.

The language toggle only switches a class on the page root (`lang-id` / `lang-en`) and CSS hides
the other language, so switching costs no server round trip and no re-render of the map.
The browser's renderers (assets/render.js) build the same two spans.
"""
from __future__ import annotations

from dash import html


def bi(text_id: str, text_en: str, **props: object) -> html.Span:
    """One label in both languages; CSS shows the chosen one."""
    return html.Span([html.Span(text_id, className="t-id", lang="id"),
                      html.Span(text_en, className="t-en", lang="en")], **props)

