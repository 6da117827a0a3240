"""The dashboard in a real browser (Debian's Chromium via Playwright): log-in per role, the
drill-down with breadcrumbs, a chart rendering with data, the export download, and a rep filing a
visit report from the home page at phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

PASSWORD = "pw-dash-1"
MARCH = "kind=month&period=2026-03&metric=sales_amount"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

pytestmark = pytest.mark.browser


@pytest.fixture
def book(transactional_db):
    from conftest import Org
    from dashboard.tests.factories import march_book

    org = Org()
    for person in org.people:
        person.user.set_password(PASSWORD)
        person.user.save(update_fields=["password"])
    march_book(org)
    return org


def login(browser, live_server, username: str, next_url: str = "/", **context_options):
    context = browser.new_context(locale="en-US", accept_downloads=True, **context_options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    return context, page


def series_lengths(page, chart_id: str) -> list[int]:
    return page.evaluate(
        """(id) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            if (!chart) { return []; }
            return chart.getOption().series.map(s => (s.data || []).filter(v => v !== null).length);
        }""",
        chart_id,
    )


def test_each_role_lands_on_its_page_and_a_director_drills_down_to_a_rep(live_server, book, browser):
    from urllib.parse import quote

    # A rep lands on the phone-first home page.
    context, page = login(browser, live_server, "rep1a1")
    assert page.get_by_test_id("file-visit").is_visible()
    context.close()
    # A regional manager lands on their region, which lists its teams only.
    context, page = login(browser, live_server, "rm1", quote(f"/dashboard/?{MARCH}"))
    assert page.get_by_test_id("node-title").inner_text().startswith("East")
    teams = page.get_by_test_id("drill-link").all_inner_texts()
    assert sorted(teams) == ["Hangzhou 1", "Shanghai 1"]
    context.close()
    # The director: company -> region -> team -> rep, one click each, and back up by the breadcrumbs.
    context, page = login(browser, live_server, "director", quote(f"/dashboard/?{MARCH}"))
    assert page.get_by_test_id("node-title").inner_text().startswith("Company")
    # South is behind pace (300.00 of 1000.00 = 30.0 % against 48.4 %): its row stands out.
    assert page.locator("tr[data-behind='1']").all_inner_texts()[0].startswith("South")
    page.get_by_role("link", name="East", exact=True).click()
    page.get_by_role("link", name="Shanghai 1", exact=True).click()
    page.get_by_role("link", name="rep1a1", exact=True).click()
    assert page.get_by_test_id("node-title").inner_text().startswith("rep1a1")
    assert page.get_by_test_id("headline-actual").inner_text() == "600.00"
    crumbs = page.get_by_test_id("breadcrumbs").locator("li").all_inner_texts()
    assert crumbs == ["Company", "East", "Shanghai 1", "rep1a1"]
    page.get_by_test_id("breadcrumbs").get_by_role("link", name="East").click()
    assert page.get_by_test_id("node-title").inner_text().startswith("East")
    assert page.get_by_test_id("children-total").inner_text() == "1,700.00"
    context.close()


def test_charts_render_with_data_and_the_table_downloads(live_server, book, browser):
    context, page = login(browser, live_server, "director", "/dashboard/%3F" + MARCH.replace("&", "%26"))
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-months'))")
    # Twelve monthly bars (actual) and a target line with March's 4000.00.
    assert series_lengths(page, "chart-months") == [12, 1]
    months = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-months')).getOption()")
    assert months["series"][0]["data"][2] == 2000 and months["series"][1]["data"][2] == 4000
    # The product mix arrives from the charts endpoint.
    page.wait_for_function(
        "() => { const c = echarts.getInstanceByDom(document.getElementById('chart-mix'));"
        " return c && c.getOption().series.length && c.getOption().series[0].data.length > 0; }"
    )
    assert series_lengths(page, "chart-mix") == [1]
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert download.suggested_filename == "children-company-0-sales_amount-2026-03.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("East,1700.00,3000.00")
    context.close()


def test_rep_files_a_visit_report_from_home_at_phone_width(live_server, book, browser):
    from fieldwork.models import Visit
    from targets.tests import factories as tf

    customer = tf.customer(book.rep1a1)
    context, page = login(browser, live_server, "rep1a1", "/", **PHONE)
    button = page.get_by_test_id("file-visit")
    box = button.bounding_box()
    # The big button spans the phone's width (390 px less the page padding).
    assert box["width"] > 330
    button.tap()
    page.wait_for_url("**/customers/visits/new/**")
    page.select_option("#id_customer", str(customer.pk))
    page.wait_for_url(f"**customer={customer.pk}**")
    page.fill("#id_purpose", "Quarterly review")
    page.fill("#id_next_step", "Send the quote")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/customers/visits/*/")
    visit = Visit.objects.get(customer=customer)
    assert visit.author_id == book.rep1a1.pk and visit.purpose == "Quarterly review"
    context.close()
