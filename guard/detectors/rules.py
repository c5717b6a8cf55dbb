"""Rules as data: YAML under guard/rules/ (read at start-up from the generated guard/rules/builtin.json),
turned into detectors.

A rule's regex is compiled the first time its keywords occur in a fragment, so a run that sees
only a few keywords (a 20-line commit) never pays for the rest; the validators are imported only
then too (docs/performance.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from guard.brief import brief
from guard.detectors.base import Located, secret_finding
from guard.detectors.entropy import shannon_entropy
from guard.detectors.placeholders import is_placeholder
from guard.errors import ConfigError
from guard.models import Confidence, Finding, Fragment, Severity

RULE_KEYS = frozenset(
    {
        'id',
        'description',
        'severity',
        'confidence',
        'keywords',
        'pattern',
        'secret_group',
        'min_entropy',
        'allow',
        'validate',
        'paths',
        'placeholder_check',
        'samples',
        'rotate_url',
        'remediation',
    }
)
REQUIRED_KEYS = ('id', 'description', 'pattern', 'samples')
UNKNOWN = -1  # a window width not worked out yet


class Rule(NamedTuple):
    id: str
    description: str
    pattern: str
    severity: Severity = Severity.HIGH
    confidence: Confidence = Confidence.HIGH
    keywords: frozenset[str] = frozenset()
    secret_group: int | str = 0
    min_entropy: float | None = None
    allow: tuple[str, ...] = ()  # regexes; a secret matching any is not reported
    validate: str | None = None  # name in validators.VALIDATORS: drops or lowers confidence
    paths: str | None = None  # regex on the path: the rule runs only on matching files
    placeholder_check: bool = True  # drop obvious placeholders ('ghp_xxxx…')
    positive: tuple[str, ...] = ()  # samples that must produce a finding
    negative: tuple[str, ...] = ()  # samples that must not
    rotate_url: str | None = None  # the provider's page where a leaked one is revoked or rotated
    remediation: str | None = None  # one line: what to do about a leaked one (reports show it)


class RuleDetector(Located):
    """A detector driven by one Rule (its keywords' offsets are all it takes from the prefilter)."""

    def __init__(self, rule: Rule, user: bool = False, window: int | None = UNKNOWN) -> None:
        """`window`: the rule's window width when known already (None: it has none)."""
        self.rule = rule
        self.id = rule.id
        self.keywords = rule.keywords
        self._compile: Callable[[str], re.Pattern[str]] = re.compile
        if user:  # the user's own rule: RE2, linear whatever the pattern (guard/userregex.py)
            from guard.userregex import compile_user

            self._compile = compile_user
            if isinstance(rule.secret_group, str):  # RE2's match.start() takes numbers only
                self.rule = rule._replace(secret_group=self._regex.groupindex[rule.secret_group])
        self.reports = {rule.id: rule.description}
        if window != UNKNOWN:
            self.__dict__['_window'] = window  # what the cached property below would compute

    @functools.cached_property
    def _regex(self) -> re.Pattern[str]:
        return self._compile(self.rule.pattern)

    @functools.cached_property
    def _window(self) -> int | None:
        from guard.detectors import windows

        return windows.window_width(self.rule.pattern, self.keywords)

    @functools.cached_property
    def _finditer(
        self,
    ) -> Callable[
        [re.Pattern[str], str, frozenset[str], int | None, Mapping[str, Sequence[int]] | None], Iterator[re.Match[str]]
    ]:
        from guard.detectors.windows import finditer

        return finditer

    @functools.cached_property
    def _allow(self) -> tuple[re.Pattern[str], ...]:
        return tuple(self._compile(p) for p in self.rule.allow)

    @functools.cached_property
    def _paths(self) -> re.Pattern[str] | None:
        return self._compile(self.rule.paths) if self.rule.paths else None

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        return self._detect(fragment, None)

    def detect_located(self, fragment: Fragment, starts: Mapping[str, Sequence[int]]) -> Iterator[Finding]:
        # A user's rule runs on RE2, whose search from an offset is not proven equal to re's: the
        # windows then apply only where they did before (big texts), searched for again.
        return self._detect(fragment, None if self._compile is not re.compile else starts)

    def _detect(self, fragment: Fragment, starts: Mapping[str, Sequence[int]] | None) -> Iterator[Finding]:
        rule = self.rule
        if self._paths is not None and not self._paths.search(fragment.path):
            return
        for match in self._finditer(self._regex, fragment.text, self.keywords, self._window, starts):
            secret = match.group(rule.secret_group)
            confidence = self._confidence(secret) if secret else None
            if confidence is not None:
                yield secret_finding(
                    fragment,
                    match.start(rule.secret_group),
                    secret,
                    rule_id=rule.id,
                    severity=rule.severity,
                    confidence=confidence,
                    message=rule.description,
                )

    def _confidence(self, secret: str) -> Confidence | None:
        """The rule's confidence, lowered by what its validator says; None: not reported."""
        rule = self.rule
        if rule.min_entropy is not None and shannon_entropy(secret) < rule.min_entropy:
            return None
        if any(allow.search(secret) for allow in self._allow):
            return None
        if rule.placeholder_check and is_placeholder(secret):
            return None
        if rule.validate is None:
            return rule.confidence
        from guard.detectors.validators import VALIDATORS

        verdict = VALIDATORS[rule.validate](secret)
        return None if verdict is None else min(rule.confidence, verdict)


def rule_from_mapping(data: Mapping[str, Any], where: str, user: bool = False) -> Rule:
    """Validate one rule's YAML mapping; every problem names the file and the rule, and the fix.
    `user`: a rule from the user's config, whose regexes must compile on RE2 (guard/userregex.py)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f'{where}: each rule must be a mapping with id, description, pattern, samples')
    name = data.get('id', '?')
    if not isinstance(name, str) or not name:
        raise ConfigError(f'{where}: a rule id must be a string, not {brief(name)}')
    unknown = set(map(str, data)) - RULE_KEYS
    if unknown:
        raise ConfigError(
            f'{where}: rule {name}: unknown key(s) {", ".join(brief(k) for k in sorted(unknown))}; '
            f'allowed: {", ".join(sorted(RULE_KEYS))}'
        )
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise ConfigError(f'{where}: rule {name}: missing {", ".join(missing)}')
    field = _Fields(data, f'{where}: rule {name}')
    description = field.text('description')
    allow = field.texts('allow')
    paths = field.text('paths', optional=True)
    for key, regex in (('pattern', field.text('pattern')), *(('allow', a) for a in allow), ('paths', paths)):
        if regex is not None:
            _check_regex(regex, key, f'{where}: rule {name}', user)
    pattern = re.compile(data['pattern'])
    group = data.get('secret_group', 1 if pattern.groups else 0)
    if isinstance(group, bool) or not isinstance(group, (int, str)):
        raise ConfigError(f'{where}: rule {name}: secret_group must be a group number or name, not {brief(group)}')
    known_group = 0 <= group <= pattern.groups if isinstance(group, int) else group in pattern.groupindex
    if not known_group:
        raise ConfigError(f'{where}: rule {name}: secret_group {brief(group)} is not a group of the pattern')
    from guard.detectors.validators import VALIDATORS

    validate = field.text('validate', optional=True)
    if validate is not None and validate not in VALIDATORS:
        raise ConfigError(f'{where}: rule {name}: unknown validator {brief(validate)}; known: {", ".join(VALIDATORS)}')
    samples = data['samples'] or {}
    if not isinstance(samples, Mapping):
        raise ConfigError(f'{where}: rule {name}: samples must be a mapping of positive and negative lists')
    sampled = _Fields(samples, f'{where}: rule {name}: samples')
    positive, negative = tuple(sampled.texts('positive')), tuple(sampled.texts('negative'))
    if not positive or not negative:
        raise ConfigError(f'{where}: rule {name}: samples need at least one positive and one negative')
    min_entropy = data.get('min_entropy')
    if min_entropy is not None and (isinstance(min_entropy, bool) or not isinstance(min_entropy, (int, float))):
        raise ConfigError(
            f'{where}: rule {name}: min_entropy must be a number of bits, e.g. 3.5, not {brief(min_entropy)}'
        )
    placeholder_check = data.get('placeholder_check', True)
    if not isinstance(placeholder_check, bool):
        raise ConfigError(f'{where}: rule {name}: placeholder_check must be true or false')
    try:
        severity = Severity.parse(data.get('severity', 'high'))
        confidence = Confidence.parse(data.get('confidence', 'high'))
    except ValueError as e:
        raise ConfigError(f'{where}: rule {name}: {e}') from None
    rotate_url, remediation = _rotation(data, f'{where}: rule {name}')
    return Rule(
        id=name,
        description=description or '',
        pattern=data['pattern'],
        severity=severity,
        confidence=confidence,
        keywords=frozenset(k.lower() for k in field.texts('keywords')),
        secret_group=group,
        min_entropy=None if min_entropy is None else float(min_entropy),
        allow=tuple(allow),
        validate=validate,
        paths=paths or None,
        placeholder_check=placeholder_check,
        positive=positive,
        negative=negative,
        rotate_url=rotate_url,
        remediation=remediation,
    )


class _Fields:
    """Typed reads of a rule's fields, each wrong type an error naming the field and what it takes."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def text(self, key: str, optional: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise ConfigError(f'{self.where}: {key} must be a string, not {brief(value)}')
        return value

    def texts(self, key: str) -> list[str]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f'{self.where}: {key} must be a list of strings, not {brief(value)}')
        return value


def _check_regex(regex: str, key: str, where: str, user: bool) -> None:
    try:
        re.compile(regex)
    except re.error as e:
        raise ConfigError(f'{where}: bad regex in {key}: {e}') from None
    if user:
        from guard.userregex import compile_user

        try:
            compile_user(regex)
        except ValueError as e:
            raise ConfigError(f'{where}: {key} cannot run in linear time: {e}') from None


def _rotation(data: Mapping[str, Any], where: str) -> tuple[str | None, str | None]:
    """`rotate_url` and `remediation`, both optional: reports link the one and print the
    other, so the URL must be https (a report is opened by people who will click it) and
    the remediation one line."""
    url = data.get('rotate_url')
    if url is not None and (not isinstance(url, str) or not re.fullmatch(r'https://[^\s"<>]+', url)):
        raise ConfigError(f'{where}: rotate_url must be an https:// URL without spaces')
    text = data.get('remediation')
    if text is not None and (not isinstance(text, str) or not text.strip() or '\n' in text.strip()):
        raise ConfigError(f'{where}: remediation must be one line of text')
    return url, text.strip() if isinstance(text, str) else None


def rules_from_yaml(text: str, where: str, user: bool = False) -> list[Rule]:
    from guard import yamlio

    data = yamlio.load(text, where)
    if data is None:
        return []
    keys: tuple[str, ...] = ()
    if isinstance(data, Mapping) and 'rules' in data:
        data, keys = data['rules'], ('rules',)
    if not isinstance(data, list):
        raise ConfigError(f'{where}: expected a list of rules')
    rules = []
    for index, item in enumerate(data):
        try:
            rules.append(rule_from_mapping(item, where, user))
        except ConfigError as e:  # name the rule's line (composing again only on this error path)
            line = yamlio.line_of(text, (*keys, index))
            raise ConfigError(f'{where}:{line}{str(e)[len(where) :]}' if line else str(e)) from None
    return rules


def builtin_rules() -> tuple[Rule, ...]:
    """Every rule shipped in guard/rules/*.yaml, ids unique, as generated into guard/rules/builtin.json."""
    return _builtin()[0]


def builtin_windows() -> dict[str, int | None]:
    """Each built-in rule's keyword-window width, worked out when the rule file was generated."""
    return _builtin()[1]


@functools.cache
def _builtin() -> tuple[tuple[Rule, ...], dict[str, int | None]]:
    from guard import rulefile

    try:
        return rulefile.load(Rule)
    except (OSError, ValueError):  # not plain files (a zip), or a file from another version: parse
        return parse_builtin_rules(), {}


def parse_builtin_rules() -> tuple[Rule, ...]:
    from importlib import resources

    rules: list[Rule] = []
    for entry in sorted(resources.files('guard.rules').iterdir(), key=lambda p: p.name):
        if entry.name.endswith('.yaml'):
            rules += rules_from_yaml(entry.read_text(encoding='utf-8'), f'guard/rules/{entry.name}')
    check_unique(rules)
    return tuple(rules)


def rules_from_file(path: Path, user: bool = True) -> list[Rule]:
    try:
        text = path.read_text(encoding='utf-8')
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f'{path}: cannot read rules: {getattr(e, "strerror", None) or e}') from None
    return rules_from_yaml(text, str(path), user)


def check_unique(rules: list[Rule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(f'rule id {brief(rule.id)} is defined twice')
        seen.add(rule.id)
