"""Per-language test programs, read from beside each image: ``images/<id>/tests/<name><ext>``.

A new language brings its own (``images/README.md``); nothing here names a language. ``sum``
reads integers line by line from stdin, prints ``Σ=<sum> 🚀`` on stdout (non-ASCII, an emoji
outside the BMP) and ``done`` on stderr. ``crash`` prints ``started`` then fails at run time,
``loop`` prints ``started`` and never ends (what was printed must survive either ending),
``broken`` does not compile (type-check, for TypeScript; only for languages with a compile
stage), and ``echo`` reads one line and prints it back as ``[<line>]`` (most also its length).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runners.catalogue import Language, load_catalogue
from runners.settings import EngineSettings


@dataclass(frozen=True)
class Programs:
    sum: str
    crash: str
    loop: str
    echo: str
    broken: str | None = None
    """Only for languages with a compile (or type-check) stage."""


SUM_INPUT = "3\n4\n\n5\n"
SUM_OUTPUT = "Σ=12 🚀"
ECHO_INPUT = "héllo → 🚀\n"
"""Read back by the ``echo`` programs: stdin must be decoded as UTF-8 in every language."""
REQUIRED = ("sum", "crash", "loop", "echo")


def test_programs_folder(language: Language, images_dir: Path) -> Path:
    return images_dir / language.id / "tests"


test_programs_folder.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def load_programs(language: Language, images_dir: Path) -> Programs | None:
    """A language's programs, or ``None`` when its image folder has none of them."""
    folder = test_programs_folder(language, images_dir)
    suffix = Path(language.source_file).suffix

    def read(name: str) -> str | None:
        path = folder / f"{name}{suffix}"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    found = {name: read(name) for name in (*REQUIRED, "broken")}
    if any(found[name] is None for name in REQUIRED):
        return None
    return Programs(
        sum=found["sum"] or "",
        crash=found["crash"] or "",
        loop=found["loop"] or "",
        echo=found["echo"] or "",
        broken=found["broken"],
    )


def _all() -> dict[str, Programs]:
    settings = EngineSettings.load()
    images_dir = Path(settings.images_dir)
    programs: dict[str, Programs] = {}
    for language in load_catalogue(settings.catalogue_path):
        loaded = load_programs(language, images_dir)
        if loaded is not None:
            programs[language.id] = loaded
    return programs


PROGRAMS: dict[str, Programs] = _all()
ECHO_LINE: dict[str, str] = {lang: programs.echo for lang, programs in PROGRAMS.items()}
