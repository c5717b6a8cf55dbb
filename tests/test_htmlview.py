"""What the HTML report decides, as values: merging, the rotation list, rewrite advice, the chart."""

from __future__ import annotations

import pytest

from guard.models import Commit, Confidence, Finding, Receipt, Report, Severity
from guard.report import timeline
from guard.report.html import rule_table
from guard.report.htmlview import (
    ENV_RULE,
    MESSAGE_PATH,
    Entry,
    Exposure,
    build_page,
    needs_rotation,
    rewrite,
    rotation,
)

OLD = Commit('a' * 40, 'Jo <jo@example.test>', '2021-03-01T10:00:00+00:00')
NEW = Commit('b' * 40, 'Al <al@example.test>', '2024-06-01T10:00:00+01:00')


def entry(
    rule: str = 'github-pat',
    path: str = 'app.py',
    *,
    severity: Severity = Severity.CRITICAL,
    exposure: Exposure = Exposure.HISTORY,
    secret: str = 'f' * 64,
    first: Commit | None = OLD,
    allowed: str | None = None,
) -> Entry:
    finding = Finding(rule, severity, 'token', path, 1, 'ghp_…(40)', secret, confidence=Confidence.HIGH)
    return Entry(finding._replace(allowed=allowed), (path,), first, first, 1, exposure, allowed=allowed)


def test_one_secret_in_several_files_is_one_entry_listing_them() -> None:
    page = build_page(
        Report((), Receipt('scan-history')),
        [entry(path='a.py', first=NEW, exposure=Exposure.HEAD), entry(path='b.py', first=OLD)],
        {},
    )
    (merged,) = page.entries
    assert merged.paths == ('a.py', 'b.py')
    assert merged.exposure == Exposure.HEAD and merged.first == OLD and merged.occurrences == 2


def test_an_allowed_copy_stays_apart_from_a_reported_one() -> None:
    page = build_page(
        Report((), Receipt('scan-history')), [entry(path='a.py'), entry(path='t.py', allowed='fixture')], {}
    )
    assert [e.paths for e in page.entries] == [('a.py',)]
    assert [e.allowed for e in page.allowed] == ['fixture']


@pytest.mark.parametrize(
    ('kwargs', 'expected'),
    [
        ({}, True),
        ({'severity': Severity.MEDIUM}, False),
        ({'severity': Severity.MEDIUM, 'exposure': Exposure.HEAD}, True),
        ({'severity': Severity.LOW, 'exposure': Exposure.HEAD}, False),
        ({'allowed': ''}, False),
        ({'rule': ENV_RULE, 'secret': ''}, False),
    ],
)
def test_what_is_to_rotate_first(kwargs: dict[str, object], expected: bool) -> None:
    assert needs_rotation(entry(**kwargs)) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ('kwargs', 'mode', 'required', 'command'),
    [
        ({}, 'scan-history', False, 'git filter-repo --replace-text replacements.txt'),
        ({'path': MESSAGE_PATH}, 'scan-history', False, 'git filter-repo --replace-message replacements.txt'),
        ({'rule': ENV_RULE, 'path': 'deploy/.env prod'}, 'scan-history', True,
         "git filter-repo --invert-paths --path 'deploy/.env prod'"),
        ({'rule': 'private-key-openssh', 'path': 'keys/id_ed25519'}, 'scan-history', True,
         'git filter-repo --invert-paths --path keys/id_ed25519'),
        ({'rule': 'private-key-rsa', 'path': 'settings.py'}, 'scan-history', True,
         'git filter-repo --replace-text replacements.txt'),
        ({}, 'scan --range main..HEAD', True, f'git rebase -i {OLD.sha[:12]}^'),
        ({'first': None}, 'scan', False, ''),
    ],
)  # fmt: skip
def test_rewrite_advice(kwargs: dict[str, object], mode: str, required: bool, command: str) -> None:
    advice = rewrite(entry(**kwargs), mode)  # type: ignore[arg-type]
    assert (advice.required, advice.command) == (required, command)


def test_rotation_comes_from_the_rule_data_with_a_fallback() -> None:
    rules = rule_table()
    turn = rotation(entry('aws-access-key-id').finding, rules)
    assert turn.provider == 'AWS' and turn.url and turn.url.startswith('https://docs.aws.amazon.com/')
    generic = rotation(entry('generic-secret-assignment').finding, rules)
    assert generic.url is None and generic.provider == '' and generic.remediation


def test_timeline_draws_a_bar_per_secret_and_the_months() -> None:
    times = [1_600_000_000 + i * 86_400 * 10 for i in range(100)]
    svg = timeline.svg([entry(first=OLD), entry(path='b.py', first=NEW, exposure=Exposure.HEAD)], times)
    assert svg.count('class="bar"') == 2 and svg.count('class="still"') == 1
    assert svg.count('class="month"') >= 30 and 'commits per month' in svg
    assert timeline.svg([entry(first=None)], []) == ''
