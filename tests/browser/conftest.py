"""Headless Chromium (Debian's /usr/bin/chromium) driven through Playwright's sync API.

Every test in tests/browser is marked ``browser``. Each test gets a fresh browser context
(no shared cookies) and a ``page`` whose console messages, uncaught page errors and CSP
violations are recorded in ``page.log`` so a test can assert the pages it visited were clean.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse
# the (synchronous) ORM calls the tests and the live server make while it is running.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Reported to the console so a violation is caught even if Chromium's own wording changes.
_CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('Content Security Policy violation: ' + e.violatedDirective
                + ' blocked ' + (e.blockedURI || '(inline)') + ' on ' + e.documentURI);
});
"""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class Entry:
    kind: str  # "console:<type>" or "pageerror"
    text: str
    url: str  # the resource / document the message is about, when known


@dataclass
class BrowserLog:
    entries: list[Entry] = field(default_factory=list)

    def csp_violations(self) -> list[Entry]:
        return [e for e in self.entries if "Content Security Policy" in e.text or "Refused to" in e.text]

    def errors(self, *, expected_404: tuple[str, ...] = ()) -> list[Entry]:
        """Console errors and uncaught exceptions, except the browser's own
        "Failed to load resource … 404" for URLs the test navigated to on purpose
        and for /favicon.ico."""
        out = []
        for e in self.entries:
            if e.kind not in ("console:error", "pageerror"):
                continue
            if "status of 404" in e.text and e.url in expected_404:
                continue
            out.append(e)
        return out

    @staticmethod
    def summary(entries: list[Entry]) -> str:
        """Distinct messages, with how often each occurred, for an assertion message."""
        counts: dict[tuple[str, str, str], int] = {}
        for e in entries:
            key = (e.kind, e.url, " ".join(e.text.split())[:300])
            counts[key] = counts.get(key, 0) + 1
        return "\n".join(f"{n}x {kind} @ {url}: {text}" for (kind, url, text), n in counts.items())

    def problems(self, *, expected_404: tuple[str, ...] = ()) -> list[Entry]:
        seen, out = set(), []
        for e in self.csp_violations() + self.errors(expected_404=expected_404):
            if id(e) not in seen:
                seen.add(id(e))
                out.append(e)
        return out


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """new_page(viewport=PHONE) → a page in its own context, with ``page.log`` recording."""
    contexts = []

    def make(*, viewport: dict | None = None):
        context = chromium.new_context(locale="zh-CN", viewport=viewport or DESKTOP)
        context.add_init_script(_CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log = BrowserLog()

        def on_console(msg):
            location = msg.location or {}
            log.entries.append(Entry(f"console:{msg.type}", msg.text, location.get("url", "") or page.url))

        page.on("console", on_console)
        page.on("pageerror", lambda exc: log.entries.append(Entry("pageerror", str(exc), page.url)))
        page.log = log
        # Confirmations (static/js/confirm.js) are answered 确定 (or 取消 with page.confirm_dialogs =
        # False) and recorded in page.dialogs.
        page.dialogs = []
        page.confirm_dialogs = True

        def on_dialog(dialog):
            page.dialogs.append(dialog.message)
            dialog.accept() if page.confirm_dialogs else dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
