"""The pre-commit hook manifest, run by the real pre-commit against this checkout.

pre-commit clones the hook repository at a commit and `pip install .`s it into its
own virtualenv: the session fixture snapshots this working tree (tracked and
untracked files, as try-repo does) into a commit, and shares one PRE_COMMIT_HOME so
the hook environment is built once per session (offline: pip reads the local index).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests import monorepo
from tests.conftest import commit_all, git, write
from tests.secrets import github_token

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / '.pre-commit-hooks.yaml'
PRE_COMMIT = [str(Path(sys.executable).with_name('pre-commit'))]
IDENTITY = {
    'GIT_AUTHOR_NAME': 'Test',
    'GIT_AUTHOR_EMAIL': 'test@example.com',
    'GIT_COMMITTER_NAME': 'Test',
    'GIT_COMMITTER_EMAIL': 'test@example.com',
    'GIT_CONFIG_NOSYSTEM': '1',
}


def manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding='utf-8'))


def test_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(MANIFEST))
    assert [h['id'] for h in hooks] == [
        'guard-secrets',
        'guard-gitignore',
        'guard-env-example',
        'guard-env-schema',
        'guard-pre-push',
    ]
    for hook in manifest():
        assert hook['entry'].startswith('guard ')
        assert hook['language'] == 'python'
    by_id = {h['id']: h for h in manifest()}
    assert by_id['guard-secrets']['pass_filenames'] is True
    assert by_id['guard-pre-push']['stages'] == ['pre-push']
    assert all('pre-push' not in h['stages'] for h in manifest() if h['id'] != 'guard-pre-push')


def test_every_hook_id_is_in_the_readme() -> None:
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    snippet = re.search(r'```yaml\n(repos:.*?)```', readme, re.DOTALL)
    assert snippet, 'README shows a pre-commit `repos:` snippet'
    listed = {hook['id'] for repo in yaml.safe_load(snippet.group(1))['repos'] for hook in repo['hooks']}
    assert {h['id'] for h in manifest()} <= listed


def copy_checkout(dest: Path) -> Path:
    """This working tree's tracked and untracked (not ignored) files, as try-repo sees them."""
    listed = subprocess.run(
        ['git', 'ls-files', '-z', '-co', '--exclude-standard'], cwd=ROOT, check=True, capture_output=True
    ).stdout
    for name in filter(None, listed.decode().split('\0')):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope='session')
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """(snapshot of this checkout, its commit, env with a shared PRE_COMMIT_HOME)."""
    base = tmp_path_factory.mktemp('precommit')
    snapshot = copy_checkout(base / 'guard-hooks')
    env = {**os.environ, **IDENTITY, 'HOME': str(base), 'PRE_COMMIT_HOME': str(base / 'cache')}
    for args in (['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '--no-verify', '-m', 'snapshot']):
        subprocess.run(['git', *args], cwd=snapshot, check=True, capture_output=True, env=env)
    rev = subprocess.run(
        ['git', 'rev-parse', 'HEAD'], cwd=snapshot, check=True, capture_output=True, text=True, env=env
    ).stdout.strip()
    return snapshot, rev, env


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRE_COMMIT, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=600
    )


def use_hooks(repo: Path, hook_repo: tuple[Path, str, dict[str, str]], *ids: str) -> dict[str, str]:
    snapshot, rev, env = hook_repo
    hooks = ''.join(f'      - id: {i}\n' for i in ids)
    write(repo / '.pre-commit-config.yaml', f'repos:\n  - repo: {snapshot}\n    rev: {rev}\n    hooks:\n{hooks}')
    return {**env, 'HOME': os.environ['HOME']}


def test_real_commit_is_blocked_then_passes(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    env = use_hooks(repo, hook_repo, 'guard-secrets')
    git('add', '.pre-commit-config.yaml')
    installed = pre_commit('install', cwd=repo, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    token = github_token()
    write(repo / 'app' / 'settings.py', f'DEBUG = True\nTOKEN = "{token}"\n')
    git('add', 'app/settings.py')
    blocked = subprocess.run(
        ['git', 'commit', '-m', 'settings'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert 'guard (secrets in staged changes)' in output and 'Failed' in output
    assert 'app/settings.py:2: github-pat' in output
    assert token not in output
    write(repo / 'app' / 'settings.py', 'import os\nDEBUG = True\nTOKEN = os.environ["TOKEN"]\n')
    git('add', 'app/settings.py')
    passed = subprocess.run(
        ['git', 'commit', '-m', 'settings'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r'guard \(secrets in staged changes\)\.+Passed', passed.stdout + passed.stderr)


def test_all_files_is_never_blind(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    # `pre-commit run` with the shared cache (try-repo would build a fresh environment every time)
    env = use_hooks(repo, hook_repo, 'guard-secrets')
    write(repo / 'old.py', f'TOKEN = "{github_token()}"\n')
    write(repo / 'clean.py', 'x = 1\n')
    commit_all(repo, 'history with a secret')  # nothing staged now
    result = pre_commit('run', 'guard-secrets', '--all-files', cwd=repo, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'old.py:1: github-pat' in result.stdout
    assert 'clean.py' not in result.stdout
    only_clean = pre_commit('run', 'guard-secrets', '--files', 'clean.py', cwd=repo, env=env)
    assert only_clean.returncode == 0, only_clean.stdout


def test_pre_push_stage_blocks_a_push(repo: Path, tmp_path: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    env = use_hooks(repo, hook_repo, 'guard-pre-push')
    remote = tmp_path / 'remote.git'
    git('init', '-q', '--bare', str(remote))
    git('remote', 'add', 'origin', str(remote))
    commit_all(repo, 'config')
    git('push', '-q', 'origin', 'main')
    assert pre_commit('install', '--hook-type', 'pre-push', cwd=repo, env=env).returncode == 0
    write(repo / 'deploy.sh', f'export TOKEN={github_token()}\n')
    commit_all(repo, 'deploy')
    pushed = subprocess.run(
        ['git', 'push', 'origin', 'main'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    output = pushed.stdout + pushed.stderr
    assert pushed.returncode != 0, output
    assert 'deploy.sh:1: github-pat' in output


def test_hygiene_hooks_block_a_tracked_env_file(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    env = use_hooks(repo, hook_repo, 'guard-gitignore', 'guard-env-example')
    write(repo / '.env', 'DATABASE_URL=postgres://localhost/dev\n')
    git('add', '.env', '.pre-commit-config.yaml')
    failed = pre_commit('run', cwd=repo, env=env)
    assert failed.returncode == 1, failed.stdout
    assert re.search(r'guard \(env and key files are git-ignored, not tracked\)\.+Failed', failed.stdout)
    assert '.env: env-file-tracked' in failed.stdout
    git('rm', '-q', '--cached', '.env')
    fixed = subprocess.run(
        [str(Path(sys.executable).with_name('guard')), 'check', 'gitignore', '--fix'],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (repo / '.gitignore').is_file(), fixed.stderr
    git('add', '.gitignore')
    passed = pre_commit('run', cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout
    assert re.search(r'guard \(\.env\.example documents every variable\)\.+Passed', passed.stdout)


def readme_local_hooks() -> list[dict]:
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    for block in re.findall(r'```yaml\n(repos:.*?)```', readme, re.DOTALL):
        repos = yaml.safe_load(block)['repos']
        if repos[0]['repo'] == 'local':
            return repos[0]['hooks']
    raise AssertionError('README shows a `repo: local` / `language: system` snippet')


def test_readme_local_system_hooks_match_the_manifest() -> None:
    defaults = {'pass_filenames': True, 'always_run': False, 'require_serial': False}
    local = {h['id']: h for h in readme_local_hooks()}
    assert set(local) == {h['id'] for h in manifest()}
    for hook in manifest():
        mine = local[hook['id']]
        assert mine['language'] == 'system'
        for key in ('entry', 'stages', *defaults):
            assert mine.get(key, defaults.get(key)) == hook.get(key, defaults.get(key)), (hook['id'], key)


def test_local_system_hooks_need_no_environment(repo: Path, tmp_path: Path) -> None:
    """The README's offline setup for real: pre-commit builds nothing and runs the guard on PATH."""
    used = readme_local_hooks()  # the whole recommended set, in a repository with no env schema
    write(repo / '.pre-commit-config.yaml', yaml.safe_dump({'repos': [{'repo': 'local', 'hooks': used}]}))
    cache = tmp_path / 'pre-commit-cache'
    guard_bin = Path(shutil.which('guard') or Path(sys.executable).with_name('guard')).parent
    env = {
        **os.environ,
        'PRE_COMMIT_HOME': str(cache),
        'PIP_NO_INDEX': '1',
        'PIP_FIND_LINKS': '',
        'PATH': f'{guard_bin}{os.pathsep}{os.environ["PATH"]}',
    }
    write(
        repo / '.gitignore',
        '.env\n.env.local\n.env.*.local\n*.pem\n*.key\nid_rsa\nid_ecdsa\nid_ed25519\n'
        'service-account*.json\n*-service-account.json\n',
    )
    git('add', '.pre-commit-config.yaml', '.gitignore')
    for hook_type in ('pre-commit', 'pre-push'):
        assert pre_commit('install', '--hook-type', hook_type, cwd=repo, env=env).returncode == 0
    token = github_token()
    write(repo / 'settings.py', f'TOKEN = "{token}"\n')
    git('add', 'settings.py')
    blocked = subprocess.run(
        ['git', 'commit', '-m', 'settings'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert re.search(r'guard secrets\.+Failed', output) and 'settings.py:1: github-pat' in output
    assert re.search(r'guard gitignore\.+Passed', output)
    assert token not in output
    write(repo / 'settings.py', 'import os\nTOKEN = os.environ["TOKEN"]\n')
    git('add', 'settings.py')
    passed = subprocess.run(
        ['git', 'commit', '-m', 'settings'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r'guard env-schema\.+Passed', passed.stdout + passed.stderr)  # nothing to check: passes
    remote = tmp_path / 'remote.git'
    git('init', '-q', '--bare', str(remote))
    git('remote', 'add', 'origin', str(remote))
    write(repo / 'deploy.sh', f'export TOKEN={github_token()}\n')
    commit_all(repo, 'deploy')  # --no-verify: pre-push must catch it
    pushed = subprocess.run(
        ['git', 'push', 'origin', 'main'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert pushed.returncode != 0 and 'deploy.sh:1: github-pat' in pushed.stdout + pushed.stderr
    assert not [p for p in cache.glob('repo*') if p.is_dir()]  # no hook environment was built


def test_try_repo_runs_the_hooks_of_this_checkout(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    """`pre-commit try-repo` as a hook author tries a change (same commit as the session's
    environment, so pre-commit reuses it instead of building another)."""
    snapshot, rev, env = hook_repo
    env = {**env, 'HOME': os.environ['HOME']}
    write(repo / 'old.py', f'TOKEN = "{github_token()}"\n')
    write(repo / 'clean.py', 'x = 1\n')
    commit_all(repo, 'one secret')
    found = pre_commit('try-repo', str(snapshot), 'guard-secrets', '--ref', rev, '--all-files', cwd=repo, env=env)
    assert found.returncode == 1, found.stdout + found.stderr
    assert 'old.py:1: github-pat' in found.stdout and 'clean.py' not in found.stdout
    clean = pre_commit(
        'try-repo', str(snapshot), 'guard-secrets', '--ref', rev, '--files', 'clean.py', cwd=repo, env=env
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_fail_on_unused_under_pre_commit_batches(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    """pre-commit runs a hook several times with parts of the file list: an entry is judged only
    by the part holding its file, so the parts add up to one honest answer."""
    snapshot, rev, env = hook_repo
    env = {**env, 'HOME': os.environ['HOME'], 'TRAVIS': '1'}  # pre-commit then splits for 2 jobs, whatever the CPUs
    for i in range(12):
        write(repo / f's{i:02d}.py', f'TOKEN = "{github_token()}"\n')
    assert (
        subprocess.run(
            [str(Path(sys.executable).with_name('guard')), 'baseline', 'create'],
            cwd=repo,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    write(
        repo / '.pre-commit-config.yaml',
        yaml.safe_dump(
            {
                'repos': [
                    {
                        'repo': str(snapshot),
                        'rev': rev,
                        'hooks': [
                            {'id': 'guard-secrets', 'args': ['--baseline', '.guard-baseline.json', '--fail-on-unused']}
                        ],
                    }
                ]
            }
        ),
    )
    commit_all(repo, 'known secrets, baselined')
    clean = pre_commit('run', 'guard-secrets', '--all-files', '--verbose', cwd=repo, env=env)
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.count('guard scan --staged:') >= 2, clean.stdout  # really in several batches
    assert 'baseline-unused' not in clean.stdout
    assert pre_commit('install', cwd=repo, env=env).returncode == 0
    write(repo / 's03.py', 'import os\nTOKEN = os.environ["TOKEN"]\n')  # a commit removing a known secret:
    git('add', 's03.py')  # its staged lines prove nothing unused
    committed = subprocess.run(
        ['git', 'commit', '-m', 'rotate'], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert re.search(r'guard \(secrets in staged changes\)\.+Passed', committed.stdout + committed.stderr)
    stale = pre_commit('run', 'guard-secrets', '--all-files', cwd=repo, env=env)
    assert stale.returncode == 1, stale.stdout
    unused = [line for line in stale.stdout.splitlines() if 'baseline-unused' in line]
    assert len(unused) == 1 and unused[0].startswith('s03.py: baseline-unused'), stale.stdout


def test_env_schema_hook_validates_the_local_env_file(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    env = use_hooks(repo, hook_repo, 'guard-env-schema')
    env['PORT'] = 'not a port'  # the shell's environment: not the app's
    write(repo / 'env.schema.yaml', 'variables:\n  PORT: {type: port, default: 8000, description: HTTP port.}\n')
    write(repo / '.gitignore', '.env\n')
    git('add', '.')
    passed = pre_commit('run', cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout
    assert re.search(r'guard \(env files match the schema\)\.+Passed', passed.stdout)
    write(repo / '.env', 'PORT=70000\n')  # ignored, never committed
    failed = pre_commit('run', cwd=repo, env=env)
    assert failed.returncode == 1, failed.stdout
    assert '.env:1: env-schema-invalid PORT' in failed.stdout and '70000' not in failed.stdout


# --- issue 15: the four hooks on a seed-shaped monorepo ------------------------------------------

FOUR_HOOKS = ('guard-secrets', 'guard-gitignore', 'guard-env-example', 'guard-env-schema')


def _hook_status(output: str) -> dict[str, str]:
    names = {h['name']: h['id'] for h in manifest()}
    status = {}
    for line in output.splitlines():
        match = re.match(r'(.+?)\.{3,}(Passed|Failed|Skipped)', line)
        if match and match.group(1) in names:
            status[names[match.group(1)]] = match.group(2)
    return status


def _plant_untracked_env(repo: Path) -> None:
    write(repo / 'apps/backend/.env.production', f'DATABASE_URL={monorepo.database_url()}\n')


def _plant_negated_env(repo: Path) -> None:
    write(repo / 'deploy/.env', f'DATABASE_URL={monorepo.database_url()}\n')
    write(repo / 'deploy/.gitignore', '!.env\n')


def _plant_tracked_env(repo: Path) -> None:
    write(repo / 'prod.env', 'LOG_LEVEL=info\n')
    git('add', '-f', 'prod.env', cwd=repo)
    git('commit', '-q', '--no-verify', '-m', 'prod', cwd=repo)


def _plant_public_secret(repo: Path) -> None:
    template = repo / 'apps/frontend/.env.example'
    template.write_text(template.read_text() + '# Stripe\nNEXT_PUBLIC_STRIPE_SECRET_KEY=\n')


def _plant_secret_default(repo: Path) -> None:
    config = repo / 'apps/backend/app/config.py'
    config.write_text(
        config.read_text().replace(
            "jwt_secret_key: SecretStr = Field(min_length=32, description='Signs access tokens')",
            "jwt_secret_key: str = Field('changeme', description='Signs access tokens')",
        )
    )


def _plant_compose_read(repo: Path) -> None:
    compose = repo / 'docker-compose.yml'
    compose.write_text(compose.read_text().replace('${DATABASE_URL}', '${DATABASE_URL}\n      REDIS_URL: ${REDIS_URL}'))


def _plant_invalid_value(repo: Path) -> None:
    env_file = repo / 'apps/backend/.env'
    env_file.write_text(
        env_file.read_text().replace('ACCESS_TOKEN_EXPIRE_MINUTES=30', 'ACCESS_TOKEN_EXPIRE_MINUTES=soon')
    )


def _plant_missing_key(repo: Path) -> None:
    env_file = repo / 'apps/backend/.env'
    env_file.write_text(''.join(line + '\n' for line in env_file.read_text().splitlines() if 'JWT_SECRET' not in line))


def _plant_crashing_validator(repo: Path) -> None:
    # a KeyError, not a ValidationError: the probe once returned no verdict and the hook passed
    config = repo / 'apps/backend/app/config.py'
    config.write_text(
        config.read_text()
        .replace('from pydantic import Field, SecretStr', 'from pydantic import Field, SecretStr, field_validator')
        .replace(
            '\n\nsettings = Settings()',
            "\n    @field_validator('database_url')\n    @classmethod\n    def known_database(cls, value):\n"
            '        return {}[value]\n\n\nsettings = Settings()',
        )
    )


def _plant_own_source(repo: Path) -> None:
    # the class reads the secret from its own JSON file; the .env under test lacks it
    config = repo / 'apps/backend/app/config.py'
    config.write_text(
        config.read_text().replace(
            "extra='ignore')\n",
            "extra='ignore', json_file='config.json')\n\n    @classmethod\n"
            '    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, *others):\n'
            '        from pydantic_settings import JsonConfigSettingsSource\n\n'
            '        return (init_settings, env_settings, JsonConfigSettingsSource(settings_cls))\n',
        )
    )
    write(repo / 'apps/backend/config.json', '{"jwt_secret_key": "%s"}' % ('k' * 48))
    _plant_missing_key(repo)


def _plant_token(repo: Path) -> None:
    write(repo / 'apps/backend/app/keys.py', f'TOKEN = "{github_token()}"\n')
    git('add', '.', cwd=repo)
    git('commit', '-q', '--no-verify', '-m', 'keys', cwd=repo)


PLANTS = {
    'untracked-env': (_plant_untracked_env, 'guard-gitignore', 'apps/backend/.env.production: env-file-not-ignored'),
    'negated-env': (_plant_negated_env, 'guard-gitignore', 'deploy/.gitignore:1: env-file-not-ignored'),
    'tracked-env': (_plant_tracked_env, 'guard-gitignore', 'prod.env: env-file-tracked'),
    'public-secret': (
        _plant_public_secret,
        'guard-env-example',
        'apps/frontend/.env.example:6: env-public-secret NEXT_PUBLIC_STRIPE_SECRET_KEY',
    ),
    'secret-default': (
        _plant_secret_default,
        'guard-env-example',
        'apps/backend/app/config.py:9: env-secret-default JWT_SECRET_KEY',
    ),
    'compose-read': (
        _plant_compose_read,
        'guard-env-example',
        'docker-compose.yml:7: env-missing-in-template REDIS_URL',
    ),
    'invalid-value': (
        _plant_invalid_value,
        'guard-env-schema',
        'apps/backend/.env:4: env-schema-invalid ACCESS_TOKEN_EXPIRE_MINUTES',
    ),
    'missing-key': (
        _plant_missing_key,
        'guard-env-schema',
        'apps/backend/app/config.py:5: env-schema-missing JWT_SECRET_KEY',
    ),
    'token': (_plant_token, 'guard-secrets', 'apps/backend/app/keys.py:1: github-pat'),
    'crashing-validator': (
        _plant_crashing_validator,
        'guard-env-schema',
        'env-schema-error app.config.Settings raised KeyError in known_database',
    ),
    'own-source': (
        _plant_own_source,
        'guard-env-schema',
        'apps/backend/app/config.py:5: env-schema-missing JWT_SECRET_KEY',
    ),
}


def test_four_hooks_pass_on_the_clean_monorepo(repo: Path, hook_repo: tuple[Path, str, dict[str, str]]) -> None:
    monorepo.build(repo)
    env = use_hooks(repo, hook_repo, *FOUR_HOOKS)
    commit_all(repo, 'hooks')
    clean = pre_commit('run', '--all-files', cwd=repo, env=env)
    assert clean.returncode == 0, clean.stdout
    assert _hook_status(clean.stdout) == dict.fromkeys(FOUR_HOOKS, 'Passed'), clean.stdout


@pytest.mark.parametrize('plant', sorted(PLANTS))
def test_four_hooks_fail_on_each_planted_problem(
    plant: str, repo: Path, hook_repo: tuple[Path, str, dict[str, str]]
) -> None:
    monorepo.build(repo)
    env = use_hooks(repo, hook_repo, *FOUR_HOOKS)
    commit_all(repo, 'hooks')
    make, hook, expected = PLANTS[plant]
    make(repo)
    if plant == 'missing-key':
        env = {**env, 'JWT_SECRET_KEY': 'x' * 48}  # the shell has it; the app's .env does not
    failed = pre_commit('run', '--all-files', cwd=repo, env=env)
    assert failed.returncode == 1, failed.stdout
    status = _hook_status(failed.stdout)
    assert status[hook] == 'Failed', failed.stdout
    assert expected in failed.stdout, failed.stdout
    # and no other hook, but for a key missing from the local .env, which env-example reports too
    also = {'guard-env-example'} if plant in ('missing-key', 'own-source') else set()
    assert {h for h, s in status.items() if s == 'Failed'} == {hook, *also}, failed.stdout
