"""`guard rules list|show ID`: every rule id a finding can carry, from the detectors' registry."""

from __future__ import annotations

import click

from guard import api
from guard.config import load_config


@click.group()
def rules() -> None:
    """List the detection rules, or show one."""


@rules.command('list')
def list_rules() -> int:
    """One rule id per line: id, severity, description (rules, then the parsers' ids)."""
    for row in api.rule_table(load_config()):
        click.echo('\t'.join(row))
    return 0


@rules.command('show')
@click.argument('rule_id')
def show_rule(rule_id: str) -> int:
    """Everything about one rule id, a rule's samples included."""
    for field, value in api.rule_detail(rule_id, load_config()):
        click.echo(f'{field + ":":<13}{value}')
    return 0
