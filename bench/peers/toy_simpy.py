#!/usr/bin/env python3
"""The benchmark toy model (Scenarios/bench/toy.yaml) in SimPy 4, written as SimPy is meant to
be used: the peer `make bench` compares the engine's speed with.

  militia attacks: Poisson process, 0.2 a day
  each attack: the US answers with probability 0.6 after Gamma(shape 2, scale 1.5) days
  each answer: the militia counters with probability 0.5 after Exponential(mean 2) days
  counters draw no answers; horizon 365 days

One process makes the attacks; every answer and every counter in waiting is a process of its
own that sleeps through its delay with a timeout. Draws come from Python's `random`, seeded per
replication from the master seed, so event counts agree with the engine's only on average
(about 138 events a run). Events are the model's: attacks, answers and counters handled before
the horizon, as the engine and the C peer count them.

usage: toy_simpy.py RUNS [MASTER_SEED]
prints: runs events seconds   (seconds of the simulation loop alone, perf_counter)
"""
import random
import sys
import time

import simpy

HORIZON = 365.0
ATTACK_RATE = 0.2
ANSWER_PROBABILITY, ANSWER_SHAPE, ANSWER_SCALE = 0.6, 2.0, 1.5
COUNTER_PROBABILITY, COUNTER_MEAN = 0.5, 2.0


def replication(rng):
    """One run of the model; returns the number of events handled before the horizon."""
    env = simpy.Environment()
    handled = 0

    def counter(delay):
        nonlocal handled
        yield env.timeout(delay)
        handled += 1

    def answer(delay):
        nonlocal handled
        yield env.timeout(delay)
        handled += 1
        if rng.random() < COUNTER_PROBABILITY:
            env.process(counter(rng.expovariate(1 / COUNTER_MEAN)))

    def attacks():
        nonlocal handled
        while True:
            yield env.timeout(rng.expovariate(ATTACK_RATE))
            handled += 1
            if rng.random() < ANSWER_PROBABILITY:
                env.process(answer(rng.gammavariate(ANSWER_SHAPE, ANSWER_SCALE)))

    env.process(attacks())
    env.run(until=HORIZON)
    return handled


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(f"usage: {sys.argv[0]} RUNS [MASTER_SEED]")
    runs = int(sys.argv[1])
    master = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random()
    start = time.perf_counter()
    events = 0
    for k in range(runs):
        rng.seed((master << 32) | k)
        events += replication(rng)
    seconds = time.perf_counter() - start
    print(f"{runs} {events} {seconds:.6f}")


if __name__ == "__main__":
    main()
