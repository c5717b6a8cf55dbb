"""The GitHub Action: action.yml's scan step run as a runner would, with recorded event payloads.

A small runner below evaluates the step's `env:` (`${{ inputs.* }}` only) and runs its
`run:` script with bash and the GITHUB_* variables and files a runner provides, against
real repositories cloned from a bare "origin" in tmp_path (no network).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import git, write
from tests.secrets import github_token

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / 'action.yml').read_text(encoding='utf-8'))
GUARD_BIN = Path(shutil.which('guard') or Path(sys.executable).parent / 'guard').parent
ZERO = '0' * 40
TOKEN = github_token()


def step(name: str) -> dict[str, Any]:
    return next(s for s in ACTION['runs']['steps'] if s['name'] == name)


def test_action_is_composite_and_never_expands_inputs_in_scripts() -> None:
    assert ACTION['runs']['using'] == 'composite'
    for s in ACTION['runs']['steps']:
        assert s['shell'] == 'bash'
        assert '${{' not in s['run'], f'{s["name"]}: map inputs to env:, never ${{{{ }}}} in run:'
    mapped = {
        m
        for s in ACTION['runs']['steps']
        for v in s.get('env', {}).values()
        for m in re.findall(r'\$\{\{\s*inputs\.([\w-]+)\s*\}\}', v)
    }
    assert mapped == set(ACTION['inputs'])
    for name, spec in ACTION['inputs'].items():
        assert spec['description'] and re.fullmatch(r'[A-Za-z_][\w-]*', name)
    assert {'mode', 'config', 'baseline', 'format', 'fail-on', 'sarif', 'summary'} <= set(ACTION['inputs'])
    assert 'pip install' in step('Install guard')['run'] and '$GITHUB_ACTION_PATH' in step('Install guard')['run']


@dataclasses.dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]
    sarif: dict[str, Any] | None


def run_scan_step(
    cwd: Path, tmp: Path, event: str, payload: dict[str, Any], *, path: str = str(GUARD_BIN), **inputs: str
) -> Run:
    """The action's Scan step, as the runner runs it (`path`: where guard is installed)."""
    scan = step('Scan')
    values = {name: spec.get('default', '') for name, spec in ACTION['inputs'].items()} | inputs
    env = {
        k: re.sub(r'\$\{\{\s*inputs\.([\w-]+)\s*\}\}', lambda m: str(values[m.group(1)]), v)
        for k, v in scan['env'].items()
    }
    runner = tmp / 'runner'
    runner.mkdir(exist_ok=True)
    (runner / 'event.json').write_text(json.dumps(payload), encoding='utf-8')
    for name in ('summary.md', 'output.txt'):
        (runner / name).write_text('', encoding='utf-8')
    env |= {
        'GITHUB_ACTIONS': 'true',
        'GITHUB_EVENT_NAME': event,
        'GITHUB_EVENT_PATH': str(runner / 'event.json'),
        'GITHUB_STEP_SUMMARY': str(runner / 'summary.md'),
        'GITHUB_OUTPUT': str(runner / 'output.txt'),
        'GITHUB_WORKSPACE': str(cwd),
        'RUNNER_TEMP': str(runner),
        'PATH': f'{path}{os.pathsep}{os.environ["PATH"]}',
    }
    proc = subprocess.run(
        ['bash', '-e', '-c', scan['run']],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    outputs = dict(line.split('=', 1) for line in (runner / 'output.txt').read_text().splitlines() if '=' in line)
    sarif_file = cwd / values['sarif'] if values['sarif'] else None
    sarif = json.loads(sarif_file.read_text()) if sarif_file and sarif_file.exists() else None
    result = Run(proc.returncode, proc.stdout, proc.stderr, (runner / 'summary.md').read_text(), outputs, sarif)
    assert TOKEN not in proc.stdout + proc.stderr + result.summary + json.dumps(sarif)
    return result


@dataclasses.dataclass
class Project:
    origin: Path
    work: Path
    main: str  # tip of main
    feature: str  # tip of feature: a secret added in one commit, removed in the next
    leak: str  # the commit that added it


@pytest.fixture
def project(tmp_path: Path) -> Project:
    origin = tmp_path / 'origin.git'
    git('init', '-q', '--bare', '-b', 'main', str(origin))
    seed = tmp_path / 'seed'
    git('clone', '-q', str(origin), str(seed))
    write(seed / 'app.py', 'print("hello")\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'first', cwd=seed)
    main = git('rev-parse', 'HEAD', cwd=seed).strip()
    git('push', '-q', 'origin', 'main', cwd=seed)
    git('checkout', '-q', '-b', 'feature', cwd=seed)
    write(seed / 'deploy.sh', f'export TOKEN={TOKEN}\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'deploy', cwd=seed)
    leak = git('rev-parse', 'HEAD', cwd=seed).strip()
    write(seed / 'deploy.sh', 'export TOKEN="$DEPLOY_TOKEN"\n')
    git('commit', '-q', '-am', 'no secret at the tip', cwd=seed)
    feature = git('rev-parse', 'HEAD', cwd=seed).strip()
    git('push', '-q', 'origin', 'feature', cwd=seed)
    work = tmp_path / 'work'
    git('clone', '-q', str(origin), str(work))
    git('checkout', '-q', feature, cwd=work)
    return Project(origin, work, main, feature, leak)


def pr_payload(p: Project) -> dict[str, Any]:
    return {
        'action': 'synchronize',
        'number': 7,
        'pull_request': {
            'number': 7,
            'base': {'ref': 'main', 'sha': p.main},
            'head': {'ref': 'feature', 'sha': p.feature},
        },
    }


def push_payload(p: Project, before: str, **extra: Any) -> dict[str, Any]:
    return {
        'ref': 'refs/heads/feature',
        'before': before,
        'after': p.feature,
        'created': before == ZERO,
        'deleted': False,
        'forced': False,
        'repository': {'default_branch': 'main'},
        **extra,
    }


def test_pull_request_annotates_summarises_and_writes_sarif(project: Project, tmp_path: Path) -> None:
    result = run_scan_step(project.work, tmp_path, 'pull_request', pr_payload(project))
    assert result.code == 1, result.stderr
    assert 'guard ci: pull request #7' in result.stderr
    assert re.search(r'^::error file=deploy\.sh,line=1,col=\d+,title=guard%3A github-pat::', result.stdout, re.M)
    assert result.outputs == {
        'findings': '1',
        'blocking': '1',
        'sarif': 'guard.sarif',
        'scanned': f'{project.main}..{project.feature}',
    }
    assert result.summary.startswith('## guard: 1 finding(s) at or above low\n')
    assert '| critical | `github-pat` | `deploy.sh:1` | `ghp_…(40)` |' in result.summary
    assert project.leak[:12] in result.summary  # caught in the commit that added it
    schema = json.loads((ROOT / 'tests' / 'data' / 'sarif-schema-2.1.0.json').read_text())
    jsonschema.Draft4Validator(schema).validate(result.sarif)
    assert result.sarif is not None
    assert [r['ruleId'] for r in result.sarif['runs'][0]['results']] == ['github-pat']


def test_fail_on_and_summary_inputs(project: Project, tmp_path: Path) -> None:
    result = run_scan_step(
        project.work,
        tmp_path,
        'pull_request',
        pr_payload(project),
        **{'fail-on': 'critical', 'summary': 'false', 'sarif': '', 'format': 'text'},
    )
    assert result.code == 1  # github-pat is critical
    assert result.stdout.startswith(f'{project.leak[:12]}:deploy.sh:1: github-pat')
    assert result.summary == '' and result.sarif is None
    baseline = run_scan_step(
        project.work, tmp_path, 'pull_request', pr_payload(project), **{'baseline': 'missing.json'}
    )
    assert baseline.code == 2 and 'guard baseline create' in baseline.stderr


def test_push_of_clean_commits_passes(project: Project, tmp_path: Path) -> None:
    payload = push_payload(project, project.leak)  # only the commit that removed the secret
    result = run_scan_step(project.work, tmp_path, 'push', payload)
    assert result.code == 0, result.stdout + result.stderr
    assert result.outputs['findings'] == '0' and result.outputs['scanned'] == f'{project.leak}..{project.feature}'
    assert result.summary.startswith('## guard: no findings\n')
    assert result.sarif is not None and result.sarif['runs'][0]['results'] == []


def test_new_branch_push_scans_commits_not_on_the_default_branch(project: Project, tmp_path: Path) -> None:
    result = run_scan_step(project.work, tmp_path, 'push', push_payload(project, ZERO))
    assert result.code == 1
    assert 'new branch feature' in result.stderr
    assert result.outputs['scanned'] == f'{project.main}..{project.feature}'


def test_force_push_with_a_vanished_before_falls_back_to_the_branch(project: Project, tmp_path: Path) -> None:
    gone = 'f' * 40  # the rewritten old tip: not anywhere
    result = run_scan_step(project.work, tmp_path, 'push', push_payload(project, gone, forced=True))
    assert result.code == 1, result.stderr
    assert 'force-push' in result.stderr
    assert result.outputs['scanned'] == f'{project.main}..{project.feature}'


def test_deleted_branch_has_nothing_to_scan(project: Project, tmp_path: Path) -> None:
    payload = push_payload(project, project.feature) | {'after': ZERO, 'deleted': True}
    result = run_scan_step(project.work, tmp_path, 'push', payload)
    assert result.code == 0
    assert 'was deleted: nothing to scan' in result.stderr


@pytest.mark.parametrize('event', ['schedule', 'workflow_dispatch'])
def test_schedule_scans_the_full_history(project: Project, tmp_path: Path, event: str) -> None:
    payload = {'schedule': '0 3 * * 1'} if event == 'schedule' else {'ref': 'refs/heads/main', 'inputs': {}}
    result = run_scan_step(project.work, tmp_path, event, payload)
    assert result.code == 1
    assert f'guard ci: {event}: full history' in result.stderr
    assert 'deploy.sh' in result.stdout and result.outputs['scanned'] == 'history'


def test_shallow_checkout_is_deepened_from_origin(project: Project, tmp_path: Path) -> None:
    shallow = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '1', '--branch', 'feature', f'file://{project.origin}', str(shallow))
    assert git('rev-parse', '--is-shallow-repository', cwd=shallow).strip() == 'true'
    result = run_scan_step(shallow, tmp_path, 'pull_request', pr_payload(project))
    assert result.code == 1, result.stderr
    assert result.outputs['findings'] == '1'


def test_shallow_checkout_without_its_origin_says_which_fetch_depth(project: Project, tmp_path: Path) -> None:
    shallow = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '1', '--branch', 'feature', f'file://{project.origin}', str(shallow))
    shutil.rmtree(project.origin)
    result = run_scan_step(shallow, tmp_path, 'pull_request', pr_payload(project))
    assert result.code == 2
    assert 'fetch-depth: 0' in result.stderr


def test_merge_queue_scans_the_group(project: Project, tmp_path: Path) -> None:
    payload = {'action': 'checks_requested', 'merge_group': {'base_sha': project.main, 'head_sha': project.feature}}
    result = run_scan_step(project.work, tmp_path, 'merge_group', payload)
    assert result.code == 1
    assert result.outputs['scanned'] == f'{project.main}..{project.feature}'


def test_plan_errors_name_what_is_missing() -> None:
    from guard.ci.github import plan
    from guard.errors import UsageError

    with pytest.raises(UsageError, match='pull_request event payload'):
        plan('push', {'after': 'a' * 40}, 'pr')
    with pytest.raises(UsageError, match='needs a push event payload'):
        plan('pull_request', {}, 'push')
    assert plan('schedule', {}).kind == 'history' and plan('push', {'after': 'a' * 40}, 'full').kind == 'history'


def test_the_whole_action_installs_guard_from_its_path_and_scans(project: Project, tmp_path: Path) -> None:
    """The Install step for real: a virtualenv and `pip install "$GITHUB_ACTION_PATH"` (pip reads the
    configured package index, a local mirror here), then the Scan step with the PATH it exported."""
    from tests.test_precommit import copy_checkout

    action_path = copy_checkout(tmp_path / 'action')
    runner = tmp_path / 'runner'
    runner.mkdir()
    (runner / 'path.txt').write_text('', encoding='utf-8')
    install = step('Install guard')
    env = {
        **os.environ,
        'GUARD_PYTHON': sys.executable,
        'RUNNER_TEMP': str(runner),
        'GITHUB_ACTION_PATH': str(action_path),
        'GITHUB_PATH': str(runner / 'path.txt'),
    }
    proc = subprocess.run(
        ['bash', '-e', '-c', install['run']],
        cwd=project.work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    exported = (runner / 'path.txt').read_text().split()
    assert exported == [str(runner / 'guard-venv' / 'bin')] and (runner / 'guard-venv' / 'bin' / 'guard').exists()
    result = run_scan_step(project.work, tmp_path, 'pull_request', pr_payload(project), path=exported[0])
    assert result.code == 1 and result.outputs['findings'] == '1', result.stderr


def test_real_force_push_scans_only_the_rewritten_commits(project: Project, tmp_path: Path) -> None:
    """A force-push recorded for real: `before` is the old tip (still in the runner's clone),
    `after` the rewritten one; only commits `after` brings are scanned."""
    seed = tmp_path / 'seed'
    git('checkout', '-q', '-B', 'feature', project.main, cwd=seed)
    write(seed / 'deploy.sh', f'export TOKEN={TOKEN}\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'deploy, rewritten', cwd=seed)
    rewritten = git('rev-parse', 'HEAD', cwd=seed).strip()
    git('push', '-q', '--force', 'origin', 'feature', cwd=seed)
    git('fetch', '-q', 'origin', cwd=project.work)
    git('checkout', '-q', rewritten, cwd=project.work)
    payload = push_payload(project, project.feature, forced=True) | {'after': rewritten}
    result = run_scan_step(project.work, tmp_path, 'push', payload)
    assert result.code == 1, result.stderr
    assert 'guard ci: push (forced)' in result.stderr
    assert result.outputs['scanned'] == f'{project.feature}..{rewritten}'
    assert result.outputs['findings'] == '1'
    assert rewritten[:12] in result.summary and project.leak[:12] not in result.summary


def test_first_push_of_the_default_branch_scans_its_whole_history(project: Project, tmp_path: Path) -> None:
    git('checkout', '-q', project.main, cwd=project.work)
    git('branch', '-q', '-f', 'main', project.feature, cwd=project.work)
    payload = {
        'ref': 'refs/heads/main',
        'before': ZERO,
        'after': project.feature,
        'created': True,
        'deleted': False,
        'forced': False,
        'repository': {'default_branch': 'main'},
    }
    result = run_scan_step(project.work, tmp_path, 'push', payload)
    assert result.code == 1, result.stderr
    assert 'new branch main' in result.stderr and 'full history' in result.stderr
    assert result.outputs['scanned'] == 'history'
    assert 'deploy.sh' in result.stdout


def test_pull_request_ignores_what_landed_on_the_base_branch_since(project: Project, tmp_path: Path) -> None:
    """base.sha need not be an ancestor of head: commits only the base has are not the PR's."""
    seed = tmp_path / 'seed'
    git('checkout', '-q', 'main', cwd=seed)
    write(seed / 'ops.sh', f'export OPS_TOKEN={github_token()}\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'someone else, on main', cwd=seed)
    moved = git('rev-parse', 'HEAD', cwd=seed).strip()
    git('push', '-q', 'origin', 'main', cwd=seed)
    git('fetch', '-q', 'origin', cwd=project.work)
    payload = pr_payload(project)
    payload['pull_request']['base']['sha'] = moved
    result = run_scan_step(project.work, tmp_path, 'pull_request', payload)
    assert result.code == 1
    assert result.outputs['findings'] == '1' and 'ops.sh' not in result.stdout + result.summary


def test_shallow_push_checkout_is_deepened_to_before(project: Project, tmp_path: Path) -> None:
    shallow = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '1', '--branch', 'feature', f'file://{project.origin}', str(shallow))
    result = run_scan_step(shallow, tmp_path, 'push', push_payload(project, project.main))
    assert result.code == 1, result.stderr
    assert result.outputs['scanned'] == f'{project.main}..{project.feature}'
    assert git('rev-parse', '--is-shallow-repository', cwd=shallow).strip() == 'false'


def readme_workflow() -> dict[str, Any]:
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    blocks = [yaml.safe_load(b) for b in re.findall(r'```yaml\n(.*?)```', readme, re.DOTALL)]
    return next(b for b in blocks if isinstance(b, dict) and 'jobs' in b)


def test_readme_workflow_is_complete_and_uses_real_inputs() -> None:
    workflow = readme_workflow()
    events = workflow[True] if True in workflow else workflow['on']  # YAML 1.1 reads `on:` as true
    assert {'pull_request', 'push', 'schedule', 'workflow_dispatch'} <= set(events)
    assert workflow['permissions']['security-events'] == 'write'
    steps = next(iter(workflow['jobs'].values()))['steps']
    uses = [s.get('uses', '') for s in steps]
    checkout = steps[uses.index(next(u for u in uses if u.startswith('actions/checkout@')))]
    assert checkout['with']['fetch-depth'] == 0
    guard_step = next(s for s in steps if s.get('id') == 'guard')
    assert set(guard_step['with']) <= set(ACTION['inputs'])
    assert guard_step['with']['fail-on'] in ('info', 'low', 'medium', 'high', 'critical')
    upload = next(s for s in steps if s.get('uses', '').startswith('github/codeql-action/upload-sarif@'))
    assert upload['with']['sarif_file'] == guard_step['with']['sarif']
    assert 'always()' in upload['if']  # findings fail the guard step
    assert set(ACTION['outputs']) >= {'findings', 'blocking', 'sarif'}


def test_config_input_is_the_config_used(project: Project, tmp_path: Path) -> None:
    write(project.work / 'ci' / 'guard.yaml', 'allow:\n  paths: [deploy.sh]\n')
    result = run_scan_step(project.work, tmp_path, 'pull_request', pr_payload(project), config='ci/guard.yaml')
    assert result.code == 0, result.stdout + result.stderr
    assert result.outputs['findings'] == '0'
    broken = run_scan_step(project.work, tmp_path, 'pull_request', pr_payload(project), config='ci/missing.yaml')
    assert broken.code == 2 and 'missing.yaml' in broken.stderr


def test_new_branch_scans_only_what_no_other_remote_branch_holds(project: Project, tmp_path: Path) -> None:
    """The selection `guard scan --range 0000…..HEAD` makes: a branch cut from `feature` brings only
    its own commit, not feature's (scanned when feature was pushed)."""
    seed = tmp_path / 'seed'
    git('checkout', '-q', '-b', 'stacked', project.feature, cwd=seed)
    write(seed / 'notes.txt', 'more\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'stacked work', cwd=seed)
    stacked = git('rev-parse', 'HEAD', cwd=seed).strip()
    git('push', '-q', 'origin', 'stacked', cwd=seed)
    git('fetch', '-q', 'origin', cwd=project.work)
    git('checkout', '-q', '-b', 'stacked', 'origin/stacked', cwd=project.work)
    payload = push_payload(project, ZERO) | {'ref': 'refs/heads/stacked', 'after': stacked}
    result = run_scan_step(project.work, tmp_path, 'push', payload)
    assert result.code == 0, result.stdout + result.stderr
    assert 'not on origin/feature, origin/main' in result.stderr
    assert result.outputs['findings'] == '0'
    same = subprocess.run(
        [str(GUARD_BIN / 'guard'), 'scan', '--range', f'{ZERO}..HEAD'], cwd=project.work, capture_output=True, text=True
    )
    assert same.returncode == 0 and 'not on origin/feature, origin/main' in same.stderr


def test_fail_on_empty_input_fails_a_vacuous_run(project: Project, tmp_path: Path) -> None:
    payload = push_payload(project, project.feature)  # before == after: nothing to scan
    passed = run_scan_step(project.work, tmp_path, 'push', payload)
    assert passed.code == 0 and 'nothing scanned: no commits to scan' in passed.stderr
    failed = run_scan_step(project.work, tmp_path, 'push', payload, **{'fail-on-empty': 'true'})
    assert failed.code == 2, failed.stderr
    assert '--fail-on-empty' in failed.stderr and failed.outputs['findings'] == '0'


def test_an_unwritable_sarif_path_and_an_unknown_mode_are_exit_2(project: Project, tmp_path: Path) -> None:
    unwritable = run_scan_step(project.work, tmp_path, 'pull_request', pr_payload(project), sarif='no/such/dir.sarif')
    assert unwritable.code == 2, unwritable.stderr
    assert 'guard: cannot write no/such/dir.sarif: No such file or directory' in unwritable.stderr
    unknown = run_scan_step(project.work, tmp_path, 'pull_request', pr_payload(project), mode='bogus')
    assert unknown.code == 2, unknown.stderr
    assert "mode 'bogus': use one of auto, pr, push, full" in unknown.stderr
