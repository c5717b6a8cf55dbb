"""`guard audit`: many repositories on real Dask clusters (a LocalCluster the command starts,
and a `dask scheduler` with `dask worker` processes on 127.0.0.1), compared with what
`guard scan-history` reports in each repository."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import GUARD, commit_all, git, run_guard, write
from tests.secrets import aws_key_id, github_token

distributed = pytest.importorskip('distributed', reason='guard audit needs the audit extra (distributed)')

DASK = shutil.which('dask') or str(Path(sys.executable).parent / 'dask')
SCHEMA = json.loads((Path(__file__).parent / 'data' / 'sarif-schema-2.1.0.json').read_text())


def generated_history(path: Path, commits: int, *, secret_every: int = 50, seed: int = 1) -> Path:
    """A repository of `commits` commits through git fast-import; every `secret_every`-th adds
    a token to a file of its own, and one env file is added and later removed."""
    git('init', '-q', '-b', 'main', str(path))
    out = []
    for i in range(1, commits + 1):
        files = [(f'src/m{i % 37}.py', f'value_{i} = {i * seed}\n')]
        if i % secret_every == 0:
            files.append((f'conf/t{i}.py', f'TOKEN = "{github_token()}"\n'))
        if i == commits // 2:
            files.append(('.env', f'AWS_ACCESS_KEY_ID={aws_key_id()}\n'))
        out.append(f'commit refs/heads/main\nmark :{i}\ncommitter T <t@example.com> {1_700_000_000 + i * 60} +0000\n')
        message = f'change {i}\n'
        out.append(f'data {len(message)}\n{message}')
        if i > 1:
            out.append(f'from :{i - 1}\n')
        for name, text in files:
            out.append(f'M 100644 inline {name}\ndata {len(text.encode())}\n{text}\n')
        if i == commits // 2 + 5:
            out.append('D .env\n')
    subprocess.run(['git', 'fast-import', '--quiet'], cwd=path, input=''.join(out).encode(), check=True)
    git('checkout', '-q', 'main', cwd=path)
    return path


def small_repo(path: Path, text: str) -> Path:
    git('init', '-q', '-b', 'main', str(path))
    write(path / 'app.py', 'x = 1\n')
    commit_all(path, 'first')
    write(path / 'settings.py', text)
    commit_all(path, 'second')
    return path


def history_json(repo: Path, *extra: str) -> dict[str, Any]:
    proc = run_guard('scan-history', '--format', 'json', '-q', *extra, cwd=repo)
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A scan-history report less what differs between any two runs (time, store notes)."""
    receipt = {k: v for k, v in report['receipt'].items() if k not in ('seconds', 'notes')}
    return {**report, 'receipt': receipt}


def audit(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*GUARD.split(), 'audit', *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    return proc


@pytest.fixture
def repos(tmp_path: Path) -> list[Path]:
    return [
        generated_history(tmp_path / 'big', 1200, secret_every=97),
        small_repo(tmp_path / 'one', f'KEY = "{github_token()}"\n'),
        small_repo(tmp_path / 'clean', 'DEBUG = True\n'),
    ]


def test_local_cluster_reports_what_scan_history_reports(tmp_path: Path, repos: list[Path]) -> None:
    out = tmp_path / 'audit.json'
    proc = audit(
        *map(str, repos), '--workers', '2', '--chunk-commits', '100', '--no-cache', '--format', 'json',
        '--output', str(out), cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    data = json.loads(out.read_text())
    assert list(data['repositories']) == [str(r) for r in repos]
    for repo in repos:
        expected = comparable(history_json(repo, '--no-cache'))
        assert comparable(data['repositories'][str(repo)]) == expected
    big = data['repositories'][str(repos[0])]
    assert len(big['groups']) == 1200 // 97 + 2  # the tokens, the env file and the key it held
    assert {g['rule_id'] for g in big['groups']} >= {'github-pat', 'env-file-in-history'}
    assert data['failures'] == {}
    assert data['receipt']['mode'] == 'audit'
    assert data['receipt']['commits'] == 1200 + 2 + 2
    assert '3 of 3 repositories scanned' in data['receipt']['notes']


def test_the_stores_make_a_rerun_cheap_and_see_new_commits(tmp_path: Path) -> None:
    repo = small_repo(tmp_path / 'r', 'A = 1\n')
    first = audit(str(repo), '--workers', '1', '--format', 'json', cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    write(repo / 'late.py', f'KEY = "{github_token()}"\n')
    commit_all(repo, 'late')
    second = audit(str(repo), '--workers', '1', '--format', 'json', cwd=tmp_path)
    assert second.returncode == 1, second.stderr
    report = json.loads(second.stdout)['repositories'][str(repo)]
    assert '1 commits scanned, 2 from the store' in report['receipt']['notes']
    assert [g['path'] for g in report['groups']] == ['late.py']
    assert comparable(report)['groups'] == comparable(history_json(repo))['groups']


def test_urls_are_mirrored_into_the_workdir_and_fetched_later(tmp_path: Path) -> None:
    work = small_repo(tmp_path / 'work', 'A = 1\n')
    bare = tmp_path / 'remote.git'
    git('clone', '-q', '--bare', str(work), str(bare))
    url = bare.as_uri()
    workdir = tmp_path / 'cache'
    first = audit(url, '--workers', '1', '--workdir', str(workdir), '--format', 'json', cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (clone,) = workdir.iterdir()
    assert clone.name.startswith('remote-') and clone.name.endswith('.git')
    write(work / 'late.py', f'KEY = "{github_token()}"\n')
    commit_all(work, 'late')
    git('push', '-q', str(bare), 'main', cwd=work)
    second = audit(url, '--workers', '1', '--workdir', str(workdir), '--format', 'json', cwd=tmp_path)
    assert second.returncode == 1, second.stderr
    groups = json.loads(second.stdout)['repositories'][url]['groups']
    assert [g['path'] for g in groups] == ['late.py']
    assert [p.name for p in workdir.iterdir()] == [clone.name]  # fetched, not cloned again


def test_a_local_bare_repository_is_scanned_in_place(tmp_path: Path) -> None:
    work = small_repo(tmp_path / 'work', f'KEY = "{github_token()}"\n')
    bare = tmp_path / 'server.git'
    git('clone', '-q', '--bare', str(work), str(bare))
    proc = audit(str(bare), '--workers', '1', '--format', 'json', cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    (group,) = json.loads(proc.stdout)['repositories'][str(bare)]['groups']
    assert group['path'] == 'settings.py' and group['at_head'] is True


def test_unreadable_repositories_are_named_and_the_run_goes_on(tmp_path: Path) -> None:
    good = small_repo(tmp_path / 'good', f'KEY = "{github_token()}"\n')
    plain = tmp_path / 'plain'
    plain.mkdir()
    corrupt = small_repo(tmp_path / 'corrupt', 'A = 1\n')
    objects = corrupt / '.git' / 'objects'
    for obj in objects.glob('??/*'):  # every loose object unreadable: history cannot be read
        obj.write_bytes(b'not a git object')
    missing = tmp_path / 'missing'
    unclonable = (tmp_path / 'nowhere.git').as_uri()
    args = [str(good), str(plain), str(corrupt), str(missing), unclonable]
    proc = audit(*args, '--workers', '2', '--workdir', str(tmp_path / 'w'), '--format', 'json', cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data['repositories']) == [str(good)]
    assert set(data['failures']) == {str(plain), str(corrupt), str(missing), unclonable}
    assert data['failures'][str(missing)] == 'no such directory'
    assert data['failures'][str(plain)] == 'not a git repository'
    assert 'cannot clone' in data['failures'][unclonable]
    assert '1 of 5 repositories scanned' in data['receipt']['notes']
    assert f'guard: could not scan {missing}: no such directory' in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_exit_2_when_no_repository_could_be_scanned(tmp_path: Path) -> None:
    proc = audit(str(tmp_path / 'missing'), '--workers', '1', cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert 'no repository could be scanned' in proc.stderr
    usage = audit(cwd=tmp_path)
    assert usage.returncode == 2 and 'name at least one repository' in usage.stderr


def test_repos_file_text_and_sarif(tmp_path: Path) -> None:
    one = small_repo(tmp_path / 'one', f'KEY = "{github_token()}"\n')
    two = small_repo(tmp_path / 'two', f'KEY = "{github_token()}"\n')
    listing = write(tmp_path / 'repos.txt', f'# the team\n{one}\n\n{two}  # second\n{one}\n')
    text = audit('--repos-file', str(listing), '--workers', '2', cwd=tmp_path)
    assert text.returncode == 1, text.stderr
    assert text.stdout.count('== ') == 2  # named twice, scanned once
    assert f'== {one}\n' in text.stdout and 'settings.py:1: github-pat' in text.stdout
    sarif = audit('--repos-file', str(listing), '--workers', '2', '--format', 'sarif', cwd=tmp_path)
    log = json.loads(sarif.stdout)
    jsonschema.validate(log, SCHEMA)
    assert [run['automationDetails']['id'] for run in log['runs']] == [f'guard-audit/{one}/', f'guard-audit/{two}/']
    assert all(run['results'][0]['ruleId'] == 'github-pat' for run in log['runs'])


def test_no_secret_in_any_output(tmp_path: Path) -> None:
    token = github_token()
    repo = small_repo(tmp_path / 'r', f'KEY = "{token}"\n')
    for fmt in ('text', 'json', 'sarif'):
        proc = audit(str(repo), '--workers', '1', '--format', fmt, cwd=tmp_path)
        assert proc.returncode == 1
        assert token not in proc.stdout + proc.stderr
        assert token[4:14] not in proc.stdout + proc.stderr


# ---- an external cluster: `dask scheduler` and `dask worker` processes on 127.0.0.1 ----------


class Cluster:
    def __init__(self, root: Path, workers: int) -> None:
        self.root = root
        self.logs = (root / 'scheduler.log').open('w')
        info = root / 'scheduler.json'
        self.scheduler = subprocess.Popen(
            [DASK, 'scheduler', '--host', '127.0.0.1', '--port', '0', '--no-dashboard', '--scheduler-file', str(info)],
            stdout=self.logs,
            stderr=self.logs,
        )
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert time.monotonic() < deadline, 'dask scheduler did not start'
            assert self.scheduler.poll() is None, (root / 'scheduler.log').read_text()
            time.sleep(0.1)
        self.address = json.loads(info.read_text())['address']
        self.workers = [self.start_worker(i) for i in range(workers)]
        with distributed.Client(self.address, timeout='30s') as client:
            client.wait_for_workers(workers, timeout=60)

    def start_worker(self, i: int) -> subprocess.Popen[bytes]:
        log = (self.root / f'worker{i}.log').open('w')
        return subprocess.Popen(
            [DASK, 'worker', self.address, '--nthreads', '1', '--no-nanny', '--no-dashboard', '--name', f'w{i}'],
            stdout=log,
            stderr=log,
        )

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*self.workers, self.scheduler]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.logs.close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    root = tmp_path / 'dask'
    root.mkdir()
    started = Cluster(root, workers=2)
    try:
        yield started
    finally:
        started.stop()


def test_an_external_cluster_reports_what_scan_history_reports(tmp_path: Path, cluster: Cluster) -> None:
    repos = [generated_history(tmp_path / 'big', 600, secret_every=61), small_repo(tmp_path / 's', 'A = 1\n')]
    args = [*map(str, repos), '--scheduler', cluster.address, '--chunk-commits', '64', '--no-cache']
    proc = audit(*args, '--format', 'json', cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    for repo in repos:
        assert comparable(data['repositories'][str(repo)]) == comparable(history_json(repo, '--no-cache'))
    assert all(proc.poll() is None for proc in cluster.workers)  # the cluster outlives the audit


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, cluster: Cluster) -> None:
    repo = generated_history(tmp_path / 'big', 3000, secret_every=53)
    expected = comparable(history_json(repo, '--no-cache'))
    args = [str(repo), '--scheduler', cluster.address, '--chunk-commits', '20', '--no-cache', '--format', 'json']
    running = subprocess.Popen([*GUARD.split(), 'audit', *args], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    victim = cluster.workers[0]
    with distributed.Client(cluster.address, timeout='30s') as client:
        deadline = time.monotonic() + 120
        while not _busy_with_chunks(client, 'w0'):
            assert time.monotonic() < deadline, 'no chunk task ever ran on w0'
            assert running.poll() is None, 'the audit ended before a worker could be killed'
            time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    out, _ = running.communicate(timeout=240)
    assert running.returncode == 1
    report = json.loads(out)['repositories'][str(repo)]
    assert comparable(report) == expected  # every group once, occurrences not doubled
    assert victim.poll() is not None


def _busy_with_chunks(client: Any, worker_name: str) -> bool:
    workers = client.scheduler_info()['workers']
    processing = client.processing()
    return any(
        info.get('name') == worker_name and any('guard-chunk' in str(key) for key in processing.get(address, ()))
        for address, info in workers.items()
    )


def test_ctrl_c_stops_the_local_cluster(tmp_path: Path) -> None:
    repo = generated_history(tmp_path / 'big', 4000, secret_every=101)
    running = subprocess.Popen(
        [*GUARD.split(), 'audit', str(repo), '--workers', '2', '--chunk-commits', '10', '--no-cache'],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(_children(running.pid)) < 2:  # the cluster's worker processes are up
        assert time.monotonic() < deadline and running.poll() is None, running.stderr and running.stderr.read()
        time.sleep(0.05)
    time.sleep(0.5)
    children = _children(running.pid)
    running.send_signal(signal.SIGINT)
    _out, err = running.communicate(timeout=60)
    assert running.returncode == 130, err
    assert 'interrupted' in err and 'Traceback' not in err
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in children):
        assert time.monotonic() < deadline, 'worker processes outlived the interrupted audit'
        time.sleep(0.1)


def _children(pid: int) -> list[int]:
    import psutil  # installed with distributed

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_html_lists_every_repository_with_one_rotate_first(tmp_path: Path) -> None:
    import html5lib

    from tests.browser import dump_dom

    tokens = [github_token(), github_token()]
    one = small_repo(tmp_path / 'api', f'KEY = "{tokens[0]}"\n')
    two = small_repo(tmp_path / 'web', f'KEY = "{tokens[1]}"\n')
    write(two / 'later.py', 'A = 2\n')
    commit_all(two, 'later')
    page = tmp_path / 'audit.html'
    proc = audit(str(one), str(two), '--workers', '2', '--format', 'html', '--output', str(page), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    text = page.read_text()
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(text)
    assert parser.errors == []
    assert not any(t in text or t[4:14] in text for t in tokens)
    dom, requests = dump_dom(page, tmp_path / 'browser')
    assert requests == []
    rotate = dom[dom.index('id="rotate"') : dom.index('id="timeline"')]
    assert rotate.count('data-rule="github-pat"') == 2  # one card per repository
    assert f'class="repo">{one}</strong>' in rotate and f'class="repo">{two}</strong>' in rotate
    assert 'ghp_…(40)' in dom and '2 repositories' in dom
