"""A few outlets' news beside one feed flooding near-identical items, served on 127.0.0.1.

Four outlets report one earthquake (two carry the same agency text), three a museum theft in
Lyon; a fifth reports a stabbing in Lyon, another event that shares the city and the
prosecutor with the theft. The flood feed posts 300 items "Huge item N" / "filler text N"
whose pages are missing. The QA round found the flood raising the stabbing's score against the
theft from 0.67 to 0.76 (it joined), and ranking its own one-outlet story first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape

from aiohttp import web

from progleton.stories import Doc

WIRE_QUAKE = (
    "SANTIAGO (Global Wire) - A magnitude 6.8 earthquake struck northern Chile on Sunday, the U.S. "
    "Geological Survey said, shaking buildings in the port city of Antofagasta and cutting power to "
    "tens of thousands of homes. The quake hit at a depth of 45 kilometres about 60 kilometres "
    "north-east of Antofagasta, the USGS said. Chile's disaster agency Senapred said there were no "
    "immediate reports of deaths, and the navy ruled out a tsunami threat to the coast. Copper "
    "miner Codelco said it was inspecting its operations in the region as a precaution. Interior "
    "Minister Carolina Toha said emergency teams were checking hospitals and schools in "
    "Antofagasta and Calama, and that power had been restored to most neighbourhoods by the evening."
)


@dataclass(frozen=True)
class Report:
    outlet: str
    slug: str
    title: str
    text: str
    minutes_ago: int
    event: str


REPORTS = (
    Report("courier", "chile-quake", "Strong earthquake rattles Antofagasta in northern Chile",
           "A powerful earthquake of magnitude 6.8 shook northern Chile on Sunday afternoon, rattling the "
           "port of Antofagasta and leaving thousands of households without electricity, according to the "
           "US Geological Survey. Residents of Antofagasta ran into the streets as windows shattered. The "
           "disaster agency Senapred said no one was reported killed and the Chilean navy said the "
           "earthquake could not generate a tsunami. State copper company Codelco said its mines near "
           "Calama were being inspected. Interior Minister Carolina Toha told reporters that hospitals in "
           "Antofagasta were working normally.", 30, "quake"),
    Report("ledger", "antofagasta-earthquake", "Antofagasta quake: no tsunami threat after magnitude 6.8 tremor",
           "Chilean authorities ruled out a tsunami after a magnitude 6.8 earthquake hit near Antofagasta on "
           "Sunday, the navy said. The USGS placed the epicentre some 60 km north-east of Antofagasta at a "
           "depth of 45 km. Power cuts affected tens of thousands of customers in Antofagasta and Calama, "
           "officials said. Senapred, the national disaster service, reported minor damage to buildings and "
           "no deaths. Codelco said operations at its northern mines had been paused for inspection.",
           25, "quake"),
    Report("herald", "wire-chile-quake", "Magnitude 6.8 earthquake strikes northern Chile", WIRE_QUAKE, 20, "quake"),
    Report("tribune", "chile-earthquake-wire", "Magnitude 6.8 earthquake strikes northern Chile", WIRE_QUAKE, 18,
           "quake"),
    Report("courier", "lyon-museum-arrests", "Two arrested over jewel theft at Lyon's Musee des Beaux-Arts",
           "French police have arrested two men suspected of stealing 19th-century jewels from the Musee des "
           "Beaux-Arts in Lyon last month, prosecutors said on Sunday. The suspects, aged 34 and 41, were "
           "detained in Villeurbanne and Marseille, Lyon prosecutor Thierry Dran said. Part of the haul, "
           "including a diamond brooch, was recovered. Thieves broke into the museum through a skylight on "
           "November 12 and took items valued at 2 million euros. Museum director Sylvie Ramond said she "
           "was relieved. The investigation is continuing into a possible third accomplice.", 60, "theft"),
    Report("ledger", "lyon-jewel-theft-suspects", "Police detain suspects in Lyon museum jewellery heist",
           "Two suspects have been taken into custody over the theft of historic jewellery from Lyon's Musee "
           "des Beaux-Arts, the city's prosecutor Thierry Dran announced. One man was arrested in Villeurbanne "
           "and the other in Marseille. Investigators recovered a diamond brooch and several rings worth a "
           "large part of the 2 million euro haul. The burglars had entered through a skylight in November. "
           "Director Sylvie Ramond thanked the police for their work. Prosecutors believe a third person may "
           "have helped plan the break-in.", 55, "theft"),
    Report("herald", "beaux-arts-theft-arrests", "Jewels recovered as police arrest two in Lyon museum theft",
           "Police in France recovered a diamond brooch and other pieces stolen from the Musee des Beaux-Arts "
           "in Lyon after arresting two men, according to the Lyon prosecutor's office. Thierry Dran, the "
           "prosecutor, said the men were held in Marseille and Villeurbanne on Saturday night. The theft on "
           "November 12 netted jewels valued at about 2 million euros. Sylvie Ramond, the museum's director, "
           "said the recovered pieces would go back on display next year.", 50, "theft"),
    Report("gazette", "lyon-stabbing", "Lyon police arrest man after stabbing near Part-Dieu station",
           "Police in Lyon arrested a 27-year-old man on Sunday after a stabbing near Part-Dieu railway "
           "station left a commuter seriously injured, Lyon prosecutor Thierry Dran said. The suspect was "
           "detained by officers patrolling the station minutes after the attack. The victim, a 45-year-old "
           "man, was taken to Edouard Herriot hospital. Dran said the motive was not yet known and that "
           "investigators were studying CCTV footage from the station.", 5, "stabbing"),
)
OUTLETS = {"courier": "Daily Courier", "ledger": "Morning Ledger", "herald": "Coast Herald",
           "tribune": "Valley Tribune", "gazette": "Rhone Gazette", "flood": "Huge Feed"}
FLOOD_ITEMS = 300


def flood(i: int) -> tuple[str, str, int]:
    """The flood's item ``i``: title, text, minutes ago (one a minute over the five hours
    before, the first the oldest)."""
    return f"Huge item {i}", f"filler text {i}", 10 + FLOOD_ITEMS - i


def docs(now: datetime, *, flood_items: int = FLOOD_ITEMS) -> list[Doc]:
    """The reports and the flood's first ``flood_items`` items as the grouper reads them,
    oldest first."""
    out = [Doc(r.slug, "", r.outlet, r.title, r.text, now - timedelta(minutes=r.minutes_ago)) for r in REPORTS]
    for i in range(flood_items):
        title, text, minutes = flood(i)
        out.append(Doc(f"huge-{i}", "", "flood", title, text, now - timedelta(minutes=minutes)))
    return sorted(out, key=lambda d: (d.published, d.id))


def app(now: datetime) -> web.Application:
    """Each outlet's RSS feed at /<outlet>/feed.xml and its pages; the flood's pages are missing."""

    def rss(outlet: str, items: list[tuple[str, str, str, int]]) -> str:
        body = "".join(
            f"<item><title>{escape(title)}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=minutes))}</pubDate>"
            f"<description>{escape(text)}</description></item>"
            for link, title, text, minutes in items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{OUTLETS[outlet]}</title>'
                f"<link>/{outlet}/</link>{body}</channel></rss>")

    async def feed(request: web.Request) -> web.Response:
        outlet = request.match_info["outlet"]
        base = f"http://{request.host}/{outlet}"
        if outlet == "flood":
            items = [(f"{base}/huge/{i}", *flood(i)) for i in range(FLOOD_ITEMS)]
        else:
            items = [(f"{base}/{r.slug}", r.title, r.text.split(". ")[0] + ".", r.minutes_ago)
                     for r in REPORTS if r.outlet == outlet]
        return web.Response(text=rss(outlet, items), content_type="application/rss+xml")

    async def page(request: web.Request) -> web.Response:
        outlet, slug = request.match_info["outlet"], request.match_info["slug"]
        report = next((r for r in REPORTS if (r.outlet, r.slug) == (outlet, slug)), None)
        if report is None:
            raise web.HTTPNotFound()
        paragraphs = "".join(f"<p>{escape(p)}.</p>" for p in report.text.rstrip(".").split(". "))
        return web.Response(text=f"<html><head><title>{escape(report.title)}</title></head><body><article>"
                                 f"<h1>{escape(report.title)}</h1>{paragraphs}</article></body></html>",
                            content_type="text/html")

    application = web.Application()
    application.router.add_get("/{outlet}/feed.xml", feed)
    application.router.add_get("/{outlet}/{slug:.+}", page)
    return application
