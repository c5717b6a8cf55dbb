"""Use cases as plain functions: options in, a Report out. No printing here."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guard.config import Config
from guard.detectors import build_detectors, check_disabled
from guard.detectors.base import Detector
from guard.errors import InputError
from guard.filters import partition
from guard.models import Finding, Receipt, Report
from guard.scanner import Scanner
from guard.sources import UNREADABLE, Source, Tally, never

if TYPE_CHECKING:
    from guard.checks.workspace import CheckOptions
    from guard.history.audit import Group
    from guard.history.scan import ChunkScan
    from guard.report.htmlview import RepoFacts
    from guard.sources.commits import Listing, Selection


def make_scanner(config: Config) -> Scanner:
    check_disabled(config.disabled_rules, config.extra_rules, config.source or 'config')
    detectors = build_detectors(config.disabled_rules, config.extra_rules)
    return Scanner([*detectors, *configured_detectors(config)], config.allow)


def configured_detectors(config: Config) -> list[Detector]:
    """Detectors the config switches on: detect-secrets' plugins (imported only when asked,
    it is slow to import) and the values of the developer's own env files."""
    extra: list[Detector] = []
    if 'detect-secrets' in config.detectors:
        from guard.detectors.ds_adapter import DetectSecretsDetector

        extra.append(DetectSecretsDetector())
    if config.own_secrets:
        from guard.own_secrets import own_secrets_detector

        own = own_secrets_detector(config)
        if own is not None:
            extra.append(own)
    from guard.detectors import narrowed

    return [d for detector in extra for d in narrowed(detector, config.disabled_rules)]


def finish(findings: Iterable[Finding], receipt: Receipt, config: Config) -> Report:
    """Apply the configured floors and split allowed findings from reported ones."""
    kept = [
        f
        for f in findings
        if f.severity >= config.min_severity
        and f.confidence >= config.min_confidence
        and f.rule_id not in config.disabled_rules  # the ids no detector makes (env-file-in-history)
    ]
    reported, suppressed = partition(kept)
    if not (config.baseline or config.require_allow_reason):
        return Report(findings=tuple(reported), suppressed=tuple(suppressed), receipt=receipt)
    # imported only when a baseline or a policy applies: most commits have neither, and the
    # module (json, its dataclasses) costs ~3 ms of the pre-commit hook's start-up
    from guard import baseline

    settled = baseline.settle(reported, suppressed, receipt, config)
    return Report(findings=settled.reported, suppressed=settled.suppressed, receipt=settled.receipt)


def scan(source: Source, config: Config, *, jobs: int | None = None) -> Report:
    """The source's fragments through the configured scanner (on `jobs` processes when the
    source splits into parts; default: guard.pool.workers()), with its receipt."""
    started = time.perf_counter()
    findings = collect(source, make_scanner(config), jobs)
    tally = source.tally
    receipt = Receipt(
        mode=source.mode,
        files=tally.files,
        commits=tally.commits,
        bytes=tally.bytes,
        skipped=tally.skipped,
        seconds=time.perf_counter() - started,
        notes=tally.notes(),
        empty=source.empty(),
        unreadable=tally.reasons.get(UNREADABLE, 0) if source.counts_unreadable else 0,
    )
    return finish(findings, receipt, config)


def collect(source: Source, scanner: Scanner, jobs: int | None = None) -> list[Finding]:
    """Every finding of the source, in its order; its parts (if any) on a fork pool, their
    tallies merged into the source's."""
    from guard.gate import Gate

    wanted = Gate(scanner.detectors)  # built on first use: the staged scan never asks
    if jobs is None or jobs > 1:
        from guard import pool

        jobs = pool.workers() if jobs is None else jobs
        parts = source.parts(jobs) if pool.can_fork() else ()
        if parts:

            def work(part: Source, tick: pool.Tick) -> tuple[list[Finding], Tally]:
                return list(scanner.scan_all(part.fragments(wanted))), part.tally

            findings: list[Finding] = []
            for found, tally in pool.ordered(parts, work, jobs):
                findings += found
                source.tally.merge(tally)
            return findings
    return list(scanner.scan_all(source.fragments(wanted)))


def scan_paths(paths: Sequence[str], config: Config, *, use_gitignore: bool = True) -> Report:
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        more = f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''
        raise InputError(f'{missing[0]}{more}: no such file or directory: check the path')
    from guard.sources.files import PathSource

    # allow.paths: never read, they are not to be scanned
    skip = config.allow.allows_path if config.allow.paths else never
    return scan(PathSource(paths, max_size=config.max_file_size, use_gitignore=use_gitignore, skip_path=skip), config)


def scan_stdin(data: bytes, name: str, config: Config) -> Report:
    from guard.sources.files import StdinSource

    return scan(
        StdinSource(data, name, max_size=config.max_file_size, skip_path=config.allow.allows_path), config, jobs=1
    )


# ---- git sources: staged, ranges, pre-push (guard/sources/), history (guard/history/) ----


def scan_staged(paths: Sequence[str], config: Config) -> Report:
    """Lines the next commit adds (pre-commit); files named but not staged are read whole."""
    from guard.sources.staged import StagedSource

    allowed = config.allow.allows_path if config.allow.paths else never
    return scan(StagedSource(paths, max_size=config.max_file_size, allowed=allowed), config, jobs=1)


def scan_range(spec: str, config: Config) -> Report:
    """Every commit of `A..B`: each commit's added lines and its message."""
    from guard.sources import commits

    return scan(commits.CommitSource(lambda: commits.range_commits(spec), f'scan --range {spec}'), config, jobs=1)


def scan_since(rev: str, config: Config) -> Report:
    from guard.sources import commits

    return scan(
        commits.CommitSource(lambda: commits.commits_between(rev, 'HEAD'), f'scan --since {rev}'), config, jobs=1
    )


def scan_pre_push(stdin_text: str, remote: str | None, config: Config) -> Report:
    """The commits a push sends: git's pre-push stdin, or pre-commit's FROM/TO refs."""
    from guard.sources import commits

    def select() -> commits.Selection:
        selection = commits.pre_commit_selection()
        return selection if selection is not None else commits.pre_push_commits(stdin_text, remote)

    return scan(commits.CommitSource(select, 'scan --pre-push'), config, jobs=1)


def scan_selection(selection: Selection, mode: str, config: Config) -> Report:
    """Commits already chosen (`guard ci`: what a new branch brings, see commits.new_commits)."""
    from guard.sources.commits import CommitSource

    return scan(CommitSource(lambda: selection, mode), config, jobs=1)


def rules_version(scanner: Scanner) -> str:
    """What decides findings, hashed: rule ids and patterns, other detectors, the allowlist."""
    from guard.history.store import rules_version as digest

    parts = [
        f'{d.id}\0{getattr(getattr(d, "rule", None), "pattern", type(d).__name__)}\0{",".join(sorted(d.reports))}'
        for d in scanner.detectors
    ]
    return digest([*sorted(parts), repr(scanner.allowlist)])


def scan_history(
    config: Config,
    *,
    branches: Sequence[str] = (),
    since: str | None = None,
    jobs: int = 0,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    keep_allowed: bool = False,
    chunk_scan: ChunkScan | None = None,
    listing: Listing | None = None,
) -> tuple[Report, tuple[Group, ...]]:
    """Every commit of every ref (or `branches`), findings grouped by fingerprint; the report
    holds each group's first occurrence. The groups are the reported ones, and with
    `keep_allowed` the allowed ones too (the report's `suppressed` says why each is).
    `listing`: the commits, when the caller started listing them already (it names the
    branches and `since` then)."""
    from guard.history.audit import audit
    from guard.sources.commits import history_listing

    started = time.perf_counter()
    listing = listing or history_listing(branches, since)
    scanner = make_scanner(config)
    result = audit(
        scanner,
        rules_version(scanner),
        listing,
        jobs=jobs,
        use_cache=use_cache,
        progress=progress,
        warn=warn,
        chunk_scan=chunk_scan,
    )
    cached = result.commits - result.scanned
    notes = [f'{result.refs} refs', f'{result.scanned} commits scanned, {cached} from the store']
    if result.binary:
        notes.append(f'{result.binary} binary skipped')
    notes += result.notes
    receipt = Receipt(
        mode='scan-history',
        files=result.files,
        commits=result.commits,
        bytes=result.bytes,
        skipped=result.binary,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
        empty='' if result.commits else 'no commits to scan',
    )
    report = finish([g.finding for g in result.groups], receipt, config)
    shown = {f.fingerprint for f in report.findings}
    if keep_allowed:
        shown |= {f.fingerprint for f in report.suppressed}
    return report, tuple(g for g in result.groups if g.finding.fingerprint in shown)


def audit_facts(
    config: Config, groups: Sequence[Group], *, branches: Sequence[str] = (), since: str | None = None
) -> RepoFacts:
    """What the HTML audit shows besides the groups: where each can still be seen (HEAD,
    the default branch, other refs, only history), commit dates, the repository."""
    from guard import auditfacts
    from guard.sources.commits import rev_list_args

    scanner = make_scanner(config)
    return auditfacts.gather(groups, scanner, rules_version(scanner), rev_list_args(branches, since))


def run_checks(names: Sequence[str], config: Config, options: CheckOptions | None = None) -> Report:
    """Config hygiene checks (gitignore, env-example, env-schema): one report, one exit code."""
    from guard.brief import clip
    from guard.checks import registry
    from guard.checks.workspace import CheckOptions, Workspace

    started = time.perf_counter()
    check_disabled(config.disabled_rules, config.extra_rules, config.source or 'config')
    workspace = Workspace(config, options or CheckOptions(), make_scanner=make_scanner)
    checks = registry()
    findings: list[Finding] = []
    notes: list[str] = []
    for name in names:
        result = checks[name](workspace)
        # a check's messages quote keys, values' sources and code: bounded here, whatever each
        # site does, with the end (where the fix is named) kept
        findings.extend(f._replace(message=clip(f.message, 400, tail=120)) for f in result.findings)
        notes.extend(clip(n, 600, tail=120) for n in result.notes)
    receipt = Receipt(
        mode=f'check {"+".join(names)}',
        files=workspace.read_files,
        bytes=workspace.read_bytes,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )
    return finish(findings, receipt, config)


def env_example(config: Config, schema: Path | None = None, settings: str | None = None) -> str:
    """The text of a documented .env.example written from the env schema or a settings class."""
    from guard.checks import settings_class
    from guard.checks.env_schema import example_text, schema_path, settings_example_text
    from guard.checks.schema_model import load_schema
    from guard.checks.workspace import CheckOptions, Workspace
    from guard.errors import UsageError

    if schema is not None and settings:
        raise UsageError('pass either --schema or --settings, not both')
    workspace = Workspace(config, CheckOptions(schema=schema, settings=settings), make_scanner=make_scanner)
    ref = settings or (None if schema is not None else workspace.env.settings)
    if ref:
        answer = settings_class.probe(ref, settings_class.app_directory(workspace, ref), {}, 'describe')
        return settings_example_text(ref, answer['fields'])
    path = schema_path(workspace)
    if path is None:
        raise UsageError(
            'no env.schema.yaml here: pass --schema FILE or --settings module:Class, '
            'or set env.schema / env.settings in .guard.yaml'
        )
    return example_text(load_schema(path, workspace.relative(path)))


def mask_files(paths: Sequence[str], config: Config, write: Callable[[bytes], object]) -> Receipt:
    """`guard mask`: the files (stdin for none, or for '-') to `write` with every secret masked,
    as their lines come (guard/mask/stream.py)."""
    import contextlib
    import sys
    from collections.abc import Iterator
    from typing import BinaryIO

    from guard.mask.context import run_time_detectors
    from guard.mask.engine import Masker
    from guard.mask.stream import mask_bytes, read_chunks

    for path in paths:
        # not isfile: /dev/stdin, a named pipe and bash's <(kubectl logs -f …) are files to read too
        if path != '-' and not os.path.exists(path):
            raise InputError(f'{path}: no such file: name files that exist, or none to mask standard input')
    started = time.perf_counter()
    detectors = build_detectors(config.disabled_rules, config.extra_rules)
    masker = Masker(run_time_detectors([*detectors, *configured_detectors(config)]))
    tally = {'bytes': 0}

    def counted(path: str, stream: BinaryIO) -> Iterator[bytes]:
        chunks = read_chunks(stream)
        while True:
            try:
                chunk = next(chunks, b'')
            except OSError as e:  # reading only: a write error (the reader of stdout gone) is no input's
                raise InputError(f'{path}: cannot read: {e.strerror}') from None
            if not chunk:
                return
            tally['bytes'] += len(chunk)
            yield chunk

    masked = failed = 0
    for path in paths or ('-',):
        try:
            opened = open(path, 'rb') if path != '-' else contextlib.nullcontext(sys.stdin.buffer)  # noqa: SIM115
        except OSError as e:
            raise InputError(f'{path}: cannot read: {e.strerror}') from None
        with opened as stream:
            result = mask_bytes(masker, counted(path, stream), write)
        masked += result.masked
        failed += result.failed
    notes = [f'{masked} secrets masked']
    if failed:
        notes.append(f'{failed} blocks withheld: masking failed')
    return Receipt(
        mode='mask',
        files=len(paths),
        bytes=tally['bytes'],
        skipped=failed,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )
