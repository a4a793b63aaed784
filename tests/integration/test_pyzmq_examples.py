"""pyzmq's examples (from the pyzmq sdist, see pyzmq_examples.py) pass on zmqlite
wherever they pass on pyzmq, except those listed with the reason zmqlite fails them."""

import pytest

import pyzmq_examples as harness

pytestmark = pytest.mark.zmqlite_only(reason="compares zmqlite against pyzmq itself")


@pytest.fixture(scope="module")
def source():
    try:
        return harness.examples_source()
    except harness.Unavailable as e:
        pytest.skip(f"pyzmq's examples are unavailable: {e}")


def run_twice(example, impl, source):
    """A second try after a failure: the examples bind fixed ports (5555...), which
    another program on the machine may hold for a moment. (A pyzmq run that fails only
    skips the example, so it gets one try.)"""
    ok, why = harness.run_example(example, impl, source)
    if not ok:
        ok, why = harness.run_example(example, impl, source)
    return ok, why


@pytest.mark.parametrize("example", [
    pytest.param(e, id=e.name, marks=pytest.mark.timeout(int(3 * e.seconds + 60)))
    for e in harness.EXAMPLES
])
def test_example_passes_on_zmqlite_where_it_passes_on_pyzmq(example, source):
    if example.skip:
        pytest.skip(example.skip)
    ok, why = harness.run_example(example, "pyzmq", source)
    if not ok:
        pytest.skip(f"fails on pyzmq too: {why}")
    ok, why = run_twice(example, "zmqlite", source)
    if example.zmqlite_fails:
        if not ok:
            pytest.xfail(example.zmqlite_fails)
        return  # passes now: the entry's zmqlite_fails can go
    assert ok, f"passes on pyzmq, fails on zmqlite: {why}"
