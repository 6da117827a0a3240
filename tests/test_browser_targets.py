"""Target setting in a real browser (Debian's Chromium via Playwright): a team manager allocates
his team's target to his reps on the target's page, the director reads the grid at 1440x900 (a
tree of owners, each parent against the sum below it, every number whole in its cell), and a rep
acknowledges his approved target.

`WRITE_SCREENSHOTS=1` also writes the grid's first screen, in Chinese, to
docs/screenshots/target-grid.png (as scripts/screenshots.py does from the demo data)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

PASSWORD = "pw-targets-1"
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "target-grid.png"

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(transactional_db):
    """The company's 2026 sales target (20,826,446.28 x 12 = 249,917,355.36) allocated down to the
    reps, except Shanghai 1's, which its manager allocates in the test."""
    from conftest import Org
    from staff.models import Position
    from staff.tests.factories import PersonFactory
    from targets.services import target_allocate, target_create

    org = Org()
    org.director2 = PersonFactory(user__username="director2", name="director2", position=Position.DIRECTOR)
    for person in [*org.people, org.director2]:
        person.user.set_password(PASSWORD)
        person.user.save(update_fields=["password"])
    company = target_create(
        user=org.director.user,
        owner_kind="company",
        metric="sales_amount",
        period="2026",
        value="249917355.36",
        stretch_value="300000000.00",
    )
    target_allocate(user=org.director.user, target=company, method="equal")
    from targets.models import Target

    for manager, region in ((org.rm1, org.r1), (org.rm2, org.r2)):
        target_allocate(user=manager.user, target=Target.objects.get(owner_kind="region", region=region))
    for manager, team in ((org.tm1b, org.t1b), (org.tm2a, org.t2a)):
        target_allocate(user=manager.user, target=Target.objects.get(owner_kind="team", team=team))
    return org


def login(browser, live_server, username: str, next_url: str = "/", locale: str = "en-US"):
    context = browser.new_context(locale=locale, **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_allocate_read_the_grid_and_acknowledge(live_server, plan, browser):
    from salesorg.exceptions import ApplicationError
    from targets.models import Target, TargetStatus
    from targets.services import target_update, targets_approve_bulk

    org = plan
    team = Target.objects.get(owner_kind="team", team=org.t1a)
    # The company's 249,917,355.36 / 2 regions = 124,958,677.68 each; East's / 2 teams = 62,479,338.84.
    assert team.value == Decimal("62479338.84")

    # 1. The team manager allocates Shanghai 1's target to his 3 reps, equally, on its page.
    context, page = login(browser, live_server, "tm1a", f"/targets/{team.pk}/")
    page.select_option("form[action$='/allocate/'] select[name=method]", "equal")
    page.click("form[action$='/allocate/'] button[type=submit]")
    page.wait_for_load_state()
    # 62,479,338.84 / 3 = 20,826,446.28 exactly: no gap left.
    assert page.get_by_test_id("gap").inner_text() == "0.00"
    context.close()
    reps = Target.objects.filter(owner_kind="rep", team=org.t1a, period="2026")
    assert {t.value for t in reps} == {Decimal("20826446.28")}
    # A month of one rep to read in the grid: January 1,735,537.19 (20,826,446.28 / 12 = 1,735,537.19).
    rep_year = reps.get(person=org.rep1a1)
    Target.objects.create(
        owner_kind="rep",
        person=org.rep1a1,
        team=org.t1a,
        region=org.r1,
        metric="sales_amount",
        period="2026-01",
        period_kind="month",
        value=Decimal("1735537.19"),
        parent=rep_year,
    )

    # 2. The director reads the grid at 1440x900: the tree, every parent's gap 0.00, numbers whole.
    context, page = login(browser, live_server, "director", "/targets/%3Fyear%3D2026%26metric%3Dsales_amount")
    grid = page.locator("#target-grid")
    assert grid.locator(f"#row-team-{org.t1a.pk} [data-total=below]").inner_text() == "62,479,338.84"
    gaps = grid.locator("[data-total=children-gap]").all_inner_texts()
    # Company, 2 regions, 3 teams: each against the sum below it; the 5 reps have nothing below.
    assert [g.strip() for g in gaps].count("0.00") == 6
    january = grid.locator(f"#row-rep-{org.rep1a1.pk} input[aria-label$='2026-01']")
    assert january.input_value() == "1,735,537.19"
    # The cell is wide enough to show the whole number (no clipped digits).
    assert january.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert grid.locator(f"#row-team-{org.t1a.pk} [data-total=year]").evaluate("el => el.scrollWidth <= el.clientWidth")
    # Folding East hides its teams and reps; unfolding shows them again.
    rep_row = grid.locator(f"#row-rep-{org.rep1a1.pk}")
    grid.locator(f"#row-region-{org.r1.pk} .grid-toggle").click()
    assert rep_row.is_hidden()
    grid.locator(f"#row-region-{org.r1.pk} .grid-toggle").click()
    assert rep_row.is_visible()
    context.close()
    if os.environ.get("WRITE_SCREENSHOTS"):
        context, page = login(
            browser, live_server, "director", "/targets/%3Fyear%3D2026%26metric%3Dsales_amount", locale="zh-CN"
        )
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        context.close()

    # 3. Approved by second persons (the director what his managers drafted, another director the
    # company's and the regions'), then rep1a1 acknowledges his target on its page.
    from targets.selectors import target_list

    targets_approve_bulk(user=org.director.user, targets=target_list(user=org.director.user), year=2026)
    targets_approve_bulk(user=org.director2.user, targets=target_list(user=org.director2.user), year=2026)
    assert not Target.objects.filter(status=TargetStatus.DRAFT).exists()
    context, page = login(browser, live_server, "rep1a1", f"/targets/{rep_year.pk}/")
    assert page.get_by_test_id("acknowledged").inner_text() == "Not yet acknowledged"
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("acknowledged").inner_text().startswith("rep1a1")
    context.close()
    rep_year.refresh_from_db()
    assert rep_year.acknowledged_version == rep_year.version and rep_year.acknowledged_by == org.rep1a1
    # Locked: the rep's manager cannot change it without a reason.
    with pytest.raises(ApplicationError, match="reason"):
        target_update(user=org.rm1.user, target=rep_year, version=rep_year.version, value="1.00")
