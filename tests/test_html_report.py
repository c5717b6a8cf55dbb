"""`--format html`: one self-contained page, valid HTML, no whole secret, the rotate-first
order by exposure, and the same page read by a real browser (headless chromium)."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import html5lib
import pytest

from guard.cli import main
from tests import browser
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import aws_key_id, github_token, random_body

NS = '{http://www.w3.org/1999/xhtml}'


def stripe_key() -> str:
    return 'sk_' + 'live_' + random_body(32)


def slack_token() -> str:
    return f'xoxb-{random_body(11, string.digits)}-{random_body(12, string.digits)}-{random_body(24)}'


class Planted:
    """A history where each exposure tier holds one GitHub token (all critical, so only
    exposure and age decide their order), plus env files and an allowed finding."""

    def __init__(self, root: Path) -> None:
        self.tokens = {tier: github_token() for tier in ('history', 'refs', 'default', 'head')}
        self.others = [aws_key_id(), stripe_key(), slack_token()]
        origin = root / 'origin'
        git('init', '-q', '-b', 'main', str(origin))
        git('config', 'commit.gpgsign', 'false', cwd=origin)
        t = self.tokens
        self._commit(origin, 'old.py', f'TOKEN = "{t["history"]}"\n', '2021-01-05T10:00:00+00:00')
        self._commit(origin, 'old.py', 'TOKEN = None\n', '2021-02-05T10:00:00+00:00')
        write(origin / '.env', f'STRIPE_KEY={self.others[1]}\n')
        self._commit(origin, 'tagged.py', f'TOKEN = "{t["refs"]}"\n', '2021-06-05T10:00:00+00:00')
        git('tag', 'v1', cwd=origin)
        (origin / '.env').unlink()
        self._commit(origin, 'tagged.py', 'TOKEN = None\n', '2021-07-05T10:00:00+00:00')
        write(origin / 'tests' / 'fixture.py', f'AWS = "{self.others[0]}"  # guard:allow revoked, test fixture\n')
        self._commit(origin, 'main.py', f'TOKEN = "{t["default"]}"\n', '2022-01-05T10:00:00+00:00')
        self.repo = root / 'clone'
        git('clone', '-q', str(origin), str(self.repo))
        git('config', 'commit.gpgsign', 'false', cwd=self.repo)
        git('checkout', '-q', '-b', 'work', cwd=self.repo)
        (self.repo / 'main.py').unlink()
        write(self.repo / 'deploy' / '.env.production', 'LOG_LEVEL=info\n')
        write(self.repo / 'notify.py', f'SLACK = "{self.others[2]}"\n')
        self._commit(self.repo, 'head.py', f'TOKEN = "{t["head"]}"\n', '2023-01-05T10:00:00+00:00')

    @staticmethod
    def _commit(repo: Path, path: str, text: str, date: str) -> None:
        write(repo / path, text)
        git('add', '-A', cwd=repo)
        git('commit', '-q', '-m', f'edit {path}', '--author', 'Jo Doe <jo@example.test>', '--date', date, cwd=repo)

    @property
    def secrets(self) -> list[str]:
        return [*self.tokens.values(), *self.others]


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Planted:
    history = Planted(tmp_path)
    monkeypatch.chdir(history.repo)
    return history


@pytest.fixture
def report(planted: Planted, tmp_path: Path) -> Path:
    out = tmp_path / 'report.html'
    proc = run_guard('scan-history', '--format', 'html', '--output', str(out), cwd=planted.repo)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == '' and 'guard scan-history:' in proc.stderr
    return out


def parse(text: str) -> html5lib.html5parser.HTMLParser:
    parser = html5lib.HTMLParser(strict=False)
    tree = parser.parse(text)
    return parser, tree


def rotate_order(tree: object) -> list[tuple[str, str]]:
    """(rule id, exposure label) of each rotate-first card, in page order."""
    cards = tree.findall(f'.//{NS}ol[@class="rotate"]/{NS}li')  # type: ignore[attr-defined]
    out = []
    for card in cards:
        label = next(s for s in card.iter(f'{NS}span') if 'where' in (s.get('class') or '').split())
        paths = [c.text for c in card.iter(f'{NS}code')]
        out.append((card.get('data-rule'), label.text, paths))
    return out


def json_groups(repo: Path) -> list[dict[str, object]]:
    proc = run_guard('scan-history', '--format', 'json', cwd=repo)
    return json.loads(proc.stdout)['groups']


# ---- the file -----------------------------------------------------------------------------


def test_the_page_is_valid_html_with_every_section_in_order(report: Path) -> None:
    text = report.read_text(encoding='utf-8')
    parser, tree = parse(text)
    assert parser.errors == []
    ids = [s.get('id') for s in tree.iter(f'{NS}section')]
    assert ids == ['rotate', 'timeline', 'env', 'findings', 'receipt']


def test_no_whole_secret_is_in_the_file(report: Path, planted: Planted) -> None:
    text = report.read_text(encoding='utf-8')
    for secret in planted.secrets:
        assert secret not in text
        assert secret[4:-4] not in text  # nor most of one
    assert 'ghp_…(40)' in text  # previews are


def test_rotate_first_is_ordered_by_exposure_then_severity(report: Path, planted: Planted) -> None:
    _, tree = parse(report.read_text(encoding='utf-8'))
    order = rotate_order(tree)
    github = [(label, paths) for rule, label, paths in order if rule == 'github-pat']
    assert [label for label, _ in github] == [
        'still at HEAD',
        'on the default branch',
        'on other branches or tags',
        'only in history',
    ]
    assert [paths[1] for _, paths in github] == ['head.py:1', 'main.py:1', 'tagged.py:1', 'old.py:1']
    # the slack token is high, at HEAD: after the critical token at HEAD, before the default branch's
    rules = [rule for rule, _, _ in order]
    assert rules.index('slack-bot-token') == 1
    assert 'aws-access-key-id' not in rules  # allowed: not to rotate


def test_env_files_with_their_commits_and_what_they_held(report: Path) -> None:
    _, tree = parse(report.read_text(encoding='utf-8'))
    section = next(s for s in tree.iter(f'{NS}section') if s.get('id') == 'env')
    rows = {
        ''.join(r.find(f'{NS}td').itertext()): ' '.join(''.join(r.itertext()).split())
        for r in section.iter(f'{NS}tr')
        if r.find(f'{NS}td') is not None
    }
    assert set(rows) == {'.env', 'deploy/.env.production'}
    assert 'removed' in rows['.env'] and '1 secret' in rows['.env'] and 'stripe-secret-key' in rows['.env']
    assert 'still at HEAD' in rows['deploy/.env.production'] and 'none found' in rows['deploy/.env.production']


def test_allowed_findings_are_collapsed_with_their_reason(report: Path) -> None:
    _, tree = parse(report.read_text(encoding='utf-8'))
    details = tree.find(f'.//{NS}details')
    assert details is not None and details.get('open') is None
    text = ' '.join(''.join(details.itertext()).split())
    assert 'aws-access-key-id' in text and 'revoked, test fixture' in text


def test_rewrite_advice_names_the_filter_repo_command(report: Path) -> None:
    text = report.read_text(encoding='utf-8')
    assert 'git filter-repo --invert-paths --path .env' in text
    assert 'git filter-repo --replace-text replacements.txt' in text


def test_the_page_asks_for_nothing_from_outside(report: Path) -> None:
    text = report.read_text(encoding='utf-8')
    _, tree = parse(text)
    assert not [e.tag for e in tree.iter() if isinstance(e.tag, str) and e.get('src') is not None]
    assert tree.find(f'.//{NS}link') is None and 'url(' not in text and '@import' not in text
    policy = tree.find(f'.//{NS}meta[@http-equiv="Content-Security-Policy"]').get('content')
    assert "default-src 'none'" in policy


def test_receipt_names_repository_refs_and_versions(report: Path) -> None:
    _, tree = parse(report.read_text(encoding='utf-8'))
    receipt = next(s for s in tree.iter(f'{NS}section') if s.get('id') == 'receipt')
    text = ' '.join(' '.join(receipt.itertext()).split())
    for expected in (
        'Repository clone',
        'HEAD work',
        'Default branch origin/main',
        'v1',
        'guard version',
        'Rules version',
    ):
        assert expected in text
    assert re.search(r'Commits \d', text) and 'from the store' in text


def test_a_remote_url_loses_its_password(planted: Planted, tmp_path: Path) -> None:
    password = random_body(24)
    git('remote', 'set-url', 'origin', f'https://deploy:{password}@git.example.test/acme/app.git', cwd=planted.repo)
    out = tmp_path / 'r.html'
    assert main(['scan-history', '-q', '--format', 'html', '--output', str(out)]) == 1
    text = out.read_text(encoding='utf-8')
    assert password not in text and 'https://git.example.test/acme/app.git' in text


def test_paths_and_authors_are_escaped(repo: Path, tmp_path: Path) -> None:
    write(repo / '<img src=x>.py', f'TOKEN = "{github_token()}"\n')
    git('add', '-A', cwd=repo)
    git('commit', '-q', '-m', 'x', '--author', 'Mallory "&" Co <x@example.test>', cwd=repo)
    out = tmp_path / 'r.html'
    assert main(['scan-history', '-q', '--format', 'html', '--output', str(out)]) == 1
    text = out.read_text(encoding='utf-8')
    assert '<img src=x>' not in text and '&lt;img src=x&gt;.py' in text
    assert 'Mallory &quot;&amp;&quot; Co &lt;x@example.test&gt;' in text
    parser, _ = parse(text)
    assert parser.errors == []


def test_scan_of_files_and_of_a_range_render_too(repo: Path, tmp_path: Path) -> None:
    write(repo / 'README', 'app\n')
    commit_all(repo, 'base')
    write(repo / 'app.py', f'TOKEN = "{github_token()}"\n')
    sha = commit_all(repo, 'add token')
    files, commits = tmp_path / 'files.html', tmp_path / 'range.html'
    assert main(['scan', '-q', '--format', 'html', '--output', str(files)]) == 1
    assert main(['scan', '-q', '--range', 'HEAD~1..HEAD', '--format', 'html', '--output', str(commits)]) == 1
    for out, where in ((files, 'in the files scanned'), (commits, 'in the commits scanned')):
        text = out.read_text(encoding='utf-8')
        parser, tree = parse(text)
        assert parser.errors == []
        assert [(rule, label) for rule, label, _ in rotate_order(tree)] == [('github-pat', where)]
    assert f'git rebase -i {sha[:12]}^' in commits.read_text(encoding='utf-8')


def test_a_clean_history_says_so(repo: Path, tmp_path: Path) -> None:
    write(repo / 'app.py', 'print("hello")\n')
    commit_all(repo)
    out = tmp_path / 'r.html'
    assert main(['scan-history', '-q', '--format', 'html', '--output', str(out)]) == 0
    text = out.read_text(encoding='utf-8')
    assert 'Nothing to rotate' in text and 'No env file was ever committed' in text
    assert parse(text)[0].errors == []


# ---- in a browser -----------------------------------------------------------------------------


@pytest.fixture
def chromium() -> str:
    """Asked for first, so a machine without the browser skips before building a history."""
    return browser.chromium()


def test_browser_shows_every_group_and_loads_nothing(
    chromium: str, report: Path, planted: Planted, tmp_path: Path
) -> None:
    dom, requests = browser.dump_dom(report, tmp_path / 'chromium')
    assert requests == []
    _, tree = parse(dom)
    listed = tree.find(f'.//{NS}section[@id="findings"]')
    shown = ' '.join(''.join(listed.itertext()).split())
    groups = json_groups(planted.repo)
    assert groups
    for group in groups:
        assert group['rule_id'] in shown
        assert group['preview'] in shown
    # the script ran (the CSP lets the page's own script run): the filters are shown and count
    form = tree.find(f'.//{NS}form[@id="filters"]')
    assert form is not None and form.get('hidden') is None
    assert re.search(r'\d+ of \d+ shown', shown)
    github = [label for rule, label, _ in rotate_order(tree) if rule == 'github-pat']
    assert github == ['still at HEAD', 'on the default branch', 'on other branches or tags', 'only in history']


def test_browser_filters_rows_from_the_address(chromium: str, report: Path, tmp_path: Path) -> None:
    dom, _ = browser.dump_dom(report, tmp_path / 'chromium', fragment='severity=critical&head=1')
    _, tree = parse(dom)
    rows = tree.findall(f'.//{NS}table[@id="all-findings"]/{NS}tbody/{NS}tr')
    shown = [r for r in rows if 'hidden' not in (r.get('class') or '').split()]
    assert shown and len(shown) < len(rows)
    assert all(r.get('data-severity') == 'critical' and r.get('data-head') == 'yes' for r in shown)
    hidden = [r for r in rows if r not in shown]
    assert all(r.get('data-severity') != 'critical' or r.get('data-head') != 'yes' for r in hidden)
    counter = tree.find(f'.//{NS}span[@id="shown"]')
    assert counter.text == f'{len(shown)} of {len(rows)} shown'


def test_the_request_check_sees_a_page_that_loads_something(chromium: str, tmp_path: Path) -> None:
    probe = write(tmp_path / 'probe.html', '<!DOCTYPE html><title>x</title><img src="https://probe.invalid/x.png">')
    _, requests = browser.dump_dom(probe, tmp_path / 'chromium')
    assert requests == ['https://probe.invalid/x.png']


def test_browser_screenshot_is_not_blank(chromium: str, report: Path, tmp_path: Path) -> None:
    shot = browser.screenshot(report, tmp_path / 'chromium', (800, 600))
    width, height, colours = browser.png_colours(shot)
    assert (width, height) == (800, 600)
    white = colours.get(b'\xff\xff\xff', 0)
    assert white < 0.97 * width * height, 'the screenshot is blank'
    assert len(colours) > 50, 'the screenshot has no text or colour'
