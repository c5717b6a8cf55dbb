"""One rule-id namespace: every id a finding can carry is listed, shown and disableable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard.detectors.rules import RuleDetector, builtin_rules
from tests.conftest import GuardRun, commit_all, git, run_guard, write
from tests.secrets import github_token, random_body

PW = random_body(22)


def plant(repo: Path) -> None:
    """One finding of each id the parsers report, in the files they come from."""
    write(repo / 'ops' / '.pgpass', f'pg.lumen.io:5432:*:admin:{PW}\n')
    write(repo / '.netrc', f'machine artifacts.lumen.io\nlogin ci\npassword {random_body(22)}\n')
    write(repo / 'config' / 'master.key', random_body(32, '0123456789abcdef'))
    write(
        repo / 'kafka.properties',
        'bootstrap.servers=pkc-1.europe-west1.gcp.confluent.cloud:9092\n'
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required '
        f"username='KEY' password='{random_body(22)}';\n",
    )
    write(repo / 'db.py', f'URL = "postgres://svc:{random_body(22)}@pg.lumen.io/app"\n')


def scanned_ids(run: GuardRun, *args: str) -> tuple[int, set[str]]:
    result = run('scan', '--format', 'json', *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, {f['rule_id'] for f in json.loads(result.stdout)['findings']}


PARSER_IDS = {'pgpass-password', 'netrc-password', 'rails-master-key', 'kafka-jaas-password', 'connection-string'}


def test_every_id_a_parser_finding_carries_is_listed_and_shown(repo: Path, guard_main: GuardRun) -> None:
    plant(repo)
    _code, found = scanned_ids(guard_main)
    assert found == PARSER_IDS
    listed = {line.split('\t')[0] for line in guard_main('rules', 'list').stdout.splitlines()}
    assert found <= listed and 'github-pat' in listed
    for rule_id in sorted(found):
        shown = guard_main('rules', 'show', rule_id)
        assert shown.returncode == 0 and f'id:          {rule_id}' in shown.stdout, rule_id


@pytest.mark.parametrize('rule_id', sorted(PARSER_IDS))
def test_every_parser_id_can_be_disabled_alone(repo: Path, rule_id: str, guard_main: GuardRun) -> None:
    plant(repo)
    write(repo / '.guard.yaml', f'rules:\n  disable: [{rule_id}]\n')
    assert scanned_ids(guard_main)[1] == PARSER_IDS - {rule_id}
    shown = guard_main('rules', 'show', rule_id)
    assert 'status:      disabled by config' in shown.stdout
    assert rule_id not in {line.split('\t')[0] for line in guard_main('rules', 'list').stdout.splitlines()}


def test_a_disabled_id_leaves_its_detectors_other_ids_and_works_on_history(repo: Path, guard_main: GuardRun) -> None:
    plant(repo)
    commit_all(repo, 'credentials')
    write(repo / '.guard.yaml', 'rules:\n  disable: [kafka-jaas-password]\n')
    git('add', '.guard.yaml')
    _code, found = scanned_ids(guard_main, '--staged', 'kafka.properties', 'db.py')
    assert found == {'connection-string'}
    history = run_guard('scan-history', '--format', 'json', '--no-cache')
    ids = {g['rule_id'] for g in json.loads(history.stdout)['groups']}
    assert 'kafka-jaas-password' not in ids and 'pgpass-password' in ids


def test_unknown_id_in_rules_disable_is_exit_2_naming_the_closest(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'a.py', f'T = "{github_token()}"\n')
    write(repo / '.guard.yaml', 'rules:\n  disable: [github-pta]\n')
    for args in (('scan',), ('scan', '--staged'), ('rules', 'list')):
        result = guard_main(*args)
        assert result.returncode == 2, args
        assert "unknown rule id 'github-pta'; did you mean 'github-pat'?" in result.stderr
        assert '.guard.yaml' in result.stderr
    shown = guard_main('rules', 'show', 'pgpass-pasword')
    assert shown.returncode == 2 and "did you mean 'pgpass-password'?" in shown.stderr
    write(repo / '.guard.yaml', 'rules:\n  disable: [credential-file, own-secret]\n')  # detector ids still work
    assert guard_main('scan').returncode == 1


def test_every_detector_declares_what_it_reports() -> None:
    from guard.detectors import PARSERS, build_detectors
    from guard.detectors.base import Detector

    for parser in PARSERS:
        reports = vars(parser).get('reports')
        assert isinstance(reports, dict) and reports, f'{parser.__name__} declares no reports'
        assert all(isinstance(k, str) and v and '\n' not in v for k, v in reports.items())
    rule = builtin_rules()[0]
    assert RuleDetector(rule).reports == {rule.id: rule.description}
    detectors: list[Detector] = build_detectors()
    # the decoding detector reports the ids of the detectors it wraps, none of its own
    assert all(d.reports for d in detectors if d.id != 'decoded-secret' and type(d).__name__ != 'DecodingDetector')


def test_detect_secrets_ids_are_the_installed_plugins() -> None:
    pytest.importorskip('detect_secrets')
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    from guard.detectors.ds_adapter import SECRET_TYPES

    assert sorted(SECRET_TYPES) == sorted(get_mapping_from_secret_type_to_class())


def test_check_ids_are_in_the_namespace_and_can_be_disabled(repo: Path, guard_main: GuardRun) -> None:
    import re

    from guard.baseline import UNUSED_RULE
    from guard.checks.ids import REPORTS

    checks = Path(__file__).resolve().parent.parent / 'guard' / 'checks'
    emitted = {
        m
        for source in checks.glob('*.py')
        for m in re.findall(r"(?:rule_id=|_finding\(\s*)'([a-z][a-z0-9-]+)'", source.read_text(encoding='utf-8'))
    }
    assert len(emitted) > 10 and emitted | {UNUSED_RULE} == set(REPORTS)
    write(repo / '.env', 'DATABASE_URL=postgres://localhost/dev\n')
    git('add', '.env')
    assert 'env-file-tracked' in guard_main('check', 'gitignore').stdout
    write(repo / '.guard.yaml', 'rules:\n  disable: [env-file-tracked]\n')
    assert 'env-file-tracked' not in guard_main('check', 'gitignore').stdout
    assert guard_main('rules', 'show', 'env-file-tracked').returncode == 0
    write(repo / '.guard.yaml', 'rules:\n  disable: [env-file-traked]\n')
    typo = guard_main('check', 'gitignore')
    assert typo.returncode == 2 and "did you mean 'env-file-tracked'?" in typo.stderr
