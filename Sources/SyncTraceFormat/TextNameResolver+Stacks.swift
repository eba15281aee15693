/// The text form's stacks in the name resolver: `@` declarations grow the symbol table, and an event
/// line's stack gives its location a location string of its own for that (call site, stack) pair.
extension TextNameResolver {
    /// Applies a declaration line; the reason it is rejected, if it is.
    mutating func apply(_ directive: TextStackDirective) -> String? {
        switch directive {
        case .image(let number, let image):
            guard number == self.symbols.images.count else { return "image I\(number) declared, expected the next image I\(self.symbols.images.count)" }
            self.symbols.images.append(image)
        case .frame(let number, let frame):
            guard number == self.symbols.frames.count else { return "frame F\(number) declared, expected the next frame F\(self.symbols.frames.count)" }
            if let image = frame.image, image >= self.symbols.images.count {
                return "frame F\(number) names image I\(image), which is not declared (only \(self.symbols.images.count) are)"
            }
            self.symbols.frames.append(frame)
        case .stack(let number, let frames):
            guard number == self.textStacks.count else { return "stack S\(number) declared, expected the next stack S\(self.textStacks.count)" }
            guard frames.count <= BinaryLayout.maximumStackDepth else { return "stack S\(number) has \(frames.count) frames (at most \(BinaryLayout.maximumStackDepth))" }
            if let missing = frames.first(where: { $0 >= self.symbols.frames.count }) {
                return "stack S\(number) names frame F\(missing), which is not declared (only \(self.symbols.frames.count) are)"
            }
            self.textStacks.append(frames)
        case .symbol(let frame, let symbol):
            guard frame < self.symbols.frames.count else {
                return "@symbol names frame F\(frame), which is not declared (only \(self.symbols.frames.count) are)"
            }
            if self.symbols.frames[frame].symbols != nil && self.lastSymbolFrame != frame {
                return "a second list of symbols for frame F\(frame) (a frame's @symbol lines come together)"
            }
            guard (self.symbols.frames[frame].symbols?.count ?? 0) < BinaryLayout.maximumInlineDepth else {
                return "frame F\(frame) has more than \(BinaryLayout.maximumInlineDepth) symbols"
            }
            self.intern(text: symbol.function)
            if let file = symbol.file { self.intern(text: file) }
            self.symbols.frames[frame].symbols = (self.symbols.frames[frame].symbols ?? []) + [symbol]
            self.lastSymbolFrame = frame
            return nil
        }
        self.lastSymbolFrame = nil
        return nil
    }

    /// The reason an event line may not name stack `number`, if it may not.
    func checkStack(_ number: Int) -> String? {
        number < self.textStacks.count ? nil : "stack S\(number) is not declared (only \(self.textStacks.count) are)"
    }

    /// The location string of call site `location` with text stack `number`, declared the first time.
    mutating func stackLocation(_ location: StringID, stack number: Int) -> StringID {
        let key = StackedLocation(site: location, stack: number)
        if let known = self.stackedLocations[key] { return known }
        let id = self.appendUninterned(self.symbols.strings[location.index])
        self.symbols.stackIndex[id] = self.symbols.stacks.count
        self.symbols.stacks.append(TraceStack(location: id, frames: self.textStacks[number]))
        self.stackedLocations[key] = id
        return id
    }
}

/// A call site's location string and a text stack's number: one location string per distinct pair.
struct StackedLocation: Hashable {
    var site: StringID
    var stack: Int
}
