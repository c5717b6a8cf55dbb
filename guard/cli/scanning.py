"""What `guard scan` does once its options are parsed, whichever parser parsed them:
click (guard/cli/scan.py) or the pre-commit fast path (guard/cli/fastpath.py)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from guard.cli import say
from guard.cli.options import Suppression
from guard.errors import COULD_NOT_CHECK, UsageError
from guard.models import Report

if TYPE_CHECKING:
    from guard.config import Config


class ScanArgs(NamedTuple):
    """`guard scan`'s options (a NamedTuple for the reason guard/cli/options.py gives)."""

    paths: tuple[str, ...] = ()
    use_stdin: bool = False
    stdin_name: str = '<stdin>'
    no_gitignore: bool = False
    staged: bool = False
    commit_range: str | None = None
    since: str | None = None
    pre_push: bool = False
    fmt: str = 'text'
    output: Path | None = None
    config_path: Path | None = None
    quiet: bool = False
    fail_on_empty: bool = False
    skip_unreadable: bool = False
    config_from: str | None = None
    suppression: Suppression = Suppression()


def scan_args(params: Mapping[str, Any]) -> ScanArgs:
    """`scan`'s parameters, by the names click gives them (those left out keep their
    defaults), as ScanArgs: click's command and the fast path both build them here."""
    rest = dict(params)
    suppression = Suppression.pop_from(rest)
    return ScanArgs(**rest, suppression=suppression)


def run_scan(args: ScanArgs) -> int:
    from guard.cli.output import emit
    from guard.config import load_config

    modes = [
        name
        for name, on in (
            ('--stdin', args.use_stdin),
            ('--staged', args.staged),
            ('--range', args.commit_range),
            ('--since', args.since),
            ('--pre-push', args.pre_push),
        )
        if on
    ]
    if len(modes) > 1:
        raise UsageError(f'{" and ".join(modes)} cannot be combined: pick one')
    if (args.commit_range or args.since) and args.paths:
        raise UsageError(f'{modes[0]} scans commits, not paths: drop {args.paths[0]!r}')
    loaded = load_config(args.config_path)
    if args.config_from is not None:
        if not (args.commit_range or args.since):
            raise UsageError('--config-from judges commits by a base commit: use it with --range or --since')
        report = _scan_judged_by(args, loaded, args.config_from)
    else:
        report = _scan(args, args.suppression.apply(loaded))
        report = args.suppression.noted(report, loaded)
    code = emit(report, args.fmt, args.output, args.quiet)
    return vacuous_exit(report, code, fail_on_empty=args.fail_on_empty or loaded.fail_on_empty) or (
        unreadable_exit(report, code, skip=args.skip_unreadable)
    )


def _scan_judged_by(args: ScanArgs, loaded: Config, rev: str) -> Report:
    """The commits judged by `rev`'s config, extra rules and baseline, and what they loosen."""
    from guard import api

    baseline = args.suppression.baseline
    with api.base_settings(rev, loaded, config_path=args.config_path, baseline=baseline) as judged:
        config = judged.config._replace(fingerprint_key=args.suppression.fingerprint_key)
        return api.with_findings(_scan(args, config), judged.findings, f'settings from {rev}')


def _scan(args: ScanArgs, config: Config) -> Report:
    from guard import api

    if config.report_unused or config.fail_on_unused:
        config = config._replace(unused_scope=_unused_scope(args))
    paths = args.paths
    if args.staged:
        return api.scan_staged(paths, config)
    if args.commit_range:
        return api.scan_range(args.commit_range, config)
    if args.since:
        return api.scan_since(args.since, config)
    if args.pre_push:
        stdin = '' if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
        return api.scan_pre_push(stdin, paths[0] if paths else None, config)
    if args.use_stdin:
        # read no more than the cap and one byte: `< /dev/zero` is endless (api.scan_stdin cuts it)
        return api.scan_stdin(sys.stdin.buffer.read(config.max_file_size + 1), args.stdin_name, config)
    return api.scan_paths(paths or ('.',), config, use_gitignore=not args.no_gitignore)


def vacuous_exit(report: Report, code: int, *, fail_on_empty: bool) -> int:
    """Exit 2 for a run that scanned nothing when it must not pass vacuously, else `code`."""
    if fail_on_empty and report.receipt.empty:
        say(f'guard: nothing was scanned ({report.receipt.empty}), and --fail-on-empty makes that a failure')
        return COULD_NOT_CHECK
    return code


def unreadable_exit(report: Report, code: int, *, skip: bool) -> int:
    """Exit 2 when files or directories could not be read (named in the receipt), unless skipped."""
    count = report.receipt.unreadable
    if count and not skip:
        say(
            f'guard: {count} unreadable file(s) or directories were not scanned (named in the receipt): '
            'fix their permissions, or pass --skip-unreadable to scan the rest and go on'
        )
        return COULD_NOT_CHECK
    return code


def _unused_scope(args: ScanArgs) -> tuple[str, ...]:
    from guard import api

    return api.unused_scope(
        args.paths,
        staged=args.staged,
        commits=bool(args.commit_range or args.since or args.pre_push),
        stdin_name=args.stdin_name if args.use_stdin else None,
    )
