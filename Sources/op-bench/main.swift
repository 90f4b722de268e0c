import Foundation
FileHandle.standardError.write("op-bench: not built yet\n".data(using: .utf8)!)
exit(1)
