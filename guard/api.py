"""Use cases as plain functions: options in, a Report out. No printing here."""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from guard import sources
from guard.config import Config
from guard.detectors import build_detectors
from guard.filters import partition
from guard.models import Finding, Receipt, Report
from guard.scanner import Scanner


def make_scanner(config: Config) -> Scanner:
    return Scanner(build_detectors(config.disabled_rules, config.extra_rules), config.allow)


def finish(findings: Iterable[Finding], receipt: Receipt, config: Config) -> Report:
    """Apply the configured floors and split allowed findings from reported ones."""
    kept = [f for f in findings
            if f.severity >= config.min_severity and f.confidence >= config.min_confidence]
    reported, suppressed = partition(kept)
    return Report(findings=tuple(reported), suppressed=tuple(suppressed), receipt=receipt)


def scan_paths(paths: Sequence[str], config: Config, *, use_gitignore: bool = True) -> Report:
    started = time.perf_counter()
    tally = sources.Tally()
    scanner = make_scanner(config)
    fragments = sources.file_fragments(paths, max_size=config.max_file_size,
                                       use_gitignore=use_gitignore, tally=tally)
    findings = list(scanner.scan_all(fragments))
    receipt = Receipt(mode='scan', files=tally.files, bytes=tally.bytes, skipped=tally.skipped,
                      seconds=time.perf_counter() - started, notes=tally.notes())
    return finish(findings, receipt, config)


def scan_stdin(data: bytes, name: str, config: Config) -> Report:
    started = time.perf_counter()
    tally = sources.Tally()
    fragment = sources.stdin_fragment(data, name, tally)
    findings = make_scanner(config).scan(fragment) if fragment is not None else []
    receipt = Receipt(mode='scan --stdin', files=tally.files, bytes=tally.bytes, skipped=tally.skipped,
                      seconds=time.perf_counter() - started, notes=tally.notes())
    return finish(findings, receipt, config)
