import ChipArch

// ChipArch and Schemas both name a CoreType, Mesh, Operand, ...: this file sees only ChipArch,
// so these names pick its types for the rest of the module.
typealias ModelCore = CoreType
typealias ModelMesh = Mesh
typealias ModelNode = MeshNode
typealias ModelArray = PEArray
typealias ModelArrayDim = ArrayDim
typealias ModelDataflow = Dataflow
typealias ModelVector = VectorUnit
typealias ModelMemory = MemoryLevel
typealias ModelOperand = Operand
typealias ModelNoc = Noc
typealias ModelNocPoint = NocPoint
typealias ModelDram = DramChannel
