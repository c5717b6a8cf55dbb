"""What the HTML report shows, as values: one Entry per secret, ranked for rotation, with
what to do about it. Pure: guard/report/html.py renders these, guard/auditfacts.py gathers
the repository facts an audit adds (where each secret can still be seen, commit dates).

An entry is one secret, not one fingerprint: the same key pasted into three files is one
key to rotate, so the groups of a rule and secret hash are merged and their paths listed.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

from guard.models import Commit, Finding, Report, Severity

if TYPE_CHECKING:
    from guard.detectors.rules import Rule
    from guard.history.audit import Group

MESSAGE_PATH = '<commit-message>'  # as guard.sources.commits names it (not imported: it pulls in git)
ENV_RULE = 'env-file-in-history'  # as guard.sources.commits names it


class Exposure(enum.IntEnum):
    """Where a secret can be seen without digging, most exposed first (the rotation order)."""

    HEAD = 0  # in the files of HEAD
    WORKTREE = 1  # `guard scan` of files: in the files scanned
    DEFAULT = 2  # at the tip of the default branch (HEAD is elsewhere)
    REFS = 3  # at the tip of another branch or tag
    COMMITS = 4  # `guard scan --range`: in the commits scanned
    HISTORY = 5  # in no ref's files: only in older commits (or a commit message)

    @property
    def label(self) -> str:
        return _EXPOSURE_LABELS[self]


_EXPOSURE_LABELS = {
    Exposure.HEAD: 'still at HEAD',
    Exposure.WORKTREE: 'in the files scanned',
    Exposure.DEFAULT: 'on the default branch',
    Exposure.REFS: 'on other branches or tags',
    Exposure.COMMITS: 'in the commits scanned',
    Exposure.HISTORY: 'only in history',
}


class RepoFacts(NamedTuple):
    """What an audit knows about the repository besides its findings."""

    repository: str  # the top directory's name
    remote: str = ''  # origin's URL, userinfo removed ('' when there is none)
    head: str = ''  # branch name, or a short sha when detached
    default_branch: str = ''
    refs: tuple[str, ...] = ()
    exposure: Mapping[str, Exposure] = {}  # by fingerprint; missing: HISTORY
    commit_times: tuple[int, ...] = ()  # author time of every commit in the audit
    rules_version: str = ''


class Rewrite(NamedTuple):
    """Whether history must be rewritten to get rid of it, why, and the command."""

    required: bool
    why: str
    command: str = ''


class Entry(NamedTuple):
    finding: Finding  # the representative occurrence
    paths: tuple[str, ...]
    first: Commit | None
    last: Commit | None
    occurrences: int
    exposure: Exposure
    allowed: str | None = None  # the reason ('' none given); None: reported
    removed: Commit | None = None  # env files: the commit that last removed it
    events: tuple[tuple[str, Commit], ...] = ()  # env files: ('A'|'M'|'D', commit), oldest first
    repository: str = ''  # guard audit: which repository it is in ('' in a one-repository report)

    @property
    def is_env_file(self) -> bool:
        return self.finding.rule_id == ENV_RULE

    @property
    def at_head(self) -> bool:
        return self.exposure in (Exposure.HEAD, Exposure.WORKTREE)


class Rotation(NamedTuple):
    provider: str
    url: str | None
    remediation: str


class Page(NamedTuple):
    """Everything one report shows."""

    title: str
    mode: str
    report: Report
    entries: tuple[Entry, ...]  # reported, most severe first
    allowed: tuple[Entry, ...]
    env_files: tuple[Entry, ...]
    rotate_first: tuple[Entry, ...]
    facts: RepoFacts | None
    rules: Mapping[str, Rule]


# ---- when ---------------------------------------------------------------------------------


def timestamp(commit: Commit | None) -> float | None:
    """Seconds since the epoch of a commit's ISO date (None when it has none)."""
    if commit is None or not commit.date:
        return None
    try:
        when = datetime.fromisoformat(commit.date.replace('Z', '+00:00'))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


def _age_key(entry: Entry) -> float:
    stamp = timestamp(entry.first)
    return stamp if stamp is not None else float('inf')


# ---- building entries ---------------------------------------------------------------------


def _merge_key(entry: Entry) -> tuple[str, str, str, bool]:
    finding = entry.finding
    return (entry.repository, finding.rule_id, finding.secret_hash or finding.fingerprint, finding.allowed is None)


def _merge(members: Sequence[Entry]) -> Entry:
    if len(members) == 1:
        return members[0]
    lead = min(members, key=lambda e: (e.exposure, _age_key(e)))
    firsts = [e.first for e in members if e.first is not None]
    lasts = [e.last for e in members if e.last is not None]
    return lead._replace(
        paths=tuple(sorted({p for e in members for p in e.paths})),
        first=min(firsts, key=lambda c: timestamp(c) or 0.0) if firsts else None,
        last=max(lasts, key=lambda c: timestamp(c) or 0.0) if lasts else None,
        occurrences=sum(e.occurrences for e in members),
    )


def merge_by_secret(entries: Iterable[Entry]) -> list[Entry]:
    by_key: dict[tuple[str, str, str, bool], list[Entry]] = {}
    for entry in entries:
        by_key.setdefault(_merge_key(entry), []).append(entry)
    return [_merge(members) for members in by_key.values()]


def entries_from_groups(groups: Iterable[Group], report: Report, exposure: Mapping[str, Exposure]) -> list[Entry]:
    """Audit groups as entries; a group the report moved to `suppressed` (allowed inline,
    by the allowlist or by the baseline) takes that finding's reason."""
    allowed = {f.fingerprint: f.allowed for f in report.suppressed}
    entries = []
    for group in groups:
        finding = group.finding
        fingerprint = finding.fingerprint
        if fingerprint in allowed:
            finding = finding._replace(allowed=allowed[fingerprint] or '')
        if group.at_head:
            where = Exposure.HEAD
        elif finding.path == MESSAGE_PATH:
            where = Exposure.HISTORY
        else:
            where = exposure.get(fingerprint, Exposure.HISTORY)
        events = tuple((e.kind, e.commit) for e in group.events)
        entries.append(
            Entry(
                finding=finding,
                paths=(finding.path,),
                first=group.first if group.first.sha else None,
                last=group.last if group.last.sha else None,
                occurrences=group.occurrences,
                exposure=where,
                allowed=finding.allowed,
                removed=group.removed,
                events=events,
            )
        )
    return entries


def entries_from_findings(findings: Iterable[Finding]) -> list[Entry]:
    """A plain scan's findings (files, or commits of a range), one entry per fingerprint."""
    by_print: dict[str, list[Finding]] = {}
    for finding in findings:
        by_print.setdefault(finding.fingerprint, []).append(finding)
    entries = []
    for found in by_print.values():
        dated = sorted(found, key=lambda f: timestamp(f.commit) or 0.0)
        first = dated[0]
        commits = [f.commit for f in dated if f.commit is not None]
        entries.append(
            Entry(
                finding=first,
                paths=(first.path,),
                first=commits[0] if commits else None,
                last=commits[-1] if commits else None,
                occurrences=len(found),
                exposure=Exposure.COMMITS if commits else Exposure.WORKTREE,
                allowed=first.allowed,
            )
        )
    return entries


# ---- ranking --------------------------------------------------------------------------------


def rotation_order(entry: Entry) -> tuple[int, int, float, str]:
    """Most exposed first, then most severe, then oldest (exposed longest)."""
    return (entry.exposure, -entry.finding.severity, _age_key(entry), entry.finding.fingerprint)


def needs_rotation(entry: Entry) -> bool:
    """The findings that matter most: a secret (not an env-file record, not allowed) of
    high or critical severity anywhere, or of medium severity still in the current files."""
    finding = entry.finding
    if entry.allowed is not None or entry.is_env_file or not finding.secret_hash:
        return False
    return finding.severity >= Severity.HIGH or (entry.at_head and finding.severity >= Severity.MEDIUM)


def listing_order(entry: Entry) -> tuple[int, str, str, float]:
    return (-entry.finding.severity, entry.finding.rule_id, entry.paths[0], _age_key(entry))


# ---- what to do -----------------------------------------------------------------------------

# rule-id prefixes of the providers whose rules carry a rotate_url (the description names
# the rest: 'Heroku API key', 'Vault service token')
PROVIDERS = {
    'aws': 'AWS',
    'gcp': 'Google Cloud',
    'google': 'Google',
    'azure': 'Microsoft Azure',
    'github': 'GitHub',
    'gitlab': 'GitLab',
    'slack': 'Slack',
    'stripe': 'Stripe',
    'openai': 'OpenAI',
    'anthropic': 'Anthropic',
    'twilio': 'Twilio',
    'sendgrid': 'SendGrid',
    'npm': 'npm',
    'npmrc': 'npm',
    'pypi': 'PyPI',
    'docker': 'Docker Hub',
    'shopify': 'Shopify',
    'datadog': 'Datadog',
    'huggingface': 'Hugging Face',
    'cloudflare': 'Cloudflare',
    'digitalocean': 'DigitalOcean',
    'heroku': 'Heroku',
}
GENERIC_REMEDIATION = {
    ENV_RULE: 'Rotate every credential the file ever held, then remove it from history and ignore it (.gitignore).',
    'connection-string': 'Change the password on the server (or drop the user), then update who uses it.',
}
DEFAULT_REMEDIATION = 'Revoke or change the credential where it was issued, then replace it where it is used.'
# a private key's file is the secret: rotating it does not undo what it signed or decrypted
KEY_FILE_SUFFIXES = ('.pem', '.key', '.p8', '.p12', '.pfx', '.ppk', '.jwk', '.asc', '.gpg')
KEY_FILE_NAMES = frozenset({'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'master.key'})


def rotation(finding: Finding, rules: Mapping[str, Rule]) -> Rotation:
    rule = rules.get(finding.rule_id)
    prefix = finding.rule_id.split('-', 1)[0]
    provider = PROVIDERS.get(prefix, '')
    url = rule.rotate_url if rule is not None else None
    text = (rule.remediation if rule is not None else None) or GENERIC_REMEDIATION.get(finding.rule_id)
    return Rotation(provider, url, text or DEFAULT_REMEDIATION)


def _is_key_file(path: str) -> bool:
    name = path.rsplit('/', 1)[-1]
    return name in KEY_FILE_NAMES or name.endswith(KEY_FILE_SUFFIXES)


def rewrite(entry: Entry, mode: str) -> Rewrite:
    """Whether history must be rewritten: rotating makes a leaked token worthless, so its
    copy in history is then only noise; an env file (whose other values guard may not
    recognise) and a private key (which may have signed or encrypted data that rotation
    does not undo) must go from history too. Commands never hold the secret: the
    replacements file is written by whoever rotates it."""
    finding = entry.finding
    paths = ' '.join(f'--path {shlex.quote(p)}' for p in entry.paths if p != MESSAGE_PATH)
    if entry.first is None:
        return Rewrite(False, 'this scan read files, not history: guard scan-history tells whether it was committed')
    if mode.startswith('scan --'):  # a range, --since, --pre-push: commits of a branch under review
        # a sha and ^ need no quoting in any POSIX shell
        return Rewrite(True, 'drop it from the branch before it merges', f'git rebase -i {entry.first.sha[:12]}^')
    if entry.is_env_file:
        return Rewrite(
            True, 'the file may hold values guard does not recognise', f'git filter-repo --invert-paths {paths}'
        )
    replace = 'git filter-repo --replace-text replacements.txt'
    if finding.path == MESSAGE_PATH:
        replace = 'git filter-repo --replace-message replacements.txt'
    if finding.rule_id.startswith('private-key') or finding.rule_id in ('age-secret-key', 'wireguard-private-key'):
        whole = all(_is_key_file(p) for p in entry.paths)
        command = f'git filter-repo --invert-paths {paths}' if whole and paths else replace
        return Rewrite(True, 'a private key stays sensitive after rotation', command)
    return Rewrite(False, 'once rotated, the copy in history is worthless', replace)


# ---- the page -------------------------------------------------------------------------------


def build_page(
    report: Report,
    entries: Iterable[Entry],
    rules: Mapping[str, Rule],
    facts: RepoFacts | None = None,
    title: str = '',
) -> Page:
    merged = merge_by_secret(entries)
    reported = sorted((e for e in merged if e.allowed is None), key=listing_order)
    allowed = sorted((e for e in merged if e.allowed is not None), key=listing_order)
    env_files = sorted((e for e in merged if e.is_env_file and e.allowed is None), key=lambda e: e.paths[0])
    rotate_first = sorted((e for e in reported if needs_rotation(e)), key=rotation_order)
    name = title or (facts.repository if facts else '')
    return Page(
        title=name,
        mode=report.receipt.mode,
        report=report,
        entries=tuple(reported),
        allowed=tuple(allowed),
        env_files=tuple(env_files),
        rotate_first=tuple(rotate_first),
        facts=facts,
        rules=rules,
    )


def secrets_in(path: str, entries: Sequence[Entry]) -> list[Entry]:
    """The secrets found in a file (for an env file: what it held)."""
    return [e for e in entries if path in e.paths]
