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
