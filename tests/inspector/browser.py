"""Headless Chromium for the inspector's browser tests: Debian's `chromium` and `chromium-driver` driven by
Selenium. Where either is missing the tests skip with a message saying what to install, except when
CI=true, where they must run. The browser starts with a fresh profile and nothing that reaches the network."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
)
# Where the tests save their screenshots when set (docs/screenshots/ for the README), else nowhere.
SCREENSHOTS_ENV = "LOCALSPOT_SCREENSHOTS"


def _first(names: tuple[str, ...], extra: tuple[str, ...] = ()) -> str | None:
    found = next((path for name in names if (path := shutil.which(name))), None)
    return found or next((path for path in extra if Path(path).is_file()), None)


def unavailable() -> str | None:
    """Why no browser test can run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _first(CHROMIUM_NAMES) is None:
        return "no Chromium (apt-get install chromium chromium-driver)"
    if _first(DRIVER_NAMES, ("/usr/lib/chromium/chromedriver",)) is None:
        return "no chromedriver (apt-get install chromium-driver)"
    return None


def require_browser() -> None:
    reason = unavailable()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the inspector's browser tests must run in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def chromium(profile: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _first(CHROMIUM_NAMES) or ""
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    service = Service(executable_path=_first(DRIVER_NAMES, ("/usr/lib/chromium/chromedriver",)))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    viewport(driver, 1280, 800)
    try:
        yield driver
    finally:
        driver.quit()


def viewport(driver: object, width: int, height: int) -> None:
    """The page's own size (the window's, less none: headless Chromium has no window frame to count)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]


def screenshot(driver: object, name: str) -> None:
    target = os.environ.get(SCREENSHOTS_ENV)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(target) / f"{name}.png"))  # type: ignore[attr-defined]
