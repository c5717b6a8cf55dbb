"""Use cases as plain functions: options in, a Report out. No printing here."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from guard.config import Config
from guard.detectors import build_detectors, check_disabled
from guard.detectors.base import Detector
from guard.errors import GuardError, InputError
from guard.filters import partition
from guard.fingerprint import KEY_ENV, Keyring
from guard.models import Finding, Receipt, Report
from guard.scanner import Scanner
from guard.sources import UNREADABLE, Source, Tally, never

if TYPE_CHECKING:
    from guard.audit.engine import OrgAudit
    from guard.baseconfig import Judged
    from guard.baseline import Baseline, DetectSecretsEntry
    from guard.checks.workspace import CheckOptions
    from guard.ci.github import Plan
    from guard.history.audit import Group
    from guard.history.scan import ChunkScan
    from guard.report.htmlview import RepoFacts
    from guard.sources.commits import Listing, Selection


def make_scanner(config: Config, keyring: Keyring | None = None) -> Scanner:
    check_disabled(config.disabled_rules, config.extra_rules, config.source or 'config')
    detectors = build_detectors(config.disabled_rules, config.extra_rules)
    return Scanner([*detectors, *configured_detectors(config)], config.allow, keyring or make_keyring(config))


def make_keyring(config: Config) -> Keyring:
    """The repository's salt (looked up on the first finding) and the organisation's key."""
    return Keyring(lambda: repository_salt(config), config.fingerprint_key or os.environ.get(KEY_ENV, ''))


def repository_salt(config: Config) -> str:
    """The configured baseline's salt, so its entries match; else the one in .git/guard/."""
    if config.baseline:
        from guard import baseline

        salt = baseline.salt_of(baseline.baseline_path(config.root, config.baseline))
        if salt:
            return salt
    return local_salt()


def local_salt() -> str:
    from guard import git
    from guard.errors import GuardError
    from guard.fingerprint import UNSALTED, store_salt

    try:
        return store_salt(git.common_dir() / 'guard') or UNSALTED
    except (GuardError, OSError):
        # not a repository, or a read-only one: the shared salt (still scrypt for passwords),
        # so runs agree with each other and a run's worker processes with one another
        return UNSALTED


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


def scan(source: Source, config: Config, *, jobs: int | None = None, keyring: Keyring | None = None) -> Report:
    """The source's fragments through the configured scanner (on `jobs` processes when the
    source splits into parts; default: guard.pool.workers()), with its receipt. `keyring`:
    what seals fingerprints, when not the repository's (baseline create/update)."""
    started = time.perf_counter()
    findings = collect(source, make_scanner(config, keyring), jobs)
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


def scan_paths(
    paths: Sequence[str], config: Config, *, use_gitignore: bool = True, keyring: Keyring | None = None
) -> Report:
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        more = f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''
        raise InputError(f'{missing[0]}{more}: no such file or directory: check the path')
    from guard.sources.files import PathSource

    # allow.paths: never read, they are not to be scanned
    skip = config.allow.allows_path if config.allow.paths else never
    source = PathSource(paths, max_size=config.max_file_size, use_gitignore=use_gitignore, skip_path=skip)
    return scan(source, config, keyring=keyring)


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


# ---- baseline create / update ----------------------------------------------------------------


class BaselineWritten(NamedTuple):
    path: Path
    baseline: Baseline
    added: int = 0
    removed: int = 0
    migrated: bool = False  # the file was version 1
    not_accepted: int = 0  # findings the imported detect-secrets baseline did not accept
    not_imported: tuple[DetectSecretsEntry, ...] = ()  # its entries that match no finding


def create_baseline(
    paths: Sequence[str],
    config: Config,
    *,
    output: Path | None = None,
    use_gitignore: bool = True,
    detect_secrets_file: Path | None = None,
) -> BaselineWritten:
    """Scan and accept every finding (or those a detect-secrets baseline accepted)."""
    from guard import baseline as bl

    config, target = _baseline_setup(config, output)
    keyring = Keyring(bl.salt_of(target) or _baseline_salt(), bl.fingerprint_key(config))
    report = scan_paths(paths or ('.',), config, use_gitignore=use_gitignore, keyring=keyring)
    not_accepted = 0
    not_imported: tuple[DetectSecretsEntry, ...] = ()
    if detect_secrets_file is None:
        entries = [bl.entry_for(f) for f in report.findings]
    else:
        imported = bl.import_detect_secrets(bl.read_detect_secrets(detect_secrets_file), report.findings)
        entries, not_imported = imported.entries, tuple(imported.unmatched)
        accepted = bl.Baseline(tuple(entries), salt=keyring.salt)
        not_accepted = sum(accepted.match(f) is None for f in report.findings)
    written = bl.Baseline(bl.canonical(entries), salt=keyring.salt, key_check=keyring.key_check())
    bl.write(target, written)
    return BaselineWritten(target, written, not_accepted=not_accepted, not_imported=not_imported)


def update_baseline(
    paths: Sequence[str], config: Config, *, output: Path | None = None, use_gitignore: bool = True
) -> BaselineWritten:
    """Rescan: add new findings, drop entries that match nothing, keep confirmed flags; a
    version 1 file is rewritten in the current format (its salt made here, once)."""
    from guard import baseline as bl

    config, target = _baseline_setup(config, output)
    old = bl.read(target)
    if old.key_check and not bl.fingerprint_key(config):  # its entries would all look new
        bl.check_key(old, config, target)
    keyring = Keyring(old.salt or _baseline_salt(), bl.fingerprint_key(config))
    report = scan_paths(paths or ('.',), config, use_gitignore=use_gitignore, keyring=keyring)
    entries = []
    for finding in report.findings:
        known = old.match(finding)
        entries.append(bl.entry_for(finding, confirmed=known is not None and known.confirmed))
    new = bl.Baseline(bl.canonical(entries), salt=keyring.salt, key_check=keyring.key_check())
    before = {e.fingerprint for e in old.entries}
    after = {e.fingerprint for e in new.entries}
    bl.write(target, new)
    migrated = old.version != new.version
    added = len(new.entries) if migrated else len(after - before)
    removed = len(old.entries) if migrated else len(before - after)
    return BaselineWritten(target, new, added=added, removed=removed, migrated=migrated)


def _baseline_salt() -> str:
    """The repository's salt for a new baseline; a fresh random one where it has none."""
    from guard.fingerprint import UNSALTED, new_salt

    salt = local_salt()
    return new_salt() if salt == UNSALTED else salt


def _baseline_setup(config: Config, output: Path | None) -> tuple[Config, Path]:
    from guard import baseline as bl

    if output is None:
        output = bl.baseline_path(config.root, config.baseline) if config.baseline else Path(bl.BASELINE_FILE)
    # The scan that makes a baseline must see everything, so no baseline and no policies apply
    # to it; values of the developer's own env files are to be removed, never accepted (and their
    # hashes do not belong in a shared file).
    return config._replace(baseline=None, require_allow_reason=False, own_secrets=False), output


# ---- settings from a base commit (guard ci on a pull request, scan --config-from) ------------


def base_settings(
    rev: str, head: Config, *, config_path: Path | None = None, baseline: Path | None = None
) -> contextlib.AbstractContextManager[Judged]:
    """The config, extra rules and baseline as of `rev`, and config-changed findings for what
    `head` (the checked-out settings) loosens: see guard/baseconfig.py."""
    from guard import baseconfig

    return baseconfig.judged_by(rev, head, config_path=config_path, baseline=baseline)


def with_findings(report: Report, findings: Sequence[Finding], note: str) -> Report:
    receipt = report.receipt._replace(notes=(*report.receipt.notes, note))
    return report._replace(findings=(*findings, *report.findings), receipt=receipt)


def rules_version(scanner: Scanner) -> str:
    """What decides findings, hashed: rule ids and patterns, other detectors, the allowlist."""
    from guard.detectors.rules import RuleDetector
    from guard.history.store import rules_version as digest
    from guard.own_secrets import OwnSecretsDetector

    # a rule's pattern; the own-secrets detector's digest of the values it looks for (`rule`
    # too, so a rotated .env value invalidates the store); other detectors: their code
    versioned = (RuleDetector, OwnSecretsDetector)
    parts = [
        f'{d.id}\0{d.rule.pattern if isinstance(d, versioned) else type(d).__name__}\0{",".join(sorted(d.reports))}'
        for d in scanner.detectors
    ]
    # the keyring too: the store holds digests it sealed
    return digest([*sorted(parts), repr(scanner.allowlist), scanner.keyring.identity()])


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
    if _old_baseline(config):  # the store keeps no plain digests, which version 1 entries need
        use_cache = False
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


def _old_baseline(config: Config) -> bool:
    if not config.baseline:
        return False
    from guard import baseline

    try:
        return baseline.read(baseline.baseline_path(config.root, config.baseline)).version == 1
    except GuardError:
        return False  # finish() reports it


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


def install_hooks(*, pre_push: bool, force: bool, hooks_path: str | None, say: Callable[[str], object]) -> None:
    """`guard install`: guard/install.py says what it changes and how uninstall undoes it."""
    from guard import install

    install.install(pre_push, force, hooks_path, say)


def uninstall_hooks() -> list[str]:
    from guard import install

    return install.uninstall()


def ci_plan(mode: str) -> tuple[Plan, bool]:
    """`guard ci`: what this GitHub Actions event brings (mode auto|pr|push|full), made present
    in the checkout (guard/ci/github.py), and whether it is a pull request's range, which is
    judged by the base commit's settings, not by the ones the pull request brings."""
    from guard.ci import github

    event, payload = github.environment()
    plan = github.resolve(github.plan(event, payload, mode))
    return plan, plan.kind == 'range' and (event in github.PR_EVENTS or mode == 'pr')


def scan_ci(plan: Plan, config: Config) -> Report:
    if plan.kind == 'range':
        return scan_range(plan.spec, config)
    if plan.kind == 'commits' and plan.selection is not None:
        return scan_selection(plan.selection, f'ci {plan.spec}', config)
    if plan.kind == 'history':
        report, _groups = scan_history(config, branches=(plan.head,) if plan.head else ())
        return report
    return finish([], Receipt(mode='ci', notes=(plan.note,)), config)


def unused_scope(paths: Sequence[str], *, staged: bool, commits: bool, stdin_name: str | None) -> tuple[str, ...]:
    """What a scan reads whole, where a baseline entry nothing matched is really unused
    (guard/baseline.py says why, and what pre-commit's batches make of it)."""
    from guard import baseline, git

    return baseline.unused_scope(
        paths,
        staged=staged,
        commits=commits,
        stdin_name=stdin_name,
        staged_paths=git.staged_names(paths) if staged and paths else set(),
    )


def redacted(text: str, limit: int) -> str:
    """An error message cut to about `limit` characters (its end, where the fix is named, kept),
    then each secret in it replaced by its preview (guard/redact.py)."""
    from guard.brief import clip
    from guard.redact import redact_secrets

    return redact_secrets(clip(text, limit, tail=limit // 3))


VARIES = 'varies'  # a parser's severity is judged per finding (the host, the password)


def rule_table(config: Config) -> list[tuple[str, str, str]]:
    """`guard rules list`: (id, severity, description) of every id a finding can carry that the
    config leaves on: the rules, then the parsers' and the other detectors' ids."""
    from guard.detectors import active_rules, other_reports, parser_reports

    check_disabled(config.disabled_rules, config.extra_rules, config.source or 'config')
    table = [(r.id, str(r.severity), r.description) for r in active_rules(config.disabled_rules, config.extra_rules)]
    listed = {rule_id for rule_id, _s, _d in table}
    more = {rule_id: description for rule_id, (description, _d) in parser_reports().items()}
    for rule_id, description in {**more, **other_reports()}.items():
        if rule_id not in listed and rule_id not in config.disabled_rules:
            listed.add(rule_id)
            table.append((rule_id, VARIES, description))
    return table


def rule_detail(rule_id: str, config: Config) -> list[tuple[str, str]]:
    """`guard rules show ID`: (field, value) lines about one id, a rule's pattern included."""
    from guard.detectors import active_rules, closest_id, known_ids, other_reports, parser_reports
    from guard.errors import UsageError

    status = [('status', 'disabled by config')] if rule_id in config.disabled_rules else []
    for rule in active_rules(frozenset(), config.extra_rules):
        if rule.id == rule_id:
            return [
                ('id', rule.id),
                ('description', rule.description),
                ('severity', str(rule.severity)),
                ('confidence', str(rule.confidence)),
                ('keywords', ', '.join(sorted(rule.keywords)) or '(always runs)'),
                ('pattern', rule.pattern),
                *([('validate', rule.validate)] if rule.validate else []),
                *status,
            ]
    parsers = parser_reports()
    others = other_reports()
    if rule_id not in parsers and rule_id not in others:
        raise UsageError(
            f'no rule {rule_id!r}: did you mean {closest_id(rule_id, known_ids(config.extra_rules))!r}? '
            '(`guard rules list` shows the ids)'
        )
    description, detector = parsers.get(rule_id, (others.get(rule_id, ''), None))
    lines = [('id', rule_id), ('description', description), ('severity', f'{VARIES} (judged for each finding)')]
    if detector is not None:
        lines += [
            ('detector', f'{detector.id} (a parser, not a pattern)'),
            ('keywords', ', '.join(sorted(detector.keywords)) or '(always runs)'),
        ]
    return [*lines, *status]


def audit(
    repos: Sequence[str],
    *,
    repos_file: Path | None = None,
    workdir: Path | None = None,
    config_path: Path | None = None,
    branches: tuple[str, ...] = (),
    since: str | None = None,
    use_cache: bool = True,
    html: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_commits: int | None = None,
    progress: Callable[[int, int, int, int], None] | None = None,
) -> OrgAudit:
    """`guard audit`: many repositories' histories (paths or git URLs) as Dask tasks, each
    scanned as `guard scan-history` scans it; `progress(repos done, repos, commits done, commits)`."""
    import uuid

    from guard.audit import engine
    from guard.audit import repos as repo_list
    from guard.errors import UsageError

    names = [*repos, *(repo_list.read_repos_file(repos_file) if repos_file else ())]
    if not names:
        raise UsageError('guard audit: name at least one repository (a path or a git URL), or pass --repos-file')
    if config_path is not None and not config_path.is_file():
        raise UsageError(f'{config_path}: config file not found; pass an existing file to --config')
    if scheduler and workers:
        raise UsageError('--workers sizes the local cluster; a --scheduler brings its own workers')
    jobs = repo_list.jobs(
        names,
        workdir or repo_list.default_workdir(),
        config=config_path,
        branches=branches,
        since=since,
        use_cache=use_cache,
        run_id=uuid.uuid4().hex,
        html=html,
    )
    with engine.cluster_client(scheduler, workers) as client:
        return engine.run(jobs, client, progress=progress, chunk_commits=chunk_commits)
