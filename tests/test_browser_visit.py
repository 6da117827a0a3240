"""A rep files a visit report with check-in on a phone, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

# The customer sits at People's Square, Shanghai; the phone reports a spot 0.01° of latitude north.
CUSTOMER = (Decimal("31.230000"), Decimal("121.470000"))
PHONE = {"latitude": 31.24, "longitude": 121.47}


@pytest.mark.browser
def test_rep_files_a_visit_with_check_in_on_a_phone(live_server, transactional_db, browser, tmp_path, settings):
    from PIL import Image

    from conftest import Org
    from customers.tests.factories import CustomerFactory, StakeholderFactory
    from fieldwork.models import Visit

    settings.MEDIA_ROOT = str(tmp_path)
    org = Org()
    org.rep1a1.user.set_password("pw-browser-1")
    org.rep1a1.user.save()
    customer = CustomerFactory(
        owner=org.rep1a1, name="上海恒达精密机械有限公司", latitude=CUSTOMER[0], longitude=CUSTOMER[1]
    )
    CustomerFactory(owner=org.rep1a2, name="别人的客户有限公司")
    boss = StakeholderFactory(customer=customer, name="王总")
    photo = tmp_path / "door.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        geolocation=PHONE,
        permissions=["geolocation"],
        locale="en-US",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/?next=/customers/visits/new/")
    page.fill("input[name=username]", "rep1a1")
    page.fill("input[name=password]", "pw-browser-1")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url("**/customers/visits/new/")

    # The picker offers the rep's own customers only.
    options = page.locator("#id_customer option").all_inner_texts()
    assert "上海恒达精密机械有限公司" in options
    assert "别人的客户有限公司" not in options
    # Picking the customer reloads the form with its stakeholders.
    page.select_option("#id_customer", str(customer.pk))
    page.wait_for_url(f"**customer={customer.pk}")
    page.select_option("#id_stakeholders", str(boss.pk))
    page.fill("#id_purpose", "新品介绍")
    page.fill("#id_outcome", "客户要求报价")
    page.fill("#id_next_step", "发送报价单")
    page.click("[data-testid=check-in]")
    page.wait_for_function("document.getElementById('id_latitude').value !== ''")
    page.set_input_files("#id_photos", str(photo))
    # The submit button is big enough to hit with a thumb and fits the phone's width.
    box = page.locator("[data-testid=submit-visit]").bounding_box()
    assert box["height"] >= 44 and box["width"] <= 390
    page.click("[data-testid=submit-visit]")
    page.wait_for_url("**/customers/visits/*/")

    visit = Visit.objects.get()
    assert visit.customer == customer and visit.author == org.rep1a1
    assert visit.latitude == Decimal("31.240000") and visit.longitude == Decimal("121.470000")
    # 0.01° of latitude = 6,371,000 m x pi / 180 x 0.01 = 1,111.95 m -> 1112 m.
    assert visit.distance_m == 1112
    assert list(visit.stakeholders.all()) == [boss]
    assert visit.photos.count() == 1
    assert "1112 m" in page.locator("[data-testid=distance]").inner_text()
    context.close()


@pytest.mark.browser
def test_the_first_tab_offers_a_skip_link_to_the_content(live_server, transactional_db, browser):
    from conftest import Org

    org = Org()
    org.rep1a1.user.set_password("pw-browser-1")
    org.rep1a1.user.save()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/?next=/customers/visits/new/")
    page.fill("input[name=username]", "rep1a1")
    page.fill("input[name=password]", "pw-browser-1")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url("**/customers/visits/new/")
    # The first Tab lands on the skip link (hidden until focused), in the reader's language...
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.dataset.testid, document.activeElement.textContent]")
    assert focused == ["skip-link", "跳到正文"]
    assert page.locator("[data-testid=skip-link]").bounding_box()["height"] > 0
    # ...and Enter moves the focus past the navigation to the page's content.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    context.close()
