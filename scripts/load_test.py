#!/usr/bin/env python3
"""A class at once: N students on loopback, each joining a room, playing a whole game and
moving a few knobs in Explore, all at the same time (called by scripts/test-web).

Prints the requests, errors (must be 0), and the median, 95th percentile and maximum response
time of each kind of request; exits 1 on any error or if the class does not finish in time.
"""
import argparse
import json
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--students", type=int, default=30)
parser.add_argument("--explores", type=int, default=2, help="what-ifs each student asks for")
parser.add_argument("--timeout", type=float, default=300, help="seconds the whole class may take")
args = parser.parse_args()

times = {}
errors = []
lock = threading.Lock()


def call(kind, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(args.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            payload = response.read()
            status = response.status
    except urllib.error.HTTPError as e:
        payload, status = e.read(), e.code
    except Exception as e:  # a refused or dropped connection is an error too
        payload, status = str(e).encode(), 0
    elapsed = time.perf_counter() - began
    with lock:
        times.setdefault(kind, []).append(elapsed)
        if status != 200:
            errors.append(f"{kind} {path}: {status} {payload[:200]!r}")
    return json.loads(payload) if status == 200 else None


def student(k, code, knobs):
    rng = random.Random(k)
    joined = call("join", "POST", f"/api/rooms/{code}/join", {"name": f"student {k + 1}"})
    if not joined:
        return
    game = call("new game", "POST", "/api/games", {"room": code, "student": joined["student"]})
    for e in range(args.explores):
        knob = rng.choice(knobs)
        value = round(rng.uniform(knob["low"], knob["high"]), 3)
        call("explore", "POST", "/api/explore", {"scenario": "taji-2020", "settings": {knob["id"]: value}})
    while game and not game["finished"]:
        choice = rng.choice([c["id"] for c in game["choices"]])
        game = call("move", "POST", f"/api/games/{game['id']}/moves", {"action": choice, "delay": rng.choice([0, 1, 3])})


scenario = call("scenario", "GET", "/api/scenarios/taji-2020")
room = call("new room", "POST", "/api/rooms", {"scenario": "taji-2020"})
if not scenario or not room:
    print("load test: could not open a room: " + "; ".join(errors), file=sys.stderr)
    sys.exit(1)
began = time.perf_counter()
threads = [threading.Thread(target=student, args=(k, room["code"], scenario["knobs"]), daemon=True) for k in range(args.students)]
for t in threads:
    t.start()
for t in threads:
    t.join(max(0.1, args.timeout - (time.perf_counter() - began)))
wall = time.perf_counter() - began
summary = call("teacher summary", "GET", f"/api/rooms/{room['code']}/summary?token={room['teacherToken']}")
unfinished = [t for t in threads if t.is_alive()]

every = [x for xs in times.values() for x in xs]
def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
print(f"load test: {args.students} students at once, {len(every)} requests in {wall:.1f} s, errors {len(errors)}")
for kind, xs in sorted(times.items()):
    print(f"  {kind:16} {len(xs):5} requests  median {1000 * statistics.median(xs):7.1f} ms  "
          f"p95 {1000 * p95(xs):7.1f} ms  max {1000 * max(xs):7.1f} ms")
print(f"  all requests     {len(every):5}           median {1000 * statistics.median(every):7.1f} ms  p95 {1000 * p95(every):7.1f} ms")
if summary:
    print(f"  the teacher's page: {len(summary['students'])} students, {summary['games']} games, {summary['finished']} finished")
for e in errors[:10]:
    print("  error: " + e, file=sys.stderr)
if errors or unfinished or not summary or summary["finished"] != args.students:
    print(f"load test: FAILED ({len(errors)} errors, {len(unfinished)} students unfinished after {args.timeout:.0f} s)", file=sys.stderr)
    sys.exit(1)
