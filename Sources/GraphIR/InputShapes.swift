extension Graph {
    /// Gives graph inputs fixed shapes, replacing the symbolic (`batch`) or unnamed (`?`, -1)
    /// dimensions a model declares, so that shape inference can compute every shape downstream
    /// and constant folding can evaluate the shape arithmetic exported models carry. A model's
    /// known dimensions must be kept: a shape that contradicts one is refused, as is a name
    /// that is not a graph input or an initializer's name. Run shape inference afterwards.
    public mutating func fixInputShapes(_ shapes: [String: [Int]]) throws {
        let inputNames = inputs.filter { values[$0].constant == nil }.map { values[$0].name }
        for (name, dims) in shapes.sorted(by: { $0.key < $1.key }) {
            guard let id = value(named: name), inputs.contains(id), values[id].constant == nil else {
                throw GraphError.inputShape(input: name, detail: "not a graph input (inputs: \(inputNames.joined(separator: ", ")))")
            }
            guard dims.allSatisfy({ $0 >= 1 }) else { throw GraphError.inputShape(input: name, detail: "every dimension must be at least 1") }
            guard let type = values[id].type else {
                throw GraphError.inputShape(input: name, detail: "the model declares no element type for it")
            }
            if let declared = type.shape {
                guard declared.rank == dims.count else {
                    throw GraphError.inputShape(input: name, detail: "declared with rank \(declared.rank) \(declared), given \(dims.count) dimensions")
                }
                for (k, (d, given)) in zip(declared.dims, dims).enumerated() {
                    if let v = d.value, v != given {
                        throw GraphError.inputShape(input: name, detail: "dimension \(k) is \(v) in the model, given \(given)")
                    }
                }
            }
            values[id].type = TensorType(type.dtype, Shape(known: dims))
        }
    }
}
