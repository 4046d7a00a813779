"""Evidence photos as the transitions API receives them: base64 JPEG or PNG, checked before storing."""
from __future__ import annotations

import base64
import binascii

MAX_PHOTOS = 10
MAX_PHOTO_BYTES = 5_000_000
SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


class BadEvidence(ValueError):
    """A photo that is not base64, not a JPEG or PNG, or too large; the message says which."""


def decode(items: object) -> list[tuple[bytes, str]]:
    """(content, media type) of each photo; BadEvidence naming the first bad one."""
    if not isinstance(items, list | tuple) or len(items) > MAX_PHOTOS:
        raise BadEvidence(f"evidence: daftar berisi paling banyak {MAX_PHOTOS} foto base64")
    photos = []
    for index, item in enumerate(items):
        try:
            content = base64.b64decode(item, validate=True) if isinstance(item, str) else b""
        except binascii.Error:
            content = b""
        media_type = next((t for magic, t in SIGNATURES.items() if content.startswith(magic)), None)
        if media_type is None:
            raise BadEvidence(f"evidence[{index}]: bukan foto JPEG atau PNG dalam base64")
        if len(content) > MAX_PHOTO_BYTES:
            raise BadEvidence(f"evidence[{index}]: lebih dari {MAX_PHOTO_BYTES // 1_000_000} MB")
        photos.append((content, media_type))
    return photos
