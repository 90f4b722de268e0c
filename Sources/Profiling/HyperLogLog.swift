import Foundation

/// A HyperLogLog distinct counter (Flajolet, Fusy, Gandouet and Meunier, 2007) on 2^p
/// one-byte registers over `Hash64` hashes.
///
/// The top p bits of a hash pick a register, which keeps the largest position of the first 1
/// bit among the remaining 64 − p bits. The estimate is α·m²/Σ2^−M; below 2.5·m with empty
/// registers, linear counting m·ln(m/V) replaces it (the small-range correction of the paper,
/// also HLL++'s choice below its threshold); a 64-bit hash needs no large-range correction.
/// Relative standard error ≈ 1.04/√m: 1.63% at the default p = 12. Merging takes the maximum
/// register by register: exact, associative and commutative.
public struct HyperLogLog: Equatable, Sendable {
    public let precision: Int
    public private(set) var registers: [UInt8]

    public static let defaultPrecision = 12

    public init(precision: Int = HyperLogLog.defaultPrecision) {
        precondition((4...18).contains(precision), "HyperLogLog precision must be in 4...18")
        self.precision = precision
        registers = [UInt8](repeating: 0, count: 1 << precision)
    }

    /// A counter from stored registers (a profile record), checked.
    public init(precision: Int, registers: [UInt8]) throws {
        guard (4...18).contains(precision) else { throw ProfilingError("HyperLogLog precision \(precision) is outside 4...18") }
        guard registers.count == 1 << precision else {
            throw ProfilingError("HyperLogLog of precision \(precision) needs \(1 << precision) registers, got \(registers.count)")
        }
        guard registers.allSatisfy({ Int($0) <= 65 - precision }) else { throw ProfilingError("HyperLogLog register above \(65 - precision)") }
        self.precision = precision
        self.registers = registers
    }

    /// Counts the value whose hash is `hash`.
    public mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - precision))
        // A guard bit below the used bits bounds the rank at 64 − p + 1.
        let rest = (hash << UInt64(precision)) | (1 << UInt64(precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        registers.withUnsafeMutableBufferPointer { r in if rank > r[index] { r[index] = rank } }
    }

    /// Registers of both counters (exact).
    public mutating func merge(_ other: HyperLogLog) throws {
        guard other.precision == precision else {
            throw ProfilingError("HyperLogLog counters of precision \(precision) and \(other.precision) do not merge")
        }
        for i in registers.indices where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The estimated number of distinct values.
    public var estimate: Double {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha: Double
        switch registers.count {
        case 16: alpha = 0.673
        case 32: alpha = 0.697
        case 64: alpha = 0.709
        default: alpha = 0.7213 / (1 + 1.079 / m)
        }
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m && zeros > 0 { return m * log(m / Double(zeros)) }
        return raw
    }

    /// The relative standard error 1.04/√m.
    public var relativeStandardError: Double { 1.04 / Double(registers.count).squareRoot() }
}
