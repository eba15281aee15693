#!/usr/bin/env python3
"""Loads `synctrace report` pages in headless Chromium and checks what the browser made of them.

For each PAGE (a path without extension: PAGE.html is the report, PAGE.json the same trace's
`analyze --format json`), the DOM after the page's script ran must say:
- data-rendered="yes" and an empty data-script-errors (the script ran to its end, no error), and
  Chromium's console printed no uncaught error;
- one article per finding of the JSON, by fingerprint, in order (up to the page's cap of 1,000);
- data-threads-drawn equal to the rows of every timeline on the page (each row had a box with a size).
The page named by --shot is also screenshotted to --screenshot.
"""
import argparse
import json
import re
import subprocess
import sys


def run_browser(browser, args, url):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--enable-logging=stderr", "--v=0"] + args + [url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--browser", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--shot", required=True)
    parser.add_argument("pages", nargs="+")
    options = parser.parse_args()
    failures = []
    for page in options.pages:
        name = page.rsplit("/", 1)[-1]
        url = "file://" + page + ".html"
        with open(page + ".html", encoding="utf-8") as file:
            html = file.read()
        with open(page + ".json", encoding="utf-8") as file:
            analysis = json.load(file)
        result = run_browser(options.browser, ["--dump-dom"], url)
        dom = result.stdout
        body = re.search(r"<body([^>]*)>", dom)
        if result.returncode != 0 or not body:
            failures.append(f"{name}: chromium exited {result.returncode} without a page: {result.stderr[-500:]}")
            continue
        attributes = dict(re.findall(r'([a-z-]+)="([^"]*)"', body.group(1)))
        if attributes.get("data-rendered") != "yes":
            failures.append(f"{name}: the page's script did not run to its end")
        if attributes.get("data-script-errors", "missing") != "":
            failures.append(f"{name}: script errors: {attributes.get('data-script-errors')!r}")
        uncaught = [line for line in result.stderr.splitlines() if "Uncaught" in line]
        if uncaught:
            failures.append(f"{name}: console: {uncaught[:3]}")
        expected = [finding["fingerprint"] for finding in analysis["findings"]][:1000]
        shown = re.findall(r'<article class="finding[^"]*" id="finding-\d+" data-fingerprint="([0-9a-f]+)"', dom)
        if shown != expected:
            failures.append(f"{name}: {len(shown)} findings on the page, {len(expected)} expected (or another order)")
        rows = sum(int(count) for count in re.findall(r'<figure class="timeline-figure" data-rows="(\d+)"', html))
        drawn = int(attributes.get("data-threads-drawn", "-1"))
        if drawn != rows or (expected and rows == 0):
            failures.append(f"{name}: the timelines drew {drawn} thread rows of {rows}")
        timelines = len(re.findall(r'<svg class="timeline"', dom))
        print(f"report-check: {name}: {len(shown)} findings, {drawn} thread rows drawn in {timelines} timelines")
        if name == options.shot:
            shot = run_browser(options.browser, ["--window-size=1400,1000", "--screenshot=" + options.screenshot], url)
            if shot.returncode != 0:
                failures.append(f"{name}: no screenshot: {shot.stderr[-300:]}")
            else:
                print(f"report-check: screenshot of {name} in {options.screenshot}")
    for failure in failures:
        print("report-check: FAILED " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
