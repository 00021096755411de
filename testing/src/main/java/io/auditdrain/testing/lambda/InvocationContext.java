package io.auditdrain.testing.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;

/**
 * The context of a handler called in-process, as Lambda would pass it: the function's names and a deadline that
 * runs from the moment the context is made. (Under the runtime interface client, {@link LambdaExecutionEnvironment}
 * runs the jar itself and the client makes the context.)
 */
public record InvocationContext(String functionName, Duration timeout, long startedNanos) implements Context {

    public static InvocationContext of(String functionName, Duration timeout) {
        return new InvocationContext(functionName, timeout, System.nanoTime());
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
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "in-process";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
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
