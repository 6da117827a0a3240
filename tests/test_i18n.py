"""Chinese is first class: every catalogue is complete and the pages show no untranslated English."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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


def _translations(po_text: str):
    """(msgctxt, msgid, msgstr) of each live entry of a .po file, multi-line strings joined."""
    for block in re.split(r"\n\s*\n", po_text):
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if match:
                key = match.group(1)
                fields.setdefault(key, []).append(match.group(2))
            elif line.startswith('"') and key is not None:
                fields[key][-1] += line[1:-1]
        if "msgid" not in fields or not fields["msgid"][0]:
            continue
        msgstr = " | ".join(value[0] for name, value in sorted(fields.items()) if name.startswith("msgstr"))
        yield (fields.get("msgctxt", [None])[0], fields["msgid"][0], msgstr)


def test_one_msgid_reads_the_same_in_every_catalogue():
    """Django merges the apps' catalogues and the first one holding a msgid wins, on every page: an
    order's Reject read 不录用 (recruitment's) and a plan's Promotion 晋升. One wording per msgid (and
    context); where the meanings differ, a context (pgettext, `{% translate ... context ... %}`)."""
    seen: dict[tuple[str | None, str], dict[str, list[str]]] = {}
    for po_path in CATALOGUES:
        app = str(po_path.relative_to(ROOT)).split("/locale/")[0] or "locale"
        for context, msgid, msgstr in _translations(po_path.read_text(encoding="utf-8")):
            if msgstr.strip(" |"):
                seen.setdefault((context, msgid), {}).setdefault(msgstr, []).append(app)
    conflicts = {key: wordings for key, wordings in seen.items() if len(wordings) > 1}
    assert conflicts == {}, "\n".join(f"{key}: {wordings}" for key, wordings in sorted(conflicts.items(), key=str))


@pytest.mark.parametrize(
    ("context", "msgid", "chinese"),
    [
        ("", "Reject", "驳回"),  # an order, a proposal
        ("recruitment", "Reject", "不录用"),
        ("", "Promotion", "晋升"),  # an appraisal outcome
        ("sales plan activity", "Promotion", "促销"),
        ("", "Active", "在职"),  # a person
        ("customer status", "Active", "有效"),
        ("", "Title", "标题"),
        ("job title", "Title", "职务"),
        ("", "Name", "名称"),  # a company, a contest, a team
        ("person", "Name", "姓名"),
    ],
)
def test_words_with_two_meanings_read_right_in_chinese(context, msgid, chinese):
    from django.utils import translation

    with translation.override("zh-hans"):
        shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert shown == chinese


def test_the_project_wording_is_what_the_pages_show():
    """Django's own catalogues (the admin's "Filter" is 过滤器) come before the apps' for some words:
    the project's wording must be the one a page shows, overridden in the root `locale/` if need be."""
    from django.utils import translation

    wrong = {}
    with translation.override("zh-hans"):
        for po_path in CATALOGUES:
            for context, msgid, msgstr in _translations(po_path.read_text(encoding="utf-8")):
                if not msgstr or " | " in msgstr or "\\" in msgid + msgstr:
                    continue  # plurals and escaped strings: compared by the test above
                shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if shown != msgstr:
                    wrong[(context, msgid)] = (msgstr, shown, str(po_path.relative_to(ROOT)))
    assert wrong == {}


def _msgids(po_path: Path) -> set[tuple[str | None, str]]:
    return {(context, msgid) for context, msgid, _ in _translations(po_path.read_text(encoding="utf-8"))}


def test_the_catalogues_hold_what_the_code_says(tmp_path):
    """`make messages` on a copy of the code leaves every catalogue with the msgids it has: no string
    of the code missing from its app's catalogue (shown in English), none left that the code no
    longer says. A failure here: run `make messages`, translate what it added, commit."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext is not installed: `make messages` needs it")
        pytest.skip("gettext is not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "node_modules", "static", "staticfiles", "media", "bench", "docs", "*.mo"
        ),
    )
    makefile = (ROOT / "Makefile").read_text()
    ignore = re.search(r"^MESSAGES_IGNORE := (.+)$", makefile, re.M).group(1).split()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "salesorg.settings.local"
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
        + [f"--ignore={pattern}" for pattern in ignore],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    differences = {}
    for po_path in CATALOGUES:
        relative = po_path.relative_to(ROOT)
        committed, fresh = _msgids(po_path), _msgids(copy / relative)
        if committed != fresh:
            differences[str(relative)] = {
                "missing": sorted(fresh - committed, key=str),
                "stale": sorted(committed - fresh, key=str),
            }
    assert differences == {}
