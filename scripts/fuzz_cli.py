#!/usr/bin/env python3
"""Mutation fuzzing of the escalation command line.

Takes the bundled scenarios, mutates them (extreme numbers, deleted, repeated and swapped lines,
flipped bytes, aliases, expressions that blow up at run time, truncation), and runs `validate`,
`run` and a small `batch` on each mutant. Every command must end within the timeout with exit
0, 64, 65 or 74 and stay under the memory bound; anything else (a signal, exit 70, a hang, a
blow-up) is a failure, and the input is saved to the corpus folder so that `make test` replays
it from then on.

    scripts/fuzz_cli.py --seconds 60 [--seed 1] [--escalation .build/release/escalation]
"""
import argparse
import hashlib
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCEPTED = {0, 64, 65, 74}
EXTREMES = ["1e12", "-1", "0", "1e308", "-1e308", ".nan", ".inf", "-.inf", "4294967296", "1e-320",
            "999999999", "1e6", "0.0000001", "18446744073709551616", "2.5", "-0"]
FRAGMENTS = ["1 / (day - day)", "0 / 0", "tension ^ 1e6", "exp(1e6)", "log(0)", "-log(0)",
             "max_rung * 1e300", "sqrt(-1)", "(" * 80 + "1" + ")" * 80]
NUMBER = re.compile(rb"(?<![\w.@-])-?\d+(\.\d+)?(e-?\d+)?(?![\w.-])")


def mutate(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        kind = rng.choice([0, 0, 0, 0, 5, 5, 1, 2, 3, 4, 6, 7, 8])
        if kind == 0:
            numbers = list(NUMBER.finditer(text))
            if numbers:
                m = rng.choice(numbers)
                text = text[:m.start()] + rng.choice(EXTREMES).encode() + text[m.end():]
                lines = text.split(b"\n")
                continue
        if kind == 1 and len(lines) > 2:
            del lines[rng.randrange(len(lines))]
        elif kind == 2 and lines:
            i = rng.randrange(len(lines))
            lines[i:i] = [lines[i]] * rng.randint(1, 3)
        elif kind == 3 and len(lines) > 2:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 4 and text:
            data = bytearray(b"\n".join(lines))
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            lines = bytes(data).split(b"\n")
        elif kind == 5:
            numbers = list(NUMBER.finditer(b"\n".join(lines)))
            if numbers:
                joined = b"\n".join(lines)
                m = rng.choice(numbers)
                fragment = '"' + rng.choice(FRAGMENTS) + '"'
                lines = (joined[:m.start()] + fragment.encode() + joined[m.end():]).split(b"\n")
        elif kind == 6 and lines:
            cut = rng.randrange(len(b"\n".join(lines)) + 1)
            lines = b"\n".join(lines)[:cut].split(b"\n")
        elif kind == 7:
            bomb = [b"x0: &x0 [" + b", ".join([b"q"] * 9) + b"]"]
            for k in range(1, rng.randint(2, 9)):
                bomb.append(b"x%d: &x%d [" % (k, k) + b", ".join([b"*x%d" % (k - 1)] * 9) + b"]")
            lines = bomb + lines
        elif kind == 8 and lines:
            i = rng.randrange(len(lines))
            lines[i] = lines[i] + b" " + rng.choice([b"{", b"[", b"&a", b"*a", b"!!binary", b"'", b'"', b"\t"])
        text = b"\n".join(lines)
    return b"\n".join(lines) if isinstance(lines, list) else text


def run(command, timeout, memory_mb):
    """Runs a command; returns (status, seconds, peak RSS in MB). status None means killed on timeout."""
    start = time.monotonic()
    with open(os.devnull, "wb") as null:
        process = subprocess.Popen(command, stdout=null, stderr=null, cwd=ROOT)
        deadline = start + timeout
        status, peak = None, 0.0
        while True:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(wait_status)
                peak = usage.ru_maxrss / 1024
                break
            try:
                with open(f"/proc/{process.pid}/status") as f:
                    rss = next((int(l.split()[1]) for l in f if l.startswith("VmRSS:")), 0) / 1024
                if rss > memory_mb:
                    process.kill()
            except (FileNotFoundError, ProcessLookupError):
                pass
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return None, timeout, peak
            time.sleep(0.005)
    return status, time.monotonic() - start, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--escalation", default=os.path.join(ROOT, ".build/release/escalation"))
    parser.add_argument("--corpus", default=os.path.join(ROOT, "Tests/fuzz-corpus"))
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--memory-mb", type=float, default=2048)
    args = parser.parse_args()
    if not os.access(args.escalation, os.X_OK):
        sys.exit(f"fuzz_cli: no executable at {args.escalation} (make release first)")

    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="escalation-fuzz-cli-")
    # The mutants sit where a scenario's relative paths (record: ../seeds, params/) still resolve.
    os.makedirs(os.path.join(work, "Scenarios"))
    os.symlink(os.path.join(ROOT, "seeds"), os.path.join(work, "seeds"))
    os.symlink(os.path.join(ROOT, "Scenarios/params"), os.path.join(work, "Scenarios/params"))
    seeds = sorted(os.path.join(ROOT, "Scenarios", f) for f in os.listdir(os.path.join(ROOT, "Scenarios")) if f.endswith(".yaml"))
    texts = [open(p, "rb").read() for p in seeds]
    end = time.monotonic() + args.seconds
    inputs = commands = failures = loaded = 0
    peak = 0.0
    slowest = 0.0
    try:
        while time.monotonic() < end:
            k = rng.randrange(len(seeds))
            mutant = mutate(texts[k], rng)
            path = os.path.join(work, "Scenarios", os.path.basename(seeds[k]))
            with open(path, "wb") as f:
                f.write(mutant)
            inputs += 1
            out = os.path.join(work, "runs.csv")
            plan = [[args.escalation, "validate", path]]
            status, seconds, rss = run(plan[0], args.timeout, args.memory_mb)
            results = [(plan[0], status, seconds, rss)]
            if status == 0:
                loaded += 1
                for command in ([args.escalation, "run", path, "--seed", str(rng.randrange(1 << 32))],
                                [args.escalation, "batch", path, "--runs", "20", "--threads", "1", "--out", out, "--quiet"]):
                    results.append((command,) + run(command, args.timeout, args.memory_mb))
            for command, status, seconds, rss in results:
                commands += 1
                peak = max(peak, rss)
                slowest = max(slowest, seconds)
                if status not in ACCEPTED or rss > args.memory_mb:
                    failures += 1
                    what = "hang" if status is None else (f"exit {status}" if rss <= args.memory_mb else f"{rss:.0f} MB")
                    name = "cli-" + hashlib.sha256(mutant).hexdigest()[:16] + ".yaml"
                    os.makedirs(args.corpus, exist_ok=True)
                    with open(os.path.join(args.corpus, name), "wb") as f:
                        f.write(mutant)
                    print(f"FAILURE ({what}): {' '.join(command[1:2])} on a mutant of {os.path.basename(seeds[k])}; "
                          f"saved as {os.path.join(args.corpus, name)}", flush=True)
            for leftover in ("runs.csv", "runs.manifest.json"):
                if os.path.exists(os.path.join(work, leftover)):
                    os.remove(os.path.join(work, leftover))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"fuzz_cli: {inputs} mutated scenarios ({loaded} still valid), {commands} commands in {args.seconds:.0f} s; "
          f"{failures} failures (crash, hang over {args.timeout:.0f} s, or over {args.memory_mb:.0f} MB); "
          f"peak memory {peak:.0f} MB, slowest command {slowest:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
