"""Request bodies parsed as JSON with a bound on nesting: `[[[[...` a hundred thousand deep made
Python's parser overflow its stack (RecursionError, answered 500). Here it is a malformed body like
any other, which Flask answers 400 and each API in its own error shape."""
from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class BoundedJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON bersarang terlalu dalam / JSON nested too deep") from None
