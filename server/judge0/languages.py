"""Judge0 language ids for the engine's languages.

Judge0 CE 1.13's well-known ids where Judge0 has the language (63 "JavaScript" is Node.js in
Judge0, so it is our ``node``); a language Judge0 lacks gets an id Judge0 CE does not use (it
numbers 43-89, the extra flavour 1-30). Names carry our real versions, in Judge0's
``"Name (version)"`` form. A catalogue language with no id here is simply not offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from runners.contract import LanguageInfo

JUDGE0_IDS: Mapping[str, int] = {
    "c": 50,
    "cpp": 54,
    "java": 62,
    "python": 71,
    "csharp": 51,
    "go": 60,
    "node": 63,
    "php": 68,
    "perl": 85,
    "typescript": 74,
    "kotlin": 78,
    "ruby": 72,
    "rust": 73,
    # Not in Judge0: ids Judge0 never assigned.
    "javascript": 1001,  # QuickJS
}


@dataclass(frozen=True, slots=True)
class Judge0Language:
    id: int
    name: str
    engine_id: str
    source_file: str
    compiled: bool

    def summary(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name}

    def detail(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "is_archived": False,
            "source_file": self.source_file,
            # Our commands run inside the sandbox image and are not Judge0 shell lines.
            "compile_cmd": None,
            "run_cmd": None,
        }


def judge0_languages(infos: Sequence[LanguageInfo]) -> list[Judge0Language]:
    """The engine's languages that have a Judge0 id, sorted by name as Judge0 lists them."""
    out = [
        Judge0Language(
            id=JUDGE0_IDS[info.id],
            name=f"{info.name} ({info.version})",
            engine_id=info.id,
            source_file=info.source_file,
            compiled=info.compiled,
        )
        for info in infos
        if info.id in JUDGE0_IDS
    ]
    return sorted(out, key=lambda lang: (lang.name.lower(), lang.id))


def language_by_id(infos: Sequence[LanguageInfo], language_id: int) -> Judge0Language | None:
    return next((lang for lang in judge0_languages(infos) if lang.id == language_id), None)
