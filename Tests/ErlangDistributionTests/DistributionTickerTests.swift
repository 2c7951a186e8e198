import ErlangDistribution
import Testing

/// An instant of a fake clock: a duration since its origin.
struct FakeInstant: InstantProtocol {
    var sinceOrigin: Duration

    static func seconds(_ value: Double) -> FakeInstant { FakeInstant(sinceOrigin: .milliseconds(Int64(value * 1000))) }
    func advanced(by duration: Duration) -> FakeInstant { FakeInstant(sinceOrigin: sinceOrigin + duration) }
    func duration(to other: FakeInstant) -> Duration { other.sinceOrigin - sinceOrigin }
    static func < (lhs: FakeInstant, rhs: FakeInstant) -> Bool { lhs.sinceOrigin < rhs.sinceOrigin }
}

/// net_ticktime as OTP 25's dist_util applies it (distribution.md §4.1), on a fake clock.
@Suite struct DistributionTickerTests {
    typealias Ticker = DistributionTicker<FakeInstant>
    let start = FakeInstant.seconds(0)

    /// Fires the timer every `interval` from `first` to `last` and returns each firing's action.
    private func fire(_ ticker: inout Ticker, from first: Double, to last: Double, every interval: Double,
                      receiving: (Double) -> Bool = { _ in false }, sending: (Double) -> Bool = { _ in false }) -> [Double: Ticker.Action] {
        var actions: [Double: Ticker.Action] = [:]
        var time = first
        while time <= last {
            let now = FakeInstant.seconds(time)
            if receiving(time) { ticker.received(at: now) }
            if sending(time) { ticker.sent(at: now) }
            actions[time] = ticker.timerFired(at: FakeInstant.seconds(time + 0.001))
            time += interval
        }
        return actions
    }

    @Test func defaultsAreOTPs() {
        let ticker = Ticker(start: start)
        #expect(ticker.netTickTime == .seconds(60))
        #expect(ticker.intensity == 4)
        #expect(ticker.tickInterval == .seconds(15))
    }

    @Test func tickTimeAndIntensityAreAdjustedAsNetKernelDoes() {
        #expect(Ticker(netTickTime: .milliseconds(7001), start: start).netTickTime == .milliseconds(7004))
        #expect(Ticker(netTickTime: .seconds(8), intensity: 2, start: start).intensity == 4)
        #expect(Ticker(netTickTime: .seconds(8), intensity: 5000, start: start).intensity == 1000)
        #expect(Ticker(netTickTime: .seconds(8), start: start).tickInterval == .seconds(2))
    }

    @Test func anIdleConnectionTicksEveryPeriodAfterTheFirst() {
        var ticker = Ticker(start: start)
        // The peer ticks too, so it stays alive; this side writes nothing but its ticks.
        let actions = fire(&ticker, from: 15, to: 300, every: 15, receiving: { _ in true })
        #expect(actions[15] == Ticker.Action.none)  // the handshake was this period's write
        #expect(actions.filter { $0.key > 15 }.values.allSatisfy { $0 == .sendTick })
    }

    @Test func writingMessagesMakesTicksNeedless() {
        var ticker = Ticker(start: start)
        let actions = fire(&ticker, from: 15, to: 300, every: 15, receiving: { _ in true }, sending: { _ in true })
        #expect(actions.values.allSatisfy { $0 == .none })
    }

    @Test func pendingOutputMakesTicksNeedless() {
        var ticker = Ticker(start: start)
        _ = ticker.timerFired(at: .seconds(15))
        ticker.received(at: .seconds(20))
        #expect(ticker.timerFired(at: .seconds(30), outputPending: true) == .none)
        #expect(ticker.timerFired(at: .seconds(45)) == .sendTick)
    }

    @Test func aSilentPeerIsDownOneTickTimeAfterItsLastByteAtTheLatestOnePeriodLater() {
        // Timer phase 7 s: firings at 7, 22, 37, 52, 67.
        var ticker = Ticker(start: start)
        let actions = fire(&ticker, from: 7, to: 67, every: 15)
        #expect(actions[52] == .sendTick)
        #expect(actions[67] == .peerUnresponsive)

        // A byte just before the firing at 45 is noticed there: down at 105, T after it.
        var justBefore = Ticker(start: start)
        let beforeActions = fire(&justBefore, from: 15, to: 120, every: 15, receiving: { $0 == 45 })
        #expect(beforeActions[90] == .sendTick)
        #expect(beforeActions[105] == .peerUnresponsive)

        // A byte just after the firing at 45 is noticed at 60: down at 120, T + T/4 after it at most.
        var justAfter = Ticker(start: start)
        for firing in stride(from: 15.0, through: 45, by: 15) { _ = justAfter.timerFired(at: .seconds(firing)) }
        justAfter.received(at: .seconds(45.5))
        #expect(justAfter.timerFired(at: .seconds(60)) == .sendTick)
        #expect(justAfter.timerFired(at: .seconds(75)) == .sendTick)
        #expect(justAfter.timerFired(at: .seconds(90)) == .sendTick)
        #expect(justAfter.timerFired(at: .seconds(105)) == .sendTick)
        #expect(justAfter.timerFired(at: .seconds(120)) == .peerUnresponsive)
    }

    @Test func theObservedEightSecondDrop() {
        // OBS (distribution.md §4.1): ticktime 8, a silent hidden peer dropped 8.09 s after the handshake.
        var ticker = Ticker(netTickTime: .seconds(8), peerIsHidden: true, start: start)
        var actions: [Ticker.Action] = []
        for firing in [0.09, 2.09, 4.09, 6.09, 8.09] {
            actions.append(ticker.timerFired(at: .seconds(firing)))
        }
        #expect(actions == [.none, .sendTick, .sendTick, .sendTick, .peerUnresponsive])
    }

    @Test func aHiddenPeerThatSentNothingIsTickedEvenWhileWeWrite() {
        var hidden = Ticker(peerIsHidden: true, start: start)
        var visible = Ticker(start: start)
        for ticker in [0, 1] {
            var machine = ticker == 0 ? hidden : visible
            _ = machine.timerFired(at: .seconds(15))
            machine.sent(at: .seconds(20))
            let action = machine.timerFired(at: .seconds(30))
            #expect(action == (ticker == 0 ? .sendTick : .none))
            if ticker == 0 { hidden = machine } else { visible = machine }
        }
    }

    @Test func receivingKeepsThePeerAliveIndefinitely() {
        var ticker = Ticker(netTickTime: .seconds(8), start: start)
        let actions = fire(&ticker, from: 2, to: 600, every: 2, receiving: { Int($0) % 6 == 0 })
        #expect(!actions.values.contains(.peerUnresponsive))
    }

    @Test func aLateFiringCountsAsOneFiring() {
        // The loop ran the timer 64 s late: the peer's bytes of that time may still wait in the
        // socket, so the firing is one silent period, not a verdict; four in a row are.
        var ticker = Ticker(start: start)
        #expect(ticker.timerFired(at: .seconds(15)) == Ticker.Action.none)
        ticker.received(at: .seconds(20))
        #expect(ticker.timerFired(at: .seconds(79)) == .sendTick)
        #expect(ticker.timerFired(at: .seconds(200)) == .sendTick)
        #expect(ticker.timerFired(at: .seconds(215)) == .sendTick)
        #expect(ticker.timerFired(at: .seconds(230)) == .sendTick)
        #expect(ticker.timerFired(at: .seconds(245)) == .peerUnresponsive)
    }

    @Test func aReceiptReportedAtAFiringCountsForThatPeriodOnly() {
        // As the connection handler reports reads: a flag per read, told to the ticker when the
        // timer fires. The verdicts are those of receipts with their instants.
        var reported = Ticker(start: start)
        var timed = Ticker(start: start)
        var actions: [Ticker.Action] = []
        for (firing, receipt) in [(15.0, nil), (30, 20), (45, nil), (60, 59.9), (75, nil), (90, nil), (105, nil), (120, nil)] {
            if let receipt {
                reported.receivedSincePreviousFiring()
                timed.received(at: .seconds(receipt))
            }
            let action = reported.timerFired(at: .seconds(firing))
            #expect(action == timed.timerFired(at: .seconds(firing)))
            actions.append(action)
        }
        #expect(actions == [.none, .sendTick, .sendTick, .sendTick, .sendTick, .sendTick, .sendTick, .peerUnresponsive])
    }

    @Test func bytesReadAfterALateFiringKeepThePeer() {
        var ticker = Ticker(netTickTime: .seconds(4), start: start)
        #expect(ticker.timerFired(at: .seconds(1)) == Ticker.Action.none)
        // The loop was busy for 5 s: the next firing runs first, then the waiting ticks are read.
        #expect(ticker.timerFired(at: .seconds(6)) == .sendTick)
        ticker.received(at: .seconds(6.001))
        #expect(ticker.timerFired(at: .seconds(7)) == .sendTick)
        #expect(ticker.timerFired(at: .seconds(8)) == .sendTick)
    }
}
