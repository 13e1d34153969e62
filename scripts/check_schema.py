#!/usr/bin/env python3
"""Validates every scenario YAML file under the given directories against the JSON Schema.

Dates stay strings (as Escalation reads them), so the schema can describe them as YYYY-MM-DD.
Exits 1 and names each file and problem if any scenario does not validate.
"""
import pathlib
import sys

import jsonschema
import yaml


class StringDatesLoader(yaml.SafeLoader):
    """YAML 1.1 reads 2020-03-11 as a date; Escalation reads it as text."""


StringDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def main() -> int:
    schema_path, *roots = sys.argv[1:]
    schema = yaml.load(pathlib.Path(schema_path).read_text(), Loader=StringDatesLoader)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    # Posterior samples and fit summaries under params/ are outputs, not scenarios.
    files = sorted(p for root in roots for p in pathlib.Path(root).rglob("*.yaml") if "params" not in p.parts)
    for path in files:
        document = yaml.load(path.read_text(), Loader=StringDatesLoader)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        for error in errors:
            where = ".".join(str(p) for p in error.path) or "(top)"
            print(f"{path}: {where}: {error.message}", file=sys.stderr)
        failures += bool(errors)
    print(f"schema: {len(files) - failures} of {len(files)} scenario files valid")

    # The schema must be able to fail: a broken copy of the first complete scenario is rejected.
    for path in files:
        document = yaml.load(path.read_text(), Loader=StringDatesLoader)
        if "actions" in document and "extends" not in document:
            broken = dict(document)
            first = next(iter(broken["actions"]))
            broken["actions"] = dict(broken["actions"])
            broken["actions"][first] = dict(broken["actions"][first], rung=15, colour="red")
            if validator.is_valid(broken):
                print(f"schema: a copy of {path} with a rung of 15 and an unknown key passed", file=sys.stderr)
                return 1
            print(f"schema: rejects a broken copy of {path}")
            break
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
