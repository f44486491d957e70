"""Validate Compose files against the Compose Specification JSON schema.

Usage: python validate.py --schema compose-spec.json FILE [FILE ...]

Exit status: 0 every file is valid, 1 at least one file is invalid,
2 the validator itself could not run (bad arguments, unreadable schema).

Run through .ci/validate-compose, which supplies a venv with the pinned
jsonschema and PyYAML from requirements.txt beside this file.

Beyond the schema, it does what `docker compose config` does before the
schema sees the file and a few of the cross-checks it does after:
  * YAML is read with YAML 1.2 core-schema scalars, as Compose's Go parser
    reads it: `no`, `on`, `off` stay strings (so `restart: no` is fine),
    `22:22` is not a base-60 number, dates stay strings;
  * a key repeated in one mapping is an error (PyYAML alone keeps the last);
  * Compose's own `!reset` and `!override` tags are accepted;
  * `depends_on` must name services of this file and named volumes used by
    services must be declared under the top-level `volumes`;
  * a top-level `version` draws a warning, as Compose prints one.
Variables (`${VAR:-default}`) are not interpolated: the file is checked as
written, which suits a file whose variables all sit in string fields.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml
from jsonschema.exceptions import best_match


# --- YAML reading -----------------------------------------------------------


class Yaml12Resolver(yaml.resolver.BaseResolver):
    """Plain-scalar typing of the YAML 1.2 core schema (what Go's yaml.v3 does)."""


for _tag, _regexp, _first in [
    (
        "tag:yaml.org,2002:bool",
        r"^(?:true|True|TRUE|false|False|FALSE)$",
        "tTfF",
    ),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
        "-+0123456789",
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
]:
    Yaml12Resolver.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))


class StrictConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor that rejects repeated keys and reads 1.2-style ints."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    continue  # the parent class reports unhashable keys
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r} (first at line "
                        f"{seen[key].line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        value = self.construct_scalar(node).replace("_", "")
        if value.startswith(("0o", "0x")):
            return int(value, 0)
        return int(value, 10)

    def construct_compose_tag(self, node):
        # `!reset` / `!override` change how Compose merges files; the value
        # under them is ordinary data.
        if isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        value = self.construct_scalar(node)
        return None if value in ("", "null", "~") else value


StrictConstructor.add_constructor(
    "tag:yaml.org,2002:int", StrictConstructor.construct_yaml_int
)
StrictConstructor.add_constructor("!reset", StrictConstructor.construct_compose_tag)
StrictConstructor.add_constructor("!override", StrictConstructor.construct_compose_tag)


class ComposeLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    StrictConstructor,
    Yaml12Resolver,
):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        StrictConstructor.__init__(self)
        Yaml12Resolver.__init__(self)


def load(text: str, name: str):
    """Returns (data, root node) of a one-document YAML text."""
    loader = ComposeLoader(text)
    loader.name = name  # shown in YAML error marks
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return data, node
    finally:
        loader.dispose()


def line_of(node, path) -> int | None:
    """1-based line of the deepest key or item along `path` that is in the file."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in path:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                    nxt, at = value_node, key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                nxt = at = node.value[step]
        if nxt is None:
            break
        node = nxt
        line = at.start_mark.line + 1
    return line


# --- checks -----------------------------------------------------------------


def dotted(path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


def schema_problems(validator, data):
    """(path, message) for each schema violation, most specific cause first."""
    problems = []
    for error in validator.iter_errors(data):
        # A failed oneOf/anyOf says only "not valid under any of the given
        # schemas": report the sub-error of the branch that fits best instead.
        leaf = best_match([error]) if error.context else error
        path = list(leaf.absolute_path)
        if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
            problems.extend(unknown_keys(path, leaf.instance, leaf.schema))
        else:
            problems.append((path, leaf.message))
    return problems


def unknown_keys(path, instance, schema):
    """One readable problem per key that `additionalProperties: false` refuses."""
    known = list(schema.get("properties", {}))
    patterns = list(schema.get("patternProperties", {}))
    out = []
    for key in instance:
        if key in known or any(re.search(p, str(key)) for p in patterns):
            continue
        message = "unknown key"
        close = difflib.get_close_matches(str(key), known, n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        if known:
            message += "; allowed here: " + ", ".join(known)
            if "^x-" in patterns:
                message += ", and x-* extensions"
        elif patterns:
            message += f"; keys here must match {' or '.join(patterns)}"
        out.append((path + [key], message))
    return out


def named_volume(entry) -> str | None:
    """The named volume a service `volumes` entry uses, if any."""
    if isinstance(entry, dict):
        if entry.get("type") == "volume" and isinstance(entry.get("source"), str):
            return entry["source"] or None
        return None
    if not isinstance(entry, str) or ":" not in entry:
        return None  # an anonymous volume: just a container path
    source = entry.split(":", 1)[0]
    if not source or source.startswith(("/", ".", "~", "$")) or "/" in source or "\\" in source:
        return None  # a bind mount, or decided by a variable
    return source


def model_problems(data):
    """Cross-references the schema cannot express."""
    problems = []
    if "include" in data:
        return problems  # services and volumes may come from included files
    services = data.get("services")
    volumes = data.get("volumes")
    if not isinstance(services, dict):
        return problems
    if not isinstance(volumes, dict):
        volumes = {}
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        deps = service.get("depends_on")
        for dep in deps if isinstance(deps, (list, dict)) else []:
            if dep not in services:
                problems.append(
                    (["services", name, "depends_on", dep],
                     f"{dep!r} is not a service defined in this file")
                )
        mounts = service.get("volumes")
        for i, entry in enumerate(mounts if isinstance(mounts, list) else []):
            vol = named_volume(entry)
            if vol is not None and vol not in volumes:
                problems.append(
                    (["services", name, "volumes", i],
                     f"named volume {vol!r} is not declared under the top-level 'volumes'")
                )
    return problems


def check(path: Path, validator, schema_label: str) -> bool:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        print(f"{shown}: cannot read: {e}")
        return False
    try:
        data, root = load(text, shown)
    except yaml.YAMLError as e:
        print(f"{shown}: not valid YAML:\n{e}")
        print(f"{shown}: INVALID: not readable as Compose YAML")
        return False
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        print(f"{shown}: a Compose file must be a mapping at the top level, this one is {kind}")
        return False

    problems = schema_problems(validator, data) + model_problems(data)
    located = sorted(
        ((line_of(root, p) or 0, dotted(p), message) for p, message in problems),
        key=lambda t: (t[0], t[1]),
    )
    for line, where, message in located:
        print(f"{shown}:{line}: {where}: {message}" if line else f"{shown}: {where}: {message}")
    if problems:
        n = len(problems)
        print(f"{shown}: INVALID: {n} problem{'s' if n != 1 else ''} "
              f"(checked against the Compose Specification schema {schema_label})")
        return False

    if "version" in data:
        print(f"{shown}: warning: the top-level 'version' is obsolete and ignored by Compose; remove it")
    services = data.get("services") or {}
    print(f"{shown}: valid ({len(services)} service{'s' if len(services) != 1 else ''}: "
          f"{', '.join(services) or 'none'})")
    return True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", required=True, type=Path)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args(argv)
    try:
        schema = json.loads(args.schema.read_text(encoding="utf-8"))
        # The spec declares draft-07 (as "https://json-schema.org/draft-07/schema",
        # which jsonschema would not recognise by that spelling): say so outright.
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"validate-compose: cannot use schema {args.schema}: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft7Validator(schema)
    ok = True
    for f in args.files:
        ok = check(f, validator, args.schema.name) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
