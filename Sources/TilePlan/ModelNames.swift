import ChipArch

// ChipArch and Schemas both name a MemoryLevel and an Operand: this file sees only ChipArch,
// so these names pick its types for the rest of the module.
typealias ArchMemory = MemoryLevel
typealias ArchOperand = Operand
