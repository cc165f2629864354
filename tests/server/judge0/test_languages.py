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


def test_every_catalogue_language_has_a_judge0_id() -> None:
    from runners.catalogue import load_catalogue
    from runners.settings import EngineSettings

    catalogue = load_catalogue(EngineSettings().catalogue_path)
    assert {info.id for info in catalogue.infos()} <= set(JUDGE0_IDS)
