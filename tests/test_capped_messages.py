"""Never `str()` an unbounded value into a message (issue 9): a huge value from each kind of
user-controlled source (a file's content, an env value, a baseline field, git's output, an
exception from the project's code) leaves every error and finding line short, with the
documented exit code. The installed guard, real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import monorepo
from tests.conftest import commit_all, run_guard, write

HUGE = 200_000  # characters: far beyond any line a person reads
HUGE_ARG = 100_000  # one command-line argument may hold 128 KiB
SHORT = 700  # what a line may take at most, the file and the fix included


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_short(text: str, count: int | None = None) -> list[str]:
    lines = lines_of(text)
    assert lines and all(len(line) < SHORT for line in lines), [len(line) for line in lines]
    if count is not None:
        assert len(lines) == count, lines
    return lines


@pytest.fixture
def mono(repo: Path) -> Path:
    return monorepo.build(repo)


# --- a file's content ---------------------------------------------------------------------------


def test_a_huge_value_of_the_wrong_type_in_the_schema(repo: Path) -> None:
    write(repo / 'env.schema.yaml', f'variables:\n  API_URL: {{type: url, required: ["{"x" * HUGE}"]}}\n')
    proc = run_guard('check', 'env-schema', '--env-file', write(repo / 'e.env', 'API_URL=x\n').name, cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert line == 'guard: env.schema.yaml:2: API_URL.required has the wrong type (a list)'


def test_a_huge_unknown_key_and_name_in_the_schema(repo: Path) -> None:
    write(repo / 'e.env', 'A=1\n')
    # explicit keys (`? key`): YAML's plain keys stop at 1024 characters
    write(repo / 'env.schema.yaml', f'variables:\n  API_URL:\n    type: url\n    ? {"k" * HUGE}\n    : 1\n')
    proc = run_guard('check', 'env-schema', '--env-file', 'e.env', cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert "unknown key 'kkkk" in line and 'characters)' in line and line.endswith('known: ' + line.split('known: ')[1])
    write(repo / 'env.schema.yaml', f'variables:\n  ? {"n-" * HUGE}\n  : {{type: url}}\n')
    proc = run_guard('check', 'env-schema', '--env-file', 'e.env', cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert line.endswith('is not a valid variable name (letters, digits, _)')


def test_a_number_too_long_to_build_is_exit_2_not_a_crash(repo: Path) -> None:
    write(repo / 'e.env', 'A=1\n')
    write(repo / 'env.schema.yaml', f'variables:\n  ? {"9" * HUGE}\n  : {{type: url}}\n')
    proc = run_guard('check', 'env-schema', '--env-file', 'e.env', cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert line.startswith('guard: env.schema.yaml: a value YAML cannot build (Exceeds the limit')
    assert line.endswith('quote it to make it a string')


def test_a_huge_key_in_an_env_template_is_a_short_finding(repo: Path) -> None:
    write(repo / '.gitignore', '.env\n')
    write(repo / '.env.example', f'# the key\n{"lower" * (HUGE // 5)}=1\n')
    commit_all(repo)
    proc = run_guard('check', 'env-example', cwd=repo)
    assert proc.returncode == 1
    findings = assert_short(proc.stdout)
    assert any('env-example-lint-lowercase' in line for line in findings)


# --- an env value -------------------------------------------------------------------------------

ECHOING_VALIDATOR = """
    @field_validator('jwt_algorithm')
    @classmethod
    def known_algorithm(cls, value: str) -> str:
        raise ValueError('unknown algorithm: ' + value * 1000)
"""


def test_a_validator_echoing_a_huge_value(mono: Path) -> None:
    config = mono / monorepo_config()
    config.write_text(
        config.read_text()
        .replace('from pydantic import Field, SecretStr', 'from pydantic import Field, SecretStr, field_validator')
        .replace('\n\nsettings = Settings()', f'{ECHOING_VALIDATOR}\n\nsettings = Settings()')
    )
    env_file = mono / 'apps/backend/.env'
    env_file.write_text(env_file.read_text().replace('JWT_ALGORITHM=HS256', f'JWT_ALGORITHM={"HS" * 5000}'))
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 1, proc.stderr
    (line,) = assert_short(proc.stdout, 1)
    assert 'env-schema-invalid JWT_ALGORITHM: unknown algorithm: ' in line
    # a value that is no secret is shown as it is (issue 14), cut short: never the whole of it
    assert 'HS' * 100 not in line


def monorepo_config() -> str:
    return 'apps/backend/app/config.py'


# --- a baseline field ---------------------------------------------------------------------------


def test_a_huge_unknown_key_in_a_baseline(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    commit_all(repo)
    entry = {'path': 'a.py', 'rule': 'github-pat', 'k' * HUGE: 'v'}
    write(repo / 'b.json', json.dumps({'version': 1, 'entries': [entry]}))
    proc = run_guard('scan', '--baseline', 'b.json', 'a.py', cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert line.endswith('recreate it with `guard baseline create`')


def test_a_huge_message_in_an_unused_baseline_entry(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    commit_all(repo)
    entry = {'path': 'a.py', 'rule': 'env-file-tracked', 'message': 'm' * HUGE}
    write(repo / 'b.json', json.dumps({'version': 1, 'entries': [entry]}))
    proc = run_guard('scan', '--baseline', 'b.json', '--fail-on-unused', 'a.py', cwd=repo)
    assert proc.returncode == 1, proc.stderr
    (line,) = assert_short(proc.stdout, 1)
    assert 'baseline-unused' in line and line.endswith('drop it with `guard baseline update`')


# --- git's output -------------------------------------------------------------------------------


def test_git_echoing_a_huge_branch_name(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    commit_all(repo)
    proc = run_guard('scan-history', '--no-cache', '--branch', 'b' * HUGE_ARG, cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert len(line) < 500 and line.count('characters)') == 2  # what ran, and what git said


# --- an exception from the project's code -------------------------------------------------------


def test_an_import_error_with_a_huge_text(mono: Path) -> None:
    config = mono / monorepo_config()
    config.write_text(f'raise ImportError("{"i" * HUGE}")\n' + config.read_text())
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert line.startswith("guard: cannot import 'app.config:Settings': ImportError: iiii")
    assert line.endswith('to the directory holding the package)')


# --- what git hands a hook, and a command line ------------------------------------------------


def test_a_huge_pre_push_line_on_stdin(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    commit_all(repo)
    proc = run_guard('scan', '--pre-push', stdin='p' * HUGE + '\n', cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert len(line) < 300 and line.endswith('expected <local-ref> <local-oid> <remote-ref> <remote-oid>')


def test_a_huge_revision_in_a_range(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    commit_all(repo)
    proc = run_guard('scan', '--range', 'r' * HUGE_ARG + '..HEAD', cwd=repo)
    assert proc.returncode == 2
    (line,) = assert_short(proc.stderr, 1)
    assert len(line) < 300 and line.startswith("guard: unknown revision 'rrrr")
