"""Chinese is first class: every catalogue is complete and the pages show no untranslated English."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def _entries(po_text: str):
    """(msgid, msgstr list, flags) for each entry of a .po file, enough to check completeness."""
    for block in po_text.split("\n\n"):
        if 'msgid ""\nmsgstr ""\n"Project' in block or not block.strip() or block.lstrip().startswith("#~"):
            continue
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if msgid:
            yield msgid.group(1), ["".join(part) for part in strs], flags


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 2


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path):
    text = po_path.read_text(encoding="utf-8")
    untranslated = [msgid for msgid, strs, flags in _entries(text) if msgid and (not all(strs) or "fuzzy" in flags)]
    assert untranslated == [], f"untranslated or fuzzy in {po_path}: {untranslated[:20]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages` and commit it"
    assert mo_path.stat().st_size > 100


class _TextCollector(HTMLParser):
    """Visible text and the attributes a user reads (placeholder, title, aria-label)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


# Words that are meant to appear in English: the language's own name in the switcher.
ALLOWED_WORDS = {"English"}


def english_words(html: str, allowed: set[str]) -> set[str]:
    collector = _TextCollector()
    collector.feed(html)
    words = set(re.findall(r"[A-Za-z][A-Za-z'’-]+", " ".join(collector.parts)))
    return words - ALLOWED_WORDS - allowed


@pytest.fixture
def chinese_org(db):
    from staff.models import Position
    from staff.tests.factories import PersonFactory, RegionFactory, TeamFactory

    region = RegionFactory(code="1001", name="华东大区")
    team = TeamFactory(code="1101", name="上海一组", region=region)
    director = PersonFactory(
        user__username="zongjian", name="王总", employee_no="0001", position=Position.DIRECTOR, language="zh-hans"
    )
    manager = PersonFactory(
        user__username="jingli",
        name="李经理",
        employee_no="0002",
        position=Position.TEAM_MANAGER,
        team=team,
        manager=director,
    )
    rep = PersonFactory(user__username="daibiao", name="张三", employee_no="0003", team=team, manager=manager)
    from staff.services import person_warn

    person_warn(person=rep, on=rep.hire_date, reason="迟到")
    return {"director": director, "team": team, "region": region, "rep": rep}


def test_pages_in_chinese_show_no_english(chinese_org, client):
    director = chinese_org["director"]
    client.force_login(director.user)
    pages = [
        reverse("home"),
        reverse("staff:person-list"),
        reverse("staff:person-detail", args=[chinese_org["rep"].pk]),
        reverse("staff:team-list"),
        reverse("staff:team-detail", args=[chinese_org["team"].pk]),
        reverse("staff:region-list"),
        reverse("staff:region-detail", args=[chinese_org["region"].pk]),
        reverse("staff:region-create"),
        reverse("staff:region-edit", args=[chinese_org["region"].pk]),
        reverse("staff:team-create"),
        reverse("staff:team-edit", args=[chinese_org["team"].pk]),
        *[
            reverse(f"staff:person-{action}", args=[chinese_org["rep"].pk])
            for action in ("transfer", "promote", "change-manager", "pass-probation", "warn", "dismiss")
        ],
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.content.decode(), set()) == set(), url


def test_login_page_in_chinese(db, client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "登录" in html
    assert english_words(html, set()) == set()


def test_language_switch_is_saved_on_the_person(chinese_org, client):
    rep = chinese_org["rep"]
    client.force_login(rep.user)
    client.post(reverse("set-language"), {"language": "en", "next": reverse("home")})
    rep.refresh_from_db()
    assert rep.language == "en"
    assert "People" in client.get(reverse("home")).content.decode()
    client.post(reverse("set-language"), {"language": "zh-hans", "next": reverse("home")})
    assert "人员" in client.get(reverse("home")).content.decode()
