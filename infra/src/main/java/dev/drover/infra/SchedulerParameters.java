package dev.drover.infra;

/**
 * The SSM parameters the scheduler replicas write, named after the stack. CloudFormation cannot make
 * a SecureString, so none is a resource of the stack: the replicas create them, and they outlive it.
 *
 * @param adminToken SecureString: the first admin's token, written once by the first replica to start; no role of the stack reads it
 * @param fingerprint String: the certificate's SHA-256, for clients to pin; every start writes it
 * @param tls SecureString: the replicas' one TLS key and certificate (PEM), made by the first replica to
 *            start and read by every start; only the scheduler role may read it
 */
public record SchedulerParameters(String adminToken, String fingerprint, String tls) {
    public SchedulerParameters(String stackName) {
        this("/drover/" + stackName + "/admin-token", "/drover/" + stackName + "/tls-fingerprint",
                "/drover/" + stackName + "/tls");
    }
}
