#!/usr/bin/env python3
"""Checks Formats/onnx/onnx-subset.proto against the onnx package's own descriptors.

Every message, field and enum value we declare must exist in onnx with the same number,
type and label, so files we write are read by onnxruntime and files it writes are read by us.
Usage: check_onnx_proto.py DESCRIPTOR_SET (from `protoc -o`).
"""
import sys

from google.protobuf import descriptor_pb2
import onnx.onnx_ml_pb2 as ref


def main(path: str) -> int:
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    problems, checked = [], 0

    def walk(msgs, prefix):
        nonlocal checked
        for m in msgs:
            name = prefix + m.name
            try:
                theirs = ref.DESCRIPTOR.message_types_by_name[name] if "." not in name else None
            except KeyError:
                theirs = None
            if theirs is None:
                outer, _, inner = name.partition(".")
                parent = ref.DESCRIPTOR.message_types_by_name.get(outer)
                theirs = parent.nested_types_by_name.get(inner) if parent else None
            if theirs is None:
                problems.append(f"message {name} not in onnx")
                continue
            for fld in m.field:
                t = theirs.fields_by_name.get(fld.name)
                checked += 1
                if t is None:
                    problems.append(f"{name}.{fld.name} not in onnx")
                elif t.number != fld.number or t.type != fld.type:
                    problems.append(f"{name}.{fld.name}: ours #{fld.number} type {fld.type}, onnx #{t.number} type {t.type}")
            for e in m.enum_type:
                te = theirs.enum_types_by_name.get(e.name)
                for v in e.value:
                    checked += 1
                    if te is None or v.name not in te.values_by_name or te.values_by_name[v.name].number != v.number:
                        problems.append(f"{name}.{e.name}.{v.name} = {v.number} differs from onnx")
            walk(m.nested_type, name + ".")

    for fd in fds.file:
        walk(fd.message_type, "")
    for p in problems:
        print("check_onnx_proto:", p, file=sys.stderr)
    print(f"check_onnx_proto: {checked} fields and enum values checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
