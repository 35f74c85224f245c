"""The exception tree's own behaviour: messages as fact and advice."""

from __future__ import annotations

from progleton.exceptions import NOTHING_ADDED, FetchError, HTTPStatusError


def test_other_advice_keeps_the_error_what_it_was() -> None:
    failed = HTTPStatusError("x.example answered 503 Service Unavailable", status=503, retry_after=60.0,
                             advice="; it will be retried in 1 minute.")
    added = failed.advising(NOTHING_ADDED)
    assert type(added) is HTTPStatusError and added.status == 503 and added.retry_after == 60.0
    assert added.temporary and isinstance(added, FetchError)
    assert str(added) == ("x.example answered 503 Service Unavailable. Nothing was added: check the address, "
                          "or add it again when the site answers.")
    assert added.without_advice == failed.without_advice and added.advice == NOTHING_ADDED
    assert str(failed).endswith("retried in 1 minute.")  # the original is left as it was


def test_an_address_not_added_is_advised_by_why() -> None:
    from datetime import UTC, datetime, timedelta

    from progleton.exceptions import ConnectError, nothing_added

    until = datetime.now(UTC) + timedelta(hours=2)
    busy = HTTPStatusError("x.example answered 429 Too Many Requests", status=429, retry_after=7200.0)
    assert nothing_added(busy) in (f" Nothing was added: the site asks to wait until {when:%H:%M} UTC; "
                                   "add it again after that." for when in (until, until + timedelta(minutes=1)))
    unavailable = HTTPStatusError("x.example answered 503 Service Unavailable", status=503, retry_after=600.0)
    assert "asks to wait until" in nothing_added(unavailable)
    asked = HTTPStatusError("x.example answered 429 Too Many Requests", status=429)
    assert nothing_added(asked) == " Nothing was added: the site asks to wait; add it again later."
    later = HTTPStatusError("x.example answered 429 Too Many Requests", status=429, retry_after=3 * 86_400.0)
    assert f"until {datetime.now(UTC) + timedelta(days=3):%Y-%m-%d} " in nothing_added(later)
    missing = HTTPStatusError("x.example answered 404 Not Found", status=404)
    assert nothing_added(missing) == " Nothing was added: check the address."
    for unanswered in (HTTPStatusError("x.example answered 500", status=500), ConnectError("no such host")):
        assert nothing_added(unanswered) == NOTHING_ADDED
