import ChipArch
import Testing

@Suite struct PresetTests {
    @Test func presetsValidate() throws {
        for p in ChipArch.presets { try p.validate() }
    }
}
