"""The Detector protocol has no optional members: each detector declares its id, keywords,
the rule ids it reports and whether it reads only some files, and nothing probes for them."""

from __future__ import annotations

import ast
from pathlib import Path

from guard.detectors import build_detectors, narrowed
from guard.detectors.base import Detector
from guard.detectors.connstrings import CredentialFileDetector
from guard.detectors.ds_adapter import DetectSecretsDetector
from guard.detectors.hashes import HashFileDetector
from guard.mask.context import run_time_detectors

GUARD = Path(__file__).resolve().parent.parent / 'guard'
MEMBERS = ('id', 'keywords', 'reports', 'accepts_path', 'detect')


def every_detector() -> list[Detector]:
    return [*run_time_detectors(build_detectors()), DetectSecretsDetector()]


def test_every_detector_declares_every_member() -> None:
    for detector in every_detector():
        missing = [m for m in MEMBERS if m not in dir(detector)]
        assert missing == [], f'{type(detector).__name__} lacks {missing}'
        assert detector.accepts_path is None or callable(detector.accepts_path)
        assert all(isinstance(k, str) for k in detector.reports)


def test_only_the_file_name_detectors_read_some_files() -> None:
    gated = {type(d).__name__ for d in every_detector() if d.accepts_path is not None}
    assert gated == {CredentialFileDetector.__name__, HashFileDetector.__name__}
    for detector in every_detector():
        if detector.accepts_path is not None:
            assert not detector.keywords  # a keyword prefilter already says when it runs


def test_a_narrowed_detector_keeps_its_file_filter() -> None:
    files = CredentialFileDetector()
    one_id = next(iter(files.reports))
    kept = narrowed(files, frozenset({one_id})) if len(files.reports) > 1 else [files]
    assert all(d.accepts_path is not None and d.accepts_path('.pgpass') == files.accepts_path('.pgpass') for d in kept)


def test_nothing_probes_a_detector_for_members() -> None:
    probes = []
    for path in GUARD.rglob('*.py'):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ('getattr', 'hasattr')
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in (*MEMBERS, 'rule')
            ):
                probes.append(f'{path.relative_to(GUARD.parent)}:{node.lineno}')
    assert probes == []
