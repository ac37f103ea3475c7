"""The JSON Schema (schema/tenant.schema.json) and the loader must agree on which tenant files
are well-formed: structure, types, enums and patterns. Cross-references (unknown plans, users
without devices ...) are the checker's business and are ignored here.

Run: CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest tests/schema

YAML is read the way yaml-language-server reads it (YAML 1.2 core schema: no timestamps, no
yes/no booleans, no sexagesimal numbers), so that "08:30" and 2026-12-25 stay strings. Known,
documented differences (docs/cli.md) are not in the fixtures: the loader also accepts unquoted
extensions (`001`), yes/no/on/off booleans, and a missing `version` is reported by the loader
only (included files have none, so the schema cannot require it).
"""
import json
import os
import pathlib
import re
import subprocess

import jsonschema
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schema" / "tenant.schema.json").read_text())
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))

# Codes for problems a schema can see: everything the loader reports (CP1xx), plus a
# ring group's caller_id, which the loader keeps so the checker can explain it (CP218).
SCHEMA_LEVEL = re.compile(r"^CP1\d\d$|^CP218$")


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema scalars."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool",
                           "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"))


def callplan_bin():
    path = os.environ.get("CALLPLAN_BIN")
    if not path:
        pytest.skip("CALLPLAN_BIN is not set")
    return path


def schema_errors(path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def loader_errors(path):
    run = subprocess.run([callplan_bin(), "check", "--format", "json", str(path)],
                         capture_output=True, text=True, check=False)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    return [f"{i['code']} {i['line']}:{i['column']} {i['message']}"
            for f in report["files"] for i in f["issues"] if SCHEMA_LEVEL.match(i["code"])]


def test_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_there_are_fixtures_of_both_kinds():
    assert len(VALID) >= 3 and len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_is_accepted_by_both(path):
    assert schema_errors(path) == []
    assert loader_errors(path) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_is_rejected_by_both(path):
    assert schema_errors(path) != [], "the schema accepts it"
    assert loader_errors(path) != [], "the loader accepts it"


def test_the_example_tenant_matches_the_schema():
    for path in sorted((ROOT / "examples" / "acme").glob("*.yaml")):
        if path.name == "tests.yaml":  # a plan-test file, not a tenant
            continue
        assert schema_errors(path) == [], path.name
