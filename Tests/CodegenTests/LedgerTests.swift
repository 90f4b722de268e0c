import Capnp
import Testing

/// ledger.capnp was written after the generator was done: combined features must work without
/// generator changes (recursion, unions in groups in unions, shadowing, enum lists of lists).
@Suite struct LedgerTests {
    static let schema = Peers.fixtures.appendingPathComponent("ledger.capnp").path
    static let text = """
    (name = "root",
     entries = [(amount = 10, kind = transfer, memo = "rent", tags = ["home", "monthly"], cheque = 12),
                (card = (last4 = 4242, expires = (year = 2031, month = 12)))],
     children = [(name = "child", location = (at = (x = 3, y = 4))), ()],
     totals = (count = 2, sums = [], currency = jpy),
     matrix = [[debit, credit], [], [transfer]],
     location = (between = (from = (x = 1, label = "a"), to = (y = 2), mode = (ride = 3.25))),
     localPoint = (local = false), empty = (), flags = [])
    """

    static func build(_ l: Ledger.Builder) throws {
        l.setName("root")
        let entries = l.initEntries(count: 2)
        let e0 = Ledger.Entry.Builder(entries.structElement(at: 0))
        e0.amount = 10
        e0.kind = .transfer
        e0.setMemo("rent")
        e0.setTags(["home", "monthly"])
        e0.cheque = 12
        let card = Ledger.Entry.Builder(entries.structElement(at: 1)).initCard()
        card.last4 = 4242
        let expires = card.initExpires()
        expires.year = 2031
        expires.month = 12
        let children = l.initChildren(count: 2)
        let child = Ledger.Builder(children.structElement(at: 0))
        child.setName("child")
        let at = child.location.initAt()
        at.x = 3
        at.y = 4
        let totals = l.initTotals()
        totals.count = 2
        totals.setSums([])
        totals.currency = .jpy
        let matrix = l.initMatrix(count: 3)
        let m0 = matrix.initList(at: 0, elementSize: .twoBytes, count: 2)
        m0.setScalar(Ledger.Entry.Kind.debit.rawValue, at: 0)
        m0.setScalar(Ledger.Entry.Kind.credit.rawValue, at: 1)
        _ = matrix.initList(at: 1, elementSize: .twoBytes, count: 0)
        matrix.initList(at: 2, elementSize: .twoBytes, count: 1).setScalar(Ledger.Entry.Kind.transfer.rawValue, at: 0)
        let between = l.location.initBetween()
        let from = between.initFrom()
        from.x = 1
        from.setLabel("a")
        between.initTo().y = 2
        between.mode.ride = 3.25
        l.initLocalPoint().local = false
        l.initEmpty()
        l.setFlags([])
    }

    @Test func readsWhatCapnpEncodes() throws {
        let frames = try Frames(try Peers.encode(Self.text, type: "Ledger", schema: Self.schema))
        defer { withExtendedLifetime(frames) {} }
        let l = try frames.root(as: Ledger.Reader.self)
        #expect(try l.name == "root")
        let entries = try l.entries
        #expect(entries.count == 2)
        #expect(entries[0].amount == 10 && entries[0].kind == .transfer)
        #expect(try entries[0].tags.strings() == ["home", "monthly"])
        guard case .cheque(12) = try entries[0].which() else { Issue.record("cheque"); return }
        #expect(entries[1].amount == -100 && entries[1].kind == .credit)   // defaults
        #expect(try entries[1].tags.strings() == ["default"])
        guard case .card(let card) = try entries[1].which() else { Issue.record("card"); return }
        #expect(card.last4 == 4242)
        #expect(try card.expires.year == 2031 && card.expires.month == 12 && card.expires.day == 1)
        let children = try l.children
        guard case .at(let p) = try children[0].location.which() else { Issue.record("at"); return }
        #expect(p.x == 3 && p.y == 4)
        #expect(try children[1].name == "unnamed")
        #expect(try children[1].totals.count == 1)                           // struct default
        #expect(try Array(children[1].totals.sums) == [1.5, 2.5])
        #expect(try children[1].totals.currency == .eur)
        #expect(try Array(children[1].flags) == [true, true, false])
        #expect(try l.totals.currency == .jpy && l.totals.sums.isEmpty)
        let matrix = try l.matrix
        #expect(try Array(matrix.get(0)) == [.debit, .credit] && matrix.get(1).isEmpty)
        guard case .between(let b) = try l.location.which() else { Issue.record("between"); return }
        #expect(try b.from.label == "a" && b.to.y == 2)
        guard case .ride(let speed) = try b.mode.which() else { Issue.record("ride"); return }
        #expect(speed == 3.25)
        #expect(try l.localPoint.local == false)
        #expect(try Array(l.flags).isEmpty && l.hasFlags)
    }

    @Test(arguments: [false, true]) func rendersLikeCapnpDecode(short: Bool) throws {
        let bytes = try Peers.encode(Self.text, type: "Ledger", schema: Self.schema)
            + Peers.encode("()", type: "Ledger", schema: Self.schema)
        let expected = try Peers.decode(bytes, type: "Ledger", schema: Self.schema, short: short)
        let ours = try renderStream(try Frames(bytes), as: Ledger.Reader.self, style: short ? .capnpText : .capnpPretty)
        #expect(ours == expected)
        if ours != expected { print(firstDifference(ours, expected)) }
    }

    @Test func capnpDecodesWhatSwiftBuilds() throws {
        let b = MessageBuilder()
        defer { withExtendedLifetime(b) {} }
        try Self.build(b.initRoot(Ledger.Builder.self))
        let ours = try Peers.decode(Framing.encode(b), type: "Ledger", schema: Self.schema)
        let theirs = try Peers.decode(try Peers.encode(Self.text, type: "Ledger", schema: Self.schema), type: "Ledger", schema: Self.schema)
        #expect(ours == theirs)
    }

    @Test func structConstantAndUnionGroupDefaults() throws {
        let sample = try LedgerSchema.sample
        #expect(try sample.name == "sample")
        #expect(try sample.entries.count == 2)
        guard case .between(let b) = try sample.location.which(), case .fly(let bytes) = try b.mode.which() else {
            Issue.record("sample location"); return
        }
        #expect(bytes.array == [0xBE, 0xEF])
        // Defaults of members inside a union inside a group inside a union.
        let b2 = MessageBuilder()
        defer { withExtendedLifetime(b2) {} }
        let l = b2.initRoot(Ledger.Builder.self)
        let between = l.location.initBetween()
        #expect(between.mode.ride == 12.5)
        #expect(try between.asReader().mode.fly.array == [0xCA, 0xFE])
        #expect(try Ledger.Reader(l.raw.asReader()).localPoint.local == true)
        #expect(Empty.dataWordCount == 0 && Empty.pointerCount == 0)
    }
}
