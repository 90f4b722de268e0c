import Foundation
FileHandle.standardError.write("seq-encode: not built yet\n".data(using: .utf8)!)
exit(1)
