"""lazy(): a stand-in for a compiled regex that behaves as one, compiled or not."""

from __future__ import annotations

import copy
import pickle
import re

import pytest

from guard.detectors.lazyre import LazyPattern, lazy


@pytest.mark.parametrize('compile_first', [False, True])
def test_stand_in_survives_copy_and_pickle(compile_first: bool) -> None:
    """Copying or pickling asks a bare instance for __setstate__: that must not recurse."""
    stand_in = lazy(r'a(b+)', re.IGNORECASE)
    if compile_first:
        assert stand_in.match('ABB') is not None
    for twin in (copy.copy(stand_in), copy.deepcopy(stand_in), pickle.loads(pickle.dumps(stand_in))):
        assert isinstance(twin, LazyPattern)
        found = twin.match('xABBB', 1)
        assert found is not None and found.group(1) == 'BBB'
        assert (twin.pattern, twin.flags & re.IGNORECASE) == (r'a(b+)', re.IGNORECASE)


def test_private_names_are_not_forwarded() -> None:
    with pytest.raises(AttributeError):
        lazy('a')._no_such_thing  # noqa: B018
