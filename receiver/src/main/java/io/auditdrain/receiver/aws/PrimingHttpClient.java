package io.auditdrain.receiver.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/** The SDK's HTTP client, answering from {@link Priming}'s canned response while the calling thread is priming. */
final class PrimingHttpClient implements SdkHttpClient {

    private final SdkHttpClient network;
    private final Priming priming;

    PrimingHttpClient(SdkHttpClient network, Priming priming) {
        this.network = network;
        this.priming = priming;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        Priming.CannedResponse response = priming.current();
        if (response == null) {
            return network.prepareRequest(request);
        }
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                // Read the body as the network client would, so that checksum and signing streams run too.
                if (request.contentStreamProvider().isPresent()) {
                    try (InputStream body = request.contentStreamProvider().get().newStream()) {
                        body.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
                SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(response.status());
                response.headers().forEach((name, value) -> http.putHeader(name, List.of(value)));
                return HttpExecuteResponse.builder()
                        .response(http.build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(response.body())))
                        .build();
            }

            @Override
            public void abort() {
                // nothing in flight
            }
        };
    }

    @Override
    public String clientName() {
        return network.clientName();
    }

    @Override
    public void close() {
        network.close();
    }
}
