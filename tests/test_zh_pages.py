"""Every page the director and a rep can open, read in Chinese, shows no English UI word and no raw
code: the visible text (scripts, styles and the data the test itself typed aside) holds no Latin
word outside a short list of words Chinese sales teams write in Latin letters, and the codes the
page itself shows as code (an import file's column names)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings

# Written in Latin letters in Chinese business software too.
KEPT = {
    "CSV",
    "Excel",
    "API",
    "KPI",
    "ERP",
    "GPS",
    "EXIF",
    "ID",
    "VIP",
    "WeCom",
    "PDF",
    "XLSX",
    "xlsx",
    "OK",
    "Token",
    "CNY",
    "RMB",
    "PNG",
    "JPG",
    "JPEG",
    "URL",
    "Email",
    "HTML",
    "SQL",
    "UTF",
    "GBK",
}
# Credit ratings are written in Latin letters (AAA, BBB) in Chinese too, and the language menu
# names each language in its own language.
KEPT |= {"AAA", "BBB", "English"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.in_code = 0
        self.parts: list[str] = []
        self.codes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("code", "pre"):
            self.in_code += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in ("code", "pre") and self.in_code:
            self.in_code -= 1

    def handle_data(self, data):
        if self.skip:
            return
        (self.codes if self.in_code else self.parts).append(data)


def english_words(html: str, data: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", " ".join(parser.parts)))
    # A code the page shows as code (a file's column names) may be named again in the text.
    codes = set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", " ".join(parser.codes)))
    return {w for w in words if w not in KEPT and w not in data and w not in codes}


def _data_words() -> set[str]:
    """Words the demo data holds (names and codes of regions, teams, people, customers, products)."""
    from customers.models import Competitor, Customer
    from sales.models import Product
    from staff.models import Person, Region, Team
    from training.models import Course

    words: set[str] = set()
    for text in [
        *Region.objects.values_list("name", "code"),
        *Team.objects.values_list("name", "code"),
        *Person.objects.values_list("name", "user__username", "user__email", "employee_no"),
        *Customer.objects.values_list("name", "code"),
        *Product.objects.values_list("name", "code"),
        *Competitor.objects.values_list("name", "products"),
        *Course.objects.values_list("code", "title"),
    ]:
        for part in text:
            words |= set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", part or ""))
    return words


@pytest.fixture(scope="module", autouse=True)
def _a_chinese_site():
    """The world is a Chinese company's: the site's language is Chinese while the demo seeds it, so
    what the product writes for later in its recipients' language (notices) is Chinese too. The
    test settings default to English."""
    with override_settings(LANGUAGE_CODE="zh-hans"):
        yield


@pytest.mark.parametrize("role", ["director", "tm01", "rep01"])
def test_pages_in_chinese_show_no_english_word(world, db, role):
    """On the demo world (tests/security_world.py), so the lists are full of records."""
    from tests.test_browser_axe import _pages

    client = Client()
    client.force_login(world.user(role))
    client.cookies["django_language"] = "zh-hans"
    data = _data_words()
    found = {}
    for path in _pages():
        response = client.get(path)
        if response.status_code != 200 or b"<html" not in response.content[:500]:
            continue
        words = english_words(response.content.decode(), data)
        if words:
            found[path] = sorted(words)
    assert not found, "\n".join(f"{path}: {' '.join(words)}" for path, words in found.items())
