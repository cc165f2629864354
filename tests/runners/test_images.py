"""Image specs and content hashes (no Docker): what makes `build --missing` rebuild an image."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from runners.catalogue import load_catalogue, parse_catalogue
from runners.images import ImageBuildError, content_hash, image_specs, rendered_dockerfile
from runners.settings import REPO_ROOT, EngineSettings, SettingsError

SANDBOX_IMAGE = "onsite/sandbox:trixie"


def _settings(images_dir: Path, **overrides: str) -> EngineSettings:
    return EngineSettings.load(environ={}, images_dir=str(images_dir), **overrides)


@pytest.fixture
def images_copy(tmp_path: Path) -> Path:
    target = tmp_path / "images"
    shutil.copytree(REPO_ROOT / "images", target)
    return target


def test_parents_come_before_children(images_copy: Path) -> None:
    catalogue = load_catalogue(REPO_ROOT / "config" / "languages.toml")
    tags = list(image_specs(catalogue, _settings(images_copy)))
    assert tags[0] == "onsite/base:trixie" and tags[1] == SANDBOX_IMAGE
    assert tags.index("onsite/java:trixie") < tags.index("onsite/kotlin:trixie")
    assert tags.index("onsite/node:trixie") < tags.index("onsite/typescript:trixie")
    assert tags.index("onsite/c:trixie") < tags.index("onsite/cpp:trixie")
    assert len(tags) == 2 + len(catalogue)


def test_hash_follows_context_catalogue_and_parents(images_copy: Path) -> None:
    catalogue = load_catalogue(REPO_ROOT / "config" / "languages.toml")
    before = image_specs(catalogue, _settings(images_copy))
    h = {tag: content_hash(before, tag) for tag in before}

    (images_copy / "sandbox" / "onsite-launch").write_text("#!/bin/bash\necho changed\n")
    after = image_specs(catalogue, _settings(images_copy))
    assert content_hash(after, SANDBOX_IMAGE) != h[SANDBOX_IMAGE]
    assert content_hash(after, "onsite/cpp:trixie") != h["onsite/cpp:trixie"]  # via c
    assert content_hash(after, "onsite/base:trixie") == h["onsite/base:trixie"]

    with (REPO_ROOT / "config" / "languages.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    raw["languages"]["ruby"]["version"] = "9.9"
    bumped = image_specs(parse_catalogue(raw), _settings(images_copy))
    assert content_hash(bumped, "onsite/ruby:trixie") != content_hash(after, "onsite/ruby:trixie")
    assert content_hash(bumped, "onsite/perl:trixie") == content_hash(after, "onsite/perl:trixie")


def test_a_language_without_a_dockerfile_is_refused(images_copy: Path) -> None:
    shutil.rmtree(images_copy / "ruby")
    catalogue = load_catalogue(REPO_ROOT / "config" / "languages.toml")
    with pytest.raises(ImageBuildError, match=r"ruby.*Dockerfile"):
        image_specs(catalogue, _settings(images_copy))


def test_from_an_unknown_onsite_image_is_refused(images_copy: Path) -> None:
    dockerfile = images_copy / "php" / "Dockerfile"
    dockerfile.write_text("FROM onsite/nothing:trixie\n")
    catalogue = load_catalogue(REPO_ROOT / "config" / "languages.toml")
    with pytest.raises(ImageBuildError, match="onsite/nothing"):
        image_specs(catalogue, _settings(images_copy))


def test_every_tag_follows_the_debian_suite(images_copy: Path) -> None:
    settings = _settings(images_copy, debian_suite="forky")
    catalogue = load_catalogue(REPO_ROOT / "config" / "languages.toml", settings.debian_suite)
    specs = image_specs(catalogue, settings)
    assert all(tag.endswith(":forky") for tag in specs), list(specs)
    assert specs["onsite/sandbox:forky"].parents == ("onsite/base:forky",)
    assert specs["onsite/kotlin:forky"].parents == ("onsite/node:forky", "onsite/java:forky")
    assert catalogue.get("python").image == "onsite/python:forky"
    trixie = _settings(images_copy)
    trixie_specs = image_specs(load_catalogue(REPO_ROOT / "config" / "languages.toml"), trixie)
    assert content_hash(specs, "onsite/c:forky") != content_hash(trixie_specs, "onsite/c:trixie")


def test_dockerfiles_name_the_suite_only_through_the_build_argument() -> None:
    for dockerfile in sorted((REPO_ROOT / "images").glob("*/Dockerfile")):
        text = dockerfile.read_text()
        assert "trixie" not in rendered_dockerfile(text, "forky"), dockerfile
        rendered = rendered_dockerfile(text, "trixie")
        assert "${DEBIAN_SUITE}" not in rendered and "ARG DEBIAN_SUITE" not in rendered


def test_a_bad_suite_name_is_refused() -> None:
    with pytest.raises(SettingsError, match="debian_suite"):
        EngineSettings.load(environ={"ONSITE_ENGINE_DEBIAN_SUITE": "trixie; rm -rf /"})
