"""The public surface is small and deliberate (httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import progleton


def test_all_exports_exist_and_are_sorted() -> None:
    for name in progleton.__all__:
        assert getattr(progleton, name) is not None, name
    assert progleton.__all__ == sorted(progleton.__all__, key=str)


def test_bad_input_errors_are_value_errors() -> None:
    assert issubclass(progleton.UnsafeURLError, ValueError)
    assert issubclass(progleton.FeedParseError, ValueError)
    assert issubclass(progleton.NotFound, LookupError)
    for name in progleton.__all__:
        obj = getattr(progleton, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, progleton.ProgletonError), name
