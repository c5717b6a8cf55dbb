"""`guard check env-example`: lint, documentation, placeholders, local and code drift."""

from __future__ import annotations

import json
from pathlib import Path

from guard import dotenv
from guard.checks.env_example import documented_keys, lint
from tests.conftest import commit_all, run_guard, write
from tests.secrets import github_token

GITIGNORE = '.env\n.env.local\n.env.*.local\n!.env.example\n'


def check(repo: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    proc = run_guard('check', 'env-example', '--format', 'json', *args, cwd=repo)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)['findings'], proc.stderr


def rules(found: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return sorted((f['rule_id'], f['path'], f['line']) for f in found)


def test_lint_flags_what_dotenv_linter_flags() -> None:
    env = dotenv.parse(
        '# a\nA=1\n# a again\nA=2\n1BAD=x\nlower=y\nSPACED = z\nBARE\nWORDS=two words\nQ="ok x"\nOPEN="never closed\n'
    )
    got = sorted((f.rule_id, f.line) for f in lint(env, '.env.example'))
    assert got == [
        ('env-example-lint-duplicate', 4),
        ('env-example-lint-invalid-name', 5),
        ('env-example-lint-lowercase', 6),
        ('env-example-lint-no-value', 8),
        ('env-example-lint-parse', 11),
        ('env-example-lint-spaces', 7),
        ('env-example-lint-unquoted', 9),
    ]


def test_docs_rows_in_tables_and_lists_only() -> None:
    markdown = (
        '| Variable | Meaning |\n|---|---|\n| `DATABASE_URL` | where the data lives |\n'
        '- `REDIS_URL=redis://…`: cache\n1. `export TOKEN`\nProse mentioning `NOT_A_ROW`.\n'
    )
    assert documented_keys(markdown) == {'DATABASE_URL', 'REDIS_URL', 'TOKEN'}


def test_documented_template_in_a_monorepo_is_clean(repo: Path) -> None:
    write(repo / '.gitignore', GITIGNORE)
    write(
        repo / 'backend/.env.example',
        '# Postgres URL\nDATABASE_URL=postgresql://user:password@localhost/app\n'
        'LOG_LEVEL=INFO  # DEBUG..CRITICAL\nJWT_SECRET_KEY=\n',
    )
    write(repo / 'backend/README.md', '| name | use |\n|--|--|\n| `JWT_SECRET_KEY` | signs tokens |\n')
    write(
        repo / 'backend/app/main.py',
        'import os\nDB = os.environ["DATABASE_URL"]\nLEVEL = os.getenv("LOG_LEVEL")\n'
        'KEY = os.environ.get("JWT_SECRET_KEY")\n',
    )
    write(repo / 'frontend/.env.example', '# API base URL\nVITE_API_URL=http://localhost:8000\n')
    write(repo / 'frontend/src/api.ts', 'export const base = import.meta.env.VITE_API_URL\n')
    commit_all(repo)
    code, found, stderr = check(repo)
    assert (code, found) == (0, []), found
    assert 'guard check env-example:' in stderr and ' 5 files' in stderr


def test_undocumented_keys_say_where_guard_looked(repo: Path) -> None:
    write(repo / '.env.example', '# documented\nA=1\nB=2\n')
    write(repo / 'docs/config.md', '- `C`: something\n')
    code, found, _ = check(repo)
    assert code == 1
    assert rules(found) == [('env-example-undocumented', '.env.example', 3)]
    message = str(found[0]['message'])
    assert 'B is undocumented' in message and 'comment above or after it' in message and 'docs/config.md' in message


def test_a_real_secret_in_a_template_is_a_finding_with_its_hash(repo: Path) -> None:
    token = github_token()
    write(
        repo / '.env.example',
        f'# GitHub token for the release job\nGITHUB_TOKEN={token}\n'
        '# placeholder is fine\nOTHER_TOKEN=your-token-here\n',
    )
    code, found, _ = check(repo)
    assert code == 1
    (secret,) = found
    assert (secret['rule_id'], secret['line']) == ('env-example-secret', 2)
    assert token not in json.dumps(found)
    import hashlib
    import re

    # sealed (guard/fingerprint.py): a digest of its own, never the token's plain sha256
    assert re.fullmatch(r'env-example-secret:\.env\.example:[0-9a-f]{16}', secret['fingerprint'])
    assert hashlib.sha256(token.encode()).hexdigest()[:16] not in secret['fingerprint']


def test_local_env_drift_names_keys_never_values(repo: Path) -> None:
    write(repo / '.gitignore', GITIGNORE)
    write(repo / 'api/.env.example', '# one\nA=\n# two\nB=\n')
    write(repo / 'api/.env', 'A=local-value-one\nEXTRA=local-value-two\n')
    write(repo / 'api/.env.local', 'A=override-value\n')
    code, found, _ = check(repo)
    assert code == 1
    assert rules(found) == [
        ('env-missing-in-local', 'api/.env', None),
        ('env-missing-in-template', 'api/.env.example', None),
    ]
    text = json.dumps(found)
    assert 'EXTRA is set in api/.env' in text
    assert '1 keys of api/.env.example are not set in api/.env or api/.env.local: B' in text
    assert 'local-value' not in text and 'override-value' not in text


def test_code_drift_both_ways_with_nearest_template(repo: Path) -> None:
    write(repo / '.env.example', '# root\nSHARED=\n')
    write(repo / 'svc/.env.example', '# read below\nUSED=\n# nothing reads it\nSTALE=\n# read by compose\nPG_PASS=\n')
    write(
        repo / 'svc/app.py',
        'import os\nos.getenv("USED")\nos.getenv("NEW_KEY")\nos.getenv("PATH")\nos.getenv("NEW_KEY")\n',
    )
    write(repo / 'svc/docker-compose.yml', 'services:\n  db:\n    environment:\n      P: ${PG_PASS}\n')
    write(repo / 'tools/run.py', 'import os\nos.getenv("SHARED")\nos.getenv("ROOT_ONLY")\n')
    code, found, _ = check(repo)
    assert code == 1
    assert rules(found) == [
        ('env-missing-in-template', 'svc/app.py', 3),
        ('env-missing-in-template', 'tools/run.py', 3),
        ('env-unused', 'svc/.env.example', 4),
    ]
    messages = {str(f['message']) for f in found}
    assert any('NEW_KEY is read here but missing from svc/.env.example (and 1 more places)' in m for m in messages)
    assert any('ROOT_ONLY is read here but missing from .env.example' in m for m in messages)


def test_scopes_and_ignore_keys_from_config(repo: Path) -> None:
    write(
        repo / '.guard.yaml',
        'env:\n  scopes:\n    services/worker: config/.env.example\n  ignore_keys: [LEGACY_*]\n  unused: false\n',
    )
    write(repo / 'config/.env.example', '# queue\nQUEUE_URL=\n# old\nLEGACY_FLAG=\n')
    write(repo / 'services/worker/main.py', 'import os\nos.environ["QUEUE_URL"]\nos.environ["LEGACY_MODE"]\n')
    code, found, _ = check(repo)
    assert (code, found) == (0, [])


def test_crlf_and_bom_template(repo: Path) -> None:
    (repo / '.env.example').write_bytes(b'\xef\xbb\xbf# first\r\nA=1\r\nB=2\r\n')
    code, found, _ = check(repo)
    assert code == 1
    assert rules(found) == [('env-example-undocumented', '.env.example', 3)]


def test_hostile_templates_do_not_crash(repo: Path) -> None:
    (repo / '.env.example').write_bytes(b'\x00\x01\x02binary')
    write(repo / 'a/.env.example', 'BIG="' + 'x' * 10_000_000 + '\n')
    write(repo / 'b/.env.sample', "# ok\nGOOD=1\nOPEN='unterminated\n")
    code, found, _ = check(repo)
    assert code == 1
    assert rules(found) == [
        ('env-example-lint-parse', '.env.example', 1),
        ('env-example-lint-parse', 'a/.env.example', 1),
        ('env-example-lint-parse', 'b/.env.sample', 3),
    ]


def test_no_template_is_said(tmp_path: Path) -> None:
    proc = run_guard('check', 'env-example', cwd=tmp_path)
    assert proc.returncode == 0
    assert 'env-example: no env template found' in proc.stderr


def test_outside_git_the_walk_finds_templates_and_code(tmp_path: Path) -> None:
    project = tmp_path / 'plain'
    write(project / 'api/.env.example', '# the url\nAPI_URL=\n')
    write(project / 'api/main.py', 'import os\nos.getenv("API_URL")\nos.getenv("TOKEN")\n')
    write(project / 'api/node_modules/dep/index.js', 'process.env.NOT_OURS\n')
    proc = run_guard('check', 'env-example', cwd=project)
    assert proc.returncode == 1
    assert proc.stdout == (
        'api/main.py:3: env-missing-in-template TOKEN is read here but missing from '
        'api/.env.example: add it there with a placeholder and a comment\n'
    )
