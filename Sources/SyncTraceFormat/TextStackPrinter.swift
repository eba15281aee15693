/// Prints a trace's stacks in the text form: the `@image`, `@frame` and `@stack` lines a stacked
/// location needs, before the first event line that names it, and `@symbol` lines for each printed
/// frame once its symbols are known (a recorded trace's come at its end).
///
/// The text form numbers images, frames and stacks densely in the order it declares them, so the
/// printer numbers them anew in the order events first need them.
struct TextStackPrinter: Sendable {
    private var images: [Int: Int] = [:]
    private var frames: [Int: Int] = [:]
    private var stacks: [Int: Int] = [:]
    /// The trace frames printed, in printed order, and whether their symbols are printed yet.
    private var printedFrames: [(frame: Int, symbolized: Bool)] = []

    /// The printed number of the stack of `location` (declaring it and what it needs into `output`
    /// the first time), or nil when the location has no stack.
    mutating func stackNumber(of location: StringID?, symbols: TraceSymbols, declaringInto output: inout String) -> Int? {
        guard let location, let index = symbols.stackIndex[location] else { return nil }
        if let known = self.stacks[index] { return known }
        var names: [String] = []
        for frame in symbols.stacks[index].frames { names.append("F\(self.frameNumber(frame, symbols: symbols, output: &output))") }
        let number = self.stacks.count
        self.stacks[index] = number
        output += "@stack S\(number) \(names.joined(separator: " "))\n"
        return number
    }

    /// The `@symbol` lines of printed frames whose symbols have become known since.
    mutating func newSymbols(_ symbols: TraceSymbols, into output: inout String) {
        for index in self.printedFrames.indices where !self.printedFrames[index].symbolized {
            let frame = self.printedFrames[index].frame
            guard let found = symbols.frames[frame].symbols else { continue }
            self.printedFrames[index].symbolized = true
            Self.symbolLines(number: index, found, into: &output)
        }
    }

    private mutating func frameNumber(_ frame: Int, symbols: TraceSymbols, output: inout String) -> Int {
        if let known = self.frames[frame] { return known }
        let declared = symbols.frames[frame]
        var place = "0x\(String(declared.offset, radix: 16))"
        if let image = declared.image { place = "I\(self.imageNumber(image, symbols: symbols, output: &output))+" + place }
        let number = self.printedFrames.count
        self.frames[frame] = number
        self.printedFrames.append((frame, declared.symbols != nil))
        output += "@frame F\(number) \(place)\(declared.isProgramCounter ? " pc" : "")\n"
        if let found = declared.symbols { Self.symbolLines(number: number, found, into: &output) }
        return number
    }

    private mutating func imageNumber(_ image: Int, symbols: TraceSymbols, output: inout String) -> Int {
        if let known = self.images[image] { return known }
        let declared = symbols.images[image]
        let number = self.images.count
        self.images[image] = number
        let buildID = declared.buildID.isEmpty ? "-" : declared.buildIDText
        output += "@image I\(number) \(buildID) 0x\(String(declared.baseAddress, radix: 16)) 0x\(String(declared.endOfText, radix: 16)) "
        output += TextFormPrinter.oneLine(declared.path)
        output += "\n"
        return number
    }

    private static func symbolLines(number: Int, _ found: [TraceFrameSymbol], into output: inout String) {
        for symbol in found {
            let file = symbol.file.map { TextFormPrinter.oneLine($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "-"
            // The function is the rest of the line: it may hold '|' (an operator's name), never a line break.
            output += "@symbol F\(number) \(symbol.line) \(file)|\(String(symbol.function.map { $0.isNewline ? " " : $0 }))\n"
        }
    }
}
