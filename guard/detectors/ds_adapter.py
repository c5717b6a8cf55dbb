"""detect-secrets' plugins as one guard detector: the only module that imports detect_secrets.

Opt-in (`detectors: [detect-secrets]`) and imported lazily: importing detect_secrets costs
more than the whole pre-commit budget (docs/performance.md). It runs offline: its
network verification filter is never enabled. Findings get rule ids
`ds:<secret type>` and go through `secret_finding` like guard's own, so the
scanner's dedupe (same line, same secret hash) merges them with guard's; they rank
below guard's rules there (medium severity), so a duplicate keeps guard's rule id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from guard.detectors.base import secret_finding
from guard.models import Confidence, Finding, Fragment, Severity

VERIFICATION_FILTER = 'detect_secrets.filters.common.is_ignored_due_to_verification_policies'
MIN_SECRET = 8  # some plugins capture only a prefix group ('ghp'): nothing to report from that
# Plugins that only guess from entropy or a variable name: less sure than format-specific ones.
GUESSES = frozenset({'Base64 High Entropy String', 'Hex High Entropy String', 'Secret Keyword'})
# detect-secrets 1.5.0's plugins by secret type (a test keeps this equal to the installed
# plugins): listed here so the rule ids are known without importing detect_secrets
SECRET_TYPES = (
    'AWS Access Key',
    'Artifactory Credentials',
    'Azure Storage Account access key',
    'Base64 High Entropy String',
    'Basic Auth Credentials',
    'Cloudant Credentials',
    'Discord Bot Token',
    'GitHub Token',
    'GitLab Token',
    'Hex High Entropy String',
    'IBM COS HMAC Credentials',
    'IBM Cloud IAM Key',
    'JSON Web Token',
    'Mailchimp Access Key',
    'NPM tokens',
    'OpenAI Token',
    'Private Key',
    'Public IP (ipv4)',
    'PyPI Token',
    'Secret Keyword',
    'SendGrid API Key',
    'Slack Token',
    'SoftLayer Credentials',
    'Square OAuth Secret',
    'Stripe Access Key',
    'Telegram Bot Token',
    'Twilio API Key',
)


def rule_id(secret_type: str) -> str:
    """'AWS Access Key' → 'ds:aws-access-key'."""
    return 'ds:' + re.sub(r'[^a-z0-9]+', '-', secret_type.lower()).strip('-')


def potential_secrets(path: str, numbered_lines: list[tuple[int, str]]) -> list[Any]:
    """detect-secrets' findings in these lines: every built-in plugin, its default heuristic
    filters, never its network verification.

    Its settings are process-global, so they are applied with `transient_settings`, which
    starts from fresh defaults and puts the caller's settings back on exit: nothing is left
    changed for other users of detect_secrets in the process, and guard keeps no state of its
    own (about 1.5 ms a fragment, measured with 27 plugins; the detector is opt-in).

    `_process_line_based_plugins` is private, and the one private call: of the public entry
    points, `scan_line` loses the file name (its filters and the Keyword plugin's file-type
    rules use it) and the line numbers, and forces eager search; `scan_file` reads the file
    from disk, not the staged or historical text guard scans; `scan_diff` needs unidiff, not
    one of guard's dependencies, and a unified diff built from the fragment."""
    from detect_secrets.core import scan
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import transient_settings

    classes: list[type] = list(get_mapping_from_secret_type_to_class().values())
    plugins = [{'name': plugin.__name__} for plugin in classes]
    with transient_settings({'plugins_used': plugins}) as settings:
        settings.disable_filters(VERIFICATION_FILTER)  # absent from fresh defaults: stays so
        return list(scan._process_line_based_plugins(numbered_lines, filename=path))


class DetectSecretsDetector:
    id = 'detect-secrets'
    keywords: frozenset[str] = frozenset()  # its plugins have no keyword prefilter: always run
    reports = {rule_id(t): f'{t} (detect-secrets plugin, with `detectors: [detect-secrets]`)' for t in SECRET_TYPES}

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        lines = fragment.text.split('\n')
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        numbered = [(fragment.start_line + i, line) for i, line in enumerate(lines)]
        for found in potential_secrets(fragment.path, numbered):
            secret = found.secret_value
            index = found.line_number - fragment.start_line
            if not secret or len(secret) < MIN_SECRET or not 0 <= index < len(lines):
                continue
            column = lines[index].find(secret)
            if column < 0:
                continue
            guess = found.type in GUESSES
            yield secret_finding(
                fragment,
                starts[index] + column,
                secret,
                rule_id=rule_id(found.type),
                severity=Severity.MEDIUM,
                confidence=Confidence.LOW if guess else Confidence.MEDIUM,
                message=f'{found.type} (detect-secrets)',
            )
