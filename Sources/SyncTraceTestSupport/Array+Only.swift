extension Array {
    /// The only element, or `nil` when there are none or several: what a test of "exactly one
    /// finding" unwraps with `#require`.
    public var only: Element? { self.count == 1 ? self.first : nil }
}
