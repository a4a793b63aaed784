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


@pytest.mark.parametrize("example", [
    pytest.param(e, id=e.name, marks=pytest.mark.timeout(int(2 * e.seconds + 60)))
    for e in harness.EXAMPLES
])
def test_example_passes_on_zmqlite_where_it_passes_on_pyzmq(example, source):
    if example.skip:
        pytest.skip(example.skip)
    ok, why = harness.run_example(example, "pyzmq", source)
    if not ok:
        pytest.skip(f"fails on pyzmq too: {why}")
    ok, why = harness.run_example(example, "zmqlite", source)
    if example.zmqlite_fails:
        if not ok:
            pytest.xfail(example.zmqlite_fails)
        return  # passes now: the entry's zmqlite_fails can go
    assert ok, f"passes on pyzmq, fails on zmqlite: {why}"
