"""Reading a tiles stream as `rec-cat --json` prints it: one place for the checks and the tile
benchmark that take a plan's summary, groups and edges apart."""
import json


def plan_records(lines):
    """(graph summary or None, group records, edge records) from rec-cat --json lines."""
    summary, groups, edges = None, [], []
    for line in lines:
        record = json.loads(line)
        if "graph" in record:
            summary = record["graph"]
        elif "group" in record:
            groups.append(record["group"])
        elif "edge" in record:
            edges.append(record["edge"])
    return summary, groups, edges


def backing_bytes(groups):
    """Bytes every group reads from and writes to its backing level (DRAM): the last level."""
    return sum(g["levels"][-1].get("readBytes", 0) + g["levels"][-1].get("writeBytes", 0) for g in groups if g.get("levels"))
