/// The BEAM half of the benchmark, compiled with `erlc` at start: `observer/0` runs on node B
/// and tells when a group has the members expected; `driver/0` runs on node A and measures the
/// BEAM-to-BEAM rows against B's observer, exactly as the Swift rows are measured.
enum PGBenchErlang {
    static let source = #"""
    -module(pg_bench).
    -export([observer/0, driver/0]).

    now_ns() -> erlang:monotonic_time(nanosecond).

    %% On B. {wait, From, Group, N, Tag}: {seen, Tag} once Group has N members or more (none
    %% for N = 0), polling pg:get_members/1 every millisecond. {wait_resync, ...}: first none,
    %% then N. {disconnect, Node}: erlang:disconnect_node(Node).
    observer() ->
        register(pg_bench_observer, self()),
        observer_loop().

    observer_loop() ->
        receive
            {wait, From, Group, N, Tag} ->
                spawn(fun() -> wait(Group, N), From ! {seen, Tag} end);
            {wait_resync, From, Group, N, Tag} ->
                spawn(fun() -> wait(Group, 0), wait(Group, N), From ! {seen, Tag} end);
            {disconnect, Node} ->
                erlang:disconnect_node(Node)
        end,
        observer_loop().

    wait(Group, N) ->
        Count = length(pg:get_members(Group)),
        case (N =:= 0 andalso Count =:= 0) orelse (N > 0 andalso Count >= N) of
            true -> ok;
            false -> timer:sleep(1), wait(Group, N)
        end.

    %% On A. {run, From, Mode, Peer, N, Group, Tag}: {result, Tag, Milliseconds}.
    driver() ->
        register(pg_bench_driver, self()),
        driver_loop().

    driver_loop() ->
        receive
            {run, From, Mode, Peer, N, Group, Tag} ->
                true = net_kernel:connect_node(Peer),
                From ! {result, Tag, run(Mode, Peer, N, Group)}
        end,
        driver_loop().

    run(individual, Peer, N, Group) ->
        Self = self(),
        Procs = [spawn(fun() -> member(Self, Group) end) || _ <- lists:seq(1, N)],
        Tag = wait_on(Peer, wait, Group, N),
        T0 = now_ns(),
        [P ! join || P <- Procs],
        measured(Tag, T0, Peer, Group, Procs);
    run(batch, Peer, N, Group) ->
        Self = self(),
        Procs = [spawn(fun() -> member(Self, Group) end) || _ <- lists:seq(1, N)],
        Tag = wait_on(Peer, wait, Group, N),
        T0 = now_ns(),
        ok = pg:join(Group, Procs),
        measured(Tag, T0, Peer, Group, Procs);
    run(resync, Peer, N, Group) ->
        Self = self(),
        Procs = [spawn(fun() -> member(Self, Group) end) || _ <- lists:seq(1, N)],
        ok = pg:join(Group, Procs),
        seen(wait_on(Peer, wait, Group, N)),
        Tag = wait_on(Peer, wait_resync, Group, N),
        {pg_bench_observer, Peer} ! {disconnect, node()},
        gone(Peer),
        timer:sleep(200),
        T0 = now_ns(),
        true = net_kernel:connect_node(Peer),
        measured(Tag, T0, Peer, Group, Procs).

    measured(Tag, T0, Peer, Group, Procs) ->
        seen(Tag),
        Ms = (now_ns() - T0) / 1.0e6,
        [P ! stop || P <- Procs],
        seen(wait_on(Peer, wait, Group, 0)),
        Ms.

    wait_on(Peer, Kind, Group, N) ->
        Tag = make_ref(),
        {pg_bench_observer, Peer} ! {Kind, self(), Group, N, Tag},
        Tag.

    seen(Tag) ->
        receive {seen, Tag} -> ok after 120000 -> error(pg_timeout) end.

    gone(Peer) ->
        case lists:member(Peer, nodes(connected)) of
            true -> timer:sleep(1), gone(Peer);
            false -> ok
        end.

    member(Parent, Group) ->
        receive
            join -> ok = pg:join(Group, self()), member(Parent, Group);
            stop -> ok
        end.
    """#
}
