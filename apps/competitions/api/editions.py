"""API routes; see api/urls.py."""


def register(router) -> None:
    pass
