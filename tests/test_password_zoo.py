"""The zoo of leaked configs (issue 13), scored per planted credential by the installed `guard`:
every planted line is found, no quiet line is flagged (tests/password_zoo.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_guard, write
from tests.password_zoo import zoo


def test_every_planted_credential_of_the_zoo_is_found_and_no_quiet_line(tmp_path: Path) -> None:
    files = zoo()
    tree = tmp_path / 'zoo'
    for f in files:
        write(tree / f.path, f.text)
    result = run_guard('scan', '--no-gitignore', '--format', 'json', '-q', str(tree))
    assert result.returncode == 1, result.stderr
    flagged: dict[str, set[int]] = {}
    for finding in json.loads(result.stdout)['findings']:
        flagged.setdefault(Path(finding['path']).relative_to(tree).as_posix(), set()).add(finding['line'])
    missed = {f.path: sorted(set(f.planted()) - flagged.get(f.path, set())) for f in files}
    noise = {f.path: sorted(set(f.quiet()) & flagged.get(f.path, set())) for f in files}
    assert {p: m for p, m in missed.items() if m} == {}
    assert {p: n for p, n in noise.items() if n} == {}
    assert sum(len(f.planted()) for f in files) >= 30
