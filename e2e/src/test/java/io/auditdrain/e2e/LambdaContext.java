package io.auditdrain.e2e;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;

/** The invocation context of an in-process run of a Lambda handler: a deadline, and names as Lambda gives them. */
record LambdaContext(Duration timeout, long startedNanos) implements Context {

    LambdaContext(Duration timeout) {
        this(timeout, System.nanoTime());
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, timeout.toMillis() - (System.nanoTime() - startedNanos) / 1_000_000);
    }

    @Override
    public String getAwsRequestId() {
        return "00000000-0000-4000-8000-000000000000";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/auditdrain-digester";
    }

    @Override
    public String getLogStreamName() {
        return "in-process";
    }

    @Override
    public String getFunctionName() {
        return "auditdrain-digester";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:auditdrain-digester";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return null;
    }
}
