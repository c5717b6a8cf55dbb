"""The unified-diff parser, on hand-written patches and on what real git prints."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from guard.models import Commit
from guard.sources.diff import c_unquote, diff_git_headers, diff_git_lines, diff_git_paths, file_changes, parse_patch
from tests.conftest import commit_all, git, write

DIFF = ['diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/']


def staged_patch(repo: Path) -> str:
    out = subprocess.run(['git', *DIFF], cwd=repo, capture_output=True, check=True).stdout
    return out.decode('utf-8', 'surrogateescape')


def test_hunks_give_added_lines_with_new_side_numbers() -> None:
    patch = parse_patch(
        'diff --git a/app.py b/app.py\n'
        'index 1111111..2222222 100644\n'
        '--- a/app.py\n'
        '+++ b/app.py\n'
        '@@ -2 +2,2 @@ def main():\n'
        '-old\n'
        '+new one\n'
        '+new two\n'
        '@@ -9,0 +11 @@ class Heading:\n'
        '+added at eleven\n'
        '\\ No newline at end of file\n'
    )
    assert [(f.path, f.start_line, f.text) for f in patch.fragments] == [
        ('app.py', 2, 'new one\nnew two'),
        ('app.py', 11, 'added at eleven'),
    ]
    assert patch.files[0].path == 'app.py'


def test_context_lines_split_runs_and_count_on_the_new_side() -> None:
    patch = parse_patch(
        'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,3 +1,5 @@\n keep\n+first\n keep2\n-gone\n+second\n+third\n'
    )
    assert [(f.start_line, f.text) for f in patch.fragments] == [(2, 'first'), (4, 'second\nthird')]


def test_content_that_looks_like_headers_stays_content() -> None:
    patch = parse_patch(
        'diff --git a/a b/a\n--- a/a\n+++ b/a\n'
        '@@ -1 +1,3 @@\n'
        '--- a/decoy\n'
        '++++ b/decoy\n'
        '+diff --git a/x b/x\n'
        '+@@ -1 +1 @@\n'
    )
    assert [(f.path, f.text) for f in patch.fragments] == [('a', '+++ b/decoy\ndiff --git a/x b/x\n@@ -1 +1 @@')]


def test_deleted_file_gives_no_fragment_and_binary_is_counted() -> None:
    patch = parse_patch(
        'diff --git a/old.txt b/old.txt\ndeleted file mode 100644\nindex 1..0\n--- a/old.txt\n+++ /dev/null\n'
        '@@ -1 +0,0 @@\n-bye\n'
        'diff --git a/x.bin b/x.bin\nnew file mode 100644\nindex 0..1\n'
        'Binary files /dev/null and b/x.bin differ\n'
        'diff --git a/m b/m\nold mode 100644\nnew mode 100755\n'
    )
    assert patch.fragments == ()
    assert [(f.path, f.deleted, f.binary, f.added) for f in patch.files] == [
        ('old.txt', True, False, False),
        ('x.bin', False, True, True),
        ('m', False, False, False),
    ]
    assert patch.binary == 1


def test_commit_is_carried_by_fragments() -> None:
    commit = Commit('abc', 'A <a@x>', '2024-01-01T00:00:00+00:00')
    patch = parse_patch('diff --git a/a b/a\n--- /dev/null\n+++ b/a\n@@ -0,0 +1 @@\n+x\n', commit)
    assert patch.fragments[0].commit == commit
    assert patch.files[0].added


def test_c_unquote() -> None:
    assert c_unquote('"a\\tb\\n\\303\\251\\"q\\\\"') == 'a\tb\né"q\\'
    assert c_unquote('plain name') == 'plain name'
    assert c_unquote('"\\377"').encode('utf-8', 'surrogateescape') == b'\xff'


def test_diff_git_paths_variants() -> None:
    assert diff_git_paths('a/x y.txt b/x y.txt') == ('x y.txt', 'x y.txt')
    assert diff_git_paths('"a/n\\nl" "b/n\\nl"') == ('n\nl', 'n\nl')
    assert diff_git_paths('a/old "b/n\\tw"') == ('old', 'n\tw')
    assert diff_git_paths('a/old b/new') == ('old', 'new')


def test_real_git_odd_names_and_renames(repo: Path) -> None:
    write(repo / 'keep.txt', 'one\ntwo\nthree\nfour\nfive\nsix\n')
    commit_all(repo)
    names = ['with space.txt', 'new\nline.txt', 'é-ü.txt', 'tab\there.txt']
    for name in names:
        write(repo / name, f'hello {name!r}\n')
    git('mv', 'keep.txt', 'moved dir.txt')
    git('add', '-A')
    patch = parse_patch(staged_patch(repo))
    assert sorted(f.path for f in patch.fragments) == sorted(names)
    assert {f.path: f.text for f in patch.fragments}['new\nline.txt'] == "hello 'new\\nline.txt'"
    renamed = [f for f in patch.files if f.old_path == 'keep.txt']
    assert [r.path for r in renamed] == ['moved dir.txt']


def test_real_git_no_newline_at_end(repo: Path) -> None:
    (repo / 'a.txt').write_bytes(b'x\ny')
    git('add', 'a.txt')
    patch = parse_patch(staged_patch(repo))
    assert [(f.start_line, f.text) for f in patch.fragments] == [(1, 'x\ny')]


def test_file_changes_reads_only_headers() -> None:
    text = (
        'diff --git a/.env b/.env\ndeleted file mode 100644\n--- a/.env\n+++ /dev/null\n@@ -1 +0,0 @@\n-K=v\n'
        'diff --git a/x b/.env.prod\nsimilarity index 100%\nrename from x\nrename to .env.prod\n'
        'diff --git "a/\\303\\251" "b/\\303\\251"\nnew file mode 100644\n'
    )
    assert [(c.path, c.old_path, c.added, c.deleted) for c in file_changes(text)] == [
        ('.env', '.env', False, True),
        ('.env.prod', 'x', False, False),
        ('é', 'é', True, False),
    ]


@pytest.mark.parametrize(
    'text',
    [
        '',
        'diff --git a/x b/x\n+diff --git not a header\n',
        'x\ndiff --git a/y b/y\nfoo\ndiff --git a/z b/z',
        'diff --git a/q b/q',
        ' diff --git a/x b/x\n',
        '\ndiff --git a b\n\ndiff --git c d\n',
        'diff --git \n',
    ],
)
def test_diff_git_lines_match_a_multiline_regex(text: str) -> None:
    assert diff_git_lines(text) == re.findall(r'^diff --git (.*)$', text, re.MULTILINE)
    assert diff_git_headers(text.encode()) == [h.encode() for h in diff_git_lines(text)]
