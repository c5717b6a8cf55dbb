"""Config, rules and baselines written to hurt: exit 2 naming file:line and the fix, never 3, never a hang.

In CI the pull request under test supplies `.guard.yaml` and any rules file it names, so
everything here is input from a stranger.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard.cli import main
from tests.conftest import run_guard, write

RULE = 'id: mine\n    description: d\n    samples: {positive: [abc], negative: [xyz]}\n'  # a list item at indent 2


def _bomb(levels: int = 9) -> str:
    """A billion-laughs list: each level nine aliases of the one before (9**9 items, ~400 bytes)."""
    items = ['&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    items += [f'&l{i} [' + ', '.join([f'*l{i - 1}'] * 9) + ']' for i in range(1, levels)]
    return '[' + ', '.join(items) + ']'


def guard_exit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(['scan', *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    'config, fragment',
    [
        (
            'rules:\n  min_severity: 7\n',
            '.guard.yaml:2: rules.min_severity must be one of info, low, medium, high, critical, not 7',
        ),
        ('rules:\n  min_severity: [high]\n', '.guard.yaml:2: rules.min_severity must be one of'),
        ('rules:\n  min_severity: true\n', '.guard.yaml:2: rules.min_severity must be one of'),
        ('rules:\n  min_severity: null\n', '.guard.yaml:2: rules.min_severity must be one of'),
        ('rules:\n  min_confidence: 2\n', '.guard.yaml:2: rules.min_confidence must be one of'),
        (
            'max_file_size: 0\n',
            '.guard.yaml:1: 0 is not a size: use bytes or e.g. 10MB',
        ),
        ("max_file_size: '0 KB'\n", ".guard.yaml:1: '0 KB' would skip every file: use a size above 0"),
        ('max_file_size: [1]\n', '.guard.yaml:1: a list is not a size'),
        ('baseline: b.json\nbaseline: c.json\n', ".guard.yaml:2: duplicate key 'baseline': keep one of them"),
        ('rules:\n  disable: [a]\n  disable: [b]\n', ".guard.yaml:3: duplicate key 'disable'"),
        ('allow:\n  regexes: [ok, "(a)\\\\1"]\n', '.guard.yaml:2: bad regex'),
        (f'rules:\n  extra:\n  - {RULE}    pattern: abc\n    secret_group: [1]\n', 'secret_group must be a group'),
        (f'rules:\n  extra:\n  - {RULE}    pattern: abc\n    keywords: 5\n', 'keywords must be a list of strings'),
        (f'rules:\n  extra:\n  - {RULE}    pattern: 5\n', 'rule mine: pattern must be a string, not 5'),
        (f'rules:\n  extra:\n  - {RULE}    pattern: abc\n    min_entropy: high\n', 'min_entropy must be a number'),
        (f'rules:\n  extra:\n  - {RULE}    pattern: abc\n    severity: 9\n', 'rule mine: unknown severity a int'),
        ('rules:\n  extra:\n  - id: mine\n    description: d\n    pattern: abc\n    samples: [x]\n', 'samples must be'),
        (f'rules:\n  extra:\n  - {RULE}    pattern: abc\n    validate: [x]\n', 'validate must be a string'),
        (f'max_file_size: {_bomb()}\n', '.guard.yaml: aliases expand this file to'),
        ('a: &x [*x]\n', '.guard.yaml:1: an alias contains itself'),
    ],
)
def test_bad_config_is_exit_2_with_file_line_and_fix(
    repo: Path, capsys: pytest.CaptureFixture[str], config: str, fragment: str
) -> None:
    write(repo / '.guard.yaml', config.replace('RULE', RULE))
    write(repo / 'app.py', 'x = 1\n')
    code, err = guard_exit(capsys, 'app.py')
    assert (code, fragment in err) == (2, True), err
    assert len(err) < 400 and 'lol' not in err  # nothing unbounded is printed


def test_an_extra_rule_is_named_at_its_own_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.guard.yaml', f'rules:\n  extra:\n  - {RULE}    pattern: abc\n  - {RULE}    pattern: 5\n')
    code, err = guard_exit(capsys)
    assert code == 2
    assert '.guard.yaml:7: rule mine: pattern must be a string, not 5' in err, err


def test_an_alias_bomb_in_a_rules_file_is_refused_by_a_real_process(repo: Path) -> None:
    write(repo / '.guard.yaml', 'rules:\n  extra: extra.yaml\n')
    write(
        repo / 'extra.yaml',
        f'- id: bomb\n  description: {_bomb()}\n  pattern: x\n  samples: {{positive: [x], negative: [y]}}\n',
    )
    result = run_guard('scan')
    assert result.returncode == 2, result.stderr
    assert 'extra.yaml: aliases expand this file to' in result.stderr, result.stderr
    assert len(result.stderr) < 400


def test_a_wrong_type_in_a_rules_file_names_its_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.guard.yaml', 'rules:\n  extra: extra.yaml\n')
    write(repo / 'extra.yaml', 'rules:\n' + f'  - {RULE}    pattern: abc\n' * 2 + '    keywords: 5\n')
    code, err = guard_exit(capsys)
    assert code == 2
    assert 'extra.yaml:6: rule mine: keywords must be a list of strings, not 5' in err, err


def test_few_aliases_are_fine(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.guard.yaml', 'allow:\n  paths: &p [vendor]\n  stopwords: [example]\n  regexes: *p\n')
    write(repo / 'app.py', 'x = 1\n')
    assert guard_exit(capsys, 'app.py')[0] == 0


def test_tool_guard_of_the_wrong_type_is_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / 'pyproject.toml', 'tool = 5\n')
    code, err = guard_exit(capsys, '--config', 'pyproject.toml')
    assert code == 2
    assert 'pyproject.toml: [tool.guard] must be a table of settings' in err, err
    write(repo / 'pyproject.toml', '[tool]\nguard = "x"\n')
    assert guard_exit(capsys, '--config', 'pyproject.toml')[0] == 2


def test_a_baseline_nested_100000_deep_is_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / 'b.json', '[' * 100_000 + ']' * 100_000)
    write(repo / 'app.py', 'x = 1\n')
    code, err = guard_exit(capsys, '--baseline', 'b.json', 'app.py')
    assert code == 2
    assert 'b.json: nested too deeply to be a baseline: recreate it with `guard baseline create`' in err, err


def test_a_nested_quantifier_in_a_user_rule_runs_in_linear_time(repo: Path) -> None:
    """`(a+)+c` on 40 `a`s takes minutes on Python's re (`(a+)+$` in the issue: 60 s); on RE2 it is instant."""
    write(
        repo / '.guard.yaml',
        "rules:\n  extra:\n  - id: nested\n    description: nested quantifier\n    pattern: '(a+)+c'\n"
        '    keywords: [aaaa]\n    placeholder_check: false\n    samples: {positive: [aaaac], negative: [b]}\n',
    )
    write(repo / 'slow.txt', 'a' * 100_000 + 'b\n')
    write(repo / 'hit.txt', 'a' * 30 + 'c\n')
    result = run_guard('scan', '--format', 'json', 'slow.txt', 'hit.txt')
    assert result.returncode == 1, result.stderr
    assert [(f['path'], f['rule_id']) for f in json.loads(result.stdout)['findings']] == [('hit.txt', 'nested')]


@pytest.mark.parametrize('key', ['pattern', 'allow', 'paths'])
def test_a_user_regex_re2_cannot_bound_is_exit_2_naming_the_rule(
    repo: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    regexes = {
        'pattern': 'pattern: "(a)\\\\1"',
        'allow': 'pattern: abc\n    allow: ["(?=x)"]',
        'paths': "pattern: abc\n    paths: '(?<!a)b'",
    }
    write(repo / '.guard.yaml', f'rules:\n  extra:\n  - {RULE}    {regexes[key]}\n')
    code, err = guard_exit(capsys)
    assert code == 2
    assert f'.guard.yaml:3: rule mine: {key} cannot run in linear time' in err, err
    assert 'rewrite it without them' in err


def test_a_named_secret_group_works_on_re2(repo: Path) -> None:
    write(
        repo / '.guard.yaml',
        "rules:\n  extra:\n  - id: named\n    description: named group\n    pattern: 'tok_(?P<s>[a-z]{8})'\n"
        '    secret_group: s\n    keywords: [tok_]\n    placeholder_check: false\n'
        '    samples: {positive: [tok_abcdefgh], negative: [tok_]}\n',
    )
    write(repo / 'a.txt', 'é x tok_qwertyui\n')
    result = run_guard('scan', '--format', 'json', 'a.txt')
    (finding,) = json.loads(result.stdout)['findings']
    assert (finding['rule_id'], finding['column']) == ('named', 9)
