"""One shape most write endpoints share: look one object up (Zoho's not-found answer if it is not
there), do something to it inside one store transaction, answer with Zoho's sentence."""
from __future__ import annotations

from typing import Callable

from werkzeug.wrappers import Response

from ..core import RequestContext, ok


def act(ctx: RequestContext, lookup: str, object_id: str, action: Callable, message: str,
        show: Callable[..., dict] | None = None) -> Response:
    """``action(store, obj)`` on ``store.<lookup>(object_id)``; ``show(store, obj)`` adds the reply's keys."""
    with ctx.store.transaction() as store:
        obj = getattr(store, lookup)(object_id)
        action(store, obj)
        return ok(message, **(show(store, obj) if show else {}))
