#!/usr/bin/env python3
"""Refreshes Berth's vendored AWS service models; run it through scripts/refresh-aws-models.

Two candidates per vendored model <svc>-<ver>.json:

  botocore  Debian's awscli botocore data, <botocore>/<svc>/<ver>/service-2.json: the complete
            model (shape names, errors, enums, min/max/pattern), but from awscli 2.9 (2023).
  aws-sdk   the npm package aws-sdk (AWS SDK for JavaScript v2), apis/<svc>-<ver>.min.json: newer
            (2024), but *not* the same file. Its build (scripts/lib/translator.js) deletes
            documentation, errors, min, max, pattern, enum and box, inlines every shape used once,
            renames the others to S1, S2, ..., drops each operation's name and the default
            http method/requestUri. The package's TypeScript typings (clients/<svc>.d.ts) are
            generated from the complete model, so they still carry every shape's name and every
            enum's values.

Which one is newer. Both have the same metadata.apiVersion (AWS never bumps it), so metadata
cannot date a model. The rule compares what the two models accept and answer, independently of
shape names: the set of operation names plus every member path reachable from each operation's
input and output ("Op>in.Member.Sub"). The candidate whose set holds entries the other lacks
while lacking none of the other's is newer; when both lack something, the one with more entries
the other lacks wins; when the sets are equal botocore wins (it is the complete file). The
vendored file is a third candidate: when it is newer than both (say a newer botocore was copied
by hand), it is kept and a warning printed.

How the aws-sdk model is written back in the botocore format. The shapes are rebuilt from the
operations down: each operation's input/output shape name and each member's shape name come
from the typings, structure and list/map layouts, required lists and traits from the min.json
model, enum values from the typings. A shape that Debian's botocore already has (same name,
same type) keeps botocore's definition (its min/max/pattern, member order and traits) with the
changes applied: members added or removed, required list, enum values. Shapes new since 2023
lack min/max/pattern (the min.json has none), and new operations have no errors list; the
README beside the models says so.

Written files: documentation strings removed (as before), operations and shapes in alphabetical
order (as botocore), every other object in botocore's key order, JSON indented by one space, one
value per line, so a later refresh shows as a readable diff. Then every entry (operation or
shape) of <svc>-<ver>.additions.json that the refreshed model contains (same name, and every
key, member and enum value of the addition present in the model's entry) is removed from the
additions file; an empty additions file is deleted. Running the script twice changes nothing.
"""

import argparse
import copy
import glob
import json
import os
import re
import sys

# botocore directory names that differ from the uid's service part.
BOTOCORE_DIR = {"elasticloadbalancingv2": "elbv2"}

# Keys of a shape reference (a member, a list member, a map key/value) rather than of the shape.
REF_KEYS = {
    "shape", "locationName", "location", "queryName", "xmlNamespace", "xmlAttribute",
    "idempotencyToken", "jsonvalue", "hostLabel", "eventpayload", "eventheader", "contextParam",
}
DOC_KEYS = {"documentation", "documentationUrl"}
# The key order botocore writes within a shape.
SHAPE_KEY_ORDER = ["type", "required", "members", "member", "key", "value", "enum", "max", "min", "pattern"]
OP_KEY_ORDER = ["name", "http", "input", "output", "errors"]


def log(msg):
    print(msg, file=sys.stderr)


# ---- reading -------------------------------------------------------------------------------


def strip_docs(node, container=False):
    """Removes documentation strings; keys of name maps (members, operations, shapes) are kept."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if not container and k in DOC_KEYS and isinstance(v, str):
                continue
            out[k] = strip_docs(v, container=(k in ("members", "operations", "shapes") and not container))
        return out
    if isinstance(node, list):
        return [strip_docs(v) for v in node]
    return node


class Typings:
    """The shape names and enums of clients/<svc>.d.ts."""

    METHOD = re.compile(
        r"^  (\w+)\(params: \w+\.Types\.(\w+), callback\?: \(err: AWSError, data: (?:\w+\.Types\.(\w+)|\{\})\)")
    METHOD_NO_INPUT = re.compile(r"^  (\w+)\(callback\?: \(err: AWSError, data: (?:\w+\.Types\.(\w+)|\{\})\)")
    INTERFACE = re.compile(r"^  export interface (\w+) \{$")
    MEMBER = re.compile(r"^    (\w+)(\??): ([\w.]+);$")
    TYPE = re.compile(r"^  export type (\w+) = (.*);$")

    def __init__(self, path):
        self.inputs, self.outputs = {}, {}
        self.structures, self.lists, self.maps, self.enums, self.scalars = {}, {}, {}, {}, set()
        current = None
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                m = self.METHOD.match(line)
                if m:
                    self.inputs[m.group(1)] = m.group(2)
                    self.outputs[m.group(1)] = m.group(3)
                    continue
                m = self.METHOD_NO_INPUT.match(line)
                if m:
                    self.outputs.setdefault(m.group(1), m.group(2))
                    continue
                m = self.INTERFACE.match(line)
                if m:
                    current = self.structures.setdefault(self.name(m.group(1)), {})
                    continue
                if current is not None:
                    if line == "  }":
                        current = None
                        continue
                    m = self.MEMBER.match(line)
                    if m:
                        current[m.group(1)] = self.name(m.group(3))
                    continue
                m = self.TYPE.match(line)
                if m:
                    self.type_alias(self.name(m.group(1)), m.group(2))

    @staticmethod
    def name(n):
        # The generator prefixes '_' to shapes that clash with TypeScript names (Date, Blob, ...).
        return n[1:] if n.startswith("_") else n

    def type_alias(self, name, rhs):
        m = re.fullmatch(r"(\w+)\[\]", rhs)
        if m:
            self.lists[name] = self.name(m.group(1))
            return
        m = re.fullmatch(r"\{\[key: string\]: (\w+)\}", rhs)
        if m:
            self.maps[name] = self.name(m.group(1))
            return
        m = re.fullmatch(r"EventStream<\{(.*)\}>", rhs)
        if m:
            members = {}
            for part in m.group(1).split(","):
                k, _, v = part.partition("?:")
                members[k.strip()] = self.name(v.strip())
            self.structures[name] = members
            return
        if rhs.endswith("|string") and rhs.startswith('"'):
            self.enums[name] = re.findall(r'"((?:[^"\\]|\\.)*)"\|', rhs)
            return
        self.scalars.add(name)


def lower_first(s):
    return s[:1].lower() + s[1:]


# ---- comparing -----------------------------------------------------------------------------


def signature(model, resolve, max_depth=8):
    """Operation names plus member paths from each operation's input and output."""
    sig = set()

    def walk(node, path, depth, seen):
        node, _ = resolve(node)
        if node is None or depth > max_depth or id(node) in seen:
            return
        seen = seen | {id(node)}
        t = node.get("type", "string")
        if t == "structure":
            for name, ref in node.get("members", {}).items():
                sig.add(path + "." + name)
                walk(ref, path + "." + name, depth + 1, seen)
        elif t == "list":
            walk(node.get("member"), path + "[]", depth + 1, seen)
        elif t == "map":
            walk(node.get("value"), path + "{}", depth + 1, seen)

    for op_name, op in model["operations"].items():
        sig.add(op_name)
        for io in ("input", "output"):
            if op.get(io):
                walk(op[io], op_name + ">" + io, 0, frozenset())
    return sig


def named_resolver(model):
    shapes = model["shapes"]

    def resolve(ref):
        if ref is None:
            return None, {}
        return shapes.get(ref.get("shape")), ref

    return resolve


def min_resolver(model):
    shapes = model.get("shapes", {})

    def resolve(ref):
        if ref is None:
            return None, {}
        if "shape" in ref:
            return shapes[ref["shape"]], ref
        return ref, ref

    return resolve


def newer(a_sig, b_sig):
    """True when a is newer than b by the rule in the module docstring."""
    only_a, only_b = len(a_sig - b_sig), len(b_sig - a_sig)
    if only_a and not only_b:
        return True
    if only_b and not only_a:
        return False
    return only_a > only_b


# ---- rebuilding the npm model in botocore's format ------------------------------------------


class Rebuild:
    def __init__(self, base, mini, typings):
        self.base, self.mini, self.ts = base, mini, typings
        self.resolve = min_resolver(mini)
        self.shapes = {}
        self.notes = []

    def run(self):
        ops = {}
        base_ops = self.base["operations"]
        for name, mop in self.mini["operations"].items():
            key = lower_first(name)
            bop = base_ops.get(name)
            op = copy.deepcopy(bop) if bop else {"name": name}
            if not bop:
                http = dict(mop.get("http", {}))
                op["http"] = {"method": http.pop("method", "POST"), "requestUri": http.pop("requestUri", "/"), **http}
            for io, names in (("input", self.ts.inputs), ("output", self.ts.outputs)):
                mref = mop.get(io)
                if mref is None:
                    op.pop(io, None)
                    continue
                shape_name = names.get(key) or (bop or {}).get(io, {}).get("shape")
                if not shape_name:
                    raise SystemExit(f"no {io} shape name for {name} in the typings")
                ref = dict(op.get(io) or {})
                ref["shape"] = shape_name
                if "resultWrapper" in mref:
                    ref["resultWrapper"] = mref["resultWrapper"]
                op[io] = ref
                node, _ = self.resolve(mref)
                node = {k: v for k, v in node.items() if k != "resultWrapper"}
                self.build(shape_name, node)
            for k, v in mop.items():
                if k not in ("input", "output", "http") and k not in op:
                    op[k] = v
            ops[name] = order(op, OP_KEY_ORDER)
        # The min.json has no errors lists, so exception shapes are reachable only from botocore's
        # errors lists of the operations it already had: keep those shapes as botocore has them.
        for op in ops.values():
            for err in op.get("errors", []):
                self.keep_base(err["shape"])
        return ops, self.shapes

    def keep_base(self, name):
        if name in self.shapes or name not in self.base["shapes"]:
            return
        shape = copy.deepcopy(self.base["shapes"][name])
        self.shapes[name] = shape
        for ref in list(shape.get("members", {}).values()) + [shape.get(k) for k in ("member", "key", "value")]:
            if ref:
                self.keep_base(ref["shape"])

    def ref_for(self, parent_ref, node_ref, target_name):
        """A member reference: botocore's when it still points at the same shape, else a new one."""
        if parent_ref is not None and parent_ref.get("shape") == target_name:
            return copy.deepcopy(parent_ref)
        ref = {"shape": target_name}
        for k, v in node_ref.items():
            if k in REF_KEYS and k != "shape":
                ref[k] = v
        return ref

    def build(self, name, node):
        """Adds shape `name` described by min.json node `node` (already resolved)."""
        if name in self.shapes:
            return
        t = node.get("type", "string")
        base = self.base["shapes"].get(name)
        if base is not None and base.get("type", "string") != t:
            self.notes.append(f"shape {name} changed type {base.get('type')} -> {t}")
            base = None
        shape = copy.deepcopy(base) if base is not None else {"type": t}
        self.shapes[name] = shape  # before recursing: shapes may be recursive
        for k, v in node.items():
            if k in REF_KEYS or k in ("members", "member", "key", "value", "required", "type"):
                continue
            shape.setdefault(k, copy.deepcopy(v))
        if t == "structure":
            members_ts = self.ts.structures.get(name)
            if members_ts is None:
                raise SystemExit(f"structure {name} is not in the typings")
            old = (base or {}).get("members", {})
            new_members = node.get("members", {})
            members = {}
            names = [m for m in old if m in new_members] + [m for m in new_members if m not in old]
            for m in names:
                mref = new_members[m]
                target = members_ts.get(m) or old.get(m, {}).get("shape")
                if not target:
                    raise SystemExit(f"no shape name for {name}.{m}")
                members[m] = self.ref_for(old.get(m), mref, target)
                tnode, _ = self.resolve(mref)
                self.build(target, strip_ref_keys(tnode, mref))
            shape["members"] = members
            required = node.get("required", [])
            if required:
                old_req = (base or {}).get("required", [])
                shape["required"] = old_req if set(old_req) == set(required) else list(required)
            else:
                shape.pop("required", None)
        elif t == "list":
            mref = node.get("member", {})
            target = self.ts.lists.get(name) or (base or {}).get("member", {}).get("shape")
            if not target:
                raise SystemExit(f"no member shape name for list {name}")
            shape["member"] = self.ref_for((base or {}).get("member"), mref, target)
            tnode, _ = self.resolve(mref)
            self.build(target, strip_ref_keys(tnode, mref))
        elif t == "map":
            for part in ("key", "value"):
                mref = node.get(part, {})
                target = (self.ts.maps.get(name) if part == "value" else None) or (base or {}).get(part, {}).get("shape")
                if not target:
                    target = name + ("Key" if part == "key" else "Value")
                    self.notes.append(f"map {name}: {part} shape named {target} (not in the typings)")
                shape[part] = self.ref_for((base or {}).get(part), mref, target)
                tnode, _ = self.resolve(mref)
                self.build(target, strip_ref_keys(tnode, mref))
        elif t == "string":
            enum = self.ts.enums.get(name)
            if enum is not None:
                if set(enum) != set(shape.get("enum", [])):
                    shape["enum"] = enum
            elif "enum" in shape and name in self.ts.scalars:
                del shape["enum"]
        self.shapes[name] = order(shape, SHAPE_KEY_ORDER)


def strip_ref_keys(tnode, mref):
    """An inlined node carries its reference's keys; a named one does not."""
    if tnode is mref:
        return {k: v for k, v in tnode.items() if k not in REF_KEYS}
    return tnode


def order(obj, first):
    out = {k: obj[k] for k in first if k in obj}
    out.update((k, v) for k, v in obj.items() if k not in out)
    return out


def finish(model):
    """Botocore's layout: version, metadata, operations, shapes; names sorted."""
    out = {}
    for k in ("version", "metadata"):
        if k in model:
            out[k] = model[k]
    out["operations"] = {k: model["operations"][k] for k in sorted(model["operations"])}
    out["shapes"] = {k: model["shapes"][k] for k in sorted(model["shapes"])}
    for k, v in model.items():
        out.setdefault(k, v)
    return out


def dump(model):
    return json.dumps(model, indent=1, ensure_ascii=True) + "\n"


# ---- additions -----------------------------------------------------------------------------


def covers(have, want):
    """True when `have` contains everything `want` says."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(k in have and covers(have[k], v) for k, v in want.items())
    if isinstance(want, list):
        if not isinstance(have, list):
            return False
        if all(isinstance(x, str) for x in want):  # enum, required
            return set(want) <= set(have)
        return have == want
    return have == want


def refresh_additions(path, model, check):
    with open(path, encoding="utf-8") as f:
        add = json.load(f)
    changed = False
    for section in ("operations", "shapes"):
        for name in list(add.get(section, {})):
            have = model[section].get(name)
            if have is not None and covers(have, add[section][name]):
                del add[section][name]
                changed = True
                log(f"  {os.path.basename(path)}: {section[:-1]} {name} is in the model now; dropped")
            elif have is not None and section == "shapes":
                extra = set(have.get("members", {})) - set(add[section][name].get("members", {}))
                if extra:
                    log(f"  warning: {os.path.basename(path)} replaces shape {name} and so hides members "
                        f"the model has now: {sorted(extra)}; merge them into the addition")
        if section in add and not add[section]:
            del add[section]
            changed = True
    if not changed:
        return False
    if check:
        return True
    if not any(k in add for k in ("operations", "shapes")):
        os.remove(path)
        log(f"  {os.path.basename(path)}: empty, deleted")
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(add, indent=2, ensure_ascii=True) + "\n")
    return True


def typings_path(sdk, svc):
    """clients/<id>.d.ts, where apis/metadata.json maps <id> to the model's file prefix."""
    with open(os.path.join(sdk, "apis", "metadata.json"), encoding="utf-8") as f:
        meta = json.load(f)
    for ident, entry in meta.items():
        if entry.get("prefix", ident) == svc:
            return os.path.join(sdk, "clients", ident + ".d.ts")
    raise SystemExit(f"{svc}: not in aws-sdk's apis/metadata.json")


# ---- main ----------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--sdk", required=True, help="node_modules/aws-sdk")
    ap.add_argument("--botocore", required=True, help="botocore/data")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would change")
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.root, "*/src/main/resources/aws-models/*.json")))
    files = [f for f in files if not f.endswith(".additions.json")]
    if not files:
        raise SystemExit("no vendored models found")
    stale = False
    for path in files:
        base_name = os.path.basename(path)[: -len(".json")]
        svc, ver = re.fullmatch(r"(.+?)-(\d{4}-\d{2}-\d{2})", base_name).groups()
        rel = os.path.relpath(path, args.root)
        deb_path = os.path.join(args.botocore, BOTOCORE_DIR.get(svc, svc), ver, "service-2.json")
        npm_path = os.path.join(args.sdk, "apis", f"{base_name}.min.json")
        with open(deb_path, encoding="utf-8") as f:
            deb = strip_docs(json.load(f))
        with open(path, encoding="utf-8") as f:
            vendored = json.load(f)

        deb_sig = signature(deb, named_resolver(deb))
        winner, source = deb, "botocore " + deb_path
        if os.path.exists(npm_path):
            with open(npm_path, encoding="utf-8") as f:
                mini = json.load(f)
            npm_sig = signature(mini, min_resolver(mini))
            if mini["metadata"].get("apiVersion") != deb["metadata"].get("apiVersion"):
                raise SystemExit(f"{base_name}: apiVersion differs between botocore and aws-sdk")
            if newer(npm_sig, deb_sig):
                typings = Typings(typings_path(args.sdk, svc))
                rebuild = Rebuild(deb, mini, typings)
                ops, shapes = rebuild.run()
                winner = {"version": deb.get("version", "2.0"), "metadata": mini["metadata"],
                          "operations": ops, "shapes": shapes}
                source = f"aws-sdk {os.path.basename(npm_path)} (+{len(npm_sig - deb_sig)} -{len(deb_sig - npm_sig)} vs botocore)"
                for note in rebuild.notes:
                    log(f"  {base_name}: {note}")
                # Sanity: the rebuilt model answers exactly what the npm model does.
                rebuilt_sig = signature(winner, named_resolver(winner))
                if rebuilt_sig != npm_sig:
                    raise SystemExit(f"{base_name}: rebuilt model differs from aws-sdk's: "
                                     f"{sorted(rebuilt_sig ^ npm_sig)[:10]}")
        winner = finish(winner)
        if newer(signature(vendored, named_resolver(vendored)), signature(winner, named_resolver(winner))):
            log(f"{rel}: the vendored model is newer than {source}; kept")
            continue
        text = dump(winner)
        with open(path, encoding="utf-8") as f:
            current = f.read()
        new_ops = sorted(set(winner["operations"]) - set(vendored["operations"]))
        if current != text:
            stale = True
            log(f"{rel}: from {source}" + (f"; new operations: {', '.join(new_ops)}" if new_ops else ""))
            if not args.check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
        else:
            log(f"{rel}: up to date ({source})")
        additions = path[: -len(".json")] + ".additions.json"
        if os.path.exists(additions) and refresh_additions(additions, winner, args.check):
            stale = True
    if args.check and stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
