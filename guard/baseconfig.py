"""The settings a range is judged by: those of its base commit, and what the range loosens.

A pull request's own `.guard.yaml` cannot be trusted to scan that pull request: one that
adds `allow: paths: ["**"]` with a token would pass. So `guard ci` on a pull request (and
`guard scan --range A..B --config-from A`) reads the config, its extra rules file and the
baseline as they are at the base commit, and reports each change the range makes to them
that lets more through as a `config-changed` finding, for the reviewer to see. Inline
`guard:allow` stays the visible way to accept a line. A file no commit brought (untracked:
a workflow step wrote it) is used as it is.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from guard.config import CONFIG_FILE, Config, load_config
from guard.errors import ConfigError, GuardError
from guard.models import Finding, Severity

CHANGED_RULE = 'config-changed'
DEFAULT_BASELINE = '.guard-baseline.json'
CANDIDATES = (CONFIG_FILE, 'pyproject.toml')


class Judged(NamedTuple):
    config: Config  # the base commit's, its baseline (if any) at `config.baseline`
    findings: tuple[Finding, ...]  # config-changed: what the range loosens


@contextlib.contextmanager
def judged_by(
    rev: str, head: Config, *, config_path: Path | None = None, baseline: Path | None = None
) -> Iterator[Judged]:
    """The base commit's settings (files copied to a temporary directory for the run) and the
    loosenings of `head` (the settings as checked out) against them. `baseline`: a baseline
    file named on the command line, read as of the base commit too."""
    from guard import git

    top = git.toplevel(Path.cwd()) or Path.cwd()
    with tempfile.TemporaryDirectory(prefix='guard-base-') as scratch:
        root = Path(scratch)
        rel = _config_at(rev, top, root, head, config_path)
        base = load_config(root / rel) if rel else Config(root=root)
        base = base._replace(source=f'{rev[:12]}:{rel}' if rel else '')
        named = _relative(baseline, top) if baseline is not None else ''
        base_baseline = _baseline_at(rev, top, root, base, rel, named)
        head_baseline = baseline if baseline is not None and baseline.is_file() else _head_baseline(head)
        loosenings = loosened(base, head)
        findings = [_finding(rel or CONFIG_FILE, '; '.join(loosenings))] if loosenings else []
        findings += [_finding(r, what) for r, what in _baseline_loosened(root, base_baseline, top, head_baseline)]
        config = base._replace(root=top, baseline=str(root / base_baseline) if base_baseline else None)
        yield Judged(config, tuple(findings))


def _config_at(rev: str, top: Path, root: Path, head: Config, config_path: Path | None) -> str:
    """Copy the base commit's config (and its extra rules file) under `root`; its path, '' for none."""
    if config_path is not None:
        candidates: list[str] = [_relative(config_path, top)]
    else:
        named = [_relative(Path(head.source), top)] if head.source else []
        candidates = [*named, *(c for c in CANDIDATES if c not in named)]
    for rel in candidates:
        text = _show(rev, rel) or _untracked(top, rel)
        if text is None or (rel.endswith('pyproject.toml') and '[tool.guard' not in text):
            continue
        _put(root / rel, text)
        extra = _extra_rules_file(text, rel)
        if extra:
            extra_text = _show(rev, extra)
            if extra_text is not None:
                _put(root / extra, extra_text)
        return rel
    return ''


def _extra_rules_file(text: str, rel: str) -> str:
    """The repository path of `rules.extra` when it names a file."""
    try:
        if rel.endswith('pyproject.toml'):
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - Python 3.10
                import tomli as tomllib

            data = tomllib.loads(text).get('tool', {}).get('guard', {})
        else:
            from guard import yamlio

            data = yamlio.load(text, rel)
    except Exception:  # load_config reports what is wrong with it
        return ''
    rules = data.get('rules') if isinstance(data, Mapping) else None
    extra = rules.get('extra') if isinstance(rules, Mapping) else None
    return os.path.normpath(os.path.join(os.path.dirname(rel), extra)) if isinstance(extra, str) else ''


def _baseline_at(rev: str, top: Path, root: Path, base: Config, rel: str, named: str) -> str:
    """Copy the base commit's baseline under `root`: its path there, '' when it had none."""
    where = os.path.dirname(rel)
    name = named or os.path.normpath(os.path.join(where, base.baseline or DEFAULT_BASELINE))
    text = _show(rev, name) or _untracked(top, name)
    if text is None:
        if named and not (top / named).exists():
            raise ConfigError(f'{named}: baseline file not found: create it with `guard baseline create`')
        return ''
    _put(root / name, text)
    return name


def _head_baseline(head: Config) -> Path | None:
    path = Path(head.baseline) if head.baseline else head.root / DEFAULT_BASELINE
    path = path if path.is_absolute() else head.root / path
    return path if path.is_file() else None


def _untracked(top: Path, rel: str) -> str | None:
    """A file of the checkout that no commit brought (a workflow step wrote it): trusted as
    it is. A tracked one is read from the base commit only, whatever the checkout holds."""
    from guard import git

    path = top / rel
    if not path.is_file() or git.tracked([rel], top):
        return None
    try:
        return path.read_text(encoding='utf-8')
    except (OSError, UnicodeDecodeError):
        return None


def _show(rev: str, rel: str) -> str | None:
    from guard import git

    data = git.cat_files([f'{rev}:{rel}']).get(f'{rev}:{rel}')
    return None if data is None else data.decode('utf-8', 'replace')


def _put(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')


def _relative(path: Path, top: Path) -> str:
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def loosened(base: Config, head: Config) -> list[str]:
    """Each way `head` lets through what `base` would report."""
    out = []
    disabled = sorted(head.disabled_rules - base.disabled_rules)
    if disabled:
        out.append(f'disables rules {", ".join(disabled)}')
    for name in ('paths', 'regexes', 'stopwords'):
        added = [x for x in getattr(head.allow, name) if x not in getattr(base.allow, name)]
        if added:
            out.append(f'allows {name} {", ".join(repr(x) for x in added)}')
    if head.min_severity > base.min_severity:
        out.append(f'raises rules.min_severity to {head.min_severity}')
    if head.min_confidence > base.min_confidence:
        out.append(f'raises rules.min_confidence to {head.min_confidence}')
    base_extra = {r.id: r for r in base.extra_rules}
    head_extra = {r.id: r for r in head.extra_rules}
    dropped = sorted(set(base_extra) - set(head_extra))
    if dropped:
        out.append(f'drops extra rules {", ".join(dropped)}')
    changed = sorted(i for i in base_extra.keys() & head_extra.keys() if base_extra[i] != head_extra[i])
    if changed:
        out.append(f'changes extra rules {", ".join(changed)}')
    if head.max_file_size < base.max_file_size:
        out.append(f'lowers max_file_size to {head.max_file_size} bytes (larger files go unscanned)')
    gone = [d for d in base.detectors if d not in head.detectors]
    if gone:
        out.append(f'drops detectors {", ".join(gone)}')
    if base.own_secrets and not head.own_secrets:
        out.append('turns own_secrets off')
    if base.require_allow_reason and not head.require_allow_reason:
        out.append('turns require_allow_reason off')
    if base.fail_on_empty and not head.fail_on_empty:
        out.append('turns fail_on_empty off')
    return out


def _baseline_loosened(root: Path, base_rel: str, top: Path, head_path: Path | None) -> list[tuple[str, str]]:
    """(file, what) for baseline entries the range adds."""
    from guard import baseline as bl

    if head_path is None:
        return []
    rel = _relative(head_path, top)
    try:
        head = bl.read(head_path)
    except GuardError as e:
        return [(rel, f'does not load ({e})')]
    try:
        base = bl.read(root / base_rel) if base_rel else bl.Baseline(salt=head.salt)
    except GuardError:
        base = bl.Baseline(salt=head.salt)
    if base.entries and base.salt != head.salt:
        return [(rel, f'changes the salt: all {len(head.entries)} entries are new')]
    added = sorted({e.fingerprint for e in head.entries} - {e.fingerprint for e in base.entries})
    if not added:
        return []
    shown = ', '.join(added[:5]) + (f' and {len(added) - 5} more' if len(added) > 5 else '')
    return [(rel, f'adds {len(added)} baseline entries: {shown}')]


def _finding(path: str, what: str) -> Finding:
    return Finding(
        rule_id=CHANGED_RULE,
        severity=Severity.HIGH,
        message=(
            f"this change loosens {path}: {what}; the scan used the base commit's settings "
            '(review the change; accept single lines inline with guard:allow)'
        ),
        path=path,
        line=None,
    )
