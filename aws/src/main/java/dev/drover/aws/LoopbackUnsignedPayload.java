package dev.drover.aws;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 with {@code UNSIGNED-PAYLOAD} for an S3 emulator on loopback. Over plain HTTP the SDK always
 * signs the payload, which means a SHA-256 over every byte uploaded (the SDK refuses to turn it off
 * for HTTP: it protects the body on an untrusted wire). On loopback there is no wire, and Drover
 * already hashes each output for its result, so this signs the request as if it went over HTTPS,
 * where S3 accepts an unsigned payload, and sends it over HTTP as before. Headers are still signed
 * with the credentials; nothing changes for an HTTPS endpoint (real AWS), which signs this way already.
 */
final class LoopbackUnsignedPayload implements AwsV4AuthScheme {
    private final AwsV4HttpSigner signer = new Signer(AwsV4HttpSigner.create());

    @Override
    public String schemeId() {
        return AwsV4AuthScheme.SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return providers.identityProvider(AwsCredentialsIdentity.class);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    private record Signer(AwsV4HttpSigner delegate) implements AwsV4HttpSigner {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest http = request.request();
            if (!"http".equals(http.protocol())) {
                return delegate.sign(request);
            }
            // the port is explicit on an emulator's endpoint, so the signed Host header is unchanged
            SignRequest<? extends AwsCredentialsIdentity> asHttps = request.copy(b -> b
                    .request(http.toBuilder().protocol("https").port(http.port()).build())
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
            SignedRequest signed = delegate.sign(asHttps);
            return signed.copy(b -> b.request(signed.request().toBuilder().protocol("http").port(http.port()).build()));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            return delegate.signAsync(request); // Drover's clients are synchronous
        }
    }
}
