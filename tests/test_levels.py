"""Severity and Confidence: one ordered scale type, parsed and printed one way."""

from __future__ import annotations

import pytest

from guard.models import Confidence, Level, Severity


@pytest.mark.parametrize('scale', [Severity, Confidence])
def test_each_scale_parses_its_lowercase_names_and_prints_them(scale: type[Level]) -> None:
    assert issubclass(scale, Level)
    for level in scale:
        assert scale.parse(str(level)) is level
        assert scale.parse(str(level).upper()) is level


@pytest.mark.parametrize(
    ('scale', 'value', 'message'),
    [
        (Severity, 'severe', "unknown severity 'severe': use one of info, low, medium, high, critical"),
        (Confidence, 'sure', "unknown confidence 'sure': use one of low, medium, high"),
        (Confidence, 3, 'unknown confidence a int: use one of low, medium, high'),
        (Severity, 'x' * 100, f"unknown severity '{'x' * 40}': use one of info, low, medium, high, critical"),
    ],
)
def test_an_unknown_name_says_which_scale_and_its_names(scale: type[Level], value: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        scale.parse(value)  # type: ignore[arg-type]
    assert str(raised.value) == message
