"""The registry of detectors: explicit, no discovery by import."""

from __future__ import annotations

from collections.abc import Sequence

from guard.detectors.assignments import AssignmentDetector
from guard.detectors.base import Detector
from guard.detectors.commandlines import CommandLineDetector
from guard.detectors.connstrings import (
    ConnectionStringDetector,
    CredentialFileDetector,
    KeyValueConnectionDetector,
    NetrcDetector,
)
from guard.detectors.rules import Rule, RuleDetector, builtin_rules


def active_rules(disabled: frozenset[str] = frozenset(), extra: Sequence[Rule] = ()) -> list[Rule]:
    return [r for r in (*builtin_rules(), *extra) if r.id not in disabled]


def build_detectors(disabled: frozenset[str] = frozenset(), extra: Sequence[Rule] = ()) -> list[Detector]:
    """Every enabled detector: rules first, then the parsers that rules cannot express."""
    detectors: list[Detector] = [RuleDetector(rule) for rule in active_rules(disabled, extra)]
    detectors += [
        ConnectionStringDetector(),
        KeyValueConnectionDetector(),
        CredentialFileDetector(),
        NetrcDetector(),
        AssignmentDetector(),
        CommandLineDetector(),
    ]
    return [d for d in detectors if d.id not in disabled]
