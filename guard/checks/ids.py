"""The rule ids the hygiene checks and the baseline policy report, with a line each: part of
the one rule-id namespace (guard.detectors), so `guard rules list/show` and `rules.disable`
know them as they know the detectors' (tests/test_rule_ids.py keeps this table complete)."""

from __future__ import annotations

REPORTS: dict[str, str] = {
    'gitignore-missing': 'Env, key or credential files that .gitignore does not ignore',
    'env-template-ignored': 'An env template (.env.example…) that .gitignore ignores, so it is never shared',
    'env-file-tracked': 'An env or key file that git tracks',
    'env-example-secret': 'A real-looking secret in an env template',
    'env-example-undocumented': 'A template variable that no docs file mentions',
    'env-example-lint-parse': 'An env template line that cannot be parsed',
    'env-example-lint-duplicate': 'A variable set twice in an env template (the last one wins)',
    'env-example-lint-invalid-name': 'An env template key that is not a valid variable name',
    'env-example-lint-lowercase': 'An env template key with lowercase letters',
    'env-example-lint-spaces': 'Spaces around = in an env template',
    'env-example-lint-no-value': 'An env template key without =',
    'env-example-lint-unquoted': 'An env template value with spaces, unquoted',
    'env-missing-in-template': 'A variable the code, a local env file or the schema uses that the template lacks',
    'env-missing-in-local': 'Template variables a local env file does not set',
    'env-unused': 'A template variable nothing reads',
    'env-file-malformed': 'An env file line that cannot be parsed',
    'env-schema-invalid': 'An env value that does not match its type in the schema',
    'env-schema-missing': 'A variable the schema requires that no env file sets',
    'env-schema-unknown': 'A variable of an env file that the schema does not declare',
    'env-schema-error': 'A settings class whose own code raised on the values (the app would not start)',
    'env-file-not-ignored': 'An env file that .gitignore does not ignore',
    'env-public-secret': 'A secret under a prefix that ships it to the browser (NEXT_PUBLIC_, VITE_…)',
    'env-secret-default': 'A secret with a default value in code or in the schema',
    'baseline-unused': 'A baseline entry that no finding matched any more (--fail-on-unused)',
}
