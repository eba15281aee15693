import SyncTrace

/// A producer task fills a payload, then yields its index; the consumer reads the payload after
/// receiving the index. Each yield happens before the next() that returns it: no race.
func asyncStream() async {
    let payloads = (0..<4).map { TracedVar("", name: "payload \($0)") }
    let (stream, continuation) = TracedAsyncStream.makeStream(of: Int.self, name: "ready")
    let producer = TracedTask(name: "producer") {
        for index in payloads.indices {
            payloads[index][] = "item \(index)"
            continuation.yield(index)
        }
        continuation.finish()
    }
    var received: [String] = []
    for await index in stream {
        received.append(payloads[index][])
    }
    await producer.value
    print("consumer received \(received.joined(separator: ", "))")
}
