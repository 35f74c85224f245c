"""Web stage: the server-rendered reader, the JSON API and the output feeds."""

from .app import create_app

__all__ = ["create_app"]
