"""How long a failing account's attempts are held back."""

import pytest

from cms.security.throttle import MAX_SLOWDOWN, slowdown


@pytest.mark.parametrize(("failures", "seconds"), [(0, 0), (2, 0), (3, 0.5), (6, 2)])
def test_slowed_from_the_third_failure(failures, seconds):
    assert slowdown(failures, 0.5) == seconds


@pytest.mark.parametrize("failures", [10, 100, 10**9])
def test_never_more_than_a_few_seconds(failures):
    assert slowdown(failures, 0.5) == MAX_SLOWDOWN <= 5


def test_the_setting_may_turn_it_off():
    assert slowdown(100, 0) == 0
