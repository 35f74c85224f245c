"""A hand-written news stream with its exact expected grouping.

Two earthquakes in the same days (Turkey and Japan), two celebrities entering rehab, one court
ruling: each reported by several outlets in their own words over three days, plus an agency
(wire) text carried by three outlets. ``EXPECTED`` names the event of every doc.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from progleton.stories import Doc

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

WIRE_QUAKE_TR = (
    "ISTANBUL (AP) - A magnitude 6.4 earthquake struck western Turkey early Monday, killing at "
    "least 14 people and toppling buildings in the coastal city of Izmir, the disaster agency AFAD "
    "said. The quake was centred in the Aegean Sea about 17 kilometres off the Seferihisar "
    "district at a depth of 10 kilometres. Rescuers searched the rubble of 20 collapsed buildings "
    "through the night. Interior Minister Ali Yerlikaya said 830 people were injured and that "
    "tents were being set up for families afraid to return home. Aftershocks of magnitude 4 and "
    "above rattled the region for hours."
)

# (doc id, outlet, hours after T0, title, text, event)
STREAM: list[tuple[str, str, float, str, str, str]] = [
    (
        "tr-1",
        "ap",
        0.5,
        "Magnitude 6.4 earthquake hits western Turkey, 14 dead",
        WIRE_QUAKE_TR,
        "quake-tr",
    ),
    (
        "tr-2",
        "abc-news",
        1.0,
        "Strong quake rocks Turkey's Aegean coast",
        WIRE_QUAKE_TR,
        "quake-tr",
    ),
    (
        "jp-1",
        "nhk",
        2.0,
        "M7.1 earthquake strikes off Hokkaido, tsunami advisory issued",
        "A magnitude 7.1 earthquake struck off the coast of Hokkaido in northern Japan on Monday "
        "afternoon, the Japan Meteorological Agency said, issuing a tsunami advisory for the "
        "Pacific coast near Kushiro. Waves of up to one metre were expected. Hokkaido Electric "
        "Power said 48,000 homes lost power in Kushiro and Nemuro. Trains on the Shinkansen line "
        "were halted for inspection. Prime Minister Fumio Kishida told reporters the government "
        "had set up a task force and that no deaths had been confirmed.",
        "quake-jp",
    ),
    (
        "tr-3",
        "guardian",
        3.0,
        "Izmir earthquake: rescuers pull survivors from rubble",
        "Rescue teams in Izmir worked through the night after the 6.4-magnitude earthquake that "
        "hit Turkey's Aegean coast, pulling survivors from collapsed apartment blocks in the "
        "Bayrakli and Seferihisar districts. AFAD, Turkey's disaster agency, put the death toll "
        "at 14 with more than 800 injured. Interior Minister Ali Yerlikaya visited the city and "
        "promised new housing. Seismologists said the fault beneath the Aegean Sea near Samos "
        "had been expected to rupture.",
        "quake-tr",
    ),
    (
        "rehab-a1",
        "people",
        4.0,
        "Tara Reid checks into Promises Treatment Center",
        "Actress Tara Reid has checked herself into Promises Treatment Center in Malibu, her "
        "representative Jack Ketsoyan told People on Monday. The American Pie star asked for "
        "privacy for herself and her family. Ketsoyan would not say what Reid was being treated "
        "for. Friends said she entered the Malibu facility on Sunday night.",
        "rehab-reid",
    ),
    (
        "jp-2",
        "reuters",
        5.0,
        "Japan quake cuts power to thousands in Hokkaido",
        "The 7.1 magnitude quake off Hokkaido left 48,000 households without electricity in "
        "Kushiro and Nemuro, Hokkaido Electric Power said, as the Japan Meteorological Agency "
        "lifted its tsunami advisory for the Pacific coast. Shinkansen services resumed after "
        "inspections. Prime Minister Fumio Kishida said several people were hurt by falling "
        "objects in Kushiro but no deaths were reported.",
        "quake-jp",
    ),
    ("tr-4", "yahoo", 6.0, "Turkey earthquake kills 14 in Izmir", WIRE_QUAKE_TR, "quake-tr"),
    (
        "court-1",
        "bbc",
        8.0,
        "Supreme Court rules against Meta in Irish data transfer case",
        "The Irish Supreme Court has ruled that Meta must suspend transfers of European users' "
        "data to the United States, upholding a decision by the Data Protection Commission. "
        "Judge Elizabeth Dunne said the commission had acted within its powers. Meta said it "
        "would appeal to the Court of Justice of the European Union and warned the ruling could "
        "force Facebook and Instagram to close in Europe.",
        "court-meta",
    ),
    (
        "rehab-b1",
        "tmz",
        26.0,
        "Lindsay Lohan enters Betty Ford Center for 90-day stay",
        "Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage on Tuesday to begin a "
        "court-ordered 90-day stay, her lawyer Shawn Holley said. A Santa Monica judge ordered "
        "the treatment after Lohan violated probation in her reckless driving case, in which she "
        "rear-ended a truck with her Porsche on Pacific Coast Highway.",
        "rehab-lohan",
    ),
    (
        "tr-5",
        "al-jazeera",
        27.0,
        "Death toll in Turkey quake rises to 22",
        "The death toll from the magnitude 6.4 earthquake in western Turkey rose to 22 on "
        "Tuesday, disaster agency AFAD said, as rescuers in Izmir found more bodies in the "
        "rubble of collapsed buildings in Bayrakli. Interior Minister Ali Yerlikaya said 830 "
        "people were injured and 5,000 were sheltering in tents. Aftershocks continued to shake "
        "Seferihisar and the Aegean coast.",
        "quake-tr",
    ),
    (
        "jp-3",
        "japan-times",
        28.0,
        "Hokkaido quake: Kushiro cleans up, aftershocks warned",
        "Residents of Kushiro in eastern Hokkaido cleared broken glass and fallen shelves on "
        "Tuesday after Monday's magnitude 7.1 earthquake, as the Japan Meteorological Agency "
        "warned of strong aftershocks for a week. Power was restored to most of the 48,000 "
        "households in Kushiro and Nemuro, Hokkaido Electric Power said. Prime Minister Fumio "
        "Kishida will visit the area.",
        "quake-jp",
    ),
    (
        "rehab-a2",
        "us-weekly",
        29.0,
        "Tara Reid in rehab at Promises, rep confirms",
        "Tara Reid has entered rehab at the Promises Treatment Center in Malibu, her rep Jack "
        "Ketsoyan confirmed to Us Weekly. The American Pie actress checked in on Sunday night "
        "with the support of her family, a friend said. Ketsoyan asked that her privacy be "
        "respected and did not say what she was being treated for.",
        "rehab-reid",
    ),
    (
        "court-2",
        "irish-times",
        30.0,
        "Meta loses Supreme Court appeal over EU-US data transfers",
        "Meta has lost its appeal in the Irish Supreme Court over the Data Protection "
        "Commission's order to halt transfers of European users' data to the United States. "
        "Ms Justice Elizabeth Dunne found the commission acted lawfully. Meta said it would ask "
        "the Court of Justice of the European Union to rule and that Facebook and Instagram "
        "services in Europe were at risk.",
        "court-meta",
    ),
    (
        "rehab-b2",
        "e-news",
        50.0,
        "Lohan arrives at Betty Ford after skipping Newport Beach",
        "Lindsay Lohan has arrived at the Betty Ford Center in Rancho Mirage for her 90-day "
        "court-mandated rehab stay, after skipping out on a Newport Beach facility. Her lawyer "
        "Shawn Holley said Lohan was committed to the treatment. The Santa Monica judge had "
        "warned that leaving Betty Ford would mean jail over her probation violation.",
        "rehab-lohan",
    ),
    (
        "tr-6",
        "dw",
        51.0,
        "Izmir earthquake: Turkey mourns 22 dead as search ends",
        "Turkey ended the search for survivors in Izmir on Wednesday, two days after the "
        "magnitude 6.4 earthquake on the Aegean coast. AFAD said the toll stood at 22 dead and "
        "830 injured. Interior Minister Ali Yerlikaya said damaged buildings in Bayrakli and "
        "Seferihisar would be demolished and families housed in container cities.",
        "quake-tr",
    ),
    ("tr-7", "cbs", 52.0, "Quake in Turkey's Izmir", WIRE_QUAKE_TR, "quake-tr"),
]

EXPECTED = {doc_id: event for doc_id, *_, event in STREAM}
WIRE_ORIGINAL = "tr-1"
WIRE_COPIES = {"tr-2", "tr-4", "tr-7"}


def stream_docs() -> list[Doc]:
    """The stream as docs, in publication order."""
    return [
        Doc(
            doc_id,
            f"https://{outlet}.example/{doc_id}",
            outlet,
            title,
            text,
            T0 + timedelta(hours=h),
        )
        for doc_id, outlet, h, title, text, _ in STREAM
    ]
