"""`guard check gitignore` on real repositories: git decides what is ignored."""

from __future__ import annotations

import json
from pathlib import Path

from guard.checks.gitignore import BLOCK_BEGIN, BLOCK_END, with_patterns
from tests.conftest import commit_all, git, run_guard, write

MONOREPO_GITIGNORE = '.env\n.env.local\n.env.*.local\n!.env.example\n!.env.development\n!.env.production\n'
NO_KEYS = 'env:\n  key_files: []\n'


def monorepo(repo: Path, gitignore: str = MONOREPO_GITIGNORE) -> None:
    write(repo / '.gitignore', gitignore)
    write(repo / '.guard.yaml', NO_KEYS)
    write(repo / 'backend/pyproject.toml', '[project]\nname = "api"\n')
    write(repo / 'backend/.env.example', '# Database\nDATABASE_URL=\n')
    write(repo / 'frontend/package.json', '{}\n')
    write(repo / 'frontend/.env.example', '# API base\nVITE_API_URL=http://localhost:8000\n')
    write(repo / 'frontend/.env.development', 'VITE_API_URL=http://localhost:8000\n')


def findings(repo: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    proc = run_guard('check', 'gitignore', '--format', 'json', *args, cwd=repo)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)['findings']


def test_monorepo_with_the_usual_gitignore_is_clean(repo: Path) -> None:
    monorepo(repo)
    commit_all(repo)
    proc = run_guard('check', 'gitignore', cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert 'paths asked of git check-ignore' in proc.stderr


def test_missing_patterns_name_every_directory(repo: Path) -> None:
    monorepo(repo, '.env\n')
    code, found = findings(repo)
    assert code == 1
    (missing,) = [f for f in found if f['rule_id'] == 'gitignore-missing']
    # the real file is named too: nothing ignores it, nothing re-includes it on purpose
    assert [(f['rule_id'], f['path']) for f in found if f is not missing] == [
        ('env-file-not-ignored', 'frontend/.env.development')
    ]
    assert missing['rule_id'] == 'gitignore-missing' and missing['path'] == '.gitignore'
    message = str(missing['message'])
    assert '`.env.local`' in message and '`.env.*.local`' in message and '`.env`' not in message
    assert 'the root, backend/, frontend/' in message


def test_nested_negation_is_not_an_ignore(repo: Path) -> None:
    monorepo(repo)
    write(repo / 'backend/.gitignore', '# keep local overrides visible\n!.env.local\n')
    code, found = findings(repo)
    assert code == 1
    (negated,) = found
    assert (negated['path'], negated['line']) == ('backend/.gitignore', 2)
    assert 're-included by `!.env.local`' in str(negated['message'])
    assert 'backend/' in str(negated['message']) and 'frontend/' not in str(negated['message'])


def test_global_excludes_and_info_exclude_count_but_are_noted(repo: Path, tmp_path: Path) -> None:
    monorepo(repo, '!.env.example\n!.env.development\n')
    write(tmp_path / 'global-ignore', '.env\n.env.*.local\n')
    git('config', 'core.excludesFile', str(tmp_path / 'global-ignore'), cwd=repo)
    write(repo / '.git/info/exclude', '.env.local\n')
    write(repo / 'backend/.env', 'DATABASE_URL=postgres://localhost/app\n')
    code, found = findings(repo)
    assert (code, found) == (0, [])
    receipt = run_guard('check', 'gitignore', cwd=repo).stderr
    assert 'backend/.env is ignored only by' in receipt and 'a teammate is not covered' in receipt
    assert '`.env.local` in the root, backend/, frontend/ is ignored only by .git/info/exclude' in receipt


def test_tracked_env_file_is_a_finding_even_when_ignored_now(repo: Path) -> None:
    monorepo(repo)
    write(repo / 'backend/.env', 'DATABASE_URL=postgres://localhost/app\n')
    git('add', '-f', 'backend/.env', cwd=repo)
    commit_all(repo)
    code, found = findings(repo)
    assert code == 1
    (tracked,) = found
    assert (tracked['rule_id'], tracked['path'], tracked['severity']) == ('env-file-tracked', 'backend/.env', 'high')
    assert 'git rm --cached backend/.env' in str(tracked['message'])
    assert 'covers it now' in str(tracked['message']) and 'rotate' in str(tracked['message'])


def test_tracked_key_file(repo: Path) -> None:
    write(
        repo / '.gitignore',
        '.env\n.env.local\n.env.*.local\n*.pem\n*.key\nid_rsa\nid_ecdsa\nid_ed25519\n'
        'service-account*.json\n*-service-account.json\n',
    )
    write(repo / 'deploy/server.pem', 'not really a key\n')
    git('add', '-f', 'deploy/server.pem', '.gitignore', cwd=repo)
    commit_all(repo)
    code, found = findings(repo)
    assert code == 1
    assert [(f['rule_id'], f['path']) for f in found] == [('env-file-tracked', 'deploy/server.pem')]


def test_ignored_template_and_fix_adds_a_negation(repo: Path) -> None:
    monorepo(repo, '.env*\n')
    code, found = findings(repo)
    assert code == 1
    rules = sorted((f['rule_id'], f['path']) for f in found)
    assert rules == [
        ('env-template-ignored', 'backend/.env.example'),
        ('env-template-ignored', 'frontend/.env.example'),
    ]
    assert '`.env*` (.gitignore:1)' in str(found[0]['message'])
    proc = run_guard('check', 'gitignore', '--fix', cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert 'fixed: added !.env.example to .gitignore' in proc.stderr
    assert (repo / '.gitignore').read_text() == f'.env*\n{BLOCK_BEGIN}\n!.env.example\n{BLOCK_END}\n'


def test_fix_is_idempotent_keeps_crlf_and_removes_nothing(repo: Path) -> None:
    monorepo(repo)
    (repo / '.gitignore').write_bytes(b'node_modules/\r\n.env\r\n')
    code, _ = findings(repo)
    assert code == 1
    assert run_guard('check', 'gitignore', '--fix', cwd=repo).returncode == 0
    first = (repo / '.gitignore').read_bytes()
    assert first.startswith(b'node_modules/\r\n.env\r\n')
    assert b'\r\n.env.local\r\n.env.*.local\r\n' in first and b'\n' not in first.replace(b'\r\n', b'')
    assert run_guard('check', 'gitignore', '--fix', cwd=repo).returncode == 0
    assert (repo / '.gitignore').read_bytes() == first


def test_fix_does_not_override_a_deliberate_negation(repo: Path) -> None:
    monorepo(repo)
    write(repo / 'backend/.gitignore', '!.env.local\n')
    proc = run_guard('check', 'gitignore', '--fix', cwd=repo)
    assert proc.returncode == 1
    assert (repo / 'backend/.gitignore').read_text() == '!.env.local\n'
    assert (repo / '.gitignore').read_text() == MONOREPO_GITIGNORE


def test_key_file_patterns_are_advice_until_a_key_file_exists(repo: Path) -> None:
    write(repo / '.gitignore', '.env\n.env.local\n.env.*.local\n')
    proc = run_guard('check', 'gitignore', cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert 'advice: no key file exists' in proc.stderr and '`*.pem`' in proc.stderr
    write(repo / 'deploy/server.pem', 'not really a key\n')
    write(repo / 'ops/id_ed25519', 'not really a key\n')
    code, found = findings(repo)
    assert code == 1
    assert sorted((f['rule_id'], f['path'], f['severity']) for f in found) == [
        ('env-file-not-ignored', 'deploy/server.pem', 'medium'),
        ('env-file-not-ignored', 'ops/id_ed25519', 'medium'),
    ]
    assert 'add `*.pem` to .gitignore' in str(found[0]['message'] + found[1]['message'])


def test_outside_a_repository_it_says_what_it_skipped(tmp_path: Path) -> None:
    write(tmp_path / 'plain/.env.example', '# doc\nA=1\n')
    proc = run_guard('check', 'gitignore', cwd=tmp_path / 'plain')
    assert proc.returncode == 0
    assert 'gitignore: skipped, not a git repository' in proc.stderr


def test_with_patterns_appends_inside_the_existing_block() -> None:
    once = with_patterns('a\n', ['.env'])
    assert once == f'a\n{BLOCK_BEGIN}\n.env\n{BLOCK_END}\n'
    twice = with_patterns(once + 'later\n', ['.env', '.env.local'])
    assert twice == f'a\n{BLOCK_BEGIN}\n.env\n.env.local\n{BLOCK_END}\nlater\n'
    assert with_patterns(twice, ['.env.local']) == twice
    assert with_patterns('no-newline', ['.env']) == f'no-newline\n{BLOCK_BEGIN}\n.env\n{BLOCK_END}\n'
