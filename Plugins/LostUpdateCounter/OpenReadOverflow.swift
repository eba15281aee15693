import SyncTraceFormat
import SyncTraceReplay

/// The open reads that do not fit in their variable's record: per variable a singly linked list,
/// its nodes in one flat pool shared by all variables, freed nodes reused.
///
/// A variable's record keeps the first node's number; a list is at most as long as the threads
/// that read the variable, and the counter walks it only for a thread whose filter bit says it may
/// be there. Memory is the most open reads kept aside at any one time, not the reads seen.
struct OpenReadOverflow: ~Copyable {
    /// One read kept aside, and the number of the next node of its list. (Not private: a private
    /// type nested in a non-copyable one crashes the 6.3 compiler's debug build.)
    struct Node {
        var read: OpenRead
        var next: UInt32
    }

    /// The number that ends a list (and an empty one).
    static let end = UInt32.max

    private var nodes = FlatArray<Node>()
    /// The first free node, its `next` the one after.
    private var free = Self.end

    /// Nodes in use, for tests.
    private(set) var used = 0

    /// Puts `read` at the front of the list starting at `head`; gives the new head.
    mutating func push(_ read: OpenRead, onto head: UInt32) -> UInt32 {
        let node: UInt32
        if self.free != Self.end {
            node = self.free
            self.free = self.nodes[Int(node)].next
            self.nodes[Int(node)] = Node(read: read, next: head)
        } else {
            precondition(self.nodes.count < Int(Self.end), "too many open reads kept aside")
            node = UInt32(self.nodes.count)
            self.nodes.append(Node(read: read, next: head))
        }
        self.used += 1
        return node
    }

    /// Replaces the read of `read`'s thread in the list starting at `head`; false if it has none there.
    mutating func replace(_ read: OpenRead, inListAt head: UInt32) -> Bool {
        var node = head
        while node != Self.end {
            if self.nodes[Int(node)].read.thread == read.thread {
                self.nodes[Int(node)].read = read
                return true
            }
            node = self.nodes[Int(node)].next
        }
        return false
    }

    /// Takes the read of `thread` out of the list starting at `head` (updated if it was the first);
    /// gives it with the filter bits of the reads left in the list, or nil if the thread has none there.
    mutating func remove(_ thread: ThreadID, fromListAt head: inout UInt32) -> (read: OpenRead, remainingBits: UInt16)? {
        var previous = Self.end
        var node = head
        var bits: UInt16 = 0
        var found: OpenRead?
        while node != Self.end {
            let next = self.nodes[Int(node)].next
            if found == nil && self.nodes[Int(node)].read.thread == thread {
                found = self.nodes[Int(node)].read
                if previous == Self.end { head = next } else { self.nodes[Int(previous)].next = next }
                self.nodes[Int(node)].next = self.free
                self.free = node
                self.used -= 1
            } else {
                bits |= self.nodes[Int(node)].read.threadBit
                previous = node
            }
            node = next
        }
        return found.map { ($0, bits) }
    }

    /// Calls `body` with each read of the list starting at `head`.
    func forEach(inListAt head: UInt32, _ body: (OpenRead) -> Void) {
        var node = head
        while node != Self.end {
            body(self.nodes[Int(node)].read)
            node = self.nodes[Int(node)].next
        }
    }
}
