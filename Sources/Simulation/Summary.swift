/// The figures of a run, computed from its trace only, so they add up to it by construction:
/// the makespan is the latest event end, every busy figure the sum of its events' lengths.
enum Summary {
    static func make(_ program: SimProgram, _ chip: SimChip, _ ev: SimEvents, fills: [Bool], waited: [UInt64], contention: UInt64,
                     trees: [SimMulticastTree],
                     linkBase: Int, channelBase: Int) -> SimResult {
        let N = program.nodeCount, G = program.groups.count
        var makespan: UInt64 = 0
        var cores = (0..<N).map { SimCoreStats(core: $0) }
        var links = (0..<program.linkCount).map { SimLinkStats(index: $0) }
        var channels = chip.channelBytesPerCycle.indices.map { SimLinkStats(index: $0) }
        var first = [UInt64](repeating: .max, count: G), last = [UInt64](repeating: 0, count: G)
        // Per (group, core): compute cycles, first event start, last compute end.
        var compute: [Int: UInt64] = [:], spanStart: [Int: UInt64] = [:], computeEnd: [Int: UInt64] = [:]
        for k in 0..<ev.count {
            let len = ev.end[k] - ev.start[k]
            makespan = max(makespan, ev.end[k])
            let r = Int(ev.resource[k]), g = Int(ev.group[k])
            if g < G { first[g] = min(first[g], ev.start[k]); last[g] = max(last[g], ev.end[k]) }
            switch SimUnit(rawValue: ev.unit[k])! {
            case .macArray, .vectorUnit:
                if ev.unit[k] == SimUnit.macArray.rawValue { cores[r].macBusyCycles += len } else { cores[r].vectorBusyCycles += len }
                compute[g * N + r, default: 0] += len
                computeEnd[g * N + r] = max(computeEnd[g * N + r] ?? 0, ev.end[k])
                spanStart[g * N + r] = min(spanStart[g * N + r] ?? .max, ev.start[k])
            case .sramPort:
                cores[r].sramBusyCycles += len
                // A fill writes the staging SRAM; a drain reads it.
                spanStart[g * N + r] = min(spanStart[g * N + r] ?? .max, ev.start[k])
                if fills[k] { cores[r].sramWriteBytes += ev.bytes[k] } else { cores[r].sramReadBytes += ev.bytes[k] }
            case .nocLink:
                links[r].busyCycles += len
                links[r].bytes += ev.bytes[k]
            case .dramChannel:
                channels[r].busyCycles += len
                channels[r].bytes += ev.bytes[k]
            }
        }
        // Energy: compute and on-chip memory per group (shared evenly by its cores), NoC per
        // byte-hop, DRAM per byte of its channel.
        var macPj = 0.0, sramPj = 0.0, nocPj = 0.0, dramPj = 0.0, macs = 0.0
        var dramBytes: UInt64 = 0, byteHops: UInt64 = 0
        for g in program.groups {
            let computePj = g.macs * chip.macPj + g.vectorOps * chip.vectorPjPerOp
            macPj += computePj
            sramPj += g.sramPj
            macs += g.macs
            let valid = g.cores.filter { $0 >= 0 && $0 < N }
            guard g.unit != nil, !valid.isEmpty else { continue }
            let k = Double(valid.count)
            for c in valid {
                cores[c].macs += g.macs / k
                cores[c].energyPj += (computePj + g.sramPj) / k
            }
        }
        // A multicast tree's bytes cross each of its links once.
        var branch = [Bool](repeating: false, count: program.transfers.count)
        for tree in trees {
            for k in tree.branches { branch[k] = true }
            let b = program.transfers[tree.branches[0]].bytes
            byteHops += b * UInt64(tree.meshHops)
            nocPj += Double(b) * Double(tree.meshHops) * chip.pjPerByteHop
        }
        for (k, t) in program.transfers.enumerated() {
            if !branch[k] {
                byteHops += t.bytes * UInt64(t.meshHops)
                nocPj += Double(t.bytes) * Double(t.meshHops) * chip.pjPerByteHop
            }
            if let c = t.channel, c >= 0, c < chip.channelPjPerByte.count {
                dramBytes += t.bytes
                dramPj += Double(t.bytes) * chip.channelPjPerByte[c]
            }
        }
        let span = Double(max(makespan, 1))
        for c in cores.indices { cores[c].utilization = cores[c].macs / (span * Double(max(chip.pesPerCore, 1))) }
        for l in links.indices {
            links[l].utilization = Double(links[l].busyCycles) / span
            links[l].contentionCycles = waited[linkBase + l]
        }
        for c in channels.indices {
            channels[c].utilization = Double(channels[c].busyCycles) / span
            channels[c].contentionCycles = waited[channelBase + c]
        }
        var timings: [SimGroupTiming] = []
        for (g, gr) in program.groups.enumerated() {
            var t = SimGroupTiming(group: g)
            t.analyticCycles = gr.analyticCycles
            if first[g] != .max {
                t.start = first[g]
                t.end = last[g]
                // The busiest core of the group: the most compute (lowest number on a tie).
                var best = -1
                var bestCycles: UInt64 = 0
                for c in gr.cores where c >= 0 && c < N {
                    let x = compute[g * N + c] ?? 0
                    if best < 0 || x > bestCycles { best = c; bestCycles = x }
                }
                if best >= 0 {
                    t.computeCycles = bestCycles
                    let from = spanStart[g * N + best] ?? 0, to = computeEnd[g * N + best] ?? 0
                    t.waitCycles = to > from && to - from > bestCycles ? to - from - bestCycles : 0
                }
                let simulated = Double(t.end - t.start)
                t.error = simulated > 0 ? gr.analyticCycles / simulated - 1 : 0
            }
            timings.append(t)
        }
        let pes = Double(max(chip.enabledCores, 1) * max(chip.pesPerCore, 1))
        return SimResult(events: ev, makespan: makespan, cores: cores,
                         links: links.filter { $0.busyCycles > 0 || $0.bytes > 0 }, channels: channels, groups: timings,
                         macPj: macPj, sramPj: sramPj, nocPj: nocPj, dramPj: dramPj, dramBytes: dramBytes, nocByteHops: byteHops,
                         contentionCycles: contention, macUtilization: macs / (span * pes))
    }

}
