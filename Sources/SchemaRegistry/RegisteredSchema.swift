import AvroSchemas

/// One version of a subject as stored: `DIR/<subject>/v<N>.avsc`.
public struct RegisteredSchema: Sendable {
    /// N in `v<N>.avsc`, from 1.
    public let version: Int
    /// The file's path.
    public let path: String
    /// The file's bytes, exactly as registered (what a reviewer saw).
    public let text: [UInt8]
    /// The parsed schema.
    public let schema: AvroSchema
    /// CRC-64-AVRO of the canonical form (`AvroFingerprint.hex` prints it), computed once:
    /// streams are matched to versions by it.
    public let fingerprint: UInt64

    init(version: Int, path: String, text: [UInt8], schema: AvroSchema) {
        self.version = version
        self.path = path
        self.text = text
        self.schema = schema
        fingerprint = schema.fingerprint
    }
}
