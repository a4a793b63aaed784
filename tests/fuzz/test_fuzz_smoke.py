"""A short, deterministic fuzz run inside the test suite: the seeds of
fuzz_engine.py and a few thousand mutations of them (a fixed random seed, so a
failure is reproducible by name) through the same target, on the ordinary
build. The long, coverage-guided runs are described in tests/fuzz/README.md."""

import os
import random
import sys

import pytest

pytestmark = pytest.mark.zmqlite_only(reason="drives zmqlite's engine through _core test hooks")

sys.path.insert(0, os.path.dirname(__file__))

INTERESTING = [0, 1, 0x7F, 0x80, 0xFE, 0xFF]
BIG_SIZES = [0, 255, 256, 1 << 31, 1 << 32, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(data)) if data else 0
        if op == 0 and data:
            data[pos] ^= 1 << rng.randrange(8)
        elif op == 1 and data:
            data[pos] = rng.choice(INTERESTING)
        elif op == 2:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 3 and len(data) > 4:
            del data[pos:pos + rng.randint(1, 32)]
        elif op == 4 and data:
            end = min(len(data), pos + rng.randint(1, 64))
            data[pos:pos] = data[pos:end]
        elif op == 5 and len(data) > 12:
            # a long frame header with an extreme size somewhere after the prefix
            at = rng.randrange(3, len(data) - 9)
            data[at:at + 9] = bytes([rng.choice([0x02, 0x03, 0x06])]) + \
                rng.choice(BIG_SIZES).to_bytes(8, "big")
    return bytes(data)


def test_seeds_and_mutations_run_clean():
    import fuzz_engine

    seeds = list(fuzz_engine.seeds())
    for seed in seeds:
        fuzz_engine.TestOneInput(seed)
    rng = random.Random(20261202)
    for i in range(3000):
        data = mutate(rng, rng.choice(seeds))
        try:
            fuzz_engine.TestOneInput(data)
        except Exception as exc:  # report the input that did it
            raise AssertionError(f"mutation {i} failed: {data!r}") from exc


def test_regression_inputs_run_clean():
    """Inputs the long runs found (each file one input)."""
    import fuzz_engine

    folder = os.path.join(os.path.dirname(__file__), "regressions")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
        with open(os.path.join(folder, name), "rb") as f:
            fuzz_engine.TestOneInput(f.read())
