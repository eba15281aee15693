import SyncTraceFormat
import Testing

/// `ChannelRules`: what a channel's capacity means, as the rule checker, the ordering and the
/// happens-before engine apply it.
@Suite("Channel rules")
struct ChannelRulesTests {
    @Test("a rendezvous channel is never full, and no send of it waits for an earlier receive")
    func rendezvous() {
        let rules = ChannelRules(capacity: 0)
        #expect(rules.isRendezvous)
        #expect(!rules.isFull(sends: 5, receives: 0))
        #expect((0..<5).allSatisfy { rules.receiveMakingRoom(forSend: $0) == nil })
    }

    @Test("a buffered channel is full while capacity values wait; send k waits for receive k − capacity")
    func buffered() {
        let rules = ChannelRules(capacity: 2)
        #expect(!rules.isRendezvous)
        #expect(!rules.isFull(sends: 1, receives: 0))
        #expect(rules.isFull(sends: 2, receives: 0))
        #expect(!rules.isFull(sends: 3, receives: 2))
        #expect((0..<5).map { rules.receiveMakingRoom(forSend: $0) } == [nil, nil, 0, 1, 2])
    }

    @Test("the text form's checker applies them: a send on a full channel is refused, a rendezvous sender waits")
    func checkerAppliesThem() throws {
        #expect(TestTraces.textError("T0|chan(C,1)\nT0|send(C)\nT0|send(C)\n")?.reason.contains("full channel") == true)
        #expect(TestTraces.textError("T0|chan(C,0)\nT0|send(C)\nT0|w(x)\nT1|recv(C)\n")?.reason.contains("rendezvous") == true)
        _ = try TestTraces.readText("T0|chan(C,0)\nT0|send(C)\nT1|recv(C)\nT0|w(x)\n")
    }
}
