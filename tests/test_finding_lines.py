"""secret_finding's line and column numbers: right for every finding, however many a text holds."""

from __future__ import annotations

import random

from guard.detectors.base import LineCursor, secret_finding
from guard.detectors.rules import RuleDetector, rules_from_yaml
from guard.models import Fragment, Severity
from guard.scanner import Scanner


def _naive(text: str, offset: int) -> tuple[int, int]:
    """(1-based line, 1-based column) by counting from the top: the definition."""
    return text.count('\n', 0, offset) + 1, offset - (text.rfind('\n', 0, offset) + 1) + 1


def test_cursor_matches_counting_forward_backward_and_repeated() -> None:
    rng = random.Random(7)
    text = ''.join(rng.choice('ab\n') for _ in range(20_000))
    offsets = [rng.randrange(len(text) + 1) for _ in range(300)]
    cursor = LineCursor(text)
    # ascending (one detector), then again from the top (the next detector), then shuffled
    for offset in [*sorted(offsets), *sorted(offsets), *offsets, 0, len(text)]:
        line, start = cursor.locate(offset)
        assert (line + 1, offset - start + 1) == _naive(text, offset), offset


def test_thousands_of_findings_in_one_file_have_their_own_lines() -> None:
    rule = rules_from_yaml(
        r"""
- id: acme-key
  description: ACME key
  keywords: [acme_]
  pattern: '\b(acme_[a-z0-9]{16})\b'
  samples: {positive: [acme_0f3kq9zm2x7v1b4n], negative: [acme_short]}
- id: acme-key-upper
  description: ACME key, upper case
  keywords: [acme_]
  pattern: '(?i)\b(ACME_[A-Z0-9]{16})\b'
  samples: {positive: [ACME_0F3KQ9ZM2X7V1B4N], negative: [ACME_SHORT]}
""",
        'test.yaml',
    )
    rng = random.Random(11)
    lines, expected = [], []
    for number in range(1, 6001):
        if number % 2:
            indent = ' ' * rng.randrange(0, 30)
            key = 'acme_' + ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(16))
            lines.append(f'{indent}key_{number} = "{key}"')
            expected.append((number + 99, len(indent) + len(f'key_{number} = "') + 1))
        else:
            lines.append('filler ' * rng.randrange(0, 5))
    fragment = Fragment('big.py', '\n'.join(lines), start_line=100)
    findings = Scanner([RuleDetector(r) for r in rule]).scan(fragment)
    # both rules find every key (the second going back to the top); dedupe keeps one per line
    assert [(f.line, f.column) for f in findings] == expected
    assert all(f.end_column == f.column + 21 for f in findings)


def test_one_line_text_with_many_findings() -> None:
    text = ' '.join(f'k{i}' for i in range(5000))
    fragment = Fragment('min.js', text, start_line=1)
    offsets = [text.index(f'k{i} ') if i < 4999 else text.rindex('k4999') for i in range(0, 5000, 7)]
    got = [secret_finding(fragment, o, 'k', rule_id='r', severity=Severity.LOW, message='m') for o in offsets]
    assert [(f.line, f.column) for f in got] == [(1, o + 1) for o in offsets]


def test_a_new_text_starts_a_new_cursor() -> None:
    first, second = Fragment('a', 'x\ny\nz'), Fragment('b', 'z')
    assert secret_finding(first, 4, 'z', rule_id='r', severity=Severity.LOW, message='m').line == 3
    assert secret_finding(second, 0, 'z', rule_id='r', severity=Severity.LOW, message='m').line == 1
    assert secret_finding(first, 2, 'y', rule_id='r', severity=Severity.LOW, message='m').line == 2
