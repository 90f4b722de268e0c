import Foundation
FileHandle.standardError.write("capnpc-swift: not built yet\n".data(using: .utf8)!)
exit(1)
