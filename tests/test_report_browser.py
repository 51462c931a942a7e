"""Reports in a real browser: Debian's headless Chromium, driven by Playwright, network off.

Each report must open with no console error, no request leaving the file, every sentence
in the DOM, every chart drawn (SVG marks with a size), and a screenshot that is not blank.
FRAMING_SCREENSHOTS=DIR keeps the screenshots (README's come from here); for the corpus
report, FRAMING_REPORT_CORPUS=scored.jsonl and FRAMING_REPORT_BY=year,country use a real
scored corpus instead of a synthetic one.
"""

import base64
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.report.bench import synthetic_corpus
from tests.conftest import SEED_ARTICLE

pytestmark = pytest.mark.slow
VIEWPORT = {"width": 1280, "height": 1400}
MIN_INKED_SHARE = 0.02  # of a screenshot's pixels, not the background colour (text alone inks about 5-10 %)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "the browser tests need Debian's chromium on PATH: apt-get install -y chromium"
    with sync_playwright() as playwright:
        # Network switched off in the browser itself, on top of the offline context below.
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def open_offline(browser, page_file: Path):
    """Open a report; return the page and what went wrong: console errors, page errors and
    requests for anything but the file itself."""
    context = browser.new_context(offline=True, viewport=VIEWPORT)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    url = page_file.resolve().as_uri()
    page.on("request", lambda r: problems.append(f"request: {r.url}") if r.url.split("#")[0] != url else None)
    page.goto(url, wait_until="load")
    return page, problems


def check_charts(page, expected: int) -> None:
    sizes = page.eval_on_selector_all("figure svg", """svgs => svgs.map(svg => {
        const marks = [...svg.querySelectorAll('.role-mark *')].map(m => m.getBoundingClientRect());
        return marks.filter(b => b.width > 0 || b.height > 0).length; })""")
    assert len(sizes) == expected and all(n > 0 for n in sizes), sizes


def check_screenshot(browser, page, name: str) -> None:
    png = page.screenshot(full_page=False)
    keep = os.environ.get("FRAMING_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / name).write_bytes(png)
    # The share of pixels unlike the most common (background) colour, counted on a canvas
    # in a second page, so no image library is needed.
    probe = browser.new_page()
    inked = probe.evaluate("""async src => {
        const img = new Image(); img.src = src; await img.decode();
        const canvas = new OffscreenCanvas(img.width, img.height), g = canvas.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, img.width, img.height).data, counts = new Map();
        for (let i = 0; i < d.length; i += 4) {
            const c = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2]; counts.set(c, (counts.get(c) || 0) + 1); }
        return 1 - Math.max(...counts.values()) / (d.length / 4); }""",
                           "data:image/png;base64," + base64.b64encode(png).decode())
    probe.close()
    assert inked >= MIN_INKED_SHARE, f"{name}: {inked:.1%} of the pixels inked; the page looks blank"


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result


def test_article_report_in_a_browser(browser, tmp_path):
    """The seed article scored by the shipped model, evidence included."""
    scored, page_file = tmp_path / "seed.jsonl", tmp_path / "article.html"
    run("score", SEED_ARTICLE, "-f", "jsonl", "-o", scored, "--explain")
    run("report", scored, "-o", page_file)
    page, problems = open_offline(browser, page_file)
    records = [json.loads(line) for line in scored.read_text().splitlines()]
    shown = page.eval_on_selector_all("[data-sentence]", "ns => ns.map(n => [+n.dataset.sentence, n.textContent])")
    assert dict(shown) == {r["sentence_id"]: r["text"] for r in records}
    check_charts(page, expected=2)
    assert page.locator(".evidence").count() > 0 and page.locator("mark.actor").count() > 0
    check_screenshot(browser, page, "report-article.png")
    assert problems == []


def test_corpus_report_in_a_browser(browser, tmp_path):
    corpus = os.environ.get("FRAMING_REPORT_CORPUS")
    by = os.environ.get("FRAMING_REPORT_BY", "year,country").split(",")
    if not corpus:
        corpus = tmp_path / "scored.jsonl"
        synthetic_corpus(corpus, sentences=5000, seed=2)
    page_file = tmp_path / "corpus.html"
    run("report", corpus, *[x for field in by for x in ("--by", field)], "-o", page_file)
    page, problems = open_offline(browser, page_file)
    check_charts(page, expected=5 if len(by) > 1 else 2)
    check_screenshot(browser, page, "report-corpus.png")
    # An example's link opens its document's page, scrolled to the sentence.
    href = page.locator("#examples a").first.get_attribute("href")
    assert problems == []
    document, problems = open_offline(browser, page_file.parent / href.split("#")[0])
    target = document.locator("#" + href.split("#")[1])
    assert target.count() == 1 and target.text_content().strip()
    assert problems == []


def test_the_checks_catch_a_request_an_error_and_a_blank_page(browser, tmp_path, monkeypatch):
    """The checks above can fail: a remote image, a script error and an empty page."""
    monkeypatch.delenv("FRAMING_SCREENSHOTS", raising=False)  # no blank screenshot among README's
    bad = tmp_path / "bad.html"
    bad.write_text('<img src="https://example.org/a.png"><script>console.error("broken")</script>')
    page, problems = open_offline(browser, bad)
    assert any(p.startswith("request: https://example.org") for p in problems)
    assert any("broken" in p for p in problems)
    with pytest.raises(AssertionError, match="looks blank"):
        check_screenshot(browser, page, "blank.png")
