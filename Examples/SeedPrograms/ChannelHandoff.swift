import SyncTrace

/// A producer fills a message and sends on a channel; the consumer receives, then reads the message.
/// A send happens before its receive completes, so the read is ordered after the write: no race.
/// With capacity 0 the send waits for the receiver (a rendezvous); with capacity 1 it does not wait.
func channelHandoff(capacity: Int) {
    let message = TracedVar("", name: "message")
    let ready = TracedChannel<Bool>(capacity: capacity, name: "ready")
    let producer = TracedThread.spawn(name: "producer") {
        message[] = "hello"
        ready.send(true)  // publishes the write above
    }
    let consumer = TracedThread.spawn(name: "consumer") {
        _ = ready.receive()
        print("consumer got \"\(message[])\" through a channel of capacity \(capacity)")
    }
    producer.join()
    consumer.join()
}
