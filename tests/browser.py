"""Helpers of the browser tests (Debian's Chromium via Playwright): contexts in a language and a
screen size, the login form, screenshots, and axe-core on every page a test opens.

axe-core on every page: the `browser` fixture (tests/conftest.py) tracks every context a test
opens and every address its pages navigate to (the main frame's `framenavigated`). When the test
closes a context, and when the test ends for the contexts it left open, each distinct address is
opened once more in that context (same login, language and screen size) and axe-core
(static/vendor/axe-core, injected) runs on it; a critical or serious violation fails the test,
naming the page, the rule and the elements. A module that runs axe-core on its pages itself sets
`AXE_CHECKED_HERE = True`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".filter(v => v.impact === 'critical' || v.impact === 'serious')"
    ".map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
)

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1440, "height": 900}}
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}
# `make screenshots` sets it to docs/screenshots: the walks write their PNGs there, under stable
# names; otherwise into the test's temporary folder.
SCREENSHOTS_ENV = "SALESORG_SCREENSHOTS"


SETTLED = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def axe_violations(page: Any, url: str) -> list[str]:
    """axe-core's critical and serious violations on `url` opened in `page` (nothing for an
    answer that is not an HTML page, such as a file)."""
    response = page.goto(url)
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return []
    # The settled page is judged, not a frame of a colour transition (the visit form's check-in
    # button turns green when the location arrives; mid-fade its colours fail contrast).
    page.add_style_tag(content=SETTLED)
    page.add_script_tag(path=str(AXE))
    return [f"{url} {line}" for line in page.evaluate(AXE_RUN)]


class AxeWatch:
    """The contexts of the running test and the addresses their pages navigated to."""

    def __init__(self) -> None:
        self.urls: dict[int, list[str]] = {}
        self.open: dict[int, Any] = {}
        self.found: list[str] = []
        self.enabled = True
        self.checking = False

    def start(self, *, enabled: bool) -> None:
        self.urls, self.open, self.found, self.enabled = {}, {}, [], enabled

    def track(self, context: Any) -> Any:
        key = id(context)
        urls: list[str] = []
        self.urls[key] = urls
        self.open[key] = context

        def navigated(frame: Any) -> None:
            if frame.parent_frame is None and not self.checking and frame.url.startswith("http"):
                urls.append(urldefrag(frame.url).url)

        context.on("page", lambda page: page.on("framenavigated", navigated))
        close = context.close

        def close_after_axe(*args: Any, **kwargs: Any) -> None:
            if key in self.open:
                self.check(key)
            close(*args, **kwargs)

        context.close = close_after_axe
        return context

    def check(self, key: int) -> None:
        """axe-core on each distinct address the context's pages navigated to, once."""
        context = self.open.pop(key)
        urls = list(dict.fromkeys(self.urls.pop(key, [])))
        if not self.enabled or not urls:
            return
        self.checking = True
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            for url in urls:
                self.found += axe_violations(page, url)
            page.close()
        finally:
            self.checking = False

    def finish(self) -> list[str]:
        """Check the contexts the test left open; every violation found in the test."""
        for key in list(self.open):
            self.check(key)
        return self.found


def new_context(browser: Any, live_server: Any, language: str, **options: Any) -> Any:
    """A context in `language` (the browser's locale and the site's language cookie)."""
    context = browser.new_context(locale=LOCALES[language], **options)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


def log_in(page: Any, live_server: Any, username: str, password: str, next_url: str = "/") -> None:
    """Log in through the login form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


class Screens:
    """Screenshots of a walk's key steps: `<walk>-<step>-<language>.png`, the viewport only.

    With SALESORG_SCREENSHOTS set (`make screenshots`), into that folder (relative to the project),
    as 256-colour PNGs to keep the README's images small; otherwise into the test's tmp folder."""

    def __init__(self, walk: str, language: str, tmp_path: Path) -> None:
        target = os.environ.get(SCREENSHOTS_ENV, "")
        self.folder = (Path(settings.BASE_DIR) / target) if target else tmp_path / "screenshots"
        self.readme = bool(target)
        self.walk, self.language = walk, language
        self.taken: list[Path] = []

    def __call__(self, page: Any, step: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.walk}-{step}-{self.language}.png"
        page.screenshot(path=str(path))
        if self.readme:
            from PIL import Image

            with Image.open(path) as image:
                small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            small.save(path, optimize=True)
        self.taken.append(path)
        return path
