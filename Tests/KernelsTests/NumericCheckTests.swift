import Testing
import TestSupport

/// The shared error measures must never let a NaN or a wrong infinity pass.
@Suite struct NumericCheckTests {
    @Test func nanAgainstAFiniteValueIsAnInfiniteError() {
        #expect(NumericCheck.maxAbsError([1, .nan, 3], [1, 2, 3]) == .infinity)
        #expect(NumericCheck.maxAbsError([.nan, 2], [1, 2]) == .infinity)   // NaN first, too
        #expect(NumericCheck.maxAbsError([1, 2], [1, .nan]) == .infinity)
    }

    @Test func infinitiesMustMatchExactly() {
        #expect(NumericCheck.maxAbsError([.infinity], [-.infinity]) == .infinity)
        #expect(NumericCheck.maxAbsError([.infinity], [1e30]) == .infinity)
        #expect(NumericCheck.maxAbsError([.infinity, 1], [.infinity, 1.5]) == 0.5)
        #expect(NumericCheck.maxAbsError([Float.nan], [Float.nan]) == 0)
    }

    @Test func lengthMismatchFails() {
        #expect(NumericCheck.maxAbsError([1, 2], [1]) == .infinity)
        #expect(NumericCheck.firstMismatch([1, 2], [1], atol: 1, rtol: 1) == 1)
    }

    @Test func firstMismatchUsesAbsoluteAndRelativeTolerance() {
        #expect(NumericCheck.firstMismatch([1.0, 100.5], [1.0, 100], atol: 0, rtol: 0.01) == nil)
        #expect(NumericCheck.firstMismatch([1.0, 102], [1.0, 100], atol: 0, rtol: 0.01) == 1)
        #expect(NumericCheck.firstMismatch([.nan], [0], atol: 1, rtol: 1) == 0)
        #expect(NumericCheck.firstMismatch([-.infinity], [.infinity], atol: 1, rtol: 1) == 0)
    }

    @Test func magnitudeIgnoresNonFiniteValues() {
        #expect(NumericCheck.maxMagnitude([.nan, -3, .infinity, 2]) == 3)
        #expect(NumericCheck.maxMagnitude([Float]()) == 0)
    }
}
