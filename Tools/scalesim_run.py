#!/usr/bin/env python3
"""Run SCALE-Sim 3.0.0 on a topology and a config; print its per-layer figures as JSON.

The peer of `npu-sim --model scalesim` (make test-sim-scalesim, make bench-systolic). Runs in the
venv of `make scalesim-venv`. SCALE-Sim is driven through its own Python API with
`save_disk_space=True`, its switch that skips the SRAM/DRAM trace CSVs (13-187 MB per layer);
its three small report CSVs are still written, into a temporary directory that is removed.

    scalesim_run.py --topology t.csv --config c.cfg [--gemm] [--dataflow ws] [--bandwidth 10]

One JSON object per run on stdout: {"layers": [{name, total_cycles, compute_cycles, stall_cycles,
overall_util, mapping_efficiency, compute_util, ifmap_sram_reads, ... ofmap_dram_writes}], "seconds"}.
`compute_cycles` is SCALE-Sim's "Total Cycles" column (the array's cycles including any memory
stalls) and `total_cycles` its "Total Cycles (incl. prefetch)": from the first DRAM read to the
last DRAM write.
"""
import argparse
import configparser
import json
import os
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topology", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--gemm", action="store_true", help="the topology is SCALE-Sim's M,N,K format")
    parser.add_argument("--dataflow", choices=["ws", "os", "is"], help="override the config's Dataflow")
    parser.add_argument("--bandwidth", type=int,
                        help="USER bandwidth mode at this many words per cycle, for every DRAM interface")
    args = parser.parse_args()

    from scalesim.scale_sim import scalesim  # the venv's package; imported late so --help is quick

    with tempfile.TemporaryDirectory(prefix="scalesim-run-") as work:
        config = args.config
        if args.dataflow or args.bandwidth:
            config = os.path.join(work, "run.cfg")
            write_overridden_config(args.config, config, args.dataflow, args.bandwidth)
        # The layout file is required by SCALE-Sim's loader but read only with custom layouts
        # (off in every config here); the topology parses as one.
        sim = scalesim(save_disk_space=True, verbose=False, config=config,
                       topology=args.topology, layout=args.topology, input_type_gemm=args.gemm)
        start = time.perf_counter()
        stdout = sys.stdout
        sys.stdout = sys.stderr  # SCALE-Sim prints banners; keep stdout for the JSON
        try:
            sim.run_scale(top_path=work)
        finally:
            sys.stdout = stdout
        seconds = time.perf_counter() - start
        layers = []
        for layer in sim.runner.single_layer_sim_object_list:
            total, compute, stalls, overall, mapping, util = layer.get_compute_report_items()
            detail = layer.get_detail_report_items()
            layers.append({
                "name": sim.topo.get_layer_name(layer.get_layer_id()),
                "total_cycles": int(total), "compute_cycles": int(compute), "stall_cycles": int(stalls),
                "overall_util": float(overall), "mapping_efficiency": float(mapping),
                "compute_util": float(util),
                "ifmap_sram_reads": int(detail[2]), "filter_sram_reads": int(detail[5]),
                "ofmap_sram_writes": int(detail[8]),
                "ifmap_dram_reads": int(detail[11]), "filter_dram_reads": int(detail[14]),
                "ofmap_dram_writes": int(detail[17]),
            })
    json.dump({"layers": layers, "seconds": seconds}, sys.stdout)
    sys.stdout.write("\n")
    return 0


def write_overridden_config(source: str, target: str, dataflow, bandwidth) -> None:
    config = configparser.ConfigParser()
    config.optionxform = str  # keep SCALE-Sim's key spelling
    config.read(source)
    if dataflow:
        config["architecture_presets"]["Dataflow"] = dataflow
    if bandwidth:
        config["run_presets"]["InterfaceBandwidth"] = "USER"
        config["architecture_presets"]["Bandwidth"] = str(bandwidth)
        config["layout"]["IfmapSRAMBankBandwidth"] = str(bandwidth)
        config["layout"]["FilterSRAMBankBandwidth"] = str(bandwidth)
        config["layout"]["IfmapSRAMBankNum"] = "1"
        config["layout"]["FilterSRAMBankNum"] = "1"
    with open(target, "w") as out:
        config.write(out)


if __name__ == "__main__":
    sys.exit(main())
