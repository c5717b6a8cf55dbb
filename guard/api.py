"""Use cases as plain functions: options in, a Report out. No printing here."""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from guard import baseline, sources
from guard.config import Config
from guard.detectors import build_detectors
from guard.detectors.base import Detector
from guard.filters import partition
from guard.models import Finding, Receipt, Report
from guard.scanner import Scanner


def make_scanner(config: Config) -> Scanner:
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
    return extra


def finish(findings: Iterable[Finding], receipt: Receipt, config: Config) -> Report:
    """Apply the configured floors and split allowed findings from reported ones."""
    kept = [f for f in findings
            if f.severity >= config.min_severity and f.confidence >= config.min_confidence]
    reported, suppressed = partition(kept)
    settled = baseline.settle(reported, suppressed, receipt, config)
    return Report(findings=settled.reported, suppressed=settled.suppressed, receipt=settled.receipt)


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
