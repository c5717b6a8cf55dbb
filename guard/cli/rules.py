"""`guard rules list|show ID`: every rule id a finding can carry, from the detectors' registry."""

from __future__ import annotations

import click

from guard.config import Config, load_config
from guard.detectors import active_rules, check_disabled, closest_id, known_ids, other_reports, parser_reports
from guard.detectors.rules import Rule
from guard.errors import UsageError

VARIES = 'varies'  # a parser's severity is judged per finding (the host, the password)


@click.group()
def rules() -> None:
    """List the detection rules, or show one."""


@rules.command('list')
def list_rules() -> int:
    """One rule id per line: id, severity, description (rules, then the parsers' ids)."""
    config = load_config()
    check_disabled(config.disabled_rules, config.extra_rules, config.source or 'config')
    listed = set()
    for rule in active_rules(config.disabled_rules, config.extra_rules):
        listed.add(rule.id)
        click.echo(f'{rule.id}\t{rule.severity}\t{rule.description}')
    more = {rule_id: description for rule_id, (description, _d) in parser_reports().items()}
    for rule_id, description in {**more, **other_reports()}.items():
        if rule_id not in listed and rule_id not in config.disabled_rules:
            listed.add(rule_id)
            click.echo(f'{rule_id}\t{VARIES}\t{description}')
    return 0


@rules.command('show')
@click.argument('rule_id')
def show_rule(rule_id: str) -> int:
    """Everything about one rule id, a rule's samples included."""
    config = load_config()
    for rule in active_rules(frozenset(), config.extra_rules):
        if rule.id == rule_id:
            _show_rule(rule, config)
            return 0
    parsers = parser_reports()
    others = other_reports()
    if rule_id in parsers or rule_id in others:
        description, detector = parsers.get(rule_id, (others.get(rule_id, ''), None))
        click.echo(f'id:          {rule_id}')
        click.echo(f'description: {description}')
        click.echo(f'severity:    {VARIES} (judged for each finding)')
        if detector is not None:
            click.echo(f'detector:    {detector.id} (a parser, not a pattern)')
            click.echo(f'keywords:    {", ".join(sorted(detector.keywords)) or "(always runs)"}')
        _status(rule_id, config)
        return 0
    known = known_ids(config.extra_rules)
    raise UsageError(
        f'no rule {rule_id!r}: did you mean {closest_id(rule_id, known)!r}? (`guard rules list` shows the ids)'
    )


def _show_rule(rule: Rule, config: Config) -> None:
    click.echo(f'id:          {rule.id}')
    click.echo(f'description: {rule.description}')
    click.echo(f'severity:    {rule.severity}')
    click.echo(f'confidence:  {rule.confidence}')
    click.echo(f'keywords:    {", ".join(sorted(rule.keywords)) or "(always runs)"}')
    click.echo(f'pattern:     {rule.pattern}')
    if rule.validate:
        click.echo(f'validate:    {rule.validate}')
    _status(rule.id, config)


def _status(rule_id: str, config: Config) -> None:
    if rule_id in config.disabled_rules:
        click.echo('status:      disabled by config')
