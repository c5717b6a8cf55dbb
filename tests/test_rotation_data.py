"""`rotate_url` and `remediation` in the rule data: what the HTML audit tells people to do."""

from __future__ import annotations

import pytest

from guard import rulefile
from guard.detectors.rules import Rule, builtin_rules, parse_builtin_rules, rules_from_yaml
from guard.errors import ConfigError

# the providers whose keys leak most: each rule of theirs says where to rotate and what to do
MAJOR = [
    'aws-access-key-id',
    'aws-secret-access-key',
    'gcp-service-account-key',
    'google-api-key',
    'azure-storage-account-key',
    'azure-ad-client-secret',
    'github-pat',
    'github-fine-grained-pat',
    'gitlab-pat',
    'slack-bot-token',
    'slack-webhook-url',
    'stripe-secret-key',
    'openai-api-key',
    'anthropic-api-key',
    'twilio-auth-token',
    'sendgrid-api-key',
    'npm-access-token',
    'pypi-upload-token',
    'docker-hub-pat',
    'shopify-access-token',
    'datadog-api-key',
]
RULE = "- {id: x, description: d, pattern: 'a(b)', keywords: [ab], samples: {positive: [ab], negative: [a]}%s}"


@pytest.mark.parametrize('rule_id', MAJOR)
def test_major_providers_say_where_to_rotate(rule_id: str) -> None:
    rule = {r.id: r for r in builtin_rules()}[rule_id]
    assert rule.rotate_url and rule.rotate_url.startswith('https://')
    assert rule.remediation and '\n' not in rule.remediation and rule.remediation.endswith('.')


def test_private_keys_say_what_to_do_without_a_url() -> None:
    rule = {r.id: r for r in builtin_rules()}['private-key-openssh']
    assert rule.rotate_url is None and rule.remediation and 'key pair' in rule.remediation


def test_the_fields_are_optional() -> None:
    (rule,) = rules_from_yaml(RULE % '', 'x.yaml')
    assert rule.rotate_url is None and rule.remediation is None


def test_user_rules_may_carry_them() -> None:
    (rule,) = rules_from_yaml(RULE % ", rotate_url: 'https://acme.test/keys', remediation: ' Revoke it. '", 'x.yaml')
    assert rule.rotate_url == 'https://acme.test/keys' and rule.remediation == 'Revoke it.'


@pytest.mark.parametrize(
    ('extra', 'message'),
    [
        (", rotate_url: 'http://acme.test/keys'", 'https://'),
        (", rotate_url: 'javascript:alert(1)'", 'https://'),
        (', rotate_url: 3', 'https://'),
        (", remediation: 'two\\nlines'", 'one line'),
        (", remediation: ''", 'one line'),
    ],
)
def test_bad_values_are_rejected_naming_the_rule(extra: str, message: str) -> None:
    text = (RULE % extra).replace("'two\\nlines'", '"two\\nlines"')
    with pytest.raises(ConfigError, match=f'x.yaml:1: rule x: .*{message}'):  # the rule's line
        rules_from_yaml(text, 'x.yaml')


def test_they_survive_the_generated_rule_file() -> None:
    stored = {r.id: r for r in rulefile.load(Rule)[0]}
    parsed = {r.id: r for r in parse_builtin_rules()}
    assert stored['stripe-secret-key'].rotate_url == parsed['stripe-secret-key'].rotate_url is not None
    assert stored['stripe-secret-key'].remediation == parsed['stripe-secret-key'].remediation is not None
