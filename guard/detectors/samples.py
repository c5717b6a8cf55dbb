"""Known public sample values: published in providers' documentation and emulators, so they open
nothing (or only a local emulator) and appear in countless READMEs and tests. They stay silent
whichever rule matches them.

Kept as SHA-256 digests of the exact value (the form every finding carries in `secret_hash`), with
where each is published and its first characters, so that the values themselves, which other
scanners flag, are not copied into guard's own tree.
"""

from __future__ import annotations

from guard.models import Finding

PUBLIC_SAMPLES: dict[str, str] = {
    # Azurite and the Azure Storage Emulator: the account key of `devstoreaccount1`, 'Eby8…==' (88),
    # learn.microsoft.com/azure/storage/common/storage-use-azurite#http-connection-strings
    '0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059': 'Azurite emulator account key',
    # AWS documentation's example access key pairs ('…EXAMPLE', '…EXAMPLEKEY'),
    # docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html and the CLI configuration guide
    '1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3': 'AWS documentation access key id (AKIAIOSF…)',
    '78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598': 'AWS documentation secret key (wJalrXUt…)',
    'c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9': 'AWS documentation access key id (AKIAI44Q…)',
    'e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33': 'AWS documentation secret key (je7MtGbC…)',
    # jwt.io's debugger sample: HS256, {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}
    # (and the later sample with "admin": true), jwt.io/introduction
    '7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606': 'jwt.io sample token (John Doe)',
    'c794fa6d20c64efb9adf980ae93af472a1679775862d421ffe55d4a57fad5b3e': 'jwt.io sample token (John Doe, admin)',
    # Firebase's web SDK reference: the example value of `FirebaseOptions.apiKey` ('AIzaSyDOCAbC123dEf…'),
    # firebase.google.com/docs/reference/js/app.firebaseoptions, in both spellings it has been printed
    '95a4db2dd430bb3f690bf0c7487f3bc86017ee3030c65ed28f9c66141c4d99d7': 'Firebase SDK sample API key',
    '279a2219c2388e7f062e82cf79c635e61ee39772b9516af952db98a5406886d3': 'Firebase SDK sample API key',
    # Stripe's API reference and quick-starts: the published test-mode keys ('sk_test_4eC3…', 'pk_test_TYoo…',
    # and the older 'sk_test_BQok…', 'pk_test_6pRN…'), docs.stripe.com/api/authentication
    '2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326': 'Stripe documentation test secret key',
    'b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b': 'Stripe documentation publishable key',
    'f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397': 'Stripe documentation test secret key (older)',
    '5895b89c8fb33402a5bfc23aad5aaf863fbb438a51e1a0bb02b0ce618c8fdf9d': 'Stripe documentation publishable key (older)',
}


def is_public_sample(finding: Finding) -> bool:
    return finding.secret_hash in PUBLIC_SAMPLES
