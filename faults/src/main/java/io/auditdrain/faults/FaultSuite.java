package io.auditdrain.faults;

import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.FaultProxy;
import io.auditdrain.testing.MotoServer;
import io.auditdrain.testing.lambda.TerraformModule;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The fault suite (scripts/faults): Logplex-style senders against both doors while a proxy between the receiver and
 * moto's S3 and SSM injects faults, then a census of the bucket; and valid senders against the local server while
 * slow clients hold connections open. Prints the report, saves it with the receivers' logs, and exits 0 when every
 * check passed, 1 when one failed, 2 when the suite could not run.
 */
@Command(name = "faults", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drives the receiver through both doors under injected faults and slow clients, then counts"
                + " what the bucket holds: LOST (acknowledged, not stored) and DUPLICATED must be 0.")
public final class FaultSuite implements Callable<Integer> {

    static final String BUCKET = "auditdrain-faults";
    static final String PARAMETER_PREFIX = "/auditdrain-faults/apps";
    /** After a scenario, for requests the proxy let through late to land before the census. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "N", description = "How long each scenario and phase sends (default:"
            + " 20, or 4 with --quick).")
    Integer seconds;

    @Option(names = "--quick", description = "Short scenarios: a check that the suite runs, not figures to quote.")
    boolean quick;

    @Option(names = "--only", paramLabel = "PART", split = ",", description = "Any of local, lambda, slow-clients"
            + " (default: all three).")
    Set<String> only = new LinkedHashSet<>(List.of("local", "lambda", "slow-clients"));

    @Option(names = "--senders", paramLabel = "N", defaultValue = "16",
            description = "Concurrent senders at the local door (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--environments", paramLabel = "N", defaultValue = "4",
            description = "Lambda execution environments, and as many senders (default: ${DEFAULT-VALUE}).")
    int environments;

    @Option(names = "--share", paramLabel = "F", defaultValue = "0.3",
            description = "Share of a service's requests that meet the fault (default: ${DEFAULT-VALUE}).")
    double share;

    @Option(names = "--pause-ms", paramLabel = "MS", defaultValue = "250",
            description = "About how long a sender waits between batches (default: ${DEFAULT-VALUE}).")
    long pauseMillis;

    @Option(names = "--slow-connections", paramLabel = "N", defaultValue = "64",
            description = "Slowloris connections of each kind (headers, bodies) (default: ${DEFAULT-VALUE}).")
    int slowConnections;

    @Option(names = "--idle-sockets", paramLabel = "N", defaultValue = "200",
            description = "Idle sockets (default: ${DEFAULT-VALUE}).")
    int idleSockets;

    @Option(names = "--slow-senders", paramLabel = "N", defaultValue = "8",
            description = "Valid senders during the slow-client phases (default: ${DEFAULT-VALUE}).")
    int slowSenders;

    @Option(names = "--receiver-jar", paramLabel = "JAR", defaultValue = "receiver/target/auditdrain-receiver.jar",
            description = "The shipped jar, for the Lambda door (default: ${DEFAULT-VALUE}).")
    Path receiverJar;

    @Option(names = "--terraform", paramLabel = "DIR", defaultValue = "terraform",
            description = "The Terraform module the Lambda door is configured from (default: ${DEFAULT-VALUE}).")
    Path terraform;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".local/faults",
            description = "Where each run's report and logs are saved (default: ${DEFAULT-VALUE}).")
    Path out;

    private FaultProxy proxy;
    private S3Client s3;
    private SsmClient ssm;
    private Duration duration;
    private Path runDirectory;
    private final long startedNanos = System.nanoTime();
    private final Map<String, String> secrets = new TreeMap<>();
    private final List<AutoCloseable> running = new CopyOnWriteArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultSuite())
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    // Not a finding about the receiver: the suite itself could not run (a door did not start, ...).
                    e.printStackTrace(commandLine.getErr());
                    commandLine.getErr().println("faults: the suite could not run: " + e);
                    return 2;
                })
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String usage = validate();
        if (usage != null) {
            stderr.println("faults: " + usage);
            return 2;
        }
        if (!MotoServer.isInstalled()) {
            stderr.println("faults: moto_server is not on PATH (pip install 'moto[server]', or set MOTO_SERVER)");
            return 2;
        }
        duration = Duration.ofSeconds(seconds != null ? seconds : quick ? 4 : 20);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        runDirectory = Files.createDirectories(out.resolve(stamp));
        // The local door's SDK reads these (any value works with moto); the Lambda door gets its own.
        System.setProperty("aws.accessKeyId", AwsEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", AwsEmulator.SECRET_KEY);

        FaultReport report = new FaultReport(heading());
        List<FaultReport.DoorResult> doors = new ArrayList<>();
        List<FaultReport.SlowClientPhase> phases = new ArrayList<>();
        // Interrupted (Ctrl-C), the suite still stops what it started: moto, the Lambda environments' JVMs.
        Thread stop = new Thread(this::closeStarted, "faults-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try (MotoServer moto = started(MotoServer.start())) {
            proxy = FaultProxy.start(moto.endpoint());
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY,
                    AwsEmulator.SECRET_KEY));
            s3 = S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                    .credentialsProvider(credentials).build();
            ssm = SsmClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(credentials).build();
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
            for (String app : apps()) {
                secrets.put(app, register(app));
            }
            Map<String, String> receiverEnvironment = Door.receiverEnvironment(proxy.endpoint(), BUCKET,
                    PARAMETER_PREFIX, secrets.keySet());
            if (only.contains("local")) {
                try (LocalDoor door = started(LocalDoor.start(receiverEnvironment,
                        runDirectory.resolve("local-door.log")))) {
                    doors.add(runDoor(door, senders, stderr));
                }
                report.door(doors.get(doors.size() - 1));
            }
            if (only.contains("lambda")) {
                if (!Files.isRegularFile(receiverJar)) {
                    stderr.println("faults: no receiver jar at " + receiverJar + " (build it: scripts/build)");
                    return 2;
                }
                progress(stderr, "starting " + environments + " Lambda environments");
                try (LambdaDoor door = started(LambdaDoor.start(receiverJar, TerraformModule.at(terraform),
                        receiverEnvironment, environments, runDirectory))) {
                    doors.add(runDoor(door, environments, stderr));
                }
                report.door(doors.get(doors.size() - 1));
            }
            if (only.contains("slow-clients")) {
                try (LocalDoor door = started(LocalDoor.start(receiverEnvironment,
                        runDirectory.resolve("slow-clients-door.log")))) {
                    phases.addAll(slowClients(door, stderr));
                }
                report.slowClients(phases, slowSenders);
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
            if (ssm != null) {
                ssm.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            Runtime.getRuntime().removeShutdownHook(stop);
        }
        List<FaultReport.Check> checks = FaultReport.checks(doors, phases);
        report.checks(checks);
        Path saved = runDirectory.resolve("report.txt");
        Files.writeString(saved, report.text());
        stdout.print(report.text());
        stdout.println("report and receiver logs saved in " + runDirectory);
        stdout.flush();
        return checks.stream().allMatch(FaultReport.Check::passed) ? 0 : 1;
    }

    /** Remembers {@code resource} for the shutdown hook; the normal path closes it with try-with-resources. */
    private <T extends AutoCloseable> T started(T resource) {
        running.add(0, resource);
        return resource;
    }

    private void closeStarted() {
        for (AutoCloseable resource : running) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    private String validate() {
        Set<String> parts = Set.of("local", "lambda", "slow-clients");
        if (!parts.containsAll(only)) {
            return "--only takes local, lambda, slow-clients: " + only;
        }
        if (seconds != null && (seconds < 1 || seconds > 3600)) {
            return "--seconds must be 1..3600: " + seconds;
        }
        if (senders < 1 || environments < 1 || slowSenders < 1 || slowConnections < 0 || idleSockets < 0) {
            return "--senders, --environments and --slow-senders must be at least 1, the attack sizes at least 0";
        }
        if (!(share > 0 && share <= 1)) {
            return "--share must be in (0, 1]: " + share;
        }
        if (pauseMillis < 0) {
            return "--pause-ms must be at least 0";
        }
        return null;
    }

    private String heading() {
        return String.format("auditdrain fault suite, %s, %d cores, Java %s%n"
                        + "%d s per scenario and phase; fault share %.0f%% of a service's requests; latency fault %d s;"
                        + " receiver credentials TTL %s s%n"
                        + "senders: Logplex's rules (%d s timeout, %d attempts with the same Frame-Id, %d s backoff,"
                        + " 4xx but 429 dropped); half send a Frame-Id and Drain-Token, half neither (Private Spaces)",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                duration.toSeconds(), share * 100, Scenario.LATENCY.toSeconds(), Door.CREDENTIALS_TTL_SECONDS,
                SenderFleet.TIMEOUT.toSeconds(), SenderFleet.ATTEMPTS, SenderFleet.BACKOFF.toSeconds());
    }

    private FaultReport.DoorResult runDoor(Door door, int doorSenders, PrintWriter stderr) throws Exception {
        // JIT, connection pools and the first credential reads warm up first, so the baseline is a warm door's.
        progress(stderr, door.name() + " door: warming up");
        String warmup = door.name() + "-warmup";
        int warmupAttempts = SenderFleet.run(door.endpoint(), warmup, secrets.get(warmup), doorSenders,
                        quick ? WARM_UP.dividedBy(5) : WARM_UP, Duration.ofMillis(pauseMillis), new MarkedBatches(warmup))
                .stream().mapToInt(d -> d.attempts().size()).sum();
        List<FaultReport.ScenarioResult> results = new ArrayList<>();
        for (Scenario scenario : Scenario.all()) {
            progress(stderr, door.name() + " door: " + scenario.description());
            String app = scenario.app(door.name());
            String secret = secrets.get(app);
            MarkedBatches batches = new MarkedBatches(app);
            long requestsBefore = serviceRequests(scenario);
            List<SenderFleet.Delivery> deliveries;
            long faults;
            Scenario.Injection injection = scenario.inject(proxy, share, duration);
            try {
                deliveries = sendFor(door.endpoint(), app, secret, doorSenders, batches, injection);
            } finally {
                injection.close();
            }
            faults = injection.count();
            long requests = serviceRequests(scenario) - requestsBefore;
            progress(stderr, door.name() + " door: " + deliveries.size() + " batches; census");
            Thread.sleep(quick ? SETTLE.toMillis() / 2 : SETTLE.toMillis());
            Tally tally = Tally.of(deliveries, ArchiveCensus.take(s3, BUCKET, app));
            results.add(new FaultReport.ScenarioResult(scenario, tally, faults, requests));
        }
        return new FaultReport.DoorResult(door.name(), door.describe(), doorSenders, results, warmupAttempts,
                door.counters());
    }

    /** Senders run for the scenario's time with the fault on; batches still retrying after it meet a healed proxy. */
    private List<SenderFleet.Delivery> sendFor(URI endpoint, String app, String secret, int count,
                                               MarkedBatches batches, Scenario.Injection injection)
            throws Exception {
        CompletableFuture<List<SenderFleet.Delivery>> fleet = CompletableFuture.supplyAsync(() -> {
            try {
                return SenderFleet.run(endpoint, app, secret, count, duration, Duration.ofMillis(pauseMillis),
                        batches);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        });
        Thread.sleep(duration.toMillis());
        injection.close();
        return fleet.join();
    }

    private long serviceRequests(Scenario scenario) {
        return switch (scenario.service()) {
            case "" -> 0;
            case "aws" -> proxy.connections();
            default -> proxy.seen(scenario.service());
        };
    }

    private List<FaultReport.SlowClientPhase> slowClients(LocalDoor door, PrintWriter stderr) throws Exception {
        URI endpoint = door.endpoint();
        InetSocketAddress target = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
        List<FaultReport.SlowClientPhase> phases = new ArrayList<>();
        for (Phase phase : slowClientPlan()) {
            progress(stderr, "slow clients: " + phase.name());
            String secret = secrets.get(phase.app());
            List<SlowClients> attackers = new ArrayList<>();
            for (SlowClients.Kind kind : phase.kinds()) {
                attackers.add(SlowClients.start(target, kind, kind == SlowClients.Kind.IDLE ? idleSockets
                        : slowConnections));
            }
            List<SenderFleet.Delivery> deliveries;
            try {
                if (!attackers.isEmpty()) {
                    Thread.sleep(2_000); // the attack is in place before the first valid batch
                }
                deliveries = SenderFleet.run(endpoint, phase.app(), secret, slowSenders, duration,
                        Duration.ofMillis(pauseMillis), new MarkedBatches(phase.app()));
            } finally {
                for (SlowClients attacker : attackers) {
                    attacker.close();
                }
            }
            List<FaultReport.Attack> attacks = attackers.stream().map(a -> new FaultReport.Attack(
                    a.kind().description, a.count(), a.opened(), a.closedByServer(), a.answeredByServer(),
                    a.connectFailures())).toList();
            Thread.sleep(quick ? SETTLE.toMillis() / 2 : SETTLE.toMillis());
            phases.add(new FaultReport.SlowClientPhase(phase.name(), attacks,
                    Tally.of(deliveries, ArchiveCensus.take(s3, BUCKET, phase.app()))));
        }
        return phases;
    }

    /** A phase of the slow-client run: the attackers it starts, the app its valid senders drain. */
    private record Phase(String name, String app, List<SlowClients.Kind> kinds) {
    }

    private List<Phase> slowClientPlan() {
        return List.of(
                new Phase("no slow clients (baseline)", "slow-none", List.of()),
                new Phase("slowloris on headers (" + slowConnections + ")", "slow-headers",
                        List.of(SlowClients.Kind.HEADERS)),
                new Phase("slowloris on bodies (" + slowConnections + ")", "slow-bodies",
                        List.of(SlowClients.Kind.BODIES)),
                new Phase(idleSockets + " idle sockets", "slow-idle", List.of(SlowClients.Kind.IDLE)),
                new Phase("all three at once", "slow-all", List.of(SlowClients.Kind.values())));
    }

    /** Every app the run drains, one per door and scenario, and per slow-client phase. */
    private List<String> apps() {
        List<String> apps = new ArrayList<>();
        for (String door : List.of("local", "lambda")) {
            apps.add(door + "-warmup");
            Scenario.all().forEach(scenario -> apps.add(scenario.app(door)));
        }
        slowClientPlan().forEach(phase -> apps.add(phase.app()));
        return apps;
    }

    /** A new secret for {@code app} in SSM, written straight to the server. */
    private String register(String app) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        ssm.putParameter(r -> r.name(PARAMETER_PREFIX + "/" + app + "/secret").value(secret)
                .type(ParameterType.SECURE_STRING).overwrite(true));
        return secret;
    }

    private void progress(PrintWriter stderr, String what) {
        stderr.printf(Locale.ROOT, "faults: [%5.1f s] %s%n", (System.nanoTime() - startedNanos) / 1e9, what);
        stderr.flush();
    }
}
