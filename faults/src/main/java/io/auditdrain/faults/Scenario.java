package io.auditdrain.faults;

import io.auditdrain.testing.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One condition the receiver meets while the senders run: a fault of S3's or SSM's API, both endpoints away, or
 * none (the baseline). Faults are injected by the proxy between the receiver and moto, per request, for a share of
 * the requests to that service; "away and back" takes the service away in windows and brings it back between them.
 *
 * @param service "s3", "ssm", "aws" (every request, at the connection: the endpoint is unreachable), or "" for none
 */
record Scenario(String service, Kind kind) {

    /** A response this much later than the request is later than the receiver's deadline and the senders' wait. */
    static final Duration LATENCY = Duration.ofSeconds(6);

    enum Kind {
        NONE("none", "no faults (baseline)"),
        LATENCY("latency", "answers " + Scenario.LATENCY.toSeconds() + " s late"),
        DROP_AFTER_SEND("drop", "connection dropped after the request was sent"),
        RESET("reset", "connection reset, request not forwarded"),
        ANSWER_500("500", "500 after the request was acted on"),
        ANSWER_503("503", "503, request not forwarded"),
        CONFLICT_409("409", "409 ConditionalRequestConflict, request not forwarded"),
        AWAY_AND_BACK("away", "away and back");

        final String code;
        final String description;

        Kind(String code, String description) {
            this.code = code;
            this.description = description;
        }
    }

    /** The baseline, then every fault of S3, every fault of SSM, then both endpoints away and back. */
    static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("", Kind.NONE));
        for (String service : List.of("s3", "ssm")) {
            for (Kind kind : Kind.values()) {
                // S3 answers a conditional write 409 when another write of the key races it; SSM has no such answer.
                if (kind != Kind.NONE && (kind != Kind.CONFLICT_409 || service.equals("s3"))) {
                    all.add(new Scenario(service, kind));
                }
            }
        }
        all.add(new Scenario("aws", Kind.AWAY_AND_BACK));
        return List.copyOf(all);
    }

    String label() {
        return kind == Kind.NONE ? "none" : service + " " + kind.code;
    }

    String description() {
        if (kind == Kind.NONE) {
            return kind.description;
        }
        String who = service.equals("aws") ? "S3 and SSM endpoint (connections refused)" : service.toUpperCase();
        return who + ": " + kind.description;
    }

    /** The app this scenario's senders drain, at {@code door}: its own prefix in the bucket, its own credential. */
    String app(String door) {
        return kind == Kind.NONE ? door + "-none" : door + "-" + service + "-" + kind.code;
    }

    /**
     * Starts the fault on {@code proxy}; closing the returned handle heals it. Away windows last a fifth of the
     * scenario (1 to 4 s) and alternate with equal times of service.
     */
    Injection inject(FaultProxy proxy, double share, Duration duration) {
        FaultProxy.Fault fault = switch (kind) {
            case NONE -> null;
            case LATENCY -> FaultProxy.Fault.DELAY;
            case DROP_AFTER_SEND -> FaultProxy.Fault.DROP_AFTER_SEND;
            case RESET -> FaultProxy.Fault.RESET;
            case ANSWER_500 -> FaultProxy.Fault.ANSWER_500;
            case ANSWER_503 -> FaultProxy.Fault.ANSWER_503;
            case CONFLICT_409 -> FaultProxy.Fault.ANSWER_409;
            case AWAY_AND_BACK -> FaultProxy.Fault.AWAY;
        };
        long before = injected(proxy, fault);
        Thread windows = null;
        if (kind == Kind.LATENCY) {
            proxy.inject(service, LATENCY, share);
        } else if (kind == Kind.AWAY_AND_BACK) {
            long outage = Math.max(1_000, Math.min(4_000, duration.toMillis() / 5));
            windows = new Thread(() -> alternate(proxy, outage), "fault-windows");
            windows.setDaemon(true);
            windows.start();
        } else if (fault != null) {
            proxy.inject(service, fault, share);
        }
        return new Injection(proxy, fault, before, windows);
    }

    private void alternate(FaultProxy proxy, long outageMillis) {
        try {
            while (true) {
                Thread.sleep(outageMillis);
                away(proxy, true);
                Thread.sleep(outageMillis);
                away(proxy, false);
            }
        } catch (InterruptedException e) {
            away(proxy, false);
        }
    }

    private void away(FaultProxy proxy, boolean away) {
        if (service.equals("aws")) {
            proxy.refuseConnections(away);
        } else if (away) {
            proxy.inject(service, FaultProxy.Fault.AWAY, 1.0);
        } else {
            proxy.spare(service);
        }
    }

    private long injected(FaultProxy proxy, FaultProxy.Fault fault) {
        if (fault == null) {
            return 0;
        }
        return service.equals("aws") ? proxy.refused() : proxy.injected(service, fault);
    }

    /** A running fault. */
    final class Injection implements AutoCloseable {
        private final FaultProxy proxy;
        private final FaultProxy.Fault fault;
        private final long before;
        private final Thread windows;
        private long count = -1;

        private Injection(FaultProxy proxy, FaultProxy.Fault fault, long before, Thread windows) {
            this.proxy = proxy;
            this.fault = fault;
            this.before = before;
            this.windows = windows;
        }

        /** Requests (connections, for "aws") that met the fault; final once closed. */
        long count() {
            return count >= 0 ? count : injected(proxy, fault) - before;
        }

        @Override
        public void close() throws InterruptedException {
            if (count >= 0) {
                return;
            }
            if (windows != null) {
                windows.interrupt();
                windows.join();
            }
            count = injected(proxy, fault) - before;
            proxy.heal();
        }
    }
}
