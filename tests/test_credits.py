"""Whose text a report is: the agency its dateline or credit line names."""

from __future__ import annotations

import pytest

from progleton.credits import text_credit

QUAKE = "SANTIAGO (Global Wire) - A magnitude 6.8 earthquake struck northern Chile on Sunday."


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        (QUAKE, "Global Wire"),
        ("WASHINGTON (AP) — The Senate voted on Tuesday to pass the bill.", "AP"),
        ("LONDON, May 3 (Reuters) - Britain's economy grew faster than expected.", "Reuters"),
        ("KYIV, Ukraine (AP) — Drones hit the capital overnight.", "AP"),
        ("(Reuters) - Apple said on Thursday it would open a new campus.", "Reuters"),
        ("Washington (CNN) — The president signed the order.", "CNN"),
        ("The Senate voted on Tuesday to pass the bill.\n\nCopyright 2026 The Associated Press. "
         "All rights reserved.", "Associated Press"),
        ("The fair opened on Sunday.\n\n© 2026 Reuters", "Reuters"),
        # no agency named
        ("The Federal Reserve (Fed) — the central bank — held rates on Wednesday.", None),
        ("A magnitude 6.8 earthquake struck northern Chile on Sunday (local time) - the navy said.", None),
        ("The Copyright Office said on Monday that 2026 filings had doubled.", None),
        ("Residents of Antofagasta ran into the streets as windows shattered.", None),
    ],
)
def test_the_agency_a_text_credits_in_its_dateline_or_credit_line(text: str, agency: str | None) -> None:
    assert text_credit(text) == agency
