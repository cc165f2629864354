"""Judge0 language ids and names (server.judge0.languages)."""

from __future__ import annotations

from server.judge0.languages import JUDGE0_IDS, judge0_languages
from tests.server.judge0.conftest import CATALOGUE


def test_languages_carry_our_versions_and_judge0_ids() -> None:
    langs = {lang.engine_id: lang for lang in judge0_languages(CATALOGUE)}
    assert langs["python"].id == 71 and langs["python"].name == "Python (3.13.5)"
    assert langs["node"].id == 63 and langs["c"].id == 50 and langs["java"].id == 62
    assert langs["javascript"].id not in range(1, 90)
    assert len(set(JUDGE0_IDS.values())) == len(JUDGE0_IDS)
