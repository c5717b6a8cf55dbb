"""Known findings by fingerprint: the baseline file, and applying it to a run.

`.guard-baseline.json` holds one entry per accepted finding, keyed by rule, path
and a prefix of the secret's sha256: no line numbers and no timestamps, sorted,
so editing code around a secret never churns the file or makes merge conflicts.
A detect-secrets baseline can be imported: its `hashed_secret` is the SHA-1 of
the secret, which guard's findings carry (`secret_sha1`) for exactly this.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guard.brief import brief, clip
from guard.errors import ConfigError, InputError
from guard.models import Finding, Receipt, Severity

if TYPE_CHECKING:
    from guard.config import Config

BASELINE_FILE = '.guard-baseline.json'
FORMAT_VERSION = 1
ALLOWED = 'baseline'
CONFIRMED = 'baseline: confirmed secret, rotate it'
UNUSED_RULE = 'baseline-unused'
NO_REASON = 'guard:allow needs a reason here (--require-allow-reason)'


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One accepted finding. Guard entries match by fingerprint; entries imported from
    detect-secrets that no guard finding matched keep the SHA-1 and match by path + SHA-1."""

    path: str
    rule: str = ''  # guard rule id; '' for a detect-secrets entry matched by sha1
    hash: str = ''  # sha256 prefix, as in Finding.fingerprint
    message: str = ''  # key of findings that are not secrets (hygiene checks)
    sha1: str = ''  # detect-secrets' hashed_secret
    type: str = ''  # detect-secrets' secret type, for people reading the file
    confirmed: bool = False  # audited as a real secret: accepted here, but rotate it

    @property
    def fingerprint(self) -> str:
        if self.rule:
            return f'{self.rule}:{self.path}:{self.hash or self.message}'
        return f'sha1:{self.path}:{self.sha1}'

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in dataclasses.asdict(self).items() if v not in ('', False)}
        return data

    @classmethod
    def from_json(cls, data: Any, where: str) -> Entry:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        if not isinstance(data, Mapping) or not isinstance(data.get('path'), str):
            raise InputError(f'{where}: each entry needs a "path": recreate it with `guard baseline create`')
        unknown = set(data) - set(fields)
        if unknown:
            keys = clip(', '.join(brief(k) for k in sorted(unknown)[:5]), 120)
            raise InputError(f'{where}: unknown entry keys [{keys}]: recreate it with `guard baseline create`')
        wrong = [k for k, v in data.items() if not isinstance(v, bool if k == 'confirmed' else str)]
        if wrong:
            raise InputError(
                f'{where}: entry key {brief(wrong[0])} has the wrong type: recreate it with `guard baseline create`'
            )
        entry = cls(**data)
        if not (entry.rule or entry.sha1):
            raise InputError(f'{where}: an entry needs "rule" or "sha1": recreate it with `guard baseline create`')
        return entry


def entry_for(finding: Finding, confirmed: bool = False) -> Entry:
    path = normal_path(finding.path)
    if finding.secret_hash:
        return Entry(path=path, rule=finding.rule_id, hash=finding.secret_hash[:16], confirmed=confirmed)
    return Entry(path=path, rule=finding.rule_id, message=finding.message, confirmed=confirmed)


def normal_path(path: str) -> str:
    return path.replace('\\', '/').removeprefix('./')


@dataclasses.dataclass(frozen=True)
class Baseline:
    entries: tuple[Entry, ...] = ()

    def __post_init__(self) -> None:
        by_fingerprint: dict[str, Entry] = {}
        by_sha1: dict[tuple[str, str], Entry] = {}
        for entry in self.entries:
            if entry.rule:
                by_fingerprint[entry.fingerprint] = entry
            else:
                by_sha1[(entry.path, entry.sha1)] = entry
        object.__setattr__(self, '_by_fingerprint', by_fingerprint)
        object.__setattr__(self, '_by_sha1', by_sha1)

    def match(self, finding: Finding) -> Entry | None:
        path = normal_path(finding.path)
        key = finding.secret_hash[:16] if finding.secret_hash else finding.message
        entry: Entry | None = self._by_fingerprint.get(f'{finding.rule_id}:{path}:{key}')  # type: ignore[attr-defined]
        if entry is None and finding.secret_sha1:
            entry = self._by_sha1.get((path, finding.secret_sha1))  # type: ignore[attr-defined]
        return entry


def canonical(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """Deduplicated and sorted, so the same findings always give the same bytes."""
    unique = {e.fingerprint: e for e in entries}
    return tuple(sorted(unique.values(), key=lambda e: (e.path, e.rule, e.hash, e.message, e.sha1)))


def dumps(baseline: Baseline) -> str:
    data = {'version': FORMAT_VERSION, 'entries': [e.to_json() for e in canonical(baseline.entries)]}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + '\n'


def loads(text: str, where: str) -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f'{where}: not valid JSON ({e}): recreate it with `guard baseline create`') from None
    except RecursionError:  # nesting deeper than Python's stack: no baseline looks like that
        raise InputError(
            f'{where}: nested too deeply to be a baseline: recreate it with `guard baseline create`'
        ) from None
    if not isinstance(data, Mapping) or not isinstance(data.get('entries'), list):
        hint = (
            (
                ' (this looks like a detect-secrets baseline: import it with '
                '`guard baseline create --from-detect-secrets FILE`)'
            )
            if isinstance(data, Mapping) and 'results' in data
            else ''
        )
        raise InputError(f'{where}: not a guard baseline{hint}')
    if data.get('version') != FORMAT_VERSION:
        raise InputError(
            f'{where}: baseline version {data.get("version")!r} is not supported '
            f'(expected {FORMAT_VERSION}): recreate it with `guard baseline create`'
        )
    return Baseline(tuple(Entry.from_json(item, where) for item in data['entries']))


def read(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding='utf-8')
    except FileNotFoundError:
        raise ConfigError(f'{path}: baseline file not found: create it with `guard baseline create`') from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f'{path}: cannot read baseline: {e}') from None
    return loads(text, str(path))


def write(path: Path, baseline: Baseline) -> None:
    from guard import atomic

    try:
        atomic.write_text(path, dumps(baseline))  # a full disk keeps the old baseline, not half a new one
    except OSError as e:
        raise InputError(f'cannot write {path}: {e.strerror}') from None


# ---- detect-secrets baselines ----------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class DetectSecretsEntry:
    path: str
    type: str
    sha1: str
    is_secret: bool | None


def read_detect_secrets(path: Path) -> list[DetectSecretsEntry]:
    """The results of a `.secrets.baseline` (any version; only results are read)."""
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except FileNotFoundError:
        raise InputError(f'{path}: detect-secrets baseline not found') from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f'{path}: cannot read the detect-secrets baseline: {e}') from None
    except RecursionError:
        raise InputError(f'{path}: nested too deeply to be a detect-secrets baseline') from None
    results = data.get('results') if isinstance(data, Mapping) else None
    if not isinstance(results, Mapping):
        raise InputError(f'{path}: not a detect-secrets baseline (no "results" mapping)')
    entries = []
    for filename, items in results.items():
        for item in items if isinstance(items, list) else []:
            sha1 = item.get('hashed_secret') if isinstance(item, Mapping) else None
            if not isinstance(sha1, str):
                raise InputError(f'{path}: a result for {filename} has no "hashed_secret"')
            is_secret = item.get('is_secret')
            entries.append(
                DetectSecretsEntry(
                    path=normal_path(str(item.get('filename') or filename)),
                    type=str(item.get('type', '')),
                    sha1=sha1.lower(),
                    is_secret=is_secret if isinstance(is_secret, bool) else None,
                )
            )
    return entries


def import_detect_secrets(ds_entries: Sequence[DetectSecretsEntry], findings: Iterable[Finding]) -> list[Entry]:
    """Guard entries for the findings detect-secrets accepted; entries no finding matched
    keep their SHA-1, so they still match whatever finds that secret in that file later."""
    wanted = {(e.path, e.sha1): e for e in ds_entries}
    matched: set[tuple[str, str]] = set()
    out = []
    for finding in findings:
        key = (normal_path(finding.path), finding.secret_sha1)
        ds = wanted.get(key)
        if ds is not None:
            matched.add(key)
            out.append(entry_for(finding, confirmed=ds.is_secret is True))
    for key, ds in wanted.items():
        if key not in matched:
            out.append(Entry(path=ds.path, sha1=ds.sha1, type=ds.type, confirmed=ds.is_secret is True))
    return out


# ---- applying a baseline to a run -------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    reported: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    receipt: Receipt


def baseline_path(config_root: Path, configured: str) -> Path:
    path = Path(configured)
    return path if path.is_absolute() else config_root / path


def settle(reported: Sequence[Finding], suppressed: Sequence[Finding], receipt: Receipt, config: Config) -> Outcome:
    """`apply` with the baseline and policies the config names (api.finish calls this)."""
    baseline = read(baseline_path(config.root, config.baseline)) if config.baseline else None
    if baseline is None and not config.require_allow_reason:
        return Outcome(tuple(reported), tuple(suppressed), receipt)
    return apply(
        reported,
        suppressed,
        receipt,
        baseline=baseline,
        require_allow_reason=config.require_allow_reason,
        report_unused=config.report_unused,
        fail_on_unused=config.fail_on_unused,
        scope=config.unused_scope,
    )


def apply(
    reported: Sequence[Finding],
    suppressed: Sequence[Finding],
    receipt: Receipt,
    *,
    baseline: Baseline | None,
    require_allow_reason: bool = False,
    report_unused: bool = False,
    fail_on_unused: bool = False,
    scope: Sequence[str] = (),
) -> Outcome:
    """Move baselined findings to suppressed, inline allows without a reason back to
    reported when a reason is required, and say which entries the run proved unused
    (only those in `scope`, the paths it read whole: see `unused_scope`)."""
    kept: list[Finding] = []
    quiet: list[Finding] = []
    used: set[str] = set()
    baselined = confirmed = 0
    for finding in reported:
        entry = baseline.match(finding) if baseline is not None else None
        if entry is None:
            kept.append(finding)
            continue
        used.add(entry.fingerprint)
        baselined += 1
        confirmed += entry.confirmed
        quiet.append(finding._replace(allowed=CONFIRMED if entry.confirmed else ALLOWED))
    for finding in suppressed:
        if require_allow_reason and finding.allowed == '':
            kept.append(finding._replace(allowed=None, message=f'{finding.message} ({NO_REASON})'))
        else:
            quiet.append(finding)
    notes: list[str] = []
    if baselined:
        notes.append(f'{baselined} in baseline')
    if confirmed:
        notes.append(f'{confirmed} baselined secrets are confirmed real: rotate them')
    if baseline is not None and (report_unused or fail_on_unused):
        unmatched = [e for e in canonical(baseline.entries) if e.fingerprint not in used]
        unused = [e for e in unmatched if covers(scope, e.path)]
        if unused and report_unused:
            notes.append(f'{len(unused)} unused baseline entries: {", ".join(e.fingerprint for e in unused)}')
        if len(unused) < len(unmatched):
            notes.append(
                f'{len(unmatched) - len(unused)} baseline entries not judged unused: '
                'this run did not read their files whole'
            )
        if fail_on_unused:
            kept.extend(unused_finding(e) for e in unused)
    receipt = receipt._replace(notes=(*receipt.notes, *notes)) if notes else receipt
    return Outcome(reported=tuple(kept), suppressed=tuple(quiet), receipt=receipt)


# ---- which entries a run can call unused --------------------------------------------------
#
# An entry is unused when its secret is no longer in its file. Only a run that read the whole
# file can say so: a staged scan reads the lines a commit adds, a range each commit's additions,
# and pre-commit splits its file list into batches (several guard processes, each with some of
# the files). So each run judges only the entries whose file it read whole; under pre-commit
# every entry is judged by the one batch holding its file and by no other, and the batches'
# reports add up to the whole answer without a false "unused" or a duplicate.


def unused_scope(
    paths: Sequence[str],
    *,
    staged: bool = False,
    commits: bool = False,
    stdin_name: str | None = None,
    staged_paths: Iterable[str] = (),
) -> tuple[str, ...]:
    """The paths (files or directories, as findings name them) a scan reads whole.

    `commits`: --range / --since / --pre-push / scan-history: nothing. `stdin_name`: that name.
    `staged`: the named files with nothing staged (`staged_paths`: what is staged among them),
    which is what `pre-commit run --all-files` passes. Otherwise every path named (default '.')."""
    if commits:
        return ()
    if stdin_name is not None:
        return (normal_path(stdin_name),)
    if staged:
        busy = {normal_path(p) for p in staged_paths}
        return tuple(p for p in map(normal_path, paths) if p not in busy)
    return tuple(normal_path(p).rstrip('/') or '.' for p in (paths or ('.',)))


def covers(scope: Sequence[str], path: str) -> bool:
    """Whether `path` is one of `scope` or below one of its directories ('.' holds every
    relative path)."""
    path = normal_path(path)
    for root in scope:
        if root in ('.', '') and not path.startswith(('/', '../')):
            return True
        if path == root or path.startswith(root.rstrip('/') + '/'):
            return True
    return False


def unused_finding(entry: Entry) -> Finding:
    return Finding(
        rule_id=UNUSED_RULE,
        severity=Severity.LOW,
        path=entry.path,
        line=None,
        message=f'baseline entry {clip(entry.fingerprint, 120)} matches nothing any more: '
        'drop it with `guard baseline update`',
    )
