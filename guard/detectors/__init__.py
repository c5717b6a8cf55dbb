"""The registry of detectors: explicit, no discovery by import.

It is also the one rule-id namespace: every id a finding can carry is some detector's
`reports` key (a rule's id, or an id a parser reports), and `rules.disable` takes those ids
(and, as before, a detector's own id, which turns the whole detector off).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from guard.detectors.assignments import AssignmentDetector
from guard.detectors.base import Detector
from guard.detectors.commandlines import CommandLineDetector
from guard.detectors.connstrings import (
    ConnectionStringDetector,
    CredentialFileDetector,
    KeyValueConnectionDetector,
    NetrcDetector,
)
from guard.detectors.credfiles import CredentialStoreDetector
from guard.detectors.dbeaver import DBeaverDetector
from guard.detectors.decoding import DecodingDetector
from guard.detectors.hashes import HashFileDetector, PasswordHashDetector
from guard.detectors.rules import UNKNOWN, Rule, RuleDetector, builtin_rules, builtin_windows
from guard.errors import ConfigError
from guard.models import Finding, Fragment

# the parsers that rules cannot express, in the order they run (after the rules)
PARSERS: tuple[type[Detector], ...] = (
    ConnectionStringDetector,
    KeyValueConnectionDetector,
    CredentialFileDetector,
    NetrcDetector,
    DBeaverDetector,  # before the assignments: its message names the store and the connection
    AssignmentDetector,
    CommandLineDetector,
    PasswordHashDetector,
    HashFileDetector,
    CredentialStoreDetector,
)


def active_rules(disabled: frozenset[str] = frozenset(), extra: Sequence[Rule] = ()) -> list[Rule]:
    return [r for r in (*builtin_rules(), *extra) if r.id not in disabled]


def build_detectors(disabled: frozenset[str] = frozenset(), extra: Sequence[Rule] = ()) -> list[Detector]:
    """Every enabled detector: rules first, then the parsers that rules cannot express. A parser
    with some of its ids disabled runs without them; with all of them (or its own id), not at all."""
    users = {id(rule) for rule in extra}  # the config's own rules run on RE2
    widths = builtin_windows()
    detectors: list[Detector] = [
        RuleDetector(rule, True) if id(rule) in users else RuleDetector(rule, window=widths.get(rule.id, UNKNOWN))
        for rule in active_rules(disabled, extra)
    ]
    for parser in PARSERS:
        detector = parser()
        # a detector's own id turns it off, unless it is also an id it reports: then only that id
        if detector.id not in disabled or detector.id in detector.reports:
            detectors += narrowed(detector, disabled)
    if DecodingDetector.id not in disabled:
        detectors.append(DecodingDetector(detectors))  # judges encoded values by every detector above
    return detectors


def narrowed(detector: Detector, disabled: frozenset[str]) -> list[Detector]:
    """`detector` without the ids `disabled` names: itself, a filtered copy, or nothing."""
    off = disabled & detector.reports.keys()
    if not off:
        return [detector]
    if off == detector.reports.keys():
        return []
    return [Narrowed(detector, frozenset(off))]


class Narrowed:
    """A detector whose findings under some of its ids are dropped before the scanner's dedupe
    sees them, so a finding another detector makes of the same secret still stands."""

    def __init__(self, inner: Detector, off: frozenset[str]) -> None:
        self.inner = inner
        self.id = inner.id
        self.keywords = inner.keywords
        self.reports = {k: v for k, v in inner.reports.items() if k not in off}
        self.off = off
        accepts = getattr(inner, 'accepts_path', None)  # the history gate's hint (guard/gate.py)
        if accepts is not None:
            self.accepts_path = accepts

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        return (f for f in self.inner.detect(fragment) if f.rule_id not in self.off)


def other_reports() -> dict[str, str]:
    """Ids findings carry that no rule or parser reports: the detectors config switches on,
    scan-history's env files, the hygiene checks and the baseline policy."""
    from guard.checks.ids import REPORTS as CHECKS
    from guard.detectors.ds_adapter import DetectSecretsDetector
    from guard.own_secrets import OwnSecretsDetector
    from guard.sources.commits import ENV_MESSAGE, ENV_RULE

    return {**OwnSecretsDetector.reports, ENV_RULE: ENV_MESSAGE, **DetectSecretsDetector.reports, **CHECKS}


def parser_reports() -> dict[str, tuple[str, Detector]]:
    """Each id a parser reports → (description, the first parser reporting it)."""
    out: dict[str, tuple[str, Detector]] = {}
    for parser in PARSERS:
        detector = parser()
        for rule_id, description in detector.reports.items():
            out.setdefault(rule_id, (description, detector))
    return out


def descriptions(extra: Sequence[Rule] = ()) -> dict[str, str]:
    """Every rule id → its one-line description (the ids `guard rules list` prints)."""
    out = {r.id: r.description for r in (*builtin_rules(), *extra)}
    for rule_id, (description, _detector) in parser_reports().items():
        out.setdefault(rule_id, description)
    for rule_id, description in other_reports().items():
        out.setdefault(rule_id, description)
    return out


def known_ids(extra: Sequence[Rule] = ()) -> set[str]:
    """What `rules.disable` accepts: every rule id, and each parser's own id."""
    return {*descriptions(extra), *(parser.id for parser in PARSERS)}


def closest_id(rule_id: str, known: set[str]) -> str:
    import difflib  # only for a typo

    return (difflib.get_close_matches(rule_id, sorted(known), n=1, cutoff=0.0) or [''])[0]


def check_disabled(disabled: frozenset[str], extra: Sequence[Rule], where: str) -> None:
    """An id in rules.disable that nothing reports is a typo that would disable nothing: exit 2."""
    if not disabled:
        return
    known = known_ids(extra)
    unknown = sorted(disabled - known)
    if unknown:
        raise ConfigError(
            f'{where}: rules.disable: unknown rule id {unknown[0]!r}; did you mean '
            f'{closest_id(unknown[0], known)!r}? (`guard rules list` lists them)'
        )
