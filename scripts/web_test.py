#!/usr/bin/env python3
"""The classroom in headless Chromium, as a class uses it (called by scripts/test-web).

1. Explore: moving a slider changes the numbers, and they are the bytes `escalation batch`
   writes for the command the page shows.
2. Play: a whole game to its end; the saved game replays with `escalation run --moves` to the
   story the page shows.
3. A room: a teacher opens it, two students join and play, the teacher's page shows both.
Each page is saved as a screenshot.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--escalation", required=True)
parser.add_argument("--screenshots", required=True)
parser.add_argument("--work", required=True)
args = parser.parse_args()
escalation = os.path.abspath(args.escalation)
checks = 0


def check(condition, message):
    global checks
    if not condition:
        print("test-web: FAILED: " + message, file=sys.stderr)
        sys.exit(1)
    checks += 1


def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600"]:
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


def wait(driver, condition, seconds=30, what="the page"):
    def safely(d):
        # A page being replaced by the next one can make an element stale mid-check: look again.
        try:
            return condition(d)
        except Exception:
            return False
    try:
        return WebDriverWait(driver, seconds).until(safely)
    except Exception:
        driver.save_screenshot(os.path.join(args.screenshots, "failure.png"))
        print("test-web: FAILED waiting for " + what, file=sys.stderr)
        sys.exit(1)


def shot(driver, name):
    path = os.path.join(args.screenshots, name + ".png")
    driver.save_screenshot(path)
    print(f"screenshot {path}")


def escalation_command(text, cwd):
    """Runs a command the page shows (it starts with `escalation`) with the binary under test,
    from the repository (where the page's scenario path points)."""
    words = shlex.split(text)
    check(words[0] == "escalation", "the page's command starts with escalation: " + text)
    return subprocess.run([escalation] + words[1:], cwd=cwd, capture_output=True, text=True)


def outcome_rows(driver):
    rows = {}
    for tr in driver.find_elements(By.CSS_SELECTOR, "#outcomes tbody tr"):
        rows[tr.get_attribute("data-outcome")] = tr.find_element(By.CSS_SELECTOR, "td.b").text
    return rows


def explore(driver):
    driver.get(args.url + "/explore/taji-2020")
    wait(driver, lambda d: d.find_element(By.ID, "status").get_attribute("data-state") == "done", what="the first batch")
    before = outcome_rows(driver)
    first = driver.find_element(By.ID, "status").get_attribute("data-sequence")
    check(len(before) >= 2, "the outcome table has rows")
    slider = driver.find_element(By.CSS_SELECTOR, "input[data-knob=air_defence_day]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    slider.click()
    slider.send_keys(Keys.HOME)  # the earliest date the range allows: 23 days after Taji
    check(slider.get_attribute("value") == "23", "the slider moved to 23, found " + slider.get_attribute("value"))
    wait(driver, lambda d: d.find_element(By.ID, "status").get_attribute("data-state") == "done"
         and d.find_element(By.ID, "status").get_attribute("data-sequence") != first, what="the batch after the slider")
    after = outcome_rows(driver)
    check(after != before, f"the numbers changed when the slider moved ({before} -> {after})")
    command = driver.find_element(By.ID, "command").text
    check("--set parameters.air_defence_day.value=23" in command, "the command carries the slider: " + command)
    shown_csv = driver.execute_script("return document.getElementById('summary-csv').textContent")
    out = os.path.join(args.work, "explore")
    os.makedirs(out, exist_ok=True)
    command = command.replace("--summary summary.csv --out runs.csv",
                              f"--summary {out}/summary.csv --out {out}/runs.csv")
    result = escalation_command(command, os.getcwd())
    check(result.returncode == 0, "the page's batch command runs: " + result.stderr)
    # The page warns of a rate above its max_rate exactly when batch does (the flagship's never is).
    warned = driver.find_element(By.ID, "rate-warning").is_displayed()
    check(warned == ("above its max_rate" in result.stderr), f"the page's max_rate warning ({warned}) is batch's")
    with open(os.path.join(out, "summary.csv")) as f:
        written = f.read()
    check(written == shown_csv, "the summary the page shows is the bytes batch writes")
    # And every probability in the table is the summary's, rounded as shown.
    for line in written.splitlines():
        if not line.startswith("outcome_"):
            continue
        name, fields = line.split(",")[0][len("outcome_"):], line.split(",")
        if name in after:
            p, low, high = float(fields[2]), float(fields[4]), float(fields[5])
            expected = f"{100 * p:.1f}% ({100 * low:.1f}%–{100 * high:.1f}%)"
            check(after[name] == expected, f"{name}: the page shows {after[name]}, batch gives {expected}")
    driver.execute_script("window.scrollTo(0, 0)")
    shot(driver, "explore")
    print(f"explore: slider to 23 changed {sum(before.get(k) != v for k, v in after.items())} outcome rows; summary CSV identical to batch")


def play_to_end(driver, label, first_choice="us_depot_strikes", screenshot_mid=None):
    moves = 0
    while driver.find_element(By.TAG_NAME, "body").get_attribute("data-finished") != "true":
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#choices button:not([disabled])")
             or d.find_element(By.TAG_NAME, "body").get_attribute("data-finished") == "true", what=f"{label}: a turn")
        if driver.find_element(By.TAG_NAME, "body").get_attribute("data-finished") == "true":
            break
        choice = first_choice if moves % 3 == 0 else "hold"
        if screenshot_mid and moves == 2:
            shot(driver, screenshot_mid)
        current = driver.find_element(By.TAG_NAME, "body").get_attribute("data-moves")
        driver.find_element(By.CSS_SELECTOR, f"#choices button[data-choice={choice}]").click()
        wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-moves") != current, what=f"{label}: move {moves + 1}")
        moves += 1
        check(moves < 400, "a game ends")
    return moves


def play(driver):
    driver.get(args.url + "/play/taji-2020")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-side=us]"), what="the side buttons")
    driver.find_element(By.CSS_SELECTOR, "button[data-side=us]").click()
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-moves") == "0", what="the first turn")
    check("11 Mar 2020" in driver.find_element(By.ID, "turn-date").text, "the game opens on the day of Taji")
    moves = play_to_end(driver, "solo game", screenshot_mid="play-turn")
    wait(driver, lambda d: d.find_element(By.ID, "same-outcome").text, what="the comparison")
    same = driver.find_element(By.ID, "same-outcome").text
    check("runs end as yours did" in same, "the end compares with the policy: " + same)
    story = driver.execute_script("return document.getElementById('story').textContent")
    game = driver.current_url.split("game=")[1].split("&")[0]
    record = urllib.request.urlopen(f"{args.url}/api/games/{game}/record", timeout=10).read()
    path = os.path.join(args.work, "game.json")
    with open(path, "wb") as f:
        f.write(record)
    replay = subprocess.run([escalation, "run", "Scenarios/taji-2020.yaml", "--moves", path], capture_output=True, text=True)
    check(replay.returncode == 0, "the saved game replays: " + replay.stderr)
    check(replay.stdout == story, "run --moves tells the story the page shows, byte for byte")
    shot(driver, "play-end")
    print(f"play: {moves} moves to '{driver.find_element(By.ID, 'result-title').text}'; run --moves gives the same {len(story)} bytes")


def room(teacher, student_a, student_b):
    teacher.get(args.url + "/")
    wait(teacher, lambda d: d.find_elements(By.CSS_SELECTOR, "#room-side option"), what="the room form")
    teacher.find_element(By.CSS_SELECTOR, "#room-form button").click()
    link = wait(teacher, lambda d: d.find_elements(By.ID, "teacher-link"), what="the teacher link")[0].get_attribute("href")
    shot(teacher, "index")
    teacher.get(link)
    code = teacher.find_element(By.ID, "room-code").text
    check(len(code) == 6, "a six-character room code")
    for driver, name, moves in [(student_a, "Ada <b>Lovelace</b>", 3), (student_b, "Ben", None)]:
        driver.get(args.url + "/")
        driver.find_element(By.ID, "join-code").send_keys(code.lower())
        driver.find_element(By.CSS_SELECTOR, "#join-form button").click()
        wait(driver, lambda d: d.find_elements(By.ID, "name"), what="the join page")
        if name == "Ben":
            shot(driver, "join")
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.CSS_SELECTOR, "#name-form button").click()
        wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-moves") == "0", what=f"{name}'s first turn")
        if moves is None:
            play_to_end(driver, name, first_choice="us_warning")
        else:
            for k in range(moves):
                if driver.find_element(By.TAG_NAME, "body").get_attribute("data-finished") == "true":
                    break  # the room's crisis may end sooner
                current = driver.find_element(By.TAG_NAME, "body").get_attribute("data-moves")
                driver.find_element(By.CSS_SELECTOR, "#choices button[data-choice=us_warning]").click()
                wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-moves") != current, what=f"{name}: move")
    def finished(d):
        # "2 students, 2 games, N finished": Ben's game has ended; Ada's may have too.
        found = re.search(r"(\d+) finished", d.find_element(By.ID, "room-status").text)
        return found and int(found.group(1)) >= 1
    wait(teacher, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#students tbody tr")) == 2 and finished(d),
         seconds=20, what="the teacher's page to show both students")
    names = [tr.find_element(By.TAG_NAME, "td").text for tr in teacher.find_elements(By.CSS_SELECTOR, "#students tbody tr")]
    check(names == ["Ada <b>Lovelace</b>", "Ben"], f"the teacher sees both names, as typed (escaped): {names}")
    check(not teacher.find_elements(By.CSS_SELECTOR, "#students b"), "a name's markup is text, not HTML")
    warn = teacher.find_element(By.CSS_SELECTOR, "#room-choices tr[data-choice=us_warning]").find_elements(By.TAG_NAME, "td")[2].text
    check(int(warn) >= 3, "the teacher counts the class's warnings: " + warn)
    export = teacher.find_element(By.ID, "export").get_attribute("href")
    csv = urllib.request.urlopen(export, timeout=10).read().decode()
    check(csv.startswith("room,student,game") and "Ben" in csv, "the export has every move")
    shot(teacher, "teacher")
    print(f"room {code}: two students joined and played; the teacher saw both and exported {len(csv.splitlines()) - 1} moves")


drivers = [browser() for _ in range(3)]
try:
    explore(drivers[0])
    play(drivers[0])
    room(*drivers)
finally:
    for d in drivers:
        d.quit()
print(f"test-web: browser checks passed ({checks} checks)")
