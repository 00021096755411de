package io.auditdrain.verifier.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.proof.ProofRecordStore;
import io.auditdrain.verifier.schedule.ScheduleConfig;
import io.auditdrain.verifier.schedule.ScheduledVerification;
import io.auditdrain.verifier.schedule.SsmParameterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The Lambda entry point of the scheduled verification (EventBridge, every 15 minutes by default): a thin adapter that
 * runs {@link ScheduledVerification} and returns its outcome. Configuration is read and validated once, in the
 * constructor (Lambda's init phase), and so are the SSM client and the S3 client its run records are written with; a
 * configuration error fails init with every problem listed, which stops the runs and so raises the "not running"
 * alarm.
 */
public final class ScheduledVerificationHandler implements RequestStreamHandler {

    private final ScheduledVerification verification;

    public ScheduledVerificationHandler() {
        this(Environment.system(), System.out, Clock.systemUTC());
    }

    ScheduledVerificationHandler(Environment env, PrintStream log, Clock clock) {
        ScheduleConfig config = ScheduleConfig.fromEnvironment(env);
        SsmParameterReader parameters = SsmParameterReader.fromEnvironment(env);
        ProofRecordStore records = ProofRecordStore.open(StoreLocation.parse(config.store()), env);
        this.verification = new ScheduledVerification(config, parameters::read, records, log, clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the scheduled event says nothing the run needs
        ScheduledVerification.Outcome outcome = verification.run();
        output.write(outcome.json().getBytes(StandardCharsets.UTF_8));
    }
}
