"""Who the authenticated user acts for, asked of the app that knows (core knows no domain app).

The accounts app registers its ``bind(user, session=...)`` in ``AppConfig.ready()``; core's API
base (``ScopedAPIMixin``) asks through ``bind_user``. With nothing registered the answer fails
closed: a scope that sees nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from .scoping import Scope

Binder = Callable[..., Scope]
_binder: Binder | None = None


def register_scope_binder(binder: Binder) -> None:
    global _binder
    _binder = binder


def bind_user(user, *, session=None) -> Scope:
    if _binder is None:
        return Scope(paths=())
    return _binder(user, session=session)
