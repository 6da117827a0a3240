"""Field work on a 390x844 phone with geolocation, in a real browser (Debian's Chromium), issue 19:
the rep opens today's route, checks in at the first customer near it (accepted) and at one far
away (warned before filing, with the distance), adds a stock count and a shelf photo, checks out;
then the manager sees the flag and comments, and the rep is notified."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

LON = Decimal("121.470000")
# The route starts at (31.22, 121.47); the near customer stands at 31.23, the far one at 31.30, both
# on the same meridian. The phone is at 31.235. One degree of latitude is 6,371,000 m x pi / 180 =
# 111,194.93 m, so: the phone is 0.005 deg = 555.97 -> 556 m from the near customer (inside the
# on-site radius of 1,000 m) and 0.065 deg = 7,227.67 -> 7228 m from the far one (outside it).
# From the start the near customer is 0.01 deg away and the far one 0.08 deg: the near one is first.
PHONE = {"latitude": 31.235, "longitude": 121.47}


@pytest.mark.browser
def test_the_rep_works_todays_route_on_a_phone_and_the_manager_comments(
    live_server, transactional_db, browser, tmp_path, settings
):
    from PIL import Image

    from conftest import Org
    from customers.tests.factories import CustomerFactory
    from fieldwork.models import PlanStatus, Visit, VisitActionRecord, VisitComment, VisitPlan, VisitPlanItem
    from fieldwork.routing import week_of
    from notifications.models import Notification

    settings.MEDIA_ROOT = str(tmp_path)
    org = Org()
    for person in (org.rep1a1, org.tm1a):
        person.user.set_password("pw-browser-1")
        person.user.save()
    from django.utils import timezone

    today = timezone.localdate()
    far = CustomerFactory(owner=org.rep1a1, name="远方贸易有限公司", latitude=Decimal("31.300000"), longitude=LON)
    near = CustomerFactory(owner=org.rep1a1, name="近邻机械有限公司", latitude=Decimal("31.230000"), longitude=LON)
    plan = VisitPlan.objects.create(
        person=org.rep1a1,
        team=org.t1a,
        region=org.r1,
        week_start=week_of(today),
        drafted_by=org.rep1a1,
        status=PlanStatus.APPROVED,
        decided_by=org.tm1a,
        start_latitude=Decimal("31.220000"),
        start_longitude=LON,
    )
    # Added far first: the route, not the order of entry, puts the near customer first.
    VisitPlanItem.objects.create(plan=plan, customer=far, day=today, position=1)
    VisitPlanItem.objects.create(plan=plan, customer=near, day=today, position=2)
    shelf = tmp_path / "shelf.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    shelf.write_bytes(buffer.getvalue())

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        geolocation=PHONE,
        permissions=["geolocation"],
        locale="en-US",
    )
    page = phone.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/?next=/")
    page.fill("input[name=username]", "rep1a1")
    page.fill("input[name=password]", "pw-browser-1")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_selector("[data-testid=todays-route]")

    # Today's route: the near customer first, each stop a thumb-sized check-in button.
    stops = page.locator("[data-testid=route-stop]")
    assert stops.count() == 2
    assert stops.nth(0).get_attribute("data-customer") == str(near.pk)
    assert stops.nth(1).get_attribute("data-customer") == str(far.pk)
    for i in range(2):
        box = stops.nth(i).locator("[data-testid=route-check-in]").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44 and box["x"] + box["width"] <= 390

    # At the near customer: the check-in is accepted before filing, and filed verified.
    stops.nth(0).locator("[data-testid=route-check-in]").tap()
    page.wait_for_url(f"**/customers/visits/new/?customer={near.pk}")
    preview = page.locator("[data-testid=evidence-preview][data-evidence=verified]")
    preview.wait_for()
    assert "556 m from the customer (radius 1000 m)" in preview.inner_text()
    page.fill("#id_purpose", "例行拜访")
    page.locator("[data-testid=submit-visit]").tap()
    page.wait_for_url("**/customers/visits/*/")
    near_visit = Visit.objects.get(customer=near)
    assert (near_visit.evidence, near_visit.distance_m) == ("verified", 556)

    # Back on the route: the near stop is visited; at the far customer the warning and the
    # distance show before filing.
    page.goto(f"{live_server.url}/")
    assert page.locator(f"[data-testid=route-stop][data-customer='{near.pk}']").inner_text().count("Visited") == 1
    page.locator(f"[data-testid=route-stop][data-customer='{far.pk}'] [data-testid=route-check-in]").tap()
    page.wait_for_url(f"**/customers/visits/new/?customer={far.pk}")
    warning = page.locator("[data-testid=evidence-preview][data-evidence=far]")
    warning.wait_for()
    assert "Checked in outside the radius" in warning.inner_text()
    assert "7228 m from the customer (radius 1000 m)" in warning.inner_text()
    assert Visit.objects.filter(customer=far).count() == 0  # warned before anything is filed
    page.fill("#id_purpose", "新客户开发")
    page.locator("[data-testid=submit-visit]").tap()
    page.wait_for_url("**/customers/visits/*/")
    far_visit = Visit.objects.get(customer=far)
    assert (far_visit.evidence, far_visit.distance_m) == ("far", 7228)

    # A stock count and a shelf photo on the visit, then check-out.
    page.select_option("#id_action", "stock_count")
    page.fill("#id_item", "液压泵 A1")
    page.fill("#id_quantity", "24")
    add = page.locator("[data-testid=add-action]")
    box = add.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    add.tap()
    page.wait_for_selector("[data-testid=action-records] [data-action=stock_count]")
    page.select_option("#id_action", "shelf_photo")
    page.set_input_files("#id_image", str(shelf))
    page.locator("[data-testid=add-action]").tap()
    page.wait_for_selector("[data-testid=action-photo] img")
    assert page.evaluate("document.querySelector('[data-testid=action-photo] img').naturalWidth") == 64
    page.locator("[data-testid=check-out]").tap()
    page.wait_for_selector("text=Checked out.")
    assert "minute" in page.locator("[data-testid=check-out-time]").inner_text()
    assert list(VisitActionRecord.objects.filter(visit=far_visit).values_list("action", "quantity")) == [
        ("stock_count", 24),
        ("shelf_photo", None),
    ]
    assert Visit.objects.get(pk=far_visit.pk).checked_out_at is not None
    phone.close()

    # The manager: the far visit is flagged in the list; a comment reaches the rep.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = desk.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/?next=/customers/visits/%3Fflagged%3Don")
    page.fill("input[name=username]", "tm1a")
    page.fill("input[name=password]", "pw-browser-1")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_selector("[data-testid=flag]")
    flags = page.locator("[data-testid=flag]")
    assert flags.count() == 1
    assert "Checked in outside the radius" in flags.inner_text()
    page.goto(f"{live_server.url}/customers/visits/{far_visit.pk}/")
    assert "7228 m from the customer" in page.locator("[data-testid=evidence]").inner_text()
    page.fill("#id_text", "请补充客户位置说明")
    page.click("[data-testid=comment]")
    page.wait_for_selector("[data-testid=comments] >> text=请补充客户位置说明")
    assert VisitComment.objects.get().visit == far_visit
    assert Notification.objects.filter(recipient=org.rep1a1, kind="visit_comment").count() == 1
    desk.close()
