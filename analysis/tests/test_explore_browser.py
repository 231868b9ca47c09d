"""`districtsim explore` as a strategist uses it, in a real browser (Debian's chromium through
chromium-driver and python3-selenium, which scripts/setup installs): the page loads the reference
district as the baseline; moving the pace slider with the keyboard updates the charts and the
bottom line, and the numbers shown are the API's for the same what-if; "Save as scenario"
downloads a file that `districtsim run` accepts and that reproduces the page's medians with the
same seed; "Load scenario" reads it back (and shows the validator's messages for a bad file);
"Full report" opens the comparison report. Screenshots are saved for review in
$DISTRICTSIM_SCREENSHOTS (default build/report-screenshots/): explore.png after the slider moved
(the README's picture), explore-load.png after loading a bad file."""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import time
import urllib.request

import pandas as pd
import pytest

import outputs


@pytest.fixture(scope="module")
def server(binary):
    """`districtsim explore` on a free port; its address."""
    proc = subprocess.Popen([str(binary), "explore", "scenarios/reference.toml", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=outputs.REPO)
    address = None
    deadline = time.time() + 120
    while time.time() < deadline and address is None:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
        if m:
            address = m.group(1)
    if address is None:
        proc.kill()
        pytest.fail("districtsim explore did not print its address")
    yield address
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0, "explore did not stop cleanly on Ctrl-C"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    driver = outputs.headless_chrome(window="1400,1700", downloads=downloads)
    yield driver
    driver.quit()


def api(address: str, path: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(address + path.lstrip("/"), data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait_for(predicate, timeout=120, what="the page"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def updated(driver) -> str:
    return driver.execute_script("return document.body.dataset.updated || ''")


def test_explore_in_a_browser(server, browser, downloads, binary, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server)
    first = wait_for(lambda: updated(browser), what="the first what-if")
    assert browser.find_element(By.ID, "bottom-line").text.startswith("The what-if is the baseline")
    assert browser.find_element(By.ID, "errors").text == ""

    # Move the pace slider from 0.5 to 0.8 with the keyboard, as a person would.
    pace_box = browser.find_element(By.ID, "strategy.pace")
    slider = pace_box.find_element(By.XPATH, "preceding-sibling::input[@type='range']")
    for _ in range(6):
        slider.send_keys(Keys.ARROW_RIGHT)
    wait_for(lambda: updated(browser) != first and
             "strategy.pace=0.8" in browser.execute_script("return window.lastResult.set"),
             what="the charts to update after the slider moved")
    assert pace_box.get_attribute("value") == "0.8"
    shown = browser.execute_script("return window.lastResult")
    # The numbers on the page are the API's for the same request.
    request = browser.execute_script("return settings()")
    status, answer = api(server, "/api/whatif", request)
    assert status == 200
    assert browser.find_element(By.ID, "bottom-line").text == answer["bottom_line"]
    assert answer["bottom_line"].startswith("By year 10, against the baseline: capacity")
    year = answer["bottom_line_year"]
    cell = browser.find_element(By.CSS_SELECTOR, f'td[data-metric="capacity_index"][data-year="{year}"]').text
    d = answer["metrics"]["capacity_index"]["difference"]
    assert cell.startswith(f'{d["mean"][year]:.3f}'), cell
    for chart in ("capacity_index", "self_sufficiency", "equity_gap", "spend_per_teacher"):
        drawn = browser.execute_script(
            f"return Chart.getChart('chart-{chart}').data.datasets[5].data")
        assert drawn == answer["metrics"][chart]["whatif"]["median"], chart
    assert shown["metrics"] == answer["metrics"]
    assert "scenarios/reference.toml" in browser.find_element(By.ID, "description").text
    browser.save_screenshot(str(outputs.screenshot_dir() / "explore.png"))

    # Save as scenario: the download runs from the command line to the page's numbers.
    for old in downloads.glob("*"):
        old.unlink()
    browser.find_element(By.ID, "save").click()
    saved = wait_for(lambda: next(iter(downloads.glob("whatif*.toml")), None), what="the saved scenario")
    time.sleep(0.2)  # the download is renamed from its .crdownload when complete
    text = saved.read_text()
    assert "strategy.pace=0.8" in text
    out = tmp_path / "rerun"
    subprocess.run([str(binary), "run", str(saved), "-o", str(out), "-q"], check=True)
    t = pd.read_csv(out / "trajectories.csv")
    median = shown["metrics"]["capacity_index"]["whatif"]["median"]
    for y, group in t.groupby("year"):
        active = group[group["initiative_active"] > 0.5]["capacity_index"]
        if active.empty:
            assert median[int(y)] is None
        else:
            assert math.isclose(active.quantile(0.5), median[int(y)], abs_tol=1e-8), y

    # Load scenario: the saved file sets the page back to its what-if.
    browser.find_element(By.ID, "reset").click()
    wait_for(lambda: browser.find_element(By.ID, "bottom-line").text.startswith("The what-if is the baseline"),
             what="the reset")
    file_input = browser.find_element(By.ID, "load-file")
    browser.execute_script("arguments[0].hidden = false", file_input)
    file_input.send_keys(str(saved))
    wait_for(lambda: "Loaded" in browser.find_element(By.ID, "notice").text, what="the loaded scenario")
    assert pace_box.get_attribute("value") == "0.8"
    wait_for(lambda: browser.find_element(By.ID, "bottom-line").text == answer["bottom_line"],
             what="the loaded what-if's results")
    bad = tmp_path / "bad.toml"
    bad.write_text("[strategy]\npace = 3\n")
    file_input.send_keys(str(bad))
    wait_for(lambda: "bad.toml:2:" in browser.find_element(By.ID, "errors").text, what="the validator's message")
    browser.save_screenshot(str(outputs.screenshot_dir() / "explore-load.png"))


def test_explore_full_report(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    wait_for(lambda: updated(browser), what="the first what-if")
    handles = set(browser.window_handles)
    browser.find_element(By.ID, "report").click()
    wait_for(lambda: "The full report" in browser.find_element(By.ID, "notice").text, timeout=300,
             what="the full report")
    new = wait_for(lambda: set(browser.window_handles) - handles, what="the report's tab")
    browser.switch_to.window(new.pop())
    wait_for(lambda: "/reports/" in browser.current_url and browser.find_elements(By.TAG_NAME, "h1"),
             what="the report page")
    assert "compare" in browser.page_source.lower()
