"""Times `districtsim explore` as a person sees it (scripts/bench, section (h)): a real browser
(Debian's chromium through selenium) opens the page on SCENARIO, and each of N changes moves one
dial's slider one step with the keyboard; the time from the slider's input event to the frame
after the charts were redrawn with the new what-if's answer, as the page measures it (its
data-latency), with its parts: the page's wait for more changes, the server's answer, the
drawing. Prints one line: the median, min and max in seconds, the times and the parts' medians.

    explore_bench.py DISTRICTSIM SCENARIO [N]
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time


def main() -> int:
    binary, scenario = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    server = subprocess.Popen([binary, "explore", scenario, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    address = None
    for line in server.stdout:
        m = re.search(r"open (http://[^ ]+/)", line)
        if m:
            address = m.group(1)
            break
    if address is None:
        server.kill()
        sys.exit("explore_bench: districtsim explore printed no address")
    options = Options()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1700"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    try:
        driver.get(address)

        def updated() -> str:
            return driver.execute_script("return document.body.dataset.updated || ''")

        def wait_change(before: str) -> None:
            deadline = time.time() + 120
            while updated() == before:
                if time.time() > deadline:
                    sys.exit("explore_bench: the page did not update")
                time.sleep(0.1)  # the page measures itself: polling rarely keeps the cores free

        wait_change("")
        dials = ["strategy.pace", "strategy.bundling", "strategy.need_priority", "strategy.centralization"]
        times, parts = [], []
        for i in range(n):
            box = driver.find_element(By.ID, dials[i % len(dials)])
            slider = box.find_element(By.XPATH, "preceding-sibling::input[@type='range']")
            before = updated()
            slider.send_keys(Keys.ARROW_RIGHT if (i // len(dials)) % 2 == 0 else Keys.ARROW_LEFT)
            wait_change(before)
            # The page's own measure, from the input event to the frame after the
            # charts were drawn (the polling here adds nothing to it).
            times.append(float(driver.execute_script("return document.body.dataset.latency")))
            parts.append(json.loads(driver.execute_script("return document.body.dataset.timings")))
            time.sleep(0.3)
        mid = lambda k: statistics.median(p[k] for p in parts) / 1000
        print(f"median {statistics.median(times):.2f} min {min(times):.2f} max {max(times):.2f} "
              f"times {' '.join(f'{t:.2f}' for t in times)} "
              f"(median parts: wait {mid('wait'):.2f}, answer {mid('answer'):.2f}, draw {mid('draw'):.2f})")
    finally:
        driver.quit()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
