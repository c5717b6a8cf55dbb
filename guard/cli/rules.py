"""`guard rules list|show ID`."""

from __future__ import annotations

import click

from guard.config import load_config
from guard.detectors import active_rules
from guard.errors import UsageError


@click.group()
def rules() -> None:
    """List the detection rules, or show one."""


@rules.command('list')
def list_rules() -> int:
    """One rule per line: id, severity, description."""
    config = load_config()
    for rule in active_rules(config.disabled_rules, config.extra_rules):
        click.echo(f'{rule.id}\t{rule.severity}\t{rule.description}')
    return 0


@rules.command('show')
@click.argument('rule_id')
def show_rule(rule_id: str) -> int:
    """Everything about one rule, its samples included."""
    config = load_config()
    for rule in active_rules(frozenset(), config.extra_rules):
        if rule.id == rule_id:
            click.echo(f'id:          {rule.id}')
            click.echo(f'description: {rule.description}')
            click.echo(f'severity:    {rule.severity}')
            click.echo(f'confidence:  {rule.confidence}')
            click.echo(f'keywords:    {", ".join(sorted(rule.keywords)) or "(always runs)"}')
            click.echo(f'pattern:     {rule.pattern}')
            if rule.validate:
                click.echo(f'validate:    {rule.validate}')
            if rule.id in config.disabled_rules:
                click.echo('status:      disabled by config')
            return 0
    raise UsageError(f'no rule {rule_id!r}: `guard rules list` shows the ids')
