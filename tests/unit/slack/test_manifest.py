"""config/slack-manifest.yml validates against Slack's official manifest JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

MANIFEST = Path(__file__).resolve().parents[3] / "config" / "slack-manifest.yml"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def _validator(shared_dir: Path) -> Draft7Validator:
    folder = shared_dir / "specs" / "slack" / "manifest-schema"
    registry: Registry = Registry()
    for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"):
        schema = json.loads((folder / name).read_text(encoding="utf-8"))
        registry = registry.with_resource(REMOTE + name, Resource.from_contents(schema))
    root = json.loads((folder / "manifest.schema.json").read_text(encoding="utf-8"))
    return Draft7Validator(root, registry=registry)


def test_manifest_is_valid_against_the_official_schema(shared_dir: Path) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    errors = sorted(_validator(shared_dir).iter_errors(manifest), key=lambda e: e.path)
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_the_schema_check_rejects_a_broken_manifest(shared_dir: Path) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    manifest["features"]["slash_commands"][0]["command"] = "track"  # must start with "/"
    manifest["display_information"]["name"] = "K" * 40  # 1-35 characters
    assert list(_validator(shared_dir).iter_errors(manifest))


def test_manifest_declares_every_chat_command() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert {"/track", "/untrack", "/list", "/digest", "/lang", "/why", "/sources"} <= commands
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
