"""Extract stage: article page → clean text, sanitized HTML, metadata, warnings.

extract(html, *, url, site_profile=None) -> ExtractedArticle   never raises
sanitize_html(html, *, base_url=None) -> str                   nh3, safe tags only
SiteProfile(host) / .observe(html, url=...) / .to_json() / .from_json() / .explain()
word_count(text) -> int                                        as every threshold here counts
"""

from progleton.extract.blocks import word_count
from progleton.extract.boilerplate import BoilerplateEntry, SiteProfile
from progleton.extract.core import extract
from progleton.extract.model import REFUSAL_PREFIXES, ExtractedArticle
from progleton.extract.sanitize import sanitize_html

__all__ = [
    "REFUSAL_PREFIXES",
    "BoilerplateEntry",
    "ExtractedArticle",
    "SiteProfile",
    "extract",
    "sanitize_html",
    "word_count",
]
