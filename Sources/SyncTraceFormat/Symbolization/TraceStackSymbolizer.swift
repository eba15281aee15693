internal import Runtime

/// Turns a trace's raw frames into function names with file and line, from the recorded binaries'
/// own symbols and debug information, through the toolchain's `Runtime` module (which demangles).
///
/// The recorder runs it when a recording ends cleanly, in the recorded process, and writes the
/// result as symbol records; `synctrace analyze` runs it on a trace whose frames have none (the
/// recorder's signal handler ended it, or it was cut short). An image is read only when the file at
/// its recorded path has the recorded build id: a binary rebuilt since would give wrong lines.
public enum TraceStackSymbolizer {
    /// Gives every frame of `symbols` without symbols the ones its image resolves it to; returns one
    /// sentence per image whose frames stay raw, saying why (empty when every frame has symbols).
    @discardableResult
    public static func symbolize(_ symbols: inout TraceSymbols) -> [String] {
        Self.symbolize(&symbols, frames: symbols.frames.indices)
    }

    /// Like ``symbolize(_:)``, for the frames at `indices` only (those without symbols): for a caller
    /// that symbolizes a few at a time, within a time budget.
    @discardableResult
    public static func symbolize(_ symbols: inout TraceSymbols, frames indices: some Sequence<Int>) -> [String] {
        var pending: [Int: [Int]] = [:]
        var notes: [String] = []
        var unplaced = 0
        for index in indices where symbols.frames[index].symbols == nil {
            let frame = symbols.frames[index]
            if let image = frame.image { pending[image, default: []].append(index) } else { unplaced += 1 }
        }
        if unplaced > 0 { notes.append("\(unplaced) frames lie in no image the recorder knew of, and stay raw addresses") }
        for image in pending.keys.sorted() {
            let declared = symbols.images[image]
            switch ELFBuildID.read(path: declared.path) {
            case .failure(.missing):
                notes.append("\(declared.path) is gone: its \(pending[image]!.count) frames stay image+offset")
                continue
            case .failure(.noBuildID) where !declared.buildID.isEmpty:
                notes.append("\(declared.path) has no build id now (the trace recorded \(declared.buildIDText)): its frames stay image+offset")
                continue
            case .success(let id) where id != declared.buildID:
                notes.append("\(declared.path) was rebuilt since the recording (build id \(Self.hex(id)), recorded \(declared.buildIDText)): its frames stay image+offset")
                continue
            default:
                break
            }
            let indices = pending[image]!
            let frames = indices.map { (address: declared.baseAddress &+ symbols.frames[$0].offset, isProgramCounter: symbols.frames[$0].isProgramCounter) }
            guard let resolved = Self.resolve(frames, images: symbols.images) else {
                notes.append("\(declared.path) could not be read for symbols: its frames stay image+offset")
                continue
            }
            var unresolved = 0
            for (index, found) in zip(indices, resolved) {
                if found.isEmpty { unresolved += 1 } else { symbols.frames[index].symbols = found }
            }
            if unresolved > 0 { notes.append("\(unresolved) frames of \(declared.path) have no symbol and stay image+offset") }
        }
        return notes
    }

    /// What each of `frames` (absolute addresses in a process that had `images` loaded) resolves to,
    /// innermost first (empty for an address without a symbol); nil when symbolication failed.
    static func resolve(_ frames: [(address: UInt64, isProgramCounter: Bool)], images: [TraceImage]) -> [[TraceFrameSymbol]]? {
        guard !frames.isEmpty else { return [] }
        #if arch(x86_64)
        let architecture = "x86_64"
        #elseif arch(arm64)
        let architecture = "arm64"
        #else
        return nil
        #endif
        let tree = StringTreeDecoder.Node.object([
            "architecture": .string(architecture),
            "backtrace": .string(CompactBacktraceEncoding.base64(CompactBacktraceEncoding.backtrace(frames))),
            "imageMap": .string(CompactBacktraceEncoding.base64(CompactBacktraceEncoding.imageMap(images, platform: "Linux"))),
        ])
        guard let backtrace = try? Backtrace(from: StringTreeDecoder(tree)),
            let symbolicated = backtrace.symbolicated(options: [.showInlineFrames, .showSourceLocations])
        else { return nil }
        // Inlined frames come before the frame of the function they were inlined into, all with the
        // same captured address: a frame that is not inlined closes one captured frame's group.
        var result: [[TraceFrameSymbol]] = []
        var group: [(name: String, file: String?, line: Int)] = []
        for frame in symbolicated.frames {
            if let symbol = frame.symbol {
                let location = symbol.sourceLocation
                group.append((symbol.name, location.map { $0.path }, location.map { $0.line } ?? 0))
            }
            if !frame.inlined {
                result.append(Self.innermostFirst(group))
                group = []
            }
        }
        guard result.count == frames.count else { return nil }
        return result
    }

    /// One address's symbols, innermost first, each function with the line it was at.
    ///
    /// `Runtime` (Swift 6.3) lists an address's inlined functions from the outermost inlined one in,
    /// then the function they were all inlined into; the first entry carries the address's own line
    /// (the innermost function's), and each later one the call site of the inlined function one
    /// place before it. For `leaf` inlined into `middle` inlined into `outer` that reads
    /// `middle @leaf's line, leaf @middle's call site in outer, outer @leaf's call site in middle`.
    /// Re-paired here: `leaf @its line, middle @its call of leaf, outer @its call of middle`.
    static func innermostFirst(_ entries: [(name: String, file: String?, line: Int)]) -> [TraceFrameSymbol] {
        guard entries.count > 1 else { return entries.map { TraceFrameSymbol(function: $0.name, file: $0.file, line: $0.line) } }
        let inlined = entries.dropLast().map(\.name)
        // The call site of inlined[j] (in the function one level out) is entries[j + 1]'s place.
        let callSites = entries.dropFirst().map { ($0.file, $0.line) }
        var symbols = [TraceFrameSymbol(function: inlined[inlined.count - 1], file: entries[0].file, line: entries[0].line)]
        for level in stride(from: inlined.count - 1, through: 1, by: -1) {
            symbols.append(TraceFrameSymbol(function: inlined[level - 1], file: callSites[level].0, line: callSites[level].1))
        }
        symbols.append(TraceFrameSymbol(function: entries[entries.count - 1].name, file: callSites[0].0, line: callSites[0].1))
        return symbols
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        TraceImage(path: "", buildID: bytes, baseAddress: 0, endOfText: 0).buildIDText
    }
}
